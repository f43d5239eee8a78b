//! reStructuredText: read as text, keeping section underlines (the cleaner
//! reads setext-style headings) and dropping explicit markup blocks — `.. `
//! directives, comments, targets and substitution definitions with their
//! indented bodies — except footnotes (`.. [1] text`), which become the
//! "Notes" section with `[1]` references turned into `^[1]` markers. Lines
//! are blanked, not removed, so line numbers still match the file.

use std::sync::LazyLock;

use regex::Regex;

use super::Extracted;
use crate::model::Warning;
use crate::source::decode;

/// A footnote reference: `[1]_`, `[#1]_`.
static NOTE_REF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s?\[#?(\d{1,4})\]_").expect("valid regex"));

/// Directives whose body is prose worth keeping (admonitions, quotes).
const KEEP_BODY: &[&str] = &["note", "epigraph", "pull-quote", "highlights", "important", "tip", "warning", "topic", "sidebar", "admonition"];

pub fn extract(bytes: &[u8], rel_path: &str, warnings: &mut Vec<Warning>) -> Option<Extracted> {
    let text = decode(bytes, rel_path, warnings)?;
    Some(Extracted { text: to_lines(&text), ..Extracted::default() })
}

fn to_lines(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut notes: Vec<String> = vec![];
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let Some(rest) = line.strip_prefix(".. ") else {
            // Inline footnote references `[1]_` → `^[1]`; roles `:ref:` text kept.
            out.push(NOTE_REF.replace_all(line, "^[$1]").into_owned());
            i += 1;
            continue;
        };
        let mut body = vec![];
        let mut j = i + 1;
        while j < lines.len() && (lines[j].trim().is_empty() || lines[j].starts_with([' ', '\t'])) {
            // A blank line followed by an unindented one ends the block.
            if lines[j].trim().is_empty() && lines.get(j + 1).is_none_or(|l| !l.starts_with([' ', '\t'])) {
                break;
            }
            body.push(lines[j].trim());
            j += 1;
        }
        let directive = rest.split("::").next().unwrap_or("").trim().to_lowercase();
        out.push(String::new());
        if let Some(note) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
            // A footnote: kept for the Notes section.
            let text = std::iter::once(note.1.trim()).chain(body.iter().copied()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ");
            notes.push(format!("[{}] {text}", note.0.trim_start_matches('#')));
            out.extend(std::iter::repeat_n(String::new(), j - i - 1));
        } else if rest.contains("::") && KEEP_BODY.contains(&directive.as_str()) {
            out.extend(body.iter().map(|b| b.to_string()));
        } else {
            out.extend(std::iter::repeat_n(String::new(), j - i - 1));
        }
        i = j;
    }
    let mut text = out.join("\n");
    if !notes.is_empty() {
        text.push_str("\n\nNotes\n=====\n\n");
        text.push_str(&notes.join("\n\n"));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn directives_and_comments_are_dropped() {
        let src = "Title\n=====\n\n.. contents:: Table\n   :depth: 2\n\nBody text [1]_ here.\n\n.. This is a comment\n   spanning lines.\n\n.. note::\n\n   Kept words.\n\n.. [1] The note.\n";
        let text = super::to_lines(src);
        assert!(!text.contains("contents") && !text.contains("depth") && !text.contains("comment"), "{text}");
        assert!(text.contains("Body text^[1] here."), "{text}");
        assert!(text.contains("Kept words."), "{text}");
        assert!(text.ends_with("Notes\n=====\n\n[1] The note.\n"), "{text}");
        assert_eq!(text.lines().nth(6), Some("Body text^[1] here."));
    }
}
