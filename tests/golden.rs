//! Golden tests for the cleaning and structure stages: each seed document and
//! each fixture is rendered as an outline (metadata, sections, passages with
//! kinds, lines, locators and full text) and compared with
//! `tests/golden/<stage>/<name>.txt`. Run with `UPDATE_GOLDEN=1` to rewrite the
//! files after an intended change, then review the diff.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use folio::source::{self, Extracted};

mod common;
use folio::doc::passages::{self, BuiltDoc};
use folio::vocab::tagger::Tagger;
use folio::vocab::taxonomy::Taxonomy;

fn golden_path(stage: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(stage).join(format!("{name}.txt"))
}

/// Compares `actual` with the golden file, or rewrites it under UPDATE_GOLDEN.
fn check(stage: &str, name: &str, actual: &str) {
    let path = golden_path(stage, name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing golden file {}; run with UPDATE_GOLDEN=1", path.display()));
    if expected != actual {
        let first_diff = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the golden file at line {}:\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_GOLDEN=1 rewrites it)",
            path.display(),
            first_diff + 1,
            expected.lines().nth(first_diff),
            actual.lines().nth(first_diff)
        );
    }
}

fn outline(doc: &BuiltDoc) -> String {
    let mut out = String::new();
    let m = &doc.meta;
    writeln!(out, "key: {}", m.key).unwrap();
    writeln!(out, "title: {}", m.title.as_deref().unwrap_or("-")).unwrap();
    writeln!(out, "authors: {}", m.authors.iter().map(|a| a.display()).collect::<Vec<_>>().join("; ")).unwrap();
    writeln!(out, "year: {}", m.year.map_or("-".into(), |y| y.to_string())).unwrap();
    writeln!(out, "guessed: {}", m.guessed).unwrap();
    writeln!(out, "language: {}", doc.language).unwrap();
    writeln!(out, "keywords: {}", doc.keywords.join("; ")).unwrap();
    let apa = folio::cite::CitationStyle::named("apa").unwrap();
    writeln!(out, "reference (APA): {}", folio::cite::reference_text(m, &doc.passages.first().map_or(String::new(), |p| p.title.clone()), &apa)).unwrap();
    let mut sections: Vec<String> = vec![];
    for p in &doc.passages {
        let s = p.section_path.iter().map(|h| h.display()).collect::<Vec<_>>().join(" › ");
        if !s.is_empty() && sections.last() != Some(&s) && !sections.contains(&s) {
            sections.push(s);
        }
    }
    writeln!(out, "sections:").unwrap();
    for s in &sections {
        writeln!(out, "  {s}").unwrap();
    }
    let mut kinds: std::collections::BTreeMap<&str, usize> = Default::default();
    for p in &doc.passages {
        *kinds.entry(p.kind.as_str()).or_default() += 1;
    }
    writeln!(out, "passages: {} {:?}", doc.passages.len(), kinds).unwrap();
    writeln!(out, "dropped:").unwrap();
    for (a, b, why) in &doc.dropped {
        writeln!(out, "  lines {a}-{b}: {why}").unwrap();
    }
    for p in &doc.passages {
        writeln!(out, "\n[{}] {} lines {}-{} {} lang={}", p.id, p.kind.as_str(), p.source.line_start, p.source.line_end, p.locator, p.language).unwrap();
        if !p.topics.is_empty() {
            let scored: Vec<String> = p.topics.iter().map(|t| format!("{t} {:.2}", p.topic_scores[t])).collect();
            writeln!(out, "topics: {}", scored.join(", ")).unwrap();
        }
        writeln!(out, "cite: {}", folio::cite::pandoc(&p.doc, &p.locator)).unwrap();
        if !p.cites.is_empty() {
            let cites: Vec<String> = p.cites.iter().map(|c| format!("{}→{}", c.marker, c.reference.as_deref().unwrap_or("?"))).collect();
            writeln!(out, "cites: {}", cites.join(", ")).unwrap();
        }
        if let Some(r) = &p.reference {
            writeln!(
                out,
                "entry: marker={:?} authors={:?} year={:?} title={:?} venue={:?} doi={:?} url={:?}",
                r.marker, r.authors, r.year, r.title, r.venue, r.doi, r.url
            )
            .unwrap();
        }
        writeln!(out, "{}", p.text).unwrap();
    }
    out
}

fn tagger() -> Tagger {
    Tagger::new(Taxonomy::builtin())
}

fn build(doc: &Extracted, tagger: &Tagger) -> BuiltDoc {
    passages::build(doc, tagger)
}

#[test]
fn seeds_structure() {
    let scan = source::scan(&common::seed_corpus()).unwrap();
    let docs: Vec<Extracted> = scan.docs.iter().filter_map(|p| source::read(p).doc).collect();
    assert_eq!(docs.len(), 5);
    let tagger = tagger();
    for doc in &docs {
        check("structure", &doc.key, &outline(&build(doc, &tagger)));
    }
}

#[test]
fn fixtures_structure() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let tagger = tagger();
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap()).filter(|e| e.path().is_file()).map(|e| e.file_name().to_string_lossy().to_string()).collect();
    names.sort();
    assert!(names.len() >= 2);
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).unwrap();
        let doc = Extracted::from_text(&name, &text);
        check("fixtures", &name.replace('.', "_"), &outline(&build(&doc, &tagger)));
    }
}
