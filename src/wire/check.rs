//! `folio check --json` and `folio index --json`.

use serde::{Deserialize, Serialize};

use super::FormatVersion;
use crate::model::Warning;

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
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexedDoc {
    pub key: String,
    pub path: String,
    pub title: String,
    pub passages: usize,
    pub language: String,
}
