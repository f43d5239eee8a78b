//! Reference lists and the in-text markers that point at them: parses an entry
//! into marker, authors, title, venue, year, DOI and URL; finds the markers a
//! paragraph carries (`^[3]`, `[3]`, a superscript flattened to "space.3", or an
//! author–year citation "(Lewis, 2017)") and resolves them against the list.

use crate::model::Reference;

re!(MARKER, r"^\s*(?:[-•*]\s*)?(?:\[(\d{1,3})\]|(\d{1,3})[.)]?)\s*$");
re!(DOI, r"(?i)(?:doi:\s*|doi\.org/)(10\.\d{4,9}/[^\s,;]+)");
re!(YEAR_PAREN, r"\((?:(\d{4})[a-z]?(?:,[^)]*)?|n\.\s?d\.)\)");
re!(YEAR, r"\b((?:19|20)\d{2})\b");
re!(EMPHASIS, r"\*([^*]{3,300})\*");
re!(COMMENTARY, r"^(?i:see\b|ibid\b|id\.|cf\.|supra\b|infra\b)");
re!(DOC_TYPE, r"\s*\[(?:J|M|C|D|R|N|EB/OL|EB|Z|S|P|A|G)\]\.?");

/// Repairs a URL that PDF extraction spread out with spaces
/// ("http: / /www. cnas. org/files/x_1. pdf") and returns it with where it ends.
fn read_url(text: &str, start: usize) -> (String, usize) {
    let rest = &text[start..];
    let mut url = String::new();
    let mut end = start;
    let mut tokens = rest.split(' ').peekable();
    let mut offset = start;
    while let Some(tok) = tokens.next() {
        let tok_start = offset;
        offset += tok.len() + 1;
        if tok.is_empty() {
            continue;
        }
        let glue = url.is_empty()
            || url.ends_with(['.', '/', '%', ':', '-', '_', '=', '?', '&'])
            || tok.starts_with(['/', '.', '%', '_']);
        // A URL piece has no capitalised prose word after a full stop.
        if !glue || tok.chars().count() > 300 {
            break;
        }
        url.push_str(tok);
        end = tok_start + tok.len();
        if tokens.peek().is_none() {
            break;
        }
    }
    let trimmed = url.trim_end_matches(['.', ',', ';', ')']).to_string();
    (trimmed, end)
}

/// Parses one entry of a reference list. `raw` keeps Markdown emphasis, which
/// marks the title and the venue in many extracted lists.
pub fn parse_entry(marker: Option<&str>, text: &str, raw: &str) -> Reference {
    let marker = marker.and_then(|m| MARKER.captures(m)).and_then(|c| c.get(1).or(c.get(2))).map(|m| m.as_str().to_string());
    let mut reference = Reference { marker, text: text.to_string(), ..Reference::default() };
    // A note that comments rather than cites ("See ...", "Ibid.") has no fields to read.
    if COMMENTARY.is_match(text) {
        reference.doi = DOI.captures(text).map(|c| c[1].trim_end_matches('.').to_string());
        return reference;
    }

    reference.doi = DOI.captures(text).map(|c| c[1].trim_end_matches('.').to_string());
    let mut body = text.to_string();
    if let Some(start) = text.find("http") {
        let (url, end) = read_url(text, start);
        if url.len() > 10 {
            reference.url = Some(url.replace(": / /", "://").replace(":/ /", "://").replace(": //", "://"));
            body = format!("{}{}", &text[..start], &text[end.min(text.len())..]);
        }
    }
    let body = DOI.replace_all(&body, "").to_string();

    // Authors and year: "Lewis, J. A. (2017, July 25). Title." (author–date) or
    // "Li Hongyuan. 2008(08). Title [J]. Venue." or "Wang Guiguo. *Title* [J]. *Venue*, 2021".
    let (authors_part, after_authors) = if let Some(m) = YEAR_PAREN.find(&body) {
        reference.year = YEAR_PAREN.captures(&body).and_then(|c| c.get(1)).and_then(|y| y.as_str().parse().ok());
        (body[..m.start()].trim().to_string(), body[m.end()..].trim_start_matches(['.', ' ']).to_string())
    } else {
        match body.find(". ") {
            Some(i) if i < 120 => (body[..i].to_string(), body[i + 2..].to_string()),
            _ => (String::new(), body.clone()),
        }
    };
    reference.authors = split_authors(&authors_part)
        .into_iter()
        .filter(|a| a.split_whitespace().count() <= 6 && !a.chars().any(|c| c.is_ascii_digit() || c == '/'))
        .collect();
    if reference.year.is_none() {
        reference.year = YEAR.captures(&after_authors).and_then(|c| c[1].parse().ok());
    }

    let emphasized: Vec<String> = EMPHASIS.captures_iter(raw).map(|c| c[1].trim().to_string()).collect();
    if let Some(title) = emphasized.first() {
        reference.title = Some(title.trim_end_matches('.').to_string());
        reference.venue = emphasized.get(1).map(|v| v.trim_end_matches('.').to_string());
    } else {
        // Drop a leading "2008(08). " date, then read "Title [J]. Venue." or "Title. Retrieved from Venue:".
        let rest = after_authors.trim();
        let rest = match YEAR.find(rest) {
            Some(m) if m.start() == 0 => rest[m.end()..].trim_start_matches(|c: char| c.is_ascii_digit() || "().,: ".contains(c)),
            _ => rest,
        };
        if let Some(m) = DOC_TYPE.find(rest) {
            reference.title = Some(rest[..m.start()].trim().to_string());
            let venue = rest[m.end()..].trim().trim_end_matches('.');
            reference.venue = (!venue.is_empty()).then(|| venue.split(',').next().unwrap_or(venue).trim().to_string());
        } else if let Some(i) = rest.find("Retrieved from ") {
            let title = rest[..i].trim().trim_end_matches('.');
            let venue = rest[i + "Retrieved from ".len()..].trim().trim_end_matches([':', '.']).trim();
            // "Title. Retrieved from Site: url", or with no title before it,
            // "Retrieved from Title: url".
            if title.is_empty() {
                reference.title = (!venue.is_empty()).then(|| venue.to_string());
            } else {
                reference.title = Some(title.to_string());
                reference.venue = (!venue.is_empty()).then(|| venue.to_string());
            }
        } else if !rest.is_empty() {
            let mut parts = rest.splitn(2, ". ");
            reference.title = parts.next().map(|t| t.trim().trim_end_matches('.').to_string()).filter(|t| !t.is_empty());
            reference.venue = parts.next().map(|v| v.trim().trim_end_matches('.').to_string()).filter(|v| !v.is_empty());
        }
    }
    reference
}

/// Splits an author list: "Tang Runhua, Li Zhi" (two names) but "Lewis, J. A."
/// (one name with initials); "et al." and "e. a." dropped.
fn split_authors(part: &str) -> Vec<String> {
    let part = part.trim().trim_end_matches('.');
    let part = part.replace("et al", "").replace(", e. a", "").replace(" e. a", "");
    let mut out: Vec<String> = vec![];
    for piece in part.split([',', ';', '&']).flat_map(|p| p.split(" and ")) {
        let piece = piece.trim().trim_end_matches('.').trim();
        if piece.is_empty() {
            continue;
        }
        let initials_only = piece.split_whitespace().all(|w| w.trim_end_matches('.').chars().count() <= 2 && w.chars().next().is_some_and(char::is_alphabetic))
            || piece.chars().count() <= 2;
        if initials_only
            && let Some(last) = out.last_mut() {
                last.push_str(", ");
                last.push_str(piece);
                continue;
            }
        out.push(piece.to_string());
    }
    out
}

re!(CARET_MARKER, r"\^\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]");
re!(BRACKET_MARKER, r"\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]");
re!(SUPERSCRIPT, r"([a-z\)\]\.,;:”’\x22])(\d{1,3})(\s|$)");
re!(AUTHOR_YEAR, r"\(((?:[A-Z][\w.’'-]*\s?){1,6}(?:et al\.)?),?\s+((?:19|20)\d{2})[a-z]?\)");

/// A marker found in a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub label: String,
    /// Numbers for numeric markers; empty for author–year citations.
    pub numbers: Vec<String>,
    /// For author–year citations: the name and the year.
    pub author_year: Option<(String, i32)>,
}

fn expand(numbers: &str) -> Vec<String> {
    let mut out = vec![];
    for part in numbers.split(',') {
        let part = part.trim();
        if let Some((a, b)) = part.split_once(['–', '-'])
            && let (Ok(a), Ok(b)) = (a.trim().parse::<u32>(), b.trim().parse::<u32>())
                && a <= b && b - a < 50 {
                    out.extend((a..=b).map(|n| n.to_string()));
                    continue;
                }
        out.push(part.to_string());
    }
    out
}

/// Finds the markers in `text` and returns the text with numeric markers
/// removed (author–year citations stay: they are prose). `known` says which
/// numbers the document's lists have, so "Article 19" is not taken for a note.
pub fn extract_markers(text: &str, known: &dyn Fn(&str) -> bool) -> (String, Vec<Marker>) {
    let mut markers = vec![];
    let mut out = CARET_MARKER
        .replace_all(text, |c: &regex::Captures| {
            markers.push(Marker { label: c[1].to_string(), numbers: expand(&c[1]), author_year: None });
            ""
        })
        .into_owned();
    out = BRACKET_MARKER
        .replace_all(&out, |c: &regex::Captures| {
            let numbers = expand(&c[1]);
            if numbers.iter().all(|n| known(n)) {
                markers.push(Marker { label: c[1].to_string(), numbers, author_year: None });
                String::new()
            } else {
                c[0].to_string()
            }
        })
        .into_owned();
    out = SUPERSCRIPT
        .replace_all(&out, |c: &regex::Captures| {
            let n = &c[2];
            let after_punct = c[1].chars().next().is_some_and(|ch| !ch.is_alphanumeric());
            // Only after punctuation, or glued to a word the document has a note for.
            if known(n) && (after_punct || c[1].chars().all(char::is_lowercase)) && n != "0" {
                markers.push(Marker { label: n.to_string(), numbers: vec![n.to_string()], author_year: None });
                format!("{}{}", &c[1], &c[3])
            } else {
                c[0].to_string()
            }
        })
        .into_owned();
    for c in AUTHOR_YEAR.captures_iter(&out) {
        let name = c[1].trim().trim_end_matches("et al.").trim().to_string();
        if let Ok(year) = c[2].parse() {
            markers.push(Marker { label: format!("{}, {}", name, &c[2]), numbers: vec![], author_year: Some((name, year)) });
        }
    }
    let tidied = crate::doc::clean::inline::tidy_spaces(&out);
    (tidied, markers)
}

/// True when a reference entry is the one an author–year citation names.
pub fn matches_author_year(reference: &Reference, name: &str, year: i32) -> bool {
    if reference.year != Some(year) {
        return false;
    }
    let haystack = format!("{} {}", reference.authors.join(" "), reference.text.chars().take(80).collect::<String>()).to_lowercase();
    let family = name.split_whitespace().last().unwrap_or(name).to_lowercase();
    haystack.contains(&family) && haystack.contains(&name.split_whitespace().next().unwrap_or("").to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_journal_entry() {
        let raw = "Wang Guiguo. *Rules of international governance in cyberspace and their application* [J]. *China Law Review*, 2021(02):15-29.";
        let text = raw.replace('*', "");
        let r = parse_entry(Some("- [1]"), &text, raw);
        assert_eq!(r.marker.as_deref(), Some("1"));
        assert_eq!(r.authors, vec!["Wang Guiguo"]);
        assert_eq!(r.title.as_deref(), Some("Rules of international governance in cyberspace and their application"));
        assert_eq!(r.venue.as_deref(), Some("China Law Review"));
        assert_eq!(r.year, Some(2021));
    }

    #[test]
    fn dated_entry_with_doc_type() {
        let text = "Li Hongyuan. 2008(08). On Network Sovereignty and the New Concept of National Security [J]. Administration and Law.";
        let r = parse_entry(Some("[1]"), text, text);
        assert_eq!(r.authors, vec!["Li Hongyuan"]);
        assert_eq!(r.year, Some(2008));
        assert_eq!(r.title.as_deref(), Some("On Network Sovereignty and the New Concept of National Security"));
        assert_eq!(r.venue.as_deref(), Some("Administration and Law"));
    }

    #[test]
    fn apa_entry_with_broken_url() {
        let text = "Abraham M. Denmark, e. a. (2010, January 25). Retrieved from Contested Commons: The Future of American Power in a Multipolar World: http: / /www. cnas. org/files/documents/publications/CNAS% 20Contested% 20Commons_1. pdf.";
        let r = parse_entry(Some("1."), text, text);
        assert_eq!(r.authors, vec!["Abraham M. Denmark"]);
        assert_eq!(r.year, Some(2010));
        assert_eq!(r.url.as_deref(), Some("http://www.cnas.org/files/documents/publications/CNAS%20Contested%20Commons_1.pdf"));
        assert_eq!(r.title.as_deref(), Some("Contested Commons: The Future of American Power in a Multipolar World"));
        let text = "Lewis, J. A. (2017, July 25). Sustaining Progress in International Negotiations on Cybersecurity. Retrieved from CSIS: https://www.csis.org/analysis/x";
        let r = parse_entry(Some("2."), text, text);
        assert_eq!(r.authors, vec!["Lewis, J. A"]);
        assert_eq!(r.title.as_deref(), Some("Sustaining Progress in International Negotiations on Cybersecurity"));
        assert_eq!(r.venue.as_deref(), Some("CSIS"));
        assert_eq!(r.url.as_deref(), Some("https://www.csis.org/analysis/x"));
    }

    #[test]
    fn doi_is_read() {
        let text = "Tang Runhua, Li Zhi. A new path [J]. DOI:10.13628/j.cnki.zjcmxb.2022.03.009.";
        let r = parse_entry(None, text, text);
        assert_eq!(r.doi.as_deref(), Some("10.13628/j.cnki.zjcmxb.2022.03.009"));
        assert_eq!(r.authors, vec!["Tang Runhua", "Li Zhi"]);
    }

    #[test]
    fn markers_of_every_kind() {
        let known = |n: &str| n == "3" || n == "12";
        let (text, markers) = extract_markers("outer space.^[3] Therefore see [12] and space.3 Next (Lewis, 2017) Article 19 [40]", &known);
        assert_eq!(text, "outer space. Therefore see and space. Next (Lewis, 2017) Article 19 [40]");
        let labels: Vec<&str> = markers.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, vec!["3", "12", "3", "Lewis, 2017"]);
    }
}
