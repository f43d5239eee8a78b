//! Minimal reader for the safetensors container format.
//!
//! Layout: `u64` little-endian header length N, then N bytes of JSON mapping each
//! tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets are
//! relative to the first byte after the header), then the raw little-endian data.
//! An optional `"__metadata__"` entry holds string->string pairs.
//!
//! We only need F32 (and F16, converted on load) so this is ~80 lines instead of
//! a dependency. The file is memory-mapped; tensors are copied out into `Vec<f32>`
//! once at load (90 MB for MiniLM), which keeps the forward pass free of lifetimes.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

#[derive(Debug)]
pub struct TensorInfo {
    pub dtype: String,
    pub shape: Vec<usize>,
    begin: usize,
    end: usize,
}

pub struct SafeTensors {
    map: memmap2::Mmap,
    data_start: usize,
    pub tensors: HashMap<String, TensorInfo>,
}

impl SafeTensors {
    pub fn open(path: &Path) -> Result<Self, String> {
        let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        // SAFETY: the file is opened read-only and we never hand out references
        // that outlive `self`; a concurrent writer would be a user error.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| e.to_string())?;
        if map.len() < 8 {
            return Err("safetensors: file too short".into());
        }
        let n = u64::from_le_bytes(map[..8].try_into().unwrap()) as usize;
        if 8 + n > map.len() {
            return Err("safetensors: header length past end of file".into());
        }
        let header: serde_json::Value =
            serde_json::from_slice(&map[8..8 + n]).map_err(|e| format!("safetensors header: {e}"))?;
        let obj = header.as_object().ok_or("safetensors: header is not an object")?;
        let data_len = map.len() - 8 - n;
        let mut tensors = HashMap::new();
        for (name, v) in obj {
            if name == "__metadata__" {
                continue;
            }
            let dtype = v["dtype"].as_str().ok_or("dtype")?.to_string();
            let shape = v["shape"]
                .as_array()
                .ok_or("shape")?
                .iter()
                .map(|d| d.as_u64().map(|d| d as usize).ok_or("shape dim"))
                .collect::<Result<Vec<_>, _>>()?;
            let offs = v["data_offsets"].as_array().ok_or("data_offsets")?;
            let begin = offs[0].as_u64().ok_or("offset")? as usize;
            let end = offs[1].as_u64().ok_or("offset")? as usize;
            if begin > end || end > data_len {
                return Err(format!("safetensors: {name}: offsets out of range"));
            }
            tensors.insert(name.clone(), TensorInfo { dtype, shape, begin, end });
        }
        Ok(SafeTensors { map, data_start: 8 + n, tensors })
    }

    /// Copy a tensor out as f32, checking its shape. F16 and BF16 are widened.
    pub fn f32(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
        let t = self.tensors.get(name).ok_or_else(|| format!("missing tensor {name}"))?;
        if t.shape != shape {
            return Err(format!("{name}: shape {:?}, expected {:?}", t.shape, shape));
        }
        let bytes = &self.map[self.data_start + t.begin..self.data_start + t.end];
        let count: usize = shape.iter().product();
        let out: Vec<f32> = match t.dtype.as_str() {
            "F32" => bytes.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect(),
            "F16" => bytes.chunks_exact(2).map(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]]))).collect(),
            "BF16" => bytes
                .chunks_exact(2)
                .map(|b| f32::from_bits((u16::from_le_bytes([b[0], b[1]]) as u32) << 16))
                .collect(),
            other => return Err(format!("{name}: unsupported dtype {other}")),
        };
        if out.len() != count {
            return Err(format!("{name}: {} values, expected {count}", out.len()));
        }
        Ok(out)
    }
}

/// IEEE half -> single, by hand (the `half` crate would do too; it is already in folio's tree).
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
