//! Searching the index: turns a parsed query into a tantivy query over every
//! language field (exact words boosted, phrase proximity rewarded, titles and
//! headings counted), applies filters, and returns ranked passages with
//! highlighted snippets and facet counts.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur as TOccur, PhraseQuery, Query, RangeQuery, TermQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::Term;

use crate::analyze::FolioTokenizer;
use crate::error::{Error, Result};
use crate::index::OpenIndex;
use crate::model::{Kind, Passage};
use crate::query::{self, Node, Occur};
use crate::thesaurus::{Expansion, Thesaurus};

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

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub score: f32,
    pub snippet: String,
    pub passage: Passage,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    pub query: String,
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
    /// What the query parser ignored or reinterpreted.
    pub notes: Vec<String>,
    /// What the thesaurus added to the query.
    pub expansions: Vec<Expansion>,
    /// True when near spellings of the query's words were searched too.
    pub fuzzy: bool,
}

const EXACT_BOOST: f32 = 1.5;
const STEM_BOOST: f32 = 1.0;
const CONTEXT_BOOST: f32 = 0.4;
const PROXIMITY_BOOST: f32 = 2.0;
const PROXIMITY_SLOP: u32 = 4;
const EXPANSION_BOOST: f32 = 0.5;
/// Below this many hits, near spellings are searched too.
const FEW_HITS: usize = 3;

/// The analyzed forms of a query word per field.
struct Analyzed<'a> {
    open: &'a OpenIndex,
    searcher: &'a tantivy::Searcher,
    thesaurus: &'a Thesaurus,
    /// Languages present in the index that have a stemmed field.
    langs: Vec<String>,
}

impl Analyzed<'_> {
    fn fields(&self) -> Vec<(Field, FolioTokenizer, f32)> {
        let f = &self.open.fields;
        let mut out = vec![(f.exact, FolioTokenizer::new(None), EXACT_BOOST)];
        for l in &self.langs {
            if let Some(field) = f.stemmed.get(l) {
                out.push((*field, FolioTokenizer::for_lang(l), STEM_BOOST));
            }
        }
        out
    }

    /// One word or phrase over all text fields: a disjunction of per-field
    /// term or phrase queries. `None` when the text has no tokens.
    fn text_query(&self, words: &[String], slop: u32) -> Option<Box<dyn Query>> {
        let text = words.join(" ");
        let mut should: Vec<(TOccur, Box<dyn Query>)> = vec![];
        for (field, mut tokenizer, boost) in self.fields() {
            let terms = tokenizer.terms(&text);
            if let Some(q) = terms_query(field, &terms, slop) {
                should.push((TOccur::Should, Box::new(BoostQuery::new(q, boost))));
            }
        }
        let context_terms = FolioTokenizer::new(None).terms(&text);
        if let Some(q) = terms_query(self.open.fields.context, &context_terms, slop) {
            should.push((TOccur::Should, Box::new(BoostQuery::new(q, CONTEXT_BOOST))));
        }
        (!should.is_empty()).then(|| Box::new(BooleanQuery::new(should)) as Box<dyn Query>)
    }

    fn node(&self, node: &Node) -> Option<Box<dyn Query>> {
        match node {
            Node::Word(w) => self.text_query(std::slice::from_ref(w), 0),
            Node::Phrase(words) => self.text_query(words, 0),
            Node::Group(clauses) => self.group(clauses).map(|(q, _)| q),
        }
    }

    /// The alternatives of an expansion as one query.
    fn alternatives(&self, added: &[String]) -> Option<Box<dyn Query>> {
        let parts: Vec<(TOccur, Box<dyn Query>)> = added
            .iter()
            .filter_map(|a| {
                let words: Vec<String> = a.split_whitespace().map(String::from).collect();
                self.text_query(&words, 0).map(|q| (TOccur::Should, q))
            })
            .collect();
        (!parts.is_empty()).then(|| Box::new(BooleanQuery::new(parts)) as Box<dyn Query>)
    }

    /// A group of clauses, with thesaurus expansions of its plain words and
    /// phrases, and a bonus for its words standing close together.
    fn group(&self, clauses: &[(Occur, Node)]) -> Option<(Box<dyn Query>, Vec<Expansion>)> {
        let mut parts: Vec<(TOccur, Box<dyn Query>)> = vec![];
        let mut expansions = vec![];
        // Runs of plain words (and each phrase) are looked up in the thesaurus.
        let mut i = 0;
        while i < clauses.len() {
            let (occur, node) = &clauses[i];
            let run_end = if matches!(node, Node::Word(_)) && *occur != Occur::MustNot {
                let mut j = i;
                while j < clauses.len() && matches!(clauses[j].1, Node::Word(_)) && clauses[j].0 == *occur {
                    j += 1;
                }
                j
            } else {
                i + 1
            };
            let run = &clauses[i..run_end];
            let words: Vec<String> = run
                .iter()
                .flat_map(|(_, n)| match n {
                    Node::Word(w) => vec![w.clone()],
                    Node::Phrase(ws) => ws.clone(),
                    Node::Group(_) => vec![],
                })
                .collect();
            let found = if *occur == Occur::MustNot || matches!(node, Node::Group(_)) { vec![] } else { self.thesaurus.expand(&words) };
            if *occur == Occur::Must {
                // A required word is satisfied by any of its equivalents.
                for (k, (_, n)) in run.iter().enumerate() {
                    let Some(q) = self.node(n) else { continue };
                    let alts = found.iter().find(|e| e.span.0 <= k && k < e.span.0 + e.span.1).and_then(|e| self.alternatives(&e.added));
                    let q: Box<dyn Query> = match alts {
                        Some(a) => Box::new(BooleanQuery::new(vec![(TOccur::Should, q), (TOccur::Should, Box::new(BoostQuery::new(a, EXPANSION_BOOST)))])),
                        None => q,
                    };
                    parts.push((TOccur::Must, q));
                }
            } else {
                for (o, n) in run {
                    if let Some(q) = self.node(n) {
                        let q = if *o == Occur::MustNot && self.has_phrase(n) { self.materialize(q) } else { q };
                        parts.push((to_occur(*o), q));
                    }
                }
                for e in &found {
                    if let Some(a) = self.alternatives(&e.added) {
                        parts.push((TOccur::Should, Box::new(BoostQuery::new(a, EXPANSION_BOOST))));
                    }
                }
            }
            expansions.extend(found);
            i = run_end;
        }
        // Reward the plain words of the query standing close together.
        let words: Vec<String> = clauses
            .iter()
            .filter(|(o, _)| *o != Occur::MustNot)
            .filter_map(|(_, n)| if let Node::Word(w) = n { Some(w.clone()) } else { None })
            .collect();
        if (2..=8).contains(&words.len())
            && let Some(q) = self.text_query(&words, PROXIMITY_SLOP) {
                parts.push((TOccur::Should, Box::new(BoostQuery::new(q, PROXIMITY_BOOST))));
            }
        if parts.is_empty() {
            return None;
        }
        if parts.iter().all(|(o, _)| *o == TOccur::MustNot) {
            parts.push((TOccur::Must, Box::new(AllQuery)));
        }
        Some((Box::new(BooleanQuery::new(parts)), expansions))
    }

    /// True when the node becomes a phrase query in some field (several tokens).
    fn has_phrase(&self, node: &Node) -> bool {
        match node {
            Node::Word(w) => FolioTokenizer::new(None).terms(w).len() > 1,
            Node::Phrase(_) => true,
            Node::Group(clauses) => clauses.iter().any(|(_, n)| self.has_phrase(n)),
        }
    }

    /// The passages a query matches, as a query on their sort keys.
    ///
    /// Why: tantivy 0.27 asserts (debug builds) when a phrase scorer sits in an
    /// exclusion set and starts past the first candidate document; excluding
    /// by a set of terms avoids the phrase scorer there. Exclusions are rare and
    /// small, so running the excluded query once costs little.
    fn materialize(&self, q: Box<dyn Query>) -> Box<dyn Query> {
        let Ok(docs) = self.searcher.search(q.as_ref(), &tantivy::collector::DocSetCollector) else { return q };
        let ords = SortKeys::new(self.searcher);
        let mut terms: Vec<Term> = docs.iter().filter_map(|a| ords.get(a)).map(|ord| Term::from_field_u64(self.open.fields.ord, ord)).collect();
        terms.sort();
        Box::new(tantivy::query::TermSetQuery::new(terms))
    }

    /// Near spellings of the query's words (edit distance 1, or 2 for long
    /// words), for queries whose exact words find little.
    fn fuzzy(&self, clauses: &[(Occur, Node)]) -> Option<Box<dyn Query>> {
        let mut words = vec![];
        collect_words(clauses, &mut words);
        let parts: Vec<(TOccur, Box<dyn Query>)> = FolioTokenizer::new(None)
            .terms(&words.join(" "))
            .into_iter()
            .filter(|w| w.chars().count() >= 4 && !w.chars().any(crate::lang::is_cjk))
            .map(|w| {
                let distance = if w.chars().count() >= 8 { 2 } else { 1 };
                let q = FuzzyTermQuery::new(Term::from_field_text(self.open.fields.exact, &w), distance, true);
                (TOccur::Should, Box::new(q) as Box<dyn Query>)
            })
            .collect();
        (!parts.is_empty()).then(|| Box::new(BooleanQuery::new(parts)) as Box<dyn Query>)
    }
}

fn to_occur(o: Occur) -> TOccur {
    match o {
        Occur::Should => TOccur::Should,
        Occur::Must => TOccur::Must,
        Occur::MustNot => TOccur::MustNot,
    }
}

fn terms_query(field: Field, terms: &[String], slop: u32) -> Option<Box<dyn Query>> {
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(Term::from_field_text(field, &terms[0]), IndexRecordOption::WithFreqs))),
        _ => {
            let mut q = PhraseQuery::new(terms.iter().map(|t| Term::from_field_text(field, t)).collect());
            q.set_slop(slop);
            Some(Box::new(q))
        }
    }
}

fn any_of(field: Field, values: &[String]) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        values.iter().map(|v| (TOccur::Should, Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)) as Box<dyn Query>)).collect(),
    ))
}

/// The passages' sort keys (`ord` fast field), one column per segment,
/// opened once per search rather than once per document.
struct SortKeys(Vec<Option<tantivy::columnar::Column<u64>>>);

impl SortKeys {
    fn new(searcher: &tantivy::Searcher) -> SortKeys {
        SortKeys(searcher.segment_readers().iter().map(|r| r.fast_fields().u64("ord").ok()).collect())
    }

    fn get(&self, addr: &tantivy::DocAddress) -> Option<u64> {
        self.0.get(addr.segment_ord as usize)?.as_ref()?.first(addr.doc_id)
    }
}

/// BM25 statistics computed from the live documents' field norms, not from
/// the totals tantivy carries through merges (which it estimates once
/// documents were deleted). The same documents then give the same scores
/// whether the index was built at once or updated in steps.
struct ExactStatistics<'a> {
    searcher: &'a tantivy::Searcher,
    totals: BTreeMap<Field, u64>,
}

impl<'a> ExactStatistics<'a> {
    fn new(searcher: &'a tantivy::Searcher, fields: &[Field], cached: &BTreeMap<String, u64>) -> Result<Self> {
        let mut totals = BTreeMap::new();
        let schema = searcher.schema();
        for &field in fields {
            if let Some(total) = cached.get(schema.get_field_name(field)) {
                totals.insert(field, *total);
                continue;
            }
            totals.insert(field, crate::index::live_field_tokens(searcher, field)?);
        }
        Ok(ExactStatistics { searcher, totals })
    }
}

impl tantivy::query::Bm25StatisticsProvider for ExactStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self.totals.get(&field) {
            Some(t) => Ok(*t),
            None => self.searcher.total_num_tokens(field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    /// Documents containing the term among the live ones: segments with
    /// deleted documents (left by updates) are counted by scanning the term's
    /// postings, so that scores equal a fresh build's.
    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let mut total = 0u64;
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(term.field())?;
            match segment.alive_bitset().filter(|_| segment.has_deletes()) {
                Some(alive) => {
                    if let Some(postings) = inverted.read_postings(term, IndexRecordOption::Basic)? {
                        total += u64::from(postings.doc_freq_given_deletes(alive));
                    }
                }
                None => total += u64::from(inverted.doc_freq(term)?),
            }
        }
        Ok(total)
    }
}

/// Parses "2010..2020", "2015", "..2015", "2010..".
pub fn parse_years(s: &str) -> Result<(i32, i32)> {
    let bad = || Error::InvalidArgument(format!("cannot read year range `{s}`: write FROM..TO, e.g. `--year 2015..2020`, or one year, e.g. `--year 2017`"));
    let parse = |p: &str, default: i32| -> Result<i32> { if p.trim().is_empty() { Ok(default) } else { p.trim().parse().map_err(|_| bad()) } };
    match s.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (parse(a, i32::MIN)?, parse(b, i32::MAX)?);
            if a > b { Err(bad()) } else { Ok((a, b)) }
        }
        None => {
            let y = parse(s, 0).map_err(|_| bad())?;
            Ok((y, y))
        }
    }
}

/// Runs a search.
pub fn search(open: &OpenIndex, request: &SearchRequest) -> Result<SearchResponse> {
    let parsed = query::parse(&request.query);
    let mut notes = parsed.notes.clone();
    let f = &open.fields;
    let langs: Vec<String> = open.manifest.languages.clone();
    let searcher = open.reader.searcher();
    let analyzed = Analyzed { open, searcher: &searcher, thesaurus: &open.thesaurus, langs };

    let mut must: Vec<(TOccur, Box<dyn Query>)> = vec![];
    let mut expansions = vec![];
    let mut text_query: Option<Box<dyn Query>> = None;
    match analyzed.group(&parsed.clauses) {
        Some((q, e)) => {
            expansions = e;
            text_query = Some(q.box_clone());
            must.push((TOccur::Must, q));
        }
        None => {
            if !request.query.trim().is_empty() {
                notes.push("the query has no searchable words: showing all passages that pass the filters".into());
            }
            must.push((TOccur::Must, Box::new(AllQuery)));
        }
    }

    // Filters from flags and from `field:value` in the query.
    let valid_topics: Vec<&str> = open.manifest.topics.iter().map(|(id, _, _)| id.as_str()).collect();
    let mut topics = request.topics.clone();
    let mut docs = request.docs.clone();
    let mut langs = request.languages.clone();
    let mut authors = request.authors.clone();
    let mut kinds = request.kinds.clone();
    let mut years = request.years;
    for filter in &parsed.filters {
        let target = match filter.field.as_str() {
            "topic" => &mut topics,
            "doc" => &mut docs,
            "lang" => &mut langs,
            "author" => &mut authors,
            "kind" => {
                match Kind::parse(&filter.value) {
                    Some(k) => kinds.push(k),
                    None => notes.push(format!("unknown kind `{}` ignored; kinds are body, abstract, reference, note, bio", filter.value)),
                }
                continue;
            }
            "year" => {
                match parse_years(&filter.value) {
                    Ok(y) => years = Some(y),
                    Err(e) => notes.push(e.to_string()),
                }
                continue;
            }
            _ => continue,
        };
        if filter.negated {
            let field = match filter.field.as_str() {
                "topic" => f.topic,
                "doc" => f.doc,
                "lang" => f.language,
                _ => f.author,
            };
            let value = if filter.field == "author" { filter.value.to_lowercase() } else { filter.value.clone() };
            must.push((TOccur::MustNot, any_of(field, &[value])));
        } else {
            target.push(filter.value.clone());
        }
    }
    for t in &topics {
        if !valid_topics.contains(&t.as_str()) {
            return Err(Error::InvalidArgument(format!("unknown topic `{t}`; valid topics: {} (see `folio topics`)", valid_topics.join(", "))));
        }
    }
    if !topics.is_empty() {
        must.push((TOccur::Must, any_of(f.topic, &topics)));
    }
    if !docs.is_empty() {
        must.push((TOccur::Must, any_of(f.doc, &docs)));
    }
    if !langs.is_empty() {
        must.push((TOccur::Must, any_of(f.language, &langs)));
    }
    if !authors.is_empty() {
        // Authors match on any part of "Family, Given": a family name is enough.
        let wanted: Vec<String> = authors.iter().map(|a| a.to_lowercase()).collect();
        must.push((TOccur::Must, author_query(open, &wanted)?));
    }
    let kinds: Vec<String> = if kinds.is_empty() {
        Kind::ALL.iter().filter(|k| k.searched_by_default()).map(|k| k.as_str().to_string()).collect()
    } else {
        kinds.iter().map(|k| k.as_str().to_string()).collect()
    };
    must.push((TOccur::Must, any_of(f.kind, &kinds)));
    if let Some((from, to)) = years {
        must.push((TOccur::Must, Box::new(RangeQuery::new(std::ops::Bound::Included(Term::from_field_i64(f.year, i64::from(from))), std::ops::Bound::Included(Term::from_field_i64(f.year, i64::from(to)))))));
    }
    let collectors = || {
        let mut facet_collector = FacetCollector::for_field("facets");
        for name in ["topic", "doc", "lang", "year", "author", "kind"] {
            facet_collector.add_facet(Facet::from_path([name]));
        }
        // A limit past the number of passages only costs memory.
        // A few candidates past the limit, so that ties at the cut are decided by sort key.
        let limit = request.limit.saturating_add(8).clamp(1, usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX).max(1));
        (TopDocs::with_limit(limit).order_by_score(), Count, facet_collector)
    };
    let filters: Vec<(TOccur, Box<dyn Query>)> = must.iter().skip(1).map(|(o, q)| (*o, q.box_clone())).collect();
    let query = BooleanQuery::new(must);
    let mut scored_fields = vec![f.exact, f.context];
    scored_fields.extend(open.manifest.languages.iter().filter_map(|l| f.stemmed.get(l).copied()));
    let stats = ExactStatistics::new(&searcher, &scored_fields, &open.manifest.field_tokens)?;
    let (mut top_docs, mut total, mut facet_counts) = searcher.search_with_statistics_provider(&query, &collectors(), &stats)?;
    let mut fuzzy = false;
    if total < FEW_HITS {
        // Few hits: search near spellings too, below the exact matches.
        if let (Some(text), Some(near)) = (text_query, analyzed.fuzzy(&parsed.clauses)) {
            let either: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                (TOccur::Should, Box::new(BoostQuery::new(text, 4.0)) as Box<dyn Query>),
                (TOccur::Should, Box::new(BoostQuery::new(near, 0.5))),
            ]));
            let mut clauses = vec![(TOccur::Must, either)];
            clauses.extend(filters);
            let (t, n, f) = searcher.search_with_statistics_provider(&BooleanQuery::new(clauses), &collectors(), &stats)?;
            if n > total {
                notes.push("few exact matches: near spellings of the query's words were searched too".into());
                (top_docs, total, facet_counts, fuzzy) = (t, n, f, true);
            }
        }
    }
    let limit = request.limit;
    // Equal scores are ordered by the passages' sort keys, not by where the
    // passages sit in the index, so that an updated index ranks ties the same
    // way as one built from scratch.
    let ords = SortKeys::new(&searcher);
    let mut keyed: Vec<(f32, u64, tantivy::DocAddress)> = top_docs.into_iter().map(|(s, a)| (s, ords.get(&a).unwrap_or(u64::MAX), a)).collect();
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let top_docs: Vec<(f32, tantivy::DocAddress)> = keyed.into_iter().map(|(s, _, a)| (s, a)).collect();

    let mut highlighter = Highlighter::new(&parsed, &open.manifest.languages);
    highlighter.add_words(&expansions.iter().flat_map(|e| e.added.iter().cloned()).collect::<Vec<_>>(), &open.manifest.languages);
    let mut hits = vec![];
    for (score, addr) in top_docs.into_iter().take(limit) {
        let passage = open.passage(&searcher, addr)?;
        let snippet = highlighter.snippet(&passage.text, &passage.language);
        hits.push(Hit { score, snippet, passage });
    }
    let mut facets = BTreeMap::new();
    for (name, key) in [("topic", "topic"), ("doc", "doc"), ("lang", "language"), ("year", "year"), ("author", "author"), ("kind", "kind")] {
        let counts: BTreeMap<String, u64> = facet_counts
            .get(Facet::from_path([name]))
            .map(|(facet, count)| (facet.to_path().last().map(|s| s.to_string()).unwrap_or_default(), count))
            .collect();
        facets.insert(key.to_string(), counts);
    }
    Ok(SearchResponse { query: request.query.clone(), total, hits, facets, notes, expansions, fuzzy })
}

/// Authors are stored lower-cased as "family, given": match whole names, and
/// family names alone by looking up the names the index holds.
fn author_query(open: &OpenIndex, wanted: &[String]) -> Result<Box<dyn Query>> {
    let searcher = open.reader.searcher();
    let mut names: HashSet<String> = HashSet::new();
    for reader in searcher.segment_readers() {
        let inverted = reader.inverted_index(open.fields.author)?;
        let mut stream = inverted.terms().stream().map_err(|e| Error::Tantivy(e.into()))?;
        while stream.advance() {
            if let Ok(name) = std::str::from_utf8(stream.key())
                && wanted.iter().any(|w| name == w || name.split(", ").next() == Some(w.as_str()) || name.contains(w.as_str())) {
                    names.insert(name.to_string());
                }
        }
    }
    let mut names: Vec<String> = names.into_iter().collect();
    names.sort();
    if names.is_empty() {
        names = wanted.to_vec();
    }
    Ok(any_of(open.fields.author, &names))
}

/// Marks the words of a passage that the query matched, stemmed forms
/// included, and picks the window of text with the most of them.
pub struct Highlighter {
    exact: HashSet<String>,
    stems: BTreeMap<String, HashSet<String>>,
}

const SNIPPET_CHARS: usize = 240;

impl Highlighter {
    pub fn new(parsed: &query::ParsedQuery, langs: &[String]) -> Highlighter {
        let mut words = vec![];
        collect_words(&parsed.clauses, &mut words);
        let text = words.join(" ");
        let exact: HashSet<String> = FolioTokenizer::new(None).terms(&text).into_iter().collect();
        let mut stems = BTreeMap::new();
        for l in langs {
            stems.insert(l.clone(), FolioTokenizer::for_lang(l).terms(&text).into_iter().collect());
        }
        Highlighter { exact, stems }
    }

    /// Highlights these words too (thesaurus expansions).
    pub fn add_words(&mut self, words: &[String], langs: &[String]) {
        let text = words.join(" ");
        self.exact.extend(FolioTokenizer::new(None).terms(&text));
        for l in langs {
            self.stems.entry(l.clone()).or_default().extend(FolioTokenizer::for_lang(l).terms(&text));
        }
    }

    /// Byte ranges of matched words in `text`.
    pub fn matches(&self, text: &str, lang: &str) -> Vec<(usize, usize)> {
        let mut exact_tokens = vec![];
        crate::analyze::split_words(text, &mut exact_tokens);
        let stems: Vec<String> = FolioTokenizer::for_lang(lang).terms(text);
        let stem_set = self.stems.get(lang);
        let mut out = vec![];
        for (i, tok) in exact_tokens.iter().enumerate() {
            let stem_hit = stem_set.is_some_and(|s| stems.get(i).is_some_and(|st| s.contains(st)));
            if self.exact.contains(&tok.text) || stem_hit {
                // CJK bigrams overlap: merge a match into the previous one it touches.
                match out.last_mut() {
                    Some((_, end)) if tok.offset_from <= *end => *end = (*end).max(tok.offset_to),
                    _ => out.push((tok.offset_from, tok.offset_to)),
                }
            }
        }
        out
    }

    /// A window of about 240 characters around the densest matches, with
    /// matches wrapped in `<mark>…</mark>`.
    pub fn snippet(&self, text: &str, lang: &str) -> String {
        let matches = self.matches(text, lang);
        let (start, end) = best_window(text, &matches, SNIPPET_CHARS);
        let mut out = String::new();
        if start > 0 {
            out.push('…');
        }
        let mut pos = start;
        for (a, b) in matches.iter().filter(|(a, b)| *a >= start && *b <= end) {
            out.push_str(&text[pos..*a]);
            out.push_str("<mark>");
            out.push_str(&text[*a..*b]);
            out.push_str("</mark>");
            pos = *b;
        }
        out.push_str(&text[pos..end]);
        if end < text.len() {
            out.push('…');
        }
        out
    }
}

fn collect_words(clauses: &[(Occur, Node)], out: &mut Vec<String>) {
    for (occur, node) in clauses {
        if *occur == Occur::MustNot {
            continue;
        }
        match node {
            Node::Word(w) => out.push(w.clone()),
            Node::Phrase(ws) => out.extend(ws.iter().cloned()),
            Node::Group(inner) => collect_words(inner, out),
        }
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The window of `width` bytes (on word boundaries) holding the most matches.
fn best_window(text: &str, matches: &[(usize, usize)], width: usize) -> (usize, usize) {
    if text.len() <= width {
        return (0, text.len());
    }
    let mut best = (0usize, 0usize);
    for (i, (a, _)) in matches.iter().enumerate() {
        let n = matches[i..].iter().take_while(|(_, b)| *b <= a + width).count();
        if n > best.1 {
            best = (*a, n);
        }
    }
    // Start a little before the first match, at a word boundary.
    let mut start = floor_boundary(text, best.0.saturating_sub(40));
    if start > 0 {
        start = text[..start].rfind(' ').map_or(0, |i| i + 1);
    }
    let mut end = floor_boundary(text, start + width);
    if end < text.len() {
        end = text[..end].rfind(' ').filter(|e| *e > start).unwrap_or(end);
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_ranges() {
        assert_eq!(parse_years("2010..2020").unwrap(), (2010, 2020));
        assert_eq!(parse_years("2017").unwrap(), (2017, 2017));
        assert_eq!(parse_years("..2015").unwrap(), (i32::MIN, 2015));
        assert!(parse_years("2020..2010").is_err());
        assert!(parse_years("last year").is_err());
    }

    #[test]
    fn snippets_mark_stemmed_forms() {
        let h = Highlighter::new(&query::parse("governing norm"), &["en".to_string()]);
        let s = h.snippet("States govern by norms, and governments agree.", "en");
        assert_eq!(s, "States <mark>govern</mark> by <mark>norms</mark>, and <mark>governments</mark> agree.");
    }
}
