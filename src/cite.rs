//! Citations: the locator of a passage ("§2.1, ¶14") and a formatted reference
//! for its document (Chicago author-date), the defaults behind the JSON
//! `citation` block.

use crate::model::{DocMeta, Heading};

/// "§2.1, ¶14" for a numbered section, "Part I, ¶5" for a named part, "¶14"
/// when the section has no number.
pub fn locator(section_path: &[Heading], paragraph: u32) -> String {
    match section_path.iter().rev().find_map(|h| h.number.as_deref()) {
        Some(n) if n.chars().next().is_some_and(|c| c.is_ascii_digit()) => format!("§{n}, ¶{paragraph}"),
        Some(n) => format!("{n}, ¶{paragraph}"),
        None => format!("¶{paragraph}"),
    }
}

fn join_authors(meta: &DocMeta) -> String {
    let names: Vec<String> = meta
        .authors
        .iter()
        .enumerate()
        .map(|(i, p)| match (&p.given, i) {
            (Some(g), 0) => format!("{}, {}", p.family, g),
            (Some(g), _) => format!("{} {}", g, p.family),
            (None, _) => p.family.clone(),
        })
        .collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        2 => format!("{} and {}", names[0], names[1]),
        _ => format!("{}, and {}", names[..names.len() - 1].join(", "), names[names.len() - 1]),
    }
}

/// A Chicago author-date reference for the document.
pub fn reference_text(meta: &DocMeta, fallback_title: &str) -> String {
    let title = meta.title.as_deref().unwrap_or(fallback_title);
    let authors = join_authors(meta);
    let year = meta.year.map_or("n.d.".to_string(), |y| y.to_string());
    let mut out = if authors.is_empty() { format!("“{title}.” {year}.") } else { format!("{authors}. {year}. “{title}.”") };
    let mut tail = vec![];
    if let Some(venue) = &meta.venue {
        tail.push(venue.clone());
    } else if let Some(aff) = &meta.affiliation {
        tail.push(aff.clone());
    }
    if let Some(url) = &meta.url {
        tail.push(url.clone());
    } else if let Some(doi) = &meta.doi {
        tail.push(format!("https://doi.org/{doi}"));
    }
    if !tail.is_empty() {
        out.push(' ');
        out.push_str(&tail.join(". "));
        out.push('.');
    }
    if meta.guessed {
        out.push_str(" [metadata guessed from the text]");
    }
    out
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
    }

    #[test]
    fn reference_formats() {
        let meta = DocMeta {
            key: "m".into(),
            title: Some("The Need for an International Convention on Cyberspace".into()),
            authors: vec![Person { family: "Mukerji".into(), given: Some("Asoke".into()) }],
            year: Some(2020),
            venue: Some("Horizons".into()),
            ..DocMeta::default()
        };
        assert_eq!(reference_text(&meta, "x"), "Mukerji, Asoke. 2020. “The Need for an International Convention on Cyberspace.” Horizons.");
    }
}
