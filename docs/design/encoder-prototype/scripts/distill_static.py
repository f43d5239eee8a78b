#!/usr/bin/env python3
"""Distil all-MiniLM-L6-v2 into a static (model2vec-style) int8 embedding table.

Reproducible: the only inputs are the model files (pinned by sha256) and the
per-token encoder outputs written by `embed vocab` (itself deterministic);
PCA is an exact eigendecomposition with a fixed sign convention, and the
token weights come from the vocabulary rank alone, never from a corpus.

Steps
1. X[t] = last hidden state at t's position in "[CLS] t [SEP]", unit length
   (`embed vocab MODEL_DIR vocab.f32`, deterministic, ~30 s on one core)
2. centre X and project onto its top-D principal components     (PCA, D=256 default)
3. weight each row by a frozen SIF weight  a / (a + p(t)), with p(t) the Zipf
   probability of the token's rank in the (frequency-ordered) BERT vocabulary
   -> frequent tokens ("the", "of", ".") weigh little, rare ones a lot; this is
   the IDF-like part, frozen in the table so a passage's vector never depends
   on the rest of the corpus
4. quantise each row to int8 with its own scale; special / [unused] rows = 0

usage: distill_static.py MODEL_DIR VOCAB_VECTORS.f32 OUT.bin [--dim 256] [--sif 1e-4] [--char-rank 5000]
"""
import argparse
import hashlib
import json
import struct

import numpy as np


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("vectors")
    ap.add_argument("out")
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--sif", type=float, default=1e-4)
    ap.add_argument("--char-rank", type=float, default=5000.0)
    a = ap.parse_args()

    vocab = json.load(open(f"{a.model_dir}/tokenizer.json"))["model"]["vocab"]
    n = len(vocab)
    tokens = [None] * n
    for t, i in vocab.items():
        tokens[i] = t
    x = np.fromfile(a.vectors, dtype="<f4").reshape(n, -1).astype(np.float64)

    # Rows that must not contribute: [PAD] [UNK] [CLS] [SEP] [MASK] and [unusedN].
    dead = np.array([t.startswith("[") and t.endswith("]") for t in tokens])

    # 2. PCA on live rows: exact eigendecomposition of the covariance.
    mean = x[~dead].mean(0)
    xc = x - mean
    cov = xc[~dead].T @ xc[~dead] / (~dead).sum()
    evals, evecs = np.linalg.eigh(cov)
    order = np.argsort(evals)[::-1][: a.dim]
    comps = evecs[:, order]
    # fixed sign convention: the largest-magnitude loading of each component is positive
    signs = np.sign(comps[np.abs(comps).argmax(0), np.arange(comps.shape[1])])
    comps *= signs
    y = xc @ comps
    explained = evals[order].sum() / evals.sum()

    # 3. Frozen SIF weights from the Zipf law over vocabulary rank.
    #    BERT's uncased vocab lists tokens by frequency from id 1996 ("the") on,
    #    so rank = id - 1995 there. Ids below 1996 are specials and single
    #    characters in code-point order: ASCII ones (". , a i s 1 ...") are among
    #    the most frequent tokens (rank 1); other single chars (Greek, CJK, ...)
    #    are treated as mid-frequency (rank --char-rank).
    ids = np.arange(n)
    rank = np.where(ids >= 1996, ids - 1995, 0).astype(np.float64)
    for i in range(1996):
        t = tokens[i]
        rank[i] = 1.0 if (len(t) == 1 and t.isascii()) else a.char_rank
    p = (1.0 / rank) / (1.0 / rank).sum()
    w = a.sif / (a.sif + p)
    y *= w[:, None]
    y[dead] = 0.0

    # 4. int8 per row.
    amax = np.abs(y).max(1)
    scale = np.where(amax > 0, amax / 127.0, 0.0)
    q = np.where(scale[:, None] > 0, np.round(y / np.where(scale > 0, scale, 1)[:, None]), 0)
    q = np.clip(q, -127, 127).astype(np.int8)

    with open(a.out, "wb") as f:
        f.write(b"FSET")
        f.write(struct.pack("<III", 1, n, a.dim))
        f.write(scale.astype("<f4").tobytes())
        f.write(q.tobytes())

    manifest = {
        "table": a.out.split("/")[-1],
        "table_sha256": sha256(a.out),
        "rows": n,
        "dim": a.dim,
        "sif": a.sif,
        "char_rank": a.char_rank,
        "pca_explained_variance": round(float(explained), 4),
        "source_model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)",
        "model_safetensors_sha256": sha256(f"{a.model_dir}/model.safetensors"),
        "tokenizer_json_sha256": sha256(f"{a.model_dir}/tokenizer.json"),
        "vocab_vectors_sha256": sha256(a.vectors),
    }
    json.dump(manifest, open(a.out + ".json", "w"), indent=2)
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
