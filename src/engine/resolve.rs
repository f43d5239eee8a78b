//! Which taxonomy and thesaurus a corpus uses: its own files when it has
//! them, else the ones built into folio.

use crate::error::Result;
use crate::source::Scan;
use crate::vocab::taxonomy::Taxonomy;
use crate::vocab::thesaurus::Thesaurus;

/// The taxonomy a corpus uses: its own file, else the built-in one.
pub fn taxonomy_of(scan: &Scan) -> Result<Taxonomy> {
    match &scan.taxonomy {
        Some((path, text)) => Taxonomy::parse(text, path),
        None => Ok(Taxonomy::builtin()),
    }
}

/// The thesaurus a corpus uses: its own file, else the built-in one.
pub fn thesaurus_of(scan: &Scan) -> Result<Thesaurus> {
    match &scan.thesaurus {
        Some((path, text)) => Thesaurus::parse(text, path),
        None => Ok(Thesaurus::builtin()),
    }
}
