//! Sentence encoder = tokenizer + BERT + mean pooling + L2 normalisation,
//! i.e. what sentence-transformers does for all-MiniLM-L6-v2
//! (modules.json: Transformer -> Pooling(mean) -> Normalize; max_seq_length 256).
//!
//! Note: the model's tokenizer.json sets truncation 128 / fixed padding 128,
//! but sentence-transformers overrides both (truncates at 256, pads per batch
//! with an attention mask). Packed batching in [`crate::bert`] needs no padding.

use crate::bert::{Bert, Config};
use crate::ops::l2_normalize;
use crate::safetensors::SafeTensors;
use crate::wordpiece::WordPiece;
use rayon::prelude::*;
use std::path::Path;

pub struct Encoder {
    pub tokenizer: WordPiece,
    pub bert: Bert,
    /// Tokens per sequence including [CLS] and [SEP] (sentence_bert_config.json).
    pub max_len: usize,
    /// Upper bound on tokens packed into one forward call (bounds scratch memory:
    /// ~ tokens × (3h + h + h + i + h) floats plus t² per attention head).
    pub tokens_per_pass: usize,
}

impl Encoder {
    /// Load from a directory holding config.json, model.safetensors, tokenizer.json
    /// (and optionally sentence_bert_config.json for max_seq_length).
    pub fn load(dir: &Path) -> Result<Encoder, String> {
        let cfg = Config::from_file(&dir.join("config.json"))?;
        let st = SafeTensors::open(&dir.join("model.safetensors"))?;
        let bert = Bert::load(cfg, &st)?;
        let tokenizer = WordPiece::from_tokenizer_json(&dir.join("tokenizer.json"))?;
        let max_len = std::fs::read_to_string(dir.join("sentence_bert_config.json"))
            .ok()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
            .and_then(|j| j["max_seq_length"].as_u64())
            .map(|v| v as usize)
            .unwrap_or(256)
            .min(bert.cfg.max_positions);
        Ok(Encoder { tokenizer, bert, max_len, tokens_per_pass: 4096 })
    }

    pub fn dim(&self) -> usize {
        self.bert.cfg.hidden
    }

    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text, self.max_len)
    }

    /// Encode texts on the calling thread. Returns one unit vector per text.
    pub fn encode(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        let ids: Vec<Vec<u32>> = texts.iter().map(|t| self.tokenize(t)).collect();
        self.encode_ids(&ids)
    }

    /// Encode texts using all rayon threads: the batch is cut into contiguous
    /// chunks, each encoded single-threaded (GEMMs stay single-threaded, so
    /// there is no nested parallelism to tune).
    pub fn encode_parallel(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        let threads = rayon::current_num_threads().max(1);
        let chunk = texts.len().div_ceil(threads).clamp(1, 64);
        texts.par_chunks(chunk).flat_map_iter(|c| self.encode(c)).collect()
    }

    /// Encode already tokenised sequences ([CLS] ... [SEP]).
    pub fn encode_ids(&self, ids: &[Vec<u32>]) -> Vec<Vec<f32>> {
        let h = self.dim();
        let mut out = Vec::with_capacity(ids.len());
        let mut start = 0;
        while start < ids.len() {
            // Pack as many sequences as fit in `tokens_per_pass` (at least one).
            let mut end = start + 1;
            let mut tokens = ids[start].len();
            while end < ids.len() && tokens + ids[end].len() <= self.tokens_per_pass {
                tokens += ids[end].len();
                end += 1;
            }
            let seqs: Vec<&[u32]> = ids[start..end].iter().map(|v| v.as_slice()).collect();
            let hidden = self.bert.forward(&seqs);
            // Mean pooling over every token of the sequence, [CLS]/[SEP] included
            // (sentence-transformers averages over the attention mask, which
            // covers the special tokens too).
            let mut row = 0;
            for s in &seqs {
                let mut v = vec![0f32; h];
                for r in row..row + s.len() {
                    for (acc, x) in v.iter_mut().zip(&hidden[r * h..(r + 1) * h]) {
                        *acc += x;
                    }
                }
                let inv = 1.0 / s.len() as f32;
                v.iter_mut().for_each(|x| *x *= inv);
                l2_normalize(&mut v);
                out.push(v);
                row += s.len();
            }
            start = end;
        }
        out
    }
}
