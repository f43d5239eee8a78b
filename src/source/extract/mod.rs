//! Extraction: a file's bytes become an [`Extracted`] document — its text in
//! the line-oriented form the cleaner reads (paragraphs separated by blank
//! lines, `#` headings, `-` list items, footnote markers as `^[n]` with the
//! notes under a "Notes" heading), its metadata, and the page each line is on.
//! One module per format; [`Format::of`] says which reads a file.

mod docx;
mod epub;
mod odt;
mod paged;
mod html;
mod rst;
pub mod pdf;
mod text;

use super::{key_from_path, Planned};
use crate::model::{DocMeta, Warning};

/// The formats folio reads, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text (`.txt`, `.text`); form feeds separate pages.
    Text,
    /// Markdown (`.md`, `.markdown`); YAML front matter gives metadata.
    Markdown,
    /// HTML and XHTML: the main content, chrome dropped.
    Html,
    /// Word documents (`.docx`): paragraphs, headings, footnotes, endnotes.
    Docx,
    /// reStructuredText: section underlines kept, directives and comments dropped.
    Rst,
    /// EPUB books: the spine's XHTML chapters in order, read as HTML.
    Epub,
    /// OpenDocument text (`.odt`).
    Odt,
    /// PDF (`.pdf`): pages labelled as printed.
    Pdf,
}

impl Format {
    /// Every format with its extensions (lower case).
    pub const ALL: &'static [(Format, &'static [&'static str])] = &[
        (Format::Text, &["txt", "text"]),
        (Format::Markdown, &["md", "markdown"]),
        (Format::Html, &["html", "htm", "xhtml"]),
        (Format::Docx, &["docx"]),
        (Format::Rst, &["rst"]),
        (Format::Epub, &["epub"]),
        (Format::Odt, &["odt"]),
        (Format::Pdf, &["pdf"]),
    ];

    /// The format a file name says, if folio reads it.
    pub fn of(path: &str) -> Option<Format> {
        let ext = std::path::Path::new(path).extension()?.to_string_lossy().to_lowercase();
        Format::ALL.iter().find(|(_, exts)| exts.contains(&ext.as_str())).map(|(f, _)| *f)
    }
}

/// A document read and paired with its metadata: the first stage's output.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub key: String,
    pub rel_path: String,
    pub text: String,
    pub meta: DocMeta,
    /// False when no BibTeX entry names the file.
    pub has_entry: bool,
    /// Printed page labels in document order ("iv", "117"); empty for
    /// sources without pages.
    pub page_labels: Vec<String>,
    /// For each line of `text` (0-based), the index of its page in
    /// `page_labels`; empty for sources without pages.
    pub line_pages: Vec<u32>,
    /// For each line of `text` (0-based), the 1-based line of the file it
    /// came from, when extraction moved lines (footnotes gathered at a page's
    /// foot); empty when `text` keeps the file's lines.
    pub line_origin: Vec<u32>,
}

impl Extracted {
    /// A document with no BibTeX entry, from text already in memory (tests,
    /// tools); its key comes from `rel_path`.
    pub fn from_text(rel_path: &str, text: &str) -> Extracted {
        let key = key_from_path(rel_path);
        Extracted { key: key.clone(), rel_path: rel_path.to_string(), text: text.to_string(), meta: DocMeta { key, guessed: true, ..DocMeta::default() }, ..Extracted::default() }
    }

    /// The file lines that 1-based text lines `first..=last` came from, as a range.
    pub fn origin_of(&self, first: u32, last: u32) -> (u32, u32) {
        if self.line_origin.is_empty() || first == 0 {
            return (first, last);
        }
        let from = (first as usize - 1).min(self.line_origin.len());
        let to = (last as usize).min(self.line_origin.len()).max(from);
        let lines = &self.line_origin[from..to];
        (lines.iter().copied().min().unwrap_or(first), lines.iter().copied().max().unwrap_or(last))
    }

    /// The labels of the pages that 1-based lines `first..=last` are on, in
    /// page order, each once.
    pub fn pages_of(&self, first: u32, last: u32) -> Vec<String> {
        if self.line_pages.is_empty() || first == 0 {
            return vec![];
        }
        let from = (first as usize - 1).min(self.line_pages.len());
        let to = (last as usize).min(self.line_pages.len());
        let mut pages: Vec<u32> = self.line_pages[from..to].to_vec();
        pages.sort_unstable();
        pages.dedup();
        pages.into_iter().filter_map(|p| self.page_labels.get(p as usize).cloned()).collect()
    }
}

/// The document a reader gave, or its reason for giving none as a warning
/// naming the file.
fn reported<E: std::fmt::Display>(read: Result<Extracted, E>, rel_path: &str, warnings: &mut Vec<Warning>) -> Option<Extracted> {
    match read {
        Ok(doc) => Some(doc),
        Err(reason) => {
            warnings.push(Warning { path: rel_path.into(), message: format!("{reason}; the rest of the corpus is indexed") });
            None
        }
    }
}

/// Extracts a file planned under `planned` from its bytes. `None` means the
/// file gives no document (the reason is in `warnings`, with its path).
pub fn extract(planned: &Planned, format: Format, bytes: &[u8], warnings: &mut Vec<Warning>) -> Option<Extracted> {
    let rel_path = &planned.file.rel_path;
    let mut doc = match format {
        Format::Text => text::extract(bytes, rel_path, warnings)?,
        Format::Markdown => text::extract_markdown(bytes, rel_path, warnings)?,
        Format::Html => html::extract(bytes, rel_path, warnings)?,
        Format::Docx => docx::extract(bytes, rel_path, warnings)?,
        Format::Rst => rst::extract(bytes, rel_path, warnings)?,
        Format::Epub => epub::extract(bytes, rel_path, warnings)?,
        Format::Odt => odt::extract(bytes, rel_path, warnings)?,
        // A web page saved under a .pdf name is read as what it is, with a note.
        Format::Pdf if html::looks_like_html(bytes) => {
            warnings.push(Warning { path: rel_path.clone(), message: "not a PDF (an HTML page saved as .pdf): read as HTML".into() });
            html::extract(bytes, rel_path, warnings)?
        }
        Format::Pdf => pdf::extract(&planned.file.path, rel_path, warnings)?,
    };
    doc.key = planned.key.clone();
    doc.rel_path = rel_path.clone();
    // The document's own metadata counts only when no library entry gives it.
    let own = std::mem::replace(&mut doc.meta, planned.meta.clone());
    doc.has_entry = planned.has_entry;
    if !planned.has_entry {
        doc.meta.embedded = embedded_fields(&own);
        doc.meta.title = own.title.or(doc.meta.title.take());
        if !own.authors.is_empty() {
            doc.meta.authors = own.authors;
        }
        doc.meta.year = own.year.or(doc.meta.year);
        doc.meta.date = own.date.or(doc.meta.date.take());
        doc.meta.doi = own.doi.or(doc.meta.doi.take());
        doc.meta.url = own.url.or(doc.meta.url.take());
        doc.meta.venue = own.venue.or(doc.meta.venue.take());
    }
    Some(doc)
}

/// The fields a document's own metadata gives (HTML meta tags, DOCX
/// properties, YAML front matter).
fn embedded_fields(meta: &DocMeta) -> Vec<String> {
    let mut out = vec![];
    for (name, present) in [("title", meta.title.is_some()), ("authors", !meta.authors.is_empty()), ("year", meta.year.is_some()), ("doi", meta.doi.is_some()), ("venue", meta.venue.is_some())] {
        if present {
            out.push(name.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_spanned_by_lines() {
        let mut doc = Extracted::from_text("a.txt", "");
        doc.page_labels = vec!["117".into(), "118".into(), "119".into()];
        doc.line_pages = vec![0, 0, 0, 1, 1, 2, 1];
        assert_eq!(doc.pages_of(1, 2), vec!["117"]);
        assert_eq!(doc.pages_of(3, 4), vec!["117", "118"]);
        assert_eq!(doc.pages_of(5, 7), vec!["118", "119"]);
        assert_eq!(doc.pages_of(7, 99), vec!["118"]);
        assert!(Extracted::from_text("b.txt", "").pages_of(1, 5).is_empty());
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of("a/B.TXT"), Some(Format::Text));
        assert_eq!(Format::of("notes.md"), Some(Format::Markdown));
        assert_eq!(Format::of("paper.PDF"), Some(Format::Pdf));
        assert_eq!(Format::of("x.exe"), None);
        assert_eq!(Format::of("a/p.XHTML"), Some(Format::Html));
        assert_eq!(Format::of("w.docx"), Some(Format::Docx));
        assert_eq!(Format::of("r.rst"), Some(Format::Rst));
        assert_eq!(Format::of("README"), None);
    }
}
