//! The application layer every front end shares (the CLI now, the server
//! next): builds and updates the index, keeps it fresh before answering,
//! checks a corpus, and answers searches, `show`, `cite`, `export`, `topics`,
//! `tag` and `eval` in the `wire` types.
//!
//! Files: `build` (the indexing pipeline's driver), `pool` (ordered parallel
//! processing), `resolve` (which taxonomy and thesaurus apply), `ensure`
//! (freshness before answering, the `index` command), `check`, `present`
//! (stored passages → wire passages with citations; search, show, cite,
//! export, topics, tag), `eval`, `vectors` (passage vectors at indexing:
//! the model, the cache of unchanged texts, the rows of a generation).

pub mod build;
pub mod check;
pub mod ensure;
pub mod eval;
mod pool;
pub mod present;
pub mod resolve;
pub mod vectors;

use std::path::PathBuf;
use std::time::Duration;

use crate::store::IndexDir;

pub use build::{BuildOptions, BuildReport};
pub use ensure::{guessed_docs, skipped_by_reason};

/// A corpus folder and the index built from it.
pub struct Engine {
    pub corpus: PathBuf,
    pub index: IndexDir,
}

impl Engine {
    pub fn new(corpus: impl Into<PathBuf>, index: impl Into<PathBuf>) -> Engine {
        Engine { corpus: corpus.into(), index: IndexDir::new(index) }
    }
}

/// What a front end hears while the engine works: messages for the user,
/// build progress, and a finished build. Every method defaults to silence.
pub trait Observer {
    /// A sentence for the user ("no index at …; building it from …").
    fn note(&mut self, _message: &str) {}
    /// Documents done, documents to do, the current document's path.
    fn progress(&mut self, _done: usize, _total: usize, _path: &str) {}
    /// A build or update finished.
    fn built(&mut self, _report: &BuildReport, _elapsed: Duration) {}
}

/// An observer that hears nothing.
pub struct Quiet;

impl Observer for Quiet {}
