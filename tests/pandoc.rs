//! folio's citations through real `pandoc --citeproc`: a Markdown file cites two
//! passages with folio's pandoc syntax, the bibliography is folio's CSL-JSON,
//! and the rendered bibliography must name both works. `.ci/run` installs
//! pandoc from Debian's packages; where pandoc cannot be had the test says so
//! and skips, loudly; under CI (`CI=true`) a missing pandoc fails.
//!
//! `csl_json_renders_like_the_bib_itself`: for a .bib covering article, book,
//! incollection, inproceedings, report, techreport, thesis, online and misc
//! (a UN document), pandoc renders folio's CSL-JSON exactly as it renders the
//! .bib, in chicago-author-date (pandoc's default), OSCOLA and Vancouver
//! (shipped with folio), references and in-text citations with locators alike.

use std::fs;
use std::path::Path;
use std::process::Command;

fn folio(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["--corpus", dir.join("corpus").to_str().unwrap(), "--index", dir.join("index").to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// True when pandoc runs; under CI a missing pandoc is a failure.
fn have_pandoc() -> bool {
    if Command::new("pandoc").arg("--version").output().is_ok() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("pandoc is not installed but CI is set: .ci/run installs it (`apt-get install pandoc`)");
    }
    eprintln!("\n\n********\nSKIPPED: pandoc is not installed here (`apt-get install pandoc`); .ci/run installs it\n********\n");
    false
}

#[test]
fn pandoc_citeproc_renders_folio_citations() {
    if !have_pandoc() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    for e in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), corpus.join(e.file_name())).unwrap();
    }
    let ids = ["guan-governance:7", "mukerji-2020-convention:47"];
    let mut items: Vec<serde_json::Value> = vec![];
    let mut cites = vec![];
    for id in ids {
        let json: serde_json::Value = serde_json::from_str(&folio(dir.path(), &["cite", id, "--format", "csl-json"])).unwrap();
        items.extend(json.as_array().unwrap().iter().cloned());
        cites.push(folio(dir.path(), &["cite", id, "--format", "pandoc"]).trim().to_string());
    }
    assert_eq!(cites[0], "[@guan-governance, §1.3 ¶7]");
    fs::write(dir.path().join("refs.json"), serde_json::to_string(&items).unwrap()).unwrap();
    let md = format!("---\ntitle: Note\n---\n\nStates disagree on self-defence {}. A convention is overdue {}.\n\n# References\n", cites[0], cites[1]);
    fs::write(dir.path().join("note.md"), md).unwrap();
    let out = Command::new("pandoc")
        .args(["--citeproc", "--bibliography", "refs.json", "-t", "plain", "note.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    assert!(text.contains("Guan"), "{text}");
    assert!(text.contains("Mukerji 2020") || text.contains("Mukerji, 2020"), "{text}");
    assert!(text.contains("The Need for an International Convention on Cyberspace"), "{text}");
    assert!(text.contains("The Past, Conundrums, and Future of International Cybersecurity Governance"), "{text}");
    assert!(text.contains("Horizons"), "{text}");
    assert!(!text.contains("???"), "unresolved citation: {text}");
}

/// The documents of `tests/data/cite-refs.bib`, one per entry (its `file` field).
const CITE_FILES: [(&str, &str); 9] = [
    ("mukerji-2020", "mukerji.txt"),
    ("schmitt-2017", "tallinn.txt"),
    ("finnemore-2017", "finnemore.txt"),
    ("healey-2019", "healey.txt"),
    ("ridout-2022", "ridout.txt"),
    ("lewis-2018", "lewis.txt"),
    ("korzak-2016", "korzak.txt"),
    ("liu-2017", "liu.txt"),
    ("un-a-70-174", "un.txt"),
];

fn pandoc_plain(dir: &Path, bibliography: &str, csl: Option<&Path>) -> String {
    let mut cmd = Command::new("pandoc");
    cmd.args(["--citeproc", "--wrap=none", "-t", "plain", "--bibliography", bibliography, "note.md"]).current_dir(dir);
    if let Some(csl) = csl {
        cmd.arg("--csl").arg(csl);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn csl_json_renders_like_the_bib_itself() {
    if !have_pandoc() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    let bib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cite-refs.bib")).unwrap();
    fs::write(corpus.join("references.bib"), &bib).unwrap();
    fs::write(dir.path().join("refs.bib"), &bib).unwrap();
    for (key, file) in CITE_FILES {
        fs::write(corpus.join(file), format!("States debate how international law applies in cyberspace, and {key} takes a view on due diligence, sovereignty and the norms of responsible state behaviour.\n")).unwrap();
    }
    let mut items: Vec<serde_json::Value> = vec![];
    let mut cites = vec![];
    for (key, _) in CITE_FILES {
        let json: serde_json::Value = serde_json::from_str(&folio(dir.path(), &["cite", &format!("{key}:1"), "--format", "csl-json"])).unwrap();
        items.extend(json.as_array().unwrap().iter().cloned());
        cites.push(format!("Claim {key} [@{key}, p. 5]."));
    }
    fs::write(dir.path().join("refs.json"), serde_json::to_string_pretty(&items).unwrap()).unwrap();
    fs::write(dir.path().join("note.md"), format!("{}\n\n# References\n", cites.join("\n\n"))).unwrap();
    let shipped = |name: &str| Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cite/styles").join(name);
    let (oscola, vancouver) = (shipped("oscola.csl"), shipped("vancouver.csl"));
    let mut identical = 0;
    for csl in [None, Some(oscola.as_path()), Some(vancouver.as_path())] {
        let from_bib = pandoc_plain(dir.path(), "refs.bib", csl);
        let from_folio = pandoc_plain(dir.path(), "refs.json", csl);
        assert!(!from_bib.contains("???"), "{from_bib}");
        let a: Vec<&str> = from_bib.lines().filter(|l| !l.trim().is_empty()).collect();
        let b: Vec<&str> = from_folio.lines().filter(|l| !l.trim().is_empty()).collect();
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y, "style {csl:?}: pandoc renders folio's CSL-JSON differently from the .bib\nCSL-JSON: {}", serde_json::to_string_pretty(&items).unwrap());
        }
        assert_eq!(a.len(), b.len(), "style {csl:?}:\n{from_bib}\n---\n{from_folio}");
        assert!(a.len() >= 2 * CITE_FILES.len(), "{from_bib}");
        identical += 1;
    }
    eprintln!("{} entries × {identical} styles rendered identically from the .bib and from folio's CSL-JSON", CITE_FILES.len());
}
