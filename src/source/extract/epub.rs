//! EPUB books: `META-INF/container.xml` names the package document, whose
//! spine lists the XHTML chapters in reading order; each is read by the HTML
//! reader (chrome dropped, headings, notes) and the chapters joined. Title,
//! creators and date come from the package metadata. Parts are read through
//! the same caps as DOCX (zip bombs refused).

use std::collections::BTreeMap;
use std::io::Cursor;

use super::docx::{each_event, part, Ev};
use super::html::read_page;
use super::Extracted;
use crate::model::{DocMeta, Warning};
use crate::source::names;

/// The most chapters read from one book.
const MAX_CHAPTERS: usize = 2000;

/// `href` resolved against the folder of the package document.
fn resolve(base: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap_or(href);
    let mut parts: Vec<&str> = base.rsplit_once('/').map_or(vec![], |(dir, _)| dir.split('/').collect());
    for seg in href.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/").replace("%20", " ")
}

fn read(bytes: &[u8]) -> Result<Extracted, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not an EPUB (zip) file: {e}"))?;
    let mut total = 0;
    let container = part(&mut zip, "META-INF/container.xml", &mut total)?.ok_or("no `META-INF/container.xml`: not an EPUB book")?;
    let mut opf_path = None;
    each_event(&container, |ev| {
        if let Ev::Start(name, attrs) = ev
            && name == "rootfile"
        {
            opf_path = opf_path.take().or_else(|| attrs.get("full-path").cloned());
        }
    });
    let opf_path = opf_path.ok_or("the container names no package document")?;
    let opf = part(&mut zip, &opf_path, &mut total)?.ok_or_else(|| format!("package document `{opf_path}` missing"))?;
    let mut items: BTreeMap<String, String> = BTreeMap::new();
    let mut spine: Vec<String> = vec![];
    let mut meta = DocMeta::default();
    let mut current = String::new();
    each_event(&opf, |ev| match ev {
        Ev::Start(name, attrs) => {
            match name.as_str() {
                "item" => {
                    if let (Some(id), Some(href)) = (attrs.get("id"), attrs.get("href")) {
                        items.insert(id.clone(), href.clone());
                    }
                }
                "itemref" if attrs.get("linear").is_none_or(|l| l != "no") => spine.extend(attrs.get("idref").cloned()),
                _ => {}
            }
            current = name;
        }
        Ev::End(_) => current.clear(),
        Ev::Text(t) => {
            let t = t.trim().to_string();
            match current.as_str() {
                "title" if meta.title.is_none() && !t.is_empty() => meta.title = Some(t),
                "creator" if !t.is_empty() && !names::is_not_a_person(&t) => meta.authors.push(names::person(&t)),
                "date" if meta.date.is_none() && !t.is_empty() => {
                    meta.year = t.get(..4).and_then(|y| y.parse().ok());
                    meta.date = Some(t.chars().take(10).collect());
                }
                _ => {}
            }
        }
    });
    let mut chapters = vec![];
    for idref in spine.iter().take(MAX_CHAPTERS) {
        let Some(href) = items.get(idref) else { continue };
        let path = resolve(&opf_path, href);
        if let Some(xhtml) = part(&mut zip, &path, &mut total)? {
            let (text, _) = read_page(&xhtml);
            if !text.trim().is_empty() {
                chapters.push(text.trim_end().to_string());
            }
        }
    }
    Ok(Extracted { text: chapters.join("\n\n") + "\n", meta, ..Extracted::default() })
}

pub fn extract(bytes: &[u8], rel_path: &str, warnings: &mut Vec<Warning>) -> Option<Extracted> {
    super::reported(read(bytes), rel_path, warnings)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hrefs_resolve_against_the_package() {
        assert_eq!(super::resolve("OEBPS/content.opf", "text/ch 1.xhtml#x"), "OEBPS/text/ch 1.xhtml");
        assert_eq!(super::resolve("OEBPS/content.opf", "../ch%202.xhtml"), "ch 2.xhtml");
        assert_eq!(super::resolve("content.opf", "c.xhtml"), "c.xhtml");
    }
}
