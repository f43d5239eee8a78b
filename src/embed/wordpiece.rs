//! Words → token ids: BERT's WordPiece, greedy longest-match-first, as HF
//! `tokenizers` does it for all-MiniLM-L6-v2.
//!
//! For each word, repeatedly take the longest prefix of the remaining chars that
//! is in the vocabulary (continuation pieces carry the `##` prefix); if at some
//! point no prefix matches, the *whole word* becomes `[UNK]`, as does a word of
//! more than `max_input_chars_per_word` (100) chars. The sequence is then
//! wrapped as `[CLS] … [SEP]` and truncated to `max_len` tokens in total.
//!
//! The vocabulary comes from `tokenizer.json` (`model.vocab`) or from a BERT
//! `vocab.txt` (one token per line, id = line number). The shipped model's
//! vocab.txt comes with its tokens' byte order, prepared by `build.rs`
//! ([`SortedVocab`]): a query is tokenized by binary search with no start-up
//! work, and a hash map is built only when many texts are tokenized
//! ([`WordPiece::prepare_for_many`]).

use super::error::{EmbedError, Result};
use super::normalize::{normalize, pre_tokenize};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Tokens borrowed from the binary's own vocab.txt (no 30,000 allocations at
/// start-up) or owned when read from a tokenizer.json. FxHash: the keys are the
/// model's, fixed, and lookups are the hot path of the static model.
type Vocab = HashMap<Cow<'static, str>, u32, rustc_hash::FxBuildHasher>;

/// The map of a vocab.txt: each line's token to its line number.
fn vocab_of_lines(text: &'static str) -> Vocab {
    let mut vocab = Vocab::with_capacity_and_hasher(text.lines().count(), Default::default());
    vocab.extend(text.lines().enumerate().map(|(i, t)| (Cow::Borrowed(t), i as u32)));
    vocab
}

/// A vocab.txt with the offsets of its lines and its line ids in the byte
/// order of their tokens (see `build.rs`).
pub struct SortedVocab {
    pub text: &'static str,
    /// Byte offset of each line.
    pub starts: &'static [u32],
    /// Line ids, sorted by their tokens' bytes.
    pub order: &'static [u32],
}

impl SortedVocab {
    /// The token of line `id`, as `str::lines` gives it.
    fn token(&self, id: u32) -> &'static str {
        let i = id as usize;
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&e| e as usize);
        let line = &self.text[self.starts[i] as usize..end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        line.strip_suffix('\r').unwrap_or(line)
    }

    fn find(&self, piece: &str) -> Option<u32> {
        let at = self.order.binary_search_by(|&id| self.token(id).as_bytes().cmp(piece.as_bytes())).ok()?;
        Some(self.order[at])
    }
}

/// How pieces are looked up.
enum Lookup {
    Map(Vocab),
    /// By binary search until [`WordPiece::prepare_for_many`] builds the map.
    Sorted(SortedVocab, OnceLock<Vocab>),
}

impl Lookup {
    fn get(&self, piece: &str) -> Option<u32> {
        match self {
            Lookup::Map(map) => map.get(piece).copied(),
            Lookup::Sorted(sorted, map) => match map.get() {
                Some(map) => map.get(piece).copied(),
                None => sorted.find(piece),
            },
        }
    }
}

pub struct WordPiece {
    vocab: Lookup,
    size: usize,
    pub unk: u32,
    pub cls: u32,
    pub sep: u32,
    max_chars_per_word: usize,
    /// This tokenizer's number (see [`WordCache`]).
    serial: u64,
}

/// Tokenizers numbered as made, so that a thread's word cache never answers
/// for another vocabulary (an address could be reused, a number is not).
static SERIAL: AtomicU64 = AtomicU64::new(1);

/// Words already split on this thread, with their ids: an index embeds every
/// passage, the same words over and over, and a word of several pieces takes a
/// lookup per candidate prefix. The cached ids are those `word_ids` computes.
#[derive(Default)]
struct WordCache {
    /// The tokenizer whose words are kept (0: none yet).
    serial: u64,
    /// FxHash: the corpus's own words, looked up once per word; never iterated.
    ids: HashMap<String, Box<[u32]>, rustc_hash::FxBuildHasher>,
}

/// Words kept per thread before the cache starts over (memory stays bounded).
const WORD_CACHE_WORDS: usize = 100_000;

thread_local! {
    static WORDS: RefCell<WordCache> = RefCell::new(WordCache::default());
}

impl WordPiece {
    /// The tokenizer described by a HF `tokenizer.json`; anything but an uncased
    /// BERT WordPiece is refused (the normaliser here implements only that).
    pub fn from_tokenizer_json(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| EmbedError::io(path, e))?;
        let bad = |m: String| EmbedError::model(path, m);
        let j: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let model = &j["model"];
        if model["type"] != "WordPiece" || model["continuing_subword_prefix"] != "##" {
            return Err(bad(format!("tokenizer model {} is not a ## WordPiece", model["type"])));
        }
        let norm = &j["normalizer"];
        if norm["type"] != "BertNormalizer" || norm["lowercase"] != true {
            return Err(bad("expected an uncased BertNormalizer".into()));
        }
        let vocab_obj = model["vocab"].as_object().ok_or_else(|| bad("no model.vocab".into()))?;
        let mut vocab = Vocab::with_capacity_and_hasher(vocab_obj.len(), Default::default());
        for (tok, id) in vocab_obj {
            let id = id.as_u64().and_then(|i| u32::try_from(i).ok()).ok_or_else(|| bad(format!("vocab id of {tok}")))?;
            vocab.insert(Cow::Owned(tok.clone()), id);
        }
        let max_chars = model["max_input_chars_per_word"].as_u64().unwrap_or(100) as usize;
        Self::from_vocab(vocab, max_chars).map_err(bad)
    }

    /// The tokenizer of a BERT `vocab.txt` (uncased, 100 chars per word at most).
    pub fn from_vocab_txt(text: &'static str) -> Result<Self, String> {
        Self::from_vocab(vocab_of_lines(text), 100)
    }

    /// The tokenizer of a vocab.txt whose byte order `build.rs` prepared (the
    /// shipped model's): nothing is built until [`WordPiece::prepare_for_many`].
    pub fn from_sorted_vocab(sorted: SortedVocab) -> Result<Self, String> {
        let size = sorted.order.len();
        // Every line has a start and an id in the order: ids are then 0..size.
        if sorted.starts.len() != size || sorted.order.iter().any(|&i| i as usize >= size) || sorted.starts.iter().any(|&s| s as usize > sorted.text.len()) {
            return Err("the vocabulary's byte order does not match vocab.txt (rebuild folio)".into());
        }
        Self::from_lookup(Lookup::Sorted(sorted, OnceLock::new()), size, 100)
    }

    fn from_vocab(vocab: Vocab, max_chars_per_word: usize) -> Result<Self, String> {
        // Ids must be 0..size with no gap, so that every id indexes a table row.
        let size = vocab.len();
        if vocab.values().any(|&i| i as usize >= size) {
            return Err("vocabulary ids are not 0..size".into());
        }
        Self::from_lookup(Lookup::Map(vocab), size, max_chars_per_word)
    }

    fn from_lookup(vocab: Lookup, size: usize, max_chars_per_word: usize) -> Result<Self, String> {
        let get = |t: &str| vocab.get(t).ok_or_else(|| format!("the vocabulary lacks {t}"));
        let (unk, cls, sep) = (get("[UNK]")?, get("[CLS]")?, get("[SEP]")?);
        Ok(WordPiece { vocab, size, unk, cls, sep, max_chars_per_word, serial: SERIAL.fetch_add(1, Ordering::Relaxed) })
    }

    /// Builds the hash map of a sorted vocabulary before many texts are
    /// tokenized (a lookup in it is several times cheaper than a binary
    /// search; building it costs about as much as embedding a thousand words).
    pub fn prepare_for_many(&self) {
        if let Lookup::Sorted(sorted, map) = &self.vocab {
            map.get_or_init(|| vocab_of_lines(sorted.text));
        }
    }

    pub fn vocab_size(&self) -> usize {
        self.size
    }

    /// Append the WordPiece ids of one (already normalised) word to `out`.
    pub fn word_ids(&self, word: &str, out: &mut Vec<u32>) {
        WORDS.with_borrow_mut(|cache| {
            if cache.serial != self.serial {
                cache.ids.clear();
                cache.serial = self.serial;
            }
            if let Some(ids) = cache.ids.get(word) {
                out.extend_from_slice(ids);
                return;
            }
            let before = out.len();
            self.split_word(word, out);
            if cache.ids.len() >= WORD_CACHE_WORDS {
                cache.ids.clear();
            }
            cache.ids.insert(word.to_string(), out[before..].into());
        });
    }

    /// `word_ids` without the cache.
    fn split_word(&self, word: &str, out: &mut Vec<u32>) {
        if word.chars().count() > self.max_chars_per_word {
            out.push(self.unk);
            return;
        }
        let before = out.len();
        let mut piece = String::with_capacity(word.len() + 2);
        let mut start = 0; // byte offset into `word`
        while start < word.len() {
            match self.longest_piece(word, start, &mut piece) {
                Some((id, end)) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(before);
                    out.push(self.unk);
                    return;
                }
            }
        }
    }

    /// The longest vocabulary piece of `word` starting at byte `start`, and where it ends.
    fn longest_piece(&self, word: &str, start: usize, piece: &mut String) -> Option<(u32, usize)> {
        let mut end = word.len();
        while end > start {
            piece.clear();
            if start > 0 {
                piece.push_str("##");
            }
            piece.push_str(&word[start..end]);
            if let Some(id) = self.vocab.get(piece.as_str()) {
                return Some((id, end));
            }
            end -= 1;
            while !word.is_char_boundary(end) {
                end -= 1;
            }
        }
        None
    }

    /// Raw text → `[CLS] pieces… [SEP]`, at most `max_len` ids (never fewer than 2).
    pub fn encode(&self, text: &str, max_len: usize) -> Vec<u32> {
        let norm = normalize(text);
        let mut ids = vec![self.cls];
        pre_tokenize(&norm, |w| {
            if ids.len() < max_len {
                self.word_ids(w, &mut ids)
            }
        });
        ids.truncate(max_len.saturating_sub(1).max(1));
        ids.push(self.sep);
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> WordPiece {
        WordPiece::from_vocab_txt("[PAD]\n[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able\n,\nhello").unwrap()
    }

    #[test]
    fn longest_match_first_and_whole_word_unk() {
        let t = tiny();
        assert_eq!(t.encode("Unaffable, HELLO", usize::MAX), vec![2, 4, 5, 6, 7, 8, 3]);
        assert_eq!(t.encode("unx hello", usize::MAX), vec![2, 1, 8, 3]);
        assert_eq!(t.encode("", usize::MAX), vec![2, 3]);
    }

    #[test]
    fn a_thread_s_word_cache_answers_for_its_own_vocabulary_only() {
        let (a, b) = (tiny(), WordPiece::from_vocab_txt("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nun\n##aff\n##able").unwrap());
        for _ in 0..2 {
            assert_eq!(a.encode("unaffable hello", usize::MAX), vec![2, 4, 5, 6, 8, 3]);
            assert_eq!(b.encode("unaffable hello", usize::MAX), vec![2, 5, 6, 7, 4, 3]);
        }
    }

    #[test]
    fn truncation_keeps_the_separator() {
        let t = tiny();
        assert_eq!(t.encode("hello hello hello hello", 4), vec![2, 8, 8, 3]);
        assert_eq!(t.encode("hello", 0), vec![2, 3]);
    }

    /// A vocab.txt's line starts and byte order, as build.rs makes them.
    fn sorted(text: &'static str) -> SortedVocab {
        let lines: Vec<&str> = text.lines().collect();
        let starts: Vec<u32> = text.split_inclusive('\n').scan(0, |at, l| Some(std::mem::replace(at, *at + l.len() as u32))).collect();
        let mut order: Vec<u32> = (0..lines.len() as u32).collect();
        order.sort_by_key(|&i| lines[i as usize].as_bytes());
        SortedVocab { text, starts: starts.leak(), order: order.leak() }
    }

    #[test]
    fn a_sorted_vocabulary_tokenizes_as_the_map_does_before_and_after_the_map_is_built() {
        let text = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nun\n##aff\n##able\n,\nhello";
        let t = WordPiece::from_sorted_vocab(sorted(text)).unwrap();
        assert_eq!(t.encode("Unaffable, HELLO", usize::MAX), vec![2, 4, 5, 6, 7, 8, 3]);
        assert_eq!(t.encode("unx hello", usize::MAX), vec![2, 1, 8, 3]);
        t.prepare_for_many();
        assert_eq!(t.encode("Unaffable, HELLO", usize::MAX), vec![2, 4, 5, 6, 7, 8, 3]);
        assert_eq!(t.encode("unx hello", usize::MAX), vec![2, 1, 8, 3]);
        // The words above now come from the thread's word cache: the map itself, uncached.
        let mut ids = vec![];
        for w in ["unaffable", ",", "hello", "unx"] {
            t.split_word(w, &mut ids);
        }
        assert_eq!(ids, vec![4, 5, 6, 7, 8, 1]);
        assert!(WordPiece::from_sorted_vocab(SortedVocab { text, starts: &[0], order: &[0] }).is_err(), "a line without an id");
    }

    #[test]
    fn the_shipped_byte_order_finds_every_token_at_its_line() {
        let shipped = crate::embed::static_vocab();
        for (id, token) in shipped.text.lines().enumerate() {
            assert_eq!(shipped.find(token), Some(id as u32), "{token}");
        }
        assert_eq!(shipped.find("##zzzzqq"), None);
        let sample = "The Security Council's cyber-norms (2015) and Überwachung: naïve 東京 interrupts";
        let map = WordPiece::from_vocab_txt(shipped.text).unwrap();
        assert_eq!(WordPiece::from_sorted_vocab(crate::embed::static_vocab()).unwrap().encode(sample, usize::MAX), map.encode(sample, usize::MAX));
    }

    #[test]
    fn a_vocabulary_without_specials_is_refused() {
        assert!(WordPiece::from_vocab_txt("a\nb").is_err());
    }
}
