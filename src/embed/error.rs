//! The embedding module's typed errors: each says which file is at fault and
//! what to run to fix it (usually `folio model install`).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}; reinstall the model with `folio model install --force`")]
    Model { path: PathBuf, message: String },
    #[error("{path} has sha256 {found}, expected {expected}: the file is damaged or not the pinned model; {hint}")]
    Checksum { path: PathBuf, expected: String, found: String, hint: &'static str },
    #[error("the static embedding table is unusable: {0}")]
    Table(String),
    #[error("{0}")]
    Install(String),
}

impl EmbedError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EmbedError::Io { path: path.into(), source }
    }

    pub(crate) fn model(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        EmbedError::Model { path: path.into(), message: message.into() }
    }
}

pub type Result<T, E = EmbedError> = std::result::Result<T, E>;
