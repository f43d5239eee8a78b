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
    /// Hits skipped before the first shown (`--offset`; documents when grouped).
    #[serde(default)]
    pub offset: usize,
    /// `relevance` (best first) or `year` (newest first).
    #[serde(default)]
    pub sort: String,
    /// True when the query was searched as typed (`--exact`): no thesaurus,
    /// no compounds, no near spellings.
    #[serde(default)]
    pub exact: bool,
    /// With `--group doc`: the documents in order, each with the ids of its
    /// hits (which follow each other in `hits`); absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<DocGroup>,
    /// When nothing matched in the kinds searched: kind → matching passages
    /// of the kinds not searched (e.g. `{"reference": 3}`); absent otherwise.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other_kinds: BTreeMap<String, u64>,
    /// How the hits were ranked: `lexical`, `semantic` or `hybrid`.
    #[serde(default = "lexical")]
    pub mode: String,
}

fn lexical() -> String {
    "lexical".into()
}

/// One document's hits (`--group doc`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocGroup {
    pub doc: String,
    /// Passages of the document that match, shown or not.
    pub total: u64,
    /// Ids of its hits shown, best first.
    pub hits: Vec<String>,
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
    /// With `--explain` in hybrid or semantic mode: what each side gave the score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<HitExplain>,
}

/// A hit's score taken apart: `score` = `lexical` + `semantic`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HitExplain {
    /// BM25 score, when the passage was among the lexical candidates.
    pub bm25: Option<f32>,
    /// Cosine of the passage's vector with the query's (null: no vector).
    pub cosine: Option<f32>,
    /// The lexical part of the score (weighted, normalised BM25).
    pub lexical: f32,
    /// The semantic part of the score (weighted, normalised cosine).
    pub semantic: f32,
}

/// Words of the query and what they were also searched as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expansion {
    pub matched: String,
    pub added: Vec<String>,
}
