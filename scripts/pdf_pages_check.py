#!/usr/bin/env python3
"""Measures folio's PDF reading against poppler's own per-page text: the share
of the PDF's sentences that some passage contains (sentences found), and the
share whose passage's `pages` include the page the sentence starts on (right
page). Usage: scripts/pdf_pages_check.py FOLIO_BINARY FILE.pdf LABEL_OF_PAGE_1...
where the labels name each physical page in order (e.g. 117 118 … or i ii 1 2 …);
`auto-roman:K` means K roman pages then arabic from 1, `from:N` arabic from N."""
import json, re, subprocess, sys, tempfile, os, shutil

def norm(s):
    # Hyphens dropped on both sides: poppler's plain text joins every word
    # broken at a line end, compounds too ("self-defence" → "selfdefence").
    s = re.sub(r"-\s*", "", s)
    return " ".join(re.findall(r"[a-z0-9]+", s.lower()))

def roman(n):
    out = ""
    for v, r in [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]:
        while n >= v:
            out += r; n -= v
    return out

def main():
    folio, pdf, spec = sys.argv[1], sys.argv[2], sys.argv[3]
    n_pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout).group(1))
    if spec.startswith("from:"):
        labels = [str(int(spec[5:]) + i) for i in range(n_pages)]
    else:
        k = int(spec.split(":")[1]); labels = [roman(i + 1) for i in range(k)] + [str(i + 1) for i in range(n_pages - k)]
    d = tempfile.mkdtemp()
    os.makedirs(f"{d}/corpus"); shutil.copy(pdf, f"{d}/corpus/doc.pdf")
    out = subprocess.run([folio, "--corpus", f"{d}/corpus", "--index", f"{d}/index", "export", "--format", "jsonl"], capture_output=True, text=True).stdout
    passages = [json.loads(l) for l in out.splitlines()]
    page_texts = [norm(subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), pdf, "-"], capture_output=True, text=True).stdout) for n in range(1, n_pages + 1)]
    whole = " ".join(page_texts)
    # Poppler's words (hyphens dropped) that folio's passages hold, in order of the document.
    folio_text = " ".join(norm(p["text"]) for p in passages)
    words = whole.split()
    grams = {tuple(words[i:i + 3]) for i in range(len(words) - 2)}
    fwords = folio_text.split()
    fgrams = {tuple(fwords[i:i + 3]) for i in range(len(fwords) - 2)}
    # Right page: each sentence of a body or note passage starts on a page its passage lists.
    total = right = unplaced = 0
    for p in passages:
        for sent in re.split(r"(?<=[.?!])\s+", p["text"]):
            head = " ".join(norm(sent).split()[:20])
            if len(head.split()) < 8:
                continue
            on = [n for n, t in enumerate(page_texts) if head in t]
            if not on:
                unplaced += 1
                continue
            total += 1
            right += labels[on[0]] in p.get("pages", [])
    print(f"{os.path.basename(pdf)}: poppler's word trigrams found in folio's passages {len(grams & fgrams) / len(grams):.1%} "
          f"(the rest: running heads, stamps, page numbers folio removes); sentences placed {total}, on the right page {right} ({right / max(total, 1):.1%}); "
          f"not placed (broken across a page or column by poppler) {unplaced}")
    shutil.rmtree(d)


main()
