//! The search thesaurus: groups of words and phrases that mean the same in a
//! search (acronyms and their expansions, the field's everyday words for its
//! concepts), read from `thesaurus.toml` in the corpus or the built-in copy.
//! Terms match on exact words and on stems in the languages folio stems most.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::text::Analyzer;
use crate::error::Result;
use super::config::parse_toml;

/// The thesaurus shipped with folio (also `corpus/thesaurus.toml`).
pub const DEFAULT_THESAURUS: &str = include_str!("../../corpus/thesaurus.toml");

/// Languages whose stems index the terms (a query word matches a term when
/// their stems agree in one of these).
const KEY_LANGS: &[&str] = &["en", "fr", "es", "de", "ru"];
/// Longest term, in words, looked up in a query.
const MAX_TERM_WORDS: usize = 8;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    terms: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    #[allow(dead_code)]
    version: u32,
    #[serde(rename = "group", default)]
    groups: Vec<Group>,
}

/// A compiled thesaurus.
#[derive(Debug, Clone, Default, serde::Serialize, Deserialize)]
pub struct Thesaurus {
    groups: Vec<Vec<String>>,
    /// Key (exact or stemmed words joined by spaces) → groups. Ordered, so
    /// that its cache in the index is the same bytes every build.
    index: BTreeMap<String, Vec<usize>>,
}

/// What a query was expanded with.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Expansion {
    /// The words of the query that matched.
    pub matched: String,
    /// Where they are: first word, number of words.
    #[serde(skip)]
    pub span: (usize, usize),
    pub added: Vec<String>,
}

fn keys(text: &str) -> Vec<String> {
    let mut out = vec![Analyzer::exact().terms(text).join(" ")];
    for lang in KEY_LANGS {
        out.push(Analyzer::for_lang(lang).terms(text).join(" "));
    }
    out.retain(|k| !k.is_empty());
    out.sort();
    out.dedup();
    out
}

impl Thesaurus {
    pub fn parse(src: &str, path: &str) -> Result<Thesaurus> {
        let file: File = parse_toml(src, path)?;
        let mut t = Thesaurus::default();
        for group in file.groups {
            let idx = t.groups.len();
            for term in &group.terms {
                for key in keys(term) {
                    let entry = t.index.entry(key).or_default();
                    if !entry.contains(&idx) {
                        entry.push(idx);
                    }
                }
            }
            t.groups.push(group.terms);
        }
        Ok(t)
    }

    pub fn builtin() -> Thesaurus {
        Thesaurus::parse(DEFAULT_THESAURUS, "<built-in thesaurus.toml>").expect("the built-in thesaurus parses")
    }

    pub fn n_groups(&self) -> usize {
        self.groups.len()
    }

    /// Expansions for a sequence of query words: longest matches first, no overlaps.
    pub fn expand(&self, words: &[String]) -> Vec<Expansion> {
        let mut out: Vec<Expansion> = vec![];
        let mut covered = vec![false; words.len()];
        for len in (1..=MAX_TERM_WORDS.min(words.len())).rev() {
            for start in 0..=words.len() - len {
                if covered[start..start + len].iter().any(|c| *c) {
                    continue;
                }
                let phrase = words[start..start + len].join(" ");
                let mut groups: Vec<usize> = keys(&phrase).iter().filter_map(|k| self.index.get(k)).flatten().copied().collect();
                groups.sort_unstable();
                groups.dedup();
                if groups.is_empty() {
                    continue;
                }
                let typed = keys(&phrase);
                let mut added: Vec<String> = vec![];
                for g in groups {
                    for term in &self.groups[g] {
                        let same = keys(term).iter().any(|k| typed.contains(k));
                        if !same && !added.iter().any(|a| a.eq_ignore_ascii_case(term)) {
                            added.push(term.clone());
                        }
                    }
                }
                if !added.is_empty() {
                    covered[start..start + len].iter_mut().for_each(|c| *c = true);
                    out.push(Expansion { matched: phrase, span: (start, len), added });
                }
            }
        }
        out.sort_by_key(|e| e.span.0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn acronyms_and_everyday_words_expand() {
        let t = Thesaurus::builtin();
        let e = t.expand(&words("why did the UN expert group fail"));
        assert_eq!(e[0].matched, "UN expert group");
        assert!(e[0].added.iter().any(|a| a == "Group of Governmental Experts"));
        let e = t.expand(&words("spying on computer crime"));
        assert!(e.iter().any(|x| x.matched == "spying" && x.added.contains(&"espionage".to_string())));
        assert!(e.iter().any(|x| x.matched == "computer crime" && x.added.contains(&"cybercrime".to_string())));
        assert!(t.expand(&words("gge")).first().is_some_and(|x| x.added.iter().any(|a| a == "Group of Governmental Experts")));
        assert!(t.expand(&words("zzz qqq")).is_empty());
    }

    #[test]
    fn errors_point_at_the_line() {
        let err = Thesaurus::parse("[[group]]\nterms = [\"a\", 3]\n", "thesaurus.toml").unwrap_err();
        assert!(err.to_string().starts_with("thesaurus.toml:2:"), "{err}");
    }
}
