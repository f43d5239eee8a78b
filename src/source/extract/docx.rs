//! Word documents (`.docx`): a zip of XML parts, read with the zip crate
//! (deflate only) and quick-xml. Paragraphs in order; `Heading1`…`Heading9`
//! and `Title` styles become `#` headings, list paragraphs `- ` items, quote
//! styles `> ` quotes, table rows cells joined by ` | `; footnote and endnote
//! references become `^[n]` markers (numbered in reading order) with the
//! notes under a "Notes" heading. Title, author and date come from
//! `docProps/core.xml`.
//!
//! Zip bombs: every part is read through a cap on its uncompressed size
//! (declared sizes can lie, so the bytes read are counted), and the whole
//! archive is capped too; a file over a cap is refused with a clear warning.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::Extracted;
use crate::model::{DocMeta, Warning};
use crate::source::names;

/// The most one XML part may expand to.
const MAX_PART: u64 = 64 << 20;
/// The most all parts read together may expand to.
const MAX_TOTAL: u64 = 160 << 20;

/// Reads one part of the archive, `Ok(None)` when absent, `Err` with the
/// reason when it cannot be read or is over the caps.
pub(super) fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, total: &mut u64) -> Result<Option<String>, String> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("cannot read `{name}` in the archive: {e}")),
    };
    if file.size() > MAX_PART {
        return Err(format!("`{name}` would expand to {} MB (over {} MB): refused as a possible zip bomb", file.size() >> 20, MAX_PART >> 20));
    }
    let mut bytes = vec![];
    let cap = MAX_PART.min(MAX_TOTAL.saturating_sub(*total));
    file.take(cap + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot decompress `{name}`: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(format!("`{name}` expands past {} MB: refused as a possible zip bomb", cap >> 20));
    }
    *total += bytes.len() as u64;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// One XML event reduced to what the readers need.
pub(super) enum Ev {
    Start(String, BTreeMap<String, String>),
    End(String),
    Text(String),
}

/// Calls `f` for each element start (also for empty elements, followed by
/// an end), end and text run; local names only.
pub(super) fn each_event(xml: &str, mut f: impl FnMut(Ev)) {
    let mut reader = Reader::from_str(xml);
    loop {
        let ev = match reader.read_event() {
            Ok(e) => e,
            Err(_) => break,
        };
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let attrs = e
                    .attributes()
                    .filter_map(Result::ok)
                    .map(|a| (String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(), a.unescape_value().map(|v| v.into_owned()).unwrap_or_default()))
                    .collect();
                let empty = matches!(ev, Event::Empty(_));
                f(Ev::Start(name.clone(), attrs));
                if empty {
                    f(Ev::End(name));
                }
            }
            Event::End(e) => f(Ev::End(String::from_utf8_lossy(e.local_name().as_ref()).into_owned())),
            Event::Text(t) => f(Ev::Text(t.decode().map(|c| c.into_owned()).unwrap_or_default())),
            Event::CData(t) => f(Ev::Text(String::from_utf8_lossy(&t).into_owned())),
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match r.decode().as_deref() {
                        Ok("amp") => "&".into(),
                        Ok("lt") => "<".into(),
                        Ok("gt") => ">".into(),
                        Ok("quot") => "\"".into(),
                        Ok("apos") => "'".into(),
                        _ => String::new(),
                    },
                };
                f(Ev::Text(text));
            }
            Event::Eof => break,
            _ => {}
        }
    }
}

/// A paragraph being read: its style, whether it is a list item, its text.
#[derive(Default)]
struct Para {
    style: String,
    list: bool,
    text: String,
}

/// Notes by (kind, id): "footnote"/"endnote" → their text.
type Notes = BTreeMap<(String, String), String>;

/// The notes of `footnotes.xml` or `endnotes.xml`, separators left out.
fn notes(xml: &str, kind: &str, out: &mut Notes) {
    let mut id: Option<String> = None;
    let mut text = String::new();
    let mut in_t = false;
    each_event(xml, |ev| match ev {
        Ev::Start(name, attrs) if name == kind => {
            let separator = attrs.get("type").is_some_and(|t| t.contains("eparator") || t == "continuationNotice");
            id = (!separator).then(|| attrs.get("id").cloned()).flatten();
            text.clear();
        }
        Ev::Start(name, _) if name == "t" => in_t = true,
        Ev::Start(name, _) if name == "tab" => text.push(' '),
        Ev::End(name) if name == "t" => in_t = false,
        Ev::End(name) if name == "p" => text.push(' '),
        Ev::Text(t) if in_t => text.push_str(&t),
        Ev::End(name) if name == kind => {
            if let Some(id) = id.take() {
                out.insert((kind.to_string(), id), text.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
        _ => {}
    });
}

/// The heading level a paragraph style gives ("Heading2", "heading 2", "Title").
fn heading_level(style: &str) -> Option<usize> {
    let lower = style.to_lowercase().replace(' ', "");
    if lower == "title" {
        return Some(1);
    }
    let digits = lower.strip_prefix("heading").or_else(|| lower.strip_prefix("berschrift")).or_else(|| lower.strip_prefix("titre"))?;
    digits.parse::<usize>().ok().filter(|n| (1..=9).contains(n))
}

/// Reads `document.xml` event by event into blocks of the line form.
#[derive(Default)]
struct BodyReader {
    blocks: Vec<String>,
    para: Option<Para>,
    in_t: bool,
    row: Option<Vec<String>>,
    cell: String,
    table_depth: usize,
    /// Note references in reading order: (kind, id).
    numbered: Vec<(String, String)>,
}

impl BodyReader {
    fn start(&mut self, name: &str, attrs: &BTreeMap<String, String>) {
        match name {
            "p" => self.para = Some(Para::default()),
            "pStyle" => {
                if let (Some(p), Some(v)) = (self.para.as_mut(), attrs.get("val")) {
                    p.style = v.clone();
                }
            }
            "numPr" => {
                if let Some(p) = self.para.as_mut() {
                    p.list = true;
                }
            }
            "t" => self.in_t = true,
            "tab" | "br" | "cr" => {
                if let Some(p) = self.para.as_mut() {
                    p.text.push(' ');
                }
            }
            "footnoteReference" | "endnoteReference" => self.note_reference(name, attrs),
            "tbl" => self.table_depth += 1,
            "tr" if self.table_depth == 1 => self.row = Some(vec![]),
            _ => {}
        }
    }

    /// A note reference becomes `^[n]`, n counted in reading order.
    fn note_reference(&mut self, name: &str, attrs: &BTreeMap<String, String>) {
        let kind = if name == "footnoteReference" { "footnote" } else { "endnote" };
        let (Some(p), Some(id)) = (self.para.as_mut(), attrs.get("id")) else { return };
        let key = (kind.to_string(), id.clone());
        let n = match self.numbered.iter().position(|k| *k == key) {
            Some(i) => i + 1,
            None => {
                self.numbered.push(key);
                self.numbered.len()
            }
        };
        p.text.push_str(&format!("^[{n}]"));
    }

    fn text(&mut self, t: &str) {
        if let (true, Some(p)) = (self.in_t, self.para.as_mut()) {
            p.text.push_str(t);
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "t" => self.in_t = false,
            "p" => self.end_paragraph(),
            "tc" if self.table_depth == 1 => {
                if let Some(r) = self.row.as_mut() {
                    r.push(std::mem::take(&mut self.cell));
                }
            }
            "tr" if self.table_depth == 1 => {
                if let Some(r) = self.row.take() {
                    let line = r.into_iter().filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" | ");
                    if !line.is_empty() {
                        self.blocks.push(line);
                    }
                }
            }
            "tbl" => self.table_depth = self.table_depth.saturating_sub(1),
            _ => {}
        }
    }

    /// A paragraph ends: a table cell's text, or a block (heading, list
    /// item, quote or paragraph by its style).
    fn end_paragraph(&mut self) {
        let Some(p) = self.para.take() else { return };
        let text = p.text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return;
        }
        if self.row.is_some() {
            if !self.cell.is_empty() {
                self.cell.push(' ');
            }
            self.cell.push_str(&text);
            return;
        }
        let style = p.style.to_lowercase();
        self.blocks.push(match heading_level(&p.style) {
            // Title → `#`, Heading1 → `##`, …
            Some(level) => format!("{} {text}", "#".repeat(level + usize::from(!p.style.eq_ignore_ascii_case("title")))),
            None if p.list || style.starts_with("list") => format!("- {text}"),
            None if style.contains("quote") => format!("> {text}"),
            None => text,
        });
    }
}

/// The body of `document.xml` in the line form, notes numbered in reading order.
fn body(xml: &str, all_notes: &Notes) -> String {
    let mut reader = BodyReader::default();
    each_event(xml, |ev| match ev {
        Ev::Start(name, attrs) => reader.start(&name, &attrs),
        Ev::Text(t) => reader.text(&t),
        Ev::End(name) => reader.end(&name),
    });
    let mut blocks = reader.blocks;
    if !reader.numbered.is_empty() {
        blocks.push("## Notes".into());
        for (i, key) in reader.numbered.iter().enumerate() {
            let text = all_notes.get(key).cloned().unwrap_or_default();
            blocks.push(format!("[{}] {text}", i + 1));
        }
    }
    blocks.join("\n\n") + "\n"
}

/// Title, authors and date from `docProps/core.xml`.
fn core_meta(xml: &str) -> DocMeta {
    let mut meta = DocMeta::default();
    let mut current = String::new();
    let mut date: Option<String> = None;
    each_event(xml, |ev| match ev {
        Ev::Start(name, _) => current = name,
        Ev::End(_) => current.clear(),
        Ev::Text(t) => {
            let t = t.trim().to_string();
            if t.is_empty() {
                return;
            }
            match current.as_str() {
                "title" => meta.title = Some(t),
                "creator" => meta.authors.extend(t.split(';').map(str::trim).filter(|a| !a.is_empty() && !names::is_not_a_person(a)).map(names::person)),
                "created" if date.is_none() => date = Some(t),
                "issued" => date = Some(t),
                _ => {}
            }
        }
    });
    meta.year = date.as_deref().and_then(|d| d.get(..4)).and_then(|y| y.parse().ok());
    meta.date = date.map(|d| d.chars().take(10).collect());
    meta
}

fn read(bytes: &[u8]) -> Result<Extracted, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a DOCX (zip) file: {e}"))?;
    let mut total = 0;
    let document = part(&mut zip, "word/document.xml", &mut total)?.ok_or("no `word/document.xml`: not a Word document")?;
    let mut all_notes = Notes::new();
    for (file, kind) in [("word/footnotes.xml", "footnote"), ("word/endnotes.xml", "endnote")] {
        if let Some(xml) = part(&mut zip, file, &mut total)? {
            notes(&xml, kind, &mut all_notes);
        }
    }
    let meta = part(&mut zip, "docProps/core.xml", &mut total)?.map(|x| core_meta(&x)).unwrap_or_default();
    Ok(Extracted { text: body(&document, &all_notes), meta, ..Extracted::default() })
}

pub fn extract(bytes: &[u8], rel_path: &str, warnings: &mut Vec<Warning>) -> Option<Extracted> {
    super::reported(read(bytes), rel_path, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_headings_notes_and_tables() {
        let doc = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Norms &amp; States</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">States agree </w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>item</w:t></w:r><w:r><w:endnoteReference w:id="1"/></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
        let mut n = Notes::new();
        notes(r#"<w:footnotes xmlns:w="x"><w:footnote w:type="separator" w:id="0"><w:p><w:r><w:t>---</w:t></w:r></w:p></w:footnote><w:footnote w:id="2"><w:p><w:r><w:t>See the report.</w:t></w:r></w:p></w:footnote></w:footnotes>"#, "footnote", &mut n);
        notes(r#"<w:endnotes xmlns:w="x"><w:endnote w:id="1"><w:p><w:r><w:t>An endnote.</w:t></w:r></w:p></w:endnote></w:endnotes>"#, "endnote", &mut n);
        assert_eq!(body(doc, &n), "## Norms & States\n\nStates agree ^[1].\n\n- item^[2]\n\na | b\n\n## Notes\n\n[1] See the report.\n\n[2] An endnote.\n");
        let meta = core_meta(r#"<cp:coreProperties xmlns:cp="c" xmlns:dc="d" xmlns:dcterms="t"><dc:title>Cyber Norms</dc:title><dc:creator>Guan Yongping</dc:creator><dcterms:created>2022-03-01T00:00:00Z</dcterms:created></cp:coreProperties>"#);
        assert_eq!(meta.title.as_deref(), Some("Cyber Norms"));
        assert_eq!(meta.authors[0].family, "Guan");
        assert_eq!(meta.year, Some(2022));
    }
}
