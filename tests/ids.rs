//! Passage ids survive edits elsewhere in the document and a change of
//! citation key; old `<key>:<paragraph>` ids still resolve; an id whose
//! passage is gone says so (exit 1) and offers the passages now nearest.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn folio(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["--corpus", dir.join("corpus").to_str().unwrap(), "--index", dir.join("index").to_str().unwrap()])
        .args(args)
        .output()
        .unwrap()
}

/// Passage text → id, from `export`.
fn ids(dir: &Path) -> BTreeMap<String, String> {
    let out = folio(dir, &["export", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| (v["text"].as_str().unwrap().to_string(), v["id"].as_str().unwrap().to_string()))
        .collect()
}

const P1: &str = "States rarely publish the evidence behind an attribution of a cyber operation.";
const P2: &str = "Joint attributions by several governments raise the political cost of an operation.";
const P3: &str = "Private companies now publish forensic reports that name state sponsors.";

fn write(dir: &Path, paragraphs: &[&str], key: &str) {
    let corpus = dir.join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    fs::write(corpus.join("roe.md"), format!("# Attribution in Practice\n\n{}\n", paragraphs.join("\n\n"))).unwrap();
    fs::write(corpus.join("references.bib"), format!("@article{{{key}, author = {{Roe, Jane}}, title = {{Attribution in Practice}}, date = {{2019}}, file = {{roe.md}}}}\n")).unwrap();
}

#[test]
fn ids_survive_insertions_edits_and_key_changes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[P1, P2, P3], "roe2019");
    let before = ids(dir.path());
    assert_eq!(before.len(), 3);
    // A paragraph inserted before the others and another edited: the rest keep their ids.
    let inserted = "A new opening paragraph about the politics of naming and shaming states.";
    let edited = "Private companies now publish forensic reports that name state sponsors, often first.";
    write(dir.path(), &[inserted, P1, P2, edited], "roe2019");
    let after = ids(dir.path());
    assert_eq!(after[P1], before[P1]);
    assert_eq!(after[P2], before[P2]);
    assert_ne!(after[edited], before[P3]);
    // The same ids from a build from scratch, and after the citation key changes.
    assert_eq!(folio(dir.path(), &["index", "--rebuild"]).status.code(), Some(0));
    assert_eq!(ids(dir.path()), after);
    write(dir.path(), &[inserted, P1, P2, edited], "roe-2019-attribution");
    let rekeyed = ids(dir.path());
    assert_eq!(rekeyed, after);
    let shown = folio(dir.path(), &["show", &before[P2]]);
    assert_eq!(shown.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&shown.stdout).contains("Joint attributions"));
}

#[test]
fn old_ids_resolve_and_gone_ids_point_near() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[P1, P2, P3], "roe2019");
    let before = ids(dir.path());
    // `<key>:<paragraph>`, the form of earlier folio versions.
    let out = folio(dir.path(), &["cite", "roe2019:2", "--format", "pandoc"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[@roe2019, ¶2]");
    // The third paragraph is rewritten: its old id is gone, and show says so.
    write(dir.path(), &[P1, P2, "An entirely different closing thought on deterrence by denial."], "roe2019");
    ids(dir.path());
    let out = folio(dir.path(), &["show", &before[P3]]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no longer in `roe2019`"), "{err}");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("deterrence by denial") && listed.contains(&before[P2]), "{listed}");
    // An id that never existed is an error.
    assert_eq!(folio(dir.path(), &["show", "ffffff-00000000"]).status.code(), Some(2));
}
