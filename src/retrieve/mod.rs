//! Searching the index: a parsed query (`query`) compiled over every language
//! field (`compile`), narrowed by filters (`filters`), scored with exact live
//! statistics and ties ordered by sort key (`rank`), retried with near
//! spellings when it finds little, and returned with highlighted snippets
//! (`highlight`) and facet counts.
//!
//! **Invariant:** tantivy appears only here and in `store`.

pub mod compile;
pub mod filters;
pub mod highlight;
pub mod query;
pub mod rank;

use std::collections::BTreeMap;

use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur as TOccur, Query};
use tantivy::schema::Facet;
use tantivy::DocAddress;

use crate::error::Result;
use crate::model::{Kind, Passage};
use crate::store::stats::ExactStatistics;
use crate::store::{OpenIndex, FACETS};
use crate::vocab::thesaurus::Expansion;

pub use filters::parse_years;
pub use highlight::Highlighter;

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
}

/// One ranked passage with its snippet.
#[derive(Debug, Clone)]
pub struct Found {
    pub score: f32,
    pub snippet: String,
    /// The snippet as HTML: the text escaped, matches in `<mark>`.
    pub snippet_html: String,
    pub passage: Passage,
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
}

/// Below this many hits, near spellings are searched too.
const FEW_HITS: usize = 3;

/// Top documents, total and facet counts of one tantivy search.
type Collected = (Vec<(f32, DocAddress)>, usize, FacetCounts);

/// Runs a search.
pub fn search(open: &OpenIndex, request: &SearchRequest) -> Result<Results> {
    let parsed = query::parse(&request.query);
    let mut notes = parsed.notes.clone();
    let searcher = open.reader.searcher();
    let analyzed = compile::Analyzed { open, searcher: &searcher, thesaurus: &open.thesaurus, langs: open.manifest.languages.clone() };
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
    let matching: Box<dyn Query> = text_query.as_ref().map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |q| q.box_clone());
    let mut collected = collect(&searcher, &stats, matching, &filters, request.limit)?;
    let mut fuzzy = false;
    if collected.1 < FEW_HITS
        && let (Some(text), Some(near)) = (text_query, analyzed.fuzzy(&parsed.clauses))
    {
        // Few hits: search near spellings too, below the exact matches.
        let either: Box<dyn Query> = Box::new(BooleanQuery::new(vec![(TOccur::Should, Box::new(BoostQuery::new(text, 4.0)) as Box<dyn Query>), (TOccur::Should, Box::new(BoostQuery::new(near, 0.5)))]));
        let retried = collect(&searcher, &stats, either, &filters, request.limit)?;
        if retried.1 > collected.1 {
            notes.push("few exact matches: near spellings of the query's words were searched too".into());
            (collected, fuzzy) = (retried, true);
        }
    }
    let (top_docs, total, facet_counts) = collected;
    let mut highlighter = Highlighter::new(&parsed, &open.manifest.languages);
    highlighter.add_words(&expansions.iter().flat_map(|e| e.added.iter().cloned()).collect::<Vec<_>>(), &open.manifest.languages);
    let mut hits = vec![];
    for (score, addr) in rank::order_ties(&searcher, top_docs).into_iter().take(request.limit) {
        let passage = open.passage(&searcher, addr)?;
        let (snippet, snippet_html) = highlighter.snippets(&passage.text, &passage.language);
        hits.push(Found { score, snippet, snippet_html, passage });
    }
    Ok(Results { query: request.query.clone(), total, hits, facets: facet_map(&facet_counts), notes, expansions, fuzzy })
}

/// BM25 statistics over the scored fields, from the live documents.
fn statistics<'a>(open: &OpenIndex, searcher: &'a tantivy::Searcher) -> Result<ExactStatistics<'a>> {
    let f = &open.fields;
    let mut scored_fields = vec![f.exact, f.context];
    scored_fields.extend(open.manifest.languages.iter().filter_map(|l| f.stemmed.get(l).copied()));
    ExactStatistics::new(searcher, &scored_fields, &open.manifest.field_tokens)
}

/// Runs `matching` narrowed by the filters: top documents (a few past the
/// limit, so that ties at the cut are decided by sort key), total, facets.
fn collect(searcher: &tantivy::Searcher, stats: &ExactStatistics, matching: Box<dyn Query>, filters: &[(TOccur, Box<dyn Query>)], limit: usize) -> Result<Collected> {
    let mut facet_collector = FacetCollector::for_field("facets");
    for (path, _) in FACETS {
        facet_collector.add_facet(Facet::from_path([path]));
    }
    // A limit past the number of passages only costs memory.
    let limit = limit.saturating_add(8).clamp(1, usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX).max(1));
    let mut clauses = vec![(TOccur::Must, matching)];
    clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
    let collectors = (TopDocs::with_limit(limit).order_by_score(), Count, facet_collector);
    Ok(searcher.search_with_statistics_provider(&BooleanQuery::new(clauses), &collectors, stats)?)
}

/// Facet counts by output name (topic, doc, language, year, author, kind).
fn facet_map(counts: &FacetCounts) -> BTreeMap<String, BTreeMap<String, u64>> {
    FACETS
        .iter()
        .map(|(path, name)| {
            let values = counts.get(Facet::from_path([*path])).map(|(facet, count)| (facet.to_path().last().map(|s| s.to_string()).unwrap_or_default(), count)).collect();
            (name.to_string(), values)
        })
        .collect()
}
