//! The static (model2vec-style) embedding model: a frozen table of one int8
//! row per WordPiece token, distilled from all-MiniLM-L6-v2 by
//! `scripts/distill_static.py`, and the passage vector made from it.
//!
//! A passage vector is the sum of its tokens' rows, L2-normalised — no
//! transformer, no corpus statistics: each row already carries its token's
//! frozen weight (frequent tokens weigh little), so a passage's vector depends
//! on the passage alone and incremental and scratch builds agree.
//!
//! File layout (little-endian):
//! ```text
//! magic  "FSET"            4 bytes
//! version u32 = 1
//! rows   u32               (= tokenizer vocabulary size)
//! dim    u32
//! scale  f32 × rows        per-row dequantisation scale × token weight
//! data   i8  × rows × dim  row-major
//! ```
//! Row r's vector is `scale[r] * data[r]`; rows of special tokens are zero.

use super::error::{EmbedError, Result};
use super::ops::l2_normalize;
use super::wordpiece::{SortedVocab, WordPiece};
use super::{Embedder, ModelId};

const HEADER: usize = 16;

/// The table, borrowed from the bytes it was read from (the binary's own, for the shipped model).
pub struct StaticTable<'a> {
    rows: usize,
    dim: usize,
    /// Row scales, read in place (a query reads a few of 30,000).
    scale: &'a [u8],
    data: &'a [u8],
}

impl<'a> StaticTable<'a> {
    pub fn from_bytes(b: &'a [u8]) -> Result<StaticTable<'a>> {
        let bad = |m: String| EmbedError::Table(m);
        if b.len() < HEADER || &b[..4] != b"FSET" {
            return Err(bad("no FSET header".into()));
        }
        let u = |o: usize| u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]) as usize;
        if u(4) != 1 {
            return Err(bad(format!("unsupported table version {}", u(4))));
        }
        let (rows, dim) = (u(8), u(12));
        let need = rows.checked_mul(4 + dim).and_then(|n| n.checked_add(HEADER));
        if need != Some(b.len()) || dim == 0 {
            return Err(bad(format!("{} bytes do not hold {rows} rows of {dim}", b.len())));
        }
        let scale_end = HEADER + rows * 4;
        Ok(StaticTable { rows, dim, scale: &b[HEADER..scale_end], data: &b[scale_end..] })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Sum of the rows of `ids` (ids past the table are skipped), L2-normalised.
    pub fn pool(&self, ids: &[u32]) -> Vec<f32> {
        let mut v = vec![0f32; self.dim];
        for &id in ids {
            let id = id as usize;
            if id >= self.rows {
                continue;
            }
            let c = &self.scale[id * 4..id * 4 + 4];
            let s = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            for (acc, &q) in v.iter_mut().zip(&self.data[id * self.dim..(id + 1) * self.dim]) {
                *acc += s * f32::from(q as i8);
            }
        }
        l2_normalize(&mut v);
        v
    }
}

/// A static table with its tokenizer: an [`Embedder`] that costs microseconds per passage.
pub struct StaticModel {
    id: ModelId,
    tokenizer: WordPiece,
    table: StaticTable<'static>,
}

impl StaticModel {
    /// A model from a table and the BERT `vocab.txt` its rows follow (with its byte order).
    pub fn new(name: &str, sha256: &str, table: &'static [u8], vocab: SortedVocab) -> Result<StaticModel> {
        let table = StaticTable::from_bytes(table)?;
        let tokenizer = WordPiece::from_sorted_vocab(vocab).map_err(EmbedError::Table)?;
        if tokenizer.vocab_size() != table.rows() {
            return Err(EmbedError::Table(format!("{} rows for {} vocabulary tokens", table.rows(), tokenizer.vocab_size())));
        }
        let id = ModelId { name: name.to_string(), sha256: sha256.to_string(), dim: table.dim() };
        Ok(StaticModel { id, tokenizer, table })
    }

    /// The WordPiece tokenizer of the table's vocabulary (the encoder's, read from vocab.txt).
    pub fn tokenizer(&self) -> &WordPiece {
        &self.tokenizer
    }
}

impl Embedder for StaticModel {
    fn id(&self) -> &ModelId {
        &self.id
    }

    fn embed(&self, text: &str) -> Vec<f32> {
        let ids = self.tokenizer.encode(text, usize::MAX);
        // [CLS] and [SEP] are in every text: they carry no meaning (and their rows are zero).
        self.table.pool(&ids[1..ids.len() - 1])
    }

    /// Large batches on rayon's threads (each text's vector is computed alone,
    /// so the bits do not depend on the thread count).
    fn embed_batch(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        use rayon::prelude::*;
        if texts.len() >= 64 {
            self.prepare_for_many();
        }
        if texts.len() < 256 {
            return texts.iter().map(|t| self.embed(t)).collect();
        }
        texts.par_iter().map(|t| self.embed(t)).collect()
    }

    fn prepare_for_many(&self) {
        self.tokenizer.prepare_for_many();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: u32, dim: u32, scale: &[f32], data: &[i8]) -> Vec<u8> {
        let mut b = b"FSET".to_vec();
        for x in [1, rows, dim] {
            b.extend_from_slice(&x.to_le_bytes());
        }
        scale.iter().for_each(|s| b.extend_from_slice(&s.to_le_bytes()));
        b.extend(data.iter().map(|&d| d as u8));
        b
    }

    #[test]
    fn rows_are_scaled_summed_and_normalised() {
        let bytes = table(2, 2, &[1.0, 0.5], &[3, 0, 0, -8]);
        let t = StaticTable::from_bytes(&bytes).unwrap();
        assert_eq!(t.pool(&[0, 1]), vec![0.6, -0.8]);
        assert_eq!(t.pool(&[7]), vec![0.0, 0.0]);
        assert_eq!(t.pool(&[]), vec![0.0, 0.0]);
    }

    #[test]
    fn malformed_tables_are_refused() {
        let good = table(2, 2, &[1.0, 0.5], &[3, 0, 0, -8]);
        assert!(StaticTable::from_bytes(&good[..good.len() - 1]).is_err());
        assert!(StaticTable::from_bytes(&table(u32::MAX, u32::MAX, &[], &[])).is_err());
        assert!(StaticTable::from_bytes(b"FSE").is_err());
        let mut v2 = good.clone();
        v2[4] = 2;
        assert!(StaticTable::from_bytes(&v2).is_err());
    }
}
