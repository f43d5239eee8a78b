//! Reads a BibTeX library (`references.bib`, `My Library.bib`, …) with the biblatex crate into [`DocMeta`] per entry.
//! Entries are parsed one by one so that a broken entry is reported (with its
//! line) and skipped while the rest are kept.

use std::collections::BTreeMap;

use biblatex::{Bibliography, ChunksExt};

use crate::model::{DocMeta, Person, Warning};

/// One BibTeX entry's source text with the line it starts on.
struct RawEntry<'a> {
    line: usize,
    text: &'a str,
}

/// Splits a .bib file into entries at each `@type{` at the start of a line.
fn split_entries(src: &str) -> Vec<RawEntry<'_>> {
    let mut starts = vec![];
    let mut line = 1;
    let mut at_line_start = true;
    for (i, c) in src.char_indices() {
        // An entry starts with `@type{` at the start of a line, even inside an
        // unclosed entry: that is how one broken entry is kept from swallowing the next.
        if c == '@' && at_line_start {
            let word: String = src[i + 1..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            let after = src[i + 1 + word.len()..].trim_start();
            if !word.is_empty() && after.starts_with(['{', '(']) {
                starts.push((i, line));
            }
        }
        if c == '\n' {
            line += 1;
            at_line_start = true;
        } else if !c.is_whitespace() {
            at_line_start = false;
        }
    }
    let mut out = vec![];
    for (n, (start, line)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(src.len(), |s| s.0);
        out.push(RawEntry { line: *line, text: &src[*start..end] });
    }
    out
}

fn year_of(text: &str) -> Option<i32> {
    let digits: Vec<char> = text.chars().collect();
    digits.windows(4).find(|w| w.iter().all(char::is_ascii_digit)).and_then(|w| w.iter().collect::<String>().parse().ok())
}

/// The paths a `file` field names: `;`-separated, each a plain path, a
/// JabRef `:path:Type` or a Zotero `Description:path:mime` triple (`\:`,
/// `\;` and `\\` unescaped; a Windows drive colon kept).
pub fn file_paths(field: &str) -> Vec<String> {
    let mut parts = vec![];
    let mut cur = String::new();
    let mut chars = field.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some(';' | ':' | '\\')) => {
                // Escaped separator: kept, marked so it is not split on.
                let next = chars.next().unwrap_or_default();
                cur.push(if next == ':' { '\u{1}' } else { next });
            }
            ';' => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    parts
        .into_iter()
        .filter_map(|part| {
            let fields: Vec<&str> = part.split(':').collect();
            let path = if fields.len() >= 3 { fields[1..fields.len() - 1].join(":") } else { part.clone() };
            let path = path.replace('\u{1}', ":").trim().to_string();
            (!path.is_empty()).then_some(path)
        })
        .collect()
}

/// Parses `src` (the contents of `path`) into metadata keyed by BibTeX key, and
/// the files each entry names (its `file` field). Problems become warnings.
pub fn read(src: &str, path: &str) -> (BTreeMap<String, (DocMeta, Vec<String>)>, Vec<Warning>) {
    let mut out = BTreeMap::new();
    let mut warnings = vec![];
    for raw in split_entries(src) {
        let kind = raw.text[1..].split(['{', '(']).next().unwrap_or("").trim().to_lowercase();
        if matches!(kind.as_str(), "comment" | "preamble" | "string") {
            continue;
        }
        let bib = match Bibliography::parse(raw.text) {
            Ok(bib) => bib,
            Err(e) => {
                let line = raw.line + raw.text[..e.span.start.min(raw.text.len())].matches('\n').count();
                let key = raw.text.split_once(['{', '(']).map_or("", |(_, rest)| rest.split([',', '\n']).next().unwrap_or("")).trim();
                warnings.push(Warning {
                    path: format!("{path}:{}", raw.line),
                    message: format!(
                        "BibTeX entry `{key}` skipped: {} at line {line}; fix the entry (the other entries are kept)",
                        e.kind
                    ),
                });
                continue;
            }
        };
        for entry in bib.iter() {
            let field = |name: &str| entry.get(name).map(|c| c.format_verbatim()).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            let authors: Vec<Person> = entry
                .author()
                .map(|people| {
                    people
                        .into_iter()
                        .map(|p| {
                            let family = if p.prefix.is_empty() { p.name.clone() } else { format!("{} {}", p.prefix, p.name) };
                            Person { family, given: (!p.given_name.is_empty()).then(|| p.given_name.clone()) }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let date = field("date").or_else(|| field("year"));
            let meta = DocMeta {
                key: entry.key.clone(),
                title: field("title"),
                authors,
                year: date.as_deref().and_then(year_of),
                entry_type: Some(entry.entry_type.to_string().to_lowercase()),
                venue: field("journaltitle").or_else(|| field("journal")).or_else(|| field("booktitle")).or_else(|| field("organization")).or_else(|| field("publisher")),
                date,
                url: field("url"),
                doi: field("doi"),
                affiliation: field("affiliation").or_else(|| field("institution")),
                embedded: vec![],
                guessed: false,
                bibtex: Some(raw.text.trim().to_string()),
            };
            if out.contains_key(&meta.key) {
                warnings.push(Warning {
                    path: format!("{path}:{}", raw.line),
                    message: format!("duplicate BibTeX key `{}`: this entry is skipped, the first one is kept", meta.key),
                });
                continue;
            }
            let files = field("file").map(|f| file_paths(&f)).unwrap_or_default();
            out.insert(meta.key.clone(), (meta, files));
        }
    }
    (out, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_read_and_a_broken_one_is_skipped() {
        let src = "@article{good,\n  author = {Guan, Yongping},\n  title = {The Past},\n  file = {guan.txt}\n}\n\n@article{bad,\n  title = {Unclosed\n\n@online{other, author = {Liu, Xiaotong}, title = {Code}, date = {2017-11-30}}\n";
        let (entries, warnings) = read(src, "references.bib");
        assert_eq!(entries.keys().collect::<Vec<_>>(), vec!["good", "other"]);
        let (good, file) = &entries["good"];
        assert_eq!(good.authors[0].display(), "Guan, Yongping");
        assert_eq!(file, &vec!["guan.txt".to_string()]);
        assert_eq!(entries["other"].0.year, Some(2017));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].path.ends_with(":7"), "{:?}", warnings);
    }

    #[test]
    fn file_fields_of_zotero_and_jabref() {
        assert_eq!(file_paths("a b.html"), vec!["a b.html"]);
        assert_eq!(file_paths(":docs/x y.docx:Word"), vec!["docs/x y.docx"]);
        assert_eq!(
            file_paths("Full Text:/home/u/Zotero/storage/AB/My Paper.html:text/html;Snapshot:files/s.htm:text/html"),
            vec!["/home/u/Zotero/storage/AB/My Paper.html", "files/s.htm"]
        );
        assert_eq!(file_paths("PDF:C:\\\\Users\\\\a.pdf:application/pdf"), vec!["C:\\Users\\a.pdf"]);
        assert_eq!(file_paths(":C\\:/Users/a.html:HTML"), vec!["C:/Users/a.html"]);
    }
}
