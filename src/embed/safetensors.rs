//! Minimal reader of the safetensors container, enough for BERT weights.
//!
//! Layout: `u64` little-endian header length N, then N bytes of JSON mapping each
//! tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets are
//! relative to the first byte after the header), then the raw little-endian data.
//! An optional `"__metadata__"` entry is ignored. F32, F16 and BF16 are read
//! (widened to f32). The file is memory-mapped; tensors are copied out once at
//! load (90 MB for MiniLM), which keeps the forward pass free of lifetimes.

use super::error::{EmbedError, Result};
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

#[derive(Debug)]
struct TensorInfo {
    dtype: String,
    shape: Vec<usize>,
    begin: usize,
    end: usize,
}

pub struct SafeTensors {
    path: PathBuf,
    /// The whole file: a memory map, or bytes in memory (tests).
    map: Box<dyn AsRef<[u8]> + Send + Sync>,
    data_start: usize,
    tensors: HashMap<String, TensorInfo>,
}

impl SafeTensors {
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| EmbedError::io(path, e))?;
        // SAFETY: the file is mapped read-only and the map lives as long as
        // `self`; a concurrent writer of the model file is a user error that
        // can garble numbers but not memory safety of the copies we take.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| EmbedError::io(path, e))?;
        Self::parse(path, Box::new(map))
    }

    /// Read the header of `file` (named `path` in errors).
    fn parse(path: &Path, file: Box<dyn AsRef<[u8]> + Send + Sync>) -> Result<Self> {
        let map = (*file).as_ref();
        let bad = |m: &str| EmbedError::model(path, format!("not a safetensors file: {m}"));
        let head: [u8; 8] = map.get(..8).and_then(|b| b.try_into().ok()).ok_or_else(|| bad("too short"))?;
        let n = usize::try_from(u64::from_le_bytes(head)).map_err(|_| bad("header length"))?;
        let header_end = n.checked_add(8).filter(|&e| e <= map.len()).ok_or_else(|| bad("header past end"))?;
        let header: serde_json::Value = serde_json::from_slice(&map[8..header_end]).map_err(|e| bad(&e.to_string()))?;
        let obj = header.as_object().ok_or_else(|| bad("header is not an object"))?;
        let data_len = map.len() - header_end;
        let mut tensors = HashMap::new();
        for (name, v) in obj.iter().filter(|(name, _)| *name != "__metadata__") {
            let info = tensor_info(v).ok_or_else(|| bad(&format!("entry {name}")))?;
            if info.begin > info.end || info.end > data_len {
                return Err(bad(&format!("{name}: offsets out of range")));
            }
            tensors.insert(name.clone(), info);
        }
        Ok(SafeTensors { path: path.to_path_buf(), map: file, data_start: header_end, tensors })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.tensors.contains_key(name)
    }

    /// Copy a tensor out as f32, checking its shape. F16 and BF16 are widened.
    pub fn f32(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
        let err = |m: String| EmbedError::model(&self.path, m);
        let t = self.tensors.get(name).ok_or_else(|| err(format!("missing tensor {name}")))?;
        if t.shape != shape {
            return Err(err(format!("{name}: shape {:?}, expected {shape:?}", t.shape)));
        }
        let bytes = &(*self.map).as_ref()[self.data_start + t.begin..self.data_start + t.end];
        let out: Vec<f32> = match t.dtype.as_str() {
            "F32" => bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
            "F16" => bytes.chunks_exact(2).map(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]]))).collect(),
            "BF16" => bytes.chunks_exact(2).map(|b| f32::from_bits((u16::from_le_bytes([b[0], b[1]]) as u32) << 16)).collect(),
            other => return Err(err(format!("{name}: unsupported dtype {other}"))),
        };
        let count: usize = shape.iter().product();
        if out.len() != count {
            return Err(err(format!("{name}: {} values, expected {count}", out.len())));
        }
        Ok(out)
    }
}

fn tensor_info(v: &serde_json::Value) -> Option<TensorInfo> {
    let dtype = v["dtype"].as_str()?.to_string();
    let shape = v["shape"].as_array()?.iter().map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok())).collect::<Option<Vec<_>>>()?;
    let offs = v["data_offsets"].as_array()?;
    let begin = usize::try_from(offs.first()?.as_u64()?).ok()?;
    let end = usize::try_from(offs.get(1)?.as_u64()?).ok()?;
    Some(TensorInfo { dtype, shape, begin, end })
}

/// IEEE half → single, by hand (a few lines rather than a dependency).
fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) as u32) << 31;
    let exp = ((h >> 10) & 0x1f) as u32;
    let frac = (h & 0x3ff) as u32;
    let bits = match exp {
        0 if frac == 0 => sign,
        0 => {
            // subnormal: renormalise
            let mut e = 127 - 15 + 1;
            let mut f = frac;
            while f & 0x400 == 0 {
                f <<= 1;
                e -= 1;
            }
            sign | (e << 23) | ((f & 0x3ff) << 13)
        }
        0x1f => sign | 0x7f80_0000 | (frac << 13),
        _ => sign | ((exp + 127 - 15) << 23) | (frac << 13),
    };
    f32::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_widen_exactly() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert!(f16_to_f32(0x7c00).is_infinite());
    }

    #[test]
    fn truncated_and_garbage_files_are_errors_not_panics() {
        let parse = |b: &[u8]| SafeTensors::parse(Path::new("t.safetensors"), Box::new(b.to_vec()));
        let header = br#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#;
        let mut short = (header.len() as u64).to_le_bytes().to_vec();
        short.extend_from_slice(header);
        short.extend_from_slice(&[0; 4]); // 4 data bytes where 8 are promised
        let cases: [&[u8]; 5] = [b"", b"\x05", b"\xff\xff\xff\xff\xff\xff\xff\xff{}", b"\x02\0\0\0\0\0\0\0[]", &short];
        for (i, bytes) in cases.iter().enumerate() {
            assert!(parse(bytes).is_err(), "case {i} accepted");
        }
        short.extend_from_slice(&[0; 4]);
        let st = parse(&short).unwrap();
        assert_eq!(st.f32("a", &[2]).unwrap(), vec![0.0, 0.0]);
        assert!(st.f32("a", &[3]).is_err() && st.f32("b", &[2]).is_err());
    }
}
