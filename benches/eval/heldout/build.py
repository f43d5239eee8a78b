#!/usr/bin/env python3
"""Builds the held-out tagging corpora and gold labels from en.txt and ml.txt.

Each source file holds documents ("=== file.md | Title") of labelled
paragraphs ("[topic, ...] text"). Writes, next to this script:
  en/ and ml/            one Markdown document per "===" block (a corpus each)
  en-labels.json, ml-labels.json   gold labels in the shared/eval format,
                         the anchor being each paragraph's first ten words.
Deterministic: the same sources give the same bytes. Run from anywhere.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOPICS = {"sovereignty", "human-rights", "cybercrime", "attribution", "international-law", "norms",
          "internet-governance", "cyber-conflict", "critical-infrastructure", "espionage", "development", "terrorism"}


def parse(path):
    docs = []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("=== "):
            name, title = [x.strip() for x in line[4:].split("|", 1)]
            docs.append((name, title, []))
        elif line.startswith("["):
            m = re.match(r"\[([^\]]*)\]\s*(.+)", line)
            topics = [t.strip() for t in m.group(1).split(",") if t.strip()]
            bad = [t for t in topics if t not in TOPICS]
            if bad:
                sys.exit(f"{path}: unknown topic {bad}")
            docs[-1][2].append((topics, m.group(2)))
    return docs


def build(source, out_dir, labels_path):
    os.makedirs(os.path.join(HERE, out_dir), exist_ok=True)
    items, anchors = [], set()
    for name, title, paragraphs in parse(os.path.join(HERE, source)):
        body = "\n\n".join(text for _, text in paragraphs)
        with open(os.path.join(HERE, out_dir, name), "w", encoding="utf-8") as f:
            f.write(f"# {title}\n\n{body}\n")
        for topics, text in paragraphs:
            anchor = " ".join(text.split()[:10])
            if anchor in anchors:
                sys.exit(f"duplicate anchor: {anchor}")
            anchors.add(anchor)
            items.append({"anchor": anchor, "topics": sorted(topics)})
    with open(os.path.join(HERE, labels_path), "w", encoding="utf-8") as f:
        json.dump({"items": items, "junk": []}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{labels_path}: {len(items)} paragraphs")


build("en.txt", "en", "en-labels.json")
build("ml.txt", "ml", "ml-labels.json")
