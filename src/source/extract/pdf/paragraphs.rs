//! Body lines in reading order → paragraphs that may span columns and pages.
//!
//! Between consecutive body lines a → b a paragraph breaks when
//! * the font size changes by > 10 % (heading ↔ text), or
//! * b is in the same column and page and the vertical gap exceeds
//!   0.6 × size (normal leading leaves ~0.35 × size), or
//! * b is body-size text indented by > 0.8 × size from its column's left
//!   edge while a is not indented, or
//! * a ends more than 2 × size before its column's right edge and ends a
//!   sentence (. ? ! :) — a short last line.
//! A column or page change alone never breaks: the paragraph continues, and
//! a hyphen at the end of the column or page is joined like any other.

use super::hyphens::{Vocab, append_line};
use super::layout::{LLine, Paragraph};
use super::columns::Placed;

/// One body line ready for paragraph building.
pub struct BodyLine<'a> {
    pub page: usize,
    pub placed: Placed,
    pub line: &'a LLine,
}

fn breaks(a: &BodyLine, b: &BodyLine, body: f32) -> bool {
    let (la, lb) = (a.line, b.line);
    let size = la.size().max(lb.size());
    if (la.size() - lb.size()).abs() > 0.1 * size {
        return true;
    }
    let same_col = a.page == b.page && a.placed.col == b.placed.col;
    if same_col && lb.bbox.y0 - la.bbox.y1 > 0.6 * size {
        return true;
    }
    // Indent rule only for body-size text: headings have hanging indents.
    if lb.bbox.x0 - b.placed.col_x0 > 0.8 * size && la.bbox.x0 - a.placed.col_x0 < 0.8 * size && lb.size() < 1.05 * body {
        return true;
    }
    let text = la.words.last().map(|w| w.text.as_str()).unwrap_or("");
    let ends_sentence = text.ends_with(['.', '?', '!', ':']);
    a.placed.col_x1 - la.bbox.x1 > 2.0 * size && ends_sentence
}

/// Build the document vocabulary from the body lines (see dehyphen.rs).
pub fn vocab(lines: &[BodyLine]) -> Vocab {
    let mut v = Vocab::default();
    let mut prev_hyphen = false;
    for l in lines {
        let words: Vec<&str> = l.line.words.iter().map(|w| w.text.as_str()).collect();
        v.add_line(&words, prev_hyphen);
        prev_hyphen = words.last().is_some_and(|w| w.ends_with('-'));
    }
    v
}

pub fn build(lines: &[BodyLine], v: &Vocab, body: f32) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = vec![];
    for (i, l) in lines.iter().enumerate() {
        if i == 0 || breaks(&lines[i - 1], l, body) {
            let size = l.line.size();
            out.push(Paragraph { text: String::new(), first_page: l.page, last_page: l.page, page_starts: vec![(0, l.page)], size, n_lines: 0 });
        }
        let p = out.last_mut().expect("pushed");
        let before = p.text.len();
        append_line(&mut p.text, &l.line.text(), Some(v));
        p.n_lines += 1;
        if l.page != p.last_page {
            // The new page starts at the first word that begins after the
            // join point: a word hyphenated across the break stays with
            // the page it starts on.
            let at = p.text[before..].find(' ').map_or(p.text.len(), |k| before + k + 1);
            p.page_starts.push((at, l.page));
            p.last_page = l.page;
        }
    }
    out
}
