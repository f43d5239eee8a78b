#!/usr/bin/env python3
"""Compare the Rust WordPiece tokenizer with HF `tokenizers` on many lines.

usage: check_tokenizer.py MODEL_DIR EMBED_BIN [TEXT_FILE...]
Lines come from the given files plus a deterministic set of random Unicode
strings (mixed scripts, combining marks, controls, CJK, emoji, long words).
"""
import random
import subprocess
import sys
import tempfile

from tokenizers import Tokenizer

model_dir, embed_bin, files = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = []
for f in files:
    lines += [l for l in open(f, encoding="utf-8").read().split("\n")]

rng = random.Random(7)
pools = [
    (0x20, 0x7E), (0xA0, 0x17F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
    (0x590, 0x6FF), (0x900, 0x97F), (0x2000, 0x206F), (0x3000, 0x30FF), (0x4E00, 0x4FFF),
    (0xAC00, 0xAC80), (0xFF00, 0xFFEF), (0x1F300, 0x1F64F), (0x0, 0x1F), (0x80, 0x9F),
    (0xE000, 0xE010), (0x20000, 0x20010), (0x1D400, 0x1D4FF),
]
for _ in range(3000):
    n = rng.randint(1, 60)
    s = []
    for _ in range(n):
        if rng.random() < 0.3:
            s.append(" ")
        lo, hi = rng.choice(pools)
        c = rng.randint(lo, hi)
        if 0xD800 <= c <= 0xDFFF:
            continue
        s.append(chr(c))
    lines.append("".join(s).replace("\n", " ").replace("\r", " "))
lines.append("x" * 150)  # > max_input_chars_per_word
lines.append("supercalifragilisticexpialidocious antidisestablishmentarianism")

tok = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
tok.no_padding()
tok.no_truncation()
with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
    # the Rust side reads with .lines(): keep one logical line per input
    f.write("\n".join(lines))
    path = f.name
out = subprocess.run([embed_bin, "tokenize", model_dir, path], capture_output=True, text=True, check=True).stdout
rust = out.split("\n")[: len(lines)]
bad = 0
for line, r in zip(lines, rust):
    hf = tok.encode(line).ids
    if " ".join(map(str, hf)) != r:
        bad += 1
        if bad <= 5:
            print("  toks", tok.encode(line).tokens)
            print("MISMATCH", repr(line[:80]))
            print("  hf  ", hf[:40])
            print("  rust", r.split()[:40])
print(f"{len(lines) - bad} of {len(lines)} lines tokenised identically")
