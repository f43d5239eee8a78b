//! Searching the index: a parsed query (`query`) compiled over every language
//! field (`compile`), narrowed by filters (`filters`), scored with exact live
//! statistics and ties ordered by sort key (`rank`), retried with near
//! spellings when it finds little, and returned with highlighted snippets
//! (`highlight`) and facet counts. By meaning too when the index has
//! vectors: `semantic` (the mode, the query's vector, an exact scan of the
//! passages' vectors) and `fuse` (hybrid ranking by normalised score).
//!
//! **Invariant:** tantivy appears only here and in `store`.

pub mod compile;
pub mod facets;
pub mod filters;
pub mod fuse;
pub mod highlight;
pub mod query;
pub mod rank;
pub mod semantic;

use std::collections::BTreeMap;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur as TOccur, Query};
use tantivy::DocAddress;

use crate::error::Result;
use crate::model::{Kind, Passage};
use crate::store::stats::{ExactStatistics, Scoping};
use crate::store::OpenIndex;
use crate::vocab::thesaurus::Expansion;

pub use filters::parse_years;
pub use fuse::Contribution;
pub use highlight::Highlighter;
pub use semantic::Mode;

/// What to search for and how to narrow it.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub topics: Vec<String>,
    pub docs: Vec<String>,
    pub authors: Vec<String>,
    pub languages: Vec<String>,
    /// Empty means the default kinds (body and abstract).
    pub kinds: Vec<Kind>,
    pub years: Option<(i32, i32)>,
    pub limit: usize,
    /// Hits (or documents, when grouped) to skip before the first shown.
    pub offset: usize,
    /// The words as typed: no thesaurus, no compounds, no near spellings
    /// (and no semantic scores where those exist).
    pub exact: bool,
    pub sort: Sort,
    pub group: Grouping,
    /// Lexical, semantic or hybrid; the default is hybrid when the index
    /// has vectors whose model is at hand, else lexical.
    pub mode: Mode,
    /// Keep each hit's lexical and semantic contributions for the answer.
    pub explain: bool,
}

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first; equal years by relevance; undated last.
    Year,
}

/// How hits are grouped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Grouping {
    #[default]
    None,
    /// By document: documents in the order of their best hit, limit and
    /// offset counting documents, each with its best few hits.
    Doc,
}

/// A document's hits, when grouped by document.
#[derive(Debug, Clone, PartialEq)]
pub struct DocGroup {
    pub doc: String,
    /// Passages of the document that match (all of them, not only those shown).
    pub total: u64,
    /// Ids of the hits shown for it, best first (they follow each other in `hits`).
    pub hits: Vec<String>,
}

/// One ranked passage with its snippet.
#[derive(Debug, Clone)]
pub struct Found {
    pub score: f32,
    pub snippet: String,
    /// The snippet as HTML: the text escaped, matches in `<mark>`.
    pub snippet_html: String,
    pub passage: Passage,
    /// The lexical and semantic parts of the score (hybrid and semantic modes).
    pub explain: Option<Contribution>,
}

/// What a search found.
#[derive(Debug, Clone)]
pub struct Results {
    pub query: String,
    pub total: usize,
    pub hits: Vec<Found>,
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
    /// What the query parser ignored or reinterpreted.
    pub notes: Vec<String>,
    /// What the thesaurus added to the query.
    pub expansions: Vec<Expansion>,
    /// True when near spellings of the query's words were searched too.
    pub fuzzy: bool,
    /// Groups of hits by document (empty unless grouped).
    pub groups: Vec<DocGroup>,
    /// When nothing matched in the kinds searched: matches in other kinds.
    pub other_kinds: BTreeMap<String, u64>,
    /// How the hits were ranked (never `Auto`).
    pub mode: Mode,
}

/// Below this many hits, near spellings are searched too.
const FEW_HITS: usize = 3;

/// Hits re-ranked by coordination beyond those shown (a hit further down
/// rarely climbs into the first page).
const RERANK_POOL: usize = 100;
/// Most hits sorted by year (all matches up to this many).
const SORT_POOL: usize = 10_000;
/// Hits shown per document when grouped.
const HITS_PER_DOC: usize = 3;

/// Top documents, total and facet counts of one tantivy search.
type Collected = (Vec<(f32, DocAddress)>, usize, facets::FacetMap);

/// Runs a search: lexical, or by meaning too (`fuse`) unless asked not to.
pub fn search(open: &OpenIndex, request: &SearchRequest) -> Result<Results> {
    // `--exact` means the words as typed; a year order or document groups
    // are built over the lexical ranking (fusion ranks one flat page).
    let words_only = if request.exact {
        Some("--exact searches the words as typed: ranked by words only")
    } else if request.sort != Sort::Relevance || request.group != Grouping::None {
        Some("--sort year and --group doc rank by words only")
    } else if has_scope(&query::parse(&request.query).clauses) {
        // A passage's vector stands for all of it, not for its title or abstract.
        Some("title: and abstract: clauses are searched by words only")
    } else {
        None
    };
    match (request.mode, words_only) {
        (Mode::Lexical, _) => lexical(open, request),
        (Mode::Auto, Some(_)) => lexical(open, request),
        (_, Some(why)) => {
            let mut results = lexical(open, request)?;
            results.notes.push(why.to_string());
            Ok(results)
        }
        (_, None) => fuse::search(open, request, fuse::DEFAULT),
    }
}

/// Whether a clause is limited to one part of the passages (`title:`, `abstract:`).
fn has_scope(clauses: &[(query::Occur, query::Node)]) -> bool {
    clauses.iter().any(|(_, node)| match node {
        query::Node::Scoped(..) => true,
        query::Node::Group(g) => has_scope(g),
        _ => false,
    })
}

/// Runs a search by words (BM25).
fn lexical(open: &OpenIndex, request: &SearchRequest) -> Result<Results> {
    let parsed = query::parse(&request.query);
    let mut notes = parsed.notes.clone();
    let searcher = open.reader.searcher();
    let analyzed = compile::Analyzed { open, searcher: &searcher, thesaurus: &open.thesaurus, langs: open.manifest.languages.clone(), exact: request.exact, body_only: Default::default() };
    let (text_query, expansions) = match analyzed.group(&parsed.clauses) {
        Some((q, e)) => (Some(q), e),
        None => {
            if !request.query.trim().is_empty() {
                notes.push("the query has no searchable words: showing all passages that pass the filters".into());
            }
            (None, vec![])
        }
    };
    let filters = filters::compile(open, request, &parsed, &mut notes)?;
    let stats = statistics(open, &searcher)?;
    let pool = pool_size(request);
    let matching: Box<dyn Query> = text_query.as_ref().map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |q| q.box_clone());
    let mut collected = collect(&searcher, &stats, matching, &filters, pool)?;
    let mut fuzzy = false;
    if collected.1 < FEW_HITS
        && !request.exact
        && let (Some(text), Some(near)) = (text_query.as_ref(), analyzed.fuzzy(&parsed.clauses))
    {
        // Few hits: search near spellings too, below the exact matches.
        let either: Box<dyn Query> = Box::new(BooleanQuery::new(vec![(TOccur::Should, Box::new(BoostQuery::new(text.box_clone(), 4.0)) as Box<dyn Query>), (TOccur::Should, Box::new(BoostQuery::new(near, 0.5)))]));
        let retried = collect(&searcher, &stats, either, &filters, pool)?;
        if retried.1 > collected.1 {
            notes.push("few exact matches: near spellings of the query's words were searched too".into());
            (collected, fuzzy) = (retried, true);
        }
    }
    let (top_docs, total, facet_counts) = collected;
    let ranked = rank::coordinate(&searcher, open.languages(&searcher)?, &analyzed.concepts(&parsed.clauses), top_docs)?;
    let ranked = order(open, &searcher, request, ranked)?;
    let other_kinds = if total == 0 && text_query.is_some() { other_kinds(open, request, &parsed, &searcher, &stats, text_query.as_deref(), &mut notes)? } else { BTreeMap::new() };
    let mut highlighter = Highlighter::new(&parsed, &open.manifest.languages);
    highlighter.add_phrases(&expansions.iter().flat_map(|e| e.added.iter().cloned()).collect::<Vec<_>>(), &open.manifest.languages);
    let facets = facet_counts;
    let (hits, groups) = match request.group {
        Grouping::None => {
            let page: Vec<(f32, DocAddress)> = ranked.into_iter().skip(request.offset).take(request.limit).collect();
            (page.into_iter().map(|(score, addr)| found(open, &searcher, &highlighter, score, addr)).collect::<Result<Vec<_>>>()?, vec![])
        }
        Grouping::Doc => grouped(open, &searcher, request, ranked, &facets, &highlighter)?,
    };
    Ok(Results { query: request.query.clone(), total, hits, facets, notes, expansions, fuzzy, groups, other_kinds, mode: Mode::Lexical })
}

/// How many hits to collect: enough to re-rank, page, sort or group.
fn pool_size(request: &SearchRequest) -> usize {
    let shown = request.offset.saturating_add(request.limit);
    match (request.sort, request.group) {
        (Sort::Year, _) => SORT_POOL,
        (_, Grouping::Doc) => shown.saturating_mul(HITS_PER_DOC * 4).max(RERANK_POOL * 2),
        _ => shown.saturating_add(8).max(RERANK_POOL),
    }
}

/// Hits in their final order: by score (ties by sort key), or by year.
fn order(open: &OpenIndex, searcher: &tantivy::Searcher, request: &SearchRequest, hits: Vec<(f32, DocAddress)>) -> Result<Vec<(f32, DocAddress)>> {
    let ranked = rank::order_ties(searcher, hits);
    if request.sort != Sort::Year {
        return Ok(ranked);
    }
    let mut dated = Vec::with_capacity(ranked.len());
    for (i, (score, addr)) in ranked.into_iter().enumerate() {
        let year = rank::year_of(searcher, open.fields.year, &addr);
        dated.push((std::cmp::Reverse(year), i, score, addr));
    }
    dated.sort_by_key(|(y, i, _, _)| (*y, *i));
    Ok(dated.into_iter().map(|(_, _, s, a)| (s, a)).collect())
}

/// One hit: its passage and snippet.
fn found(open: &OpenIndex, searcher: &tantivy::Searcher, highlighter: &Highlighter, score: f32, addr: DocAddress) -> Result<Found> {
    let passage = open.passage(searcher, addr)?;
    let (snippet, snippet_html) = highlighter.snippets(&passage.text, &passage.language);
    Ok(Found { score, snippet, snippet_html, passage, explain: None })
}

/// Hits grouped by document: documents in the order of their best hit, the
/// page of documents after `offset`, each with its best few hits.
fn grouped(open: &OpenIndex, searcher: &tantivy::Searcher, request: &SearchRequest, ranked: Vec<(f32, DocAddress)>, facets: &BTreeMap<String, BTreeMap<String, u64>>, highlighter: &Highlighter) -> Result<(Vec<Found>, Vec<DocGroup>)> {
    let wanted = request.offset.saturating_add(request.limit);
    let mut groups: Vec<(String, Vec<Found>)> = vec![];
    for (score, addr) in ranked {
        let hit = found(open, searcher, highlighter, score, addr)?;
        let n_groups = groups.len();
        match groups.iter_mut().find(|(d, _)| *d == hit.passage.doc) {
            Some((_, hits)) if hits.len() < HITS_PER_DOC => hits.push(hit),
            Some(_) => {}
            None if n_groups < wanted => groups.push((hit.passage.doc.clone(), vec![hit])),
            None => {}
        }
    }
    let doc_counts = facets.get("doc");
    let mut hits = vec![];
    let mut out = vec![];
    for (doc, found) in groups.into_iter().skip(request.offset) {
        let total = doc_counts.and_then(|c| c.get(&doc)).copied().unwrap_or(found.len() as u64);
        out.push(DocGroup { doc, total, hits: found.iter().map(|f| f.passage.id.clone()).collect() });
        hits.extend(found);
    }
    Ok((hits, out))
}

/// When nothing matched in the kinds searched by default, how many passages
/// of the other kinds (references, notes, biographies) match, with a note.
fn other_kinds(open: &OpenIndex, request: &SearchRequest, parsed: &query::ParsedQuery, searcher: &tantivy::Searcher, stats: &ExactStatistics, text: Option<&dyn Query>, notes: &mut Vec<String>) -> Result<BTreeMap<String, u64>> {
    let asked_kinds = !request.kinds.is_empty() || parsed.filters.iter().any(|f| f.field == "kind");
    let Some(text) = text else { return Ok(BTreeMap::new()) };
    if asked_kinds {
        return Ok(BTreeMap::new());
    }
    let others = SearchRequest { kinds: Kind::ALL.into_iter().filter(|k| !k.searched_by_default()).collect(), ..request.clone() };
    let filters = filters::compile(open, &others, parsed, &mut vec![])?;
    let (_, n, counts) = collect(searcher, stats, text.box_clone(), &filters, 1)?;
    if n == 0 {
        return Ok(BTreeMap::new());
    }
    let kinds: BTreeMap<String, u64> = counts.get("kind").cloned().unwrap_or_default().into_iter().filter(|(_, c)| *c > 0).collect();
    let listed: Vec<String> = kinds.iter().map(|(k, c)| format!("{c} in {k} passages")).collect();
    let first = kinds.keys().next().cloned().unwrap_or_default();
    notes.push(format!("no match in body or abstract passages, but {}: search them with `--kind {first}`", listed.join(", ")));
    Ok(kinds)
}

/// BM25 statistics over the scored fields, from the live documents.
fn statistics<'a>(open: &'a OpenIndex, searcher: &'a tantivy::Searcher) -> Result<ExactStatistics<'a>> {
    let f = &open.fields;
    let mut scored_fields = vec![f.exact, f.context, f.title, f.grams];
    scored_fields.extend(open.manifest.languages.iter().filter_map(|l| f.stemmed.get(l).copied()));
    let stemmed: Vec<(tantivy::schema::Field, &str)> = f.stemmed.iter().map(|(code, field)| (*field, code.as_str())).collect();
    let scoping = Scoping::new(open.languages(searcher)?, &stemmed, crate::text::index_lang, &[f.exact, f.context, f.title, f.grams]);
    ExactStatistics::new(searcher, &scored_fields, &open.manifest.field_tokens, Some(scoping))
}

/// Runs `matching` narrowed by the filters: top documents (a few past the
/// limit, so that ties at the cut are decided by sort key), total, facets.
fn collect(searcher: &tantivy::Searcher, stats: &ExactStatistics, matching: Box<dyn Query>, filters: &[(TOccur, Box<dyn Query>)], limit: usize) -> Result<Collected> {
    // A limit past the number of passages only costs memory.
    let limit = limit.saturating_add(8).clamp(1, usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX).max(1));
    let mut clauses = vec![(TOccur::Must, matching)];
    clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
    let collectors = (TopDocs::with_limit(limit).order_by_score(), Count, facets::FacetCounter);
    Ok(searcher.search_with_statistics_provider(&BooleanQuery::new(clauses), &collectors, stats)?)
}

