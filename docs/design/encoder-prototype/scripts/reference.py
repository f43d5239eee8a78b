#!/usr/bin/env python3
"""Independent reference for the Rust prototype.

Tokenises with HF's own `tokenizers` library (the ground truth for
tokenizer.json) and runs the BERT forward pass in float64 numpy straight from
model.safetensors, then mean-pools and L2-normalises exactly as
sentence-transformers does for all-MiniLM-L6-v2 (max_seq_length 256).

usage: reference.py MODEL_DIR RUST_OUT.json
  compares token ids and vectors with the JSON written by `embed encode`.
"""
import json
import math
import sys

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer


def load(model_dir):
    tok = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
    tok.no_padding()  # tokenizer.json ships Fixed(128) padding; ST pads per batch
    tok.enable_truncation(256)  # sentence_bert_config.json max_seq_length
    w = {k: v.astype(np.float64) for k, v in load_file(f"{model_dir}/model.safetensors").items()
         if v.dtype != np.int64}
    cfg = json.load(open(f"{model_dir}/config.json"))
    return tok, w, cfg


def layer_norm(x, g, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


_erf = np.vectorize(math.erf)


def forward(ids, w, cfg):
    """Last hidden state (T, H) of one unpadded sequence."""
    eps, nh = cfg["layer_norm_eps"], cfg["num_attention_heads"]
    t = len(ids)
    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][:t]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    h = x.shape[1]
    d = h // nh
    for l in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{l}."
        lin = lambda v, n: v @ w[p + n + ".weight"].T + w[p + n + ".bias"]
        q = lin(x, "attention.self.query").reshape(t, nh, d).transpose(1, 0, 2)
        k = lin(x, "attention.self.key").reshape(t, nh, d).transpose(1, 0, 2)
        v = lin(x, "attention.self.value").reshape(t, nh, d).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(t, h)
        a = layer_norm(lin(ctx, "attention.output.dense") + x,
                       w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        i = lin(a, "intermediate.dense")
        i = 0.5 * i * (1.0 + _erf(i / math.sqrt(2.0)))
        x = layer_norm(lin(i, "output.dense") + a,
                       w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return x


def embed(text, tok, w, cfg):
    ids = tok.encode(text).ids
    v = forward(np.array(ids), w, cfg).mean(0)
    return ids, v / np.linalg.norm(v)


def main():
    model_dir, rust_json = sys.argv[1], sys.argv[2]
    tok, w, cfg = load(model_dir)
    rust = json.load(open(rust_json))
    refs = []
    worst_diff, worst_cos = 0.0, 1.0
    for r in rust:
        ids, v = embed(r["text"], tok, w, cfg)
        refs.append(v)
        same_ids = ids == r["ids"]
        rv = np.array(r["vec"], dtype=np.float64)
        diff = float(np.abs(rv - v).max())
        cos = float(rv @ v / np.linalg.norm(rv))
        worst_diff, worst_cos = max(worst_diff, diff), min(worst_cos, cos)
        print(f"ids {'==' if same_ids else '!='}  max|Δ| {diff:.2e}  cos {cos:.7f}  {r['text'][:60]!r}")
        if not same_ids:
            print("   hf  ", ids)
            print("   rust", r["ids"])
    print(f"worst max|Δ| {worst_diff:.2e}, worst cosine {worst_cos:.7f}")
    for i in range(0, len(refs) - 1, 2):
        print(f"reference cos({i},{i+1}) = {refs[i] @ refs[i+1]:.4f}")


if __name__ == "__main__":
    main()
