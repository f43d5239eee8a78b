//! The route's result written in the cleaner's line form, with the page of
//! every output line.
//!
//! * Paragraphs are wrapped at ≤ 90 characters (the cleaner reads short
//!   lines separated by blank lines as hard-wrapped paragraphs and joins
//!   them) and separated by blank lines. A line never starts with something
//!   the cleaner reads as a list marker or heading ("1.", "[3]", "-", "#")
//!   and never ends in a hyphen, so the cleaner joins nothing we decided.
//! * Each line carries the page of its first word; a paragraph that runs
//!   over a page break is cut into lines there.
//! * The title (largest type on the first page) is written `# `, headings
//!   (larger than body text, or numbered, or all capitals; short and not
//!   ending a sentence) `## `.
//! * Footnotes follow the body under `## Notes` as `[n] text`, each on the
//!   page it was printed on; endnotes already under a Notes heading in the
//!   body are rewritten to that form too.

use std::sync::LazyLock;

use regex::Regex;

use super::layout::{Paragraph, PdfText};

const WIDTH: usize = 90;

static LINE_START_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\[\d{1,3}\]|\(\w{1,3}\)|\d{1,3}[.)]|[-•*·–▪◦>]|#+|[=~^+]{3,}.*)$").unwrap());
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d{1,2}(\.\d{1,2}){0,3}\.?|[IVXLC]{1,6}\.)\s+\p{Lu}").unwrap());
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}$").unwrap()
});
static NOTES_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^(notes|endnotes)$").unwrap());
static NAMED_SECTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(abstract|introduction|conclusions?|notes|endnotes|references|bibliography|acknowledge?ments)$").unwrap());
static ENDNOTE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d{1,3})\.?\s+(\S.*)$").unwrap());

/// Output text with one page index per line.
#[derive(Default)]
pub struct Lines {
    pub text: String,
    pub line_pages: Vec<u32>,
}

impl Lines {
    fn push(&mut self, line: &str, page: usize) {
        self.text.push_str(line);
        self.text.push('\n');
        self.line_pages.push(u32::try_from(page).unwrap_or(u32::MAX));
    }
    fn blank(&mut self, page: usize) {
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.push("", page);
        }
    }
    /// A paragraph wrapped, each line on the page of its first word.
    fn paragraph(&mut self, prefix: &str, text: &str, page_starts: &[(usize, usize)]) {
        let page_at = |off: usize| page_starts.iter().rev().find(|(o, _)| *o <= off).or(page_starts.first()).map_or(0, |p| p.1);
        let mut line = String::from(prefix);
        let mut empty = true;
        let mut line_page = page_at(0);
        let mut off = 0;
        for word in text.split(' ') {
            let page = page_at(off);
            off += word.len() + 1;
            if word.is_empty() {
                continue;
            }
            let fits = line.len() + 1 + word.len() <= WIDTH && page == line_page;
            let may_break = !line.ends_with('-') && !LINE_START_MARKER.is_match(word);
            if !empty && !fits && may_break {
                self.push(&line, line_page);
                line.clear();
                line_page = page;
            } else if !empty {
                line.push(' ');
            }
            line.push_str(word);
            empty = false;
        }
        if !empty {
            self.push(&line, line_page);
        }
    }
}

/// What a paragraph is written as.
#[derive(Debug, PartialEq)]
enum Kind {
    Title,
    Heading,
    Body,
}

fn kind_of(p: &Paragraph, body: f32, title_size: f32) -> Kind {
    let t = p.text.trim();
    let words = t.split_whitespace().count();
    let short = p.n_lines <= 3 && words <= 24 && !t.ends_with(['.', ',', ';', ':']) && !t.contains("^[");
    if !short {
        return Kind::Body;
    }
    if title_size > 0.0 && (p.size - title_size).abs() < 0.5 {
        return Kind::Title;
    }
    if NAMED_SECTION.is_match(t) {
        return Kind::Heading;
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase()) && words <= 6;
    let larger = p.size >= 1.1 * body && p.n_lines <= 2;
    let numbered = NUMBERED.is_match(t) && !DATE.is_match(t) && p.n_lines <= 2;
    if larger || capitals || numbered { Kind::Heading } else { Kind::Body }
}

/// The title's size: the largest type of the first page with body text,
/// when it is larger than the body (else no title is marked).
fn title_size(doc: &PdfText) -> f32 {
    let Some(first) = doc.paragraphs.first().map(|p| p.first_page) else { return 0.0 };
    let max = doc.paragraphs.iter().filter(|p| p.first_page == first).map(|p| p.size).fold(0.0f32, f32::max);
    if max >= 1.15 * doc.body_size { max } else { 0.0 }
}

/// Writes the whole document.
pub fn write(doc: &PdfText) -> Lines {
    let mut out = Lines::default();
    let title = title_size(doc);
    let mut title_done = false;
    let mut in_endnotes = false;
    let mut body_seen = false;
    for p in &doc.paragraphs {
        let page = p.first_page;
        out.blank(page);
        let t = p.text.trim();
        let mut kind = kind_of(p, doc.body_size, if title_done { 0.0 } else { title });
        // Larger type between the title and the first body paragraph is a
        // byline, affiliation or date, not a heading.
        if kind == Kind::Heading && title_done && !body_seen && !NUMBERED.is_match(t) && t.chars().any(char::is_lowercase) {
            kind = Kind::Body;
        }
        body_seen |= kind == Kind::Body && p.n_lines > 1;
        match kind {
            Kind::Title => {
                title_done = true;
                out.paragraph("# ", t, &p.page_starts);
            }
            Kind::Heading => {
                in_endnotes = NOTES_HEADING.is_match(t);
                out.paragraph("## ", t, &p.page_starts);
            }
            Kind::Body => match ENDNOTE.captures(t).filter(|_| in_endnotes) {
                Some(c) => out.paragraph(&format!("[{}] ", &c[1]), &c[2], &shift(&p.page_starts, c.get(2).map_or(0, |m| m.start()))),
                None => out.paragraph("", t, &p.page_starts),
            },
        }
    }
    write_footnotes(doc, &mut out, in_endnotes);
    out
}

/// Page starts of a paragraph after its first `cut` bytes are dropped.
fn shift(starts: &[(usize, usize)], cut: usize) -> Vec<(usize, usize)> {
    let first = starts.iter().rev().find(|(o, _)| *o <= cut).or(starts.first()).map_or(0, |s| s.1);
    std::iter::once((0, first)).chain(starts.iter().filter(|(o, _)| *o > cut).map(|(o, p)| (o - cut, *p))).collect()
}

/// Footnotes under one Notes heading (after endnotes when there are some).
/// Unnumbered notes that are publisher furniture (a DOI, "Received …",
/// ©) are left out; other unnumbered notes are kept as plain paragraphs.
fn write_footnotes(doc: &PdfText, out: &mut Lines, after_endnotes: bool) {
    let mut heading = after_endnotes;
    for (pi, page) in doc.pages.iter().enumerate() {
        for n in &page.notes {
            let furniture = n.id.is_none() && (super::metadata::find_doi(&n.text).is_some() || is_publisher_note(&n.text));
            if furniture || n.text.trim().is_empty() {
                continue;
            }
            if !heading {
                out.blank(pi);
                out.push("## Notes", pi);
                heading = true;
            }
            out.blank(pi);
            let prefix = n.id.as_ref().map_or(String::new(), |id| format!("[{id}] "));
            out.paragraph(&prefix, n.text.trim(), &[(0, pi)]);
        }
    }
}

fn is_publisher_note(text: &str) -> bool {
    let l = text.to_lowercase();
    ["received", "accepted", "©", "copyright", "published online", "all rights reserved"].iter().any(|k| l.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_on_pages_and_never_starts_a_line_with_a_marker() {
        let mut out = Lines::default();
        let text = format!("{} 1. and then - more words (a) here", "word ".repeat(17).trim());
        let second = text.find("and").unwrap();
        out.paragraph("", &text, &[(0, 0), (second, 1)]);
        let lines: Vec<&str> = out.text.lines().collect();
        assert!(lines.iter().all(|l| !LINE_START_MARKER.is_match(l.split(' ').next().unwrap())), "{lines:?}");
        assert_eq!(out.line_pages, vec![0, 1]);
        assert!(lines[0].ends_with("1."), "{lines:?}");
    }

    fn para(text: &str, page: usize) -> Paragraph {
        Paragraph { text: text.into(), first_page: page, last_page: page, page_starts: vec![(0, page)], size: 10.0, n_lines: 1 }
    }

    #[test]
    fn endnotes_and_footnotes_share_one_notes_list() {
        use super::super::layout::{LabelSource, Note, PageText, PdfMeta};
        let page = |notes: Vec<Note>| PageText { label: "1".into(), label_source: LabelSource::Physical, notes, furniture: vec![] };
        let note = |id: Option<&str>, text: &str| Note { mark: id.map(Into::into), id: id.map(Into::into), text: text.into(), linked: true };
        let doc = PdfText {
            pages: vec![page(vec![note(None, "https://doi.org/10.1/x Received 2 May 2018.")]), page(vec![note(Some("3"), "A footnote.")])],
            paragraphs: vec![para("Body text cites a note.^[1]", 0), para("Notes", 1), para("1 An endnote text.", 1), para("2. Another endnote.", 1)],
            meta: PdfMeta::default(),
            body_size: 10.0,
        };
        let out = write(&doc);
        assert_eq!(out.text, "Body text cites a note.^[1]\n\n## Notes\n\n[1] An endnote text.\n\n[2] Another endnote.\n\n[3] A footnote.\n");
        assert_eq!(out.line_pages, vec![0, 1, 1, 1, 1, 1, 1, 1, 1]);
    }

    #[test]
    fn headings_by_number_capitals_and_name_but_not_dates() {
        assert_eq!(kind_of(&para("2.1 Scope of the Norms", 0), 10.0, 0.0), Kind::Heading);
        assert_eq!(kind_of(&para("ABSTRACT", 0), 10.0, 0.0), Kind::Heading);
        assert_eq!(kind_of(&para("Notes", 0), 10.0, 0.0), Kind::Heading);
        assert_eq!(kind_of(&para("15 June 2019", 0), 10.0, 0.0), Kind::Body);
        assert_eq!(kind_of(&para("States agreed.", 0), 10.0, 0.0), Kind::Body);
    }

    #[test]
    fn shifting_page_starts() {
        assert_eq!(shift(&[(0, 3), (10, 4)], 4), vec![(0, 3), (6, 4)]);
        assert_eq!(shift(&[(0, 3), (2, 4)], 4), vec![(0, 4)]);
    }
}
