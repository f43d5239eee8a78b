//! A passage as clients see it: the stored record plus its citation, rendered
//! at output time from the document's metadata. Also the messages built
//! around one passage: an `export` line, `show` and `cite --format json`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::FormatVersion;
use crate::model::{Cite, Heading, Kind, Locator, Reference, Source};

/// A passage with its citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// Stable id: a hash of the document's path and of the passage's text (see `model::passage_id`).
    pub id: String,
    pub doc: String,
    pub title: String,
    /// "Family, Given" (organisations: the name alone).
    pub authors: Vec<String>,
    pub year: Option<i32>,
    pub section: Option<String>,
    pub section_number: Option<String>,
    pub section_path: Vec<Heading>,
    pub paragraph: u32,
    pub kind: Kind,
    /// ISO 639-1 code ("und" when unknown).
    pub language: String,
    pub topics: Vec<String>,
    pub topic_scores: BTreeMap<String, f32>,
    pub text: String,
    pub source: Source,
    /// Every page label the passage spans, in order; absent for sources without pages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<String>,
    pub citation: Citation,
    pub cites: Vec<Cite>,
    /// Reference and note passages: the entry parsed into fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Reference>,
}

impl Passage {
    /// The passage's locator, as `cite` takes it.
    pub fn locator(&self) -> Locator {
        Locator::new(&self.section_path, self.paragraph, self.pages.clone())
    }
}

/// The citation of a passage: the document's key, the locator ("§2.1, ¶14",
/// "p. 118") and the reference in the requested style (APA by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub key: String,
    pub locator: String,
    pub text: String,
}

/// One line of `folio export --format jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportLine {
    pub folio_json: FormatVersion,
    #[serde(flatten)]
    pub passage: Passage,
}

/// `folio show ID --format json`: the passage, its neighbours in the
/// document, and the reference entries its markers point at.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShowResponse {
    pub folio_json: FormatVersion,
    pub passage: Passage,
    pub previous: Option<Passage>,
    pub next: Option<Passage>,
    pub references: Vec<Passage>,
}

/// `folio cite ID --format json`: every pasteable form at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CiteResponse {
    pub folio_json: FormatVersion,
    pub id: String,
    pub key: String,
    pub locator: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<String>,
    /// The style the text forms are in.
    pub style: String,
    /// In-text citation in the style, e.g. "(Mukerji, 2020, para. 14)".
    pub citation: String,
    /// The reference-list entry in the style.
    pub reference: String,
    pub pandoc: String,
    pub typst: String,
    pub latex: String,
}
