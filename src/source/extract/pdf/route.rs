//! The whole PDF route, step by step:
//!
//! 1. sniff magic bytes                      (worker.rs)
//! 2. lopdf: encryption, labels, Info, XMP   (objects.rs, labels.rs)
//! 3. pdftotext -bbox-layout in a bounded worker (worker.rs), its XHTML
//!    parsed as it streams into pages/lines/words (xhtml.rs), NFKC
//!    (normalize.rs)
//! 4. no words at all → "no text layer"
//! 5. running heads/feet, stamps, printed numbers (furniture.rs)
//! 6. per page: columns and reading order (columns.rs), note lines → notes,
//!    body markers → `^[n]` (footnotes.rs)
//! 7. body lines of all pages in order → paragraphs, hyphens joined across
//!    line/column/page ends                  (paragraphs.rs, hyphens.rs)
//! 8. page labels: /PageLabels, else printed, else physical
//! 9. metadata                               (metadata.rs)

use std::collections::HashSet;
use std::path::Path;

use super::columns::{self, Columns, Placed};
use super::error::PdfError;
use super::furniture::{self, Furniture};
use super::layout::{LPage, LabelSource, Note, PageText, PdfText, Role};
use super::objects::{self, ObjectFacts};
use super::paragraphs::{self, BodyLine};
use super::worker::{self, Limits};
use super::{footnotes, hyphens, metadata, normalize};

/// Timings of the stages in milliseconds, for the benchmark.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    pub lopdf_ms: f64,
    /// pdftotext run + streamed XHTML parse (they overlap).
    pub pdftotext_ms: f64,
    pub analyse_ms: f64,
}

fn ms(t: std::time::Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Reads one PDF into pages, paragraphs, notes and metadata.
pub fn extract(path: &Path, limits: Limits) -> Result<(PdfText, Timings), PdfError> {
    let mut tm = Timings::default();
    let t = std::time::Instant::now();
    worker::sniff(path)?;
    // lopdf failing is not fatal when poppler can still read the file
    // (poppler repairs more); labels and Info are then simply absent.
    let facts = match objects::read(path) {
        Ok(f) => f,
        Err(PdfError::Locked) => return Err(PdfError::Locked),
        Err(_) => ObjectFacts::default(),
    };
    tm.lopdf_ms = ms(t);
    let t = std::time::Instant::now();
    let mut layout = worker::bbox_layout(path, limits)?;
    tm.pdftotext_ms = ms(t);
    let t = std::time::Instant::now();
    for w in layout.pages.iter_mut().flat_map(|p| p.lines.iter_mut()).flat_map(|l| l.words.iter_mut()) {
        w.text = normalize::word(&w.text);
    }
    if layout.pages.iter().all(|p| p.lines.is_empty()) {
        return Err(PdfError::NoTextLayer { pages: layout.pages.len() });
    }
    let text = analyse(&mut layout.pages, &facts);
    tm.analyse_ms = ms(t);
    Ok((text, tm))
}

/// Steps 5–9 on parsed pages.
fn analyse(pages: &mut [LPage], facts: &ObjectFacts) -> PdfText {
    let fur = furniture::detect(pages);
    let mut roles = fur.roles.clone();
    let furniture_text: Vec<Vec<String>> =
        pages.iter().zip(&roles).map(|(p, r)| p.lines.iter().zip(r).filter(|(_, r)| **r == Role::Furniture).map(|(l, _)| l.text()).collect()).collect();
    let cols: Vec<Columns> = pages
        .iter_mut()
        .zip(roles.iter_mut())
        .map(|(p, r)| {
            let c = columns::detect(p, r);
            columns::split_at_gutter(p, r, &c);
            columns::merge_same_baseline(p, r, &c);
            c
        })
        .collect();
    let body = footnotes::body_size(pages, &roles);
    let (orders, mut notes) = place_and_note(pages, &mut roles, &cols, body);
    join_continued_notes(&mut notes);
    let mut body_lines: Vec<BodyLine> = vec![];
    for (pi, order) in orders.iter().enumerate() {
        for pl in order.iter().filter(|pl| roles[pi][pl.line] == Role::Body) {
            body_lines.push(BodyLine { page: pi, placed: *pl, line: &pages[pi].lines[pl.line] });
        }
    }
    let vocab = paragraphs::vocab(&body_lines);
    let paras = paragraphs::build(&body_lines, &vocab, body);
    let mut all = String::new();
    for line in furniture_text.iter().flatten().chain(notes.iter().flatten().map(|n| &n.text)).chain(paras.iter().map(|p| &p.text)) {
        all.push_str(line);
        all.push('\n');
    }
    let mut meta = metadata::assemble(facts, pages, &roles, &all);
    meta.encrypted = facts.encrypted_empty_password;
    let page_texts = label_pages(pages.len(), facts, &fur, notes, furniture_text);
    PdfText { pages: page_texts, paragraphs: paras, meta, body_size: body }
}

/// Per page: reading order, note lines, note numbers, inlined markers.
fn place_and_note(pages: &mut [LPage], roles: &mut [Vec<Role>], cols: &[Columns], body: f32) -> (Vec<Vec<Placed>>, Vec<Vec<Note>>) {
    let mut used: HashSet<u32> = HashSet::new();
    let mut orders = Vec::with_capacity(pages.len());
    let mut notes = Vec::with_capacity(pages.len());
    for (pi, p) in pages.iter_mut().enumerate() {
        let order = columns::order(p, &roles[pi], &cols[pi]);
        footnotes::mark_note_lines(p, &order, &mut roles[pi], body);
        let mut page_notes = footnotes::collect_notes(p, &order, &roles[pi]);
        footnotes::assign_ids(&mut page_notes, &mut used);
        footnotes::inline_markers(p, &roles[pi], &mut page_notes);
        notes.push(page_notes);
        orders.push(order);
    }
    (orders, notes)
}

/// A note whose number is on the previous page: an unnumbered first note on
/// a page continues the previous page's last numbered note when that one
/// does not end a sentence (LaTeX and groff break long notes across pages).
/// Unnumbered notes elsewhere (first-page "Received …; DOI …") stay.
fn join_continued_notes(notes: &mut [Vec<Note>]) {
    for pi in 1..notes.len() {
        let continues = notes[pi].first().is_some_and(|f| f.mark.is_none())
            && notes[pi - 1].last().is_some_and(|l| l.mark.is_some() && !l.text.ends_with(['.', '!', '?']));
        if continues {
            let cont = notes[pi].remove(0);
            if let Some(last) = notes[pi - 1].last_mut() {
                hyphens::append_line(&mut last.text, &cont.text, None);
            }
        }
    }
}

/// Page labels: /PageLabels when it covers every page, else the number the
/// running heads print (or imply), else the physical number.
fn label_pages(n: usize, facts: &ObjectFacts, fur: &Furniture, mut notes: Vec<Vec<Note>>, mut furniture_text: Vec<Vec<String>>) -> Vec<PageText> {
    (0..n)
        .map(|i| {
            let (label, label_source) = match (&facts.labels, fur.printed[i]) {
                (Some(l), _) if l.len() == n => (l[i].clone(), LabelSource::PageLabels),
                (_, Some(v)) if fur.printed_seen[i] => (v.to_string(), LabelSource::Printed),
                (_, Some(v)) => (v.to_string(), LabelSource::Inferred),
                _ => ((i + 1).to_string(), LabelSource::Physical),
            };
            PageText { label, label_source, notes: std::mem::take(&mut notes[i]), furniture: std::mem::take(&mut furniture_text[i]) }
        })
        .collect()
}
