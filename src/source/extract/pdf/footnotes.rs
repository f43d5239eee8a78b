//! Footnotes: note lines at the foot of a column, and the superscript
//! markers in the body that point at them.
//!
//! What poppler reports (both fixtures):
//! * a body marker is its own word (poppler cuts words at font-size
//!   changes): 6.2–6.3 pt high against 8.85–8.9 pt body words, its bottom
//!   2–4 pt above the line's baseline;
//! * a note is a run of lines 7.25 pt high (against 8.9 pt), starting with
//!   the note number (itself a smaller raised word in groff, 5.1 pt);
//! * in two-column pages poppler may put a column-1 note into the same
//!   block as column-2 body lines, hence column-wise detection here.
//!
//! Rules:
//! * note line = size < 0.88 × body size AND no body-size line of the same
//!   column lies below it on the page;
//! * a note line whose first word is a number or a symbol (* † ‡ §) starts
//!   a note, other note lines continue the current one; note lines before
//!   any numbered one form an unnumbered note (first-page "Received …").
//! * body marker = word of ≤ 3 digits or a note symbol, height < 0.8 × its
//!   line's size, bottom above baseline − 0.15 × size. It is removed from the
//!   body; if a note with that mark exists on the page, they are linked.

use super::layout::{LPage, Note, Role};
use super::columns::{Col, Placed};

const SYMBOLS: &[&str] = &["*", "†", "‡", "§", "¶", "**"];

fn is_mark(s: &str) -> bool {
    (!s.is_empty() && s.len() <= 3 && s.chars().all(|c| c.is_ascii_digit())) || SYMBOLS.contains(&s)
}

/// Body text size of the document: the word-weighted median line size.
pub fn body_size(pages: &[LPage], roles: &[Vec<Role>]) -> f32 {
    let mut v: Vec<(f32, usize)> = vec![];
    for (p, r) in pages.iter().zip(roles) {
        for (l, role) in p.lines.iter().zip(r) {
            if *role == Role::Body {
                v.push((l.size(), l.words.len()));
            }
        }
    }
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: usize = v.iter().map(|x| x.1).sum();
    let mut acc = 0;
    for (s, n) in &v {
        acc += n;
        if acc * 2 >= total {
            return *s;
        }
    }
    10.0
}

/// Mark note lines (role := Note) in `order` (the page's placed lines).
pub fn mark_note_lines(page: &LPage, order: &[Placed], roles: &mut [Role], body: f32) {
    let sizes: Vec<f32> = page.lines.iter().map(|l| l.size()).collect();
    for p in order {
        let l = &page.lines[p.line];
        if sizes[p.line] >= 0.88 * body {
            continue;
        }
        // Any body-size line of the same column below this one? Then it is
        // a caption, a small quote, … not a footnote.
        let same_col = |q: &Placed| q.col == p.col || q.col == Col::Span || p.col == Col::Span;
        let below = order.iter().any(|q| {
            let m = &page.lines[q.line];
            same_col(q) && m.bbox.y0 > l.bbox.y1 && sizes[q.line] >= 0.88 * body && roles[q.line] != Role::Furniture
        });
        if !below {
            roles[p.line] = Role::Note;
        }
    }
}

/// Build notes from the note lines, in reading order.
pub fn collect_notes(page: &LPage, order: &[Placed], roles: &[Role]) -> Vec<Note> {
    let mut notes: Vec<Note> = vec![];
    for p in order.iter().filter(|p| roles[p.line] == Role::Note) {
        let l = &page.lines[p.line];
        let first = l.words[0].text.as_str();
        // "1 See …" or "1See" (mark glued) — accept a leading mark token.
        let (mark, rest) = if is_mark(first) {
            (Some(first.to_string()), l.words[1..].iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" "))
        } else {
            (None, l.text())
        };
        match (mark, notes.last_mut()) {
            (Some(m), _) => notes.push(Note { mark: Some(m), id: None, text: rest, linked: false }),
            (None, Some(last)) => {
                super::hyphens::append_line(&mut last.text, &rest, None);
            }
            (None, None) => notes.push(Note { mark: None, id: None, text: rest, linked: false }),
        }
    }
    notes
}

/// Give the page's numbered notes their output numbers: the mark itself
/// when it is a number not used before in the document, else the next free
/// number (notes numbered per page, symbol marks).
pub fn assign_ids(notes: &mut [Note], used: &mut std::collections::HashSet<u32>) {
    for n in notes.iter_mut().filter(|n| n.mark.is_some()) {
        let own = n.mark.as_deref().and_then(|m| m.parse::<u32>().ok()).filter(|v| !used.contains(v));
        let id = own.unwrap_or_else(|| used.iter().max().map_or(1, |m| m + 1));
        used.insert(id);
        n.id = Some(id.to_string());
    }
}

/// Find superscript markers in body lines and write them as `^[id]` glued
/// to the word before (the cleaner's marker form), linking the page's note
/// with that mark. A numeric marker without a note on the page keeps its
/// number (an endnote); a symbol without a note is dropped. Returns how
/// many markers were found.
pub fn inline_markers(page: &mut LPage, roles: &[Role], notes: &mut [Note]) -> usize {
    let mut found = 0;
    for (li, l) in page.lines.iter_mut().enumerate() {
        if roles[li] != Role::Body || l.words.len() < 2 {
            continue;
        }
        let (size, base) = (l.size(), l.baseline());
        let mut k = 1;
        while k < l.words.len() {
            let w = &l.words[k];
            if !(is_mark(&w.text) && w.size() < 0.8 * size && w.bbox.y1 < base - 0.15 * size) {
                k += 1;
                continue;
            }
            let m = l.words.remove(k).text;
            found += 1;
            let id = match notes.iter_mut().find(|n| n.mark.as_deref() == Some(m.as_str())) {
                Some(n) => {
                    n.linked = true;
                    n.id.clone()
                }
                None => m.chars().all(|c| c.is_ascii_digit()).then(|| m.clone()),
            };
            if let Some(id) = id {
                l.words[k - 1].text.push_str(&format!("^[{id}]"));
            }
        }
    }
    found
}
