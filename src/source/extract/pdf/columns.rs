//! Reading order of a page's lines for one- and two-column layouts.
//!
//! poppler's flow/block order is not trusted, and neither are its lines in
//! two-column pages: seen on the 76-page LaTeX fixture, poppler joins a
//! column-1 line and a column-2 line on the same baseline into one line
//! when the gutter is narrow (10 pt), and splits one justified line into two
//! when an inter-word gap is wide. So per page:
//! 1. **Gutter**: x-coverage, in 1 pt bins, by the words of the narrow
//!    (< 60 % of text width) non-furniture lines; the widest run of bins
//!    covered by ≤ max(1, 10 %) of them in the middle half of the text
//!    width, narrowed to its least-covered part, ≥ 6 pt wide, with ≥ 3
//!    narrow lines wholly on each side, is the gutter. A one-column page has few narrow
//!    lines and their words cover the middle.
//!    No gutter → one column.
//! 2. **Split** a line at an inter-word gap that contains the gutter's middle
//!    and is ≥ 0.6 × the gutter wide; lines still crossing the middle are
//!    Span (title, full-width abstract, wide table, centred "May 2018").
//! 3. **Merge** pieces on the same baseline and the same side (poppler's
//!    wide-gap splits), a heading number with its heading text, and a lone
//!    raised marker with the line it ends.
//! 4. **Order**: Span lines cut the page into bands; in each band Left
//!    lines (top to bottom) come before Right lines.

use super::layout::{BBox, LLine, LPage, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Single,
    Left,
    Right,
    Span,
}

/// A line placed on its page: index into `LPage::lines` plus its column.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    pub line: usize,
    pub col: Col,
    /// Left/right edge of the column the line belongs to (for indents).
    pub col_x0: f32,
    pub col_x1: f32,
}

/// The page's column structure.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    pub x0: f32,
    pub x1: f32,
    /// (start, end) of the gutter for two-column pages.
    pub gutter: Option<(f32, f32)>,
}

impl Columns {
    fn mid(&self) -> f32 {
        self.gutter.map(|(a, b)| (a + b) / 2.0).unwrap_or((self.x0 + self.x1) / 2.0)
    }
    /// Left if the box ends before the gutter's middle, Right if it starts
    /// after it, Span otherwise. A raised marker sticking 1–2 pt into the
    /// gutter keeps its line Left; a centred "May 2018" is Span.
    pub fn col_of(&self, b: &BBox) -> Col {
        let Some(_) = self.gutter else { return Col::Single };
        let m = self.mid();
        if b.x1 <= m {
            Col::Left
        } else if b.x0 >= m {
            Col::Right
        } else {
            Col::Span
        }
    }
}

fn bbox_of(words: &[super::layout::LWord]) -> BBox {
    words.iter().skip(1).fold(words[0].bbox, |b, w| b.union(&w.bbox))
}

/// Step 1: find the gutter.
pub fn detect(page: &LPage, roles: &[Role]) -> Columns {
    let lines: Vec<&LLine> = page.lines.iter().zip(roles).filter(|(_, r)| **r != Role::Furniture).map(|(l, _)| l).collect();
    let x0 = lines.iter().map(|l| l.bbox.x0).fold(f32::MAX, f32::min);
    let x1 = lines.iter().map(|l| l.bbox.x1).fold(f32::MIN, f32::max);
    let mut cols = Columns { x0, x1, gutter: None };
    if lines.len() < 6 || x1 - x0 < 100.0 {
        return cols;
    }
    let nbins = (x1 - x0).ceil() as usize + 1;
    // cover[i] = number of lines with a word over bin i (a line counts once).
    let mut cover = vec![0u32; nbins];
    let mut seen = vec![false; nbins];
    // Only column-width candidates count: lines narrower than 60 % of the
    // text width. Full-width title/abstract lines and lines poppler joined
    // across the gutter would otherwise fill it.
    let narrow: Vec<&&LLine> = lines.iter().filter(|l| l.bbox.x1 - l.bbox.x0 < 0.6 * (x1 - x0)).collect();
    for l in &narrow {
        seen.iter_mut().for_each(|s| *s = false);
        for w in &l.words {
            let a = ((w.bbox.x0 - x0).max(0.0)) as usize;
            let b = ((w.bbox.x1 - x0).ceil() as usize).min(nbins - 1);
            seen[a..=b].iter_mut().for_each(|s| *s = true);
        }
        for (c, s) in cover.iter_mut().zip(&seen) {
            *c += *s as u32;
        }
    }
    // A few centred short lines (author names, "ABSTRACT") may cross it.
    let allowed = (narrow.len() / 10).max(1) as u32;
    let (lo, hi) = (nbins / 4, nbins * 3 / 4);
    let (mut best, mut run_start) = ((0usize, 0usize), None);
    for i in lo..=hi {
        if cover[i] <= allowed {
            let s = *run_start.get_or_insert(i);
            if i + 1 - s > best.1 - best.0 {
                best = (s, i + 1);
            }
        } else {
            run_start = None;
        }
    }
    // Inside that run the gutter proper is where coverage is lowest (± 2
    // lines, the centred title-block lines cross it unevenly): on a
    // last page with a short right column the low run reaches into the right
    // column, whose bins are covered by its few lines.
    let cmin = cover[best.0..best.1].iter().copied().min().unwrap_or(0);
    let (mut sub, mut start) = ((best.0, best.0), None);
    for i in best.0..best.1 {
        if cover[i] <= cmin + 2 {
            let s = *start.get_or_insert(i);
            if i + 1 - s > sub.1 - sub.0 {
                sub = (s, i + 1);
            }
        } else {
            start = None;
        }
    }
    let best = sub;
    if best.1 - best.0 < 6 {
        return cols;
    }
    let g = (x0 + best.0 as f32, x0 + best.1 as f32);
    let m = (g.0 + g.1) / 2.0;
    // Both sides need narrow lines of their own: a one-column page has
    // hardly any narrow line that lies wholly right of the middle.
    let left = narrow.iter().filter(|l| l.bbox.x1 <= m).count();
    let right = narrow.iter().filter(|l| l.bbox.x0 >= m).count();
    if left >= 3 && right >= 3 {
        cols.gutter = Some(g);
    }
    cols
}

/// Step 2: split lines that poppler joined across the gutter: at a gap
/// between two words that contains the gutter's middle and is at least
/// 0.6 × the gutter wide. (A centred "May 2018" has a 3 pt gap: not split.)
pub fn split_at_gutter(page: &mut LPage, roles: &mut Vec<Role>, cols: &Columns) {
    let Some((g0, g1)) = cols.gutter else { return };
    let m = cols.mid();
    let mut i = 0;
    while i < page.lines.len() {
        let ws = &page.lines[i].words;
        let cut = (1..ws.len()).find(|&k| ws[k - 1].bbox.x1 <= m && ws[k].bbox.x0 >= m && ws[k].bbox.x0 - ws[k - 1].bbox.x1 >= 0.6 * (g1 - g0));
        if let Some(k) = cut {
            let rw = page.lines[i].words.split_off(k);
            let lw = std::mem::take(&mut page.lines[i].words);
            page.lines[i] = LLine { bbox: bbox_of(&lw), words: lw };
            page.lines.insert(i + 1, LLine { bbox: bbox_of(&rw), words: rw });
            let r = roles[i];
            roles.insert(i + 1, r);
            i += 2;
        } else {
            i += 1;
        }
    }
}

/// Step 3: merge same-baseline pieces of one column (any gap in a column of
/// a two-column page; < 4 × size on one-column pages, so tables stay rows)
/// and heading numbers ("1", "2.3", "IV.") with their heading.
pub fn merge_same_baseline(page: &mut LPage, roles: &mut Vec<Role>, cols: &Columns) {
    let numberish = |l: &LLine| {
        l.words.len() == 1 && l.words[0].text.trim_end_matches('.').chars().all(|c| c.is_ascii_digit() || c == '.' || "IVXivx".contains(c))
    };
    let mut i = 0;
    while i < page.lines.len() {
        let mut j = i + 1;
        while j < page.lines.len() {
            let (a, b) = (&page.lines[i], &page.lines[j]);
            // Cheap reject first (size()/baseline() sort the word heights):
            // lines that do not overlap vertically are never merged.
            if a.bbox.y1 < b.bbox.y0 || b.bbox.y1 < a.bbox.y0 {
                j += 1;
                continue;
            }
            let same = (a.baseline() - b.baseline()).abs() < 1.5 && roles[i] == roles[j];
            let gap = if b.bbox.x0 >= a.bbox.x1 { b.bbox.x0 - a.bbox.x1 } else { a.bbox.x0 - b.bbox.x1 };
            let size = a.size().max(b.size());
            let (ca, cb) = (cols.col_of(&a.bbox), cols.col_of(&b.bbox));
            let left = if a.bbox.x0 <= b.bbox.x0 { a } else { b };
            let ok = match (ca, cb) {
                (Col::Single, Col::Single) => gap < 4.0 * size,
                (Col::Left, Col::Left) | (Col::Right, Col::Right) => true,
                // Same size: a small raised "90" is a marker, not a heading number.
                _ => numberish(left) && gap < 2.0 * size && (a.size() - b.size()).abs() < 0.1 * size,
            };
            // A lone small word next to or inside a line and raised above its
            // baseline is that line's superscript (poppler sometimes files
            // a footnote marker under the neighbouring column's line).
            // It may sit at the line's end or inside it ("diplomatic.⁹¹ Recom…").
            let sup_of = |s: &LLine, l: &LLine| {
                s.words.len() == 1 && s.size() < 0.8 * l.size() && s.bbox.x0 > l.bbox.x0 && s.bbox.x0 - l.bbox.x1 < 2.0 && s.bbox.y1 > l.bbox.y0 && s.bbox.y1 < l.baseline()
            };
            let sup = sup_of(b, a) || sup_of(a, b);
            if (same && gap >= -1.0 && ok) || sup {
                if sup_of(a, b) {
                    // Keep the full line at i: swap so the marker is removed.
                    page.lines.swap(i, j);
                    roles.swap(i, j);
                }
                let b = page.lines.remove(j);
                roles.remove(j);
                let a = &mut page.lines[i];
                a.bbox = a.bbox.union(&b.bbox);
                a.words.extend(b.words);
                a.words.sort_by(|p, q| p.bbox.x0.total_cmp(&q.bbox.x0));
                continue;
            }
            j += 1;
        }
        i += 1;
    }
}

/// Step 4: order the non-furniture lines (notes included, so that the
/// caller knows their columns).
pub fn order(page: &LPage, roles: &[Role], cols: &Columns) -> Vec<Placed> {
    let idx: Vec<usize> = (0..page.lines.len()).filter(|&i| roles[i] != Role::Furniture).collect();
    let edge = |want: Col| {
        let xs: Vec<&LLine> = idx.iter().map(|&i| &page.lines[i]).filter(|l| cols.col_of(&l.bbox) == want).collect();
        let a = xs.iter().map(|l| l.bbox.x0).fold(f32::MAX, f32::min);
        let b = xs.iter().map(|l| l.bbox.x1).fold(f32::MIN, f32::max);
        (a, b)
    };
    let (l_edges, r_edges) = (edge(Col::Left), edge(Col::Right));
    let mut placed: Vec<(Placed, f32)> = idx
        .iter()
        .map(|&i| {
            let l = &page.lines[i];
            let c = cols.col_of(&l.bbox);
            let (a, b) = match c {
                Col::Left => l_edges,
                Col::Right => r_edges,
                _ => (cols.x0, cols.x1),
            };
            (Placed { line: i, col: c, col_x0: a, col_x1: b }, l.bbox.y0)
        })
        .collect();
    placed.sort_by(|a, b| a.1.total_cmp(&b.1));
    if cols.gutter.is_none() {
        return placed.into_iter().map(|(p, _)| p).collect();
    }
    let mut out = Vec::with_capacity(placed.len());
    let mut band: Vec<Placed> = vec![];
    let flush = |band: &mut Vec<Placed>, out: &mut Vec<Placed>| {
        out.extend(band.iter().filter(|p| p.col == Col::Left));
        out.extend(band.iter().filter(|p| p.col == Col::Right));
        band.clear();
    };
    for (p, _) in placed {
        if p.col == Col::Span {
            flush(&mut band, &mut out);
            out.push(p);
        } else {
            band.push(p);
        }
    }
    flush(&mut band, &mut out);
    out
}
