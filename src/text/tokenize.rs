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
/// The tokens already in `out` are written over, so that a caller that keeps
/// its vector (the index's analyzers, once per field of every passage) reuses
/// their strings instead of allocating one per token.
pub fn split_words(text: &str, out: &mut Vec<Token>) {
    let mut n = 0usize;
    let mut word_start: Option<usize> = None;
    let mut cjk_prev: Option<(usize, char)> = None;
    let mut cjk_run = 0usize;
    let close_word = |out: &mut Vec<Token>, n: &mut usize, start: Option<usize>, end: usize| {
        if let Some(s) = start {
            put(out, n, s, end, |t| push_lowercase(t, &text[s..end]));
        }
    };
    for (i, c) in text.char_indices() {
        if is_cjk(c) {
            close_word(out, &mut n, word_start.take(), i);
            if let Some((pi, pc)) = cjk_prev {
                put(out, &mut n, pi, i + c.len_utf8(), |t| {
                    t.push(pc);
                    t.push(c);
                });
            }
            cjk_prev = Some((i, c));
            cjk_run += 1;
        } else {
            if cjk_run == 1
                && let Some((pi, pc)) = cjk_prev
            {
                put(out, &mut n, pi, pi + pc.len_utf8(), |t| t.push(pc));
            }
            cjk_prev = None;
            cjk_run = 0;
            if c.is_alphanumeric() {
                word_start.get_or_insert(i);
            } else {
                close_word(out, &mut n, word_start.take(), i);
            }
        }
    }
    close_word(out, &mut n, word_start.take(), text.len());
    if cjk_run == 1
        && let Some((pi, pc)) = cjk_prev
    {
        put(out, &mut n, pi, pi + pc.len_utf8(), |t| t.push(pc));
    }
    out.truncate(n);
}

/// Writes token `n` (its position is its index) with the text `fill` gives,
/// into the string of the token already there if any; a token longer than
/// [`MAX_TOKEN_CHARS`] is not kept (its slot is used by the next one).
fn put(out: &mut Vec<Token>, n: &mut usize, from: usize, to: usize, fill: impl FnOnce(&mut String)) {
    if *n == out.len() {
        out.push(Token::default());
    }
    let token = &mut out[*n];
    token.text.clear();
    fill(&mut token.text);
    if token.text.len() <= MAX_TOKEN_CHARS || token.text.chars().count() <= MAX_TOKEN_CHARS {
        token.offset_from = from;
        token.offset_to = to;
        token.position = *n;
        *n += 1;
    }
}

/// Appends the lower case of a word: ASCII in place, anything else through
/// `str::to_lowercase` (which knows, say, the final sigma).
pub(crate) fn push_lowercase(out: &mut String, word: &str) {
    if word.is_ascii() {
        let from = out.len();
        out.push_str(word);
        out[from..].make_ascii_lowercase();
    } else {
        out.push_str(&word.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        split_words(text, &mut out);
        out
    }

    #[test]
    fn a_reused_vector_gives_the_tokens_of_a_fresh_one() {
        let texts = ["ΟΔΟΣ Straße İstanbul UN-GGE 网络主权 x 国", &"a".repeat(70), "Norms, norms and NORMS", ""];
        let mut reused = Vec::new();
        for text in texts.iter().chain(texts.iter().rev()) {
            split_words(text, &mut reused);
            assert_eq!(reused, fresh(text), "{text}");
        }
        let words: Vec<String> = fresh(texts[0]).into_iter().map(|t| t.text).collect();
        // Lower case as str::to_lowercase has it: a final sigma, a dotted i.
        assert_eq!(words[0], "\u{3bf}\u{3b4}\u{3bf}\u{3c2}");
        assert_eq!(words[1..], ["straße", "i\u{307}stanbul", "un", "gge", "网络", "络主", "主权", "x", "国"]);
        assert_eq!(fresh("Norms, norms")[1], Token { offset_from: 7, offset_to: 12, position: 1, text: "norms".into() });
    }
}
