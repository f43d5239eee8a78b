//! The language of every live passage, read once per open index from the
//! `language` field's postings, and per-language counts of the passages that
//! hold a term: what `stats` needs to score a word by how rare it is among
//! the passages of its own language rather than in the whole corpus.

use std::collections::BTreeMap;

use tantivy::schema::{Field, IndexRecordOption};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Query;
use tantivy::{DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, Term, TERMINATED};

use crate::error::Result;

/// A passage whose language the index does not record.
const UNKNOWN: u16 = 0;
/// A deleted passage (left in a segment by an update).
const DELETED: u16 = u16::MAX;

/// Which language each live passage is in, and how many live passages each
/// language has. Built from the live documents only, so that an updated
/// index gives the same counts as one built from scratch.
#[derive(Debug, Clone, Default)]
pub struct Languages {
    /// Ordinal → language code; ordinal 0 is "unknown" (the empty code).
    codes: Vec<String>,
    /// Per segment, per document: its language's ordinal, or `DELETED`.
    docs: Vec<Arc<[u16]>>,
    /// Ordinal → live passages in that language.
    counts: Vec<u64>,
}

impl Languages {
    /// Reads the languages of the searcher's live passages from `field`
    /// (the raw `language` field: one term per passage).
    pub fn read(searcher: &Searcher, field: Field) -> Result<Languages> {
        let mut codes = vec![String::new()];
        let mut ordinals: BTreeMap<String, u16> = BTreeMap::new();
        let mut docs = Vec::with_capacity(searcher.segment_readers().len());
        for segment in searcher.segment_readers() {
            let mut langs = vec![UNKNOWN; segment.max_doc() as usize];
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().stream().map_err(tantivy::TantivyError::from)?;
            while stream.advance() {
                let code = String::from_utf8_lossy(stream.key()).into_owned();
                let next = u16::try_from(codes.len()).unwrap_or(UNKNOWN).min(DELETED - 1);
                let ordinal = *ordinals.entry(code.clone()).or_insert_with(|| {
                    codes.push(code);
                    next
                });
                let mut postings = inverted.read_postings_from_terminfo(stream.value(), IndexRecordOption::Basic).map_err(tantivy::TantivyError::from)?;
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    langs[doc as usize] = ordinal;
                    doc = postings.advance();
                }
            }
            if let Some(alive) = segment.alive_bitset() {
                for (doc, lang) in langs.iter_mut().enumerate() {
                    if !alive.is_alive(doc as u32) {
                        *lang = DELETED;
                    }
                }
            }
            docs.push(Arc::from(langs));
        }
        let mut counts = vec![0u64; codes.len()];
        for lang in docs.iter().flat_map(|d: &Arc<[u16]>| d.iter()).filter(|l| **l != DELETED) {
            counts[usize::from(*lang)] += 1;
        }
        Ok(Languages { codes, docs, counts })
    }

    /// How many languages have live passages.
    pub fn present(&self) -> usize {
        self.counts.iter().filter(|c| **c > 0).count()
    }

    /// Live passages whose language, mapped by `group`, is `code`
    /// (`group` folds codes that share a stemmed field, such as `no` and `nb`).
    pub fn passages_in(&self, code: &str, group: impl Fn(&str) -> &str) -> u64 {
        self.codes.iter().zip(&self.counts).filter(|(c, _)| group(c) == code).map(|(_, n)| *n).sum()
    }

    /// For a term, the live passages holding it in each language, paired
    /// with that language's live passages: `(n_L, N_L)` for every language
    /// where `n_L > 0`. Reads the term's postings once.
    pub fn spread(&self, searcher: &Searcher, term: &Term) -> Result<Vec<(u64, u64)>> {
        let mut held = vec![0u64; self.codes.len()];
        for (segment, langs) in searcher.segment_readers().iter().zip(&self.docs) {
            let inverted = segment.inverted_index(term.field())?;
            let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic).map_err(tantivy::TantivyError::from)? else { continue };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                match langs.get(doc as usize) {
                    Some(&DELETED) | None => {}
                    Some(&lang) => held[usize::from(lang)] += 1,
                }
                doc = postings.advance();
            }
        }
        Ok(self.paired(held))
    }

    /// Like [`Languages::spread`], for the passages a query matches.
    pub fn matches(&self, searcher: &Searcher, query: &dyn Query) -> Result<Vec<(u64, u64)>> {
        Ok(self.paired(searcher.search(query, &Tally(self))?))
    }

    /// Counts per ordinal paired with the languages' passage counts, where not zero.
    fn paired(&self, held: Vec<u64>) -> Vec<(u64, u64)> {
        held.into_iter().zip(self.counts.iter().copied()).filter(|(n, _)| *n > 0).collect()
    }
}

/// Counts the passages a query matches in each language.
struct Tally<'a>(&'a Languages);

struct SegmentTally {
    langs: Arc<[u16]>,
    held: Vec<u64>,
}

impl Collector for Tally<'_> {
    type Fruit = Vec<u64>;
    type Child = SegmentTally;

    fn for_segment(&self, segment: SegmentOrdinal, _reader: &SegmentReader) -> tantivy::Result<SegmentTally> {
        let langs = self.0.docs.get(segment as usize).cloned().unwrap_or_else(|| Arc::from(Vec::new()));
        Ok(SegmentTally { langs, held: vec![0; self.0.codes.len()] })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<u64>>) -> tantivy::Result<Vec<u64>> {
        let mut total = vec![0u64; self.0.codes.len()];
        for fruit in fruits {
            for (t, n) in total.iter_mut().zip(fruit) {
                *t += n;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentTally {
    type Fruit = Vec<u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        match self.langs.get(doc as usize) {
            Some(&DELETED) | None => {}
            Some(&lang) => self.held[usize::from(lang)] += 1,
        }
    }

    fn harvest(self) -> Vec<u64> {
        self.held
    }
}
