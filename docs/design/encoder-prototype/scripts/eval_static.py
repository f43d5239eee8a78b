#!/usr/bin/env python3
"""Quick evaluation of a distilled static table against the full encoder.

usage: eval_static.py MODEL_DIR TABLE.bin EMBED_BIN [CORPUS_TXT...]

1. hand-written sentence pairs (paraphrases, related, unrelated): cosine under
   the encoder vs under the static table;
2. Spearman correlation of all pairwise cosines, static vs encoder;
3. on corpus paragraphs: overlap of each paragraph's 10 nearest neighbours
   under static vs encoder (the encoder is the reference).
Baseline for comparison: the mean of the model's raw input word embeddings.
"""
import json
import re
import struct
import subprocess
import sys
import tempfile

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

PAIRS = [
    ("A man is eating food.", "A man is eating a piece of bread."),
    ("A man is eating food.", "A man is riding a horse."),
    ("The girl is carrying a baby.", "A woman is holding an infant."),
    ("States should not attack critical infrastructure in peacetime.",
     "Countries ought to refrain from targeting essential services when there is no war."),
    ("The convention on cybercrime was negotiated at the United Nations.",
     "A UN treaty against computer crime was drafted by member states."),
    ("Attribution of cyber operations remains politically difficult.",
     "It is hard for governments to publicly blame someone for a hack."),
    ("Sovereignty applies in cyberspace.", "International law governs state conduct online."),
    ("The committee adopted the final report by consensus.",
     "All members agreed to the last version of the document."),
    ("How much protein should I eat per day?", "Daily recommended intake of protein for adults."),
    ("The stock market fell sharply on Monday.", "Shares dropped steeply at the start of the week."),
    ("A cheetah chases prey across a field.", "The parliament debated the budget."),
    ("Multistakeholder internet governance involves companies and civil society.",
     "The recipe calls for two eggs and a cup of flour."),
    ("Data localisation laws require servers to be in the country.",
     "Rules forcing companies to store information domestically."),
    ("The treaty entered into force after ratification by forty states.",
     "My cat likes to sleep on the windowsill."),
    ("Norms of responsible state behaviour were endorsed by the General Assembly.",
     "The UN General Assembly welcomed the voluntary norms for states."),
    ("He plays guitar in a band.", "She is a musician who performs with a group."),
]


def load_table(path):
    b = open(path, "rb").read()
    assert b[:4] == b"FSET"
    _, rows, dim = struct.unpack("<III", b[4:16])
    scale = np.frombuffer(b, "<f4", rows, 16)
    q = np.frombuffer(b, np.int8, rows * dim, 16 + 4 * rows).reshape(rows, dim)
    return q.astype(np.float32) * scale[:, None]


def bag(tok, table, texts):
    out = []
    for t in texts:
        ids = tok.encode(t).ids[1:-1]
        v = table[ids].sum(0) if ids else np.zeros(table.shape[1])
        out.append(v / max(np.linalg.norm(v), 1e-12))
    return np.array(out)


def encoder(embed_bin, model_dir, texts):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run([embed_bin, "encode", model_dir, f.name, *texts], check=True,
                       capture_output=True)
        return np.array([r["vec"] for r in json.load(open(f.name))])


def spearman(a, b):
    ra, rb = a.argsort().argsort(), b.argsort().argsort()
    return float(np.corrcoef(ra, rb)[0, 1])


def main():
    model_dir, table_path, embed_bin, corpus = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    tok = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
    tok.no_padding()
    tok.no_truncation()
    table = load_table(table_path)
    raw = load_file(f"{model_dir}/model.safetensors")["embeddings.word_embeddings.weight"].copy()
    raw[[0, 100, 101, 102, 103]] = 0

    texts = [s for p in PAIRS for s in p]
    E, S, R = encoder(embed_bin, model_dir, texts), bag(tok, table, texts), bag(tok, raw, texts)
    print(f"{'encoder':>8} {'static':>7} {'rawemb':>7}")
    for i, (a, b) in enumerate(PAIRS):
        j, k = 2 * i, 2 * i + 1
        print(f"{E[j] @ E[k]:8.3f} {S[j] @ S[k]:7.3f} {R[j] @ R[k]:7.3f}  {a[:45]} | {b[:45]}")
    iu = np.triu_indices(len(texts), 1)
    ce, cs, cr = (E @ E.T)[iu], (S @ S.T)[iu], (R @ R.T)[iu]
    print(f"Spearman vs encoder over {len(ce)} sentence pairs: static {spearman(ce, cs):.3f}, "
          f"raw input embeddings {spearman(ce, cr):.3f}")

    if corpus:
        paras = []
        for path in corpus:
            for p in re.split(r"\n\s*\n", open(path, encoding="utf-8").read()):
                p = " ".join(p.split())
                if len(p.split()) >= 20:
                    paras.append(" ".join(p.split()[:200]))
        E, S, R = encoder(embed_bin, model_dir, paras), bag(tok, table, paras), bag(tok, raw, paras)
        k = 10

        def knn(M):
            sim = M @ M.T
            np.fill_diagonal(sim, -np.inf)
            return np.argsort(-sim, 1)[:, :k]

        ne, ns, nr = knn(E), knn(S), knn(R)
        ov = lambda a, b: np.mean([len(set(x) & set(y)) / k for x, y in zip(a, b)])
        print(f"{len(paras)} corpus paragraphs: 10-NN overlap with encoder: static {ov(ne, ns):.3f}, "
              f"raw input embeddings {ov(ne, nr):.3f} (random ≈ {k / (len(paras) - 1):.3f})")


if __name__ == "__main__":
    main()
