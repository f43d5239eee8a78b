//! Topic tagging: matches a taxonomy's weighted terms and phrases on stems
//! (aho-corasick over the stem sequence), discounts words inside guard phrases
//! ("Creative Commons Attribution"), lets ambiguous terms count only beside a
//! context word (the sense of "attributed to" is told by its neighbours), adds
//! the evidence of the section heading and of the document as context, and
//! turns evidence into a 0..1 score per topic with a threshold per topic.
//! Every assignment can explain itself.
//!
//! The decision is split in two so that it can be cross-validated: text →
//! [`Signal`] per topic (what the passage, its heading and its document say),
//! then [`Signal::raw`] with [`Weights`] (how much each counts) against the
//! topic's threshold.

use std::collections::{BTreeMap, HashMap};

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

use crate::text::{Analyzer, Token};
use crate::vocab::taxonomy::Taxonomy;

/// One piece of evidence for a topic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub term: String,
    pub count: u32,
    pub weight: f32,
    /// "text", "heading" or "document".
    pub source: &'static str,
    /// For a term that counts only in context: the context word beside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<String>,
}

/// The tagger's verdict on one text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tags {
    pub topics: Vec<String>,
    pub scores: BTreeMap<String, f32>,
    pub evidence: BTreeMap<String, Vec<Evidence>>,
}

/// A term found in a text for one topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub count: u32,
    pub weight: f32,
    /// The context word that let a context-bound term count.
    pub near: Option<String>,
}

/// Raw evidence per topic index: term → hit.
pub type RawEvidence = Vec<BTreeMap<String, Hit>>;

/// What one passage says for one topic, before any weighting: its own
/// evidence (length-discounted), its heading's, and its document's share.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Signal {
    pub text: f32,
    pub heading: f32,
    pub document: f32,
}

/// The weights that turn a [`Signal`] into a decision; the taxonomy's by
/// default, chosen on training folds by `folio eval --folds`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weights {
    pub heading: f32,
    pub document: f32,
    pub threshold_scale: f32,
}

impl Signal {
    /// The topic's evidence with its context, against `threshold` (the topic's
    /// own, before scaling). The topic is assigned when this reaches
    /// `threshold * weights.threshold_scale`.
    pub fn raw(&self, threshold: f32, weights: &Weights) -> f32 {
        let context = if self.has_context(threshold, weights) {
            weights.heading * self.heading + weights.document * self.document * threshold
        } else {
            0.0
        };
        self.text + context
    }

    /// Context only strengthens a topic the passage itself touches, or one
    /// its heading names outright.
    fn has_context(&self, threshold: f32, weights: &Weights) -> bool {
        self.text > 0.0 || self.heading >= threshold * weights.threshold_scale
    }

    /// Whether the topic is assigned.
    pub fn assigns(&self, threshold: f32, weights: &Weights) -> bool {
        let raw = self.raw(threshold, weights);
        raw > 0.0 && raw >= threshold * weights.threshold_scale
    }
}

struct Pattern {
    term: String,
    /// Number of stems in the pattern.
    n_tokens: usize,
    /// (topic, weight, counts only in context)
    topics: Vec<(usize, f32, bool)>,
}

/// Who a context word is context for.
#[derive(Clone, Copy, PartialEq)]
enum Owner {
    Field,
    Topic(usize),
}

struct LangMatcher {
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
    guards: Option<AhoCorasick>,
    context: Option<AhoCorasick>,
    /// Per context key: its word as written, and whose context it is.
    context_owners: Vec<(String, Vec<Owner>)>,
}

/// A compiled taxonomy.
pub struct Tagger {
    pub taxonomy: Taxonomy,
    matchers: HashMap<String, LangMatcher>,
}

/// A context word found in a text: its tokens and the word as written.
#[derive(Debug, Clone)]
struct ContextHit {
    first: usize,
    end: usize,
    word: String,
}

/// Context words kept per topic and owner (see [`Tagger::context_words`]).
const CONTEXT_HITS_KEPT: usize = 16;

/// Weight of a term found inside an enumeration ("botnets, spam, terrorism,
/// and election interference"): a word in a list is mentioned in passing.
const LIST_FACTOR: f32 = 0.4;

/// Passages up to this many words count their evidence in full.
const SHORT_PASSAGE_WORDS: f32 = 150.0;

fn stem_key(text: &str, lang: &str) -> (String, usize) {
    let stems = Analyzer::for_lang(lang).terms(text);
    if stems.is_empty() { (String::new(), 0) } else { (format!(" {} ", stems.join(" ")), stems.len()) }
}

/// A context word's key: its words as written (lower-cased), or with a
/// trailing `*` a prefix of a word ("cyber*" finds "cyberattack",
/// "Cyberangriff"; "responsib*" finds "responsible", which stems to "respons").
/// Context is matched on the words, not on stems: a prefix of a word is not
/// always a prefix of its stem.
fn context_key(word: &str) -> String {
    let (body, prefix) = match word.strip_suffix('*') {
        Some(body) => (body, true),
        None => (word, false),
    };
    let mut tokens = vec![];
    crate::text::split_words(body, &mut tokens);
    if tokens.is_empty() {
        return String::new();
    }
    let key = format!(" {} ", tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" "));
    if prefix { key.trim_end().to_string() } else { key }
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

/// A text's stems in one language as the haystack " s1 s2 … ", with where
/// each token starts in it.
struct Hay<'a> {
    matcher: &'a LangMatcher,
    text: String,
    starts: Vec<usize>,
}

impl Hay<'_> {
    fn token_at(&self, byte: usize) -> usize {
        self.starts.partition_point(|s| *s < byte)
    }
}

/// " t1 t2 … " from tokens, and where each starts in it.
fn haystack<'s>(tokens: impl Iterator<Item = &'s str>) -> (String, Vec<usize>) {
    let mut text = String::from(" ");
    let mut starts = vec![];
    for t in tokens {
        starts.push(text.len() - 1);
        text.push_str(t);
        text.push(' ');
    }
    (text, starts)
}

fn automaton(keys: &[String]) -> Option<AhoCorasick> {
    // Overlapping matches: each topic picks its own longest matches, so a
    // phrase of one topic never hides a shorter term of another.
    (!keys.is_empty()).then(|| AhoCorasick::builder().match_kind(MatchKind::Standard).build(keys).expect("patterns compile"))
}

/// Every term of every topic, by language, keyed by its stems.
fn patterns_by_lang(taxonomy: &Taxonomy) -> BTreeMap<String, BTreeMap<String, Pattern>> {
    let mut by_lang: BTreeMap<String, BTreeMap<String, Pattern>> = BTreeMap::new();
    for (t_idx, topic) in taxonomy.topics.iter().enumerate() {
        for (lang, terms) in &topic.terms {
            let entry = by_lang.entry(lang.clone()).or_default();
            let bound = topic.in_context.get(lang);
            for (term, weight) in terms {
                let (key, n_tokens) = stem_key(term, lang);
                if key.is_empty() {
                    continue;
                }
                let in_context = bound.is_some_and(|b| b.contains(term));
                let p = entry.entry(key).or_insert_with(|| Pattern { term: term.clone(), n_tokens, topics: vec![] });
                if let Some(existing) = p.topics.iter_mut().find(|(i, _, _)| *i == t_idx) {
                    existing.1 = existing.1.max(*weight);
                    existing.2 &= in_context;
                } else {
                    p.topics.push((t_idx, *weight, in_context));
                }
            }
        }
    }
    by_lang
}

/// The context words of one language: the field's and each topic's.
fn context_of(taxonomy: &Taxonomy, lang: &str) -> (Option<AhoCorasick>, Vec<(String, Vec<Owner>)>) {
    let mut owners: BTreeMap<String, (String, Vec<Owner>)> = BTreeMap::new();
    let field = taxonomy.field.get(lang).into_iter().flatten().map(|w| (w, Owner::Field));
    let own = taxonomy.topics.iter().enumerate().flat_map(|(i, t)| t.context.get(lang).into_iter().flatten().map(move |w| (w, Owner::Topic(i))));
    for (word, owner) in field.chain(own) {
        let key = context_key(word);
        if key.trim().is_empty() {
            continue;
        }
        let e = owners.entry(key).or_insert_with(|| (word.clone(), vec![]));
        if !e.1.contains(&owner) {
            e.1.push(owner);
        }
    }
    let (keys, owners): (Vec<String>, Vec<(String, Vec<Owner>)>) = owners.into_iter().unzip();
    (automaton(&keys), owners)
}

impl Tagger {
    pub fn new(taxonomy: Taxonomy) -> Tagger {
        let mut matchers = HashMap::new();
        for (lang, patterns) in patterns_by_lang(&taxonomy) {
            let (keys, patterns): (Vec<String>, Vec<Pattern>) = patterns.into_iter().unzip();
            let Some(automaton) = automaton(&keys) else { continue };
            let guard_keys: Vec<String> =
                taxonomy.topics.iter().flat_map(|t| t.guards.iter()).map(|g| stem_key(g, &lang).0).filter(|k| !k.is_empty()).collect();
            let (context, context_owners) = context_of(&taxonomy, &lang);
            let guards = self::automaton(&guard_keys);
            matchers.insert(lang, LangMatcher { automaton, patterns, guards, context, context_owners });
        }
        Tagger { taxonomy, matchers }
    }

    /// The taxonomy's weights.
    pub fn weights(&self) -> Weights {
        let t = &self.taxonomy;
        Weights { heading: t.heading_weight, document: t.document_weight, threshold_scale: t.threshold_scale }
    }

    /// Languages whose terms apply to text in `lang`: its own, plus English for
    /// the field's English acronyms and names used in every language ("GGE").
    fn langs_for<'a>(&self, lang: &'a str) -> Vec<&'a str> {
        if lang == "en" || !self.matchers.contains_key(lang) { vec!["en"] } else { vec![lang, "en"] }
    }

    /// The text's stems in each language that applies to it.
    /// The words are stemmed as split (`Analyzer::tokens` would split the text again).
    fn hays(&self, words: &[Token], lang: &str) -> Vec<Hay<'_>> {
        let mut out = vec![];
        for l in self.langs_for(lang) {
            let Some(matcher) = self.matchers.get(l) else { continue };
            let mut stems = words.to_vec();
            Analyzer::for_lang(l).stem_tokens(&mut stems);
            let (text, starts) = haystack(stems.iter().map(|t| t.text.as_str()));
            out.push(Hay { matcher, text, starts });
        }
        out
    }

    /// Per topic, where the text says one of its context words (its own
    /// before the field's, in the languages that apply): token range and word. A few per topic suffice: a
    /// term needs one outside itself.
    fn context_words(&self, hays: &[Hay], words: &[Token]) -> Vec<Vec<ContextHit>> {
        let topics = &self.taxonomy.topics;
        let mut own: Vec<Vec<ContextHit>> = vec![vec![]; topics.len()];
        let mut field: Vec<ContextHit> = vec![];
        let (surface, starts) = haystack(words.iter().map(|w| w.text.as_str()));
        let token_at = |byte: usize| starts.partition_point(|s| *s < byte);
        for hay in hays {
            let Some(ac) = &hay.matcher.context else { continue };
            for x in ac.find_overlapping_iter(&surface) {
                let (word, owners) = &hay.matcher.context_owners[x.pattern().as_usize()];
                let hit = ContextHit { first: token_at(x.start()), end: token_at(x.end() - 1) + 1, word: word.trim_end_matches('*').to_string() };
                for owner in owners {
                    let list = match owner {
                        Owner::Field => &mut field,
                        Owner::Topic(i) => &mut own[*i],
                    };
                    if list.len() < CONTEXT_HITS_KEPT {
                        list.push(hit.clone());
                    }
                }
            }
        }
        for (hits, topic) in own.iter_mut().zip(topics) {
            if topic.field_context {
                hits.extend(field.iter().cloned());
            }
        }
        own
    }

    /// Evidence in `text`, per topic.
    pub fn evidence(&self, text: &str, lang: &str) -> RawEvidence {
        let mut out: RawEvidence = vec![BTreeMap::new(); self.taxonomy.topics.len()];
        let lists = list_spans(text);
        let mut words = vec![];
        crate::text::split_words(text, &mut words);
        let hays = self.hays(&words, lang);
        let context = self.context_words(&hays, &words);
        for hay in &hays {
            self.match_terms(hay, &words, &lists, &context, &mut out);
        }
        out
    }

    /// Adds the terms found in one haystack: per topic its longest matches
    /// outside guards, a context-bound term only when its topic has context.
    fn match_terms(&self, hay: &Hay, words: &[Token], lists: &[(usize, usize)], context: &[Vec<ContextHit>], out: &mut RawEvidence) {
        let m = hay.matcher;
        let guarded: Vec<(usize, usize)> =
            m.guards.as_ref().map_or(vec![], |g| g.find_overlapping_iter(&hay.text).map(|x| (hay.token_at(x.start()), hay.token_at(x.end() - 1))).collect());
        // (topic, first token, token count, pattern, context word)
        let mut found: Vec<(usize, usize, usize, usize, Option<&str>)> = vec![];
        for x in m.automaton.find_overlapping_iter(&hay.text) {
            let first = hay.token_at(x.start());
            let pattern = &m.patterns[x.pattern().as_usize()];
            let last = first + pattern.n_tokens;
            if guarded.iter().any(|(a, b)| first < *b && *a < last) {
                continue;
            }
            for (t_idx, _, bound) in &pattern.topics {
                // A context-bound term needs a context word other than itself
                // ("hacking" is no context for "hacking").
                let near = context[*t_idx].iter().find(|c| c.end <= first || c.first >= last).map(|c| c.word.as_str());
                if !*bound || near.is_some() {
                    found.push((*t_idx, first, pattern.n_tokens, x.pattern().as_usize(), near.filter(|_| *bound)));
                }
            }
        }
        // Per topic, longest matches first, no overlaps.
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
        let mut taken: Vec<(usize, usize, usize)> = vec![];
        for (t_idx, first, n, p_idx, near) in found {
            if taken.iter().any(|(t, a, b)| *t == t_idx && first < *b && *a < first + n) {
                continue;
            }
            taken.push((t_idx, first, first + n));
            let pattern = &m.patterns[p_idx];
            let weight = pattern.topics.iter().find(|(t, _, _)| *t == t_idx).map_or(0.0, |(_, w, _)| *w);
            let offset = words[first].offset_from;
            let weight = if lists.iter().any(|(a, b)| offset >= *a && offset < *b) { weight * LIST_FACTOR } else { weight };
            let e = out[t_idx].entry(pattern.term.clone()).or_insert(Hit { count: 0, weight, near: near.map(String::from) });
            e.count += 1;
            e.weight = e.weight.max(weight);
        }
    }

    /// Sums evidence: each term counts its weight, repeated mentions add less.
    fn total(evidence: &BTreeMap<String, Hit>) -> f32 {
        evidence.values().map(|h| h.weight * (1.0 + (h.count as f32).ln())).sum()
    }

    /// A document's context for tagging its passages: the evidence of all its
    /// passages together, per topic, scaled to 0..1 by the strongest topic.
    pub fn document_context(&self, passages: &[&RawEvidence]) -> Vec<f32> {
        let mut merged: RawEvidence = vec![BTreeMap::new(); self.taxonomy.topics.len()];
        for ev in passages {
            for (topic, terms) in ev.iter().enumerate() {
                for (term, hit) in terms {
                    let e = merged[topic].entry(term.clone()).or_insert(Hit { count: 0, weight: hit.weight, near: None });
                    e.count += hit.count;
                    e.weight = e.weight.max(hit.weight);
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

    /// Each topic's [`Signal`] for a passage whose evidence (and its
    /// heading's) is computed.
    pub fn signals(&self, text: &str, text_ev: &RawEvidence, heading_ev: Option<&RawEvidence>, document: &[f32]) -> Vec<Signal> {
        // A term said once in a long passage is said in passing: evidence is
        // discounted by the square root of the length beyond a short paragraph.
        let n_words = text.split_whitespace().count().max(text.chars().filter(|c| crate::text::lang::is_cjk(*c)).count() / 2);
        let length_factor = (n_words as f32 / SHORT_PASSAGE_WORDS).max(1.0).sqrt();
        (0..self.taxonomy.topics.len())
            .map(|i| Signal {
                text: Self::total(&text_ev[i]) / length_factor,
                heading: heading_ev.map_or(0.0, |h| Self::total(&h[i])),
                document: document.get(i).copied().unwrap_or(0.0),
            })
            .collect()
    }

    /// Tags a passage whose evidence (and its heading's) is already computed.
    pub fn tag_with(&self, text: &str, text_ev: RawEvidence, heading_ev: Option<&RawEvidence>, document: &[f32]) -> Tags {
        let weights = self.weights();
        let signals = self.signals(text, &text_ev, heading_ev, document);
        let mut tags = Tags::default();
        for (i, (topic, signal)) in self.taxonomy.topics.iter().zip(&signals).enumerate() {
            let raw = signal.raw(topic.threshold, &weights);
            if raw <= 0.0 {
                continue;
            }
            let threshold = topic.threshold * weights.threshold_scale;
            let score = raw / (raw + threshold);
            tags.scores.insert(topic.id.clone(), (score * 1000.0).round() / 1000.0);
            let mut evidence = explain(&text_ev[i], "text");
            if let Some(h) = heading_ev {
                evidence.extend(explain(&h[i], "heading"));
            }
            let from_document = weights.document * signal.document * topic.threshold;
            if from_document > 0.0 && signal.has_context(topic.threshold, &weights) {
                let term = format!("document leans {:.0}% to this topic", signal.document * 100.0);
                evidence.push(Evidence { term, count: 1, weight: from_document, source: "document", near: None });
            }
            tags.evidence.insert(topic.id.clone(), evidence);
            if signal.assigns(topic.threshold, &weights) {
                tags.topics.push(topic.id.clone());
            }
        }
        tags
    }
}

/// Raw evidence of one topic as explained evidence.
fn explain(hits: &BTreeMap<String, Hit>, source: &'static str) -> Vec<Evidence> {
    hits.iter().map(|(term, h)| Evidence { term: term.clone(), count: h.count, weight: h.weight, source, near: h.near.clone() }).collect()
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

    fn context_tagger() -> Tagger {
        Tagger::new(
            Taxonomy::parse(
                r#"
[field]
en = ["cyber*", "internet"]
[[topic]]
id = "attribution"
label = "Attribution"
threshold = 1.0
field_context = false
[topic.terms.en]
"attributed to" = 1.5
[topic.in_context]
en = ["attributed to"]
[topic.context]
en = ["attack*"]

[[topic]]
id = "international-law"
label = "International law"
threshold = 1.0
[topic.terms.en]
"treaty" = 1.5
"hacking" = 1.5
[topic.in_context]
en = ["treaty", "hacking"]
"#,
                "t.toml",
            )
            .unwrap(),
        )
    }

    fn near(tags: &Tags, topic: &str) -> Option<Vec<Option<String>>> {
        tags.evidence.get(topic).map(|ev| ev.iter().map(|e| e.near.clone()).collect())
    }

    #[test]
    fn context_bound_terms_count_only_beside_a_context_word() {
        let t = context_tagger();
        let law = t.tag("The powers attributed to the Commission under the treaty.", "en", None, &[]);
        assert!(law.topics.is_empty() && law.evidence.is_empty(), "{law:?}");
        // The topic's own context word, found by prefix ("attack*" → "attacks").
        let attack = t.tag("The attacks were attributed to a foreign service.", "en", None, &[]);
        assert_eq!(attack.topics, vec!["attribution"]);
        assert_eq!(near(&attack, "attribution"), Some(vec![Some("attack".to_string())]));
        // The field's words are context for a topic unless it opts out.
        let cyber = t.tag("A treaty on cyberspace was attributed to the Commission.", "en", None, &[]);
        assert_eq!(cyber.topics, vec!["international-law"], "{cyber:?}");
        assert_eq!(near(&cyber, "international-law"), Some(vec![Some("cyber".to_string())]));
        // Another context-bound term needs the field too.
        assert!(t.tag("Hacking is a crime.", "en", None, &[]).topics.is_empty());
        assert_eq!(t.tag("Hacking the internet is a crime.", "en", None, &[]).topics, vec!["international-law"]);
    }

    #[test]
    fn a_term_is_not_its_own_context() {
        let t = Tagger::new(
            Taxonomy::parse(
                "[field]\nen = [\"hack*\"]\n[[topic]]\nid = \"cybercrime\"\nlabel = \"C\"\nthreshold = 1.0\n[topic.terms.en]\n\"hacking\" = 1.5\n[topic.in_context]\nen = [\"hacking\"]\n",
                "t.toml",
            )
            .unwrap(),
        );
        assert!(t.tag("Hacking is a crime.", "en", None, &[]).topics.is_empty());
        assert_eq!(t.tag("Hacking is what hackers do.", "en", None, &[]).topics, vec!["cybercrime"]);
    }
}
