//! PDF input through the real `folio` binary: fixtures built from the
//! sources in `tests/pdf-src/` (groff, ghostscript, pdflatex, qpdf) into a
//! temporary folder, hostile files made here.
//!
//! A test that needs a missing system tool fails when CI=true and otherwise
//! says loudly that it skipped.

mod common;
use common::Env;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const BUILD_TOOLS: &[&str] = &["pdftotext", "groff", "ps2pdf", "gs", "pdflatex", "qpdf"];

/// True when every tool runs; else fails under CI=true or prints a skip notice.
fn have_tools(test: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| Command::new(t).arg("--version").output().is_err()).collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!("{test}: missing system tools {missing:?} (apt-get install poppler-utils qpdf groff ghostscript texlive-latex-base)");
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
    eprintln!("\n!!!!!!!! SKIPPED {msg} !!!!!!!!\n");
    false
}

/// The fixture folder, built once per test run.
fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::Builder::new().prefix("folio-pdf-fixtures").tempdir().unwrap().keep();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pdf-src/make.sh");
        let out = Command::new("sh").arg(&script).arg(&dir).output().unwrap();
        assert!(out.status.success(), "make.sh failed: {}", String::from_utf8_lossy(&out.stderr));
        dir
    })
}

impl Env {
    fn add(&self, fixture: &str, name: &str) {
        fs::copy(fixtures().join(fixture), self.corpus().join(name)).unwrap();
    }
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) {
        fs::write(self.corpus().join(name), bytes).unwrap();
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_folio"));
        c.args(["--corpus", self.corpus().to_str().unwrap(), "--index", self.dir.path().join("index").to_str().unwrap()]).args(args);
        c.env_remove("FOLIO_CORPUS").env_remove("FOLIO_INDEX");
        c
    }
    fn folio(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }
    /// Passages of the export, and stderr (the warnings).
    fn export_with(&self, mut cmd: Command) -> (Vec<serde_json::Value>, String) {
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(matches!(out.status.code(), Some(0) | Some(1)), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        (String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect(), err)
    }
    fn export(&self) -> (Vec<serde_json::Value>, String) {
        self.export_with(self.cmd(&["export", "--format", "jsonl"]))
    }
}

fn text(p: &serde_json::Value) -> &str {
    p["text"].as_str().unwrap()
}

fn pages(p: &serde_json::Value) -> Vec<String> {
    p["citation"]["pages"].as_array().or(p["pages"].as_array()).map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect()).unwrap_or_default()
}

/// The passage containing `needle` (exactly one).
fn find<'a>(passages: &'a [serde_json::Value], needle: &str) -> &'a serde_json::Value {
    let hits: Vec<&serde_json::Value> = passages.iter().filter(|p| text(p).contains(needle)).collect();
    assert_eq!(hits.len(), 1, "{needle:?} in {} passages", hits.len());
    hits[0]
}

/// Body sentences of the groff source, in order (footnote bodies and
/// requests left out).
fn source_sentences() -> Vec<String> {
    let src = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pdf-src/article.ms")).unwrap();
    let mut out = vec![];
    let mut in_note = false;
    let body = &src[src.find("\n.NH\n").unwrap()..];
    for line in body.lines() {
        match line {
            ".FS" => in_note = true,
            ".FE" => in_note = false,
            _ if in_note || line.starts_with('.') || line.starts_with('\\') || line.trim().is_empty() => {}
            _ => out.extend(line.replace("\\**", "").split(". ").map(|s| s.trim_end_matches('.').to_string()).filter(|s| s.split(' ').count() >= 8)),
        }
    }
    out
}

const BIB: &str = "@article{author2018norms,\n  title = {Flexible Norms of Responsible State Behaviour in Cyberspace},\n  author = {Author, Alice and Writer, Bob},\n  journal = {Journal of Cyber Policy},\n  year = {2018},\n  file = {norms.pdf}\n}\n";

#[test]
fn two_column_article_reads_in_order_without_furniture_and_cites_pages() {
    if !have_tools("two_column_article", BUILD_TOOLS) {
        return;
    }
    let env = Env::new();
    env.add("article.pdf", "norms.pdf");
    env.write("references.bib", BIB);
    let (passages, warnings) = env.export();
    assert!(!warned(&warnings, "norms.pdf"), "{warnings}");
    assert!(passages.len() > 20, "{} passages", passages.len());
    // Every body sentence of the source, verbatim and in order.
    let all: String = passages.iter().filter(|p| p["kind"] == "body").map(text).collect::<Vec<_>>().join(" ");
    let sentences = source_sentences();
    assert!(sentences.len() > 80, "{}", sentences.len());
    let mut pos = 0;
    for s in &sentences {
        let at = all[pos..].find(s.as_str()).unwrap_or_else(|| panic!("sentence not found in order: {s:?}"));
        pos += at + s.len();
    }
    // Running heads, stamps and the DOI note are gone.
    for furniture in ["Downloaded from", "Journal of Cyber Policy 11", "Norms of Cyberspace", "doi.org", "Received 2 January"] {
        assert!(passages.iter().all(|p| !text(p).contains(furniture)), "{furniture:?} left in a passage");
    }
    // Sentences carry the printed page they are on.
    let on_118 = find(&passages, "Capacity a institutional cross-border security response responsibility");
    assert_eq!(pages(on_118), ["118"], "{on_118}");
    let first = find(&passages, "Transparency disclosure sovereignty negotiations international");
    assert_eq!(pages(first), ["117"]);
    let spanning = find(&passages, "Of agreement response state-sponsored these and implementation");
    assert_eq!(pages(spanning), ["117", "118"]);
    // Real compounds keep their hyphen; words split by typesetting are whole.
    assert!(all.contains("confidence-building") && all.contains("multi-stakeholder"));
    assert!(!all.contains("organi- sations") && !all.contains("¬"));
    // The citation points at the page.
    let id = on_118["id"].as_str().unwrap();
    let out = env.folio(&["cite", id, "--format", "pandoc"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[@author2018norms, p. 118]", "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn footnotes_become_notes_linked_from_the_body() {
    if !have_tools("footnotes", BUILD_TOOLS) {
        return;
    }
    let env = Env::new();
    env.add("article.pdf", "norms.pdf");
    let (passages, _) = env.export();
    let notes: Vec<&serde_json::Value> = passages.iter().filter(|p| p["kind"] == "note").collect();
    assert!(notes.len() >= 8, "{} notes", notes.len());
    let note = find(&passages, "paragraph 12; compare the official reflection");
    assert_eq!(note["kind"], "note");
    assert_eq!(pages(note), ["118"]);
    // The body passage that carried marker 2 cites that note; the marker is gone from its text.
    let body = find(&passages, "Response significant effective report principle in state-sponsored");
    assert_eq!(body["kind"], "body");
    let cites = body["cites"].as_array().unwrap();
    assert!(cites.iter().any(|c| c["reference"] == note["id"]), "{cites:?} vs {}", note["id"]);
    assert!(!text(body).contains("^["));
    // Without a BibTeX entry the metadata comes from the PDF and is guessed.
    assert_eq!(note["title"], "Flexible Norms of Responsible State Behaviour in Cyberspace");
    // The DOI printed in the first-page note is kept (the note itself is not a passage).
    let out = env.folio(&["cite", body["id"].as_str().unwrap(), "--format", "csl-json"]);
    let csl = String::from_utf8_lossy(&out.stdout);
    assert!(csl.contains("\"DOI\": \"10.5555/jcp.2018.1234567\"") && csl.contains("guessed"), "{csl}");
}

#[test]
fn page_labels_give_roman_front_matter() {
    if !have_tools("page_labels", BUILD_TOOLS) {
        return;
    }
    let env = Env::new();
    env.add("report.pdf", "report.pdf");
    let (passages, warnings) = env.export();
    assert!(!warned(&warnings, "report.pdf"), "{warnings}");
    let first = find(&passages, "Transparency disclosure sovereignty negotiations international");
    assert_eq!(pages(first), ["1"]);
    assert!(passages.iter().any(|p| pages(p) == ["ii"]), "no passage on page ii");
    // Info title and author (no BibTeX entry).
    assert_eq!(first["title"], "Annual Report on Cyber Norms");
    assert_eq!(first["authors"][0], "Chair, Carol");
    let note = find(&passages, "paragraph 11; compare");
    assert_eq!(note["kind"], "note");
}

/// A PDF whose only content stream inflates to `mib` MiB of text operators.
fn bomb(mib: usize) -> Vec<u8> {
    use flate2::{write::ZlibEncoder, Compression};
    use std::io::Write;
    let chunk = "BT /F1 12 Tf 100 700 Td (A) Tj ET\n".repeat(30_000);
    let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
    for _ in 0..(mib << 20) / chunk.len() {
        z.write_all(chunk.as_bytes()).unwrap();
    }
    let content = z.finish().unwrap();
    let mut objs: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        [format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", content.len()).into_bytes(), content, b"\nendstream".to_vec()].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = vec![];
    for (i, o) in objs.iter_mut().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.append(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objs.len() + 1).as_bytes());
    out
}

#[test]
fn locked_scanned_and_hostile_pdfs_are_named_and_the_rest_is_indexed() {
    if !have_tools("hostile", BUILD_TOOLS) {
        return;
    }
    let env = Env::new();
    env.add("encrypted-empty.pdf", "encrypted.pdf");
    env.add("locked.pdf", "locked.pdf");
    env.add("scan.pdf", "scan.pdf");
    let article = fs::read(fixtures().join("article.pdf")).unwrap();
    env.write("truncated.pdf", &article[..article.len() / 3]);
    let cut = article.windows(9).rposition(|w| w == b"startxref").unwrap();
    env.write("broken-xref.pdf", [&article[..cut], b"startxref\n999999\n%%EOF\n"].concat());
    env.write("page.pdf", "<!DOCTYPE html>\n<html><head><title>Norms</title></head><body><p>Not a PDF.</p></body></html>\n");
    env.write("bomb.pdf", bomb(256));
    env.write("empty.pdf", "");
    env.write("notes.txt", "States negotiate norms of responsible behaviour in cyberspace and argue about sovereignty.\n");
    let mut cmd = env.cmd(&["export", "--format", "jsonl"]);
    cmd.env("FOLIO_PDF_MEM_MB", "256").env("FOLIO_PDF_WALL_SECS", "20");
    let started = std::time::Instant::now();
    let (passages, warnings) = env.export_with(cmd);
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
    let docs: std::collections::BTreeSet<&str> = passages.iter().map(|p| p["doc"].as_str().unwrap()).collect();
    // An empty user password is no obstacle, poppler repairs the xref, the text file is there.
    assert!(docs.contains("encrypted") && docs.contains("broken-xref") && docs.contains("notes"), "{docs:?}\n{warnings}");
    let warned = |file: &str, what: &str| {
        assert!(warnings.lines().any(|l| l.contains(file) && l.contains(what)), "no warning {what:?} for {file}:\n{warnings}");
        assert!(!docs.contains(file.trim_end_matches(".pdf")), "{file} indexed");
    };
    warned("locked.pdf", "password-protected PDF: remove the password first, e.g. qpdf --decrypt --password=PW in.pdf out.pdf");
    warned("scan.pdf", "no text layer");
    warned("scan.pdf", "run OCR first, e.g. ocrmypdf in.pdf out.pdf");
    // A web page saved as .pdf is read as HTML, with a note.
    assert!(warnings.lines().any(|l| l.contains("page.pdf") && l.contains("an HTML page saved as .pdf): read as HTML")), "{warnings}");
    assert!(passages.iter().any(|p| p["doc"] == "page" && p["text"] == "Not a PDF."), "the HTML saved as .pdf is indexed");
    warned("truncated.pdf", "PDF");
    warned("bomb.pdf", "PDF extraction stopped");
    warned("empty.pdf", "empty file");
}

#[test]
fn without_pdftotext_each_pdf_is_named_with_the_install_command() {
    if !have_tools("no_pdftotext", BUILD_TOOLS) {
        return;
    }
    let env = Env::new();
    env.add("article.pdf", "norms.pdf");
    env.write("notes.txt", "States negotiate norms of responsible behaviour in cyberspace and argue about sovereignty.\n");
    let empty_path = env.dir.path().join("no-tools");
    fs::create_dir_all(&empty_path).unwrap();
    let mut cmd = env.cmd(&["export", "--format", "jsonl"]);
    cmd.env("PATH", &empty_path);
    let (passages, warnings) = env.export_with(cmd);
    assert!(warnings.contains("norms.pdf") && warnings.contains("apt-get install poppler-utils"), "{warnings}");
    assert!(passages.iter().any(|p| p["doc"] == "notes"));
}

#[test]
fn text_with_form_feeds_gets_physical_pages() {
    let env = Env::new();
    let page = "States negotiate norms of responsible behaviour in cyberspace and argue about sovereignty over data.";
    env.write("paged.txt", format!("{page}\n\n\u{c}Attribution of operations to states remains contested in the practice of governments.\n\n\u{c}Confidence-building measures were agreed in the regional organisation after long talks.\n"));
    let (passages, warnings) = env.export();
    assert!(!warned(&warnings, "paged.txt"), "{warnings}");
    assert_eq!(passages.len(), 3, "{passages:?}");
    assert_eq!(pages(find(&passages, "States negotiate")), ["1"]);
    assert_eq!(pages(find(&passages, "Attribution of operations")), ["2"]);
    assert_eq!(pages(find(&passages, "Confidence-building measures")), ["3"]);
}

/// True when a `folio: warning:` line of stderr names `file` (the summary of
/// documents without a library entry names files too, and is no warning).
fn warned(stderr: &str, file: &str) -> bool {
    stderr.lines().any(|l| l.contains("warning") && l.contains(file))
}

/// Text already extracted from a PDF (`pdftotext`, form feeds between pages):
/// running heads and stamps go, footnotes become notes linked from the body,
/// and passages carry physical pages.
#[test]
fn text_extracted_from_a_pdf_gets_notes_and_loses_its_furniture() {
    if !have_tools("text_extracted_from_a_pdf", BUILD_TOOLS) {
        return;
    }
    let env = Env::new();
    let out = Command::new("pdftotext").arg(fixtures().join("article.pdf")).arg(env.corpus().join("article.txt")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (passages, warnings) = env.export();
    assert!(!warned(&warnings, "article.txt"), "{warnings}");
    for furniture in ["Downloaded from", "Journal of Cyber Policy 11", "A. Author and B. Writer", "doi.org"] {
        assert!(passages.iter().all(|p| !text(p).contains(furniture)), "{furniture:?} left in a passage");
    }
    // The article has eight footnotes; poppler's plain text glues one number to a word ("self4").
    let notes: Vec<&serde_json::Value> = passages.iter().filter(|p| p["kind"] == "note").collect();
    assert!(notes.len() >= 7, "{} notes", notes.len());
    assert!(notes.iter().all(|n| text(n).starts_with("See the report of the group of experts")), "{notes:?}");
    let cited: std::collections::BTreeSet<&str> =
        passages.iter().flat_map(|p| p["cites"].as_array().unwrap().iter().filter_map(|c| c["reference"].as_str())).collect();
    assert!(notes.iter().all(|n| cited.contains(n["id"].as_str().unwrap())), "every note is linked from the body");
    let glued = regex_lite(&passages);
    assert!(glued <= 1, "{glued} passages keep a footnote number glued to a word");
    assert!(passages.iter().any(|p| pages(p) == ["2"]));
}

/// Body passages whose text still holds a footnote marker glued after a full stop ("response.1").
fn regex_lite(passages: &[serde_json::Value]) -> usize {
    passages
        .iter()
        .filter(|p| p["kind"] == "body")
        .filter(|p| {
            let t: Vec<char> = text(p).chars().collect();
            t.windows(3).any(|w| w[0].is_lowercase() && w[1] == '.' && w[2].is_ascii_digit())
        })
        .count()
}
