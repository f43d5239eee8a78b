//! Words -> token ids: WordPiece, greedy longest-match-first.
//!
//! For each word, repeatedly take the longest prefix of the remaining chars that
//! is in the vocabulary (continuation pieces carry the `##` prefix); if at some
//! point no prefix matches, the *whole word* becomes `[UNK]`, as does a word of
//! more than `max_input_chars_per_word` (100) chars. The sequence is then
//! wrapped as `[CLS] ... [SEP]` and truncated to `max_len` tokens in total.
//!
//! The vocabulary is read from `tokenizer.json` (`model.vocab`), or from a BERT
//! `vocab.txt` (one token per line, id = line number).

use crate::normalize::{normalize, pre_tokenize};
use std::collections::HashMap;
use std::path::Path;

pub struct WordPiece {
    vocab: HashMap<String, u32>,
    pub id_to_token: Vec<String>,
    pub unk: u32,
    pub cls: u32,
    pub sep: u32,
    pub max_chars_per_word: usize,
}

impl WordPiece {
    pub fn from_tokenizer_json(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let j: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        let model = &j["model"];
        if model["type"] != "WordPiece" {
            return Err(format!("tokenizer.json model type {} is not WordPiece", model["type"]));
        }
        if model["continuing_subword_prefix"] != "##" {
            return Err("only the ## continuation prefix is supported".into());
        }
        let norm = &j["normalizer"];
        if norm["type"] != "BertNormalizer" || norm["lowercase"] != true {
            return Err("expected an uncased BertNormalizer".into());
        }
        let vocab_obj = model["vocab"].as_object().ok_or("model.vocab")?;
        let mut vocab = HashMap::with_capacity(vocab_obj.len());
        for (tok, id) in vocab_obj {
            vocab.insert(tok.clone(), id.as_u64().ok_or("vocab id")? as u32);
        }
        let max_chars = model["max_input_chars_per_word"].as_u64().unwrap_or(100) as usize;
        Self::from_vocab(vocab, max_chars)
    }

    pub fn from_vocab_txt(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let vocab = text.lines().enumerate().map(|(i, t)| (t.to_string(), i as u32)).collect();
        Self::from_vocab(vocab, 100)
    }

    fn from_vocab(vocab: HashMap<String, u32>, max_chars_per_word: usize) -> Result<Self, String> {
        let get = |t: &str| vocab.get(t).copied().ok_or_else(|| format!("vocab lacks {t}"));
        let (unk, cls, sep) = (get("[UNK]")?, get("[CLS]")?, get("[SEP]")?);
        let mut id_to_token = vec![String::new(); vocab.len()];
        for (t, &i) in &vocab {
            id_to_token[i as usize] = t.clone();
        }
        Ok(WordPiece { vocab, id_to_token, unk, cls, sep, max_chars_per_word })
    }

    pub fn vocab_size(&self) -> usize {
        self.id_to_token.len()
    }

    /// Append the WordPiece ids of one (already normalised) word to `out`.
    pub fn word_ids(&self, word: &str, out: &mut Vec<u32>) {
        if word.chars().count() > self.max_chars_per_word {
            out.push(self.unk);
            return;
        }
        let before = out.len();
        let mut piece = String::with_capacity(word.len() + 2);
        let mut start = 0; // byte offset into `word`
        while start < word.len() {
            // Try the longest candidate first, shrinking one char at a time.
            let mut end = word.len();
            let mut found = None;
            while end > start {
                piece.clear();
                if start > 0 {
                    piece.push_str("##");
                }
                piece.push_str(&word[start..end]);
                if let Some(&id) = self.vocab.get(piece.as_str()) {
                    found = Some(id);
                    break;
                }
                // step back to the previous char boundary
                end -= 1;
                while !word.is_char_boundary(end) {
                    end -= 1;
                }
            }
            match found {
                Some(id) => {
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

    /// Full pipeline: raw text -> `[CLS] pieces... [SEP]`, at most `max_len` ids.
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
