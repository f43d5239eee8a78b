//! folio's library errors: one enum, each variant with the context a user
//! needs to act (the path, what to run instead).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("corpus folder {path} cannot be read: {source}; point --corpus (or FOLIO_CORPUS) at a folder of .txt/.md files")]
    CorpusMissing { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a folder; point --corpus (or FOLIO_CORPUS) at a folder of .txt/.md files")]
    CorpusNotADirectory { path: PathBuf },
    #[error("{path}:{line}:{column}: {message}")]
    Config { path: String, line: usize, column: usize, message: String },
    #[error("no index at {path}; run `folio index` to build it")]
    IndexMissing { path: PathBuf },
    #[error("the index at {path} was built by another folio schema (version {found}, this folio uses {expected}); run `folio index --rebuild`")]
    SchemaMismatch { path: PathBuf, found: String, expected: String },
    #[error("index at {path}: {message}")]
    IndexCorrupt { path: PathBuf, message: String },
    #[error("another `folio index` is writing {path}; wait for it to finish or remove a stale {path}/.lock if no folio is running")]
    Locked { path: PathBuf },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the index could not be read or written: {}; check that the index folder (--index) is readable, or rebuild it with `folio index --rebuild`", describe_tantivy(.0))]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("no passage with id `{id}`; ids look like `3f9a1c-7b41d0aa` (shown in brackets by `folio search`, or as `id` in its JSON)")]
    UnknownPassage { id: String },
    #[error("{0}")]
    InvalidArgument(String),
    #[error("--strict: the corpus has {n} warning(s), nothing was indexed; the first: {first}")]
    Strict { n: usize, first: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// tantivy's errors as a clause, without its debug dumps.
fn describe_tantivy(e: &tantivy::TantivyError) -> String {
    use tantivy::TantivyError as T;
    match e {
        T::OpenDirectoryError(d) => d.to_string(),
        T::OpenReadError(r) => r.to_string(),
        T::OpenWriteError(w) => w.to_string(),
        T::LockFailure(_, _) => "another process holds the index's lock".to_string(),
        T::IoError(io) => io.to_string(),
        T::DataCorruption(_) => "its files are damaged".to_string(),
        T::IndexAlreadyExists => "an index already exists there".to_string(),
        T::SchemaError(m) | T::InvalidArgument(m) | T::ErrorInThread(m) | T::InternalError(m) => m.clone(),
        other => other.to_string(),
    }
}

impl Error {
    /// A stable name for the kind of error, for JSON output (`wire::ErrorBody::kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::CorpusMissing { .. } | Error::CorpusNotADirectory { .. } => "corpus_missing",
            Error::Config { .. } => "config",
            Error::IndexMissing { .. } => "index_missing",
            Error::SchemaMismatch { .. } => "schema_mismatch",
            Error::IndexCorrupt { .. } => "index_corrupt",
            Error::Locked { .. } => "locked",
            Error::Io { .. } => "io",
            Error::Tantivy(_) => "search_engine",
            Error::UnknownPassage { .. } => "unknown_passage",
            Error::InvalidArgument(_) => "invalid_argument",
            Error::Strict { .. } => "strict",
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}
