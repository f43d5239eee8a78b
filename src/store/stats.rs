//! Statistics for scoring: BM25 totals computed from the live documents,
//! so that an index updated in steps scores exactly like one built at once.

use std::collections::BTreeMap;

use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Index, ReloadPolicy, Term};

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
pub struct ExactStatistics<'a> {
    searcher: &'a tantivy::Searcher,
    totals: BTreeMap<Field, u64>,
}

impl<'a> ExactStatistics<'a> {
    pub fn new(searcher: &'a tantivy::Searcher, fields: &[Field], cached: &BTreeMap<String, u64>) -> Result<Self> {
        let mut totals = BTreeMap::new();
        let schema = searcher.schema();
        for &field in fields {
            if let Some(total) = cached.get(schema.get_field_name(field)) {
                totals.insert(field, *total);
                continue;
            }
            totals.insert(field, live_field_tokens(searcher, field)?);
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

