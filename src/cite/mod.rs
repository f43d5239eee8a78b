//! Citations: references rendered with hayagriva in any CSL style (APA and
//! Chicago author-date built in, any independent CSL file by path), and the
//! forms writers paste: pandoc, Typst, LaTeX, BibTeX, CSL-JSON. Locators come
//! from `model::Locator`; citation text is rendered at output time from the
//! document's metadata, never stored with passages.

mod entry;
mod forms;

use hayagriva::archive::{self, ArchivedStyle};
use hayagriva::citationberg::taxonomy::Locator as CslLocator;
use hayagriva::citationberg::{IndependentStyle, Locale, Style};
use hayagriva::{BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest, LocatorPayload, SpecificLocator};

use crate::error::{Error, Result};
use crate::model::{DocMeta, Locator};

pub use entry::{bibtex, csl_json};
pub use forms::{format_citation, latex, pandoc, typst, CiteFormat};

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

/// "118" or "118–119": the pages a locator spans, as CSL wants them.
pub fn page_span(pages: &[String]) -> String {
    match pages {
        [] => String::new(),
        [one] => one.clone(),
        [first, .., last] if first == last => first.clone(),
        [first, .., last] => format!("{first}–{last}"),
    }
}

/// Renders the document's reference and an in-text citation pointing at the
/// locator: its pages where it has them, else its paragraph (CSL knows both;
/// the section is in folio's own forms).
pub fn render(meta: &DocMeta, fallback_title: &str, locator: Option<&Locator>, style: &CitationStyle) -> Result<Rendered> {
    let entry = entry_for(meta, fallback_title)?;
    // Pages where the source has them, else the paragraph.
    let (kind, value) = match locator {
        Some(l) if !l.pages.is_empty() => (CslLocator::Page, page_span(&l.pages)),
        Some(l) => (CslLocator::Paragraph, l.paragraph.to_string()),
        None => (CslLocator::Paragraph, String::new()),
    };
    let mut driver = BibliographyDriver::new();
    let locator = locator.map(|_| SpecificLocator(kind, LocatorPayload::Str(&value)));
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
    if meta.guessed_from_text() {
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
    if meta.guessed_from_text() {
        out.push_str(" [metadata guessed from the text]");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Person;
    use crate::model::Locator;

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
        let r = render(&mukerji(), "x", Some(&Locator { section: None, paragraph: 14, pages: vec![] }), &apa).unwrap();
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
