//! `vectors.bin`: one embedding per passage, beside the tantivy segments of a
//! generation, read through a memory map.
//!
//! Layout (little-endian): the magic `FOLIOVEC`, format version (u32), the
//! dimension (u32), the row count (u64), then four tables of `count` rows in
//! sort-key order (`schema::ord_of`, the order of the index itself): sort
//! keys (u64), text keys (u64, see [`text_key`]), scales (f32), and the
//! components as int8 (`dim` bytes a row; component = byte × scale). A row of
//! zeros is a passage without a vector (a language the model does not read).
//!
//! The bytes depend only on the passages: the same corpus gives the same file
//! whether it was built from scratch or by updates, because a row is a pure
//! function of its passage's text (the cache keyed by text only saves work).
//! The model that made the rows is named in the manifest (`VectorsInfo`), and
//! the file's checksum with it, so the generation's name covers the vectors.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::generation::write_synced;
use crate::embed::ModelId;
use crate::error::{Error, Result};
use crate::source::sha256_hex;

/// The file's name inside a generation folder.
pub const VECTORS: &str = "vectors.bin";
const MAGIC: &[u8; 8] = b"FOLIOVEC";
const FORMAT: u32 = 1;
const HEADER: usize = 8 + 4 + 4 + 8;

/// What the manifest records about a generation's vectors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VectorsInfo {
    pub model: ModelId,
    pub count: usize,
    /// SHA-256 of `vectors.bin`: the manifest, hence the generation name, covers it.
    pub sha256: String,
}

/// One stored row: a passage's quantised vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub ord: u64,
    pub text_key: u64,
    pub scale: f32,
    pub data: Vec<i8>,
}

impl Row {
    /// Quantises a vector to int8 with one scale (largest component → ±127).
    /// Deterministic: the same floats give the same bytes.
    pub fn quantize(ord: u64, text_key: u64, v: &[f32]) -> Row {
        let max = v.iter().fold(0f32, |m, x| if x.is_finite() { m.max(x.abs()) } else { m });
        if max == 0.0 {
            return Row { ord, text_key, scale: 0.0, data: vec![0; v.len()] };
        }
        let scale = max / 127.0;
        let data = v.iter().map(|x| if x.is_finite() { (x / scale).round().clamp(-127.0, 127.0) as i8 } else { 0 }).collect();
        Row { ord, text_key, scale, data }
    }
}

/// The cache key of a passage's vector: its text, and whether the model
/// reads its language (a passage the model does not read gets no vector).
pub fn text_key(text: &str, readable: bool) -> u64 {
    let digest = sha256_hex(format!("{}\0{text}", u8::from(readable)).as_bytes());
    u64::from_str_radix(&digest[..16], 16).unwrap_or(0)
}

/// Whether a model reads text in a language: the models folio knows read
/// English only, unless their name says they are multilingual. Text in
/// other languages gets no vector, so that an English model's noise never
/// ranks it (the lexical side answers for it). Text of unknown language
/// (short lines) is embedded.
pub fn model_reads(model: &ModelId, lang: &str) -> bool {
    model.name.to_lowercase().contains("multilingual") || lang == "en" || lang == crate::text::lang::UNKNOWN
}

/// Writes `vectors.bin` into a build folder; rows must be sorted by `ord`.
pub(super) fn write(dir: &Path, model: &ModelId, rows: &[Row]) -> Result<VectorsInfo> {
    let dim = model.dim;
    let mut bytes = Vec::with_capacity(HEADER + rows.len() * (20 + dim));
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&u32::try_from(dim).unwrap_or(u32::MAX).to_le_bytes());
    bytes.extend_from_slice(&(rows.len() as u64).to_le_bytes());
    rows.iter().for_each(|r| bytes.extend_from_slice(&r.ord.to_le_bytes()));
    rows.iter().for_each(|r| bytes.extend_from_slice(&r.text_key.to_le_bytes()));
    rows.iter().for_each(|r| bytes.extend_from_slice(&r.scale.to_le_bytes()));
    for r in rows {
        if r.data.len() != dim {
            return Err(Error::InvalidArgument(format!("a vector of {} components for a model of {dim}", r.data.len())));
        }
        bytes.extend(r.data.iter().map(|x| x.to_le_bytes()[0]));
    }
    let path = dir.join(VECTORS);
    write_synced(&path, &bytes)?;
    Ok(VectorsInfo { model: model.clone(), count: rows.len(), sha256: sha256_hex(&bytes) })
}

/// A generation's vectors, memory-mapped.
pub struct Vectors {
    map: memmap2::Mmap,
    pub model: ModelId,
    dim: usize,
    count: usize,
}

impl std::fmt::Debug for Vectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vectors({} × {} of {})", self.count, self.dim, self.model.name)
    }
}

impl Vectors {
    /// Opens a generation's vectors as its manifest describes them; an error
    /// when the file is missing or does not match the manifest.
    pub fn open(dir: &Path, info: &VectorsInfo) -> Result<Vectors> {
        let path = dir.join(VECTORS);
        let corrupt = |message: String| Error::IndexCorrupt { path: path.clone(), message: format!("{message}; run `folio index --rebuild`") };
        let file = fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        // SAFETY: generation files are never modified once published (an
        // update writes a new generation), so the mapping stays valid.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(&path, e))?;
        if map.len() < HEADER || &map[..8] != MAGIC || u32_at(&map, 8) != FORMAT {
            return Err(corrupt("not a folio vectors file of this version".into()));
        }
        let dim = u32_at(&map, 12) as usize;
        let count = usize::try_from(u64_at(&map, 16)).unwrap_or(usize::MAX);
        let want = count.checked_mul(20 + dim).and_then(|n| n.checked_add(HEADER));
        if dim != info.model.dim || count != info.count || want != Some(map.len()) {
            return Err(corrupt(format!("{count} vectors of {dim} components where the manifest says {} of {}", info.count, info.model.dim)));
        }
        Ok(Vectors { map, model: info.model.clone(), dim, count })
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn ord(&self, row: usize) -> u64 {
        u64_at(&self.map, HEADER + row * 8)
    }

    pub fn text_key(&self, row: usize) -> u64 {
        u64_at(&self.map, HEADER + self.count * 8 + row * 8)
    }

    fn scale(&self, row: usize) -> f32 {
        f32::from_le_bytes(self.map[HEADER + self.count * 16 + row * 4..][..4].try_into().unwrap_or([0; 4]))
    }

    fn data(&self, row: usize) -> &[u8] {
        let start = HEADER + self.count * 20 + row * self.dim;
        &self.map[start..start + self.dim]
    }

    /// True when the row holds a vector (not a passage the model skipped).
    pub fn has_vector(&self, row: usize) -> bool {
        self.scale(row) != 0.0
    }

    /// The row of a sort key, by binary search.
    pub fn row_of(&self, ord: u64) -> Option<usize> {
        self.row_from(0, ord)
    }

    /// The row of a sort key at or after row `from` (keys come in increasing
    /// order while a segment is scanned: galloping from the last row found
    /// makes the whole scan linear).
    pub fn row_from(&self, from: usize, ord: u64) -> Option<usize> {
        let (mut lo, mut step) = (from, 1);
        while lo + step < self.count && self.ord(lo + step) < ord {
            lo += step;
            step *= 2;
        }
        let (mut lo, mut hi) = (lo, (lo + step + 1).min(self.count));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.ord(mid) < ord { lo = mid + 1 } else { hi = mid }
        }
        (lo < self.count && self.ord(lo) == ord).then_some(lo)
    }

    /// The dot product of a row with a query vector (the cosine, both being
    /// unit vectors up to quantisation). Eight running sums in a fixed order:
    /// the compiler vectorises it, and the result is the same on every run.
    pub fn dot(&self, row: usize, query: &[f32]) -> f32 {
        let data = self.data(row);
        let n = data.len().min(query.len());
        let (data, query) = (&data[..n], &query[..n]);
        let mut lanes = [0f32; 8];
        for (d, q) in data.chunks_exact(8).zip(query.chunks_exact(8)) {
            for k in 0..8 {
                lanes[k] += q[k] * f32::from(d[k] as i8);
            }
        }
        let mut sum: f32 = lanes.iter().sum();
        for (d, q) in data.chunks_exact(8).remainder().iter().zip(query.chunks_exact(8).remainder()) {
            sum += q * f32::from(*d as i8);
        }
        sum * self.scale(row)
    }

    /// A stored row, to carry into the next generation unchanged.
    pub fn row(&self, row: usize) -> Row {
        Row { ord: self.ord(row), text_key: self.text_key(row), scale: self.scale(row), data: self.data(row).iter().map(|&b| b as i8).collect() }
    }

    /// The stored vector of a row, dequantised.
    pub fn vector(&self, row: usize) -> Vec<f32> {
        let scale = self.scale(row);
        self.data(row).iter().map(|&b| f32::from(b as i8) * scale).collect()
    }
}

fn u32_at(map: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(map[at..at + 4].try_into().unwrap_or([0; 4]))
}

fn u64_at(map: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(map[at..at + 8].try_into().unwrap_or([0; 8]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(dim: usize) -> ModelId {
        ModelId { name: "test".into(), sha256: "0".into(), dim }
    }

    #[test]
    fn rows_round_trip_and_are_found_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let rows: Vec<Row> = (0..50u64).map(|i| Row::quantize(i * 3 + 1, i, &[(i as f32).sin(), (i as f32).cos(), 0.0])).collect();
        let info = write(dir.path(), &model(3), &rows).unwrap();
        let v = Vectors::open(dir.path(), &info).unwrap();
        assert_eq!(v.len(), 50);
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(v.row_of(r.ord), Some(i));
            assert_eq!(v.row_from(i.saturating_sub(3), r.ord), Some(i));
            assert_eq!(&v.row(i), r);
        }
        assert_eq!(v.row_of(2), None);
        let d = v.dot(7, &[7f32.sin(), 7f32.cos(), 0.0]);
        assert!((d - 1.0).abs() < 0.02, "{d}");
    }

    #[test]
    fn a_file_that_does_not_match_its_manifest_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let info = write(dir.path(), &model(2), &[Row::quantize(1, 1, &[1.0, 0.0])]).unwrap();
        let wrong = VectorsInfo { count: 2, ..info.clone() };
        assert!(Vectors::open(dir.path(), &wrong).is_err());
        fs::write(dir.path().join(VECTORS), b"FOLIOVEC").unwrap();
        assert!(Vectors::open(dir.path(), &info).is_err());
    }
}
