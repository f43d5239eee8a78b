//! Ranking details: BM25 with exact live statistics (see `store::stats`),
//! and ties ordered by the passages' sort keys, not by where they sit in the
//! index, so that an updated index ranks ties like one built from scratch.

use tantivy::DocAddress;

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
