//! `folio search --format json`: ranked hits with snippets, facet counts and
//! notes on how the query was read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{FormatVersion, Passage};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchResponse {
    pub folio_json: FormatVersion,
    pub query: String,
    /// Passages matching (all of them, not only those shown).
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Facet name (topic, doc, language, year, author, kind) → value → passages.
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
    /// What the query parser ignored or reinterpreted.
    pub notes: Vec<String>,
    /// What the thesaurus added to the query.
    pub expansions: Vec<Expansion>,
    /// True when near spellings of the query's words were searched too.
    pub fuzzy: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hit {
    pub score: f32,
    /// About 240 characters around the densest matches, matches in `<mark>…</mark>`.
    pub snippet: String,
    /// The same snippet as HTML: the passage's text escaped, so that the
    /// `<mark>` elements are its only markup (what a page may insert).
    #[serde(default)]
    pub snippet_html: String,
    pub passage: Passage,
}

/// Words of the query and what they were also searched as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expansion {
    pub matched: String,
    pub added: Vec<String>,
}
