//! Cleaning: turns the text of one file into units free of web, OCR and
//! typesetting debris, each mapped to its original lines.
//!
//! `blocks` segments lines into units and applies the inline pass (`inline`);
//! `junk` recognises chrome and code. The document's own `vocab` arbitrates
//! every word repair. Work across units after roles are known (pull-quotes,
//! column bleed, paragraphs cut by page breaks) is `doc::repair`.

pub mod blocks;
pub mod inline;
pub mod junk;
pub mod vocab;

use std::collections::HashMap;

pub use blocks::Unit;
pub use vocab::Vocab;

/// Why a unit was dropped, for `folio index --verbose` style reports and tests.
pub type DropReason = &'static str;

/// The cleaner's output for one document: its units, each with a verdict
/// (`Some(reason)` for junk), and what was dropped before units were made
/// (fenced code), as line ranges with a reason.
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    pub units: Vec<Unit>,
    pub verdicts: Vec<Option<DropReason>>,
    pub dropped: Vec<(u32, u32, DropReason)>,
    pub vocab: Vocab,
}

/// Cleans one document's text.
pub fn clean(text: &str) -> Cleaned {
    let vocab = Vocab::from_text(text);
    let segmented = blocks::segment(text, &vocab);
    let verdicts = junk_verdicts(&segmented.units);
    Cleaned { units: segmented.units, verdicts, dropped: segmented.dropped, vocab }
}

/// Marks units that are junk by their own nature, wherever they stand:
/// script code, page controls, footer credits, share bars, page numbers and
/// running headers. Returns one verdict per unit.
pub fn junk_verdicts(units: &[Unit]) -> Vec<Option<DropReason>> {
    let mut verdicts: Vec<Option<DropReason>> = units
        .iter()
        .map(|u| {
            // Mostly code lines, or (for a block of several lines) code as a whole.
            let n_lines = u.raw.split('\n').count();
            let code_lines = u.raw.split('\n').filter(|l| junk::is_code_line(l)).count();
            if code_lines * 2 > n_lines || (n_lines > 1 && junk::is_code_line(&u.raw)) {
                Some("script code")
            } else if junk::is_ui_label(&u.text) {
                Some("page chrome")
            } else if junk::is_credit(&u.text) {
                Some("footer credit")
            } else if junk::is_page_number(&u.text) {
                Some("page number")
            } else {
                None
            }
        })
        .collect();

    // Share bars: runs of short list items.
    let mut i = 0;
    while i < units.len() {
        if units[i].list_marker.is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < units.len() && units[i].list_marker.is_some() && units[i].text.split_whitespace().count() <= 3 {
            i += 1;
        }
        let items: Vec<&str> = units[start..i].iter().map(|u| u.text.as_str()).collect();
        if junk::is_share_list(&items) {
            for v in &mut verdicts[start..i] {
                *v = Some("share buttons");
            }
        }
        i = i.max(start + 1);
    }

    // Running headers and footers: the same short line on three or more pages.
    let n_page_breaks = units.iter().filter(|u| u.after_page_break).count();
    if n_page_breaks >= 2 {
        let key = |u: &Unit| -> String {
            u.text.chars().filter(|c| c.is_alphabetic() || *c == ' ').collect::<String>().trim().to_lowercase()
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        for u in units.iter().filter(|u| u.n_chars() < 90 && u.line_start == u.line_end) {
            let k = key(u);
            if k.len() >= 3 {
                *seen.entry(k).or_default() += 1;
            }
        }
        for (u, v) in units.iter().zip(verdicts.iter_mut()) {
            if v.is_none() && u.n_chars() < 90 && seen.get(&key(u)).is_some_and(|n| *n >= 3) {
                *v = Some("running header");
            }
        }
    }
    verdicts
}
