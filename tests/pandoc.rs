//! folio's citations through real `pandoc --citeproc`: a Markdown file cites two
//! passages with folio's pandoc syntax, the bibliography is folio's CSL-JSON,
//! and the rendered bibliography must name both works. `.ci/run` installs
//! pandoc from Debian's packages; where pandoc cannot be had the test says so
//! and skips.

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

#[test]
fn pandoc_citeproc_renders_folio_citations() {
    if Command::new("pandoc").arg("--version").output().is_err() {
        eprintln!("SKIPPED: pandoc is not installed here (`apt-get install pandoc`); .ci/run installs it");
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
