//! Property tests (proptest) for the parts that read untrusted text: the
//! cleaner and structure parser, the tokenizer, the query layer, the
//! reference parser, and the metadata readers (BibTeX, taxonomy, thesaurus).
//! They assert that nothing panics and that outputs keep their invariants.
//! CI runs the default number of cases; `PROPTEST_CASES=20000 cargo test
//! --release --test fuzz` is the long run (see the closing notes for timings).
//! Regressions found by fuzzing are named after what they broke, at the end.

use std::sync::OnceLock;

use folio::text::{split_words, Analyzer};
use folio::source::Extracted;
use folio::engine::build::{self as index, BuildOptions};
use folio::store::{self, IndexDir, OpenIndex};
use proptest::prelude::*;

mod common;

/// Pieces that exercise the cleaner's rules, mixed with arbitrary characters.
const PIECES: &[&str] = &[
    "\n", "\n\n", "\u{c}", "\r\n", "# ", "## ", "#### **", "1. ", "1.1. ", "2.3 ", "Part II: ", "- ", "* ", "• ", "(a) ", "[3] ", "**", "*", "_",
    "[EF4]", "[JS12] ", "^[3]", "[12]", "space.3 ", "References", "Notes:", "Abstract: ", "Keywords: ", "http: / /www. cnas. org/x_1. pdf",
    "doi:10.1000/xyz", "recommenda-", "-\n", "tions", "A s ", "VER ", "T\n\n", "he ", "**T** n ", "**O**need", "<br/>", "&amp;", "```", "====",
    "----", "> ", "ΚΥΡΙΑΡΧΙΑΣ ", "κυβερνοχώρος ", "网络主权", "🔐", "\u{200B}", "\u{202E}", "\u{0}", "(Lewis, 2017)", "function(b){return this.each(",
    "©2018 by X. Proudly created with Wix.com", "top of page", "Comments", "- Like\n- Digg\n- Tumblr\n", "Despite t equitable r ", "Jane Roe", "Writer: ",
    "University of X", "Nov 30, 2017", "the", "norms", "sovereignty", ". ", ", ", "cyber", "The Convention", "\t", "  ", "12", "A", "é", "ß",
];

fn messy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => "[a-zA-Z]{1,12}".prop_map(|s| s + " "),
    ];
    prop::collection::vec(piece, 0..200).prop_map(|v| v.concat())
}

fn tagger() -> &'static folio::vocab::tagger::Tagger {
    static TAGGER: OnceLock<folio::vocab::tagger::Tagger> = OnceLock::new();
    TAGGER.get_or_init(|| folio::vocab::tagger::Tagger::new(folio::vocab::taxonomy::Taxonomy::builtin()))
}

fn build(text: &str) -> folio::doc::passages::BuiltDoc {
    folio::doc::passages::build(&Extracted::from_text("fuzz.txt", text), tagger())
}

/// The bundled corpus, indexed once for the query properties.
fn bundled() -> &'static OpenIndex {
    static OPEN: OnceLock<(tempfile::TempDir, OpenIndex)> = OnceLock::new();
    &OPEN
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = common::seed_corpus();
            let scan = folio::source::scan(&corpus).unwrap();
            let index_dir = IndexDir::new(dir.path().join("index"));
            index::build(&index_dir, &scan, BuildOptions::default(), &mut |_, _, _| {}).unwrap();
            let open = store::open(&index_dir).unwrap();
            (dir, open)
        })
        .1
}

proptest! {
    #[test]
    fn cleaner_and_structure_never_panic_and_keep_invariants(text in messy_text()) {
        let built = build(&text);
        let n_lines = text.split('\n').count() as u32;
        for (i, p) in built.passages.iter().enumerate() {
            prop_assert_eq!(p.paragraph as usize, i + 1);
            prop_assert!(p.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "id {:?}", p.id);
            prop_assert!(built.passages[..i].iter().all(|q| q.id != p.id), "duplicate id {:?}", p.id);
            prop_assert!(!p.text.trim().is_empty());
            prop_assert!(p.source.line_start >= 1 && p.source.line_start <= p.source.line_end && p.source.line_end <= n_lines);
            let invisible = p.text.contains('\u{200B}') || p.text.contains('\u{202E}');
            prop_assert!(!invisible, "invisible characters left in {:?}", p.text);
            prop_assert!(p.topic_scores.values().all(|s| (0.0..=1.0).contains(s)));
        }
        // Deterministic: the same text gives the same passages.
        prop_assert_eq!(build(&text).passages, built.passages);
    }

    #[test]
    fn tokenizer_offsets_stay_on_char_boundaries(text in messy_text(), lang in prop::sample::select(vec!["en", "fr", "de", "ru", "el", "ar", "zh", "und"])) {
        let mut tokens = vec![];
        split_words(&text, &mut tokens);
        for t in &tokens {
            prop_assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to) && t.offset_from < t.offset_to);
        }
        let stems = Analyzer::for_lang(lang).terms(&text);
        prop_assert_eq!(stems.len(), tokens.len());
    }

    #[test]
    fn queries_never_panic(q in prop_oneof![messy_text(), "[ a-z\"()*:+\\-]{0,60}".prop_map(String::from)], limit in 0usize..50) {
        let parsed = folio::retrieve::query::parse(&q);
        prop_assert!(parsed.clauses.len() <= 512);
        let open = bundled();
        let request = folio::retrieve::SearchRequest { query: q, limit, ..Default::default() };
        let response = folio::retrieve::search(open, &request).unwrap();
        prop_assert!(response.hits.len() <= limit);
        prop_assert!(response.hits.len() <= response.total);
        for h in &response.hits {
            prop_assert!(h.snippet.matches("<mark>").count() == h.snippet.matches("</mark>").count());
        }
    }

    #[test]
    fn reference_parsing_and_markers_never_panic(text in messy_text(), marker in prop::option::of("[-*\\[\\]0-9. ]{0,6}")) {
        let r = folio::doc::references::parse_entry(marker.as_deref(), &text, &text);
        prop_assert_eq!(r.text, text.clone());
        let (cleaned, _) = folio::doc::references::extract_markers(&text, &|n: &str| n.len() < 2);
        prop_assert!(cleaned.len() <= text.len() + 1);
    }

    #[test]
    fn metadata_readers_never_panic(text in messy_text(), bibish in "(@[a-z]{0,8}\\{[a-z0-9,= {}\"@\n]{0,80})*") {
        let _ = folio::source::bib::read(&text, "references.bib");
        let _ = folio::source::bib::read(&bibish, "references.bib");
        let _ = folio::vocab::taxonomy::Taxonomy::parse(&text, "topics.toml");
        let _ = folio::vocab::thesaurus::Thesaurus::parse(&text, "thesaurus.toml");
        let toml_like = format!("[[topic]]\nid = \"{}\"\nlabel = \"x\"\n[topic.terms.en]\n\"{}\" = 1.0\n", text.replace(['"', '\\', '\n'], ""), text.replace(['"', '\\', '\n'], ""));
        if let Ok(t) = folio::vocab::taxonomy::Taxonomy::parse(&toml_like, "topics.toml") {
            let tagger = folio::vocab::tagger::Tagger::new(t);
            let _ = tagger.tag(&text, "en", None, &[]);
        }
        let thesaurus_like = format!("[[group]]\nterms = [\"{}\", \"x\"]\n", text.replace(['"', '\\', '\n'], ""));
        if let Ok(t) = folio::vocab::thesaurus::Thesaurus::parse(&thesaurus_like, "thesaurus.toml") {
            let words: Vec<String> = text.split_whitespace().map(String::from).collect();
            let _ = t.expand(&words);
        }
    }
}

// Regressions found by the properties above, named after what they broke.

#[test]
fn regression_excluding_a_phrase_asserted_in_tantivy_exclusion() {
    let open = bundled();
    for q in ["----References**1. \n", "-\"references 1\"", "norms -\"international law\"", "NOT \"cyber sovereignty\""] {
        let r = folio::retrieve::search(open, &folio::retrieve::SearchRequest { query: q.into(), limit: 5, ..Default::default() }).unwrap();
        assert!(!r.hits.is_empty(), "{q}");
        assert!(r.hits.iter().all(|h| !h.passage.text.to_lowercase().contains("international law") || !q.contains("international law")), "{q}");
    }
}

#[test]
fn regression_a_label_without_text_made_an_empty_passage() {
    assert!(build("Abstract: ").passages.is_empty());
    assert!(build("Abstract:\n\nKeywords: \n").passages.is_empty());
    let labelled = build("Abstract: States agree.\n\nKeywords: norms\n");
    assert_eq!(labelled.passages.len(), 1);
    assert_eq!(labelled.passages[0].text, "States agree.");
}

// Every extractor, on mutated bytes of a valid file of its format: flipped
// bytes and truncation never panic, and a reader that gives up says why with
// the file's path.

/// A zip archive of the given parts (DOCX, ODT and EPUB are zips).
fn zipped(parts: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(vec![]);
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, content) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

/// A one-page PDF written by hand, with a correct cross-reference table.
fn tiny_pdf() -> Vec<u8> {
    pdf_with_catalog_extra("")
}

/// The one-page PDF with `extra` inside its catalog dictionary.
fn pdf_with_catalog_extra(extra: &str) -> Vec<u8> {
    let stream = "BT /F1 12 Tf 72 720 Td (States agree on norms of responsible behaviour.) Tj ET";
    let objects = [
        format!("<< /Type /Catalog /Pages 2 0 R {extra}>>"),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = vec![];
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for o in offsets {
        out.push_str(&format!("{o:010} 00000 n \n"));
    }
    out.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1));
    out.into_bytes()
}

/// A valid file of each format, by extension.
fn seed_files() -> Vec<(&'static str, Vec<u8>)> {
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let docx = zipped(&[
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", &format!(r#"<w:document {w}><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Norms</w:t></w:r></w:p><w:p><w:r><w:t>States agree.</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r></w:p></w:body></w:document>"#)),
        ("word/footnotes.xml", &format!(r#"<w:footnotes {w}><w:footnote w:id="2"><w:p><w:r><w:t>See the report.</w:t></w:r></w:p></w:footnote></w:footnotes>"#)),
        ("docProps/core.xml", r#"<cp:coreProperties xmlns:cp="c" xmlns:dc="d"><dc:title>Norms</dc:title><dc:creator>Jane Roe</dc:creator></cp:coreProperties>"#),
    ]);
    let odt = zipped(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("content.xml", r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text><text:h text:outline-level="1">Norms</text:h><text:p>States agree.<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>See the report.</text:p></text:note-body></text:note></text:p></office:text></office:body></office:document-content>"#),
    ]);
    let epub = zipped(&[
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", r#"<container><rootfiles><rootfile full-path="OEBPS/content.opf"/></rootfiles></container>"#),
        ("OEBPS/content.opf", r#"<package><metadata><dc:title xmlns:dc="d">Norms</dc:title></metadata><manifest><item id="c1" href="c1.xhtml"/></manifest><spine><itemref idref="c1"/></spine></package>"#),
        ("OEBPS/c1.xhtml", "<html><body><h1>Norms</h1><p>States agree on norms of responsible behaviour.</p></body></html>"),
    ]);
    let html = b"<!DOCTYPE html><html><head><title>Norms</title><meta name=\"citation_title\" content=\"Norms\"></head><body><nav><a href=\"/\">Home</a></nav><article><h1>Norms</h1><p>States agree.<sup><a href=\"#fn1\">1</a></sup></p><ol><li id=\"fn1\">See the report.</li></ol></article><footer>(c) 2024</footer></body></html>".to_vec();
    let rst = b"Norms\n=====\n\nStates agree [1]_.\n\n.. note:: Keep this.\n\n.. [1] See the report.\n".to_vec();
    vec![("docx", docx), ("odt", odt), ("epub", epub), ("html", html), ("rst", rst), ("pdf", tiny_pdf())]
}

fn planned(path: &std::path::Path, rel_path: &str, size: u64) -> folio::source::Planned {
    folio::source::Planned {
        file: folio::source::FoundFile { rel_path: rel_path.into(), path: path.to_path_buf(), size, mtime_ns: 0 },
        key: "fuzz".into(),
        meta: folio::model::DocMeta { key: "fuzz".into(), guessed: true, ..Default::default() },
        has_entry: false,
        entry_hash: String::new(),
    }
}

proptest! {
    // 48 cases by default (each may start pdftotext); PROPTEST_CASES for a long run.
    #![proptest_config(ProptestConfig::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48)))]
    #[test]
    fn extractors_survive_mutated_files(which in 0usize..6, flips in prop::collection::vec((any::<usize>(), any::<u8>()), 0..12), cut in any::<usize>()) {
        let seeds = seed_files();
        let (ext, mut bytes) = seeds[which].clone();
        for (at, b) in flips {
            let n = bytes.len();
            bytes[at % n] = b;
        }
        bytes.truncate(bytes.len() - cut % (bytes.len() / 2 + 1));
        let dir = tempfile::tempdir().unwrap();
        let rel = format!("doc.{ext}");
        let path = dir.path().join(&rel);
        std::fs::write(&path, &bytes).unwrap();
        let format = folio::source::Format::of(&rel).unwrap();
        let mut warnings = vec![];
        let doc = folio::source::extract::extract(&planned(&path, &rel, bytes.len() as u64), format, &bytes, &mut warnings);
        // A document, or a reason naming the file.
        prop_assert!(doc.is_some() || warnings.iter().any(|w| w.path == rel), "{ext}: no document and no warning");
        if let Some(doc) = doc {
            let built = folio::doc::passages::build(&doc, tagger());
            prop_assert!(built.passages.iter().all(|p| !p.text.trim().is_empty()));
        }
    }
}

#[test]
fn deeply_nested_pdf_objects_are_read_or_reported_never_a_crash() {
    if std::process::Command::new("pdftotext").arg("-v").output().is_err() {
        assert!(std::env::var("CI").is_err(), "pdftotext is missing under CI");
        eprintln!("SKIPPED: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    }
    for extra in ["/Deep ".to_string() + &"[".repeat(100_000) + &"]".repeat(100_000) + " ", "/Deep ".to_string() + &"<< /A ".repeat(60_000) + &">> ".repeat(60_000)] {
        let bytes = pdf_with_catalog_extra(&extra);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep.pdf");
        std::fs::write(&path, &bytes).unwrap();
        let mut warnings = vec![];
        let doc = folio::source::extract::extract(&planned(&path, "deep.pdf", bytes.len() as u64), folio::source::Format::Pdf, &bytes, &mut warnings);
        assert!(doc.is_some() || warnings.iter().any(|w| w.path == "deep.pdf"), "{warnings:?}");
    }
}

#[test]
fn every_seed_file_is_read() {
    for (ext, bytes) in seed_files() {
        if ext == "pdf" && std::process::Command::new("pdftotext").arg("-v").output().is_err() {
            assert!(std::env::var("CI").is_err(), "pdftotext is missing under CI");
            eprintln!("SKIPPED the PDF seed: pdftotext is not installed (apt-get install poppler-utils)");
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let rel = format!("doc.{ext}");
        let path = dir.path().join(&rel);
        std::fs::write(&path, &bytes).unwrap();
        let mut warnings = vec![];
        let doc = folio::source::extract::extract(&planned(&path, &rel, bytes.len() as u64), folio::source::Format::of(&rel).unwrap(), &bytes, &mut warnings);
        let doc = doc.unwrap_or_else(|| panic!("{ext}: {warnings:?}"));
        assert!(doc.text.contains("States agree"), "{ext}: {}", doc.text);
    }
}
