//! A document as a bibliography entry: its BibTeX (its own, or one made
//! from what folio knows) and its CSL-JSON item (for pandoc and Zotero).

use crate::model::DocMeta;

fn escape_bibtex(s: &str) -> String {
    s.replace('\\', "\\\\").replace('&', "\\&").replace('%', "\\%").replace('#', "\\#").replace('{', "\\{").replace('}', "\\}")
}

/// The document's BibTeX entry: its own, or one made from what folio knows
/// (marked as guessed) for a document without one.
pub fn bibtex(meta: &DocMeta, fallback_title: &str) -> String {
    if let Some(raw) = &meta.bibtex {
        return raw.clone();
    }
    let mut fields = vec![format!("  title = {{{}}}", escape_bibtex(meta.title.as_deref().unwrap_or(fallback_title)))];
    if !meta.authors.is_empty() {
        let names: Vec<String> = meta.authors.iter().map(|p| escape_bibtex(&p.display())).collect();
        fields.push(format!("  author = {{{}}}", names.join(" and ")));
    }
    if let Some(y) = meta.year {
        fields.push(format!("  year = {{{y}}}"));
    }
    if let Some(a) = &meta.affiliation {
        fields.push(format!("  institution = {{{}}}", escape_bibtex(a)));
    }
    if meta.guessed_from_text() {
        fields.push("  note = {Metadata guessed from the text by folio}".into());
    }
    format!("@misc{{{},\n{}\n}}", meta.key, fields.join(",\n"))
}

/// A CSL-JSON item for the document (the format pandoc and Zotero read).
/// Made from the document's own BibTeX entry when it has one (every field
/// CSL can hold, see `csl`), else from what folio knows.
pub fn csl_json(meta: &DocMeta, fallback_title: &str) -> serde_json::Value {
    if let Some(entry) = meta.bibtex.as_deref().and_then(super::csl::parse_entry) {
        let mut item = super::csl::item(&entry, &meta.key);
        if let Some(obj) = item.as_object_mut() {
            obj.entry("title").or_insert_with(|| fallback_title.into());
            if meta.guessed {
                obj.insert("note".into(), "Metadata guessed from the text by folio".into());
            }
        }
        return item;
    }
    let kind = match meta.entry_type.as_deref() {
        Some("article") if meta.venue.is_some() => "article-journal",
        Some("online") => "post-weblog",
        Some("book") => "book",
        Some("incollection") | Some("inbook") => "chapter",
        Some("report") | Some("techreport") => "report",
        _ => "article",
    };
    let mut item = serde_json::json!({
        "id": meta.key,
        "type": kind,
        "title": meta.title.as_deref().unwrap_or(fallback_title),
    });
    let obj = item.as_object_mut().expect("object");
    if !meta.authors.is_empty() {
        let authors: Vec<serde_json::Value> = meta
            .authors
            .iter()
            .map(|p| match &p.given {
                Some(g) => serde_json::json!({"family": p.family, "given": g}),
                None => serde_json::json!({"literal": p.family}),
            })
            .collect();
        obj.insert("author".into(), authors.into());
    }
    if let Some(y) = meta.year {
        let mut parts = vec![serde_json::Value::from(y)];
        if let Some(date) = &meta.date {
            for p in date.split('-').skip(1).take(2) {
                if let Ok(n) = p.parse::<u32>() {
                    parts.push(n.into());
                }
            }
        }
        obj.insert("issued".into(), serde_json::json!({"date-parts": [parts]}));
    }
    if let Some(v) = &meta.venue {
        obj.insert("container-title".into(), v.clone().into());
    }
    if let Some(u) = &meta.url {
        obj.insert("URL".into(), u.clone().into());
    }
    if let Some(d) = &meta.doi {
        obj.insert("DOI".into(), d.clone().into());
    }
    if meta.guessed_from_text() {
        obj.insert("note".into(), "Metadata guessed from the text by folio".into());
    }
    item
}

