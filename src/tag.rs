//! Topic tagging: matches a taxonomy's weighted terms and phrases on stems
//! (aho-corasick over the stem sequence), discounts words inside guard phrases
//! ("Creative Commons Attribution"), adds the evidence of the section heading
//! and of the document as context, and turns evidence into a 0..1 score per
//! topic with a threshold per topic. Every assignment can explain itself.

use std::collections::{BTreeMap, HashMap};

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

use crate::analyze::FolioTokenizer;
use crate::taxonomy::Taxonomy;

/// One piece of evidence for a topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub term: String,
    pub count: u32,
    pub weight: f32,
    /// "text", "heading" or "document".
    pub source: &'static str,
}

/// The tagger's verdict on one text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tags {
    pub topics: Vec<String>,
    pub scores: BTreeMap<String, f32>,
    pub evidence: BTreeMap<String, Vec<Evidence>>,
}

struct Pattern {
    term: String,
    topics: Vec<(usize, f32)>,
}

struct LangMatcher {
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
    guards: Option<AhoCorasick>,
}

/// A compiled taxonomy.
pub struct Tagger {
    pub taxonomy: Taxonomy,
    matchers: HashMap<String, LangMatcher>,
}

/// Raw evidence per topic index: term → (count, weight).
type RawEvidence = Vec<BTreeMap<String, (u32, f32)>>;

fn stem_key(text: &str, lang: &str) -> String {
    let stems = FolioTokenizer::for_lang(lang).terms(text);
    if stems.is_empty() { String::new() } else { format!(" {}", stems.join(" ")) }
}

impl Tagger {
    pub fn new(taxonomy: Taxonomy) -> Tagger {
        let mut by_lang: BTreeMap<String, BTreeMap<String, Pattern>> = BTreeMap::new();
        for (t_idx, topic) in taxonomy.topics.iter().enumerate() {
            for (lang, terms) in &topic.terms {
                let entry = by_lang.entry(lang.clone()).or_default();
                for (term, weight) in terms {
                    let key = stem_key(term, lang);
                    if key.is_empty() {
                        continue;
                    }
                    let p = entry.entry(key).or_insert_with(|| Pattern { term: term.clone(), topics: vec![] });
                    if let Some(existing) = p.topics.iter_mut().find(|(i, _)| *i == t_idx) {
                        existing.1 = existing.1.max(*weight);
                    } else {
                        p.topics.push((t_idx, *weight));
                    }
                }
            }
        }
        let mut matchers = HashMap::new();
        for (lang, patterns) in by_lang {
            let (keys, patterns): (Vec<String>, Vec<Pattern>) = patterns.into_iter().unzip();
            let automaton = AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&keys).expect("patterns compile");
            let guard_keys: Vec<String> = taxonomy
                .topics
                .iter()
                .flat_map(|t| t.guards.iter())
                .map(|g| stem_key(g, &lang))
                .filter(|k| !k.is_empty())
                .collect();
            let guards = (!guard_keys.is_empty())
                .then(|| AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&guard_keys).expect("guards compile"));
            matchers.insert(lang, LangMatcher { automaton, patterns, guards });
        }
        Tagger { taxonomy, matchers }
    }

    /// Languages whose terms apply to text in `lang`: its own, plus English for
    /// the field's English acronyms and names used in every language ("GGE").
    fn langs_for<'a>(&self, lang: &'a str) -> Vec<&'a str> {
        if lang == "en" || !self.matchers.contains_key(lang) { vec!["en"] } else { vec![lang, "en"] }
    }

    /// Evidence in `text`, per topic.
    pub fn evidence(&self, text: &str, lang: &str) -> RawEvidence {
        let mut out: RawEvidence = vec![BTreeMap::new(); self.taxonomy.topics.len()];
        for l in self.langs_for(lang) {
            let Some(m) = self.matchers.get(l) else { continue };
            let hay = format!("{} ", stem_key(text, l));
            let guarded: Vec<(usize, usize)> = m.guards.as_ref().map_or(vec![], |g| g.find_iter(&hay).map(|x| (x.start(), x.end())).collect());
            for found in m.automaton.find_iter(&hay) {
                if !hay[found.end()..].starts_with(' ') {
                    continue;
                }
                if guarded.iter().any(|(s, e)| found.start() < *e && *s < found.end()) {
                    continue;
                }
                let pattern = &m.patterns[found.pattern().as_usize()];
                for (t_idx, weight) in &pattern.topics {
                    let e = out[*t_idx].entry(pattern.term.clone()).or_insert((0, *weight));
                    e.0 += 1;
                }
            }
        }
        out
    }

    /// Sums evidence: each term counts its weight, repeated mentions add less.
    fn total(evidence: &BTreeMap<String, (u32, f32)>) -> f32 {
        evidence.values().map(|(count, weight)| weight * (1.0 + (*count as f32).ln())).sum()
    }

    /// A document's context for tagging its passages: the evidence of its whole
    /// text, per topic, scaled to 0..1 by the strongest topic.
    pub fn document_context(&self, texts: &[&str], lang: &str) -> Vec<f32> {
        let joined = texts.join("\n");
        let ev = self.evidence(&joined, lang);
        let totals: Vec<f32> = ev.iter().map(Self::total).collect();
        let max = totals.iter().copied().fold(0.0f32, f32::max);
        totals.iter().map(|t| if max > 0.0 { t / max } else { 0.0 }).collect()
    }

    /// Tags one passage. `heading` is its section heading; `document` the
    /// context from [`Tagger::document_context`] (empty for free text).
    pub fn tag(&self, text: &str, lang: &str, heading: Option<&str>, document: &[f32]) -> Tags {
        let text_ev = self.evidence(text, lang);
        let heading_ev = heading.map(|h| self.evidence(h, lang));
        let mut tags = Tags::default();
        for (i, topic) in self.taxonomy.topics.iter().enumerate() {
            let text_total = Self::total(&text_ev[i]);
            let heading_total = heading_ev.as_ref().map_or(0.0, |h| Self::total(&h[i]));
            let doc_share = document.get(i).copied().unwrap_or(0.0);
            // Context only strengthens a topic the passage itself touches, or
            // one its heading names outright.
            let context = if text_total > 0.0 || heading_total >= topic.threshold {
                self.taxonomy.heading_weight * heading_total + self.taxonomy.document_weight * doc_share * topic.threshold
            } else {
                0.0
            };
            let raw = text_total + context;
            if raw <= 0.0 {
                continue;
            }
            let score = raw / (raw + topic.threshold);
            tags.scores.insert(topic.id.clone(), (score * 1000.0).round() / 1000.0);
            let mut evidence: Vec<Evidence> = text_ev[i]
                .iter()
                .map(|(term, (count, weight))| Evidence { term: term.clone(), count: *count, weight: *weight, source: "text" })
                .collect();
            if let Some(h) = &heading_ev {
                evidence.extend(h[i].iter().map(|(term, (count, weight))| Evidence { term: term.clone(), count: *count, weight: *weight, source: "heading" }));
            }
            if context > 0.0 && doc_share > 0.0 {
                evidence.push(Evidence { term: format!("document leans {:.0}% to this topic", doc_share * 100.0), count: 1, weight: self.taxonomy.document_weight * doc_share * topic.threshold, source: "document" });
            }
            tags.evidence.insert(topic.id.clone(), evidence);
            if raw >= topic.threshold {
                tags.topics.push(topic.id.clone());
            }
        }
        tags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagger() -> Tagger {
        Tagger::new(
            Taxonomy::parse(
                r#"
[[topic]]
id = "attribution"
label = "Attribution"
threshold = 2.0
guards = ["creative commons attribution"]
[topic.terms.en]
"attribution" = 2.0
"attributing attacks" = 3.0
[topic.terms.fr]
"attribution" = 2.0

[[topic]]
id = "cybercrime"
label = "Cybercrime"
threshold = 2.0
[topic.terms.en]
"cybercrime" = 3.0
"convention" = 0.5
"#,
                "t.toml",
            )
            .unwrap(),
        )
    }

    #[test]
    fn terms_phrases_and_guards() {
        let t = tagger();
        assert_eq!(t.tag("The attribution of cyber attacks is hard.", "en", None, &[]).topics, vec!["attribution"]);
        assert_eq!(t.tag("Licensed under Creative Commons Attribution 4.0.", "en", None, &[]).topics, Vec::<String>::new());
        let tags = t.tag("Attributing attacks divides states.", "en", None, &[]);
        assert_eq!(tags.evidence["attribution"][0].term, "attributing attacks");
        assert_eq!(t.tag("L'attribution des attaques.", "fr", None, &[]).topics, vec!["attribution"]);
    }

    #[test]
    fn the_heading_gives_context() {
        let t = tagger();
        assert!(t.tag("States negotiated the Convention.", "en", None, &[]).topics.is_empty());
        let tags = t.tag("States negotiated the Convention.", "en", Some("Countering cybercrime"), &[]);
        assert_eq!(tags.topics, vec!["cybercrime"]);
        assert!(tags.evidence["cybercrime"].iter().any(|e| e.source == "heading"));
    }
}
