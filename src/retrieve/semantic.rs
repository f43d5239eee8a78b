//! Searching by meaning: which mode a search runs in, the model that embeds
//! the query (the one that made the index's vectors, never another), and an
//! exact scan of the memory-mapped vectors of the passages that pass the
//! filters.
//!
//! The models folio ships read English: a query in another language or
//! script is searched by its words only, and passages the model does not read
//! have no vector (`store::vectors::model_reads`).

use std::sync::Arc;

use tantivy::query::{AllQuery, BooleanQuery, EnableScoring, Occur as TOccur, Query};
use tantivy::DocAddress;

use super::query::{Node, Occur, ParsedQuery};
use super::SearchRequest;
use crate::embed::{self, Embedder, ModelId};
use crate::error::{Error, Result};
use crate::store::vectors::Vectors;
use crate::store::OpenIndex;

/// How a search ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Hybrid when the index has vectors and their model is at hand, else lexical.
    #[default]
    Auto,
    /// Words only (BM25), as folio always ranked.
    Lexical,
    /// Meaning only: the passages whose vectors are nearest the query's.
    Semantic,
    /// Both, fused by normalised score (`fuse`).
    Hybrid,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        Some(match s {
            "auto" => Mode::Auto,
            "lexical" => Mode::Lexical,
            "semantic" => Mode::Semantic,
            "hybrid" => Mode::Hybrid,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Lexical => "lexical",
            Mode::Semantic => "semantic",
            Mode::Hybrid => "hybrid",
        }
    }
}

/// The model that made `model`'s vectors, if this machine has it: the
/// shipped static model, or the installed encoder when its checksum is the
/// one recorded.
pub fn embedder_for(model: &ModelId) -> Option<Arc<dyn Embedder>> {
    if embed::shipped().id() == model {
        return Some(Arc::new(embed::shipped()));
    }
    let encoder = embed::installed(&embed::model_home()?).ok().flatten()?;
    (encoder.id() == model).then(|| Arc::new(encoder) as Arc<dyn Embedder>)
}

/// The query embedder of an open index, found once.
fn query_embedder(open: &OpenIndex) -> Option<Arc<dyn Embedder>> {
    let vectors = open.vectors.as_ref()?;
    open.embedder.get_or_init(|| embedder_for(&vectors.model)).clone()
}

/// The words of a query that a reader would embed: every word and phrase
/// except the excluded ones (filters and operators are not meaning).
pub fn query_text(parsed: &ParsedQuery) -> String {
    fn walk(clauses: &[(Occur, Node)], out: &mut Vec<String>) {
        for (occur, node) in clauses {
            match node {
                _ if *occur == Occur::MustNot => {}
                Node::Word(w) => out.push(w.clone()),
                Node::Phrase(ws) => out.extend(ws.iter().cloned()),
                Node::Group(g) => walk(g, out),
                // A prefix is a word begun; a field-scoped word is still a word.
                Node::Prefix(p) => out.push(p.clone()),
                Node::Scoped(_, inner) => walk(&[(Occur::Should, (**inner).clone())], out),
            }
        }
    }
    let mut words = vec![];
    walk(&parsed.clauses, &mut words);
    words.join(" ")
}

/// Whether the model reads the query: its script is Latin and, when the
/// detector is sure, its language is English (or the model is multilingual).
pub fn query_readable(model: &ModelId, text: &str) -> bool {
    if crate::store::vectors::model_reads(model, "xx") {
        return true;
    }
    if text.chars().any(|c| c.is_alphabetic() && !c.is_ascii() && whatlang::detect_script(&c.to_string()) != Some(whatlang::Script::Latin)) {
        return false;
    }
    match whatlang::detect(text) {
        Some(info) if info.is_reliable() => info.lang() == whatlang::Lang::Eng,
        _ => true,
    }
}

/// The mode a search runs in and the query's vector; None: lexical (asked
/// for, or vectors unusable — then a note says why when the user asked for
/// meaning).
pub fn plan(open: &OpenIndex, request: &SearchRequest, parsed: &ParsedQuery, notes: &mut Vec<String>) -> Option<(Mode, Vec<f32>)> {
    let asked = request.mode;
    if asked == Mode::Lexical {
        return None;
    }
    let mut fall_back = |why: String| {
        if asked != Mode::Auto {
            notes.push(format!("{why}: searched by words only"));
        }
        None
    };
    let Some(vectors) = open.vectors.as_ref() else { return fall_back("this index has no passage vectors (run `folio index --rebuild`)".into()) };
    let Some(embedder) = query_embedder(open) else {
        // Vectors of a model that is not here are never compared with another model's.
        notes.push(format!("the index's vectors were made by {}, which is not installed (`folio model install`, or `folio index --rebuild` for the shipped model): searched by words only", vectors.model.name));
        return None;
    };
    let text = query_text(parsed);
    if !query_readable(&vectors.model, &text) {
        return fall_back(format!("the model {} reads English only", vectors.model.name));
    }
    let vector = embedder.embed(&text);
    if vector.len() != vectors.dim() || vector.iter().all(|x| *x == 0.0) {
        return fall_back("no word of the query is known to the model".into());
    }
    Some((if asked == Mode::Semantic { Mode::Semantic } else { Mode::Hybrid }, vector))
}

/// `similar`: the passages of other documents nearest a passage's vector,
/// narrowed by the request's filters (its query is not read).
pub fn similar(open: &OpenIndex, passage: &crate::model::Passage, request: &SearchRequest) -> Result<super::Results> {
    let no_vectors = || Error::InvalidArgument("this index has no passage vectors; run `folio index --rebuild` to add them".into());
    let vectors = open.vectors.as_ref().ok_or_else(no_vectors)?;
    let ord = crate::store::schema::ord_of(&passage.doc, passage.paragraph);
    let row = vectors.row_of(ord).filter(|r| vectors.has_vector(*r)).ok_or_else(|| {
        Error::InvalidArgument(format!("passage {} has no vector: the model {} does not read its language ({})", passage.id, vectors.model.name, passage.language))
    })?;
    let vector = vectors.vector(row);
    let parsed = ParsedQuery::default();
    let mut notes = vec![];
    let mut filters = super::filters::compile(open, &SearchRequest { query: String::new(), ..request.clone() }, &parsed, &mut notes)?;
    let same_doc = tantivy::Term::from_field_text(open.fields.doc, &passage.doc);
    filters.push((TOccur::MustNot, Box::new(tantivy::query::TermQuery::new(same_doc, tantivy::schema::IndexRecordOption::Basic))));
    let searcher = open.reader.searcher();
    let candidates = scan(open, &searcher, &vector, &filters, request.limit)?;
    let (total, facets) = super::fuse::count_union(open, &searcher, &parsed, &filters, &candidates, Mode::Semantic)?;
    let highlighter = super::Highlighter::new(&parsed, &open.manifest.languages);
    let mut hits = vec![];
    for c in candidates {
        let passage = open.passage(&searcher, c.addr)?;
        let (snippet, snippet_html) = highlighter.snippets(&passage.text, &passage.language);
        let explain = super::Contribution { bm25: None, cosine: Some(c.cosine), lexical: 0.0, semantic: c.cosine };
        hits.push(super::Found { score: c.cosine, snippet, snippet_html, passage, explain: Some(explain) });
    }
    Ok(super::Results { query: passage.id.clone(), total, hits, facets, notes, expansions: vec![], fuzzy: false, groups: vec![], other_kinds: Default::default(), mode: Mode::Semantic })
}

/// A passage found by meaning.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub addr: DocAddress,
    pub ord: u64,
    pub cosine: f32,
}

/// The `depth` passages nearest `query` among those passing the filters
/// (and not of document `exclude`), by an exact scan; ties by sort key.
pub fn scan(open: &OpenIndex, searcher: &tantivy::Searcher, query: &[f32], filters: &[(TOccur, Box<dyn Query>)], depth: usize) -> Result<Vec<Candidate>> {
    let Some(vectors) = open.vectors.as_ref() else { return Ok(vec![]) };
    let mut clauses: Vec<(TOccur, Box<dyn Query>)> = vec![(TOccur::Must, Box::new(AllQuery))];
    clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
    let weight = BooleanQuery::new(clauses).weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut best = Best::new(depth);
    for (seg, reader) in searcher.segment_readers().iter().enumerate() {
        let ords = reader.fast_fields().u64("ord")?;
        let mut row = 0;
        weight.for_each_no_score(reader, &mut |docs| {
            for &doc in docs {
                if reader.is_deleted(doc) {
                    continue;
                }
                let Some(ord) = ords.first(doc) else { continue };
                let Some(r) = vectors.row_from(row, ord) else { continue };
                row = r;
                if vectors.has_vector(r) {
                    best.offer(Candidate { addr: DocAddress::new(seg as u32, doc), ord, cosine: vectors.dot(r, query) });
                }
            }
        })?;
    }
    Ok(best.into_sorted())
}

/// The cosine of a passage (by sort key) with the query; None when it has no vector.
pub fn cosine(vectors: &Vectors, ord: u64, query: &[f32]) -> Option<f32> {
    vectors.row_of(ord).filter(|r| vectors.has_vector(*r)).map(|r| vectors.dot(r, query))
}

/// The best `n` candidates seen, kept in a min-heap.
struct Best {
    n: usize,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<Ranked>>,
}

/// A candidate ordered by cosine, then by sort key (lower key ranks first).
struct Ranked(Candidate);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cosine.total_cmp(&other.0.cosine).then(other.0.ord.cmp(&self.0.ord))
    }
}

impl Best {
    fn new(n: usize) -> Best {
        // A limit past the number of passages (`--limit` is the user's) only bounds the heap.
        Best { n, heap: std::collections::BinaryHeap::with_capacity(n.min(4096)) }
    }

    fn offer(&mut self, c: Candidate) {
        if self.n == 0 {
            return;
        }
        if self.heap.len() < self.n {
            self.heap.push(std::cmp::Reverse(Ranked(c)));
        } else if let Some(mut worst) = self.heap.peek_mut()
            && Ranked(c) > worst.0
        {
            *worst = std::cmp::Reverse(Ranked(c));
        }
    }

    fn into_sorted(self) -> Vec<Candidate> {
        let mut all: Vec<Ranked> = self.heap.into_iter().map(|r| r.0).collect();
        all.sort_by(|a, b| b.cmp(a));
        all.into_iter().map(|r| r.0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_candidates_are_kept_in_order_with_ties_by_sort_key() {
        let mut best = Best::new(3);
        for (ord, cosine) in [(5, 0.1), (4, 0.9), (3, 0.5), (2, 0.9), (1, 0.2)] {
            best.offer(Candidate { addr: DocAddress::new(0, ord as u32), ord, cosine });
        }
        let got: Vec<u64> = best.into_sorted().iter().map(|c| c.ord).collect();
        assert_eq!(got, vec![2, 4, 3]);
    }

    #[test]
    fn queries_the_english_model_cannot_read_are_told_apart() {
        let english = ModelId { name: "minilm".into(), sha256: String::new(), dim: 4 };
        assert!(query_readable(&english, "states must not knowingly allow their territory to be used"));
        assert!(!query_readable(&english, "发表意见自由"));
        assert!(!query_readable(&english, "свобода выражения мнений"));
        assert!(!query_readable(&english, "la protection des données à caractère personnel est un droit fondamental"));
        let multi = ModelId { name: "multilingual-e5-small".into(), ..english };
        assert!(query_readable(&multi, "发表意见自由"));
    }
}
