//! Topic tagging: matches a taxonomy's weighted terms and phrases on stems
//! (aho-corasick over the stem sequence), discounts words inside guard phrases
//! ("Creative Commons Attribution"), adds the evidence of the section heading
//! and of the document as context, and turns evidence into a 0..1 score per
//! topic with a threshold per topic. Every assignment can explain itself.

use std::collections::{BTreeMap, HashMap};

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

use crate::text::Analyzer;
use crate::vocab::taxonomy::Taxonomy;

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
    /// Number of stems in the pattern.
    n_tokens: usize,
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
pub type RawEvidence = Vec<BTreeMap<String, (u32, f32)>>;

/// Weight of a term found inside an enumeration ("botnets, spam, terrorism,
/// and election interference"): a word in a list is mentioned in passing.
const LIST_FACTOR: f32 = 0.4;

/// Passages up to this many words count their evidence in full.
const SHORT_PASSAGE_WORDS: f32 = 150.0;

fn stem_key(text: &str, lang: &str) -> (String, usize) {
    let stems = Analyzer::for_lang(lang).terms(text);
    if stems.is_empty() { (String::new(), 0) } else { (format!(" {} ", stems.join(" ")), stems.len()) }
}

/// Byte ranges of `text` that are enumerations: four or more short items in a row.
fn list_spans(text: &str) -> Vec<(usize, usize)> {
    let mut items: Vec<(usize, usize, usize)> = vec![];
    let mut start = 0;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ','))) {
        if matches!(c, ',' | ';') || i == text.len() {
            let item = &text[start..i];
            let words = item.split_whitespace().filter(|w| *w != "and" && *w != "or").count();
            items.push((start, i, words));
            start = (i + c.len_utf8()).min(text.len());
        }
    }
    let mut spans = vec![];
    let mut run: Vec<(usize, usize)> = vec![];
    for (a, b, words) in items {
        if (1..=4).contains(&words) {
            run.push((a, b));
        } else {
            if run.len() >= 4 {
                spans.push((run[0].0, run[run.len() - 1].1));
            }
            run.clear();
        }
    }
    if run.len() >= 4 {
        spans.push((run[0].0, run[run.len() - 1].1));
    }
    spans
}

impl Tagger {
    pub fn new(taxonomy: Taxonomy) -> Tagger {
        let mut by_lang: BTreeMap<String, BTreeMap<String, Pattern>> = BTreeMap::new();
        for (t_idx, topic) in taxonomy.topics.iter().enumerate() {
            for (lang, terms) in &topic.terms {
                let entry = by_lang.entry(lang.clone()).or_default();
                for (term, weight) in terms {
                    let (key, n_tokens) = stem_key(term, lang);
                    if key.is_empty() {
                        continue;
                    }
                    let p = entry.entry(key).or_insert_with(|| Pattern { term: term.clone(), n_tokens, topics: vec![] });
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
            // Overlapping matches: each topic picks its own longest matches, so a
            // phrase of one topic never hides a shorter term of another.
            let automaton = AhoCorasick::builder().match_kind(MatchKind::Standard).build(&keys).expect("patterns compile");
            let guard_keys: Vec<String> = taxonomy
                .topics
                .iter()
                .flat_map(|t| t.guards.iter())
                .map(|g| stem_key(g, &lang).0)
                .filter(|k| !k.is_empty())
                .collect();
            let guards = (!guard_keys.is_empty())
                .then(|| AhoCorasick::builder().match_kind(MatchKind::Standard).build(&guard_keys).expect("guards compile"));
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
        let lists = list_spans(text);
        let mut words = vec![];
        crate::text::split_words(text, &mut words);
        for l in self.langs_for(lang) {
            let Some(m) = self.matchers.get(l) else { continue };
            let stems = Analyzer::for_lang(l).terms(text);
            if stems.len() != words.len() {
                continue;
            }
            // The haystack " s1 s2 … " and where each token starts in it.
            let mut hay = String::from(" ");
            let mut starts = Vec::with_capacity(stems.len());
            for stem in &stems {
                starts.push(hay.len() - 1);
                hay.push_str(stem);
                hay.push(' ');
            }
            let token_at = |byte: usize| starts.partition_point(|s| *s < byte);
            let guarded: Vec<(usize, usize)> = m
                .guards
                .as_ref()
                .map_or(vec![], |g| g.find_overlapping_iter(&hay).map(|x| (token_at(x.start()), token_at(x.end() - 1))).collect());
            // (topic, first token, token count, pattern)
            let mut found: Vec<(usize, usize, usize, usize)> = vec![];
            for x in m.automaton.find_overlapping_iter(&hay) {
                let first = token_at(x.start());
                let pattern = &m.patterns[x.pattern().as_usize()];
                let last = first + pattern.n_tokens;
                if guarded.iter().any(|(a, b)| first < *b && *a < last) {
                    continue;
                }
                for (t_idx, _) in &pattern.topics {
                    found.push((*t_idx, first, pattern.n_tokens, x.pattern().as_usize()));
                }
            }
            // Per topic, longest matches first, no overlaps.
            found.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
            let mut taken: Vec<(usize, usize, usize)> = vec![];
            for (t_idx, first, n, p_idx) in found {
                if taken.iter().any(|(t, a, b)| *t == t_idx && first < *b && *a < first + n) {
                    continue;
                }
                taken.push((t_idx, first, first + n));
                let pattern = &m.patterns[p_idx];
                let weight = pattern.topics.iter().find(|(t, _)| *t == t_idx).map_or(0.0, |(_, w)| *w);
                let offset = words[first].offset_from;
                let weight = if lists.iter().any(|(a, b)| offset >= *a && offset < *b) { weight * LIST_FACTOR } else { weight };
                let e = out[t_idx].entry(pattern.term.clone()).or_insert((0, weight));
                e.0 += 1;
                e.1 = e.1.max(weight);
            }
        }
        out
    }

    /// Sums evidence: each term counts its weight, repeated mentions add less.
    fn total(evidence: &BTreeMap<String, (u32, f32)>) -> f32 {
        evidence.values().map(|(count, weight)| weight * (1.0 + (*count as f32).ln())).sum()
    }

    /// A document's context for tagging its passages: the evidence of all its
    /// passages together, per topic, scaled to 0..1 by the strongest topic.
    pub fn document_context(&self, passages: &[&RawEvidence]) -> Vec<f32> {
        let mut merged: RawEvidence = vec![BTreeMap::new(); self.taxonomy.topics.len()];
        for ev in passages {
            for (topic, terms) in ev.iter().enumerate() {
                for (term, (count, weight)) in terms {
                    let e = merged[topic].entry(term.clone()).or_insert((0, *weight));
                    e.0 += count;
                    e.1 = e.1.max(*weight);
                }
            }
        }
        let totals: Vec<f32> = merged.iter().map(Self::total).collect();
        let max = totals.iter().copied().fold(0.0f32, f32::max);
        totals.iter().map(|t| if max > 0.0 { t / max } else { 0.0 }).collect()
    }

    /// Tags one passage. `heading` is its section heading; `document` the
    /// context from [`Tagger::document_context`] (empty for free text).
    pub fn tag(&self, text: &str, lang: &str, heading: Option<&str>, document: &[f32]) -> Tags {
        let heading_ev = heading.map(|h| self.evidence(h, lang));
        self.tag_with(text, self.evidence(text, lang), heading_ev.as_ref(), document)
    }

    /// Tags a passage whose evidence (and its heading's) is already computed.
    pub fn tag_with(&self, text: &str, text_ev: RawEvidence, heading_ev: Option<&RawEvidence>, document: &[f32]) -> Tags {
        // A term said once in a long passage is said in passing: evidence is
        // discounted by the square root of the length beyond a short paragraph.
        let n_words = text.split_whitespace().count().max(text.chars().filter(|c| crate::text::lang::is_cjk(*c)).count() / 2);
        let length_factor = (n_words as f32 / SHORT_PASSAGE_WORDS).max(1.0).sqrt();
        let mut tags = Tags::default();
        for (i, topic) in self.taxonomy.topics.iter().enumerate() {
            let text_total = Self::total(&text_ev[i]) / length_factor;
            let heading_total = heading_ev.map_or(0.0, |h| Self::total(&h[i]));
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
            if let Some(h) = heading_ev {
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
