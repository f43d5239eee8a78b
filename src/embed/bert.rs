//! BERT encoder: weights and forward pass (post-LayerNorm, absolute positions,
//! erf-GELU), as in HF `BertModel` without the pooler.
//!
//! Batching is *packed*: the token rows of all sequences in a call are stacked
//! into one `(total_tokens × hidden)` matrix, so every dense layer is one big
//! matrix product with no padding at all; only self-attention is done per
//! sequence (each sequence attends to itself alone, so no attention mask is
//! needed). Numerically this equals running each sequence on its own.

use super::error::{EmbedError, Result};
use super::ops::{add_layer_norm, gelu_inplace, gemm, layer_norm_row, linear, softmax_rows};
use super::safetensors::SafeTensors;
use std::path::Path;

#[derive(Clone, Debug)]
pub struct Config {
    pub vocab_size: usize,
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub intermediate: usize,
    pub max_positions: usize,
    pub type_vocab: usize,
    pub eps: f32,
}

impl Config {
    /// Read the HF `config.json`; refuse anything the forward pass does not implement.
    pub fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| EmbedError::io(path, e))?;
        let j: serde_json::Value = serde_json::from_str(&text).map_err(|e| EmbedError::model(path, e.to_string()))?;
        let u = |k: &str| {
            j[k].as_u64().and_then(|v| usize::try_from(v).ok()).filter(|&v| v > 0).ok_or_else(|| EmbedError::model(path, format!("no positive {k}")))
        };
        if j["hidden_act"] != "gelu" {
            return Err(EmbedError::model(path, format!("unsupported hidden_act {}", j["hidden_act"])));
        }
        if !j["position_embedding_type"].is_null() && j["position_embedding_type"] != "absolute" {
            return Err(EmbedError::model(path, "only absolute position embeddings are supported"));
        }
        let cfg = Config {
            vocab_size: u("vocab_size")?,
            hidden: u("hidden_size")?,
            layers: u("num_hidden_layers")?,
            heads: u("num_attention_heads")?,
            intermediate: u("intermediate_size")?,
            max_positions: u("max_position_embeddings")?,
            type_vocab: u("type_vocab_size")?,
            eps: j["layer_norm_eps"].as_f64().unwrap_or(1e-12) as f32,
        };
        if !cfg.hidden.is_multiple_of(cfg.heads) {
            return Err(EmbedError::model(path, "hidden_size is not a multiple of num_attention_heads"));
        }
        Ok(cfg)
    }
}

struct Layer {
    qkv_w: Vec<f32>, // (3h × h): query, key, value weights stacked, one GEMM for all three
    qkv_b: Vec<f32>,
    attn_out_w: Vec<f32>,
    attn_out_b: Vec<f32>,
    ln1_g: Vec<f32>,
    ln1_b: Vec<f32>,
    inter_w: Vec<f32>, // (i × h)
    inter_b: Vec<f32>,
    out_w: Vec<f32>, // (h × i)
    out_b: Vec<f32>,
    ln2_g: Vec<f32>,
    ln2_b: Vec<f32>,
}

pub struct Bert {
    pub cfg: Config,
    word_emb: Vec<f32>,
    pos_emb: Vec<f32>,
    type_emb: Vec<f32>,
    emb_ln_g: Vec<f32>,
    emb_ln_b: Vec<f32>,
    layers: Vec<Layer>,
}

impl Bert {
    pub fn load(cfg: Config, st: &SafeTensors) -> Result<Bert> {
        // Some exports prefix every name with "bert."; accept both.
        let prefix = if st.contains("bert.embeddings.word_embeddings.weight") { "bert." } else { "" };
        let t = |name: &str, shape: &[usize]| st.f32(&format!("{prefix}{name}"), shape);
        let (h, i) = (cfg.hidden, cfg.intermediate);
        let mut layers = Vec::with_capacity(cfg.layers);
        for l in 0..cfg.layers {
            let p = format!("encoder.layer.{l}.");
            let mut qkv_w = t(&format!("{p}attention.self.query.weight"), &[h, h])?;
            qkv_w.extend(t(&format!("{p}attention.self.key.weight"), &[h, h])?);
            qkv_w.extend(t(&format!("{p}attention.self.value.weight"), &[h, h])?);
            let mut qkv_b = t(&format!("{p}attention.self.query.bias"), &[h])?;
            qkv_b.extend(t(&format!("{p}attention.self.key.bias"), &[h])?);
            qkv_b.extend(t(&format!("{p}attention.self.value.bias"), &[h])?);
            layers.push(Layer {
                qkv_w,
                qkv_b,
                attn_out_w: t(&format!("{p}attention.output.dense.weight"), &[h, h])?,
                attn_out_b: t(&format!("{p}attention.output.dense.bias"), &[h])?,
                ln1_g: t(&format!("{p}attention.output.LayerNorm.weight"), &[h])?,
                ln1_b: t(&format!("{p}attention.output.LayerNorm.bias"), &[h])?,
                inter_w: t(&format!("{p}intermediate.dense.weight"), &[i, h])?,
                inter_b: t(&format!("{p}intermediate.dense.bias"), &[i])?,
                out_w: t(&format!("{p}output.dense.weight"), &[h, i])?,
                out_b: t(&format!("{p}output.dense.bias"), &[h])?,
                ln2_g: t(&format!("{p}output.LayerNorm.weight"), &[h])?,
                ln2_b: t(&format!("{p}output.LayerNorm.bias"), &[h])?,
            });
        }
        Ok(Bert {
            word_emb: t("embeddings.word_embeddings.weight", &[cfg.vocab_size, h])?,
            pos_emb: t("embeddings.position_embeddings.weight", &[cfg.max_positions, h])?,
            type_emb: t("embeddings.token_type_embeddings.weight", &[cfg.type_vocab, h])?,
            emb_ln_g: t("embeddings.LayerNorm.weight", &[h])?,
            emb_ln_b: t("embeddings.LayerNorm.bias", &[h])?,
            layers,
            cfg,
        })
    }

    /// Last hidden states of several sequences, packed: returns a
    /// `(Σ len × hidden)` row-major matrix, rows in input order.
    /// Each sequence must be non-empty, at most `max_positions` long, with ids
    /// below `vocab_size` (the encoder's tokenizer guarantees all three).
    pub fn forward(&self, seqs: &[&[u32]]) -> Vec<f32> {
        let h = self.cfg.hidden;
        let n: usize = seqs.iter().map(|s| s.len()).sum();

        // Embeddings: word + position + token type 0, then LayerNorm.
        let mut x = vec![0f32; n * h];
        let mut row = 0;
        for s in seqs {
            assert!(!s.is_empty() && s.len() <= self.cfg.max_positions, "sequence length out of range");
            for (pos, &id) in s.iter().enumerate() {
                let out = &mut x[row * h..(row + 1) * h];
                let w = &self.word_emb[id as usize * h..(id as usize + 1) * h];
                let p = &self.pos_emb[pos * h..(pos + 1) * h];
                for j in 0..h {
                    out[j] = w[j] + p[j] + self.type_emb[j];
                }
                layer_norm_row(out, &self.emb_ln_g, &self.emb_ln_b, self.cfg.eps);
                row += 1;
            }
        }

        // Scratch buffers reused by every layer.
        let mut qkv = vec![0f32; n * 3 * h];
        let mut ctx = vec![0f32; n * h];
        let mut attn = vec![0f32; n * h];
        let mut inter = vec![0f32; n * self.cfg.intermediate];
        let mut ffn = vec![0f32; n * h];
        let max_len = seqs.iter().map(|s| s.len()).max().unwrap_or(0);
        let mut scores = vec![0f32; max_len * max_len];

        for layer in &self.layers {
            linear(&x, n, h, &layer.qkv_w, &layer.qkv_b, &mut qkv);
            self.self_attention(seqs, &qkv, &mut ctx, &mut scores);
            linear(&ctx, n, h, &layer.attn_out_w, &layer.attn_out_b, &mut attn);
            add_layer_norm(&mut attn, &x, &layer.ln1_g, &layer.ln1_b, self.cfg.eps);
            linear(&attn, n, h, &layer.inter_w, &layer.inter_b, &mut inter);
            gelu_inplace(&mut inter);
            linear(&inter, n, self.cfg.intermediate, &layer.out_w, &layer.out_b, &mut ffn);
            add_layer_norm(&mut ffn, &attn, &layer.ln2_g, &layer.ln2_b, self.cfg.eps);
            std::mem::swap(&mut x, &mut ffn);
        }
        x
    }

    /// Multi-head self-attention for each packed sequence.
    /// `qkv` rows are `[q (h) | k (h) | v (h)]`; writes the concatenated head
    /// outputs into `ctx` (n × h).
    fn self_attention(&self, seqs: &[&[u32]], qkv: &[f32], ctx: &mut [f32], scores: &mut [f32]) {
        let h = self.cfg.hidden;
        let d = h / self.cfg.heads;
        let scale = 1.0 / (d as f32).sqrt();
        let stride = 3 * h;
        let mut r0 = 0;
        for s in seqs {
            let t = s.len();
            let sc = &mut scores[..t * t];
            for head in 0..self.cfg.heads {
                let q = qkv[r0 * stride + head * d..].as_ptr();
                let k = qkv[r0 * stride + h + head * d..].as_ptr();
                let v = qkv[r0 * stride + 2 * h + head * d..].as_ptr();
                let out = ctx[r0 * h + head * d..].as_mut_ptr();
                // SAFETY: rows r0..r0+t of the (n × 3h) `qkv` and (n × h) `ctx`
                // buffers hold this sequence; head columns stay inside a row.
                unsafe {
                    // scores (t×t) = scale · Q_head (t×d) · K_headᵀ (d×t)
                    gemm(t, d, t, scale, q, stride, 1, k, 1, stride, 0.0, sc.as_mut_ptr(), t, 1);
                }
                softmax_rows(sc, t);
                unsafe {
                    // ctx_head (t×d) = P (t×t) · V_head (t×d)
                    gemm(t, t, d, 1.0, sc.as_ptr(), t, 1, v, stride, 1, 0.0, out, h, 1);
                }
            }
            r0 += t;
        }
    }
}
