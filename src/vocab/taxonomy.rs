//! The topic taxonomy: an editable TOML file in the corpus (`topics.toml`), or
//! the built-in default, the same file compiled into the binary.
//!
//! Format, one table per topic:
//!
//! ```toml
//! [[topic]]
//! id = "cybercrime"
//! label = "Cybercrime"
//! description = "Criminal use of ICTs and its repression"
//! threshold = 2.0            # evidence needed to assign the topic
//! guards = ["crime fiction"] # phrases whose words are not evidence
//! [topic.terms.en]
//! "cybercrime" = 3.0         # term or phrase = weight; matched on stems
//! [topic.terms.fr]
//! "cybercriminalité" = 3.0
//! [topic.in_context]         # terms (of `terms`) that count only in context:
//! en = ["criminal"]          # when the passage also says a context word
//! [topic.context]            # the topic's own context words; `*` ends a prefix
//! en = ["comput*", "hack*"]
//! ```
//!
//! Context words are the topic's own plus, unless the topic says
//! `field_context = false`, the taxonomy's `[field]` words (the words of the
//! field, "cyber*", "ICT", "internet"): a false friend ("powers attributed to
//! the Commission", "the accession of Croatia") is told from the topic's sense
//! by the words around it, not by listing sentences.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::config::{line_col, parse_toml};
use crate::error::{Error, Result};

/// The taxonomy shipped with folio (also `corpus/topics.toml`).
pub const DEFAULT_TAXONOMY: &str = include_str!("../../corpus/topics.toml");

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TopicDef {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_threshold")]
    pub threshold: f32,
    #[serde(default)]
    pub guards: Vec<String>,
    /// Language code → term or phrase → weight.
    #[serde(default)]
    pub terms: BTreeMap<String, BTreeMap<String, f32>>,
    /// Language code → terms of `terms` that count only beside a context word.
    #[serde(default)]
    pub in_context: BTreeMap<String, Vec<String>>,
    /// Language code → the topic's own context words.
    #[serde(default)]
    pub context: BTreeMap<String, Vec<String>>,
    /// Whether the taxonomy's `[field]` words are context for this topic too.
    #[serde(default = "default_true")]
    pub field_context: bool,
}

fn default_true() -> bool {
    true
}

fn default_threshold() -> f32 {
    2.0
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    #[serde(default = "default_version")]
    pub version: u32,
    /// How much a section heading's evidence counts, relative to the passage's.
    #[serde(default = "default_heading_weight")]
    pub heading_weight: f32,
    /// How much the document's overall evidence counts.
    #[serde(default = "default_document_weight")]
    pub document_weight: f32,
    /// Every topic's threshold is multiplied by this: the one knob that
    /// `folio eval --folds` chooses by cross-validation.
    #[serde(default = "default_scale")]
    pub threshold_scale: f32,
    /// Language code → words that mark the field (context for every topic).
    #[serde(default)]
    pub field: BTreeMap<String, Vec<String>>,
    #[serde(rename = "topic", default)]
    pub topics: Vec<TopicDef>,
}

fn default_scale() -> f32 {
    1.0
}

fn default_version() -> u32 {
    1
}
fn default_heading_weight() -> f32 {
    0.5
}
fn default_document_weight() -> f32 {
    0.3
}

impl Taxonomy {
    pub fn parse(src: &str, path: &str) -> Result<Taxonomy> {
        let taxonomy: Taxonomy = parse_toml(src, path)?;
        let mut seen = std::collections::HashSet::new();
        for t in &taxonomy.topics {
            let valid_id = !t.id.is_empty() && t.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid_id || !seen.insert(t.id.clone()) {
                let offset = src.find(&format!("\"{}\"", t.id)).unwrap_or(0);
                let (line, column) = line_col(src, offset);
                let message = if valid_id {
                    format!("topic id `{}` is defined twice", t.id)
                } else {
                    format!("topic id `{}` must be lower-case letters, digits and hyphens", t.id)
                };
                return Err(Error::Config { path: path.into(), line, column, message });
            }
        }
        check_in_context(&taxonomy, src, path)?;
        Ok(taxonomy)
    }

    /// A topic's threshold with the taxonomy's scale applied.
    pub fn threshold(&self, topic: &TopicDef) -> f32 {
        topic.threshold * self.threshold_scale
    }

    pub fn builtin() -> Taxonomy {
        Taxonomy::parse(DEFAULT_TAXONOMY, "<built-in topics.toml>").expect("the built-in taxonomy parses")
    }

    pub fn ids(&self) -> Vec<&str> {
        self.topics.iter().map(|t| t.id.as_str()).collect()
    }

    pub fn get(&self, id: &str) -> Option<&TopicDef> {
        self.topics.iter().find(|t| t.id == id)
    }
}

/// Every `in_context` entry names a term of the same topic and language: a
/// typo there would silently make a term unconditional.
fn check_in_context(taxonomy: &Taxonomy, src: &str, path: &str) -> Result<()> {
    for t in &taxonomy.topics {
        for (lang, terms) in &t.in_context {
            let known = t.terms.get(lang);
            if let Some(term) = terms.iter().find(|term| !known.is_some_and(|k| k.contains_key(*term))) {
                let (line, column) = line_col(src, src.find(&format!("\"{term}\"")).unwrap_or(0));
                let message = format!("topic `{}`: in_context term `{term}` is not one of its `{lang}` terms", t.id);
                return Err(Error::Config { path: path.into(), line, column, message });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_the_twelve_topics() {
        let t = Taxonomy::builtin();
        assert_eq!(t.topics.len(), 12);
        for lang in ["en", "fr", "es", "de", "ru", "zh"] {
            assert!(t.topics.iter().all(|topic| topic.terms.get(lang).is_some_and(|m| !m.is_empty())), "{lang}");
        }
    }

    #[test]
    fn errors_name_line_and_column() {
        let err = Taxonomy::parse("[[topic]]\nid = \"x\"\nlabel = 3\n", "topics.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("topics.toml:3:9:"), "{msg}");
    }

    #[test]
    fn in_context_terms_must_be_terms() {
        let src = "[[topic]]\nid = \"x\"\nlabel = \"X\"\n[topic.terms.en]\n\"treaty\" = 1.0\n[topic.in_context]\nen = [\"treaties\"]\n";
        let msg = Taxonomy::parse(src, "topics.toml").unwrap_err().to_string();
        assert!(msg.contains("in_context term `treaties`"), "{msg}");
        assert!(Taxonomy::parse(&src.replace("[\"treaties\"]", "[\"treaty\"]"), "topics.toml").is_ok());
    }
}
