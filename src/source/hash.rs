//! Content hashes: of document files (what freshness compares), of the
//! corpus's metadata files, and the hex they are written in.

use sha2::{Digest, Sha256};

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of bytes (a table lookup: hashing runs once per file on
/// every freshness check, where `format!` per byte showed up in profiles).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Hash over the metadata files' contents (bib, taxonomy, thesaurus), in order.
pub fn hash_metadata(parts: &[Option<(String, String)>]) -> String {
    let mut metadata = Sha256::new();
    for part in parts {
        metadata.update(part.as_ref().map_or("-", |p| p.1.as_str()).as_bytes());
        metadata.update([0u8]);
    }
    hex(&metadata.finalize())
}
