#!/usr/bin/env python3
"""Ground truth from sentence-transformers itself (needs torch; offline).

usage: PYTHONPATH=<site with sentence-transformers> st_reference.py MODEL_DIR RUST_OUT.json
Compares the vectors written by `embed encode` with SentenceTransformer.encode.
"""
import json
import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
import numpy as np
from sentence_transformers import SentenceTransformer

model_dir, rust_json = sys.argv[1], sys.argv[2]
model = SentenceTransformer(model_dir, device="cpu")
rust = json.load(open(rust_json))
ref = model.encode([r["text"] for r in rust], normalize_embeddings=True, convert_to_numpy=True)
worst = 0.0
for r, v in zip(rust, ref):
    rv = np.array(r["vec"], dtype=np.float32)
    ids = model.tokenizer(r["text"], truncation=True, max_length=model.max_seq_length)["input_ids"]
    d = float(np.abs(rv - v).max())
    worst = max(worst, d)
    print(f"ids {'==' if ids == r['ids'] else '!='} max|Δ| {d:.2e} cos {float(rv @ v):.7f} {r['text'][:50]!r}")
print(f"worst max|Δ| {worst:.2e}; max_seq_length {model.max_seq_length}")
print("ST cos(0,1) =", float(ref[0] @ ref[1]))
