//! Document metadata for PDFs without a .bib entry.
//!
//! Order of trust: Info dict (lopdf) → XMP (lopdf + quick-xml) → first page.
//! First-page title = the consecutive lines with the largest font size in the
//! upper half of page 1 (furniture excluded), joined. The DOI is the first
//! `10.NNNN/...` found in XMP, then in the text (furniture lines included:
//! the DOI usually sits in a first-page foot or note).

use super::layout::{LPage, PdfMeta, Role};
use super::objects::ObjectFacts;
use regex::Regex;
use std::sync::OnceLock;

pub fn find_doi(text: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\b10\.\d{4,9}/[-._;()/:A-Za-z0-9]+").unwrap());
    re.find(text).map(|m| m.as_str().trim_end_matches(['.', ',', ';', ')', ':']).to_string())
}

/// Largest-font lines at the top of the first page that has text.
pub fn first_page_title(pages: &[LPage], roles: &[Vec<Role>]) -> Option<String> {
    let (p, r) = pages.iter().zip(roles).find(|(p, _)| !p.lines.is_empty())?;
    let cand: Vec<usize> = (0..p.lines.len()).filter(|&i| r[i] != Role::Furniture && p.lines[i].bbox.y1 < p.height * 0.5).collect();
    let max = cand.iter().map(|&i| p.lines[i].size()).fold(0.0f32, f32::max);
    let mut title: Vec<&super::layout::LLine> = cand.iter().map(|&i| &p.lines[i]).filter(|l| l.size() > max - 0.5).collect();
    title.sort_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
    // Keep the first run of vertically adjacent lines.
    let mut run = vec![];
    for l in title {
        if let Some(last) = run.last().copied() {
            let last: &super::layout::LLine = last;
            if l.bbox.y0 - last.bbox.y1 > 1.2 * max {
                break;
            }
        }
        run.push(l);
    }
    let t = run.iter().map(|l| l.text()).collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

pub fn assemble(f: &ObjectFacts, pages: &[LPage], roles: &[Vec<Role>], all_text: &str) -> PdfMeta {
    let mut m = PdfMeta::default();
    if let Some(t) = &f.info_title {
        m.title = Some(t.clone());
        m.title_source = Some("info");
    } else if let Some(t) = &f.xmp_title {
        m.title = Some(t.clone());
        m.title_source = Some("xmp");
    } else if let Some(t) = first_page_title(pages, roles) {
        m.title = Some(t);
        m.title_source = Some("first-page");
    }
    m.authors = if let Some(a) = &f.info_author {
        a.split([';', '&']).flat_map(|s| s.split(" and ")).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
    } else {
        f.xmp_creators.clone()
    };
    // Info dates are often the *rendering* date; keep it, the caller
    // prefers .bib or a year printed in the running head.
    m.date = f.info_date.clone().or_else(|| f.xmp_date.clone());
    m.doi = f.xmp_doi.clone().or_else(|| find_doi(all_text));
    m
}

#[cfg(test)]
mod tests {
    #[test]
    fn doi() {
        assert_eq!(super::find_doi("see https://doi.org/10.5555/jcp.2018.117. Next").as_deref(), Some("10.5555/jcp.2018.117"));
        assert_eq!(super::find_doi("no doi here 10.5 x"), None);
    }
}
