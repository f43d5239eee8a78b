//! PDF: `pdftotext -bbox-layout` (poppler) run as a bounded subprocess for
//! words and their boxes, lopdf for what lies in the object model
//! (encryption, /PageLabels, Info, XMP); the layout analysis in between is
//! ours. See `route` for the steps, one module per concept:
//!
//! `worker` (the pdftotext child under limits), `xhtml` (its output parsed
//! while streaming), `layout` (the data model), `normalize` (NFKC),
//! `objects` and `labels` (lopdf), `furniture` (running heads/feet, stamps,
//! printed page numbers), `columns` (reading order), `footnotes` (notes and
//! their markers), `paragraphs` and `hyphens` (lines → paragraphs),
//! `metadata` (title, authors, date, DOI), `emit` (the cleaner's line form
//! with a page per line), `error` (what went wrong, and what to do).

mod columns;
mod emit;
mod error;
mod footnotes;
mod furniture;
mod hyphens;
mod labels;
mod layout;
mod metadata;
mod normalize;
mod objects;
mod paragraphs;
mod route;
mod worker;
mod xhtml;

use std::path::Path;

use super::Extracted;
use crate::model::{DocMeta, Person, Warning};

pub use error::PdfError;
pub use route::Timings;
pub use worker::Limits;

/// A PDF read into folio's line form: the document (without key and
/// metadata pairing) and the route's stage timings.
pub fn read_path(path: &Path, limits: Limits) -> Result<(Extracted, Timings), PdfError> {
    let (doc, timings) = route::extract(path, limits)?;
    let lines = emit::write(&doc);
    let meta = DocMeta {
        // A title read from the first page's largest type is a guess from the
        // text: the emitted `# ` line carries it, and the structure stage's
        // guess marks it so. Only Info/XMP titles are the file's own metadata.
        title: doc.meta.title.clone().filter(|_| doc.meta.title_source != Some("first-page")),
        authors: doc.meta.authors.iter().map(|a| Person::parse_byline(a)).collect(),
        // No year from the date: Info/XMP dates are mostly when the file was
        // made, not published; the front matter may still give one.
        date: doc.meta.date.clone(),
        doi: doc.meta.doi.clone(),
        guessed: true,
        ..DocMeta::default()
    };
    let page_labels = doc.pages.iter().map(|p| p.label.clone()).collect();
    Ok((Extracted { text: lines.text, meta, page_labels, line_pages: lines.line_pages, ..Extracted::default() }, timings))
}

/// Reads the PDF at `path` (its bytes were read by the caller; poppler and
/// lopdf read the file themselves). Problems become a warning naming the
/// file and what to do; `None` then.
pub fn extract(path: &Path, rel_path: &str, warnings: &mut Vec<Warning>) -> Option<Extracted> {
    // A panic in the layout analysis is a bug; it costs this document only.
    let result = std::panic::catch_unwind(|| read_path(path, Limits::from_env()));
    match result {
        Ok(Ok((doc, _))) => Some(doc),
        Ok(Err(e)) => {
            // (An HTML page saved as .pdf never gets here: `extract::extract`
            // hands it to the HTML reader first; `PdfError::Html` remains for
            // callers that read a path directly.)
            warnings.push(Warning { path: rel_path.to_string(), message: format!("{e}; skipped, the rest of the corpus is indexed") });
            None
        }
        Err(_) => {
            warnings.push(Warning { path: rel_path.to_string(), message: "the PDF reader failed on this file (a bug in folio); skipped, the rest of the corpus is indexed".into() });
            None
        }
    }
}
