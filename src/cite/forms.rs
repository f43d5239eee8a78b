//! The forms writers paste — pandoc `[@key, loc]`, Typst `@key[loc]`, LaTeX
//! `\autocite[loc]{key}` — with the locator as each syntax wants it.

use super::{bibtex, csl_json, page_span, render, CitationStyle};
use crate::error::Result;
use crate::model::{DocMeta, Locator};

/// The locator as citation syntaxes write it: "§2.1 ¶14", "p. 118".
fn compact(locator: &Locator) -> String {
    locator.to_string().replace(", ", " ")
}

pub fn pandoc(key: &str, locator: &Locator) -> String {
    format!("[@{key}, {}]", compact(locator))
}

pub fn typst(key: &str, locator: &Locator) -> String {
    format!("@{key}[{}]", compact(locator))
}

/// biblatex reads a bare number (or range) as a page: "118", "118--119".
pub fn latex(key: &str, locator: &Locator) -> String {
    let loc = if locator.pages.is_empty() { compact(locator) } else { page_span(&locator.pages).replace('–', "--") };
    format!("\\autocite[{loc}]{{{key}}}")
}

/// The citation forms `folio cite --format` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiteFormat {
    Text,
    Pandoc,
    Typst,
    Latex,
    Bibtex,
    CslJson,
}

/// A passage's citation in one of the pasteable forms. `title` stands in
/// for a document without one in its metadata.
pub fn format_citation(key: &str, locator: &Locator, title: &str, meta: &DocMeta, format: CiteFormat, style: &CitationStyle) -> Result<String> {
    Ok(match format {
        CiteFormat::Pandoc => pandoc(key, locator),
        CiteFormat::Typst => typst(key, locator),
        CiteFormat::Latex => latex(key, locator),
        CiteFormat::Bibtex => bibtex(meta, title),
        CiteFormat::CslJson => serde_json::to_string_pretty(&serde_json::Value::Array(vec![csl_json(meta, title)])).unwrap_or_default(),
        CiteFormat::Text => {
            let r = render(meta, title, Some(locator), style)?;
            format!("{}\n{}", r.citation, r.reference)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Heading;

    #[test]
    fn forms_with_sections_and_pages() {
        let h = |n: Option<&str>, t: &str| Heading { number: n.map(String::from), text: t.into() };
        let section = Locator::new(&[h(Some("2"), "A"), h(Some("2.1"), "B")], 14, vec![]);
        assert_eq!(section.to_string(), "§2.1, ¶14");
        assert_eq!(pandoc("k", &section), "[@k, §2.1 ¶14]");
        assert_eq!(typst("k", &section), "@k[§2.1 ¶14]");
        assert_eq!(latex("k", &section), "\\autocite[§2.1 ¶14]{k}");
        let page = Locator::new(&[], 3, vec!["118".into()]);
        assert_eq!(pandoc("k", &page), "[@k, p. 118]");
        assert_eq!(latex("k", &page), "\\autocite[118]{k}");
        let pages = Locator::new(&[], 3, vec!["118".into(), "119".into()]);
        assert_eq!(pandoc("k", &pages), "[@k, pp. 118–119]");
        assert_eq!(typst("k", &pages), "@k[pp. 118–119]");
        assert_eq!(latex("k", &pages), "\\autocite[118--119]{k}");
        assert_eq!(Locator::new(&[h(Some("Part I"), "X")], 5, vec![]).to_string(), "Part I, ¶5");
        assert_eq!(Locator::new(&[h(None, "Countering cybercrime")], 30, vec![]).to_string(), "¶30");
    }
}
