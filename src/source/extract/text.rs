//! Plain text and Markdown: decoded by the policy in `source::decode`, read
//! as they are. Markdown YAML front matter (`---` … `---`) gives title,
//! authors, date and DOI, and is blanked (so line numbers still match the file).
//! Form feeds separate pages: a text with any gets physical page labels
//! ("1", "2", …) and the page of each line.

use super::Extracted;
use crate::model::{DocMeta, Warning};
use crate::source::{decode, names};

pub fn extract(bytes: &[u8], rel_path: &str, warnings: &mut Vec<Warning>) -> Option<Extracted> {
    let text = decode(bytes, rel_path, warnings)?;
    let (page_labels, line_pages) = physical_pages(&text);
    let Some(&last) = line_pages.last() else { return Some(Extracted { text, ..Extracted::default() }) };
    // Pages: furniture and footnotes handled as for PDFs (see `paged`).
    let lines: Vec<&str> = text.split('\n').collect();
    let mut pages = line_pages;
    pages.resize(lines.len(), last);
    let (tidied, line_origin) = super::paged::tidy(&lines, &pages);
    let line_pages = line_origin.iter().map(|o| pages[(*o as usize).saturating_sub(1).min(pages.len() - 1)]).collect();
    Some(Extracted { text: tidied.join("\n"), page_labels, line_pages, line_origin, ..Extracted::default() })
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

pub fn extract_markdown(bytes: &[u8], rel_path: &str, warnings: &mut Vec<Warning>) -> Option<Extracted> {
    let text = decode(bytes, rel_path, warnings)?;
    let (text, meta) = front_matter(&text);
    Some(Extracted { text, meta, ..Extracted::default() })
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\''))).unwrap_or(v);
    v.trim().to_string()
}

/// Splits YAML front matter off: the text with its lines blanked, and the
/// metadata it gives (a small subset of YAML: `key: value`, `key: [a, b]`,
/// and `- item` / `- name: item` lists under a key).
pub fn front_matter(text: &str) -> (String, DocMeta) {
    let mut meta = DocMeta::default();
    let lines: Vec<&str> = text.split('\n').collect();
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return (text.to_string(), meta);
    }
    let Some(end) = lines.iter().skip(1).position(|l| matches!(l.trim_end(), "---" | "...")).map(|p| p + 1) else {
        return (text.to_string(), meta);
    };
    let mut key = String::new();
    let mut authors: Vec<String> = vec![];
    let mut date = None;
    for line in &lines[1..end] {
        let trimmed = line.trim();
        if let Some(item) = trimmed.strip_prefix("- ") {
            let item = item.strip_prefix("name:").unwrap_or(item);
            if matches!(key.as_str(), "author" | "authors") && !item.contains(':') {
                authors.push(unquote(item));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if matches!(key.as_str(), "author" | "authors") && let Some(name) = trimmed.strip_prefix("name:") {
                authors.push(unquote(name));
            }
            continue;
        }
        let Some((k, v)) = line.split_once(':') else { continue };
        key = k.trim().to_lowercase();
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match key.as_str() {
            "title" => meta.title = Some(unquote(v)).filter(|t| !t.is_empty()),
            "author" | "authors" => {
                let list = v.strip_prefix('[').and_then(|v| v.strip_suffix(']'));
                match list {
                    Some(list) => authors.extend(list.split(',').map(unquote)),
                    None => authors.extend(unquote(v).split(" and ").map(str::to_string)),
                }
            }
            "date" | "year" => date = Some(unquote(v)),
            "doi" => meta.doi = Some(unquote(v)).filter(|d| !d.is_empty()),
            _ => {}
        }
    }
    meta.authors = authors.iter().map(|a| a.trim()).filter(|a| !a.is_empty() && !names::is_not_a_person(a)).map(names::person).collect();
    meta.year = date.as_deref().and_then(|d| d.get(..4)).and_then(|y| y.parse().ok());
    meta.date = date;
    let mut out: Vec<&str> = vec![""; end + 1];
    out.extend(&lines[end + 1..]);
    (out.join("\n"), meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter() {
        let md = "---\ntitle: \"Norms in Cyberspace\"\nauthor:\n  - Guan Yongping\n  - name: Jane Roe\n  - Sciences Po\ndate: 2021-05-03\ndoi: 10.1234/abc\n---\n# Intro\n\nText.\n";
        let (text, meta) = front_matter(md);
        assert_eq!(meta.title.as_deref(), Some("Norms in Cyberspace"));
        assert_eq!(meta.authors.iter().map(|p| p.display()).collect::<Vec<_>>(), vec!["Guan, Yongping", "Roe, Jane"]);
        assert_eq!(meta.year, Some(2021));
        assert_eq!(meta.doi.as_deref(), Some("10.1234/abc"));
        assert_eq!(text.lines().count(), md.lines().count());
        assert_eq!(text.lines().nth(9), Some("# Intro"));
        let (same, none) = front_matter("no front matter\n---\n");
        assert_eq!(same, "no front matter\n---\n");
        assert!(none.title.is_none());
    }
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn form_feeds_give_physical_pages() {
        let (labels, pages) = physical_pages("a\nb\n\u{c}c\nd\u{c}\ne\n");
        assert_eq!(labels, ["1", "2", "3"]);
        assert_eq!(pages, [0, 0, 1, 1, 2]);
        assert_eq!(physical_pages("no pages\n"), (vec![], vec![]));
    }
}
