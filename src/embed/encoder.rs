//! The sentence encoder: tokenizer + BERT + mean pooling + L2 normalisation,
//! i.e. what sentence-transformers does for all-MiniLM-L6-v2
//! (modules.json: Transformer → Pooling(mean) → Normalize; max_seq_length 256).
//!
//! The model's tokenizer.json sets truncation 128 and fixed padding 128, but
//! sentence-transformers overrides both (truncates at 256, pads per batch with
//! an attention mask). Packed batching in [`super::bert`] needs no padding.
//!
//! Determinism: [`Embedder::embed_batch`] runs one forward pass per text (on
//! rayon's threads), so a text's vector never depends on which texts share its
//! batch or on the number of threads.

use super::bert::{Bert, Config};
use super::error::{EmbedError, Result};
use super::ops::l2_normalize;
use super::safetensors::SafeTensors;
use super::wordpiece::WordPiece;
use super::{Embedder, ModelId};
use rayon::prelude::*;
use std::path::Path;

pub struct Encoder {
    id: ModelId,
    tokenizer: WordPiece,
    bert: Bert,
    /// Tokens per sequence including [CLS] and [SEP] (sentence_bert_config.json).
    max_len: usize,
}

impl Encoder {
    /// Load from a folder holding config.json, model.safetensors, tokenizer.json
    /// (and optionally sentence_bert_config.json for max_seq_length). Checksums
    /// are the caller's business ([`super::installed`] verifies them); `name`
    /// and `sha256` become the [`ModelId`].
    pub fn load(dir: &Path, name: &str, sha256: &str) -> Result<Encoder> {
        let cfg = Config::from_file(&dir.join("config.json"))?;
        let st = SafeTensors::open(&dir.join("model.safetensors"))?;
        let bert = Bert::load(cfg, &st)?;
        let tok_path = dir.join("tokenizer.json");
        let tokenizer = WordPiece::from_tokenizer_json(&tok_path)?;
        if tokenizer.vocab_size() != bert.cfg.vocab_size {
            let m = format!("{} tokens, but the model has {} embeddings", tokenizer.vocab_size(), bert.cfg.vocab_size);
            return Err(EmbedError::model(tok_path, m));
        }
        let max_len = max_seq_length(dir).unwrap_or(256).clamp(2, bert.cfg.max_positions);
        let id = ModelId { name: name.to_string(), sha256: sha256.to_string(), dim: bert.cfg.hidden };
        Ok(Encoder { id, tokenizer, bert, max_len })
    }

    pub fn tokenizer(&self) -> &WordPiece {
        &self.tokenizer
    }

    /// `[CLS] … [SEP]` ids of a text, truncated like sentence-transformers.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text, self.max_len)
    }

    /// Last hidden states of several id sequences packed in one pass:
    /// a `(Σ len × dim)` row-major matrix. Each sequence must come from
    /// [`Encoder::tokenize`] or hold 1..=max_len ids below the vocabulary size.
    pub fn hidden_states(&self, seqs: &[&[u32]]) -> Vec<f32> {
        self.bert.forward(seqs)
    }

    /// The unit vector of one id sequence: mean over every token, [CLS]/[SEP]
    /// included (sentence-transformers averages over the attention mask,
    /// which covers the special tokens too).
    pub fn encode_ids(&self, ids: &[u32]) -> Vec<f32> {
        let h = self.id.dim;
        let hidden = self.bert.forward(&[ids]);
        let mut v = vec![0f32; h];
        for row in hidden.chunks_exact(h) {
            for (acc, x) in v.iter_mut().zip(row) {
                *acc += x;
            }
        }
        let inv = 1.0 / ids.len() as f32;
        v.iter_mut().for_each(|x| *x *= inv);
        l2_normalize(&mut v);
        v
    }
}

impl Encoder {
    /// The raw material of the static table (`scripts/distill_static.py`): for
    /// every vocabulary token t, the last hidden state at t's own position in
    /// "[CLS] t [SEP]", unit length; `vocab_size × dim` f32, row = token id.
    /// Chunks of 512 tokens are packed per forward pass; the chunking is fixed,
    /// so the output is the same on any number of threads.
    pub fn vocabulary_states(&self) -> Vec<f32> {
        let h = self.id.dim;
        let (cls, sep) = (self.tokenizer.cls, self.tokenizer.sep);
        let ids: Vec<[u32; 3]> = (0..self.tokenizer.vocab_size() as u32).map(|t| [cls, t, sep]).collect();
        let chunks: Vec<Vec<f32>> = ids
            .par_chunks(512)
            .map(|chunk| {
                let seqs: Vec<&[u32]> = chunk.iter().map(|s| &s[..]).collect();
                let hidden = self.bert.forward(&seqs);
                let mut out = Vec::with_capacity(chunk.len() * h);
                for row in hidden.chunks_exact(h).skip(1).step_by(3) {
                    let mut v = row.to_vec();
                    l2_normalize(&mut v);
                    out.extend(v);
                }
                out
            })
            .collect();
        chunks.concat()
    }
}

/// `max_seq_length` from sentence_bert_config.json, when the file says so.
fn max_seq_length(dir: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(dir.join("sentence_bert_config.json")).ok()?;
    let j: serde_json::Value = serde_json::from_str(&text).ok()?;
    j["max_seq_length"].as_u64().and_then(|v| usize::try_from(v).ok())
}

impl Embedder for Encoder {
    fn id(&self) -> &ModelId {
        &self.id
    }

    /// Zeros when no token of the text is known (only [CLS]/[SEP]/[UNK]):
    /// the encoder would otherwise give every empty text the same direction.
    fn embed(&self, text: &str) -> Vec<f32> {
        let ids = self.tokenize(text);
        if ids[1..ids.len() - 1].iter().all(|&i| i == self.tokenizer.unk) {
            return vec![0.0; self.id.dim];
        }
        self.encode_ids(&ids)
    }

    /// One forward pass per text on rayon's threads, results in input order.
    fn embed_batch(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        texts.par_iter().map(|t| self.embed(t)).collect()
    }
}
