//! Formats beyond plain text: HTML, DOCX, reStructuredText, Markdown front
//! matter, and the files a corpus holds that folio does not read. The real
//! binary on temporary corpora built from fixtures kept as text.

mod common;
use common::Env;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

impl Env {
    fn add(&self, name: &str, bytes: &[u8]) {
        let path = self.corpus().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    fn fixture(&self, name: &str) {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats").join(name);
        self.add(name, &fs::read(src).unwrap());
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

    fn index_json(&self) -> serde_json::Value {
        let out = self.folio(&["index", "--json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn passages(&self) -> Vec<serde_json::Value> {
        let out = self.folio(&["export", "--format", "jsonl"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn all_text(passages: &[serde_json::Value], doc: &str) -> String {
    passages.iter().filter(|p| p["doc"] == doc).map(|p| p["text"].as_str().unwrap().to_string()).collect::<Vec<_>>().join("\n")
}

#[test]
fn html_keeps_the_article_and_drops_the_chrome() {
    let env = Env::new();
    env.fixture("boilerplate.html");
    let report = env.index_json();
    let passages = env.passages();
    let text = all_text(&passages, "boilerplate");
    for kept in ["reaffirmed that international law applies", "Delegations still disagree", "knowingly allow their territory", "Protection of critical infrastructure", "Critical infrastructure protection | 2015", "programme of action proposed"] {
        assert!(text.contains(kept), "lost {kept:?} from:\n{text}");
    }
    for dropped in ["cookies", "About us", "Donate", "Share on", "6 min read", "newsletter", "latest analysis", "Related articles", "Ransomware diplomacy", "All rights reserved", "Privacy policy", "tracking pixel", "dataLayer", "font-family", "Home"] {
        assert!(!text.contains(dropped), "kept {dropped:?} in:\n{text}");
    }
    // Headings are sections; the footnote is a note passage the marker cites.
    assert!(passages.iter().any(|p| p["section"] == "Sovereignty and due diligence" && p["text"].as_str().unwrap().contains("Delegations")), "{passages:#?}");
    let note = passages.iter().find(|p| p["kind"] == "note").expect("a note passage");
    assert!(note["text"].as_str().unwrap().contains("A/75/816"), "{note}");
    // Metadata from the Highwire tags (no .bib entry), family names first for Chinese names.
    let first = &passages[0];
    assert_eq!(first["title"], "Cyber Norms after the Open-Ended Working Group");
    assert_eq!(first["authors"][0], "Guan, Yongping");
    assert_eq!(first["year"], 2023);
    let guessed = report["guessed"].as_array().unwrap();
    let g = guessed.iter().find(|g| g["key"] == "boilerplate").unwrap();
    assert_eq!(g["embedded"], serde_json::json!(["title", "authors", "year", "venue"]));
    assert!(g["bibtex_stub"].as_str().unwrap().starts_with("@misc{boilerplate,"), "{g}");
}

#[test]
fn html_nested_100000_deep_does_not_overflow() {
    let env = Env::new();
    let mut page = String::from("<html><body><h1>Deep Page</h1><p>Cyber sovereignty is contested among states, scholars and the companies that run the networks.</p>");
    page.push_str(&"<div>".repeat(100_000));
    page.push_str("Deep text about norms of state behaviour.");
    page.push_str(&"</div>".repeat(100_000));
    page.push_str("</body></html>");
    env.add("deep.html", page.as_bytes());
    let out = env.folio(&["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = all_text(&env.passages(), "deep");
    assert!(text.contains("Cyber sovereignty is contested") && text.contains("Deep text about norms"), "{text}");
}

/// A .docx built from XML parts (no binary in the repository).
fn docx(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(vec![]);
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, xml) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(xml.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

#[test]
fn docx_paragraphs_headings_notes_and_properties() {
    let env = Env::new();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Data Localisation in Practice</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Localisation laws</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Data localisation laws require that personal data about citizens be stored on servers inside the country</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Effects on trade</w:t></w:r></w:p>
<w:p><w:r><w:t>Economists estimate the costs of localisation for cross-border services trade &amp; investment.</w:t></w:r><w:r><w:endnoteReference w:id="1"/></w:r></w:p>
</w:body></w:document>"#
    );
    let footnotes = format!(r#"<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="2"><w:p><w:r><w:t>Federal Law No. 242-FZ of the Russian Federation, 2014.</w:t></w:r></w:p></w:footnote></w:footnotes>"#);
    let endnotes = format!(r#"<w:endnotes {W}><w:endnote w:id="1"><w:p><w:r><w:t>OECD estimates published in 2019.</w:t></w:r></w:p></w:endnote></w:endnotes>"#);
    let core = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>Data Localisation in Practice</dc:title><dc:creator>Anna Kulikova</dc:creator><dcterms:created>2021-02-03T10:00:00Z</dcterms:created></cp:coreProperties>"#;
    env.add("localisation.docx", &docx(&[("word/document.xml", &document), ("word/footnotes.xml", &footnotes), ("word/endnotes.xml", &endnotes), ("docProps/core.xml", core)]));
    let out = env.folio(&["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let passages = env.passages();
    assert!(passages.iter().any(|p| p["section"] == "Localisation laws" && p["text"].as_str().unwrap().contains("stored on servers inside the country")), "{passages:#?}");
    assert!(passages.iter().any(|p| p["section"] == "Effects on trade" && p["text"].as_str().unwrap().contains("trade & investment")), "{passages:#?}");
    let notes: Vec<&str> = passages.iter().filter(|p| p["kind"] == "note").map(|p| p["text"].as_str().unwrap()).collect();
    assert!(notes.iter().any(|n| n.contains("242-FZ")) && notes.iter().any(|n| n.contains("OECD")), "{notes:?}");
    assert_eq!(passages[0]["title"], "Data Localisation in Practice");
    assert_eq!(passages[0]["authors"][0], "Kulikova, Anna");
    assert_eq!(passages[0]["year"], 2021);
    // Title, authors and year all come from the document's properties: not "guessed".
    assert!(!passages[0].to_string().contains("guessed from the text"), "{}", passages[0]);
}

#[test]
fn a_zip_bomb_docx_is_refused_with_a_clear_warning() {
    let env = Env::new();
    let huge = format!("<w:document {W}><w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>", " ".repeat(80 << 20));
    env.add("bomb.docx", &docx(&[("word/document.xml", &huge)]));
    assert!(fs::metadata(env.corpus().join("bomb.docx")).unwrap().len() < 2 << 20, "the bomb is small on disk");
    env.add("ok.txt", b"Cyber sovereignty is contested among states and scholars alike.\n");
    let out = env.folio(&["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("bomb.docx") && err.contains("zip bomb"), "{err}");
    assert!(!all_text(&env.passages(), "ok").is_empty());
}

#[test]
fn rst_sections_kept_and_directives_dropped() {
    let env = Env::new();
    env.fixture("guide.rst");
    let out = env.folio(&["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let passages = env.passages();
    let text = all_text(&passages, "guide");
    assert!(text.contains("Capacity building helps developing states"), "{text}");
    assert!(text.contains("Donor coordination remains weak"), "{text}");
    for dropped in ["Table of Contents", ":depth:", "editors only", "figure1.png", ":alt:"] {
        assert!(!text.contains(dropped), "kept {dropped:?} in:\n{text}");
    }
    assert!(passages.iter().any(|p| p["section"] == "Regional organisations"), "{passages:#?}");
    assert!(passages.iter().any(|p| p["kind"] == "note" && p["text"].as_str().unwrap().contains("final report")), "{passages:#?}");
}

#[test]
fn markdown_front_matter_gives_metadata_and_affiliations_are_not_authors() {
    let env = Env::new();
    env.fixture("front.md");
    let report = env.index_json();
    let passages = env.passages();
    assert_eq!(passages[0]["title"], "Internet Fragmentation and the Splinternet");
    assert_eq!(passages[0]["authors"], serde_json::json!(["Liu, Xiaotong"]));
    assert_eq!(passages[0]["year"], 2022);
    assert!(!all_text(&passages, "front").contains("Splinternet\""));
    let g = &report["guessed"][0];
    assert_eq!(g["key"], "front");
    assert!(g["embedded"].as_array().unwrap().contains(&serde_json::json!("doi")), "{g}");
    // A BibTeX entry to fill in.
    let out = env.folio(&["bib-stub", "front"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stub = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stub.starts_with("@misc{front,") && stub.contains("title = {Internet Fragmentation and the Splinternet}") && stub.contains("doi = {10.5555/splinter.2022}") && stub.contains("file = {front.md}"), "{stub}");
    assert!(stub.trim_end().ends_with('}'), "{stub}");
    assert_eq!(env.folio(&["bib-stub", "nope"]).status.code(), Some(2));
}

#[test]
fn files_not_read_are_listed_with_reasons_and_do_not_fail_strict() {
    let env = Env::new();
    env.add("paper.txt", b"Cyber sovereignty is contested among states and scholars alike.\n");
    env.add("tool.exe", b"MZ\x00\x00");
    env.add("data/figures.xlsx", b"PK");
    env.add("README", b"read me");
    env.add(".DS_Store", b"junk");
    env.add("notes.json", b"{\"not\": \"a library\"}");
    let out = env.folio(&["index", "--strict"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("skipped 1 (unsupported format .exe): tool.exe"), "{err}");
    assert!(err.contains("data/figures.xlsx") && err.contains("no file extension") && err.contains(".DS_Store"), "{err}");
    let report = env.index_json();
    let skipped: Vec<(String, String)> = report["skipped"].as_array().unwrap().iter().map(|s| (s["path"].as_str().unwrap().into(), s["reason"].as_str().unwrap().into())).collect();
    assert_eq!(
        skipped,
        vec![
            (".DS_Store".into(), "hidden file".into()),
            ("README".into(), "no file extension".into()),
            ("data/figures.xlsx".into(), "unsupported format .xlsx".into()),
            ("notes.json".into(), "JSON that is not a CSL-JSON library".into()),
            ("tool.exe".into(), "unsupported format .exe".into()),
        ]
    );
    assert_eq!(report["skipped_by_reason"]["unsupported format .exe"], 1);
    assert_eq!(report["documents"], 1);
}

#[test]
fn epub_chapters_in_spine_order_with_package_metadata() {
    let env = Env::new();
    let container = r#"<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#;
    let opf = r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Governing Cyberspace</dc:title><dc:creator>Zhang Yuxin</dc:creator><dc:date>2019-04-01</dc:date></metadata>
<manifest><item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/><item id="c1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/></manifest>
<spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>"#;
    let ch1 = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Chapter One: Sovereignty</h1><p>The first chapter argues that cyber sovereignty extends the territorial principle to networks and data.</p></body></html>"#;
    let ch2 = r#"<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Chapter Two: Norms</h1><p>The second chapter traces how voluntary norms of state behaviour were negotiated at the United Nations.</p></body></html>"#;
    env.add("book.epub", &docx(&[("mimetype", "application/epub+zip"), ("META-INF/container.xml", container), ("OEBPS/content.opf", opf), ("OEBPS/text/ch2.xhtml", ch2), ("OEBPS/text/ch1.xhtml", ch1)]));
    let out = env.folio(&["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let passages = env.passages();
    let first = passages.iter().position(|p| p["text"].as_str().unwrap().contains("first chapter argues")).expect("chapter one");
    let second = passages.iter().position(|p| p["text"].as_str().unwrap().contains("second chapter traces")).expect("chapter two");
    assert!(first < second, "{passages:#?}");
    assert_eq!(passages[second]["section"], "Chapter Two: Norms");
    assert_eq!(passages[0]["title"], "Governing Cyberspace");
    assert_eq!(passages[0]["authors"][0], "Zhang, Yuxin");
    assert_eq!(passages[0]["year"], 2019);
}

#[test]
fn odt_headings_notes_and_metadata() {
    let env = Env::new();
    let content = r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>
<text:p text:style-name="Title">Forums of Internet Governance</text:p>
<text:h text:outline-level="1">Internet governance forums</text:h>
<text:p>The Internet Governance Forum gives civil society a voice in debates that intergovernmental bodies once held alone<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Tunis Agenda for the Information Society, 2005.</text:p></text:note-body></text:note>.</text:p>
</office:text></office:body></office:document-content>"#;
    let meta = r#"<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta><dc:title>Forums of Internet Governance</dc:title><meta:initial-creator>Asoke Mukerji</meta:initial-creator><meta:creation-date>2018-05-06T10:00:00</meta:creation-date></office:meta></office:document-meta>"#;
    env.add("forums.odt", &docx(&[("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", content), ("meta.xml", meta)]));
    let out = env.folio(&["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let passages = env.passages();
    assert!(passages.iter().any(|p| p["section"] == "Internet governance forums" && p["text"].as_str().unwrap().contains("civil society a voice")), "{passages:#?}");
    assert!(passages.iter().any(|p| p["kind"] == "note" && p["text"].as_str().unwrap().contains("Tunis Agenda")), "{passages:#?}");
    assert_eq!(passages[0]["title"], "Forums of Internet Governance");
    assert_eq!(passages[0]["authors"][0], "Mukerji, Asoke");
    assert_eq!(passages[0]["year"], 2018);
}

#[test]
fn an_index_kept_inside_the_corpus_is_one_skipped_line() {
    let env = Env::new();
    env.add("paper.txt", b"Cyber sovereignty is contested among states and scholars alike.\n");
    let index = env.corpus().join("idx");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["--corpus", env.corpus().to_str().unwrap(), "--index", index.to_str().unwrap(), "index", "--json"])
            .env_remove("FOLIO_CORPUS")
            .env_remove("FOLIO_INDEX")
            .output()
            .unwrap()
    };
    assert_eq!(run().status.code(), Some(0));
    let out = run();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["skipped"], serde_json::json!([{"path": "idx", "reason": "folio index folder"}]), "{report:#}");
    assert_eq!(report["documents"], 1);
}
