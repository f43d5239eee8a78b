//! Citations: locators ("§2.1, ¶14"), references rendered with hayagriva in
//! any CSL style (APA and Chicago author-date built in, any independent CSL
//! file by path), and the forms writers paste: pandoc, Typst, LaTeX, BibTeX,
//! CSL-JSON.

use hayagriva::archive::{self, ArchivedStyle};
use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{IndependentStyle, Locale, Style};
use hayagriva::{BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest, LocatorPayload, SpecificLocator};

use crate::error::{Error, Result};
use crate::model::{DocMeta, Heading, Passage};

/// "§2.1, ¶14" for a numbered section, "Part I, ¶5" for a named part, "¶14"
/// when the section has no number.
pub fn locator(section_path: &[Heading], paragraph: u32) -> String {
    match section_path.iter().rev().find_map(|h| h.number.as_deref()) {
        Some(n) if n.chars().next().is_some_and(|c| c.is_ascii_digit()) => format!("§{n}, ¶{paragraph}"),
        Some(n) => format!("{n}, ¶{paragraph}"),
        None => format!("¶{paragraph}"),
    }
}

/// The locator as citation syntaxes write it: "§2.1 ¶14".
pub fn compact_locator(locator: &str) -> String {
    locator.replace(", ", " ")
}

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
    if meta.guessed {
        fields.push("  note = {Metadata guessed from the text by folio}".into());
    }
    format!("@misc{{{},\n{}\n}}", meta.key, fields.join(",\n"))
}

/// A CSL-JSON item for the document (the format pandoc and Zotero read).
pub fn csl_json(meta: &DocMeta, fallback_title: &str) -> serde_json::Value {
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
    if meta.guessed {
        obj.insert("note".into(), "Metadata guessed from the text by folio".into());
    }
    item
}

/// A loaded citation style.
pub struct CitationStyle {
    style: IndependentStyle,
    locales: Vec<Locale>,
    pub name: String,
}

/// Built-in style names (see `hayagriva`'s archive); `apa` and
/// `chicago-author-date` are the usual ones.
pub const DEFAULT_STYLE: &str = "apa";

impl CitationStyle {
    /// A style shipped with hayagriva, by name ("apa", "chicago-author-date", …).
    pub fn named(name: &str) -> Result<CitationStyle> {
        let archived = ArchivedStyle::by_name(name).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "unknown citation style `{name}`; try `apa`, `chicago-author-date`, `ieee`, `harvard-cite-them-right`, or give a CSL file with --csl PATH"
            ))
        })?;
        match archived.get() {
            Style::Independent(style) => Ok(CitationStyle { style, locales: archive::locales(), name: name.to_string() }),
            Style::Dependent(_) => Err(Error::InvalidArgument(format!("style `{name}` depends on another style; use its parent"))),
        }
    }

    /// A style from CSL XML (e.g. OSCOLA's .csl file).
    pub fn from_csl(xml: &str, path: &str) -> Result<CitationStyle> {
        match IndependentStyle::from_xml(xml) {
            Ok(style) => {
                let name = style.info.title.value.clone();
                Ok(CitationStyle { style, locales: archive::locales(), name })
            }
            Err(e) => {
                let dependent = xml.contains("independent-parent");
                let hint = if dependent { "this is a dependent style: point --csl at its independent parent style" } else { "check that the file is a CSL 1.0 independent style" };
                Err(Error::Config { path: path.to_string(), line: 1, column: 1, message: format!("cannot read CSL style: {e}; {hint}") })
            }
        }
    }
}

/// A rendered citation: the in-text form with its locator and the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub citation: String,
    pub reference: String,
}

fn entry_for(meta: &DocMeta, fallback_title: &str) -> Result<hayagriva::Entry> {
    let source = bibtex(meta, fallback_title);
    let library = hayagriva::io::from_biblatex_str(&source).map_err(|errors| {
        Error::InvalidArgument(format!("BibTeX entry `{}` cannot be rendered: {}", meta.key, errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")))
    })?;
    library.iter().next().cloned().ok_or_else(|| Error::InvalidArgument(format!("BibTeX entry `{}` is empty", meta.key)))
}

/// Renders the document's reference and an in-text citation pointing at
/// `paragraph` (CSL knows paragraph locators; the section is in our own forms).
pub fn render(meta: &DocMeta, fallback_title: &str, paragraph: Option<u32>, style: &CitationStyle) -> Result<Rendered> {
    let entry = entry_for(meta, fallback_title)?;
    let para = paragraph.map(|p| p.to_string());
    let mut driver = BibliographyDriver::new();
    let locator = para.as_deref().map(|p| SpecificLocator(Locator::Paragraph, LocatorPayload::Str(p)));
    driver.citation(CitationRequest::from_items(vec![CitationItem::with_locator(&entry, locator)], &style.style, &style.locales));
    let rendered = driver.finish(BibliographyRequest { style: &style.style, locale: None, locale_files: &style.locales });
    let mut citation = String::new();
    if let Some(c) = rendered.citations.first() {
        c.citation.write_buf(&mut citation, BufWriteFormat::Plain).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    }
    let mut reference = String::new();
    if let Some(bib) = rendered.bibliography {
        for item in bib.items {
            if let Some(first) = item.first_field {
                first.write_buf(&mut reference, BufWriteFormat::Plain).map_err(|e| Error::InvalidArgument(e.to_string()))?;
                reference.push(' ');
            }
            item.content.write_buf(&mut reference, BufWriteFormat::Plain).map_err(|e| Error::InvalidArgument(e.to_string()))?;
        }
    }
    // Some styles leave an empty date part behind for year-only dates: "(2015,)".
    let reference = reference.replace(",)", ")");
    let mut reference = reference.trim().to_string();
    if meta.guessed {
        reference.push_str(" [metadata guessed from the text]");
    }
    Ok(Rendered { citation: citation.replace(",)", ")"), reference })
}

/// A reference in the default style, falling back to a plain one when the
/// entry cannot be rendered (a corpus must index whatever its metadata holds).
pub fn reference_text(meta: &DocMeta, fallback_title: &str, style: &CitationStyle) -> String {
    render(meta, fallback_title, None, style).map(|r| r.reference).unwrap_or_else(|_| plain_reference(meta, fallback_title))
}

fn plain_reference(meta: &DocMeta, fallback_title: &str) -> String {
    let authors: Vec<String> = meta.authors.iter().map(|p| p.display()).collect();
    let year = meta.year.map_or("n.d.".to_string(), |y| y.to_string());
    let title = meta.title.as_deref().unwrap_or(fallback_title);
    let mut out = if authors.is_empty() { format!("{title}. ({year}).") } else { format!("{}. ({year}). {title}.", authors.join("; ")) };
    if meta.guessed {
        out.push_str(" [metadata guessed from the text]");
    }
    out
}

/// The citation forms `folio cite --format` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CiteFormat {
    Text,
    Pandoc,
    Typst,
    Latex,
    Bibtex,
    CslJson,
}

/// A passage's citation in one of the pasteable forms.
pub fn format_citation(p: &Passage, meta: &DocMeta, format: CiteFormat, style: &CitationStyle) -> Result<String> {
    let loc = compact_locator(&p.citation.locator);
    Ok(match format {
        CiteFormat::Pandoc => format!("[@{}, {loc}]", p.doc),
        CiteFormat::Typst => format!("@{}[{loc}]", p.doc),
        CiteFormat::Latex => format!("\\autocite[{loc}]{{{}}}", p.doc),
        CiteFormat::Bibtex => bibtex(meta, &p.title),
        CiteFormat::CslJson => serde_json::to_string_pretty(&serde_json::Value::Array(vec![csl_json(meta, &p.title)])).unwrap_or_default(),
        CiteFormat::Text => {
            let r = render(meta, &p.title, Some(p.paragraph), style)?;
            format!("{}\n{}", r.citation, r.reference)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Person;

    #[test]
    fn locators() {
        let h = |n: Option<&str>, t: &str| Heading { number: n.map(String::from), text: t.into() };
        assert_eq!(locator(&[h(Some("2"), "A"), h(Some("2.1"), "B")], 14), "§2.1, ¶14");
        assert_eq!(locator(&[h(Some("Part I"), "Intelligence")], 5), "Part I, ¶5");
        assert_eq!(locator(&[h(None, "Countering cybercrime")], 30), "¶30");
        assert_eq!(locator(&[], 1), "¶1");
        assert_eq!(compact_locator("§2.1, ¶14"), "§2.1 ¶14");
    }

    fn mukerji() -> DocMeta {
        DocMeta {
            key: "mukerji-2020-convention".into(),
            title: Some("The Need for an International Convention on Cyberspace".into()),
            authors: vec![Person { family: "Mukerji".into(), given: Some("Asoke".into()) }],
            year: Some(2020),
            entry_type: Some("article".into()),
            venue: Some("Horizons".into()),
            bibtex: Some("@article{mukerji-2020-convention, author = {Mukerji, Asoke}, title = {The Need for an International Convention on Cyberspace}, journaltitle = {Horizons}, number = {16}, date = {2020}}".into()),
            ..DocMeta::default()
        }
    }

    #[test]
    fn apa_and_chicago_render_with_hayagriva() {
        let apa = CitationStyle::named("apa").unwrap();
        let r = render(&mukerji(), "x", Some(14), &apa).unwrap();
        assert_eq!(r.citation, "(Mukerji, 2020, para. 14)");
        assert!(r.reference.starts_with("Mukerji, A. (2020). The Need for an International Convention on Cyberspace. Horizons"), "{}", r.reference);
        let chicago = CitationStyle::named("chicago-author-date").unwrap();
        let r = render(&mukerji(), "x", None, &chicago).unwrap();
        assert!(r.reference.starts_with("Mukerji, Asoke. 2020."), "{}", r.reference);
        assert!(CitationStyle::named("no-such-style").is_err());
    }

    #[test]
    fn guessed_documents_get_a_generated_entry() {
        let meta = DocMeta { key: "roe".into(), title: Some("Attribution in Practice".into()), authors: vec![Person::parse_byline("Jane Roe")], guessed: true, ..DocMeta::default() };
        let bib = bibtex(&meta, "roe.txt");
        assert!(bib.starts_with("@misc{roe,") && bib.contains("author = {Roe, Jane}") && bib.contains("guessed"), "{bib}");
        let json = csl_json(&meta, "roe.txt");
        assert_eq!(json["author"][0]["family"], "Roe");
        let r = render(&meta, "roe.txt", None, &CitationStyle::named("apa").unwrap()).unwrap();
        assert!(r.reference.contains("Attribution in Practice") && r.reference.ends_with("[metadata guessed from the text]"), "{}", r.reference);
    }
}
