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
//! ```

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
    #[serde(rename = "topic", default)]
    pub topics: Vec<TopicDef>,
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
        Ok(taxonomy)
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
}
