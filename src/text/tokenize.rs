//! The tokenizer: splits words in any script, turns Chinese, Japanese and
//! Korean runs into character bigrams, and lower-cases.
//!
//! CJK is indexed as overlapping character bigrams rather than with a
//! dictionary segmenter: bigrams need no model data, are deterministic, work
//! for Chinese, Japanese and Korean alike, and match any word of two or more
//! characters through a phrase of its bigrams — the usual trade-off (more
//! postings, some false positives on unrelated neighbours) is acceptable for
//! passage retrieval.

use super::lang::is_cjk;

/// Longest token kept, in characters; longer "words" are noise (hashes, base64).
const MAX_TOKEN_CHARS: usize = 64;

/// One token of a text: its (lower-cased, maybe stemmed) form, where it
/// stands in the text (byte offsets) and its position among the tokens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Token {
    pub offset_from: usize,
    pub offset_to: usize,
    pub position: usize,
    pub text: String,
}

/// Splits text into raw word tokens (byte offsets, CJK bigrams), lower-cased.
pub fn split_words(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let mut position = 0usize;
    let mut word_start: Option<usize> = None;
    let mut cjk_prev: Option<(usize, char)> = None;
    let mut cjk_run = 0usize;
    let mut push = |out: &mut Vec<Token>, from: usize, to: usize, text: String| {
        if text.chars().count() <= MAX_TOKEN_CHARS {
            out.push(Token { offset_from: from, offset_to: to, position, text });
            position += 1;
        }
    };
    let close_word = |out: &mut Vec<Token>, push: &mut dyn FnMut(&mut Vec<Token>, usize, usize, String), start: Option<usize>, end: usize| {
        if let Some(s) = start {
            push(out, s, end, text[s..end].to_lowercase());
        }
    };
    for (i, c) in text.char_indices() {
        if is_cjk(c) {
            close_word(out, &mut push, word_start.take(), i);
            if let Some((pi, pc)) = cjk_prev {
                push(out, pi, i + c.len_utf8(), format!("{pc}{c}"));
            }
            cjk_prev = Some((i, c));
            cjk_run += 1;
        } else {
            if cjk_run == 1
                && let Some((pi, pc)) = cjk_prev
            {
                push(out, pi, pi + pc.len_utf8(), pc.to_string());
            }
            cjk_prev = None;
            cjk_run = 0;
            if c.is_alphanumeric() {
                word_start.get_or_insert(i);
            } else {
                close_word(out, &mut push, word_start.take(), i);
            }
        }
    }
    close_word(out, &mut push, word_start.take(), text.len());
    if cjk_run == 1
        && let Some((pi, pc)) = cjk_prev
    {
        push(out, pi, pi + pc.len_utf8(), pc.to_string());
    }
}
