//! CSL-JSON from a document's own BibLaTeX/BibTeX entry: every field CSL can
//! hold, mapped the way pandoc maps a .bib file (so that `pandoc --citeproc`
//! renders folio's CSL-JSON exactly as it renders the .bib itself): the CSL
//! type by entry type, titles in sentence case (CSL's convention; braced text
//! is kept as written and protected with a `nocase` span), literal lists
//! (publisher, institution, location) joined with "; ", dates as date-parts.

use biblatex::{Bibliography, Chunk, ChunksExt, DateValue, Datetime, Entry, PermissiveType, Spanned};
use serde_json::{json, Map, Value};

/// The entry `raw` holds (the first one), if it parses.
pub fn parse_entry(raw: &str) -> Option<Entry> {
    Bibliography::parse(raw).ok()?.into_vec().into_iter().next()
}

/// The CSL type of a BibLaTeX/BibTeX entry type (lower case), with the genre
/// some types imply.
pub fn csl_type(entry_type: &str, subtype: Option<&str>) -> (&'static str, Option<&'static str>) {
    match entry_type {
        "article" => match subtype {
            Some("magazine") => ("article-magazine", None),
            Some("newspaper") => ("article-newspaper", None),
            _ => ("article-journal", None),
        },
        "book" | "mvbook" | "collection" | "mvcollection" | "manual" | "proceedings" | "mvproceedings" | "reference" | "mvreference" => ("book", None),
        "booklet" => ("pamphlet", None),
        "inbook" | "incollection" | "bookinbook" | "suppbook" | "suppcollection" => ("chapter", None),
        "inreference" => ("entry-encyclopedia", None),
        "inproceedings" | "conference" => ("paper-conference", None),
        "report" | "techreport" => ("report", None),
        "thesis" => ("thesis", None),
        "phdthesis" => ("thesis", Some("PhD thesis")),
        "mastersthesis" => ("thesis", Some("Master’s thesis")),
        "online" | "electronic" | "www" => ("webpage", None),
        "patent" => ("patent", None),
        "periodical" => ("periodical", None),
        "unpublished" => ("manuscript", None),
        "dataset" => ("dataset", None),
        "software" => ("software", None),
        "jurisdiction" => ("legal_case", None),
        "legislation" => ("legislation", None),
        "legal" => ("treaty", None),
        // misc and anything else: CSL has no better type; pandoc leaves it empty.
        _ => ("", None),
    }
}

/// Straight quotes and TeX dashes as typeset text: `'` → ’, `---` → —, `--` → –.
fn typeset(s: &str) -> String {
    s.replace("---", "—").replace("--", "–").replace('\'', "’")
}

/// A field's text; braced (verbatim) parts as written.
fn text_of(chunks: &[Spanned<Chunk>]) -> String {
    let mut out = String::new();
    for c in chunks {
        match &c.v {
            Chunk::Normal(s) => out.push_str(&typeset(s)),
            Chunk::Verbatim(s) => out.push_str(s),
            Chunk::Math(s) => {
                out.push('$');
                out.push_str(s);
                out.push('$');
            }
        }
    }
    collapse_spaces(&out)
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A title in sentence case, the way CSL wants titles stored: a word
/// written Capitalised is lowered unless it starts the title or follows a
/// colon (or ends a sentence); words with other capitals (NATO, iPhone) and
/// braced text stay as written, braced text protected with a nocase span.
fn sentence_case(chunks: &[Spanned<Chunk>]) -> String {
    let mut out = String::new();
    let mut capitalise_next = true;
    for c in chunks {
        match &c.v {
            Chunk::Verbatim(s) => {
                if !s.trim().is_empty() {
                    capitalise_next = false;
                }
                out.push_str(&format!("<span class=\"nocase\">{s}</span>"));
            }
            Chunk::Math(s) => out.push_str(&format!("${s}$")),
            Chunk::Normal(s) => {
                let s = typeset(s);
                let mut word = String::new();
                for ch in s.chars().chain(std::iter::once('\u{0}')) {
                    if ch.is_whitespace() || ch == '\u{0}' {
                        if !word.is_empty() {
                            let keep = capitalise_next;
                            out.push_str(&if keep { word.clone() } else { lower_capitalised(&word) });
                            capitalise_next = word.ends_with([':', '?', '!', '.']) && !word.ends_with("..");
                            word.clear();
                        }
                        if ch != '\u{0}' {
                            out.push(ch);
                        }
                    } else {
                        word.push(ch);
                    }
                }
            }
        }
    }
    collapse_nocase_spaces(&out)
}

fn collapse_nocase_spaces(s: &str) -> String {
    let t = collapse_spaces(s);
    // Keep a leading/trailing space out of the result.
    t.trim().to_string()
}

/// "Oxford" → "oxford"; "NATO", "iPhone", "2.0", "McDonald" unchanged. Each
/// hyphenated part is treated alike ("Self-Defence" → "self-defence").
fn lower_capitalised(word: &str) -> String {
    word.split('-')
        .map(|part| {
            let letters: Vec<char> = part.chars().filter(|c| c.is_alphabetic()).collect();
            let capitalised = letters.first().is_some_and(|c| c.is_uppercase()) && letters[1..].iter().all(|c| c.is_lowercase());
            if capitalised && letters.len() > 1 {
                part.to_lowercase()
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Splits a literal list at top-level " and " (braced text is never split).
fn literal_list(chunks: &[Spanned<Chunk>]) -> Vec<String> {
    let mut items: Vec<String> = vec![String::new()];
    for c in chunks {
        match &c.v {
            Chunk::Normal(s) => {
                let s = typeset(s);
                let mut parts = s.split(" and ");
                if let Some(first) = parts.next() {
                    items.last_mut().expect("one item").push_str(first);
                }
                for p in parts {
                    items.push(p.to_string());
                }
            }
            Chunk::Verbatim(s) => items.last_mut().expect("one item").push_str(s),
            Chunk::Math(s) => items.last_mut().expect("one item").push_str(&format!("${s}$")),
        }
    }
    items.into_iter().map(|s| collapse_spaces(&s)).filter(|s| !s.is_empty()).collect()
}

fn date_parts(d: &Datetime) -> Value {
    let mut parts = vec![Value::from(d.year)];
    if let Some(m) = d.month {
        parts.push((m + 1).into());
        if let Some(day) = d.day {
            parts.push((day + 1).into());
        }
    }
    Value::Array(parts)
}

fn csl_date(value: &DateValue) -> Value {
    let parts = match value {
        DateValue::At(d) | DateValue::After(d) | DateValue::Before(d) => vec![date_parts(d)],
        DateValue::Between(a, b) => vec![date_parts(a), date_parts(b)],
    };
    json!({ "date-parts": parts })
}

fn names(people: Vec<biblatex::Person>) -> Value {
    people
        .into_iter()
        .map(|p| {
            if p.given_name.is_empty() && p.prefix.is_empty() && p.suffix.is_empty() && p.name.contains(' ') {
                return json!({ "literal": typeset(&p.name) });
            }
            let mut n = Map::new();
            n.insert("family".into(), typeset(&p.name).into());
            if !p.given_name.is_empty() {
                n.insert("given".into(), typeset(&p.given_name).into());
            }
            if !p.prefix.is_empty() {
                n.insert("dropping-particle".into(), p.prefix.into());
            }
            if !p.suffix.is_empty() {
                n.insert("suffix".into(), p.suffix.into());
            }
            Value::Object(n)
        })
        .collect()
}

/// The CSL-JSON item of a parsed entry, under `id`.
pub fn item(entry: &Entry, id: &str) -> Value {
    let mut o = Map::new();
    let get = |name: &str| entry.get(name).map(text_of).filter(|s| !s.is_empty());
    let list = |name: &str| entry.get(name).map(literal_list).unwrap_or_default();
    let entry_type = entry.entry_type.to_string().to_lowercase();
    let subtype = get("entrysubtype");
    let (kind, genre) = csl_type(&entry_type, subtype.as_deref());
    o.insert("id".into(), id.into());
    o.insert("type".into(), kind.into());

    for (field, csl) in [("author", "author"), ("editor", "editor"), ("translator", "translator")] {
        if let Some(people) = entry.get(field).and_then(|c| c.parse::<Vec<biblatex::Person>>().ok()).filter(|p| !p.is_empty()) {
            o.insert(csl.into(), names(people));
        }
    }

    // Title (with subtitle and addon) and its short form.
    if let Some(title) = entry.get("title") {
        let mut t = sentence_case(title);
        if let Some(sub) = entry.get("subtitle") {
            t = format!("{t}: {}", sentence_case(sub));
        }
        if let Some(addon) = entry.get("titleaddon") {
            t = format!("{t}. {}", sentence_case(addon));
        }
        if let Some(short) = entry.get("shorttitle") {
            o.insert("title-short".into(), sentence_case(short).into());
        } else if let Some((head, _)) = t.split_once(": ") {
            o.insert("title-short".into(), head.to_string().into());
        }
        o.insert("title".into(), t.into());
    }

    // The work it appears in.
    let container = match kind {
        "article-journal" | "article-magazine" | "article-newspaper" => entry.get("journaltitle").or_else(|| entry.get("journal")),
        "chapter" | "paper-conference" | "entry-encyclopedia" => entry.get("booktitle"),
        "book" => entry.get("maintitle"),
        _ => None,
    };
    if let Some(c) = container {
        let mut t = sentence_case(c);
        let sub = if matches!(kind, "chapter" | "paper-conference" | "entry-encyclopedia") { entry.get("booksubtitle") } else { entry.get("journalsubtitle") };
        if let Some(sub) = sub {
            t = format!("{t}: {}", sentence_case(sub));
        }
        o.insert("container-title".into(), t.into());
    }
    if let Some(s) = entry.get("series") {
        o.insert("collection-title".into(), sentence_case(s).into());
    }
    if let Some(e) = entry.get("eventtitle") {
        o.insert("event-title".into(), sentence_case(e).into());
    }
    if let Some(v) = get("venue") {
        o.insert("event-place".into(), v.into());
    }

    // Publisher: the organisation and the publisher; for reports and theses
    // the institution; for miscellanea how it was published.
    let mut publishers: Vec<String> = vec![];
    match kind {
        "report" | "thesis" => {
            publishers.extend(list("institution"));
            if publishers.is_empty() {
                publishers.extend(list("school"));
            }
            publishers.extend(list("publisher"));
        }
        _ => {
            publishers.extend(list("organization"));
            publishers.extend(list("publisher"));
            if publishers.is_empty() {
                publishers.extend(list("institution"));
            }
        }
    }
    if let Some(h) = get("howpublished").filter(|h| !h.starts_with("http")) {
        publishers.push(h);
    }
    if !publishers.is_empty() {
        o.insert("publisher".into(), publishers.join("; ").into());
    }
    let places = { let l = list("location"); if l.is_empty() { list("address") } else { l } };
    if !places.is_empty() {
        o.insert("publisher-place".into(), places.join("; ").into());
    }

    if let Some(v) = get("volume") {
        o.insert("volume".into(), v.into());
    }
    if let Some(v) = get("volumes") {
        o.insert("number-of-volumes".into(), v.into());
    }
    let number = get("number");
    let issue = get("issue");
    if kind.starts_with("article") {
        if let Some(i) = number.clone().or(issue) {
            o.insert("issue".into(), i.into());
        }
    } else if let Some(n) = number {
        if o.contains_key("collection-title") && matches!(kind, "book" | "chapter" | "paper-conference") {
            o.insert("collection-number".into(), n.into());
        } else {
            o.insert("number".into(), n.into());
        }
    }
    if let Some(p) = get("pages").or_else(|| get("eid")) {
        o.insert("page".into(), p.replace(['–', '—'], "-").into());
    }
    if let Some(p) = get("pagetotal") {
        o.insert("number-of-pages".into(), p.into());
    }
    if let Some(c) = get("chapter") {
        o.insert("chapter-number".into(), c.into());
    }
    if let Some(e) = get("edition") {
        o.insert("edition".into(), e.into());
    }
    if let Some(v) = get("version") {
        o.insert("version".into(), v.into());
    }
    let genre = match (kind, get("type")) {
        ("thesis", Some(t)) => Some(match t.to_lowercase().as_str() {
            "phdthesis" => "PhD thesis".to_string(),
            "mathesis" | "mastersthesis" => "Master’s thesis".to_string(),
            _ => t,
        }),
        (_, Some(t)) => Some(t),
        (_, None) => genre.map(String::from),
    };
    if let Some(g) = genre {
        o.insert("genre".into(), g.into());
    }

    if let Ok(PermissiveType::Typed(d)) = entry.date() {
        o.insert("issued".into(), csl_date(&d.value));
    }
    if let Ok(PermissiveType::Typed(d)) = entry.url_date() {
        o.insert("accessed".into(), csl_date(&d.value));
    }
    if let Ok(PermissiveType::Typed(d)) = entry.event_date() {
        o.insert("event-date".into(), csl_date(&d.value));
    }
    if let Ok(PermissiveType::Typed(d)) = entry.orig_date() {
        o.insert("original-date".into(), csl_date(&d.value));
    }

    if let Some(u) = entry.get("url").map(|c| c.format_verbatim()).filter(|s| !s.is_empty()) {
        o.insert("URL".into(), u.into());
    } else if let Some(h) = get("howpublished").filter(|h| h.starts_with("http")) {
        o.insert("URL".into(), h.into());
    }
    if let Some(d) = entry.get("doi").map(|c| c.format_verbatim()).filter(|s| !s.is_empty()) {
        let d = d.trim_start_matches("https://doi.org/").trim_start_matches("http://dx.doi.org/").trim_start_matches("doi:").to_string();
        o.insert("DOI".into(), d.into());
    }
    for (field, csl) in [("isbn", "ISBN"), ("issn", "ISSN"), ("abstract", "abstract"), ("langid", "language"), ("annotation", "annote")] {
        if let Some(v) = get(field) {
            o.insert(csl.into(), v.into());
        }
    }
    let notes: Vec<String> = ["note", "addendum"].into_iter().filter_map(get).collect();
    if !notes.is_empty() {
        o.insert("note".into(), notes.join(". ").into());
    }
    if let (Some(kind), Some(id)) = (get("eprinttype").or_else(|| get("archiveprefix")), get("eprint")) {
        if kind.eq_ignore_ascii_case("arxiv") {
            o.insert("URL".into(), format!("https://arxiv.org/abs/{id}").into());
        }
    }
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csl(raw: &str) -> Value {
        item(&parse_entry(raw).expect("parses"), "k")
    }

    #[test]
    fn article_fields_are_all_mapped() {
        let v = csl("@article{k, author = {Mukerji, Asoke}, title = {The Need for an International Convention on {NATO}}, journaltitle = {Horizons}, volume = {16}, number = {2}, pages = {118--131}, date = {2020-03}, doi = {10.1234/x}, url = {https://e.org/a_b}, urldate = {2024-05-01}, issn = {2406-0402}, note = {A note}}");
        assert_eq!(v["type"], "article-journal");
        assert_eq!(v["title"], "The need for an international convention on <span class=\"nocase\">NATO</span>");
        assert_eq!(v["container-title"], "Horizons");
        assert_eq!(v["volume"], "16");
        assert_eq!(v["issue"], "2");
        assert_eq!(v["page"], "118-131");
        assert_eq!(v["issued"], json!({"date-parts": [[2020, 3]]}));
        assert_eq!(v["accessed"], json!({"date-parts": [[2024, 5, 1]]}));
        assert_eq!(v["DOI"], "10.1234/x");
        assert_eq!(v["URL"], "https://e.org/a_b");
        assert_eq!(v["ISSN"], "2406-0402");
        assert_eq!(v["note"], "A note");
        assert_eq!(v["author"], json!([{"family": "Mukerji", "given": "Asoke"}]));
    }

    #[test]
    fn types_publishers_and_places() {
        let v = csl("@techreport{k, author = {Lewis, James}, title = {Rethinking Cybersecurity: Strategy and States}, institution = {Center for Strategic and International Studies}, address = {Washington, DC}, year = {2018}, month = jan}");
        assert_eq!(v["type"], "report");
        assert_eq!(v["publisher"], "Center for Strategic; International Studies");
        assert_eq!(v["publisher-place"], "Washington, DC");
        assert_eq!(v["title"], "Rethinking cybersecurity: Strategy and states");
        assert_eq!(v["title-short"], "Rethinking cybersecurity");
        assert_eq!(v["issued"], json!({"date-parts": [[2018, 1]]}));
        let v = csl("@phdthesis{k, author = {Korzak, Elaine}, title = {T}, school = {King's College London}, year = 2016}");
        assert_eq!((v["type"].as_str(), v["genre"].as_str(), v["publisher"].as_str()), (Some("thesis"), Some("PhD thesis"), Some("King’s College London")));
        let v = csl("@misc{k, author = {{United Nations General Assembly}}, title = {Report}, number = {A/70/174}, howpublished = {UN Doc}}");
        assert_eq!(v["author"], json!([{"literal": "United Nations General Assembly"}]));
        assert_eq!((v["number"].as_str(), v["publisher"].as_str()), (Some("A/70/174"), Some("UN Doc")));
        let v = csl("@incollection{k, title = {C}, booktitle = {The Oxford Handbook}, editor = {Cornish, Paul}, edition = {2}, isbn = {978}}");
        assert_eq!((v["type"].as_str(), v["container-title"].as_str(), v["edition"].as_str(), v["ISBN"].as_str()), (Some("chapter"), Some("The oxford handbook"), Some("2"), Some("978")));
        assert_eq!(v["editor"], json!([{"family": "Cornish", "given": "Paul"}]));
        assert_eq!(csl("@online{k, title = {W}, organization = {Lawfare}}")["publisher"], "Lawfare");
        assert_eq!(csl("@inproceedings{k, title = {W}}")["type"], "paper-conference");
    }
}
