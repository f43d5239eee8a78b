//! Text analysis shared by indexing and querying: one tokenizer that splits
//! words in any script, turns Chinese, Japanese and Korean runs into character
//! bigrams, lower-cases, and (per language) stems with rust-stemmers.
//!
//! CJK is indexed as overlapping character bigrams rather than with a
//! dictionary segmenter: bigrams need no model data, are deterministic, work
//! for Chinese, Japanese and Korean alike, and match any word of two or more
//! characters through a phrase of its bigrams — the usual trade-off (more
//! postings, some false positives on unrelated neighbours) is acceptable for
//! passage retrieval.
//!
//! Tokenizers are registered with tantivy under stable names
//! ([`EXACT`] and `folio_<lang>`); changing what they emit changes
//! [`ANALYZER_VERSION`].

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::lang::is_cjk;

/// Bump when tokens change: an index built with another version is rebuilt.
pub const ANALYZER_VERSION: u32 = 1;

/// The unstemmed analyzer: every passage is indexed through it.
pub const EXACT: &str = "folio_exact";

/// Longest token kept, in characters; longer "words" are noise (hashes, base64).
const MAX_TOKEN_CHARS: usize = 64;

/// The languages rust-stemmers stems, by ISO 639-1 code.
pub const STEMMED_LANGUAGES: &[(&str, Algorithm)] = &[
    ("ar", Algorithm::Arabic),
    ("da", Algorithm::Danish),
    ("nl", Algorithm::Dutch),
    ("en", Algorithm::English),
    ("fi", Algorithm::Finnish),
    ("fr", Algorithm::French),
    ("de", Algorithm::German),
    ("el", Algorithm::Greek),
    ("hu", Algorithm::Hungarian),
    ("it", Algorithm::Italian),
    ("nb", Algorithm::Norwegian),
    ("pt", Algorithm::Portuguese),
    ("ro", Algorithm::Romanian),
    ("ru", Algorithm::Russian),
    ("es", Algorithm::Spanish),
    ("sv", Algorithm::Swedish),
    ("ta", Algorithm::Tamil),
    ("tr", Algorithm::Turkish),
];

/// The stemmer for a language code, if rust-stemmers has one.
pub fn algorithm_for(lang: &str) -> Option<Algorithm> {
    let lang = if lang == "no" { "nb" } else { lang };
    STEMMED_LANGUAGES.iter().find(|(code, _)| *code == lang).map(|(_, a)| *a)
}

/// Name of the analyzer registered for a language ([`EXACT`] when unstemmed).
pub fn analyzer_name(lang: &str) -> String {
    match algorithm_for(lang) {
        Some(_) => format!("folio_{}", if lang == "no" { "nb" } else { lang }),
        None => EXACT.to_string(),
    }
}

thread_local! {
    static IN_STEMMER: Cell<bool> = const { Cell::new(false) };
}

/// Installs a panic hook that stays quiet about panics caught inside the
/// stemmer (rust-stemmers panics on some Greek words); others print as usual.
pub fn install_quiet_stemmer_panics() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !IN_STEMMER.with(Cell::get) {
            previous(info);
        }
    }));
}

/// Stems one lower-cased word; a word the stemmer panics on stays as it is.
pub fn stem(stemmer: &Stemmer, word: &str) -> String {
    IN_STEMMER.with(|f| f.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| stemmer.stem(word).into_owned()));
    IN_STEMMER.with(|f| f.set(false));
    result.unwrap_or_else(|_| word.to_string())
}

/// folio's tokenizer; `algorithm` None means no stemming.
#[derive(Clone)]
pub struct FolioTokenizer {
    algorithm: Option<Algorithm>,
    tokens: Vec<Token>,
}

impl FolioTokenizer {
    pub fn new(algorithm: Option<Algorithm>) -> FolioTokenizer {
        FolioTokenizer { algorithm, tokens: Vec::new() }
    }

    pub fn for_lang(lang: &str) -> FolioTokenizer {
        FolioTokenizer::new(algorithm_for(lang))
    }

    /// The tokens of `text` as plain strings (for queries, tagging and tests).
    pub fn terms(&mut self, text: &str) -> Vec<String> {
        let mut stream = self.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }
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
            out.push(Token { offset_from: from, offset_to: to, position, text, position_length: 1 });
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
                && let Some((pi, pc)) = cjk_prev {
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
        && let Some((pi, pc)) = cjk_prev {
            push(out, pi, pi + pc.len_utf8(), pc.to_string());
        }
}

impl Tokenizer for FolioTokenizer {
    type TokenStream<'a> = FolioTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FolioTokenStream<'a> {
        split_words(text, &mut self.tokens);
        if let Some(algorithm) = self.algorithm {
            let stemmer = Stemmer::create(algorithm);
            for token in &mut self.tokens {
                if !token.text.chars().next().is_some_and(is_cjk) {
                    token.text = stem(&stemmer, &token.text);
                }
            }
        }
        FolioTokenStream { tokens: &mut self.tokens, index: 0 }
    }
}

pub struct FolioTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    index: usize,
}

impl TokenStream for FolioTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

/// Registers every folio analyzer with a tantivy index.
pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(EXACT, tantivy::tokenizer::TextAnalyzer::from(FolioTokenizer::new(None)));
    for (code, algorithm) in STEMMED_LANGUAGES {
        manager.register(&format!("folio_{code}"), tantivy::tokenizer::TextAnalyzer::from(FolioTokenizer::new(Some(*algorithm))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stems_and_bigrams() {
        assert_eq!(FolioTokenizer::for_lang("en").terms("Governments' norms, governing!"), vec!["govern", "norm", "govern"]);
        assert_eq!(FolioTokenizer::for_lang("fr").terms("souverainetés"), vec!["souverainet"]);
        assert_eq!(FolioTokenizer::for_lang("ru").terms("суверенитета"), vec!["суверенитет"]);
        assert_eq!(FolioTokenizer::new(None).terms("网络主权 UN"), vec!["网络", "络主", "主权", "un"]);
        assert_eq!(FolioTokenizer::new(None).terms("国 x"), vec!["国", "x"]);
        assert_eq!(FolioTokenizer::new(None).terms(&"a".repeat(100)), Vec::<String>::new());
    }

    #[test]
    fn greek_never_panics() {
        install_quiet_stemmer_panics();
        let mut t = FolioTokenizer::for_lang("el");
        for word in ["κυβερνοχώρος", "ΚΥΡΙΑΡΧΙΑ", "ήή", "ά", "εσεισ", "ούσ"] {
            assert_eq!(t.terms(word).len(), 1, "{word}");
        }
    }
}
