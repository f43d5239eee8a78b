//! Stemming with rust-stemmers, per language, and the [`Analyzer`] that
//! tokenizes and stems in one call (the same analysis for indexing, querying,
//! tagging and highlighting).

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use super::lang::is_cjk;
use super::tokenize::{split_words, Token};

/// Bump when tokens change: an index built with another version is rebuilt.
pub const ANALYZER_VERSION: u32 = 2;

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

/// The code under which a language is stemmed and indexed: whatlang says `no`
/// for Norwegian, rust-stemmers has Bokmål (`nb`). The one place that maps it.
pub fn index_lang(lang: &str) -> &str {
    if lang == "no" { "nb" } else { lang }
}

/// The stemmer for a language code, if rust-stemmers has one.
pub fn algorithm_for(lang: &str) -> Option<Algorithm> {
    let lang = index_lang(lang);
    STEMMED_LANGUAGES.iter().find(|(code, _)| *code == lang).map(|(_, a)| *a)
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

/// Stems already computed on this thread, per algorithm. Indexing stems the
/// same words over and over (the tagger per passage and heading, the index's
/// stemmed field again on the writer's thread, Zipf's law within each), and
/// a lookup is several times cheaper than the snowball rules. A cached stem is
/// the one `stem` returns, so the cache changes no token.
#[derive(Default)]
struct StemCaches {
    caches: Vec<StemCache>,
}

struct StemCache {
    algorithm: Algorithm,
    stemmer: Stemmer,
    /// Word → stem. FxHash: short keys from the corpus itself, looked up once
    /// per token (SipHash would cost about what it saves); never iterated.
    stems: FxHashMap<String, String>,
}

/// Words kept per thread and language before the cache starts over, so that
/// memory stays bounded on a long run (about 10 MB at most per language).
const STEM_CACHE_WORDS: usize = 100_000;

thread_local! {
    static STEMS: RefCell<StemCaches> = RefCell::new(StemCaches::default());
}

impl StemCaches {
    fn of(&mut self, algorithm: Algorithm) -> &mut StemCache {
        match self.caches.iter().position(|c| c.algorithm == algorithm) {
            Some(i) => &mut self.caches[i],
            None => {
                self.caches.push(StemCache { algorithm, stemmer: Stemmer::create(algorithm), stems: FxHashMap::default() });
                self.caches.last_mut().expect("just pushed")
            }
        }
    }
}

impl StemCache {
    /// Replaces a lower-cased word by its stem, reusing the word's buffer.
    fn stem_in_place(&mut self, word: &mut String) {
        if let Some(stemmed) = self.stems.get(word.as_str()) {
            word.clear();
            word.push_str(stemmed);
            return;
        }
        let stemmed = stem(&self.stemmer, word);
        if self.stems.len() >= STEM_CACHE_WORDS {
            self.stems.clear();
        }
        self.stems.insert(std::mem::replace(word, stemmed.clone()), stemmed);
    }
}

/// Tokenizes and (when it has an algorithm) stems; `None` means exact words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Analyzer {
    algorithm: Option<Algorithm>,
}

impl Analyzer {
    /// Exact (unstemmed) words.
    pub fn exact() -> Analyzer {
        Analyzer { algorithm: None }
    }

    pub fn new(algorithm: Option<Algorithm>) -> Analyzer {
        Analyzer { algorithm }
    }

    /// The analyzer of a language: stemmed where rust-stemmers can.
    pub fn for_lang(lang: &str) -> Analyzer {
        Analyzer::new(algorithm_for(lang))
    }

    /// Fills `out` with the tokens of `text`.
    pub fn tokens(&self, text: &str, out: &mut Vec<Token>) {
        split_words(text, out);
        self.stem_tokens(out);
    }

    /// Stems tokens that `split_words` gave (what `tokens` does after
    /// splitting), for a caller that has the words already.
    pub fn stem_tokens(&self, tokens: &mut [Token]) {
        if let Some(algorithm) = self.algorithm {
            STEMS.with_borrow_mut(|stems| {
                let cache = stems.of(algorithm);
                for token in tokens.iter_mut() {
                    if !token.text.chars().next().is_some_and(is_cjk) {
                        cache.stem_in_place(&mut token.text);
                    }
                }
            });
        }
    }

    /// The tokens of `text` as plain strings (for queries, tagging and tests).
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        self.tokens(text, &mut tokens);
        tokens.into_iter().map(|t| t.text).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stems_and_bigrams() {
        assert_eq!(Analyzer::for_lang("en").terms("Governments' norms, governing!"), vec!["govern", "norm", "govern"]);
        assert_eq!(Analyzer::for_lang("fr").terms("souverainetés"), vec!["souverainet"]);
        assert_eq!(Analyzer::for_lang("ru").terms("суверенитета"), vec!["суверенитет"]);
        assert_eq!(Analyzer::exact().terms("网络主权 UN"), vec!["网络", "络主", "主权", "un"]);
        assert_eq!(Analyzer::exact().terms("国 x"), vec!["国", "x"]);
        assert_eq!(Analyzer::exact().terms(&"a".repeat(100)), Vec::<String>::new());
        assert_eq!(index_lang("no"), "nb");
    }

    #[test]
    fn cached_stems_are_the_stemmers() {
        let text = "Governments govern; the governed norms of cyber operations, operating and governing again.";
        for lang in ["en", "fr", "de"] {
            let stemmer = Stemmer::create(algorithm_for(lang).unwrap());
            let mut words = vec![];
            split_words(text, &mut words);
            let direct: Vec<String> = words.iter().map(|w| stem(&stemmer, &w.text)).collect();
            // The first call fills the cache, the second reads it.
            assert_eq!(Analyzer::for_lang(lang).terms(text), direct, "{lang}");
            assert_eq!(Analyzer::for_lang(lang).terms(text), direct, "{lang}");
        }
        assert_eq!(Analyzer::for_lang("en").terms("governments")[0], "govern");
    }

    #[test]
    fn greek_never_panics() {
        install_quiet_stemmer_panics();
        let t = Analyzer::for_lang("el");
        for word in ["κυβερνοχώρος", "ΚΥΡΙΑΡΧΙΑ", "ήή", "ά", "εσεισ", "ούσ"] {
            assert_eq!(t.terms(word).len(), 1, "{word}");
        }
    }
}
