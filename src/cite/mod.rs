//! Citations: references rendered with hayagriva in any CSL style (APA and
//! Chicago author-date built in, any independent CSL file by path), and the
//! forms writers paste: pandoc, Typst, LaTeX, BibTeX, CSL-JSON. Locators come
//! from `model::Locator`; citation text is rendered at output time from the
//! document's metadata, never stored with passages.

mod csl;
mod entry;
mod forms;

use crate::text::edit_distance as distance;
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
    /// Decoded on first use for an archived style: the default style's
    /// references are rendered when the index is built, so most searches
    /// need no style at all.
    style: std::sync::OnceLock<IndependentStyle>,
    /// Where `style` comes from when it is not decoded yet.
    archived: Option<ArchivedStyle>,
    /// Decoded on first use: hayagriva decodes every locale it ships at
    /// once, which costs more than a whole search; most answers need none
    /// (references in the default style are rendered when the index is built).
    locales: std::sync::OnceLock<Vec<Locale>>,
    pub name: String,
}

/// Built-in style names (see `hayagriva`'s archive); `apa` and
/// `chicago-author-date` are the usual ones.
pub const DEFAULT_STYLE: &str = "apa";

/// Styles vendored from the CSL project (see `styles/README.md`): OSCOLA is
/// not in hayagriva's archive; its Vancouver copy renders no authors.
const VENDORED: [(&str, &str); 5] = [
    ("oscola", include_str!("styles/oscola.csl")),
    ("vancouver", include_str!("styles/vancouver.csl")),
    ("nlm-citation-sequence", include_str!("styles/vancouver.csl")),
    ("vancouver-superscript", include_str!("styles/vancouver-superscript.csl")),
    ("nlm-citation-sequence-superscript", include_str!("styles/vancouver-superscript.csl")),
];

/// Archive styles not listed (still accepted by name): `alphanumeric` has no
/// bibliography, `royal-society-of-chemistry` leaves article titles out (by
/// design), and hayagriva's `bristol-university-press` and
/// `iso-690-author-date` drop the title of an edited book.
const UNLISTED: [&str; 4] = ["alphanumeric", "bristol-university-press", "iso-690-author-date", "royal-society-of-chemistry"];

/// Every name `--style` accepts, sorted: hayagriva's independent styles
/// (with their aliases) and the vendored OSCOLA.
pub fn style_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = archive::ArchivedStyle::all()
        .iter()
        .filter(|s| matches!(s.get(), Style::Independent(_)))
        .flat_map(|s| s.names().iter().copied())
        .filter(|n| !UNLISTED.contains(n))
        .collect();
    names.extend(VENDORED.iter().map(|(n, _)| *n));
    names.sort_unstable();
    names.dedup();
    names
}


/// The styles nearest to `name` (by prefix, substring or spelling), at most three.
pub fn nearest_styles(name: &str) -> Vec<&'static str> {
    let name = name.to_lowercase();
    let mut scored: Vec<(usize, &'static str)> = style_names()
        .into_iter()
        .map(|s| {
            // A misspelt name is near a style's whole name or its start ("chicgo" → "chicago-…").
            let n = name.chars().count();
            let start = |k: usize| s.chars().take(k).collect::<String>();
            let d = if !name.is_empty() && s.starts_with(&name) {
                0
            } else if !name.is_empty() && s.contains(&name) {
                1
            } else {
                distance(&name, s).min(distance(&name, &start(n)) + 1).min(distance(&name, &start(n + 1)) + 1)
            };
            (d, s)
        })
        .collect();
    scored.sort_by_key(|(d, s)| (*d, s.len(), *s));
    scored.into_iter().take(3).map(|(_, s)| s).collect()
}

fn nearest_hint(name: &str) -> String {
    let near: Vec<String> = nearest_styles(name).iter().map(|s| format!("`{s}`")).collect();
    format!("nearest styles: {}; `folio styles` lists them all, --csl PATH reads a CSL file", near.join(", "))
}

impl CitationStyle {
    /// A style by name: hayagriva's archive ("apa", "chicago-author-date", …)
    /// or the vendored OSCOLA.
    pub fn named(name: &str) -> Result<CitationStyle> {
        let key = name.trim().to_lowercase();
        if let Some((vendored, xml)) = VENDORED.iter().find(|(n, _)| *n == key) {
            let mut style = CitationStyle::from_csl(xml, &format!("{vendored}.csl"))?;
            style.name = vendored.to_string();
            return Ok(style);
        }
        let archived = ArchivedStyle::by_name(&key)
            .ok_or_else(|| Error::InvalidArgument(format!("unknown citation style `{name}`; {}", nearest_hint(&key))))?;
        let style = CitationStyle { style: std::sync::OnceLock::new(), archived: Some(archived), locales: std::sync::OnceLock::new(), name: key };
        if !style.is_default() {
            // Any other style renders every hit: decoded now, a dependent one is refused up front.
            style.independent()?;
        }
        Ok(style)
    }

    /// The decoded style.
    fn independent(&self) -> Result<&IndependentStyle> {
        if let Some(style) = self.style.get() {
            return Ok(style);
        }
        match self.archived.map(ArchivedStyle::get) {
            Some(Style::Independent(style)) => Ok(self.style.get_or_init(|| style)),
            _ => Err(Error::InvalidArgument(format!("style `{}` depends on another style; use its parent", self.name))),
        }
    }

    /// True for the default style as folio ships it (not a CSL file of that name).
    pub fn is_default(&self) -> bool {
        self.name == DEFAULT_STYLE
    }

    /// A style from CSL XML (e.g. a journal's .csl file).
    pub fn from_csl(xml: &str, path: &str) -> Result<CitationStyle> {
        match IndependentStyle::from_xml(xml) {
            Ok(style) => {
                let name = style.info.title.value.clone();
                Ok(CitationStyle { style: style.into(), archived: None, locales: std::sync::OnceLock::new(), name })
            }
            Err(e) => {
                let dependent = xml.contains("independent-parent");
                let hint = if dependent { "this is a dependent style: point --csl at its independent parent style" } else { "check that the file is a CSL 1.0 independent style" };
                Err(Error::Config { path: path.to_string(), line: 1, column: 1, message: format!("cannot read CSL style: {e}; {hint}") })
            }
        }
    }

    /// A CSL file's contents as read by the caller (the binary reads what its
    /// arguments name): a file that could not be read is an error naming the
    /// shipped styles nearest to its name.
    pub fn from_csl_file(path: &std::path::Path, read: std::io::Result<String>) -> Result<CitationStyle> {
        let xml = read.map_err(|e| {
            let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            Error::InvalidArgument(format!("cannot read CSL style file {}: {e}; {}", path.display(), nearest_hint(&stem)))
        })?;
        CitationStyle::from_csl(&xml, &path.display().to_string())
    }
}

/// Mends the doubled punctuation some styles produce when a field ends in
/// punctuation of its own: "Norm?." → "Norm?", "Norm?”." → "Norm?”", "Inc.." → "Inc.".
pub fn tidy_punctuation(s: &str) -> String {
    // A space left before punctuation by an empty part ("2016 ;110").
    let mut s = s.replace(" ;", ";").replace(" ,", ",");
    while s.contains("  ") {
        s = s.replace("  ", " ");
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        out.push(c);
        if matches!(c, '?' | '!' | '.') {
            // Skip closing quotes, then a following '.' or ',' that doubles it.
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j], '”' | '’' | '"' | '»') {
                out.push(chars[j]);
                j += 1;
            }
            let ellipsis = c == '.' && (i > 0 && chars[i - 1] == '.' || chars.get(j) == Some(&'.') && chars.get(j + 1) == Some(&'.'));
            if j < chars.len() && (chars[j] == '.' || (chars[j] == ',' && c != '.')) && !ellipsis {
                // Drop the doubling mark, unless it starts a URL or number ("?.5").
                let next_is_word = chars.get(j + 1).is_some_and(|n| n.is_alphanumeric());
                if !next_is_word {
                    j += 1;
                }
            }
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// A rendered citation: the in-text form with its locator and the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub citation: String,
    pub reference: String,
}

/// A UN document symbol: "A/70/174", "S/RES/2341 (2017)", "A/HRC/32/L.20".
fn is_un_symbol(number: &str) -> bool {
    let first = number.split('/').next().unwrap_or("");
    number.contains('/') && matches!(first, "A" | "S" | "E" | "ST" | "UNGA" | "UNSC" | "CCPR" | "CRC" | "TD" | "UNEP" | "DP")
}

/// The entry as hayagriva should read it: a `@misc` that carries a UN
/// document symbol as its number renders as a report numbered "UN Doc …"
/// (as OSCOLA and the author-date styles cite UN documents); a thesis
/// `type` of `phdthesis`/`mathesis` is spelled out.
fn for_hayagriva(raw: &str) -> Option<String> {
    use biblatex::{Chunk, EntryType, Spanned};
    let mut entry = csl::parse_entry(raw)?;
    let text = |e: &biblatex::Entry, f: &str| e.get(f).map(|c| biblatex::ChunksExt::format_verbatim(c).trim().to_string());
    let mut changed = false;
    if entry.entry_type == EntryType::Misc && text(&entry, "type").is_none() && text(&entry, "number").is_some_and(|n| is_un_symbol(&n)) {
        entry.entry_type = EntryType::Report;
        entry.set("type", vec![Spanned::detached(Chunk::Normal("UN Doc".into()))]);
        changed = true;
    }
    let genre = match text(&entry, "type").as_deref().map(str::to_lowercase).as_deref() {
        Some("phdthesis") => Some("PhD thesis"),
        Some("mathesis" | "mastersthesis") => Some("Master’s thesis"),
        _ => None,
    };
    if let Some(g) = genre {
        entry.set("type", vec![Spanned::detached(Chunk::Normal(g.into()))]);
        changed = true;
    }
    changed.then(|| entry.to_biblatex_string())
}

fn entry_for(meta: &DocMeta, fallback_title: &str) -> Result<hayagriva::Entry> {
    let source = bibtex(meta, fallback_title);
    let source = for_hayagriva(&source).unwrap_or(source);
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
    let csl = style.independent()?;
    let bare = |item: CitationItem<'_, hayagriva::Entry>| -> Result<String> {
        let mut driver = BibliographyDriver::new();
        let locales = style.locales.get_or_init(archive::locales);
        driver.citation(CitationRequest::from_items(vec![item], csl, locales));
        let rendered = driver.finish(BibliographyRequest { style: csl, locale: None, locale_files: locales });
        let mut out = String::new();
        if let Some(c) = rendered.citations.first() {
            c.citation.write_buf(&mut out, BufWriteFormat::Plain).map_err(|e| Error::InvalidArgument(e.to_string()))?;
        }
        Ok(out)
    };
    let mut driver = BibliographyDriver::new();
    let has_locator = locator.is_some();
    let locator = locator.map(|_| SpecificLocator(kind, LocatorPayload::Str(&value)));
    let locales = style.locales.get_or_init(archive::locales);
    driver.citation(CitationRequest::from_items(vec![CitationItem::with_locator(&entry, locator)], csl, locales));
    let rendered = driver.finish(BibliographyRequest { style: csl, locale: None, locale_files: locales });
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
    let reference = tidy_punctuation(&reference.replace(",)", ")"));
    let mut reference = reference.trim().to_string();
    if meta.guessed_from_text() {
        reference.push_str(" [metadata guessed from the text]");
    }
    let mut citation = tidy_punctuation(&citation.replace(",)", ")"));
    // Some styles' citations carry no locator (numeric ones such as
    // vancouver: "(1)"): add it, inside the brackets when there are some.
    if has_locator && !value.is_empty() && tidy_punctuation(&bare(CitationItem::with_entry(&entry))?.replace(",)", ")")) == citation {
        let label = match kind {
            CslLocator::Page if value.contains('–') => format!("pp. {value}"),
            CslLocator::Page => format!("p. {value}"),
            _ => format!("para. {value}"),
        };
        match citation.chars().last() {
            Some(close @ (')' | ']')) => {
                citation.pop();
                citation = format!("{citation}, {label}{close}");
            }
            Some(_) => citation = format!("{citation}, {label}"),
            None => citation = label,
        }
    }
    Ok(Rendered { citation, reference })
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
    fn doubled_punctuation_is_mended() {
        assert_eq!(tidy_punctuation("An Emerging Norm?. Journal"), "An Emerging Norm? Journal");
        assert_eq!(tidy_punctuation("“An Emerging Norm?.” Journal"), "“An Emerging Norm?.” Journal".replace("?.”", "?”"));
        assert_eq!(tidy_punctuation("“An Emerging Norm?”. Journal"), "“An Emerging Norm?” Journal");
        assert_eq!(tidy_punctuation("Norm?, 2016"), "Norm? 2016");
        assert_eq!(tidy_punctuation("Co.. Wait... and 2016 ;110"), "Co. Wait... and 2016;110");
        assert_eq!(tidy_punctuation("https://e.org/a.b?x=1.2"), "https://e.org/a.b?x=1.2");
    }

    #[test]
    fn un_documents_render_with_their_symbol() {
        let meta = DocMeta {
            key: "un".into(),
            bibtex: Some("@misc{un, author = {{United Nations General Assembly}}, title = {Report of the Group of Governmental Experts}, number = {A/70/174}, date = {2015-07-22}}".into()),
            ..DocMeta::default()
        };
        let oscola = CitationStyle::named("oscola").unwrap();
        let r = render(&meta, "x", Some(&Locator { section: None, paragraph: 3, pages: vec![] }), &oscola).unwrap();
        assert_eq!(r.reference, "United Nations General Assembly, ‘Report of the Group of Governmental Experts’ (2015) UN Doc A/70/174");
        let apa = CitationStyle::named("apa").unwrap();
        let r = render(&meta, "x", None, &apa).unwrap();
        assert!(r.reference.contains("(UN Doc A/70/174)"), "{}", r.reference);
        assert!(!is_un_symbol("10.1017/x") && is_un_symbol("S/RES/2341 (2017)"));
        let thesis = DocMeta { key: "t".into(), bibtex: Some("@thesis{t, author = {Korzak, Elaine}, title = {The Debate}, type = {phdthesis}, institution = {King's College London}, date = {2016}}".into()), ..DocMeta::default() };
        assert!(render(&thesis, "x", None, &oscola).unwrap().reference.contains("PhD thesis"), "{}", render(&thesis, "x", None, &oscola).unwrap().reference);
    }

    #[test]
    fn styles_are_listed_and_unknown_ones_suggest_the_nearest() {
        let names = style_names();
        for n in ["apa", "oscola", "vancouver", "chicago-author-date"] {
            assert!(names.contains(&n), "{n}");
            assert!(CitationStyle::named(n).is_ok(), "{n}");
        }
        assert!(nearest_styles("chicago").contains(&"chicago-author-date"), "{:?}", nearest_styles("chicago"));
        assert_eq!(nearest_styles("oscla")[0], "oscola");
        assert!(nearest_styles("chicgo").iter().all(|s| s.starts_with("chicago")), "{:?}", nearest_styles("chicgo"));
        let e = CitationStyle::named("vancover").err().unwrap().to_string();
        assert!(e.contains("`vancouver`"), "{e}");
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
