//! Reads a CSL-JSON library (a `.json` file holding an array of CSL items, as
//! Zotero, Better BibTeX and pandoc write them) into [`DocMeta`] per item.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{DocMeta, Person, Warning};

/// Whether `text` looks like a CSL-JSON library: a JSON array whose items are
/// objects with an `id` (an empty array counts).
pub fn is_library(value: &Value) -> bool {
    value.as_array().is_some_and(|items| items.iter().all(|i| i.get("id").is_some()))
}

fn person(v: &Value) -> Option<Person> {
    if let Some(literal) = v.get("literal").and_then(Value::as_str) {
        return Some(Person { family: literal.trim().to_string(), given: None });
    }
    let family = v.get("family").and_then(Value::as_str)?.trim().to_string();
    let given = v.get("given").and_then(Value::as_str).map(|g| g.trim().to_string()).filter(|g| !g.is_empty());
    Some(Person { family, given })
}

/// Parses a CSL-JSON array (the contents of `path`) into metadata by id with
/// the files each item names (a non-standard `file` string, when present).
pub fn read(items: &Value, path: &str) -> (BTreeMap<String, (DocMeta, Vec<String>, String)>, Vec<Warning>) {
    let mut out = BTreeMap::new();
    let mut warnings = vec![];
    for (n, item) in items.as_array().into_iter().flatten().enumerate() {
        let Some(id) = item.get("id").map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).filter(|s| !s.trim().is_empty()) else {
            warnings.push(Warning { path: path.into(), message: format!("CSL item {} has no `id`: skipped", n + 1) });
            continue;
        };
        let text = |name: &str| item.get(name).and_then(Value::as_str).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let date_parts = item.get("issued").and_then(|d| d.get("date-parts")).and_then(|p| p.get(0)).and_then(Value::as_array);
        let year = date_parts.and_then(|p| p.first()).and_then(|y| y.as_i64().or_else(|| y.as_str().and_then(|s| s.parse().ok()))).and_then(|y| i32::try_from(y).ok());
        let date = date_parts.map(|p| p.iter().map(|x| x.as_i64().map_or_else(|| x.as_str().unwrap_or("").to_string(), |n| format!("{n:02}"))).collect::<Vec<_>>().join("-"));
        let meta = DocMeta {
            key: id.clone(),
            title: text("title"),
            authors: item.get("author").and_then(Value::as_array).map(|a| a.iter().filter_map(person).collect()).unwrap_or_default(),
            year,
            entry_type: text("type"),
            venue: text("container-title").or_else(|| text("publisher")),
            date,
            url: text("URL"),
            doi: text("DOI"),
            affiliation: None,
            embedded: vec![],
            guessed: false,
            bibtex: None,
        };
        if out.contains_key(&id) {
            warnings.push(Warning { path: path.into(), message: format!("duplicate CSL id `{id}`: this item is skipped, the first one is kept") });
            continue;
        }
        let files = text("file").map(|f| super::bib::file_paths(&f)).unwrap_or_default();
        out.insert(id, (meta, files, item.to_string()));
    }
    (out, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csl_items_are_read() {
        let v: Value = serde_json::from_str(r#"[{"id":"liu2017","type":"article-journal","title":"Code","author":[{"family":"Liu","given":"Xiaotong"},{"literal":"ICANN"}],"issued":{"date-parts":[[2017,11,30]]},"DOI":"10.1/x"},{"title":"no id"}]"#).unwrap();
        assert!(!is_library(&v));
        let (items, warnings) = read(&v, "lib.json");
        assert_eq!(warnings.len(), 1);
        let (m, _, _) = &items["liu2017"];
        assert_eq!(m.year, Some(2017));
        assert_eq!(m.date.as_deref(), Some("2017-11-30"));
        assert_eq!(m.authors[1].display(), "ICANN");
        assert!(is_library(&serde_json::from_str("[{\"id\":\"a\"}]").unwrap()));
    }
}
