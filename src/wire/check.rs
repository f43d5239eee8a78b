//! `folio check --json` and `folio index --json`.

use serde::{Deserialize, Serialize};

use super::FormatVersion;
use std::collections::BTreeMap;

use crate::model::{Skipped, Warning};

/// Whether the index matches a valid corpus.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckReport {
    pub folio_json: FormatVersion,
    /// "fresh", "stale", "missing" or "invalid".
    pub status: String,
    pub fresh: bool,
    pub stale_reasons: Vec<String>,
    pub problems: Vec<String>,
}

/// What `folio index` did.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexReport {
    pub folio_json: FormatVersion,
    /// "built", "updated" or "up-to-date".
    pub status: String,
    pub documents: usize,
    pub passages: usize,
    pub reindexed: usize,
    pub unchanged: usize,
    pub languages: Vec<String>,
    pub warnings: Vec<Warning>,
    pub docs: Vec<IndexedDoc>,
    /// Files in the corpus folder not read as documents, with the reason
    /// (not warnings: `--strict` does not fail on them).
    #[serde(default)]
    pub skipped: Vec<Skipped>,
    /// Reason → number of skipped files.
    #[serde(default)]
    pub skipped_by_reason: BTreeMap<String, usize>,
    /// Documents without a library entry, whose metadata is read from the
    /// document or guessed from its text.
    #[serde(default)]
    pub guessed: Vec<GuessedDoc>,
}

/// A document without a library entry: which fields came from where, and a
/// BibTeX entry to fill in and add to the library.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GuessedDoc {
    pub key: String,
    pub path: String,
    /// Fields from the document's own metadata (meta tags, DOCX properties,
    /// YAML front matter).
    pub embedded: Vec<String>,
    /// Fields guessed from the text.
    pub guessed: Vec<String>,
    /// Fields nobody knows.
    pub missing: Vec<String>,
    pub bibtex_stub: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexedDoc {
    pub key: String,
    pub path: String,
    pub title: String,
    pub passages: usize,
    pub language: String,
}
