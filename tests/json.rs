//! The JSON contract: every JSON document folio prints carries
//! `"folio_json": 1` at its top level (every line, for JSON Lines), and reads
//! back into the library's `wire` types; errors asked for as JSON are
//! `wire::ErrorResponse`.

use std::path::Path;
use std::process::{Command, Output};

use folio::wire;

mod common;

/// The seed corpus, copied.
fn corpus(dir: &Path) {
    common::copy_seed_corpus(&dir.join("corpus"));
}

fn folio(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["--corpus", dir.join("corpus").to_str().unwrap(), "--index", dir.join("index").to_str().unwrap()])
        .args(args)
        .output()
        .unwrap()
}

/// Parses stdout as one JSON document with the version field, into `T`.
fn parse<T: serde::de::DeserializeOwned>(out: &Output) -> T {
    let text = String::from_utf8_lossy(&out.stdout);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    assert_eq!(value["folio_json"], wire::FORMAT_VERSION, "{text}");
    serde_json::from_value(value).unwrap_or_else(|e| panic!("not the wire type ({e}): {text}"))
}

#[test]
fn every_json_output_is_versioned_and_typed() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let index: wire::IndexReport = parse(&folio(dir.path(), &["index", "--json"]));
    assert_eq!((index.status.as_str(), index.documents, index.passages), ("built", 5, 143));
    let check: wire::CheckReport = parse(&folio(dir.path(), &["check", "--json"]));
    assert_eq!(check.status, "fresh");
    let search: wire::SearchResponse = parse(&folio(dir.path(), &["search", "Budapest Convention", "--format", "json", "--limit", "3"]));
    assert_eq!(search.hits.len(), 3);
    assert!(search.hits[0].snippet.contains("<mark>") && search.hits[0].passage.citation.text.contains("Mukerji"));
    assert!(search.facets["topic"].values().sum::<u64>() > 0);
    let id = search.hits[0].passage.id.clone();
    let show: wire::ShowResponse = parse(&folio(dir.path(), &["show", &id, "--format", "json"]));
    assert_eq!(show.passage.id, id);
    assert!(show.previous.is_some() && show.next.is_some());
    let cite: wire::CiteResponse = parse(&folio(dir.path(), &["cite", &id, "--format", "json"]));
    assert_eq!(cite.pandoc, format!("[@{}, {}]", cite.key, cite.locator.replace(", ", " ")));
    assert!(cite.citation.starts_with("(Mukerji, 2020"), "{}", cite.citation);
    let topics: wire::TopicsResponse = parse(&folio(dir.path(), &["topics", "--format", "json"]));
    assert_eq!(topics.topics.len(), 12);
    let tag: serde_json::Value = parse(&folio(dir.path(), &["tag", "the Budapest Convention on Cybercrime", "--format", "json"]));
    assert_eq!(tag["topics"][0], "cybercrime");
    let export = folio(dir.path(), &["export", "--format", "jsonl"]);
    let lines: Vec<wire::ExportLine> = String::from_utf8_lossy(&export.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(v["folio_json"], wire::FORMAT_VERSION);
            serde_json::from_value(v).unwrap()
        })
        .collect();
    assert_eq!(lines.len(), 143);
    assert_eq!((lines[0].passage.doc.as_str(), lines[0].passage.paragraph), ("guan-governance", 1));
}

#[test]
fn errors_asked_for_as_json_are_wire_errors() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let out = folio(dir.path(), &["show", "nope:1", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let error: wire::ErrorResponse = parse(&out);
    assert_eq!(error.error.kind, "unknown_passage");
    assert!(error.error.message.contains("nope:1"), "{}", error.error.message);
    // Text output keeps errors on stderr only.
    let out = folio(dir.path(), &["show", "nope:1"]);
    assert!(out.stdout.is_empty() && String::from_utf8_lossy(&out.stderr).contains("nope:1"));
}
