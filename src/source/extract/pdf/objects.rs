//! Object-level facts read with lopdf: encryption, page labels, Info dict,
//! XMP metadata.
//!
//! lopdf 0.47 behaviour (read from its source, confirmed on the fixtures):
//! * `Document::load_with_options` tries the empty user password itself; a
//!   file encrypted with an empty user password loads decrypted and
//!   `was_encrypted()` is true.
//! * With a real user password it still returns `Ok`, but with no objects
//!   loaded: `is_encrypted() && !was_encrypted()` means "locked".
//! * `LoadOptions::max_decompressed_size` bounds object/xref stream inflation
//!   (bomb protection during loading); the XMP stream below is inflated with
//!   an explicit cap too.

use super::error::PdfError;
use super::labels;
use lopdf::{Document, LoadOptions, Object};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::path::Path;

/// What lopdf tells about a file.
#[derive(Debug, Default, Clone)]
pub struct ObjectFacts {
    pub page_count: usize,
    pub encrypted_empty_password: bool,
    pub labels: Option<Vec<String>>,
    pub info_title: Option<String>,
    pub info_author: Option<String>,
    pub info_date: Option<String>,
    pub xmp_title: Option<String>,
    pub xmp_creators: Vec<String>,
    pub xmp_date: Option<String>,
    pub xmp_doi: Option<String>,
}

/// `D:20180509120000+02'00'` → `2018-05-09` (as much as is there).
pub fn pdf_date(s: &str) -> Option<String> {
    let d: String = s.trim_start_matches("D:").chars().take_while(|c| c.is_ascii_digit()).collect();
    match d.len() {
        n if n >= 8 => Some(format!("{}-{}-{}", &d[0..4], &d[4..6], &d[6..8])),
        n if n >= 6 => Some(format!("{}-{}", &d[0..4], &d[4..6])),
        n if n >= 4 => Some(d[0..4].to_string()),
        _ => None,
    }
}

fn info_string(doc: &Document, info: &lopdf::Dictionary, key: &[u8]) -> Option<String> {
    let o = info.get(key).ok()?;
    let (_, o) = doc.dereference(o).ok()?;
    let s = lopdf::decode_text_string(o).ok()?;
    let s = s.trim().to_string();
    // Producers write placeholders; treat them as absent.
    let junk = s.is_empty() || s == "untitled" || s.ends_with(".dvi") || s.ends_with(".doc") || s.ends_with(".docx") || s == "-";
    (!junk).then_some(s)
}

/// Pull dc:title, dc:creator, xmp:CreateDate / dc:date and prism:doi out of an XMP packet.
pub fn parse_xmp(xml: &str, facts: &mut ObjectFacts) {
    let mut r = Reader::from_str(xml);
    // Which property we are inside, by qualified name.
    let mut prop: Option<String> = None;
    let mut text = String::new();
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if matches!(name.as_str(), "dc:title" | "dc:creator" | "xmp:CreateDate" | "dc:date" | "prism:doi") {
                    prop = Some(name);
                }
                text.clear();
            }
            Ok(Event::Text(t)) => text.push_str(&t.decode().unwrap_or_default()),
            Ok(Event::End(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                let t = text.trim().to_string();
                if let Some(p) = prop.as_deref()
                    && !t.is_empty()
                    && (name == "rdf:li" || name == p)
                {
                    match p {
                        // Ghostscript writes "Untitled" when it knows no title.
                        "dc:title" if facts.xmp_title.is_none() && t != "Untitled" => facts.xmp_title = Some(t.clone()),
                        "dc:creator" => facts.xmp_creators.push(t.clone()),
                        "xmp:CreateDate" | "dc:date" if facts.xmp_date.is_none() => facts.xmp_date = Some(t.chars().take(10).collect()),
                        "prism:doi" => facts.xmp_doi = Some(t.clone()),
                        _ => {}
                    }
                }
                if prop.as_deref() == Some(name.as_str()) {
                    prop = None;
                }
                text.clear();
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
}

/// Load with lopdf and read everything above. `Err(Locked)` for a user password.
pub fn read(path: &Path) -> Result<ObjectFacts, PdfError> {
    let opts = LoadOptions { max_decompressed_size: Some(64 << 20), ..LoadOptions::default() };
    let doc = Document::load_with_options(path, opts).map_err(|e| PdfError::Damaged(format!("lopdf: {e}")))?;
    if doc.is_encrypted() && !doc.was_encrypted() {
        return Err(PdfError::Locked);
    }
    let mut f = ObjectFacts { page_count: doc.get_pages().len(), encrypted_empty_password: doc.was_encrypted(), ..Default::default() };
    f.labels = labels::page_labels(&doc, f.page_count);
    if let Ok(info) = doc.trailer.get(b"Info").and_then(|o| doc.dereference(o)).and_then(|(_, o)| o.as_dict()) {
        f.info_title = info_string(&doc, info, b"Title");
        f.info_author = info_string(&doc, info, b"Author");
        f.info_date = info_string(&doc, info, b"CreationDate").and_then(|d| pdf_date(&d));
    }
    if let Ok(Object::Stream(s)) = doc.catalog().and_then(|c| c.get(b"Metadata")).and_then(|o| doc.dereference(o)).map(|(_, o)| o) {
        // XMP is usually uncompressed; if filtered, inflate with a cap.
        let bytes = if s.dict.has(b"Filter") { s.decompressed_content_with_limit(8 << 20).unwrap_or_default() } else { s.content.clone() };
        parse_xmp(&String::from_utf8_lossy(&bytes), &mut f);
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xmp_fields() {
        let x = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Norms in Cyberspace</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>Alice Author</rdf:li><rdf:li>Bob Writer</rdf:li></rdf:Seq></dc:creator>
<xmp:CreateDate>2018-05-09T10:00:00Z</xmp:CreateDate><prism:doi>10.5555/x.1</prism:doi>
</rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let mut f = ObjectFacts::default();
        parse_xmp(x, &mut f);
        assert_eq!(f.xmp_title.as_deref(), Some("Norms in Cyberspace"));
        assert_eq!(f.xmp_creators, ["Alice Author", "Bob Writer"]);
        assert_eq!(f.xmp_date.as_deref(), Some("2018-05-09"));
        assert_eq!(f.xmp_doi.as_deref(), Some("10.5555/x.1"));
        assert_eq!(pdf_date("D:20180509120000+02'00'").as_deref(), Some("2018-05-09"));
    }
}
