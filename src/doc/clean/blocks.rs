//! Splits a decoded file into units — paragraphs, headings, list items — each
//! with the 1-based range of original lines it came from.
//!
//! Two layouts occur in extracted text: hard-wrapped paragraphs (PDF, plain
//! text: short lines, blank lines between paragraphs) and one paragraph per
//! line (web pages, word processors: long lines, often no blank lines). A block
//! of lines is read in the layout its line lengths show.

use std::sync::LazyLock;

use regex::Regex;

use super::inline;
use super::vocab::Vocab;

static MD_HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$").unwrap());
static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*((?:[-•*·–▪◦]\s+)?(?:\[\d{1,3}\]|\(\w{1,3}\)|\d{1,3}[.)])|[-•*·–▪◦])(?:\s+|$)").unwrap()
});
static BR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").unwrap());

/// One paragraph-like unit of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Cleaned text (inline pass applied).
    pub text: String,
    /// The text before the inline pass (Markdown emphasis kept), for parsers
    /// that read typography, like the reference parser.
    pub raw: String,
    pub line_start: u32,
    pub line_end: u32,
    /// `#` count of a Markdown heading.
    pub md_heading: Option<u8>,
    /// The list marker as printed ("-", "[3]", "2.", "(a)"), for list items.
    pub list_marker: Option<String>,
    /// Number of `<br>`-separated segments and the longest one, for text boxes.
    pub n_segments: usize,
    pub longest_segment: usize,
    /// A form feed (page break) came right before this unit.
    pub after_page_break: bool,
}

impl Unit {
    pub fn n_chars(&self) -> usize {
        self.text.chars().count()
    }
}

struct RawLine<'a> {
    no: u32,
    text: &'a str,
    page_break_before: bool,
}

fn is_blank(line: &str) -> bool {
    inline::normalize_chars(line).trim().is_empty()
}

/// What segmenting gives: the units, and the line ranges dropped before
/// units were made (fenced code), with why.
#[derive(Debug, Clone, Default)]
pub struct Segmented {
    pub units: Vec<Unit>,
    pub dropped: Vec<(u32, u32, &'static str)>,
}

/// Splits `text` (already decoded) into units.
pub fn segment(text: &str, vocab: &Vocab) -> Segmented {
    let mut blocks: Vec<Vec<RawLine>> = Vec::new();
    let mut current: Vec<RawLine> = Vec::new();
    let mut pending_break = false;
    let mut fence_start: Option<u32> = None;
    let mut dropped = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = line.strip_suffix('\r').unwrap_or(line);
        // Fenced code blocks (```) are program text, not prose: dropped whole,
        // and listed as dropped like every other removal.
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            match fence_start.take() {
                Some(start) => dropped.push((start, no, "fenced code")),
                None => fence_start = Some(no),
            }
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
            continue;
        }
        if fence_start.is_some() {
            continue;
        }
        // A form feed is a page break: it ends the block whatever surrounds it.
        let mut pieces = line.split('\u{000C}').peekable();
        while let Some(piece) = pieces.next() {
            if is_blank(piece) {
                if !current.is_empty() {
                    blocks.push(std::mem::take(&mut current));
                }
            } else {
                current.push(RawLine { no, text: piece, page_break_before: pending_break });
                pending_break = false;
            }
            if pieces.peek().is_some() {
                if !current.is_empty() {
                    blocks.push(std::mem::take(&mut current));
                }
                pending_break = true;
            }
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    if let Some(start) = fence_start {
        // An unclosed fence runs to the end of the file.
        dropped.push((start, u32::try_from(text.split('\n').count()).unwrap_or(u32::MAX), "fenced code"));
    }
    let mut units = Vec::new();
    for block in blocks {
        split_block(&block, vocab, &mut units);
    }
    Segmented { units, dropped }
}

fn split_block(block: &[RawLine], vocab: &Vocab, out: &mut Vec<Unit>) {
    let line_per_paragraph = block.iter().any(|l| l.text.chars().count() > 200);
    let mut open: Option<(Vec<String>, u32, u32, Option<String>, bool)> = None;
    let flush = |open: &mut Option<(Vec<String>, u32, u32, Option<String>, bool)>, out: &mut Vec<Unit>| {
        if let Some((lines, start, end, marker, page_break)) = open.take() {
            push_unit(out, &lines, start, end, None, marker, page_break, vocab);
        }
    };
    for (idx, line) in block.iter().enumerate() {
        let text = line.text.trim_end();
        // Setext headings: a line underlined with `===` or `---` (Markdown,
        // reStructuredText); an overline of the same kind is skipped too.
        if is_rule(text) {
            continue;
        }
        if let Some(next) = block.get(idx + 1)
            && is_rule(next.text.trim_end()) && text.trim().chars().count() <= 120 && !text.trim().is_empty() {
                flush(&mut open, out);
                let level = if next.text.trim_start().starts_with('=') { 1 } else { 2 };
                push_unit(out, &[text.trim().to_string()], line.no, next.no, Some(level), None, line.page_break_before, vocab);
                continue;
            }
        if let Some(caps) = MD_HEADING.captures(text) {
            flush(&mut open, out);
            let level = u8::try_from(caps[1].len()).unwrap_or(6);
            push_unit(out, &[caps[2].to_string()], line.no, line.no, Some(level), None, line.page_break_before, vocab);
            continue;
        }
        let text = text.trim_start();
        let text = text.strip_prefix("> ").or_else(|| text.strip_prefix('>')).unwrap_or(text);
        if let Some(m) = LIST_MARKER.find(text) {
            flush(&mut open, out);
            let marker = m.as_str().trim().to_string();
            open = Some((vec![text[m.end()..].to_string()], line.no, line.no, Some(marker), line.page_break_before));
            continue;
        }
        let continues = match &open {
            None => false,
            Some((lines, ..)) => {
                let prev = lines.last().map(String::as_str).unwrap_or("");
                !line_per_paragraph || ends_mid_word(prev)
            }
        };
        if continues {
            if let Some((lines, _, end, _, _)) = open.as_mut() {
                lines.push(text.to_string());
                *end = line.no;
            }
        } else {
            flush(&mut open, out);
            open = Some((vec![text.to_string()], line.no, line.no, None, line.page_break_before));
        }
    }
    flush(&mut open, out);
}

/// A line made of one repeated rule character (`=====`, `-----`, `~~~~`).
fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() >= 3 && t.chars().all(|c| c == t.chars().next().unwrap_or(' ')) && t.starts_with(['=', '-', '~', '^', '*', '#', '+'])
}

/// The line ends in a word cut by a hyphen ("recommenda-").
pub fn ends_mid_word(line: &str) -> bool {
    let t = line.trim_end();
    t.ends_with('-') && t.chars().rev().nth(1).is_some_and(char::is_alphabetic)
}

/// Joins wrapped lines, mending words hyphenated across them.
pub fn join_lines(lines: &[String], vocab: &Vocab) -> String {
    let mut out = String::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        out = join_text(&out, line, vocab);
    }
    out
}

/// Appends `next` to `text`: with a space, or mending a word cut by a hyphen
/// when `next` goes on in lower case.
pub fn join_text(text: &str, next: &str, vocab: &Vocab) -> String {
    if text.is_empty() {
        return next.to_string();
    }
    if ends_mid_word(text) && next.starts_with(|c: char| c.is_lowercase()) {
        let cut = text.trim_end().trim_end_matches('-');
        let head_start = cut.rfind(|c: char| !c.is_alphanumeric()).map_or(0, |i| i + cut[i..].chars().next().map_or(1, char::len_utf8));
        let head = &cut[head_start..];
        let tail_end = next.find(|c: char| !c.is_alphanumeric()).unwrap_or(next.len());
        let joined = vocab.join_hyphenated(head, &next[..tail_end]);
        return format!("{}{}{}", &cut[..head_start], joined, &next[tail_end..]);
    }
    format!("{} {}", text.trim_end(), next)
}

#[allow(clippy::too_many_arguments)]
fn push_unit(
    out: &mut Vec<Unit>,
    lines: &[String],
    line_start: u32,
    line_end: u32,
    md_heading: Option<u8>,
    list_marker: Option<String>,
    after_page_break: bool,
    vocab: &Vocab,
) {
    let raw = join_lines(lines, vocab);
    let segments: Vec<&str> = BR.split(&raw).collect();
    let longest_segment = segments.iter().map(|s| s.trim().chars().count()).max().unwrap_or(0);
    let text = inline::clean_inline(&raw, vocab);
    let marker_only = list_marker.as_deref().is_some_and(|m| matches!(m, "-" | "•" | "*" | "·" | "–"));
    if text.is_empty() || (marker_only && !text.chars().any(char::is_alphanumeric)) {
        return;
    }
    out.push(Unit {
        text,
        raw: inline::strip_html(&inline::normalize_chars(&raw)),
        line_start,
        line_end,
        md_heading,
        list_marker,
        n_segments: segments.len(),
        longest_segment,
        after_page_break,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(units: &[Unit]) -> Vec<(String, u32, u32)> {
        units.iter().map(|u| (u.text.clone(), u.line_start, u.line_end)).collect()
    }

    #[test]
    fn wrapped_paragraphs_join_and_mend_hyphens() {
        let src = "The GGE was asked to formulate recommenda-\ntions on norms.\n\nSecond paragraph\nwraps here.\n";
        let vocab = Vocab::from_text(src);
        let units = segment(src, &vocab).units;
        assert_eq!(
            texts(&units),
            vec![
                ("The GGE was asked to formulate recommendations on norms.".into(), 1, 2),
                ("Second paragraph wraps here.".into(), 4, 5)
            ]
        );
    }

    #[test]
    fn long_lines_are_paragraphs_and_lists_split() {
        let long = "x ".repeat(120);
        let src = format!("{long}\n{long}\n- Like\n- Digg\n");
        let units = segment(&src, &Vocab::default()).units;
        assert_eq!(units.len(), 4);
        assert_eq!(units[2].list_marker.as_deref(), Some("-"));
        assert_eq!(units[2].text, "Like");
    }

    #[test]
    fn headings_markers_and_page_breaks() {
        let src = "# Title\n\n- [1] Wang. Rules.\n[2] Cui. Impact.\nbody\u{000C}more body";
        let units = segment(src, &Vocab::default()).units;
        assert_eq!(units[0].md_heading, Some(1));
        assert_eq!(units[1].list_marker.as_deref(), Some("- [1]"));
        assert_eq!(units[2].list_marker.as_deref(), Some("[2]"));
        assert_eq!(units[2].text, "Cui. Impact. body");
        assert!(units[3].after_page_break);
    }
}
