//! Decoding policy: a file that is not valid UTF-8 is decoded lossily (each
//! bad byte becomes U+FFFD) with a warning naming the file; a file that looks
//! binary (NUL bytes, mostly control characters) is skipped with a warning.

use crate::model::Warning;

/// Decodes file bytes by the policy in the module docs. `None` means skip.
pub fn decode(bytes: &[u8], rel_path: &str, warnings: &mut Vec<Warning>) -> Option<String> {
    let head = &bytes[..bytes.len().min(8192)];
    let n_control = head.iter().filter(|b| **b < 0x09 || (**b > 0x0D && **b < 0x20 && **b != 0x1B)).count();
    if head.contains(&0) || (head.len() >= 32 && n_control * 10 > head.len()) {
        warnings.push(Warning { path: rel_path.into(), message: "binary file (NUL or control bytes): skipped".into() });
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s.to_string()),
        Err(e) => {
            warnings.push(Warning {
                path: rel_path.into(),
                message: format!(
                    "not valid UTF-8 (first bad byte at offset {}): decoded with U+FFFD replacement characters; convert the file to UTF-8 to keep every character",
                    e.valid_up_to()
                ),
            });
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_policy() {
        let mut w = vec![];
        assert_eq!(decode(b"caf\xe9 ok", "a.txt", &mut w).as_deref(), Some("caf\u{FFFD} ok"));
        assert_eq!(w.len(), 1);
        assert_eq!(decode(b"\x00\x01binary", "b.txt", &mut w), None);
        assert_eq!(decode(b"\xEF\xBB\xBFbom", "c.txt", &mut w).as_deref(), Some("bom"));
    }
}
