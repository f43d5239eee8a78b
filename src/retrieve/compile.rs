//! Compiling a parsed query into a tantivy query: every word over the exact
//! field and each language's stemmed field (exact words boosted), titles and
//! headings counted a little, thesaurus expansions added as weaker
//! alternatives, a bonus for the words standing close together, and near
//! spellings for queries whose exact words find little.

use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur as TOccur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::query::{collect_words, Node, Occur};
use crate::store::OpenIndex;
use crate::text::Analyzer;
use crate::vocab::thesaurus::{Expansion, Thesaurus};

const EXACT_BOOST: f32 = 1.5;
const STEM_BOOST: f32 = 1.0;
const CONTEXT_BOOST: f32 = 0.4;
const PROXIMITY_BOOST: f32 = 2.0;
const PROXIMITY_SLOP: u32 = 4;
const EXPANSION_BOOST: f32 = 0.5;

/// Where the run of clauses starting at `i` ends: a run is consecutive plain
/// words with the same occurrence (looked up in the thesaurus together), or
/// one other clause.
fn run_end(clauses: &[(Occur, Node)], i: usize) -> usize {
    let (occur, node) = &clauses[i];
    if !matches!(node, Node::Word(_)) || *occur == Occur::MustNot {
        return i + 1;
    }
    let mut j = i;
    while j < clauses.len() && matches!(clauses[j].1, Node::Word(_)) && clauses[j].0 == *occur {
        j += 1;
    }
    j
}

/// The words of a run, phrases' words included.
fn run_words(run: &[(Occur, Node)]) -> Vec<String> {
    run.iter()
        .flat_map(|(_, n)| match n {
            Node::Word(w) => vec![w.clone()],
            Node::Phrase(ws) => ws.clone(),
            Node::Group(_) => vec![],
        })
        .collect()
}

/// The analyzed forms of a query word per field.
pub struct Analyzed<'a> {
    pub open: &'a OpenIndex,
    pub searcher: &'a tantivy::Searcher,
    pub thesaurus: &'a Thesaurus,
    /// Languages present in the index that have a stemmed field.
    pub langs: Vec<String>,
}

impl Analyzed<'_> {
    fn fields(&self) -> Vec<(Field, Analyzer, f32)> {
        let f = &self.open.fields;
        let mut out = vec![(f.exact, Analyzer::exact(), EXACT_BOOST)];
        for l in &self.langs {
            if let Some(field) = f.stemmed.get(l) {
                out.push((*field, Analyzer::for_lang(l), STEM_BOOST));
            }
        }
        out
    }

    /// One word or phrase over all text fields: a disjunction of per-field
    /// term or phrase queries. `None` when the text has no tokens.
    fn text_query(&self, words: &[String], slop: u32) -> Option<Box<dyn Query>> {
        let text = words.join(" ");
        let mut should: Vec<(TOccur, Box<dyn Query>)> = vec![];
        for (field, analyzer, boost) in self.fields() {
            let terms = analyzer.terms(&text);
            if let Some(q) = terms_query(field, &terms, slop) {
                should.push((TOccur::Should, Box::new(BoostQuery::new(q, boost))));
            }
        }
        let context_terms = Analyzer::exact().terms(&text);
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
    pub fn group(&self, clauses: &[(Occur, Node)]) -> Option<(Box<dyn Query>, Vec<Expansion>)> {
        let mut parts: Vec<(TOccur, Box<dyn Query>)> = vec![];
        let mut expansions = vec![];
        // Runs of plain words (and each phrase) are looked up in the thesaurus.
        let mut i = 0;
        while i < clauses.len() {
            let end = run_end(clauses, i);
            let run = &clauses[i..end];
            let (occur, node) = &run[0];
            let found = if *occur == Occur::MustNot || matches!(node, Node::Group(_)) { vec![] } else { self.thesaurus.expand(&run_words(run)) };
            if *occur == Occur::Must {
                self.required_run(run, &found, &mut parts);
            } else {
                self.optional_run(run, &found, &mut parts);
            }
            expansions.extend(found);
            i = end;
        }
        if let Some(q) = self.proximity(clauses) {
            parts.push((TOccur::Should, q));
        }
        if parts.is_empty() {
            return None;
        }
        if parts.iter().all(|(o, _)| *o == TOccur::MustNot) {
            parts.push((TOccur::Must, Box::new(AllQuery)));
        }
        Some((Box::new(BooleanQuery::new(parts)), expansions))
    }

    /// Required words: each is satisfied by any of its equivalents.
    fn required_run(&self, run: &[(Occur, Node)], found: &[Expansion], parts: &mut Vec<(TOccur, Box<dyn Query>)>) {
        for (k, (_, n)) in run.iter().enumerate() {
            let Some(q) = self.node(n) else { continue };
            let alts = found.iter().find(|e| e.span.0 <= k && k < e.span.0 + e.span.1).and_then(|e| self.alternatives(&e.added));
            let q: Box<dyn Query> = match alts {
                Some(a) => Box::new(BooleanQuery::new(vec![(TOccur::Should, q), (TOccur::Should, Box::new(BoostQuery::new(a, EXPANSION_BOOST)))])),
                None => q,
            };
            parts.push((TOccur::Must, q));
        }
    }

    /// Optional or excluded clauses, and the expansions as optional alternatives.
    fn optional_run(&self, run: &[(Occur, Node)], found: &[Expansion], parts: &mut Vec<(TOccur, Box<dyn Query>)>) {
        for (o, n) in run {
            if let Some(q) = self.node(n) {
                let q = if *o == Occur::MustNot && self.has_phrase(n) { self.materialize(q) } else { q };
                parts.push((to_occur(*o), q));
            }
        }
        for e in found {
            if let Some(a) = self.alternatives(&e.added) {
                parts.push((TOccur::Should, Box::new(BoostQuery::new(a, EXPANSION_BOOST))));
            }
        }
    }

    /// A bonus for the group's plain words standing close together.
    fn proximity(&self, clauses: &[(Occur, Node)]) -> Option<Box<dyn Query>> {
        let words: Vec<String> = clauses
            .iter()
            .filter(|(o, _)| *o != Occur::MustNot)
            .filter_map(|(_, n)| if let Node::Word(w) = n { Some(w.clone()) } else { None })
            .collect();
        if !(2..=8).contains(&words.len()) {
            return None;
        }
        self.text_query(&words, PROXIMITY_SLOP).map(|q| Box::new(BoostQuery::new(q, PROXIMITY_BOOST)) as Box<dyn Query>)
    }

    /// True when the node becomes a phrase query in some field (several tokens).
    fn has_phrase(&self, node: &Node) -> bool {
        match node {
            Node::Word(w) => Analyzer::exact().terms(w).len() > 1,
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
        let ords = super::rank::SortKeys::new(self.searcher);
        let mut terms: Vec<Term> = docs.iter().filter_map(|a| ords.get(a)).map(|ord| Term::from_field_u64(self.open.fields.ord, ord)).collect();
        terms.sort();
        Box::new(tantivy::query::TermSetQuery::new(terms))
    }

    /// Near spellings of the query's words (edit distance 1, or 2 for long
    /// words), for queries whose exact words find little.
    pub fn fuzzy(&self, clauses: &[(Occur, Node)]) -> Option<Box<dyn Query>> {
        let mut words = vec![];
        collect_words(clauses, &mut words);
        let parts: Vec<(TOccur, Box<dyn Query>)> = Analyzer::exact()
            .terms(&words.join(" "))
            .into_iter()
            .filter(|w| w.chars().count() >= 4 && !w.chars().any(crate::text::lang::is_cjk))
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

pub fn any_of(field: Field, values: &[String]) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        values.iter().map(|v| (TOccur::Should, Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)) as Box<dyn Query>)).collect(),
    ))
}

