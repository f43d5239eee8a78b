//! Reader for the distilled static embedding table (model2vec-style).
//!
//! A passage vector is the average of per-token rows looked up in a frozen
//! table — no transformer at query or index time, and no corpus statistics:
//! each row already carries its token's frozen weight, so a passage's vector
//! depends on the passage alone.
//!
//! File layout (little-endian), written by scripts/distill_static.py:
//! ```text
//! magic  "FSET"            4 bytes
//! version u32 = 1
//! rows   u32               (= tokenizer vocab size)
//! dim    u32
//! scale  f32 × rows        per-row dequantisation scale × token weight
//! data   i8  × rows × dim  row-major
//! ```
//! Row r's vector is `scale[r] * data[r]`. Rows of special tokens are zero.

use crate::ops::l2_normalize;
use crate::wordpiece::WordPiece;

pub struct StaticTable {
    pub rows: usize,
    pub dim: usize,
    scale: Vec<f32>,
    data: Vec<i8>,
}

impl StaticTable {
    pub fn from_bytes(b: &[u8]) -> Result<StaticTable, String> {
        if b.len() < 16 || &b[..4] != b"FSET" {
            return Err("not a static embedding table".into());
        }
        let u = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap()) as usize;
        if u(4) != 1 {
            return Err(format!("unsupported table version {}", u(4)));
        }
        let (rows, dim) = (u(8), u(12));
        let need = 16 + rows * 4 + rows * dim;
        if b.len() != need {
            return Err(format!("table is {} bytes, expected {need}", b.len()));
        }
        let scale = b[16..16 + rows * 4]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let data = b[16 + rows * 4..].iter().map(|&x| x as i8).collect();
        Ok(StaticTable { rows, dim, scale, data })
    }

    /// Mean of the token rows of `text` (WordPiece, no [CLS]/[SEP]), L2-normalised.
    pub fn embed(&self, tok: &WordPiece, text: &str) -> Vec<f32> {
        let ids = tok.encode(text, usize::MAX);
        let mut v = vec![0f32; self.dim];
        for &id in &ids[1..ids.len() - 1] {
            let id = id as usize;
            if id >= self.rows {
                continue;
            }
            let s = self.scale[id];
            for (acc, &q) in v.iter_mut().zip(&self.data[id * self.dim..(id + 1) * self.dim]) {
                *acc += s * q as f32;
            }
        }
        l2_normalize(&mut v);
        v
    }
}
