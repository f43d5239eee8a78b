//! Statistics for scoring: BM25 totals computed from the live documents,
//! so that an index updated in steps scores exactly like one built at once,
//! and per language when the index holds several.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Index, ReloadPolicy, Term};

use super::languages::Languages;
use crate::error::Result;

/// Sum of the field norms of the live documents for one field: BM25's
/// "total tokens", exact even where tantivy's own total counts deleted documents.
pub fn live_field_tokens(searcher: &tantivy::Searcher, field: Field) -> Result<u64> {
    let mut total = 0u64;
    for segment in searcher.segment_readers() {
        let norms = segment.get_fieldnorms_reader(field)?;
        for doc in segment.doc_ids_alive() {
            total += u64::from(norms.fieldnorm(doc));
        }
    }
    Ok(total)
}

/// Sum of the field norms of live documents, per tokenized text field.
pub fn field_tokens(index: &Index) -> Result<BTreeMap<String, u64>> {
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let searcher = reader.searcher();
    let schema = index.schema();
    let mut out = BTreeMap::new();
    for (field, entry) in schema.fields() {
        if !matches!(entry.field_type(), tantivy::schema::FieldType::Str(o) if o.get_indexing_options().is_some_and(|i| i.tokenizer() != "raw")) {
            continue;
        }
        let total = live_field_tokens(&searcher, field)?;
        if total > 0 {
            out.insert(entry.name().to_string(), total);
        }
    }
    Ok(out)
}

/// BM25 statistics computed from the live documents' field norms, not from
/// the totals tantivy carries through merges (which it estimates once
/// documents were deleted). The same documents then give the same scores
/// whether the index was built at once or updated in steps.
///
/// When the index holds passages in several languages, a word is scored by
/// how rare it is among the passages of its own language (see [`Scoping`]).
pub struct ExactStatistics<'a> {
    searcher: &'a tantivy::Searcher,
    totals: BTreeMap<Field, u64>,
    scoping: Option<Scoping<'a>>,
}

/// Per-language document frequencies for an index of several languages.
///
/// Why: in a corpus that is mostly English, a word every Portuguese passage
/// holds ("direito", "de") is in few passages overall, so a global IDF
/// scores it like a rare word and it decides the ranking among Portuguese
/// passages. A stemmed field holds one language's passages only: its terms
/// get the IDF over that language's passages (and its average length over
/// them). A term of a field every language shares (exact words, titles and
/// headings, compound grams) gets the mean, over the passages that hold it,
/// of the IDF in each passage's language: a word of one language is scored
/// within that language, and a word two languages share by how rare it is
/// in each, weighted by where it occurs.
pub struct Scoping<'a> {
    languages: &'a Languages,
    /// Stemmed field → live passages in its language.
    per_language: BTreeMap<Field, u64>,
    /// Fields every language's passages share.
    shared: BTreeSet<Field>,
    /// Effective IDF per term (phrases and proximity ask for a term again).
    cache: Mutex<HashMap<Term, f64>>,
}

impl<'a> Scoping<'a> {
    /// `stemmed` maps each stemmed field to its language code as the
    /// `language` field spells it after `group` (see [`Languages::passages_in`]).
    pub fn new(languages: &'a Languages, stemmed: &[(Field, &str)], group: impl Fn(&str) -> &str + Copy, shared: &[Field]) -> Self {
        let per_language = stemmed.iter().map(|(field, code)| (*field, languages.passages_in(code, group))).collect();
        Scoping { languages, per_language, shared: shared.iter().copied().collect(), cache: Mutex::new(HashMap::new()) }
    }
}

/// Scores are computed against `SCALE` times the passage count, so that the
/// document frequency standing for an effective IDF (tantivy takes whole
/// numbers) is fine-grained: the IDF is kept to about 1/SCALE.
const SCALE: u64 = 1024;

/// BM25's IDF (tantivy's formula).
fn idf(n: f64, total: f64) -> f64 {
    (1.0 + (total - n + 0.5) / (n + 0.5)).ln()
}

/// The document frequency that gives `target` as IDF among `total` documents.
fn equivalent_doc_freq(target: f64, total: u64) -> u64 {
    let x = target.exp() - 1.0;
    let n = (total as f64 + 0.5 - 0.5 * x) / (x + 1.0);
    (n.round().max(0.0) as u64).min(total)
}

impl<'a> ExactStatistics<'a> {
    /// `scoping` is used only when the index holds more than one language.
    pub fn new(searcher: &'a tantivy::Searcher, fields: &[Field], cached: &BTreeMap<String, u64>, scoping: Option<Scoping<'a>>) -> Result<Self> {
        let mut totals = BTreeMap::new();
        let schema = searcher.schema();
        for &field in fields {
            if let Some(total) = cached.get(schema.get_field_name(field)) {
                totals.insert(field, *total);
                continue;
            }
            totals.insert(field, live_field_tokens(searcher, field)?);
        }
        let scoping = scoping.filter(|s| s.languages.present() > 1);
        Ok(ExactStatistics { searcher, totals, scoping })
    }

    /// Live documents containing the term.
    fn live_doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
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

    /// The IDF a term gets with per-language statistics.
    fn scoped_idf(&self, scoping: &Scoping, term: &Term) -> tantivy::Result<f64> {
        if let Some(idf) = scoping.cache.lock().ok().and_then(|c| c.get(term).copied()) {
            return Ok(idf);
        }
        let all = self.searcher.num_docs() as f64;
        let field = term.field();
        let value = if let Some(&in_language) = scoping.per_language.get(&field) {
            idf(self.live_doc_freq(term)? as f64, if in_language > 0 { in_language as f64 } else { all })
        } else if scoping.shared.contains(&field) {
            let spread = scoping.languages.spread(self.searcher, term).map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))?;
            let held: u64 = spread.iter().map(|(n, _)| n).sum();
            if held == 0 { idf(0.0, all) } else { spread.iter().map(|&(n, total)| n as f64 * idf(n as f64, total as f64)).sum::<f64>() / held as f64 }
        } else {
            idf(self.live_doc_freq(term)? as f64, all)
        };
        if let Ok(mut cache) = scoping.cache.lock() {
            cache.insert(term.clone(), value);
        }
        Ok(value)
    }
}

impl tantivy::query::Bm25StatisticsProvider for ExactStatistics<'_> {
    /// With per-language statistics, a stemmed field's total is scaled so
    /// that its average length is over its own language's passages.
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let tokens = match self.totals.get(&field) {
            Some(t) => *t,
            None => self.searcher.total_num_tokens(field)?,
        };
        let Some(scoping) = &self.scoping else { return Ok(tokens) };
        let all = self.searcher.num_docs().max(1);
        let own = scoping.per_language.get(&field).copied().filter(|n| *n > 0).unwrap_or(all);
        Ok((tokens as f64 * SCALE as f64 * all as f64 / own as f64).round() as u64)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        let scale = if self.scoping.is_some() { SCALE } else { 1 };
        Ok(self.searcher.num_docs() * scale)
    }

    /// Documents containing the term among the live ones: segments with
    /// deleted documents (left by updates) are counted by scanning the term's
    /// postings, so that scores equal a fresh build's. With per-language
    /// statistics, the count that gives the term's per-language IDF.
    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        match &self.scoping {
            None => self.live_doc_freq(term),
            Some(scoping) => Ok(equivalent_doc_freq(self.scoped_idf(scoping, term)?, self.searcher.num_docs() * SCALE)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_equivalent_doc_freq_gives_back_the_idf_it_stands_for() {
        for (n, in_language, all) in [(1u64, 28u64, 373u64), (28, 28, 373), (3, 1000, 1100), (100, 100, 1_000_000), (1, 1, 2)] {
            let target = idf(n as f64, in_language as f64);
            let total = all * SCALE;
            let got = idf(equivalent_doc_freq(target, total) as f64, total as f64);
            assert!((got - target).abs() < 2e-3, "n={n} N_L={in_language} N={all}: {got} vs {target}");
        }
        // A word in every passage of its language weighs almost nothing,
        // however rare it is in the whole corpus.
        assert!(idf(28.0, 28.0) < 0.05 && idf(28.0, 373.0) > 2.0);
    }
}
