#!/usr/bin/env python3
"""Regenerates docs/json.md: the prose below, with every example produced by
the release binary on the bundled corpus. Run from the repository root after
`cargo build --release`: `python3 scripts/json_examples.py`."""
import json, os, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "folio")
TEMPLATE = r"""# folio's JSON

Every JSON document folio prints is one of the messages below (types in `src/wire/`). Each carries
`"folio_json": 1` at its top level — in JSON Lines output (`export`), every line does. Within a format
version fields are only ever added; removing a field or changing its meaning bumps the version. A
client should ignore fields it does not know.

Exceptions, which are other formats and carry no version: `search --format csl-json` and
`cite --format csl-json` print CSL-JSON (an array of CSL items, for pandoc and Zotero), and the
`bibtex`/`pandoc`/`typst`/`latex` forms are text.

Common pieces:

- **passage** — `id` (see below), `doc` (document key), `title`, `authors`
  ("Family, Given"), `year` (null when unknown), `section` and `section_number` (the nearest heading),
  `section_path` (headings from the root), `paragraph` (1-based ordinal in the document), `kind`
  (`body`, `abstract`, `reference`, `note`, `bio`), `language` (ISO 639-1, `und` when unknown),
  `topics` and `topic_scores` (0..1), `text`, `source` (`path` relative to the corpus, `line_start`,
  `line_end`), `pages` (every page label the passage spans, in order; absent for sources without
  pages), `citation` (`key`, `locator` such as `§2.1, ¶14` or `p. 118`, `text`: the reference in
  APA unless a style was asked for), `cites` (markers in the passage and the passage id of the entry
  each points at, or null), `reference` (reference and note passages: the entry parsed into fields).
- **Passage ids** look like `3f9a1c-7b41d0aa`: six hex digits from a hash of the document's path
  (relative to the corpus or library folder) and eight from a hash of the passage's own words
  (lower-cased; spacing and punctuation ignored), with `-2`, `-3` … for a text that occurs again in
  the same document. Only `0-9a-f` and `-`: safe in URLs and file names. An id keeps naming the same
  passage when other paragraphs are inserted, removed or edited and when the document's citation key
  changes; editing the passage itself gives it a new id. `show` on an id whose passage is gone exits
  1 and lists that document's passages nearest to where it was; ids of the older form
  `<doc key>:<paragraph>` still resolve to the passage at that paragraph. The document key
  (`doc`) is the BibTeX key when the document
  has an entry, else made from its file name.

Errors: a command asked for JSON that fails exits 2, says why on stderr, and prints an **error**
message on stdout.

## search — `folio search QUERY --format json`

`total` counts every matching passage; `hits` the ones shown (`--limit`). `facets` counts passages
per value of `topic`, `doc`, `language`, `year`, `author`, `kind` among all matches. `notes` says what
the query parser ignored or reinterpreted; `expansions` what the thesaurus added; `fuzzy` whether near
spellings were searched; `offset` the hits (documents, when grouped) skipped (`--offset`); `sort`
`relevance` or `year`; `exact` whether the words were searched as typed (`--exact`). With `--group doc`,
`groups` lists the documents in order, each with `total` (its matching passages) and the ids of its hits
shown, which follow each other in `hits`. When nothing matches in the kinds searched, `other_kinds`
counts the matches among the other kinds (e.g. `{"reference": 3}`). `groups` and `other_kinds` are
absent otherwise. `mode` says how the hits were ranked: `lexical` (words, BM25), `semantic`
(nearest passage vectors) or `hybrid` (both, fused by normalised score; the default when the index has
vectors). With `--explain`, each hit in hybrid or semantic mode carries `explain`: `bm25` (its BM25
score when the words matched, else null), `cosine` (its vector's cosine with the query's; null for a
passage the model does not read), and `lexical` and `semantic`, the two parts of `score`. In hybrid
and semantic mode `total` and `facets` count the passages the words match together with the passages
nearest by meaning that were ranked (the 30 nearest that pass the filters). `folio
similar PASSAGE_ID --format json` answers with the same message (`query` is the passage id, `mode`
`semantic`, hits from other documents only). Each hit has a `snippet` (about 240 characters around the densest
matches, the text as it is with matches in `<mark>…</mark>`: for terminals, not for HTML) and
`snippet_html` (the same window with the passage's text HTML-escaped, so that `<mark>` is its only
markup: what a page may insert).

```json
{{search}}
```

Grouped (`folio search "Budapest Convention" --group doc --limit 1 --format json`), hits cut short here:

```json
{{search_grouped}}
```

## export — `folio export --format jsonl`

One passage per line, in corpus order (documents by path, then paragraphs), with the version field.
One line, pretty-printed here:

```json
{{export}}
```

## show — `folio show ID --format json`

The passage, its neighbours in the document (`previous`, `next`, null at either end) and the
reference entries its markers point at (`references`). Neighbours' text shortened here.

```json
{{show}}
```

## cite — `folio cite ID --format json`

Every form of a passage's citation: the in-text `citation` and `reference` in `style`, and the
pandoc, Typst and LaTeX forms.

```json
{{cite}}
```

## check — `folio check --json`

`status` is `fresh` (exit 0), `stale` or `missing` (exit 1), or `invalid` (exit 2: the corpus has
problems, listed in `problems`).

```json
{{check}}
```

## index — `folio index --json`

`status` is `built`, `updated` or `up-to-date`. Documents shortened to two here.

```json
{{index}}
```

## topics — `folio topics --format json`

The taxonomy with passage counts (two topics shown here).

```json
{{topics}}
```

## tag — `folio tag TEXT --format json [--explain]`

`evidence` is null without `--explain`. Each piece of evidence names its `term`, `count`, `weight` and
`source` (`text`, `heading` or `document`); a term that counts only in context (a false friend such as
"attributed to") also names the context word beside it, `near`.

```json
{{tag}}
```

## eval — `folio eval --labels FILE [--queries FILE] --format json`

The evaluation report (`n_items`, `coverage`, `anchors_missing`, `anchors_ambiguous`, `junk_found`,
`duplicate_passages`, `topics` with `precision`/`recall`/`f1`/`support`/`predicted` per topic, the
macro averages, `queries` with `n`/`mrr_at_10`/`recall_at_5` per query kind, `query_ranks`), with the
version field in front. With `--folds K [--fold-by doc|passage]` it also has `cv`: `folds`, `by`
(`document` or `passage`), `chosen` (the weights — `heading`, `document`, `threshold_scale` — chosen on
each fold's training items), `chosen_on_all` and its `in_sample_macro_f1`, and the held-out `topics`
scores with their macro averages.

## error

`folio serve` answers every error with this message and an HTTP status (400 for a malformed
parameter, 403 for a `Host` that is not the server's, 404 for an unknown passage, document or path,
503 before the index is ready or past a request's time limit).

```json
{{error}}
```

## status — `GET /api/status` (`folio serve`)

The generation answering now (`generation`, the live index folder's name; null before the first
build), `documents` and `passages`, whether the corpus is watched, the build running now
(`building`: `done` of `total` documents, the `current` path, `seconds` so far; null when idle), how
the last one ended (`last_build`: `status` `built`, `updated` or `failed` with its `error`,
`finished_unix`, `seconds`, `reindexed`), the live index's per-file `problems` (`path`, `message`)
and the files `skipped`.

```json
{{status}}
```

## documents — `GET /api/documents` (`folio serve`)

Every document in corpus order: `key`, `path` (relative to the corpus), `title`, `authors`,
`year`, `language`, `passages`. Shortened to two here.

```json
{{documents}}
```

## document — `GET /api/documents/{key}` (`folio serve`)

One document (as listed above) and its `passages` in order, each a full passage: what the page's
reader view shows. Shortened to one passage here.

```json
{{document}}
```

`folio serve` answers `GET /api/search` with **search**, `/api/passages/{id}` with **show**,
`/api/cite/{id}` with **cite** (JSON when asked with `Accept: application/json` or
`format=json`, else text), `/api/topics` with **topics**; docs/openapi.json describes every
endpoint and its parameters.
"""


def served(d, pretty):
    """The messages only `folio serve` answers, from a server on a free port."""
    import urllib.request, time
    proc = subprocess.Popen([BIN, "--corpus", os.path.join(ROOT, "corpus"), "--index", os.path.join(d, "index"), "serve", "--port", "0", "--no-watch"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = next(w for w in proc.stdout.readline().split() if w.startswith("http://"))
        get = lambda path: json.loads(urllib.request.urlopen(url + path.lstrip("/")).read())
        for _ in range(600):
            try:
                if urllib.request.urlopen(url + "healthz").status == 200:
                    break
            except Exception:
                time.sleep(0.1)
        status = get("/api/status")
        documents = get("/api/documents")
        documents["documents"] = documents["documents"][:2]
        document = get("/api/documents/mukerji-2020-convention")
        document["passages"] = document["passages"][:1]
        return {"status": pretty(status), "documents": pretty(documents), "document": pretty(document)}
    finally:
        proc.kill()
        proc.wait()


def main():
    d = tempfile.mkdtemp()
    def run(*args):
        r = subprocess.run([BIN, "--corpus", os.path.join(ROOT, "corpus"), "--index", os.path.join(d, "index"), *args], capture_output=True, text=True)
        return r.stdout
    def pretty(value):
        return json.dumps(value, indent=2, ensure_ascii=False)
    index = json.loads(run("index", "--json"))
    index["docs"] = index["docs"][:2]
    search = json.loads(run("search", "Budapest Convention", "--format", "json", "--limit", "1", "--explain"))
    grouped = json.loads(run("search", "Budapest Convention", "--group", "doc", "--format", "json", "--limit", "1"))
    for h in grouped["hits"]:
        h["passage"] = {"id": h["passage"]["id"], "doc": h["passage"]["doc"], "…": "…"}
    grouped["facets"] = {"…": "…"}
    lines = [json.loads(l) for l in run("export", "--format", "jsonl").splitlines()]
    line = next(l for l in lines if l["cites"] and l["cites"][0]["reference"])
    some_id = next(l["id"] for l in lines if l["doc"] == "mukerji-2020-convention" and l["paragraph"] == 14)
    show = json.loads(run("show", some_id, "--format", "json"))
    for k in ("previous", "next"):
        if show[k]:
            show[k]["text"] = show[k]["text"][:120] + "…"
    topics = json.loads(run("topics", "--format", "json"))
    topics["topics"] = topics["topics"][:2]
    examples = {
        "search": pretty(search),
        "search_grouped": pretty(grouped),
        "export": pretty(line),
        "show": pretty(show),
        "cite": pretty(json.loads(run("cite", some_id, "--format", "json"))),
        "check": pretty(json.loads(run("check", "--json"))),
        "index": pretty(index),
        "topics": pretty(topics),
        "tag": pretty(json.loads(run("tag", "The Budapest Convention on Cybercrime governs electronic evidence.", "--format", "json", "--explain"))),
        "error": pretty(json.loads(run("show", "nope:1", "--format", "json"))),
    }
    examples.update(served(d, pretty))
    out = TEMPLATE
    for name, text in examples.items():
        out = out.replace("{{" + name + "}}", text)
    with open(os.path.join(ROOT, "docs", "json.md"), "w") as f:
        f.write(out)
    shutil.rmtree(d)


if __name__ == "__main__":
    sys.exit(main())
