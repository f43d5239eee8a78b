//! Plain text and Markdown: decoded by the policy in `source::decode`, read
//! as they are.

use super::Extracted;
use crate::model::Warning;
use crate::source::decode;

pub fn extract(bytes: &[u8], rel_path: &str, warnings: &mut Vec<Warning>) -> Option<Extracted> {
    let text = decode(bytes, rel_path, warnings)?;
    Some(Extracted { text, ..Extracted::default() })
}
