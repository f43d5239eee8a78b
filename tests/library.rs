//! The user's reference library: every `*.bib` in the corpus root and CSL-JSON
//! libraries, `file` fields pointing outside the corpus (absolute, relative,
//! Zotero/JabRef triples, `;` lists, spaces), only document formats read, and
//! paths stored relative. The real binary on temporary folders.

mod common;
use common::Env;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

impl Env {
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    fn folio(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["--corpus", self.corpus().to_str().unwrap(), "--index", self.dir.path().join("index").to_str().unwrap()])
            .args(args)
            .env_remove("FOLIO_CORPUS")
            .env_remove("FOLIO_INDEX")
            .output()
            .unwrap()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const PAPER: &str = "<html><head><title>x</title></head><body><article><h1>Cyber Sovereignty Revisited</h1><p>Cyber sovereignty asserts that states may regulate the networks and data within their borders, a claim contested by advocates of a single global internet.</p></article></body></html>";

#[test]
fn a_library_outside_the_corpus_is_indexed_under_its_keys() {
    let env = Env::new();
    let lib = env.dir.path().join("Zotero Library");
    let abs = env.write("Zotero Library/storage/AB12/My Paper on Sovereignty.html", PAPER);
    env.write("Zotero Library/files/Norms Report.docx.txt", "The report lists the eleven voluntary norms of responsible state behaviour in cyberspace.\n");
    env.write("Zotero Library/secret.key", "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n");
    let bib = format!(
        "@article{{guan2022,\n  author = {{Guan, Yongping}},\n  title = {{Cyber Sovereignty Revisited}},\n  year = {{2022}},\n  file = {{Full Text:{}:text/html}}\n}}\n\n\
         @report{{norms2021,\n  author = {{{{United Nations}}}},\n  title = {{Norms Report}},\n  year = {{2021}},\n  file = {{Snapshot:../Zotero Library/missing.html:text/html;Text:../Zotero Library/files/Norms Report.docx.txt:text/plain}}\n}}\n\n\
         @misc{{passwd,\n  title = {{Passwords}},\n  file = {{:/etc/passwd:}}\n}}\n\n\
         @misc{{key,\n  title = {{Key}},\n  file = {{{}}}\n}}\n",
        abs.display(),
        lib.join("secret.key").display()
    );
    env.write("corpus/My Library.bib", &bib);
    let out = env.folio(&["index", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs: Vec<(String, String)> = report["docs"].as_array().unwrap().iter().map(|d| (d["key"].as_str().unwrap().into(), d["path"].as_str().unwrap().into())).collect();
    assert_eq!(
        docs,
        vec![
            ("norms2021".to_string(), "../Zotero Library/files/Norms Report.docx.txt".to_string()),
            ("guan2022".to_string(), "../Zotero Library/storage/AB12/My Paper on Sovereignty.html".to_string()),
        ]
    );
    let warnings = serde_json::to_string(&report["warnings"]).unwrap();
    assert!(warnings.contains("`passwd`") && warnings.contains("not a document file"), "{warnings}");
    assert!(warnings.contains("`key`") && warnings.contains("secret.key"), "{warnings}");
    assert!(warnings.contains("missing.html"), "{warnings}");
    // Nothing stored is absolute.
    let tmp = env.dir.path().to_string_lossy().to_string();
    let manifest_text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!manifest_text.contains(&tmp), "{manifest_text}");
    let export = env.folio(&["export", "--format", "jsonl"]);
    let export = String::from_utf8_lossy(&export.stdout).to_string();
    assert!(export.contains("Cyber sovereignty asserts"), "{export}");
    assert!(!export.contains("root:") && !export.contains("PRIVATE KEY") && !export.contains(&tmp), "{export}");
    let passage: serde_json::Value = serde_json::from_str(export.lines().find(|l| l.contains("Cyber sovereignty asserts")).unwrap()).unwrap();
    assert_eq!(passage["doc"], "guan2022");
    assert_eq!(passage["authors"][0], "Guan, Yongping");
}

#[test]
fn the_same_library_gives_the_same_index_on_another_machine() {
    // Two copies of the same folders in different places give the same report.
    let mut reports = vec![];
    for _ in 0..2 {
        let env = Env::new();
        env.write("lib/a b.html", PAPER);
        env.write("corpus/references.bib", "@article{guan2022, title = {Cyber Sovereignty Revisited}, author = {Guan, Yongping}, year = {2022}, file = {:../lib/a b.html:HTML}}\n");
        let out = env.folio(&["index", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["docs"][0]["path"].as_str().unwrap().starts_with("../lib/").then_some(()).expect("relative path");
        v.as_object_mut().unwrap().remove("status");
        reports.push(v);
    }
    assert_eq!(reports[0], reports[1]);
}

#[test]
fn every_bib_and_csl_json_is_read_and_pairing_tries_title_and_suggests() {
    let env = Env::new();
    env.write("corpus/Zotero Export.bib", "@online{liu2017, author = {Liu, Xiaotong}, title = {The Code of Conduct for Information Security}, year = {2017}}\n");
    env.write(
        "corpus/library.json",
        r#"[{"id":"kulikova2015","type":"article-journal","title":"Contest over Internet Governance","author":[{"family":"Kulikova","given":"Anna"}],"issued":{"date-parts":[[2015]]}}]"#,
    );
    env.write("corpus/references.bib", "@article{wang2020, author = {Wang, Lei}, title = {Dilemma}, year = {2020}, file = {wang-dilema.txt}}\n@article{liu2017, title = {Duplicate}}\n");
    env.write("corpus/Liu 2017 - The Code of Conduct for Information Security.txt", "The code of conduct was submitted to the General Assembly by several states.\n");
    env.write("corpus/kulikova2015.txt", "The contest over internet governance pits multistakeholder against multilateral models.\n");
    env.write("corpus/wang-dilemma.txt", "The security dilemma in cyberspace makes defensive measures look offensive.\n");
    let out = env.folio(&["index", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = report["docs"].as_array().unwrap().iter().map(|d| d["key"].as_str().unwrap()).collect();
    assert_eq!(keys, vec!["liu2017", "kulikova2015", "wang-dilemma"], "{report:#}");
    let warnings = serde_json::to_string(&report["warnings"]).unwrap();
    assert!(warnings.contains("did you mean `wang-dilemma.txt`?"), "{warnings}");
    assert!(warnings.contains("duplicate key `liu2017`"), "{warnings}");
    assert!(report["skipped"].as_array().unwrap().is_empty(), "{report:#}");
}

#[test]
fn readme_names_the_one_step_for_zotero_and_jabref() {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains("Better BibTeX") && readme.contains("JabRef"), "README lacks the library steps");
}
