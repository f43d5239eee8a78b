//! Ranking details: BM25 with exact live statistics (see `store::stats`),
//! coordination (passages matching all of the query's concepts favoured),
//! and ties ordered by the passages' sort keys, not by where they sit in the
//! index, so that an updated index ranks ties like one built from scratch.

use tantivy::query::{EnableScoring, Query};

use super::compile::Concept;
use crate::store::languages::Languages;
use tantivy::{DocAddress, DocSet};

/// The passages' sort keys (`ord` fast field), one column per segment,
/// opened once per search rather than once per document.
pub struct SortKeys(Vec<Option<tantivy::columnar::Column<u64>>>);

impl SortKeys {
    pub fn new(searcher: &tantivy::Searcher) -> SortKeys {
        SortKeys(searcher.segment_readers().iter().map(|r| r.fast_fields().u64("ord").ok()).collect())
    }

    pub fn get(&self, addr: &tantivy::DocAddress) -> Option<u64> {
        self.0.get(addr.segment_ord as usize)?.as_ref()?.first(addr.doc_id)
    }
}

/// Sorts hits by score, equal scores by sort key.
pub fn order_ties(searcher: &tantivy::Searcher, top_docs: Vec<(f32, DocAddress)>) -> Vec<(f32, DocAddress)> {
    let ords = SortKeys::new(searcher);
    let mut keyed: Vec<(f32, u64, DocAddress)> = top_docs.into_iter().map(|(s, a)| (s, ords.get(&a).unwrap_or(u64::MAX), a)).collect();
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    keyed.into_iter().map(|(s, _, a)| (s, a)).collect()
}

/// How much a passage matching only part of the query keeps of its score:
/// a passage that matches a `share` (0–1, weighted by rarity) of the query's
/// concepts has its score multiplied by `COORD_FLOOR + (1 − COORD_FLOOR) × share`.
/// A signal, not a tier: a strong partial match can still outrank a weak
/// complete one, so meaning (the thesaurus, later vectors) can lift a paraphrase.
pub const COORD_FLOOR: f32 = 0.3;

/// The share of a concept's weight a passage gets for matching only what
/// the thesaurus added for it, not its own words.
pub const ALTERNATIVE_CREDIT: f32 = 0.5;

/// Scales each hit's score by the rarity-weighted share of the query's
/// concepts it matches (see [`COORD_FLOOR`]). A concept's weight is its
/// inverse document frequency over the live passages of the languages that
/// hold it (see [`rarity`]), so that "the" or "of" missing costs little and
/// "Paris" missing costs much.
pub fn coordinate(searcher: &tantivy::Searcher, languages: &Languages, concepts: &[Concept], hits: Vec<(f32, DocAddress)>) -> crate::error::Result<Vec<(f32, DocAddress)>> {
    if concepts.len() < 2 || hits.is_empty() {
        return Ok(hits);
    }
    let n = searcher.num_docs().max(1) as f32;
    let mut matched = vec![0f32; hits.len()];
    let mut total = 0f32;
    for concept in concepts {
        let spread = languages.matches(searcher, concept.words.as_ref())?;
        if spread.is_empty() && concept.alternatives.is_none() {
            // A word no passage holds tells no passage from another.
            continue;
        }
        let weight = rarity(&spread, n);
        total += weight;
        let mut credit = vec![0f32; hits.len()];
        if let Some(alternatives) = &concept.alternatives {
            for i in matching_hits(searcher, alternatives.as_ref(), &hits)? {
                credit[i] = ALTERNATIVE_CREDIT;
            }
        }
        for i in matching_hits(searcher, concept.words.as_ref(), &hits)? {
            credit[i] = 1.0;
        }
        for (m, c) in matched.iter_mut().zip(credit) {
            *m += weight * c;
        }
    }
    if total <= 0.0 {
        return Ok(hits);
    }
    Ok(hits.into_iter().zip(matched).map(|((s, a), m)| (s * (COORD_FLOOR + (1.0 - COORD_FLOOR) * (m / total).min(1.0)), a)).collect())
}

/// A concept's weight: the mean, over the passages that match it, of its
/// inverse document frequency among the passages of each one's language. In
/// an index of one language, its IDF over the live passages. A word that
/// every passage of its language holds ("direito" in Portuguese text) weighs
/// little even when that language is a small part of the corpus.
fn rarity(spread: &[(u64, u64)], all: f32) -> f32 {
    let idf = |held: u64, of: f32| (1.0 + of / (held as f32 + 1.0)).ln();
    match spread {
        [] => idf(0, all),
        [(held, of)] => idf(*held, *of as f32),
        _ => {
            let held: u64 = spread.iter().map(|(h, _)| h).sum();
            spread.iter().map(|(h, of)| *h as f32 * idf(*h, *of as f32)).sum::<f32>() / held as f32
        }
    }
}

/// Which of the hits a query matches: its scorer is advanced through each
/// segment's hits in document order.
fn matching_hits(searcher: &tantivy::Searcher, query: &dyn Query, hits: &[(f32, DocAddress)]) -> tantivy::Result<Vec<usize>> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut out = vec![];
    for (segment_ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut here: Vec<usize> = (0..hits.len()).filter(|&i| hits[i].1.segment_ord as usize == segment_ord).collect();
        if here.is_empty() {
            continue;
        }
        here.sort_by_key(|&i| hits[i].1.doc_id);
        let mut scorer = weight.scorer(reader, 1.0)?;
        for i in here {
            let doc = hits[i].1.doc_id;
            let at = if scorer.doc() < doc { scorer.seek(doc) } else { scorer.doc() };
            if at == doc {
                out.push(i);
            }
        }
    }
    Ok(out)
}

/// A hit's publication year (`None` when undated).
pub fn year_of(searcher: &tantivy::Searcher, field: tantivy::schema::Field, addr: &DocAddress) -> Option<i64> {
    let reader = searcher.segment_reader(addr.segment_ord);
    let name = searcher.schema().get_field_name(field);
    reader.fast_fields().i64(name).ok()?.first(addr.doc_id)
}

#[cfg(test)]
mod tests {
    use super::rarity;

    #[test]
    fn a_concept_weighs_by_its_rarity_within_the_languages_that_hold_it() {
        // One language: the IDF over the live passages, as before.
        assert_eq!(rarity(&[(5, 100)], 100.0), (1.0f32 + 100.0 / 6.0).ln());
        // In every Portuguese passage of a mostly English index: light,
        // although only 28 of 373 passages hold it; a rare Portuguese word is not.
        let common = rarity(&[(28, 28)], 373.0);
        let rare = rarity(&[(2, 28)], 373.0);
        assert!(common < 0.7 && rare > 2.0, "{common} {rare}");
        // Two languages: the mean over the passages that hold it.
        let mixed = rarity(&[(28, 28), (2, 300)], 373.0);
        assert!((mixed - (28.0 * common + 2.0 * rarity(&[(2, 300)], 373.0)) / 30.0).abs() < 1e-5, "{mixed}");
    }
}
