//! Hostile input and failure: every case of issue 7 that can be produced in a
//! test, driven through the real binary. Nothing may panic, nothing readable
//! may be lost, and every problem is named with its path.

mod common;
use common::Env;

use std::fs;
use std::process::{Command, Output, Stdio};

impl Env {
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) {
        let p = self.corpus().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_folio"));
        c.args(["--corpus", self.corpus().to_str().unwrap(), "--index", self.index().to_str().unwrap()]).args(args);
        c
    }
    fn folio(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }
    fn export(&self) -> (Vec<serde_json::Value>, String) {
        let out = self.folio(&["export", "--format", "jsonl"]);
        let passages: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        // Exit 0 with passages, 1 without: the contract, whatever the corpus holds.
        assert_eq!(out.status.code(), Some(if passages.is_empty() { 1 } else { 0 }), "{}", stderr(&out));
        (passages, stderr(&out))
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn no_panic(o: &Output) {
    let e = stderr(o);
    assert!(!e.contains("panicked") && !e.contains("RUST_BACKTRACE"), "{e}");
}

const PROSE: &str = "States negotiate norms of responsible behaviour in cyberspace and argue about sovereignty over data.";

#[test]
fn invalid_utf8_is_decoded_with_a_warning_and_kept() {
    let env = Env::new();
    env.write("latin1.txt", b"La souverainet\xe9 num\xe9rique des \xc9tats est d\xe9battue dans les n\xe9gociations internationales sur le cyberespace.\n");
    env.write("ok.txt", PROSE);
    let (passages, warnings) = env.export();
    assert_eq!(passages.len(), 2);
    assert!(warnings.contains("latin1.txt") && warnings.contains("not valid UTF-8"), "{warnings}");
    let p = passages.iter().find(|p| p["doc"] == "latin1").unwrap();
    assert!(p["text"].as_str().unwrap().contains("souverainet\u{FFFD}"));
}

#[test]
fn binary_and_empty_files_are_reported_and_the_rest_indexed() {
    let env = Env::new();
    env.write("binary.txt", [0u8, 1, 2, 3, 0, 255, 254, 0, 7, 8, 9, 0].repeat(100));
    env.write("empty.txt", "");
    env.write("blank.md", "\n\n   \n");
    env.write("ok.txt", PROSE);
    let (passages, warnings) = env.export();
    assert_eq!(passages.len(), 1);
    assert!(warnings.contains("binary.txt: binary file"), "{warnings}");
    assert!(warnings.contains("empty.txt: empty file"), "{warnings}");
    // Recorded: the next run does not see them as new.
    let out = env.folio(&["check", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["fresh"], true, "{v}");
    assert_eq!(v["status"], "invalid", "warnings make the corpus invalid for CI: {v}");
}

#[test]
fn a_huge_line_without_newline_becomes_bounded_passages() {
    let env = Env::new();
    // 4 MB of prose on one line (the 100 MB case is measured by hand; see the notes).
    let sentence = "The group of experts agreed that international law applies to the conduct of states in cyberspace. ";
    env.write("one-line.txt", sentence.repeat(4_000_000 / sentence.len()));
    let (passages, _) = env.export();
    assert!(passages.len() > 1000, "{}", passages.len());
    assert!(passages.iter().all(|p| p["text"].as_str().unwrap().len() <= 3000));
    let total: usize = passages.iter().map(|p| p["text"].as_str().unwrap().len()).sum();
    assert!(total >= 3_900_000, "text lost: {total}");
    assert_eq!(env.folio(&["search", "international law", "--limit", "1"]).status.code(), Some(0));
}

#[test]
fn very_long_words_and_invisible_characters() {
    let env = Env::new();
    let long_word = "x".repeat(200_000);
    env.write("long.txt", format!("{PROSE} {long_word} {PROSE}"));
    env.write("nowords.txt", "y".repeat(50_000));
    env.write("invisible.txt", "Cyber\u{200B}sovereignty and\u{0007} control\u{200E} characters\u{FEFF} vanish from norms\u{0008} debates in the United\u{001B} Nations.");
    let (passages, warnings) = env.export();
    assert!(!warnings.contains("panicked"));
    let invisible = passages.iter().find(|p| p["doc"] == "invisible").unwrap();
    assert_eq!(invisible["text"], "Cybersovereignty and control characters vanish from norms debates in the United Nations.");
    assert!(passages.iter().filter(|p| p["doc"] == "nowords").map(|p| p["text"].as_str().unwrap().len()).sum::<usize>() == 50_000);
    let out = env.folio(&["search", "sovereignty", "--format", "json"]);
    no_panic(&out);
}

#[test]
fn right_to_left_mixed_scripts_greek_and_emoji() {
    let env = Env::new();
    env.write("ar.txt", "تؤكد الدول على سيادتها في الفضاء الإلكتروني وترفض التدخل في شؤونها الداخلية، وتطالب بقواعد دولية ملزمة لحماية البنية التحتية.");
    env.write("he-mixed.txt", "המדינות דנות בריבונות במרחב הסייבר (cyber sovereignty) ובנורמות של התנהגות אחראית ב־UN GGE.");
    env.write(
        "el.txt",
        "Η κυριαρχία των κρατών στον κυβερνοχώρο και η προστασία των κρίσιμων υποδομών απασχολούν τις διαπραγματεύσεις. ΚΥΡΙΑΡΧΙΑΣ ΚΥΒΕΡΝΟΧΩΡΟΥ ΥΠΟΔΟΜΩΝ ισα ισε ισω ουσα ησα αδες εδες ουδες ματων ιστες",
    );
    env.write("emoji.md", "# Emoji 🔐\n\nEncryption 🔐 and privacy 🕵️ online are human rights issues 🌍 for every state 🏛️ negotiating norms.");
    let (passages, warnings) = env.export();
    assert!(!warnings.contains("panicked"), "{warnings}");
    let lang = |doc: &str| passages.iter().find(|p| p["doc"] == doc).unwrap()["language"].as_str().unwrap().to_string();
    assert_eq!(lang("ar"), "ar");
    assert_eq!(lang("el"), "el");
    assert_eq!(lang("he-mixed"), "he");
    for (q, doc) in [("الفضاء", "ar"), ("κυβερνοχώρο", "el"), ("ריבונות", "he-mixed"), ("encryption", "emoji")] {
        let out = env.folio(&["search", q, "--format", "json", "--limit", "1"]);
        no_panic(&out);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["hits"][0]["passage"]["doc"], doc, "{q}");
    }
}

#[test]
fn unreadable_links_loops_and_deep_folders() {
    let env = Env::new();
    env.write("ok.txt", PROSE);
    std::os::unix::fs::symlink(env.corpus().join("missing.txt"), env.corpus().join("dangling.txt")).unwrap();
    std::os::unix::fs::symlink(env.corpus(), env.corpus().join("loop")).unwrap();
    let mut deep = env.corpus();
    for i in 0..70 {
        deep = deep.join(format!("d{i}"));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("deep.txt"), PROSE).unwrap();
    // A FIFO named like a document must not block the run.
    let fifo = env.corpus().join("pipe.txt");
    Command::new("mkfifo").arg(&fifo).status().unwrap();
    let (passages, warnings) = env.export();
    assert_eq!(passages.len(), 1, "{warnings}");
    assert!(warnings.contains("dangling.txt: cannot read"), "{warnings}");
    assert!(warnings.contains("symbolic link loop"), "{warnings}");
    assert!(warnings.contains("nested deeper than 64"), "{warnings}");
}

#[test]
fn bibtex_problems_are_reported_and_the_rest_kept() {
    let env = Env::new();
    env.write("a.txt", PROSE);
    env.write("b.txt", PROSE.replace("norms", "treaties"));
    env.write(
        "references.bib",
        "@article{a, author = {Roe, Jane}, title = {Norms}, file = {a.txt}}\n\
         @article{broken, title = {Unclosed\n\
         @article{ghost, title = {Nowhere}, file = {nowhere.txt}}\n\
         @article{a, author = {Doe, John}, title = {Duplicate}, file = {b.txt}}\n",
    );
    let (passages, warnings) = env.export();
    assert_eq!(passages.len(), 2);
    assert!(warnings.contains("BibTeX entry `broken` skipped"), "{warnings}");
    assert!(warnings.contains("names file `nowhere.txt`"), "{warnings}");
    assert!(warnings.contains("duplicate BibTeX key `a`"), "{warnings}");
    let a = passages.iter().find(|p| p["doc"] == "a").unwrap();
    assert_eq!(a["authors"][0], "Roe, Jane");
}

#[test]
fn malformed_taxonomy_or_thesaurus_names_file_line_and_column() {
    for (file, body, expected) in [
        ("topics.toml", "[[topic]]\nid = \"x\"\nlabel = [\n", "topics.toml:3:"),
        ("thesaurus.toml", "[[group]]\nterms = \"not a list\"\n", "thesaurus.toml:2:"),
    ] {
        let env = Env::new();
        env.write("ok.txt", PROSE);
        env.write(file, body);
        let out = env.folio(&["index"]);
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(stderr(&out).contains(expected), "{file}: {}", stderr(&out));
        let out = env.folio(&["check"]);
        assert_eq!(out.status.code(), Some(2), "{file}");
    }
}

#[test]
fn hostile_queries_never_crash() {
    let env = Env::new();
    env.write("ok.txt", PROSE);
    let many = "norms ".repeat(10_000);
    let cases: Vec<Vec<&str>> = vec![
        vec!["search", "\"unbalanced"],
        vec!["search", "((norms"],
        vec!["search", "norms))"],
        vec!["search", "bogus:field norms"],
        vec!["search", "*"],
        vec!["search", ""],
        vec!["search", "   "],
        vec!["search", &many],
        vec!["search", "norms", "--limit", "0"],
        vec!["search", "norms", "--limit", "18446744073709551615"],
        vec!["search", "NOT norms"],
        vec!["search", "-norms"],
        vec!["search", "year:abc norms"],
    ];
    for args in cases {
        let out = env.folio(&args);
        no_panic(&out);
        assert!(matches!(out.status.code(), Some(0) | Some(1)), "{args:?}: {}", stderr(&out));
    }
    let out = env.folio(&["search", "norms", "--limit", "0", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hits"].as_array().unwrap().len(), 0);
    assert_eq!(v["total"], 1);
    let out = env.folio(&["search", "norms", "--topic", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("valid topics: sovereignty, human-rights"), "{}", stderr(&out));
    let out = env.folio(&["search", "norms", "--year", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--year 2015..2020"), "{}", stderr(&out));
}

/// A corpus big enough that a debug-build index run takes a while.
fn big_corpus(env: &Env) {
    let para = "The Group of Governmental Experts met again and could not agree on how international law applies, while the Open-Ended Working Group opened the debate to every member state. ";
    for i in 0..120 {
        env.write(&format!("doc{i:03}.txt"), format!("{}\n\n", para.repeat(20)).repeat(20));
    }
}

#[test]
fn search_while_index_runs_sees_a_whole_index() {
    let env = Env::new();
    big_corpus(&env);
    assert_eq!(env.folio(&["index"]).status.code(), Some(0));
    let expected = env.folio(&["search", "working group", "--format", "json", "--limit", "3"]).stdout;
    let mut child = env.cmd(&["index", "--rebuild"]).stderr(Stdio::null()).spawn().unwrap();
    let mut n = 0;
    while child.try_wait().unwrap().is_none() && n < 200 {
        let out = env.folio(&["search", "working group", "--format", "json", "--limit", "3"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(out.stdout, expected, "a search during a rebuild saw another index");
        n += 1;
    }
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_second_index_run_is_refused_while_one_holds_the_lock() {
    let env = Env::new();
    env.write("ok.txt", PROSE);
    assert_eq!(env.folio(&["index"]).status.code(), Some(0));
    let lock = fs::OpenOptions::new().write(true).open(env.index().join(".lock")).unwrap();
    lock.lock().unwrap();
    let out = env.folio(&["index", "--rebuild"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("another `folio index` is writing"), "{}", stderr(&out));
    // A search of a stale index while the lock is held searches the live one.
    env.write("new.txt", PROSE.replace("norms", "treaties"));
    let out = env.folio(&["search", "norms"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("searching the current one"), "{}", stderr(&out));
    drop(lock);
    assert_eq!(env.folio(&["index"]).status.code(), Some(0));
}

#[test]
fn kill_9_during_index_leaves_the_previous_index_serving() {
    let env = Env::new();
    big_corpus(&env);
    assert_eq!(env.folio(&["index"]).status.code(), Some(0));
    let before = env.folio(&["search", "working group", "--format", "json"]).stdout;
    for delay_ms in [50, 150, 300, 600] {
        let mut child = env.cmd(&["index", "--rebuild"]).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let out = env.folio(&["search", "working group", "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "after kill at {delay_ms} ms: {}", stderr(&out));
        assert_eq!(out.stdout, before, "after kill at {delay_ms} ms");
    }
    // The next run recovers and cleans what the killed ones left.
    assert_eq!(env.folio(&["index", "--rebuild"]).status.code(), Some(0));
    let left: Vec<String> = fs::read_dir(env.index()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).filter(|n| n.starts_with(".build-") || n.ends_with(".tmp")).collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_index_folder_that_cannot_be_written_is_a_clear_error() {
    let env = Env::new();
    env.write("ok.txt", PROSE);
    // A path under a regular file can never be created, even by root.
    fs::write(env.dir.path().join("file"), "x").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["--corpus", env.corpus().to_str().unwrap(), "--index", env.dir.path().join("file/index").to_str().unwrap(), "search", "norms"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("file/index"), "{}", stderr(&out));
    no_panic(&out);
}

#[test]
fn files_changing_during_a_build_are_caught_by_the_next_check() {
    let env = Env::new();
    big_corpus(&env);
    let target = env.corpus().join("doc000.txt");
    let mut child = env.cmd(&["index"]).stderr(Stdio::null()).spawn().unwrap();
    // Rewrite one file while the build runs.
    for i in 0..20 {
        fs::write(&target, format!("Revision {i}: {PROSE}\n")).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(child.wait().unwrap().success());
    // Whatever the build saw, the next update makes the index match the file.
    assert_eq!(env.folio(&["index"]).status.code(), Some(0));
    assert_eq!(env.folio(&["check"]).status.code(), Some(0));
    let (passages, _) = env.export();
    let doc = passages.iter().find(|p| p["doc"] == "doc000").unwrap();
    assert!(doc["text"].as_str().unwrap().starts_with("Revision 19:"), "{}", doc["text"]);
}


#[test]
fn a_document_past_the_time_limit_is_reported_and_the_rest_indexed() {
    let env = Env::new();
    env.write("ok.txt", PROSE);
    // 1 MB of distinct paragraphs cannot be read and processed in no time at all.
    env.write("long.txt", (0..4_000).map(|i| format!("Paragraph {i} of the report: {PROSE}\n\n")).collect::<String>());
    let out = env.cmd(&["index"]).env("FOLIO_DOC_SECS", "0").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("long.txt") && err.contains("took longer than 0 s"), "{err}");
    // Without the limit both are indexed.
    let out = env.cmd(&["index"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (passages, _) = env.export();
    assert!(passages.iter().any(|p| p["doc"] == "long") && passages.iter().any(|p| p["doc"] == "ok"));
}
