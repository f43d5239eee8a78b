//! Extraction: a decoded file becomes an [`Extracted`] document — its text
//! in the line-oriented form the cleaner reads, its metadata, and where its
//! pages start. Plain text, Markdown and reStructuredText-like text are read
//! as they are; formats with pages (PDF, next) fill [`Extracted::pages`].

use super::{key_from_path, Planned};
use crate::model::DocMeta;

/// Where a page starts in the extracted text: the 1-based line of its first
/// line, and its printed label ("118", "iv").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageStart {
    pub line: u32,
    pub label: String,
}

/// A document read and paired with its metadata: the first stage's output.
#[derive(Debug, Clone)]
pub struct Extracted {
    pub key: String,
    pub rel_path: String,
    pub text: String,
    pub meta: DocMeta,
    /// False when no BibTeX entry names the file.
    pub has_entry: bool,
    /// Page starts in line order; empty for sources without pages.
    pub pages: Vec<PageStart>,
}

impl Extracted {
    /// A document with no BibTeX entry, from text already in memory (tests,
    /// tools); its key comes from `rel_path`.
    pub fn from_text(rel_path: &str, text: &str) -> Extracted {
        let key = key_from_path(rel_path);
        Extracted {
            key: key.clone(),
            rel_path: rel_path.to_string(),
            text: text.to_string(),
            meta: DocMeta { key, guessed: true, ..DocMeta::default() },
            has_entry: false,
            pages: vec![],
        }
    }

    /// The labels of the pages that lines `first..=last` span, in order.
    pub fn pages_of(&self, first: u32, last: u32) -> Vec<String> {
        let start = self.pages.partition_point(|p| p.line <= first).saturating_sub(1);
        self.pages.iter().skip(start).take_while(|p| p.line <= last).map(|p| p.label.clone()).collect()
    }
}

/// Extracts a decoded text file planned under `planned`.
pub fn extract(rel_path: &str, text: String, planned: &Planned) -> Extracted {
    Extracted { key: planned.key.clone(), rel_path: rel_path.to_string(), text, meta: planned.meta.clone(), has_entry: planned.has_entry, pages: vec![] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_spanned_by_lines() {
        let mut doc = Extracted::from_text("a.txt", "");
        doc.pages = vec![PageStart { line: 1, label: "117".into() }, PageStart { line: 40, label: "118".into() }, PageStart { line: 80, label: "119".into() }];
        assert_eq!(doc.pages_of(3, 10), vec!["117"]);
        assert_eq!(doc.pages_of(35, 45), vec!["117", "118"]);
        assert_eq!(doc.pages_of(40, 40), vec!["118"]);
        assert_eq!(doc.pages_of(79, 81), vec!["118", "119"]);
        assert!(Extracted::from_text("b.txt", "").pages_of(1, 5).is_empty());
    }
}
