//! Compiling a parsed query into a tantivy query: every word over the exact
//! field and each language's stemmed field (exact words boosted), titles and
//! headings counted a little, thesaurus expansions added as weaker
//! alternatives, a bonus for the words standing close together, and near
//! spellings for queries whose exact words find little. A word in Chinese,
//! Japanese or Korean is a bag of its character bigrams (any of them, more is
//! better), not a phrase: a user's wording rarely matches the text's
//! character for character. A word is also looked for inside the compounds of
//! compounding languages, and a long word split into parts the index holds.
//! The query's *concepts* (each word or phrase with its alternatives) are
//! what `rank::coordinate` counts to favour passages that match them all.

use std::collections::BTreeSet;

use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, EmptyQuery, FuzzyTermQuery, Occur as TOccur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::query::{collect_words, Node, Occur, Scope};
use crate::model::Kind;
use crate::store::OpenIndex;
use crate::text::compound::{grams, is_compounding, part_form, MIN_PART_CHARS};
use crate::text::lang::{is_cjk, script};
use crate::text::Analyzer;
use crate::vocab::thesaurus::{Expansion, Thesaurus};

const EXACT_BOOST: f32 = 1.5;
const STEM_BOOST: f32 = 1.0;
const CONTEXT_BOOST: f32 = 0.4;
const PROXIMITY_BOOST: f32 = 2.0;
const PROXIMITY_SLOP: u32 = 4;
const EXPANSION_BOOST: f32 = 0.5;
/// A word found inside a compound, or a compound found by its parts.
const COMPOUND_BOOST: f32 = 0.5;
/// An alternative written in another script than the query's words (a
/// translation): it finds passages in other languages, below the query's own.
const CROSS_SCRIPT_BOOST: f32 = 0.3;
/// What the alternatives of an expansion other than the best add (of their score).
const ALT_TIE_BREAKER: f32 = 0.1;
/// Words of the same family as a query word (see `derived`).
const DERIVED_BOOST: f32 = 0.3;
/// Shortest stem whose family is searched, in characters.
const MIN_DERIVED_CHARS: usize = 5;
/// A word matched in the document's title (`title:`).
const TITLE_BOOST: f32 = 1.0;
/// Most index terms a prefix stands for (the first in alphabetical order).
pub const MAX_PREFIX_TERMS: usize = 64;
/// Shortest word split into parts, in characters.
const MIN_SPLIT_CHARS: usize = 10;
/// Linking letters between the parts of a compound ("Meinung-s-freiheit").
const LINKS: &[&str] = &["s", "es", "e", "en", "n", "er"];

/// True for a query word written in Chinese, Japanese or Korean characters
/// that the tokenizer cuts into several bigrams: searched as a bag of them.
pub fn is_cjk_bag(word: &str) -> bool {
    let terms = Analyzer::exact().terms(word);
    terms.len() > 1 && terms.iter().any(|t| t.chars().any(is_cjk))
}

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
            Node::Prefix(_) | Node::Scoped(..) | Node::Group(_) => vec![],
        })
        .collect()
}

/// One concept of a query: its words, and what the thesaurus added for them.
pub struct Concept {
    pub words: Box<dyn Query>,
    pub alternatives: Option<Box<dyn Query>>,
}

/// The analyzed forms of a query word per field.
pub struct Analyzed<'a> {
    pub open: &'a OpenIndex,
    pub searcher: &'a tantivy::Searcher,
    pub thesaurus: &'a Thesaurus,
    /// Languages present in the index that have a stemmed field.
    pub langs: Vec<String>,
    /// Only the words as typed (and their stems): no thesaurus, no compounds.
    pub exact: bool,
    /// Set while building concepts: words count where they stand in the
    /// passage, not in its title and headings (which its neighbours share).
    pub body_only: std::cell::Cell<bool>,
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
        self.text_query_as(words, slop, false)
    }

    /// Like `text_query`; with `bag`, the tokens are any-of rather than a phrase.
    fn text_query_as(&self, words: &[String], slop: u32, bag: bool) -> Option<Box<dyn Query>> {
        let text = words.join(" ");
        let build = |field: Field, terms: &[String]| if bag { bag_query(field, &informative(terms)) } else { terms_query(field, terms, slop) };
        let mut should: Vec<(TOccur, Box<dyn Query>)> = vec![];
        for (field, analyzer, boost) in self.fields() {
            let terms = analyzer.terms(&text);
            if let Some(q) = build(field, &terms) {
                should.push((TOccur::Should, Box::new(BoostQuery::new(q, boost))));
            }
        }
        let context_terms = if self.body_only.get() { vec![] } else { Analyzer::exact().terms(&text) };
        if let Some(q) = build(self.open.fields.context, &context_terms) {
            should.push((TOccur::Should, Box::new(BoostQuery::new(q, CONTEXT_BOOST))));
        }
        (!should.is_empty()).then(|| Box::new(BooleanQuery::new(should)) as Box<dyn Query>)
    }

    fn node(&self, node: &Node) -> Option<Box<dyn Query>> {
        match node {
            Node::Word(w) => self.word_query(w),
            Node::Phrase(words) => self.text_query(words, 0),
            Node::Prefix(p) => {
                let context = if self.body_only.get() { None } else { Some((self.open.fields.context, CONTEXT_BOOST)) };
                Some(self.prefix_query(&[Some((self.open.fields.exact, EXACT_BOOST)), context].into_iter().flatten().collect::<Vec<_>>(), p))
            }
            Node::Scoped(scope, inner) => self.scoped(*scope, inner),
            Node::Group(clauses) => self.group(clauses).map(|(q, _)| q),
        }
    }

    /// One word: CJK as a bag of bigrams; elsewhere the word, and (unless
    /// exact) the word inside compounds and the word's parts.
    fn word_query(&self, w: &str) -> Option<Box<dyn Query>> {
        let bag = is_cjk_bag(w);
        let q = self.text_query_as(&[w.to_string()], 0, bag)?;
        if self.exact || bag {
            return Some(q);
        }
        let mut parts = vec![(TOccur::Should, q)];
        parts.extend(self.compound_alternatives(w).into_iter().map(|a| (TOccur::Should, a)));
        parts.extend(self.derived(w).map(|a| (TOccur::Should, a)));
        Some(if parts.len() == 1 { parts.remove(0).1 } else { Box::new(BooleanQuery::new(parts)) })
    }

    /// Words of the same family in each language (the stem less its last
    /// letter as a prefix of the stemmed terms): the stemmer keeps a verb
    /// and its noun apart ("opinar" / "opinión", "выражать" / "выражение").
    fn derived(&self, w: &str) -> Option<Box<dyn Query>> {
        let mut should: Vec<(TOccur, Box<dyn Query>)> = vec![];
        for l in &self.langs {
            let stems = Analyzer::for_lang(l).terms(w);
            let (Some(field), [stem]) = (self.open.fields.stemmed.get(crate::text::index_lang(l)), stems.as_slice()) else { continue };
            let n = stem.chars().count();
            if n < MIN_DERIVED_CHARS {
                continue;
            }
            let prefix: String = stem.chars().take(if n > MIN_DERIVED_CHARS { n - 1 } else { n }).collect();
            let terms: Vec<String> = prefix_terms(self.searcher, *field, &prefix).into_iter().filter(|t| t != stem).collect();
            if let Some(q) = bag_query(*field, &terms) {
                should.push((TOccur::Should, q));
            }
        }
        (!should.is_empty()).then(|| Box::new(BoostQuery::new(Box::new(BooleanQuery::new(should)), DERIVED_BOOST)) as Box<dyn Query>)
    }

    /// The compounding languages of the index.
    fn compounding(&self) -> Vec<&String> {
        self.langs.iter().filter(|l| is_compounding(l)).collect()
    }

    /// The word inside the compounds of passages in compounding languages
    /// (a phrase of its trigrams), and a long word as two parts the index holds.
    fn compound_alternatives(&self, w: &str) -> Vec<Box<dyn Query>> {
        let langs = self.compounding();
        let terms = Analyzer::exact().terms(w);
        if langs.is_empty() || terms.len() != 1 {
            return vec![];
        }
        let word = &terms[0];
        let stems: Vec<String> = langs.iter().flat_map(|l| Analyzer::for_lang(l).terms(word)).collect();
        let mut out: Vec<Box<dyn Query>> = vec![];
        if let Some(part) = part_form(word, &stems) {
            let g = grams(&part);
            if let Some(q) = terms_query(self.open.fields.grams, &g, 0) {
                out.push(Box::new(BoostQuery::new(q, COMPOUND_BOOST)));
            }
        }
        if let Some((head, tail)) = self.split_compound(word) {
            let both = [head, tail].map(|p| (TOccur::Must, self.text_query(&[p], 0).unwrap_or_else(|| Box::new(EmptyQuery))));
            out.push(Box::new(BoostQuery::new(Box::new(BooleanQuery::new(both.into())), COMPOUND_BOOST)));
        }
        out
    }

    /// A long word as two parts that the index holds as words (a linking
    /// letter between them dropped), the most even split first.
    fn split_compound(&self, word: &str) -> Option<(String, String)> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < MIN_SPLIT_CHARS || chars.iter().any(|c| !c.is_alphabetic()) {
            return None;
        }
        let mut best: Option<(usize, String, String)> = None;
        for i in MIN_PART_CHARS - 1..=chars.len() - MIN_PART_CHARS {
            let tail: String = chars[i..].iter().collect();
            if !self.known(&tail) {
                continue;
            }
            let head: String = chars[..i].iter().collect();
            let heads = std::iter::once(head.clone()).chain(LINKS.iter().filter_map(|l| head.strip_suffix(l).map(String::from)));
            if let Some(h) = heads.filter(|h| h.chars().count() >= MIN_PART_CHARS - 1).find(|h| self.known(h)) {
                let balance = h.chars().count().min(tail.chars().count());
                if best.as_ref().is_none_or(|b| balance > b.0) {
                    best = Some((balance, h, tail));
                }
            }
        }
        best.map(|(_, h, t)| (h, t))
    }

    /// True when some passage holds the word, as written or stemmed in a
    /// compounding language.
    fn known(&self, word: &str) -> bool {
        let langs: Vec<String> = self.compounding().into_iter().cloned().collect();
        self.held(word, &langs)
    }

    /// True when some passage holds the word, as written or stemmed in one of `langs`.
    fn held(&self, word: &str, langs: &[String]) -> bool {
        let f = &self.open.fields;
        let has = |field: Field, term: &str| self.searcher.doc_freq(&Term::from_field_text(field, term)).is_ok_and(|n| n > 0);
        has(f.exact, word) || langs.iter().any(|l| f.stemmed.get(crate::text::index_lang(l)).is_some_and(|field| Analyzer::for_lang(l).terms(word).first().is_some_and(|s| has(*field, s))))
    }

    /// The index terms of some fields that start with `prefix`, any of them.
    fn prefix_query(&self, fields: &[(Field, f32)], prefix: &str) -> Box<dyn Query> {
        let mut should: Vec<(TOccur, Box<dyn Query>)> = vec![];
        for (field, boost) in fields {
            let terms = prefix_terms(self.searcher, *field, prefix);
            if let Some(q) = bag_query(*field, &terms) {
                should.push((TOccur::Should, Box::new(BoostQuery::new(q, *boost))));
            }
        }
        if should.is_empty() { Box::new(EmptyQuery) } else { Box::new(BooleanQuery::new(should)) }
    }

    /// A clause searched in the title or in abstracts only.
    fn scoped(&self, scope: Scope, inner: &Node) -> Option<Box<dyn Query>> {
        match scope {
            Scope::Title => {
                let field = self.open.fields.title;
                let q = match inner {
                    Node::Prefix(p) => return Some(self.prefix_query(&[(field, TITLE_BOOST)], p)),
                    Node::Word(w) if is_cjk_bag(w) => bag_query(field, &Analyzer::exact().terms(w)),
                    Node::Word(w) => terms_query(field, &Analyzer::exact().terms(w), 0),
                    Node::Phrase(ws) => terms_query(field, &Analyzer::exact().terms(&ws.join(" ")), 0),
                    Node::Scoped(..) | Node::Group(_) => None,
                }?;
                Some(Box::new(BoostQuery::new(q, TITLE_BOOST)))
            }
            Scope::Abstract => {
                let q = self.node(inner)?;
                let kind = TermQuery::new(Term::from_field_text(self.open.fields.kind, Kind::Abstract.as_str()), IndexRecordOption::Basic);
                Some(Box::new(BooleanQuery::new(vec![(TOccur::Must, q), (TOccur::Must, Box::new(kind))])))
            }
        }
    }

    /// The alternatives of an expansion as one query, scored by the best of
    /// them: a passage that matches five synonyms of one word is no better a
    /// match for it than one that matches one, and summing them let passages
    /// in other languages (the thesaurus is multilingual) outrank the query's own.
    fn alternatives(&self, e: &Expansion) -> Option<Box<dyn Query>> {
        let query_script = script(&e.matched);
        // Translations stand in fully for words the index does not hold;
        // where the query's own words are found, they rank below them.
        let own_found = Analyzer::exact().terms(&e.matched).iter().all(|w| self.held(w, &self.langs));
        let parts: Vec<Box<dyn Query>> = e
            .added
            .iter()
            .filter_map(|a| {
                let words: Vec<String> = a.split_whitespace().map(String::from).collect();
                let boost = if script(a) == query_script || !own_found { 1.0 } else { CROSS_SCRIPT_BOOST };
                self.text_query(&words, 0).map(|q| Box::new(BoostQuery::new(q, boost)) as Box<dyn Query>)
            })
            .collect();
        (!parts.is_empty()).then(|| Box::new(DisjunctionMaxQuery::with_tie_breaker(parts, ALT_TIE_BREAKER)) as Box<dyn Query>)
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
            let found = if self.exact || *occur == Occur::MustNot || !matches!(node, Node::Word(_) | Node::Phrase(_)) { vec![] } else { self.thesaurus.expand(&run_words(run)) };
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

    /// The query's concepts, for coordination: each top-level word, phrase,
    /// prefix or group that is not excluded, with its thesaurus
    /// alternatives; a CJK word counts each of its bigrams.
    pub fn concepts(&self, clauses: &[(Occur, Node)]) -> Vec<Concept> {
        let mut out: Vec<Concept> = vec![];
        self.body_only.set(true);
        let mut i = 0;
        while i < clauses.len() {
            let end = run_end(clauses, i);
            let run = &clauses[i..end];
            let found = if self.exact || run[0].0 == Occur::MustNot || !matches!(run[0].1, Node::Word(_) | Node::Phrase(_)) { vec![] } else { self.thesaurus.expand(&run_words(run)) };
            for (k, (o, n)) in run.iter().enumerate() {
                match n {
                    _ if *o == Occur::MustNot => {}
                    Node::Word(w) if is_cjk_bag(w) => {
                        let unique: BTreeSet<String> = informative(&Analyzer::exact().terms(w)).into_iter().collect();
                        out.extend(unique.iter().filter_map(|t| terms_query(self.open.fields.exact, std::slice::from_ref(t), 0)).map(|q| Concept { words: q, alternatives: None }));
                    }
                    _ => {
                        let Some(q) = self.node(n) else { continue };
                        let alts = found.iter().find(|e| e.span.0 <= k && k < e.span.0 + e.span.1).and_then(|e| self.alternatives(e));
                        out.push(Concept { words: q, alternatives: alts });
                    }
                }
            }
            i = end;
        }
        self.body_only.set(false);
        out
    }

    /// Required words: each is satisfied by any of its equivalents.
    fn required_run(&self, run: &[(Occur, Node)], found: &[Expansion], parts: &mut Vec<(TOccur, Box<dyn Query>)>) {
        for (k, (_, n)) in run.iter().enumerate() {
            let Some(q) = self.node(n) else { continue };
            let alts = found.iter().find(|e| e.span.0 <= k && k < e.span.0 + e.span.1).and_then(|e| self.alternatives(e));
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
            if let Some(a) = self.alternatives(e) {
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
            Node::Prefix(_) => false,
            Node::Scoped(_, inner) => self.has_phrase(inner),
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
        // Scoped words keep to their scope: no near spellings for them.
        let unscoped: Vec<(Occur, Node)> = clauses.iter().filter(|(_, n)| !matches!(n, Node::Scoped(..))).cloned().collect();
        let mut words = vec![];
        collect_words(&unscoped, &mut words);
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

/// The bigrams of a CJK word that carry its meaning: a pair of hiragana
/// alone is grammar (particles, endings: "する", "ます") and is dropped
/// when the word has other pairs.
fn informative(terms: &[String]) -> Vec<String> {
    let kana_only = |t: &String| t.chars().all(|c| ('\u{3040}'..='\u{309F}').contains(&c));
    if terms.iter().all(kana_only) {
        return terms.to_vec();
    }
    terms.iter().filter(|t| !kana_only(t)).cloned().collect()
}

/// Any of the terms (deduplicated), each scored on its own.
fn bag_query(field: Field, terms: &[String]) -> Option<Box<dyn Query>> {
    let unique: BTreeSet<&String> = terms.iter().collect();
    let parts: Vec<(TOccur, Box<dyn Query>)> =
        unique.into_iter().map(|t| (TOccur::Should, Box::new(TermQuery::new(Term::from_field_text(field, t), IndexRecordOption::WithFreqs)) as Box<dyn Query>)).collect();
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next().map(|(_, q)| q),
        _ => Some(Box::new(BooleanQuery::new(parts))),
    }
}

/// The terms of a field starting with `prefix`, over every segment, the
/// first [`MAX_PREFIX_TERMS`] in alphabetical order.
pub fn prefix_terms(searcher: &tantivy::Searcher, field: Field, prefix: &str) -> Vec<String> {
    let mut found = BTreeSet::new();
    for reader in searcher.segment_readers() {
        let Ok(inverted) = reader.inverted_index(field) else { continue };
        let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream() else { continue };
        while stream.advance() && stream.key().starts_with(prefix.as_bytes()) {
            if let Ok(t) = std::str::from_utf8(stream.key()) {
                found.insert(t.to_string());
            }
            if found.len() > MAX_PREFIX_TERMS * 4 {
                break;
            }
        }
    }
    found.into_iter().take(MAX_PREFIX_TERMS).collect()
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

