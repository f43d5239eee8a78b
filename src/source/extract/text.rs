//! Plain text and Markdown: decoded by the policy in `source::decode`, read
//! as they are. Form feeds separate pages: a text with any gets physical page
//! labels ("1", "2", …) and the page of each line.

use super::Extracted;
use crate::model::Warning;
use crate::source::decode;

pub fn extract(bytes: &[u8], rel_path: &str, warnings: &mut Vec<Warning>) -> Option<Extracted> {
    let text = decode(bytes, rel_path, warnings)?;
    let (page_labels, line_pages) = physical_pages(&text);
    Some(Extracted { text, page_labels, line_pages, ..Extracted::default() })
}

/// Page labels and the page of each line when `text` has form feeds (a
/// line's page is the number of form feeds before its first other
/// character); empty when it has none.
fn physical_pages(text: &str) -> (Vec<String>, Vec<u32>) {
    if !text.contains('\u{c}') {
        return (vec![], vec![]);
    }
    let mut page = 0u32;
    let mut line_pages = vec![];
    for line in text.lines() {
        let lead = line.len() - line.trim_start_matches('\u{c}').len();
        let all = line.matches('\u{c}').count();
        page += u32::try_from(lead).unwrap_or(0);
        line_pages.push(page);
        page += u32::try_from(all - lead).unwrap_or(0);
    }
    let n = line_pages.iter().copied().max().unwrap_or(0);
    ((1..=n + 1).map(|p| p.to_string()).collect(), line_pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_feeds_give_physical_pages() {
        let (labels, pages) = physical_pages("a\nb\n\u{c}c\nd\u{c}\ne\n");
        assert_eq!(labels, ["1", "2", "3"]);
        assert_eq!(pages, [0, 0, 1, 1, 2]);
        assert_eq!(physical_pages("no pages\n"), (vec![], vec![]));
    }
}
