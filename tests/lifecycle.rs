//! The index lifecycle: reproducible builds, incremental updates, `check`,
//! `--strict`, schema refusal, and a build that dies half-way.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

fn copy_corpus(to: &Path) {
    common::copy_seed_corpus(to);
}

fn folio(corpus: &Path, index: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["--corpus", corpus.to_str().unwrap(), "--index", index.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// File name → bytes of the live generation.
fn index_files(index: &Path) -> BTreeMap<String, Vec<u8>> {
    let live = fs::read_to_string(index.join("CURRENT")).unwrap();
    let dir: PathBuf = index.join(live.trim());
    fs::read_dir(dir).unwrap().map(|e| e.unwrap()).map(|e| (e.file_name().to_string_lossy().to_string(), fs::read(e.path()).unwrap())).collect()
}

#[test]
fn two_builds_of_the_same_corpus_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    copy_corpus(&corpus);
    ok(folio(&corpus, &dir.path().join("a"), &["index"]));
    // Another clone of the corpus: other modification times, same bytes.
    let corpus2 = dir.path().join("corpus2");
    copy_corpus(&corpus2);
    ok(folio(&corpus2, &dir.path().join("b"), &["index"]));
    let (a, b) = (tree(&dir.path().join("a")), tree(&dir.path().join("b")));
    assert!(a.len() > 5, "{:?}", a.keys());
    assert!(a.keys().any(|k| k.starts_with("gen-")) && a.contains_key("CURRENT"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs");
    }
    // A rebuild of an unchanged corpus leaves the tree as it was, names included.
    ok(folio(&corpus, &dir.path().join("a"), &["index", "--rebuild"]));
    assert_eq!(tree(&dir.path().join("a")), a);
}

/// Every file under an index folder, by relative path (folders by name, so
/// generation names count).
fn tree(index: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap().map(|e| e.unwrap()) {
            let rel = e.path().strip_prefix(base).unwrap().to_string_lossy().to_string();
            if e.path().is_dir() {
                walk(&e.path(), base, out);
            } else {
                out.insert(rel, fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(index, index, &mut out);
    out
}

#[test]
fn an_update_reindexes_only_what_changed_and_matches_a_full_build() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    copy_corpus(&corpus);
    let index = dir.path().join("index");
    ok(folio(&corpus, &index, &["index"]));
    fs::write(corpus.join("kulikova-2015-contest.txt"), fs::read_to_string(corpus.join("kulikova-2015-contest.txt")).unwrap() + "\nStates now accuse each other of espionage against trade secrets in every forum.\n").unwrap();
    fs::write(corpus.join("added.md"), "# Added Note\n\nA new note on the attribution of cyber operations and the evidence states publish before countermeasures.\n").unwrap();
    fs::remove_file(corpus.join("wang-dilemma.txt")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&ok(folio(&corpus, &index, &["index", "--json"]))).unwrap();
    assert_eq!(report["status"], "updated");
    assert_eq!(report["reindexed"], 2);
    assert_eq!(report["unchanged"], 3);
    let updated_export = ok(folio(&corpus, &index, &["export", "--format", "jsonl"]));
    let full = dir.path().join("full");
    ok(folio(&corpus, &full, &["index", "--rebuild"]));
    assert_eq!(updated_export, ok(folio(&corpus, &full, &["export", "--format", "jsonl"])));
    for q in ["espionage trade secrets", "attribution evidence", "cyber sovereignty"] {
        // Same hits, same scores, same order (compared whole, reported briefly).
        let (a, b) = (ok(folio(&corpus, &index, &["search", q, "--format", "json"])), ok(folio(&corpus, &full, &["search", q, "--format", "json"])));
        let first_diff = a.lines().zip(b.lines()).find(|(x, y)| x != y);
        assert!(a == b, "{q}: updated and full indexes differ at {first_diff:?}");
    }
    assert!(!updated_export.contains("\"doc\":\"wang-dilemma\""));
    // Nothing changed: nothing is done.
    let report: serde_json::Value = serde_json::from_str(&ok(folio(&corpus, &index, &["index", "--json"]))).unwrap();
    assert_eq!(report["status"], "up-to-date");
}

#[test]
fn check_reports_fresh_stale_and_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    copy_corpus(&corpus);
    let index = dir.path().join("index");
    assert_eq!(folio(&corpus, &index, &["check"]).status.code(), Some(1), "missing index is stale");
    ok(folio(&corpus, &index, &["index"]));
    assert_eq!(folio(&corpus, &index, &["check"]).status.code(), Some(0));
    fs::write(corpus.join("new.txt"), "A new paragraph about norms of responsible state behaviour in cyberspace.\n").unwrap();
    let out = folio(&corpus, &index, &["check", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "stale");
    assert!(v["stale_reasons"][0].as_str().unwrap().contains("new.txt"));
    ok(folio(&corpus, &index, &["index"]));
    let bib = fs::read_to_string(corpus.join("references.bib")).unwrap();
    fs::write(corpus.join("references.bib"), format!("{bib}\n@article{{broken,\n  title = {{Unclosed\n")).unwrap();
    let out = folio(&corpus, &index, &["check", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "invalid");
    assert!(v["problems"][0].as_str().unwrap().contains("references.bib"), "{v}");
    // --strict refuses to index a corpus with warnings and leaves the live index alone.
    let before = index_files(&index);
    let out = folio(&corpus, &index, &["index", "--strict"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--strict"));
    assert_eq!(index_files(&index), before);
    // Without --strict the broken entry is skipped and the rest indexed.
    let out = folio(&corpus, &index, &["index"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("BibTeX entry `broken` skipped"));
}

#[test]
fn an_index_of_another_schema_is_refused_until_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    copy_corpus(&corpus);
    let index = dir.path().join("index");
    ok(folio(&corpus, &index, &["index"]));
    let live = index.join(fs::read_to_string(index.join("CURRENT")).unwrap().trim());
    let manifest = fs::read_to_string(live.join("folio.json")).unwrap().replacen(&format!("\"schema_version\":{}", folio::store::SCHEMA_VERSION), "\"schema_version\":0", 1);
    assert!(manifest.contains("\"schema_version\":0"));
    fs::write(live.join("folio.json"), manifest).unwrap();
    for args in [&["search", "norms"][..], &["index"][..]] {
        let out = folio(&corpus, &index, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("folio index --rebuild"), "{}", String::from_utf8_lossy(&out.stderr));
    }
    ok(folio(&corpus, &index, &["index", "--rebuild"]));
    assert_eq!(folio(&corpus, &index, &["search", "norms"]).status.code(), Some(0));
}

#[test]
fn leftovers_of_a_killed_build_do_not_disturb_readers_and_are_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    copy_corpus(&corpus);
    let index = dir.path().join("index");
    ok(folio(&corpus, &index, &["index"]));
    // What a build killed at any point leaves: a half-written build folder, a
    // generation never made live, a CURRENT.tmp.
    fs::create_dir_all(index.join(".build-99999")).unwrap();
    fs::write(index.join(".build-99999/meta.json"), "{ half").unwrap();
    fs::create_dir_all(index.join("gen-0-99999")).unwrap();
    fs::write(index.join("CURRENT.tmp"), "gen-0-99999").unwrap();
    assert_eq!(folio(&corpus, &index, &["search", "sovereignty"]).status.code(), Some(0));
    ok(folio(&corpus, &index, &["index", "--rebuild"]));
    let names: Vec<String> = fs::read_dir(&index).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert!(!names.iter().any(|n| n.starts_with(".build-") || n == "gen-0-99999" || n == "CURRENT.tmp"), "{names:?}");
    assert_eq!(names.iter().filter(|n| n.starts_with("gen-")).count(), 1);
}

#[test]
fn an_update_that_only_adds_documents_ranks_like_a_full_build() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    copy_corpus(&corpus);
    let index = dir.path().join("index");
    ok(folio(&corpus, &index, &["index"]));
    fs::write(corpus.join("zz-added.txt"), "Norms of responsible state behaviour were endorsed again; the norms remain voluntary and the debate on sovereignty continues.\n").unwrap();
    let report: serde_json::Value = serde_json::from_str(&ok(folio(&corpus, &index, &["index", "--json"]))).unwrap();
    assert_eq!(report["reindexed"], 1);
    let full = dir.path().join("full");
    ok(folio(&corpus, &full, &["index"]));
    for q in ["norms", "sovereignty", "\"responsible state behaviour\""] {
        let (a, b) = (ok(folio(&corpus, &index, &["search", q, "--format", "json", "--limit", "20"])), ok(folio(&corpus, &full, &["search", q, "--format", "json", "--limit", "20"])));
        assert!(a == b, "{q}: updated and full indexes differ");
    }
}

/// Sets the modification time of every file and folder under `dir` (as if the corpus had been checked out long ago).
fn set_times(dir: &Path, ago: std::time::Duration) {
    let t = std::time::SystemTime::now() - ago;
    for e in fs::read_dir(dir).unwrap().map(|e| e.unwrap()) {
        if e.file_type().unwrap().is_dir() {
            set_times(&e.path(), ago);
        }
        fs::File::open(e.path()).unwrap().set_modified(t).unwrap();
    }
    fs::File::open(dir).unwrap().set_modified(t).unwrap();
}

#[test]
fn the_quick_freshness_stamp_never_hides_an_edit_or_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let (corpus, index, cache) = (dir.path().join("corpus"), dir.path().join("index"), dir.path().join("cache"));
    copy_corpus(&corpus);
    set_times(&corpus, std::time::Duration::from_secs(7200));
    let folio = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_folio")).env("XDG_CACHE_HOME", &cache).arg("--corpus").arg(&corpus).arg("--index").arg(&index).args(args).output().unwrap()
    };
    ok(folio(&["index"]));
    let stamps = || fs::read_dir(cache.join("folio")).unwrap().filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("stamp-")).count();
    assert_eq!(stamps(), 1, "a build of an old corpus leaves a stamp");
    assert_eq!(folio(&["search", "xyzzyquux"]).status.code(), Some(1));

    // An edit whose time is old too (a checkout, a copy keeping times): another time, so the stamp breaks.
    let doc = fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|x| x == "txt")).unwrap();
    let mut text = fs::read_to_string(&doc).unwrap();
    text.push_str("\n\nThe xyzzyquux doctrine of cyber norms is the subject of this added paragraph, long enough to be a passage.\n");
    fs::write(&doc, text).unwrap();
    // Only the file's time changes (writing a file leaves its folder's time alone).
    fs::File::open(&doc).unwrap().set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600)).unwrap();
    let found = ok(folio(&["search", "xyzzyquux"]));
    assert!(found.contains("xyzzyquux"), "{found}");

    // A new file: its folder's time changes.
    set_times(&corpus, std::time::Duration::from_secs(2000));
    ok(folio(&["search", "xyzzyquux"]));
    fs::write(corpus.join("added.md"), "# Added\n\nThe plughfrobnicate principle of due diligence in cyberspace is described in this new document.\n").unwrap();
    let found = ok(folio(&["search", "plughfrobnicate"]));
    assert!(found.contains("plughfrobnicate"), "{found}");
}
