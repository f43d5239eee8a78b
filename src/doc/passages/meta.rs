//! Completes a document's metadata from its front matter when no reference
//! entry gives it (and marks it guessed).

use crate::doc::structure::FrontMatter;
use crate::model::{DocMeta, Person};
use crate::source::Extracted;

/// Fills metadata the BibTeX entry lacks from what the text says.
pub fn complete_meta(doc: &Extracted, front: &FrontMatter) -> DocMeta {
    let mut meta = doc.meta.clone();
    if !doc.has_entry {
        meta.guessed = true;
        let title = front.title.clone().map(|t| {
            let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
            if !letters.is_empty() && letters.iter().all(|c| c.is_uppercase()) { title_case(&t) } else { t }
        });
        let authors: Vec<Person> = front.authors.iter().map(|a| Person::parse_byline(a)).collect();
        // What extraction read from the file itself (a PDF's Info/XMP) is
        // kept; the front-matter guess fills only what it left empty.
        meta.title = meta.title.or(title);
        meta.authors = if meta.authors.is_empty() { authors } else { meta.authors };
        meta.year = front.year.or(meta.year);
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
