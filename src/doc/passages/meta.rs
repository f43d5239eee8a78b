//! Completes a document's metadata from its front matter when no reference
//! entry gives it (and marks it guessed).

use crate::doc::structure::FrontMatter;
use crate::model::DocMeta;
use crate::source::{names, Extracted};

/// Fills metadata the BibTeX entry lacks from what the text says.
pub fn complete_meta(doc: &Extracted, front: &FrontMatter) -> DocMeta {
    let mut meta = doc.meta.clone();
    if !doc.has_entry {
        meta.guessed = true;
        // What the document's own metadata gave (meta tags, properties, YAML
        // front matter) is kept; the rest is read from the text.
        let has = |field: &str| meta.embedded.iter().any(|f| f == field);
        if !has("title") {
            meta.title = front.title.clone().map(|t| {
                let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
                if !letters.is_empty() && letters.iter().all(|c| c.is_uppercase()) { title_case(&t) } else { t }
            });
        }
        if !has("authors") {
            // Affiliations and e-mail addresses on a byline are not authors.
            meta.authors = front.authors.iter().filter(|a| !names::is_not_a_person(a)).map(|a| names::person(a)).collect();
        }
        if !has("year") {
            meta.year = front.year;
        }
        meta.affiliation = front.affiliation.clone();
    }
    meta
}

fn title_case(text: &str) -> String {
    const SMALL: &[&str] = &["a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "with"];
    text.split(' ')
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0 && SMALL.contains(&lower.as_str()) {
                lower
            } else {
                let mut c = lower.chars();
                c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn upper_case_titles_are_title_cased() {
        assert_eq!(super::title_case("THE NEED FOR A CONVENTION ON CYBERSPACE"), "The Need for a Convention on Cyberspace");
    }
}
