//! Facet counts of a search: how many matching passages hold each value of
//! each facet folio counts (`store::FACETS`), by output name.
//!
//! tantivy's `FacetCollector` turns each counted value's ordinal into its
//! facet with a dictionary lookup that decodes from the start of a block,
//! once per value: a word found in thousands of documents made that a third
//! of a search at a million passages. Here the counted ordinals are turned
//! into facets in one sorted pass over the dictionary. Folio's facets are
//! `/<facet>/<value>` (`store::schema`), so a value's ordinal is its count's
//! slot; a passage is counted once per value.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fastfield::FacetReader;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::store::FACETS;

/// Counts by facet output name, then value (every facet name present).
pub type FacetMap = BTreeMap<String, BTreeMap<String, u64>>;

/// Counts the values of the `facets` field of the matching passages.
pub struct FacetCounter;

pub struct SegmentFacets {
    reader: FacetReader,
    counts: Vec<u64>,
}

impl Collector for FacetCounter {
    type Fruit = FacetMap;
    type Child = SegmentFacets;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let reader = reader.facet_reader("facets")?;
        let counts = vec![0; reader.num_facets()];
        Ok(SegmentFacets { reader, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<std::io::Result<FacetMap>>) -> tantivy::Result<FacetMap> {
        let mut all: FacetMap = FACETS.iter().map(|(_, name)| (name.to_string(), BTreeMap::new())).collect();
        for segment in segments {
            for (name, values) in segment? {
                let counts = all.entry(name).or_default();
                for (value, n) in values {
                    *counts.entry(value).or_default() += n;
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = std::io::Result<FacetMap>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let mut previous = None;
        for ord in self.reader.facet_ords(doc) {
            // A value listed twice for a passage counts once (ordinals come sorted).
            if previous != Some(ord) {
                if let Some(n) = self.counts.get_mut(ord as usize) {
                    *n += 1;
                }
                previous = Some(ord);
            }
        }
    }

    fn harvest(self) -> std::io::Result<FacetMap> {
        let ords: Vec<u64> = self.counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(ord, _)| ord as u64).collect();
        let mut out = FacetMap::new();
        let mut counted = ords.iter().map(|ord| self.counts[*ord as usize]);
        self.reader.facet_dict().sorted_ords_to_term_cb(&ords, |encoded| {
            let n = counted.next().unwrap_or(0);
            if let Some((name, value)) = name_and_value(encoded) {
                *out.entry(name.to_string()).or_default().entry(value).or_default() += n;
            }
        })?;
        Ok(out)
    }
}

/// The output name and value of an encoded facet `/<facet>/<value>` (parts
/// separated by NUL bytes); None for a facet folio does not count.
fn name_and_value(encoded: &[u8]) -> Option<(&'static str, String)> {
    let mut parts = encoded.split(|b| *b == 0);
    let (path, value) = (parts.next()?, parts.next()?);
    let name = FACETS.iter().find(|(p, _)| p.as_bytes() == path)?.1;
    Some((name, String::from_utf8_lossy(value).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_facets_name_their_facet_and_value() {
        assert_eq!(name_and_value(b"doc\0smith2020"), Some(("doc", "smith2020".to_string())));
        assert_eq!(name_and_value(b"lang\0en"), Some(("language", "en".to_string())));
        assert_eq!(name_and_value(b"author\0O/Brien, Ann"), Some(("author", "O/Brien, Ann".to_string())));
        assert_eq!(name_and_value(b"other\0x"), None);
        assert_eq!(name_and_value(b"doc"), None);
    }
}
