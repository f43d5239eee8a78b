//! OpenDocument text (`.odt`): `content.xml` read with quick-xml through the
//! same zip caps as DOCX. `text:h` (and `Heading*`/`Title` paragraph styles)
//! become `#` headings by outline level, list items `- `, quotation styles
//! `> `, table rows cells joined by ` | `; `text:note` becomes a `^[n]`
//! marker with its body under "Notes". Title, author and date from `meta.xml`.

use std::io::Cursor;

use super::docx::{each_event, part, Ev};
use super::Extracted;
use crate::model::{DocMeta, Warning};
use crate::source::names;

#[derive(Default)]
struct State {
    blocks: Vec<String>,
    notes: Vec<String>,
    /// The paragraph being read: its prefix (`## `, `- `, `> `) and text.
    para: Option<(String, String)>,
    list_depth: usize,
    note_depth: usize,
    in_citation: bool,
    note: String,
    row: Option<Vec<String>>,
    cell: String,
}

fn prefix(name: &str, attrs: &std::collections::BTreeMap<String, String>, list_depth: usize) -> String {
    let style = attrs.get("style-name").map(|s| s.to_lowercase().replace("_20_", " ")).unwrap_or_default();
    if name == "h" {
        let level: usize = attrs.get("outline-level").and_then(|l| l.parse().ok()).unwrap_or(1);
        return format!("{} ", "#".repeat(level.clamp(1, 6) + 1));
    }
    if style == "title" {
        return "# ".into();
    }
    if let Some(level) = style.strip_prefix("heading ").and_then(|l| l.trim().parse::<usize>().ok()) {
        return format!("{} ", "#".repeat(level.clamp(1, 6) + 1));
    }
    if list_depth > 0 {
        return "- ".into();
    }
    if style.contains("quot") {
        return "> ".into();
    }
    String::new()
}

/// The end of a `p` or `h` outside notes: a table cell's text or a block.
fn end_paragraph(s: &mut State) {
    let Some((prefix, text)) = s.para.take() else { return };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return;
    }
    if s.row.is_some() {
        if !s.cell.is_empty() {
            s.cell.push(' ');
        }
        s.cell.push_str(&text);
    } else {
        s.blocks.push(format!("{prefix}{text}"));
    }
}

/// The body of `content.xml` in the line form, notes numbered in order.
fn body(xml: &str) -> String {
    let mut s = State::default();
    each_event(xml, |ev| match ev {
        Ev::Start(name, attrs) => match name.as_str() {
            "note" => {
                s.note_depth += 1;
                s.note.clear();
                let n = s.notes.len() + 1;
                if let Some((_, t)) = s.para.as_mut() {
                    t.push_str(&format!("^[{n}]"));
                }
            }
            "note-citation" => s.in_citation = true,
            "p" | "h" if s.note_depth == 0 => s.para = Some((prefix(&name, &attrs, s.list_depth), String::new())),
            "list-item" => s.list_depth += 1,
            "table-row" => s.row = Some(vec![]),
            "s" | "tab" | "line-break" => {
                if s.note_depth > 0 {
                    s.note.push(' ');
                } else if let Some((_, t)) = s.para.as_mut() {
                    t.push(' ');
                }
            }
            _ => {}
        },
        Ev::Text(t) => {
            if s.in_citation {
            } else if s.note_depth > 0 {
                s.note.push_str(&t);
            } else if let Some((_, p)) = s.para.as_mut() {
                p.push_str(&t);
            }
        }
        Ev::End(name) => match name.as_str() {
            "note-citation" => s.in_citation = false,
            "note" => {
                s.note_depth = s.note_depth.saturating_sub(1);
                s.notes.push(s.note.split_whitespace().collect::<Vec<_>>().join(" "));
            }
            "p" if s.note_depth > 0 => s.note.push(' '),
            "p" | "h" => end_paragraph(&mut s),
            "list-item" => s.list_depth = s.list_depth.saturating_sub(1),
            "table-cell" => {
                let cell = std::mem::take(&mut s.cell);
                if let Some(r) = s.row.as_mut() {
                    r.push(cell);
                }
            }
            "table-row" => {
                if let Some(r) = s.row.take() {
                    let line = r.into_iter().filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" | ");
                    if !line.is_empty() {
                        s.blocks.push(line);
                    }
                }
            }
            _ => {}
        },
    });
    if !s.notes.is_empty() {
        s.blocks.push("## Notes".into());
        for (i, n) in s.notes.iter().enumerate() {
            s.blocks.push(format!("[{}] {n}", i + 1));
        }
    }
    s.blocks.join("\n\n") + "\n"
}

fn meta_xml(xml: &str) -> DocMeta {
    let mut meta = DocMeta::default();
    let mut current = String::new();
    each_event(xml, |ev| match ev {
        Ev::Start(name, _) => current = name,
        Ev::End(_) => current.clear(),
        Ev::Text(t) => {
            let t = t.trim().to_string();
            match current.as_str() {
                "title" if !t.is_empty() => meta.title = Some(t),
                "initial-creator" | "creator" if !t.is_empty() && meta.authors.is_empty() && !names::is_not_a_person(&t) => meta.authors.push(names::person(&t)),
                "creation-date" | "date" if meta.date.is_none() && !t.is_empty() => {
                    meta.year = t.get(..4).and_then(|y| y.parse().ok());
                    meta.date = Some(t.chars().take(10).collect());
                }
                _ => {}
            }
        }
    });
    meta
}

fn read(bytes: &[u8]) -> Result<Extracted, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not an ODT (zip) file: {e}"))?;
    let mut total = 0;
    let content = part(&mut zip, "content.xml", &mut total)?.ok_or("no `content.xml`: not an OpenDocument file")?;
    let meta = part(&mut zip, "meta.xml", &mut total)?.map(|x| meta_xml(&x)).unwrap_or_default();
    Ok(Extracted { text: body(&content), meta, ..Extracted::default() })
}

pub fn extract(bytes: &[u8], rel_path: &str, warnings: &mut Vec<Warning>) -> Option<Extracted> {
    super::reported(read(bytes), rel_path, warnings)
}

#[cfg(test)]
mod tests {
    #[test]
    fn headings_lists_notes_and_tables() {
        let xml = r#"<office:document-content xmlns:office="o" xmlns:text="t" xmlns:table="b"><office:body><office:text>
<text:h text:outline-level="1">Norms</text:h>
<text:p text:style-name="Standard">States agree<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>See the report.</text:p></text:note-body></text:note> on norms.</text:p>
<text:list><text:list-item><text:p>one</text:p></text:list-item></text:list>
<table:table><table:table-row><table:table-cell><text:p>a</text:p></table:table-cell><table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table>
</office:text></office:body></office:document-content>"#;
        assert_eq!(super::body(xml), "## Norms\n\nStates agree^[1] on norms.\n\n- one\n\na | b\n\n## Notes\n\n[1] See the report.\n");
        let meta = super::meta_xml(r#"<office:document-meta xmlns:office="o" xmlns:dc="d" xmlns:meta="m"><office:meta><dc:title>Cyber Norms</dc:title><meta:initial-creator>Guan Yongping</meta:initial-creator><meta:creation-date>2020-01-02T00:00:00</meta:creation-date></office:meta></office:document-meta>"#);
        assert_eq!(meta.title.as_deref(), Some("Cyber Norms"));
        assert_eq!(meta.authors[0].family, "Guan");
        assert_eq!(meta.year, Some(2020));
    }
}
