//! Messages only `folio serve` answers: `/api/status`, `/api/documents` and
//! `/api/documents/{key}` (the reader view). Searches, passages, citations
//! and topics answer with the same messages as the CLI.

use serde::{Deserialize, Serialize};

use super::{FormatVersion, Passage};
use crate::model::{Skipped, Warning};

/// `GET /api/status`: the index being answered from, the build running now
/// (if any) and what the last one found wrong, file by file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusResponse {
    pub folio_json: FormatVersion,
    /// True once the index can answer searches.
    pub ready: bool,
    /// The live generation's folder name; absent before the first build.
    pub generation: Option<String>,
    pub documents: usize,
    pub passages: usize,
    /// True while the server watches the corpus for changes.
    pub watching: bool,
    /// The build running now.
    pub building: Option<BuildProgress>,
    /// The last build that finished (or failed).
    pub last_build: Option<LastBuild>,
    /// Per-file problems of the live index (unreadable, empty, timed out, …).
    pub problems: Vec<Warning>,
    /// Files in the corpus not read as documents, with the reason.
    pub skipped: Vec<Skipped>,
}

/// A build in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildProgress {
    /// Documents processed so far, out of `total` to process.
    pub done: usize,
    pub total: usize,
    /// The document being processed ("" before the first).
    pub current: String,
    /// Seconds since the build started.
    pub seconds: f64,
}

/// How the last build ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LastBuild {
    /// "built", "updated" or "failed".
    pub status: String,
    /// When it finished, in seconds since 1970-01-01 UTC.
    pub finished_unix: u64,
    pub seconds: f64,
    /// Documents processed again (all of them for a full build).
    pub reindexed: usize,
    /// Why it failed, with what to do ("failed" only).
    pub error: Option<String>,
}

/// `GET /api/documents`: every document of the index, in corpus order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentsResponse {
    pub folio_json: FormatVersion,
    pub documents: Vec<DocumentSummary>,
}

/// One document as listed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub key: String,
    /// Path relative to the corpus folder.
    pub path: String,
    pub title: String,
    pub authors: Vec<String>,
    pub year: Option<i32>,
    pub language: String,
    pub passages: usize,
}

/// `GET /api/documents/{key}`: a document and its passages in order, for
/// reading a passage in its place.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentResponse {
    pub folio_json: FormatVersion,
    pub document: DocumentSummary,
    pub passages: Vec<Passage>,
}
