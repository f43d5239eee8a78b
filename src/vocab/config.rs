//! Reading the editable TOML files (taxonomy, thesaurus) with errors that
//! point at the line and column to fix.

use crate::error::{Error, Result};

/// Line and column (1-based) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Parses a TOML config file into `T`, with errors that carry line and column.
pub fn parse_toml<T: serde::de::DeserializeOwned>(src: &str, path: &str) -> Result<T> {
    toml::from_str(src).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(src, s.start));
        Error::Config { path: path.to_string(), line, column, message: e.message().to_string() }
    })
}
