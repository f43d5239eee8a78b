//! Text -> words: HF `BertNormalizer` followed by `BertPreTokenizer`, with the
//! settings all-MiniLM-L6-v2's tokenizer.json uses:
//! `clean_text: true, handle_chinese_chars: true, strip_accents: null (=> follows
//! lowercase), lowercase: true`.
//!
//! Steps, in HF's order:
//! 1. clean: drop NUL, U+FFFD and control chars; map every whitespace char to ' '.
//! 2. put spaces around each CJK ideograph (so each becomes its own word).
//! 3. strip accents: NFD, then drop nonspacing marks (Mn).
//! 4. lowercase, per char (`char::to_lowercase`, no final-sigma context).
//! 5. pre-tokenize: split on whitespace, and make every punctuation char a
//!    word of its own.

use super::charclass::{is_chinese, is_control, is_nonspacing_mark, is_punctuation, is_whitespace};
use unicode_normalization::UnicodeNormalization;

/// Normalise `text` (steps 1-4).
pub fn normalize(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\0' || c == '\u{FFFD}' || is_control(c) {
            continue;
        }
        if is_whitespace(c) {
            cleaned.push(' ');
        } else if is_chinese(c) {
            cleaned.push(' ');
            cleaned.push(c);
            cleaned.push(' ');
        } else {
            cleaned.push(c);
        }
    }
    // Lowercase char by char, like HF: `str::to_lowercase` would apply the
    // Greek final-sigma rule (word-final Σ -> ς), which HF does not (Σ -> σ).
    cleaned
        .nfd()
        .filter(|&c| !is_nonspacing_mark(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Split normalised text into words (step 5), calling `f` on each.
pub fn pre_tokenize<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    let mut start: Option<usize> = None; // start byte of the current word
    for (i, c) in text.char_indices() {
        if is_whitespace(c) {
            if let Some(s) = start.take() {
                f(&text[s..i]);
            }
        } else if is_punctuation(c) {
            if let Some(s) = start.take() {
                f(&text[s..i]);
            }
            f(&text[i..i + c.len_utf8()]);
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        f(&text[s..]);
    }
}
