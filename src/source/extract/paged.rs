//! Text already extracted from a paginated source (`pdftotext` output, with
//! form feeds between pages) gets the PDF reader's page handling where the
//! text allows it: running heads and feet (recurring at page edges, their
//! numbers ignored), publisher stamps and DOI lines in the foot are blanked;
//! footnotes — a number alone on a line, then the note, wherever the column
//! put it — are gathered at the foot of their page as "N text", where the
//! cleaner reads them as notes and links the body's markers ("people.2") to
//! them. Every line keeps the file line it came from (`line_origin`).

use std::collections::HashMap;

re!(STAMP, r"(?i)^\s*(downloaded from|this content downloaded from|provided by)\b.*\b(on|at)\b");
re!(DOI_LINE, r"(?i)(https?://(dx\.)?doi\.org/|\bdoi:\s*10\.)");
// A line that starts with a DOI is the foot of an article's first page, never prose.
re!(DOI_FIRST, r"(?i)^\s*(https?://(dx\.)?doi\.org/|doi:\s*10\.)");
re!(LONE_NUMBER, r"^\s*(\d{1,3})\s*$");

/// The text with furniture blanked and footnotes gathered, and the file line
/// of each of its lines (1-based). `pages` gives each line's page (0-based).
pub fn tidy(lines: &[&str], pages: &[u32]) -> (Vec<String>, Vec<u32>) {
    let bounds = page_bounds(pages);
    let furniture = furniture_keys(lines, &bounds);
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut origin: Vec<u32> = Vec::with_capacity(lines.len());
    for &(start, end) in &bounds {
        let mut body: Vec<(String, u32)> = vec![];
        let mut notes: Vec<(String, u32)> = vec![];
        let mut i = start;
        while i < end {
            let line = lines[i].trim_end_matches('\u{c}');
            let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if is_furniture(line, i, start, end, lines, &furniture) {
                body.push((page_breaks(lines[i]), no));
                i += 1;
                continue;
            }
            if let Some((note, next)) = footnote_at(lines, i, start, end) {
                notes.push((note, no));
                body.extend((i..next).map(|k| (page_breaks(lines[k]), u32::try_from(k + 1).unwrap_or(u32::MAX))));
                i = next;
                continue;
            }
            body.push((lines[i].to_string(), no));
            i += 1;
        }
        place_page(body, notes, &mut out, &mut origin);
    }
    (out, origin)
}

/// The form feeds a line starts with: kept when the line is blanked, since
/// they are what separates pages.
fn page_breaks(line: &str) -> String {
    line.chars().take_while(|c| *c == '\u{c}').collect()
}

/// (first line, end) of each page, from the page of each line.
fn page_bounds(pages: &[u32]) -> Vec<(usize, usize)> {
    let mut bounds = vec![];
    let mut start = 0;
    for i in 1..=pages.len() {
        if i == pages.len() || pages[i] != pages[start] {
            bounds.push((start, i));
            start = i;
        }
    }
    bounds
}

/// A line's letters, lower-cased: what a running head keeps from page to page.
fn key(line: &str) -> String {
    let letters: String = line.chars().map(|c| if c.is_alphabetic() { c.to_lowercase().next().unwrap_or(c) } else { ' ' }).collect();
    letters.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Indices of a page's first two and last three non-empty lines.
fn edge_lines(lines: &[&str], start: usize, end: usize) -> Vec<usize> {
    let filled: Vec<usize> = (start..end).filter(|&i| !lines[i].trim_matches(|c: char| c.is_whitespace() || c == '\u{c}').is_empty()).collect();
    let mut edges: Vec<usize> = filled.iter().take(2).chain(filled.iter().rev().take(3)).copied().collect();
    edges.sort_unstable();
    edges.dedup();
    edges
}

/// Keys of lines that recur at page edges on two pages or more, and on at
/// least a third of the pages: running heads and feet, alternating ones too.
fn furniture_keys(lines: &[&str], bounds: &[(usize, usize)]) -> HashMap<String, usize> {
    let mut pages_with: HashMap<String, usize> = HashMap::new();
    for &(start, end) in bounds {
        let mut seen: Vec<String> = edge_lines(lines, start, end).into_iter().map(|i| key(lines[i])).filter(|k| k.len() >= 3).collect();
        seen.sort();
        seen.dedup();
        for k in seen {
            *pages_with.entry(k).or_default() += 1;
        }
    }
    pages_with.retain(|_, n| *n >= 2 && *n * 3 >= bounds.len());
    pages_with
}

fn is_furniture(line: &str, i: usize, start: usize, end: usize, lines: &[&str], furniture: &HashMap<String, usize>) -> bool {
    if STAMP.is_match(line) || DOI_FIRST.is_match(line) {
        return true;
    }
    let at_edge = edge_lines(lines, start, end).contains(&i);
    at_edge && (furniture.contains_key(&key(line)) || DOI_LINE.is_match(line) && line.chars().count() < 120)
}

/// A footnote starting at line `i`: a number alone on its line, its marker
/// glued to a word or punctuation earlier on the page, then the note's lines
/// up to a blank line. The note on one line, and where its block ends.
fn footnote_at(lines: &[&str], i: usize, start: usize, end: usize) -> Option<(String, usize)> {
    let n = LONE_NUMBER.captures(lines[i])?.get(1)?.as_str().to_string();
    let marker = regex::Regex::new(&format!(r"[\p{{L}}\)\]\.,;:”’]{n}(\s|$)")).ok()?;
    if !lines[start..i].iter().any(|l| marker.is_match(l)) {
        return None;
    }
    let mut k = i + 1;
    while k < end && lines[k].trim().is_empty() {
        k += 1;
    }
    let first = k;
    while k < end && !lines[k].trim_matches(|c: char| c.is_whitespace() || c == '\u{c}').is_empty() && !LONE_NUMBER.is_match(lines[k]) {
        k += 1;
    }
    if k == first {
        return None;
    }
    Some((format!("{n} {}", join(&lines[first..k])), k))
}

/// A note's lines as one: a word broken at a line end by a hyphen is joined
/// when it goes on in lower case (the cleaner mends the rest).
fn join(lines: &[&str]) -> String {
    let mut out = String::new();
    for line in lines.iter().map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}')) {
        if out.ends_with('-') && line.starts_with(char::is_lowercase) {
            out.pop();
        } else if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// A page laid out again: its body lines, then its notes at the foot, each
/// after a blank line (the next page's first line carries the page break).
fn place_page(body: Vec<(String, u32)>, notes: Vec<(String, u32)>, out: &mut Vec<String>, origin: &mut Vec<u32>) {
    for (line, no) in body {
        out.push(line);
        origin.push(no);
    }
    for (note, no) in notes {
        out.push(String::new());
        origin.push(no);
        out.push(note);
        origin.push(no);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<String>, Vec<u32>) {
        let lines: Vec<&str> = text.split('\n').collect();
        let mut page = 0;
        let pages: Vec<u32> = lines
            .iter()
            .map(|l| {
                page += l.chars().take_while(|c| *c == '\u{c}').count() as u32;
                page
            })
            .collect();
        tidy(&lines, &pages)
    }

    #[test]
    fn heads_stamps_and_footnotes() {
        let text = "Journal of Cyber Policy 11 (2) 2018 117\n\nStates agree on norms.1 The rest of the first column\ngoes on here.\n1\n\nSee UN Doc A/70/174,\npara. 13.\n\nSecond column text goes on.\nDownloaded from https://example.org by guest on 3 March 2024\n\u{c}118 A. Author and B. Writer: Norms\n\nPage two text with a marker.2\n2\n\nSee the statements.\n\u{c}Journal of Cyber Policy 11 (2) 2018 119\n\nPage three.\n\u{c}120 A. Author and B. Writer: Norms\n\nPage four.";
        let (out, origin) = run(text);
        assert_eq!(out.len(), origin.len());
        let joined = out.join("\n");
        for furniture in ["Journal of Cyber Policy", "A. Author and B. Writer", "Downloaded from"] {
            assert!(!joined.contains(furniture), "{furniture} left in:\n{joined}");
        }
        // Notes are gathered at their page's foot, on one line, before the next page's break.
        let note1 = out.iter().position(|l| l == "1 See UN Doc A/70/174, para. 13.").expect(&joined);
        let second_column = out.iter().position(|l| l == "Second column text goes on.").unwrap();
        assert!(note1 > second_column, "{joined}");
        assert_eq!(origin[note1], 5, "the note keeps its number line's file line");
        assert!(out.iter().any(|l| l == "2 See the statements."), "{joined}");
        // Four pages still: the form feeds survive the blanking.
        assert_eq!(joined.matches('\u{c}').count(), 3);
        // A number alone without a marker before it (a page number) stays.
        let (out, _) = run("Text without markers.\n7\n\nMore text here.");
        assert!(out.iter().any(|l| l == "7"));
    }
}
