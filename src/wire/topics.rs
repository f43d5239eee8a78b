//! `folio topics --format json` and `folio tag --format json`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::FormatVersion;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TopicsResponse {
    pub folio_json: FormatVersion,
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Topic {
    pub id: String,
    pub label: String,
    pub description: String,
    /// Passages tagged with it.
    pub passages: usize,
}

/// Topics of a free text, with the evidence when asked (`--explain`).
#[derive(Debug, Clone, Serialize)]
pub struct TagResponse {
    pub folio_json: FormatVersion,
    pub language: String,
    pub topics: Vec<String>,
    pub topic_scores: BTreeMap<String, f32>,
    /// Topic → evidence (term, count, weight, source); null unless explained.
    pub evidence: Option<BTreeMap<String, Vec<crate::vocab::tagger::Evidence>>>,
}
