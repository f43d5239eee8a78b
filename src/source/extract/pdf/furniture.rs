//! Running heads/feet, publisher stamps and printed page numbers.
//!
//! Lines are grouped into rows (same baseline: poppler may split a head
//! into "Journal … 2018" and "119"). A row is a *furniture candidate* when
//! it is one of the two outer rows at the top or bottom and lies in the
//! outer 16 % of the page height (heads sit at 5–12 % on the fixtures, feet
//! at 88–91 %, body text starts at 13.5 %). A candidate is furniture when
//! 1. it is *separated* from the body by a gap ≥ 0.8 × its size (the last
//!    line of a footnote at the page bottom is not: gap 3 pt; heads and
//!    feet have 17–38 pt) and its *key* (lower-cased, digit runs → `#`, a
//!    roman numeral at either end → `#`) recurs on at least two pages and
//!    on ≥ 25 % of the pages (alternating even/odd heads each recur on half
//!    the pages: "journal of x # (#) # #"), or
//! 2. it matches a stamp pattern (Downloaded from, This content downloaded,
//!    doi.org/10., DOI:, ©, All rights reserved, Electronic copy available),
//!    or
//! 3. it is only a page number ("12", "- 12 -", "Page 3 of 10", "xiv").
//!
//! Printed page numbers: every numeric token at the start or end of a
//! furniture line votes for `offset = number − physical index`. The winning
//! offset (≥ 2 votes) gives each page its printed number, also for pages
//! that print none (a first page under a title block). Tokens like the year
//! or volume do not win because their offset changes from page to page.

use super::layout::{LPage, Role};
use std::collections::HashMap;

/// Lower-case, digits → '#', single spaces.
pub fn key(text: &str) -> String {
    let mut k = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.chars() {
        if c.is_whitespace() {
            if !last_space {
                k.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        if c.is_ascii_digit() {
            // Runs of digits collapse to one '#': "117" and "99" share a key.
            if !k.ends_with('#') {
                k.push('#');
            }
        } else {
            k.extend(c.to_lowercase());
        }
    }
    // A roman page number at either end ("ii Group of Experts") is a number too.
    let mut toks: Vec<&str> = k.split(' ').collect();
    let n = toks.len();
    for i in [0, n.saturating_sub(1)] {
        if n > 1 && is_roman(toks[i]) {
            toks[i] = "#";
        }
    }
    toks.join(" ").trim_end().to_string()
}

/// A well-formed roman numeral ("xiv", not "civil").
fn is_roman(s: &str) -> bool {
    use std::sync::OnceLock;
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"^(?i)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$").unwrap());
    !s.is_empty() && s.len() <= 10 && re.is_match(s)
}

/// "12", "- 12 -", "Page 3 of 10", "xiv" …
fn is_page_number_line(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let lower = t.to_lowercase();
    let lower = lower.strip_prefix("page ").unwrap_or(&lower);
    let first = lower.split(" of ").next().unwrap_or("");
    (!first.is_empty() && first.chars().all(|c| c.is_ascii_digit())) || is_roman(lower)
}

fn is_stamp(text: &str) -> bool {
    let l = text.to_lowercase();
    ["downloaded from", "this content downloaded", "doi.org/10.", "doi:", "©", "all rights reserved", "electronic copy available", "licensed under"]
        .iter()
        .any(|p| l.contains(p))
}

/// Result for the whole document.
pub struct Furniture {
    /// roles[page][line]: Furniture or Body (notes are decided later).
    pub roles: Vec<Vec<Role>>,
    /// Printed page number per page, if the running heads/feet give one.
    pub printed: Vec<Option<i64>>,
    /// True where the page itself printed the number (not inferred).
    pub printed_seen: Vec<bool>,
}

/// A furniture candidate: line index, the key of its row, and whether the
/// row is separated from the body by a visible gap.
type Candidate = (usize, String, bool);

/// Rows of a page: lines on one baseline (a head "Journal … 2018" + "119"
/// that poppler split is one row), top to bottom.
fn rows_of(p: &LPage) -> Vec<Vec<usize>> {
    let base: Vec<f32> = p.lines.iter().map(|l| l.baseline()).collect();
    let mut order: Vec<usize> = (0..p.lines.len()).collect();
    order.sort_by(|&a, &b| base[a].total_cmp(&base[b]));
    let mut rows: Vec<Vec<usize>> = vec![];
    for i in order {
        match rows.last_mut() {
            Some(r) if (base[r[0]] - base[i]).abs() < 2.0 => r.push(i),
            _ => rows.push(vec![i]),
        }
    }
    rows
}

/// The candidate lines of one page: the two outer rows at top and bottom
/// within the outer 16 % of the page.
fn candidates_of(p: &LPage) -> Vec<Candidate> {
    let rows = rows_of(p);
    let y0 = |r: &Vec<usize>| r.iter().map(|&i| p.lines[i].bbox.y0).fold(f32::MAX, f32::min);
    let y1 = |r: &Vec<usize>| r.iter().map(|&i| p.lines[i].bbox.y1).fold(f32::MIN, f32::max);
    let size = |r: &Vec<usize>| r.iter().map(|&i| p.lines[i].size()).fold(0.0f32, f32::max);
    let k = rows.len();
    // gap between rows a and b (a above b)
    let gap = |a: usize, b: usize| y0(&rows[b]) - y1(&rows[a]);
    let mut c = vec![];
    for ri in 0..k {
        let top = ri < 2 && y1(&rows[ri]) < p.height * 0.16;
        let bottom = ri + 2 >= k && y0(&rows[ri]) > p.height * 0.84;
        if !(top || bottom) || k < 2 {
            continue;
        }
        // Separated from the body by a visible gap (≥ 0.8 × size)? The
        // outermost row directly; the second row only if it is closer to
        // the outermost one than to the body (two-line head).
        let sz = 0.8 * size(&rows[ri]);
        let separated = if top {
            (ri == 0 && gap(0, 1) >= sz) || (ri == 1 && k > 2 && gap(1, 2) >= sz && gap(0, 1) < gap(1, 2))
        } else {
            (ri == k - 1 && gap(k - 2, k - 1) >= sz) || (ri == k - 2 && k > 2 && gap(k - 3, k - 2) >= sz && gap(k - 2, k - 1) < gap(k - 3, k - 2))
        };
        // One key per row, its pieces left to right.
        let mut pieces = rows[ri].clone();
        pieces.sort_by(|&a, &b| p.lines[a].bbox.x0.total_cmp(&p.lines[b].bbox.x0));
        let row_key = key(&pieces.iter().map(|&i| p.lines[i].text()).collect::<Vec<_>>().join(" "));
        c.extend(rows[ri].iter().map(|&i| (i, row_key.clone(), separated)));
    }
    c
}

/// Numbers at either end of a furniture line ("117", "(3)").
fn end_numbers(text: &str) -> Vec<i64> {
    let words: Vec<&str> = text.split_whitespace().collect();
    [words.first(), words.last()]
        .into_iter()
        .flatten()
        .filter(|w| w.chars().all(|c| c.is_ascii_digit() || "-–()".contains(c)))
        .filter_map(|w| w.trim_matches(|c: char| !c.is_ascii_digit()).parse::<i64>().ok())
        .filter(|v| *v < 100_000)
        .collect()
}

pub fn detect(pages: &[LPage]) -> Furniture {
    let n = pages.len();
    let candidates: Vec<Vec<Candidate>> = pages.iter().map(candidates_of).collect();
    let mut key_pages: HashMap<&str, usize> = HashMap::new();
    for c in &candidates {
        let mut seen: Vec<&str> = c.iter().filter(|(_, _, sep)| *sep).map(|(_, k, _)| k.as_str()).collect();
        seen.sort();
        seen.dedup();
        for k in seen {
            *key_pages.entry(k).or_default() += 1;
        }
    }
    let min_repeat = 2.max((n as f32 * 0.25).ceil() as usize);
    let mut roles: Vec<Vec<Role>> = pages.iter().map(|p| vec![Role::Body; p.lines.len()]).collect();
    // Offset votes for printed numbers: offset -> count, plus per-page hits.
    let mut votes: HashMap<i64, usize> = HashMap::new();
    let mut page_tokens: Vec<Vec<i64>> = vec![vec![]; n];
    for (pi, c) in candidates.iter().enumerate() {
        for (li, k, separated) in c {
            let text = pages[pi].lines[*li].text();
            let repeated = *separated && n >= 2 && key_pages.get(k.as_str()).copied().unwrap_or(0) >= min_repeat;
            if repeated || is_stamp(&text) || is_page_number_line(&text) {
                roles[pi][*li] = Role::Furniture;
                for v in end_numbers(&text) {
                    page_tokens[pi].push(v);
                    *votes.entry(v - pi as i64).or_default() += 1;
                }
            }
        }
    }
    let (printed, printed_seen) = printed_numbers(n, &votes, &page_tokens);
    Furniture { roles, printed, printed_seen }
}

/// The winning offset (≥ 2 votes; ties to the most votes, then the
/// smallest offset) gives every page its printed number.
fn printed_numbers(n: usize, votes: &HashMap<i64, usize>, page_tokens: &[Vec<i64>]) -> (Vec<Option<i64>>, Vec<bool>) {
    let best = votes.iter().filter(|(_, c)| **c >= 2).max_by_key(|(o, c)| (**c, -(**o).abs(), -**o)).map(|(o, _)| *o);
    let mut printed = vec![None; n];
    let mut printed_seen = vec![false; n];
    if let Some(off) = best {
        for pi in 0..n {
            let v = pi as i64 + off;
            if v >= 1 {
                printed[pi] = Some(v);
                printed_seen[pi] = page_tokens[pi].contains(&v);
            }
        }
    }
    (printed, printed_seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_patterns() {
        assert_eq!(key("Journal of X 11 (2) 2018  117"), "journal of x # (#) # #");
        assert_eq!(key("118 A. Author"), "# a. author");
        assert_eq!(key("ii Group of Experts"), "# group of experts");
        assert!(is_page_number_line("- 12 -"));
        assert!(is_page_number_line("Page 3 of 10"));
        assert!(is_page_number_line("xiv"));
        assert!(!is_page_number_line("Section 3"));
        assert!(is_stamp("Downloaded from https://example.org by guest on 3 March 2024"));
    }
}
