//! The data model every stage shares: documents, passages, references and the
//! warnings the pipeline reports. Plain data with serde; no behaviour beyond
//! small accessors.

use serde::{Deserialize, Serialize};

/// A person as "Family, Given" (the JSON contract) with the parts kept apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub family: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
}

impl DocMeta {
    /// True when some of title, authors and year were guessed from the text
    /// (no library entry, and the document's own metadata lacks them).
    pub fn guessed_from_text(&self) -> bool {
        self.guessed && !["title", "authors", "year"].iter().all(|f| self.embedded.iter().any(|e| e == f))
    }
}

impl Person {
    /// "Family, Given", or the family name alone for organisations.
    pub fn display(&self) -> String {
        match &self.given {
            Some(given) if !given.is_empty() => format!("{}, {}", self.family, given),
            _ => self.family.clone(),
        }
    }

    /// Parses "Family, Given" or "Given Family" (the latter is how bylines print names).
    pub fn parse_byline(name: &str) -> Person {
        let name = name.trim();
        if let Some((family, given)) = name.split_once(',') {
            return Person { family: family.trim().to_string(), given: Some(given.trim().to_string()) };
        }
        match name.rsplit_once(' ') {
            Some((given, family)) => Person { family: family.to_string(), given: Some(given.to_string()) },
            None => Person { family: name.to_string(), given: None },
        }
    }
}

/// What role a passage plays in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Body,
    Abstract,
    Reference,
    Note,
    Bio,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Body, Kind::Abstract, Kind::Reference, Kind::Note, Kind::Bio];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Body => "body",
            Kind::Abstract => "abstract",
            Kind::Reference => "reference",
            Kind::Note => "note",
            Kind::Bio => "bio",
        }
    }

    /// "body, abstract, reference, note, bio": for messages.
    pub fn names() -> String {
        Kind::ALL.map(Kind::as_str).join(", ")
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Kinds searched when the user does not ask for others.
    pub fn searched_by_default(self) -> bool {
        matches!(self, Kind::Body | Kind::Abstract)
    }
}

/// One heading on the way from the document root to a passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heading {
    /// The number as printed ("2.1", "Part I"), if the heading has one.
    pub number: Option<String>,
    pub text: String,
}

impl Heading {
    pub fn display(&self) -> String {
        match &self.number {
            Some(n) => format!("{n} {}", self.text),
            None => self.text.clone(),
        }
    }
}

/// An entry of a document's reference list or notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Reference {
    /// The marker as printed ("3" for "[3]" or "3."), if any.
    pub marker: Option<String>,
    pub authors: Vec<String>,
    pub title: Option<String>,
    pub venue: Option<String>,
    pub year: Option<i32>,
    pub doi: Option<String>,
    pub url: Option<String>,
    /// The entry's cleaned text.
    pub text: String,
}

/// An in-text marker resolved (or not) against the reference list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cite {
    /// The marker as it appeared: "3", or "Lewis, 2017".
    pub marker: String,
    /// The passage id of the reference entry it points at, if resolved.
    pub reference: Option<String>,
}

/// Where a passage came from in its original file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub path: String,
    pub line_start: u32,
    pub line_end: u32,
}

/// Where in its document a passage stands, as a citation points at it: the
/// number of the section it is in, its paragraph, and the page labels it spans
/// (empty for sources without pages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Locator {
    /// The number of the nearest numbered section ("2.1", "Part I").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    pub paragraph: u32,
    /// Every page label the passage spans, in order ("118", "119").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<String>,
}

impl Locator {
    /// The locator from a section path: the nearest numbered heading's number.
    pub fn new(section_path: &[Heading], paragraph: u32, pages: Vec<String>) -> Locator {
        let section = section_path.iter().rev().find_map(|h| h.number.clone());
        Locator { section, paragraph, pages }
    }

    /// "p. 118" or "pp. 118–119" when the passage has pages, else None.
    pub fn page_range(&self) -> Option<String> {
        match self.pages.as_slice() {
            [] => None,
            [one] => Some(format!("p. {one}")),
            [first, .., last] if first == last => Some(format!("p. {first}")),
            [first, .., last] => Some(format!("pp. {first}–{last}")),
        }
    }
}

/// "§2.1, ¶14" for a numbered section, "Part I, ¶5" for a named part, "¶14"
/// when the section has no number; "p. 118" (or "pp. 118–119") where the
/// source has pages, since a page is what a reader looks up.
impl std::fmt::Display for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(pages) = self.page_range() {
            return f.write_str(&pages);
        }
        match self.section.as_deref() {
            Some(n) if n.chars().next().is_some_and(|c| c.is_ascii_digit()) => write!(f, "§{n}, ¶{}", self.paragraph),
            Some(n) => write!(f, "{n}, ¶{}", self.paragraph),
            None => write!(f, "¶{}", self.paragraph),
        }
    }
}

/// Passage ids. An id names a passage by what survives edits elsewhere in
/// its document and a change of citation key, and is the same on every
/// machine: a hash of the document's path (relative to the corpus or
/// library) and a hash of the passage's own text, e.g. `3f9a1c-7b41d0aa`
/// (a second passage with the same text in the same document gets `-2`).
/// Inserting, removing or editing other paragraphs leaves an id pointing at
/// the same passage; editing the passage itself gives it a new id. The one
/// place ids are written and read; ids of folio before 0.2, `<doc
/// key>:<paragraph>`, are still read ([`passage_id::legacy`]).
pub mod passage_id {
    use sha2::{Digest, Sha256};

    /// Hex digits of the document part and of the text part.
    const DOC_DIGITS: usize = 6;
    const TEXT_DIGITS: usize = 8;

    fn hex_prefix(text: &str, digits: usize) -> String {
        crate::source::hex(&Sha256::digest(text.as_bytes()))[..digits].to_string()
    }

    /// The document part of every id of the document at `rel_path`.
    pub fn doc_part(rel_path: &str) -> String {
        hex_prefix(rel_path, DOC_DIGITS)
    }

    /// The id of the `occurrence`-th (1-based) passage with this text in the
    /// document. The text is compared by its words, lower-cased, so that
    /// spacing and punctuation repairs do not change ids.
    pub fn make(rel_path: &str, text: &str, occurrence: u32) -> String {
        // The words joined by spaces, written into one string (a string per word was a visible cost).
        let mut words = String::with_capacity(text.len());
        for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            if !words.is_empty() {
                words.push(' ');
            }
            crate::text::tokenize::push_lowercase(&mut words, w);
        }
        let base = format!("{}-{}", doc_part(rel_path), hex_prefix(&words, TEXT_DIGITS));
        if occurrence > 1 { format!("{base}-{occurrence}") } else { base }
    }

    /// The document part of an id in the current form.
    pub fn doc_part_of(id: &str) -> Option<&str> {
        let part = id.split('-').next()?;
        (part.len() == DOC_DIGITS && part.bytes().all(|b| b.is_ascii_hexdigit())).then_some(part)
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn ids_hash_the_lower_cased_words() {
            // The words as first joined: a lower-cased string per word.
            let joined = |t: &str| t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect::<Vec<_>>().join(" ");
            for text in ["Norms  of State behaviour, (2015)!", "ΟΔΟΣ İstanbul — Straße", "网络主权 UN", "", "..."] {
                let expected = format!("{}-{}", super::doc_part("a.txt"), &super::hex_prefix(&joined(text), super::TEXT_DIGITS));
                assert_eq!(super::make("a.txt", text, 1), expected, "{text}");
            }
            assert_eq!(super::make("a.txt", "Norms of state BEHAVIOUR", 2), format!("{}-2", super::make("a.txt", "norms, of state behaviour.", 1)));
        }
    }

    /// An old-form id `<doc key>:<paragraph>`: the document key and paragraph.
    pub fn legacy(id: &str) -> Option<(&str, u32)> {
        let (doc, n) = id.rsplit_once(':')?;
        Some((doc, n.parse().ok()?))
    }
}

/// The unit folio indexes: a passage as the pipeline builds it and the index
/// stores it. What clients see is `wire::Passage`, which adds the citation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    /// See [`passage_id`].
    pub id: String,
    pub doc: String,
    pub title: String,
    pub authors: Vec<String>,
    pub year: Option<i32>,
    pub section: Option<String>,
    pub section_number: Option<String>,
    pub section_path: Vec<Heading>,
    pub paragraph: u32,
    pub kind: Kind,
    pub language: String,
    pub topics: Vec<String>,
    pub topic_scores: std::collections::BTreeMap<String, f32>,
    pub text: String,
    pub source: Source,
    pub locator: Locator,
    pub cites: Vec<Cite>,
    /// Set on reference and note passages: the entry parsed into fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Reference>,
}

/// Bibliographic facts about a document, from BibTeX or guessed from its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DocMeta {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// BibTeX entry type ("article", "online"), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// Without a library entry: the fields the document's own metadata gave
    /// (HTML meta tags, DOCX properties, YAML front matter), not guessed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embedded: Vec<String>,
    /// True when title/authors were read from the text, not from BibTeX.
    #[serde(default)]
    pub guessed: bool,
    /// The raw BibTeX entry, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bibtex: Option<String>,
}

/// A file in the corpus folder that is not read as a document, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Path relative to the corpus folder.
    pub path: String,
    /// "unsupported format .exe", "hidden file", …
    pub reason: String,
}

/// Something the pipeline wants the user to know; never fatal for the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
