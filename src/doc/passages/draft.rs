//! Drafts: what a passage is before ids, language and tags — its kind, text,
//! lines and section path — made from the roles structure recovery assigned,
//! with paragraphs too long to quote split at sentence ends.

use crate::doc::clean::DropReason;
use crate::doc::structure::{self, Para, Role};
use crate::model::{Heading, Kind};

/// What a passage is before ids and tags.
pub struct Draft {
    pub kind: Kind,
    pub text: String,
    pub raw: String,
    pub marker: Option<String>,
    pub line_start: u32,
    pub line_end: u32,
    pub section_path: Vec<Heading>,
}

/// Drafts from paragraphs with roles, and what was dropped (line ranges and why).
pub fn drafts(paras: Vec<Para>) -> (Vec<Draft>, Vec<(u32, u32, DropReason)>) {
    let mut drafts = vec![];
    let mut dropped = vec![];
    let mut path: Vec<(u8, Heading)> = vec![];
    for p in paras {
        let kind = match &p.role {
            Role::Heading { level, heading } => {
                let level = if heading.number.as_deref().is_some_and(|n| n.contains('.')) { *level } else { 1 };
                path.retain(|(l, _)| *l < level);
                path.push((level, heading.clone()));
                continue;
            }
            Role::Drop(reason) => {
                dropped.push((p.unit.line_start, p.unit.line_end, *reason));
                continue;
            }
            Role::Body => Kind::Body,
            Role::Abstract => Kind::Abstract,
            Role::Entry(kind) => *kind,
            Role::Bio => Kind::Bio,
            Role::Note => Kind::Note,
            Role::Title | Role::Byline(_) | Role::Affiliation | Role::Date(_) | Role::Keywords(_) => continue,
        };
        let section_path = if matches!(kind, Kind::Abstract) { vec![] } else { path.iter().map(|(_, h)| h.clone()).collect() };
        match draft(p, kind, section_path) {
            Ok(d) => drafts.push(d),
            Err(range) => dropped.push(range),
        }
    }
    (split_long(drafts), dropped)
}

/// One paragraph as a draft; a label with nothing after it ("Abstract:") is
/// no passage and comes back as a dropped range.
fn draft(p: Para, kind: Kind, section_path: Vec<Heading>) -> Result<Draft, (u32, u32, DropReason)> {
    let marker = match kind {
        Kind::Reference | Kind::Note => p.unit.list_marker.clone().or_else(|| structure::footnote_marker(&p.unit.text)),
        _ => None,
    };
    let mut text = p.unit.text;
    // A footnote's own number is its marker, not its text.
    if kind == Kind::Note
        && p.unit.list_marker.is_none()
        && let Some(m) = &marker
    {
        text = text[m.len()..].trim_start().to_string();
    }
    if text.trim().is_empty() {
        return Err((p.unit.line_start, p.unit.line_end, "empty after its label"));
    }
    Ok(Draft { kind, text, raw: p.unit.raw, marker, line_start: p.unit.line_start, line_end: p.unit.line_end, section_path })
}

/// Passages longer than this are split at sentence ends: a passage is what
/// a writer quotes, and a whole speech on one line is not one.
const MAX_PASSAGE_CHARS: usize = 3000;
/// Chunks of a split passage aim for about this length.
const TARGET_PASSAGE_CHARS: usize = 1500;

/// Byte offsets in `text` where a chunk may end: after a sentence end
/// followed by a space and a capital, else after any space.
fn chunk_ends(text: &str) -> Vec<usize> {
    let mut ends = vec![];
    let mut start = 0;
    while text.len() - start > MAX_PASSAGE_CHARS {
        let window_end = floor_char(text, start + MAX_PASSAGE_CHARS);
        let target = floor_char(text, start + TARGET_PASSAGE_CHARS);
        let window = &text[target..window_end];
        let sentence = window.match_indices(". ").map(|(i, _)| target + i + 2).find(|&i| text[i..].starts_with(char::is_uppercase));
        let end = sentence.or_else(|| window.rfind(' ').map(|i| target + i + 1)).unwrap_or(window_end);
        let end = if end <= start { window_end } else { end };
        ends.push(end);
        start = end;
    }
    ends
}

fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn split_long(drafts: Vec<Draft>) -> Vec<Draft> {
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        if d.text.len() <= MAX_PASSAGE_CHARS || matches!(d.kind, Kind::Reference) {
            out.push(d);
            continue;
        }
        let mut start = 0;
        let ends = chunk_ends(&d.text);
        for end in ends.into_iter().chain(std::iter::once(d.text.len())) {
            let text = d.text[start..end].trim().to_string();
            start = end;
            if text.is_empty() {
                continue;
            }
            out.push(Draft { kind: d.kind, text, raw: String::new(), marker: d.marker.clone(), line_start: d.line_start, line_end: d.line_end, section_path: d.section_path.clone() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paragraphs_split_at_sentence_ends() {
        let sentence = "States agreed that international law applies in cyberspace. ";
        let text = sentence.repeat(80);
        let ends = chunk_ends(&text);
        assert!(!ends.is_empty());
        for e in &ends {
            assert!(text[..*e].ends_with(". "), "cut mid-sentence at {e}");
        }
    }
}
