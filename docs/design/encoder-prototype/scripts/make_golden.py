#!/usr/bin/env python3
"""Write tests/golden_tokens.jsonl: {"text", "ids"} pairs from HF `tokenizers`
(ground truth) for the Rust tokenizer test. Lines: edge cases, the given text
files' paragraphs, and deterministic random Unicode strings.

usage: make_golden.py MODEL_DIR OUT.jsonl [TEXT_FILE...]
"""
import json
import random
import sys

from tokenizers import Tokenizer

model_dir, out, files = sys.argv[1], sys.argv[2], sys.argv[3:]
tok = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
tok.no_padding()
tok.no_truncation()
texts = [
    "", "   ", "A man is eating food.", "Héllo, WORLD! naïve café—déjà vu 北京大学 unaffable",
    "ΣΟΦΟΣ ΟΔΟΣ", "İstanbul straße ﬁne 𝒂𝒃𝒄", "x" * 101, "x" * 100, "e-mail: a.b@c.org (2024)",
    "tab\tnew\nline\r\x00nul\ufffdrepl\u200bzw", "ｆｕｌｌｗｉｄｔｈ", "naïve\u0301 combining", "😀 emoji 🇺🇳",
    "\U0002B820\U0002B920 ext-d", "\u166d\u1734\u1885\ua9bd\U000111c9\U0001171e", "\u2065 unassigned",
]
for f in files:
    texts += [p.strip() for p in open(f, encoding="utf-8").read().split("\n\n") if p.strip()][:40]
rng = random.Random(11)
pools = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x52F), (0x590, 0x6FF), (0x900, 0x97F),
         (0x2000, 0x206F), (0x3000, 0x30FF), (0x4E00, 0x4FFF), (0xAC00, 0xAC80), (0xFF00, 0xFFEF),
         (0x1F300, 0x1F64F), (0x0, 0x1F), (0x80, 0x9F), (0x10000, 0x1FFFF)]
for _ in range(200):
    s = ""
    for _ in range(rng.randint(1, 40)):
        lo, hi = rng.choice(pools)
        c = rng.randint(lo, hi)
        if not 0xD800 <= c <= 0xDFFF:
            s += (" " if rng.random() < 0.25 else "") + chr(c)
    texts.append(s)
with open(out, "w", encoding="utf-8") as f:
    for t in texts:
        f.write(json.dumps({"text": t, "ids": tok.encode(t).ids}, ensure_ascii=False) + "\n")
print(f"{len(texts)} golden lines -> {out}")
