//! Hybrid and semantic ranking: the lexical candidates (BM25, the usual
//! search at a greater depth) and the semantic candidates (nearest vectors
//! passing the same filters) are merged, and each passage of the union is
//! scored by normalised score:
//!
//! `fused = w · bm25 / max bm25 + (1 − w) · cos / max cos`
//!
//! with the maxima taken over the candidates. Not reciprocal rank fusion,
//! which flattens a clear lexical winner (an exact-word query) to the level
//! of the semantic runner-up. `w` follows the query: the share of its content
//! words the best lexical hits hold moves it from `paraphrase_weight` (none:
//! a paraphrase, meaning leads) to `lexical_weight` (all: the words lead). A
//! passage the model cannot read (no vector) is scored by its words alone, so
//! an English model adds no noise to other languages. The weights, depth and
//! normalisation were chosen by k-fold cross-validation (`DEFAULT`).

use std::collections::BTreeMap;

use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, BoostQuery, Occur as TOccur, Query, TermSetQuery};

use super::semantic::{self, Candidate, Mode};
use super::{compile, filters, query, Found, Highlighter, Results, SearchRequest};
use crate::error::Result;
use crate::store::schema::ord_of;
use crate::store::OpenIndex;

/// The fusion's parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fusion {
    /// Weight of the normalised lexical score (the rest is the semantic one)
    /// when the best lexical hits hold every word of the query.
    pub lexical_weight: f32,
    /// The weight when they hold none: between the two, it follows the
    /// share of the query's words the best lexical hit holds. A query whose
    /// words a passage has is taken at its word; one whose words are found
    /// nowhere together (a paraphrase) leans on meaning.
    pub paraphrase_weight: f32,
    /// Candidates taken from each side.
    pub depth: usize,
    /// How cosines are normalised before they are weighed.
    pub cosine: CosineNorm,
}

/// Cosine normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CosineNorm {
    /// (cos − min) / (max − min) over the semantic candidates.
    MinMax,
    /// cos / max over the semantic candidates.
    Max,
    /// The cosine itself.
    Raw,
}

/// Chosen by 6-fold cross-validation (`examples/fusion_cv.rs`) on the
/// development queries pooled with the fixture paraphrase queries
/// (`tests/fixtures/eval/`), among the points that keep exact-word queries
/// at MRR ≥ 0.97 on the training folds (figures in benches/RESULTS.md).
pub const DEFAULT: Fusion = Fusion { lexical_weight: 0.8, paraphrase_weight: 0.0, depth: 30, cosine: CosineNorm::Max };

/// How much each side gave a hit.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Contribution {
    /// BM25 score, when the words matched (among the lexical candidates).
    pub bm25: Option<f32>,
    /// Cosine with the query, when the passage has a vector.
    pub cosine: Option<f32>,
    /// The lexical and semantic parts of the fused score (they sum to it).
    pub lexical: f32,
    pub semantic: f32,
}

/// One passage of the union, before it is ranked.
#[derive(Debug, Clone)]
struct Entry {
    addr: Option<tantivy::DocAddress>,
    found: Option<Found>,
    bm25: Option<f32>,
    cosine: Option<f32>,
}

/// Searches in hybrid or semantic mode with the given fusion; a lexical
/// search when vectors cannot take part (the notes say why).
pub fn search(open: &OpenIndex, request: &SearchRequest, fusion: Fusion) -> Result<Results> {
    let parsed = query::parse(&request.query);
    let mut notes = vec![];
    let filter_clauses = filters::compile(open, request, &parsed, &mut notes)?;
    let Some((mode, vector)) = semantic::plan(open, request, &parsed, &mut notes) else {
        let mut results = super::lexical(open, request)?;
        merge_notes(&mut results.notes, notes);
        return Ok(results);
    };
    let searcher = open.reader.searcher();
    // Pages must agree: the fused head is ranked over a fixed depth and the
    // word matches past it follow in BM25 order (cosine order, semantic mode's
    // whole ranking, agrees at any depth).
    let shown = request.offset.saturating_add(request.limit);
    let depth = if mode == Mode::Semantic { fusion.depth.max(shown) } else { fusion.depth };
    let lexical = match mode {
        Mode::Semantic => None,
        _ => Some(super::lexical(open, &SearchRequest { limit: depth.max(shown), offset: 0, mode: Mode::Lexical, ..request.clone() })?),
    };
    if let Some(words) = lexical.as_ref().filter(|l| l.total == 0) {
        // Nothing holds the query's words: meaning alone would rank the whole
        // corpus. Say so (and what other kinds hold) rather than guess.
        let mut results = words.clone();
        merge_notes(&mut results.notes, notes);
        results.notes.push("no passage holds the query's words; `--mode semantic` searches by meaning alone".into());
        return Ok(results);
    }
    let words = lexical.as_ref().map_or(&[][..], |l| &l.hits[..]);
    let (head, tail) = words.split_at(words.len().min(depth));
    let coverage = lexical.as_ref().map_or(0.0, |l| coverage(&parsed, l));
    // When the best word matches hold every word of the query, the reader is
    // searching by words: meaning re-ranks those matches but brings in no
    // passage without them (it would only pad a precise search with
    // neighbours), so the vectors are not scanned at all.
    let words_only = mode != Mode::Semantic && coverage >= 1.0;
    let candidates = if words_only { vec![] } else { semantic::scan(open, &searcher, &vector, &filter_clauses, depth)? };
    let mut entries = union(open, head, &candidates, &vector);
    let cosines: Vec<f32> = if words_only { entries.values().filter_map(|e| e.cosine).collect() } else { candidates.iter().map(|c| c.cosine).collect() };
    let w = fusion.paraphrase_weight + (fusion.lexical_weight - fusion.paraphrase_weight) * coverage;
    let mut ranked = rank(&mut entries, &cosines, mode, Fusion { lexical_weight: w, ..fusion });
    append_tail(&mut entries, &mut ranked, tail);
    let ranked: Vec<_> = ranked.into_iter().skip(request.offset).collect();
    let (total, facets) = match (words_only, lexical.as_ref()) {
        (true, Some(l)) => (l.total, l.facets.clone()),
        _ => count_union(open, &searcher, &parsed, &filter_clauses, &candidates, mode)?,
    };
    // The union counts exact-word matches; near spellings (when the words
    // found little) are matches too: never fewer than can be shown.
    let total = total.max(entries.len()).max(lexical.as_ref().map_or(0, |l| l.total));
    let hits = present(open, &searcher, &parsed, lexical.as_ref(), entries, ranked, request.limit)?;
    let (mut all_notes, expansions, fuzzy) = lexical.map(|l| (l.notes, l.expansions, l.fuzzy)).unwrap_or_else(|| (parsed.notes.clone(), vec![], false));
    merge_notes(&mut all_notes, notes);
    Ok(Results { query: request.query.clone(), total, hits, facets, notes: all_notes, expansions, fuzzy, mode, groups: vec![], other_kinds: BTreeMap::new() })
}

fn merge_notes(into: &mut Vec<String>, more: Vec<String>) {
    for n in more {
        if !into.contains(&n) {
            into.push(n);
        }
    }
}

/// Words too common to tell a paraphrase from a quotation.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "had", "has", "have", "how", "in", "is", "it", "its", "not", "of", "on", "or",
    "that", "the", "their", "there", "they", "this", "to", "was", "were", "what", "when", "which", "who", "why", "will", "with",
];

/// The largest share of the query's content words (stemmed) that one of
/// the best three lexical hits holds: 1 for a query quoting its passage.
fn coverage(parsed: &query::ParsedQuery, lexical: &Results) -> f32 {
    let analyzer = crate::text::Analyzer::for_lang("en");
    let text = semantic::query_text(parsed).to_lowercase();
    let mut words: Vec<String> = analyzer.terms(&text.split_whitespace().filter(|w| !FUNCTION_WORDS.contains(w)).collect::<Vec<_>>().join(" "));
    words.sort();
    words.dedup();
    if words.is_empty() {
        return 0.0;
    }
    let share = |found: &Found| {
        let held: std::collections::HashSet<String> = analyzer.terms(&found.passage.text.to_lowercase()).into_iter().collect();
        words.iter().filter(|w| held.contains(*w)).count() as f32 / words.len() as f32
    };
    lexical.hits.iter().take(3).map(share).fold(0.0, f32::max)
}

/// The word matches past the fused head, in BM25 order, scored below the
/// head's last hit (scaled by their BM25 so that scores keep falling).
fn append_tail(entries: &mut BTreeMap<u64, Entry>, ranked: &mut Vec<(u64, f32, Contribution)>, tail: &[Found]) {
    let floor = ranked.last().map_or(1.0, |r| r.1);
    let first = tail.first().map_or(1.0, |f| f.score.max(f32::MIN_POSITIVE));
    for found in tail {
        let ord = ord_of(&found.passage.doc, found.passage.paragraph);
        if entries.contains_key(&ord) {
            continue;
        }
        let score = floor * (found.score / first).clamp(0.0, 1.0);
        entries.insert(ord, Entry { addr: None, bm25: Some(found.score), cosine: None, found: Some(found.clone()) });
        ranked.push((ord, score, Contribution { bm25: Some(found.score), cosine: None, lexical: score, semantic: 0.0 }));
    }
}

/// The lexical hits and the semantic candidates by sort key.
fn union(open: &OpenIndex, words: &[Found], candidates: &[Candidate], vector: &[f32]) -> BTreeMap<u64, Entry> {
    let mut entries = BTreeMap::new();
    for found in words {
        let ord = ord_of(&found.passage.doc, found.passage.paragraph);
        let cosine = open.vectors.as_ref().and_then(|v| semantic::cosine(v, ord, vector));
        entries.insert(ord, Entry { addr: None, bm25: Some(found.score), cosine, found: Some(found.clone()) });
    }
    for c in candidates {
        let e = entries.entry(c.ord).or_insert(Entry { addr: None, found: None, bm25: None, cosine: Some(c.cosine) });
        e.addr = Some(c.addr);
    }
    entries
}

/// Fused scores, best first (ties by sort key), with each hit's parts.
fn rank(entries: &mut BTreeMap<u64, Entry>, cosines: &[f32], mode: Mode, fusion: Fusion) -> Vec<(u64, f32, Contribution)> {
    let max_bm25 = entries.values().filter_map(|e| e.bm25).fold(0f32, f32::max);
    let (lo, hi) = cosines.iter().fold((f32::MAX, f32::MIN), |(lo, hi), c| (lo.min(*c), hi.max(*c)));
    let (lo, spread) = match fusion.cosine {
        CosineNorm::MinMax => (lo, if hi > lo { hi - lo } else { 1.0 }),
        CosineNorm::Max => (0.0, if hi > 0.0 { hi } else { 1.0 }),
        CosineNorm::Raw => (0.0, 1.0),
    };
    let w = fusion.lexical_weight;
    let mut ranked: Vec<(u64, f32, Contribution)> = entries
        .iter()
        .map(|(ord, e)| {
            let lex = e.bm25.map_or(0.0, |s| if max_bm25 > 0.0 { s / max_bm25 } else { 0.0 });
            let sem = e.cosine.map(|c| ((c - lo) / spread).clamp(0.0, 1.0));
            let (lexical, semantic) = match (mode, sem) {
                (Mode::Semantic, _) => (0.0, e.cosine.unwrap_or(0.0)),
                // No vector: the words alone answer for the passage.
                (_, None) => (lex, 0.0),
                (_, Some(sem)) => (w * lex, (1.0 - w) * sem),
            };
            (*ord, lexical + semantic, Contribution { bm25: e.bm25, cosine: e.cosine, lexical, semantic })
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
}

/// The passages of the best `limit` hits with snippets (the lexical search
/// made those of its own hits).
fn present(open: &OpenIndex, searcher: &tantivy::Searcher, parsed: &query::ParsedQuery, lexical: Option<&Results>, mut entries: BTreeMap<u64, Entry>, ranked: Vec<(u64, f32, Contribution)>, limit: usize) -> Result<Vec<Found>> {
    let mut highlighter = Highlighter::new(parsed, &open.manifest.languages);
    let added: Vec<String> = lexical.map(|l| l.expansions.iter().flat_map(|e| e.added.iter().cloned()).collect()).unwrap_or_default();
    highlighter.add_phrases(&added, &open.manifest.languages);
    let mut hits = Vec::with_capacity(limit.min(ranked.len()));
    for (ord, score, contribution) in ranked.into_iter().take(limit) {
        let Some(entry) = entries.remove(&ord) else { continue };
        let mut found = match (entry.found, entry.addr) {
            (Some(f), _) => f,
            (None, Some(addr)) => {
                let passage = open.passage(searcher, addr)?;
                {
                    let (snippet, snippet_html) = highlighter.snippets(&passage.text, &passage.language);
                    Found { score, snippet, snippet_html, passage, explain: None }
                }
            }
            (None, None) => continue,
        };
        found.score = score;
        found.explain = Some(contribution);
        hits.push(found);
    }
    Ok(hits)
}

/// Total and facet counts over the union: the passages the words match
/// (as in a lexical search) and the semantic candidates.
pub(super) fn count_union(open: &OpenIndex, searcher: &tantivy::Searcher, parsed: &query::ParsedQuery, filter_clauses: &[(TOccur, Box<dyn Query>)], candidates: &[Candidate], mode: Mode) -> Result<(usize, BTreeMap<String, BTreeMap<String, u64>>)> {
    let terms = candidates.iter().map(|c| tantivy::Term::from_field_u64(open.fields.ord, c.ord));
    let mut either: Vec<(TOccur, Box<dyn Query>)> = vec![(TOccur::Should, Box::new(BoostQuery::new(Box::new(TermSetQuery::new(terms)), 0.0)))];
    if mode != Mode::Semantic {
        let analyzed = compile::Analyzed { open, searcher, thesaurus: &open.thesaurus, langs: open.manifest.languages.clone(), exact: false, body_only: Default::default() };
        if let Some((words, _)) = analyzed.group(&parsed.clauses) {
            either.push((TOccur::Should, words));
        }
    }
    let mut clauses: Vec<(TOccur, Box<dyn Query>)> = vec![(TOccur::Must, Box::new(BooleanQuery::new(either)))];
    clauses.extend(filter_clauses.iter().map(|(o, q)| (*o, q.box_clone())));
    let (total, counts) = searcher.search(&BooleanQuery::new(clauses), &(Count, super::facets::FacetCounter))?;
    Ok((total, counts))
}
