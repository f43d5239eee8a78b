//! Turns one extracted document into passages: runs the cleaner, structure
//! recovery and repairs, resolves citation markers against the reference list,
//! detects each passage's language, tags topics, and assigns ids and locators.
//!
//! Ids come from the document's path and the passage's own text (see
//! `model::passage_id`); the paragraph is the 1-based ordinal of the passage
//! in its document.

mod cites;
mod draft;
mod meta;
mod tags;

use crate::doc::clean::{self, DropReason};
use crate::doc::repair;
use crate::doc::structure::{self, Structured};
use std::collections::HashMap;

use crate::model::{passage_id, Cite, DocMeta, Locator, Passage, Person, Source};
use crate::source::Extracted;
use crate::vocab::tagger::Tagger;

pub use meta::complete_meta;

/// A document after the pipeline.
#[derive(Debug, Clone)]
pub struct BuiltDoc {
    pub meta: DocMeta,
    pub language: String,
    pub keywords: Vec<String>,
    pub passages: Vec<Passage>,
    /// What the cleaner removed: (first line, last line, reason).
    pub dropped: Vec<(u32, u32, DropReason)>,
}

/// Runs the cleaner, structure recovery and the repairs across units (no
/// tagging): the paragraphs with their roles, the front matter read from the
/// text, and what the cleaner dropped before units were made.
pub fn recover(doc: &Extracted) -> (Structured, Vec<(u32, u32, DropReason)>) {
    let cleaned = clean::clean(&doc.text);
    let known_authors: Vec<String> = doc.meta.authors.iter().map(Person::display).collect();
    let title = if doc.has_entry { doc.meta.title.as_deref() } else { None };
    let mut structured = structure::classify(cleaned.units, cleaned.verdicts, title, &known_authors);
    repair::drop_insets(&mut structured.paras);
    repair::cut_column_bleed(&mut structured.paras);
    repair::cut_spliced_insets(&mut structured.paras);
    repair::join_continuations(&mut structured.paras, &cleaned.vocab);
    (structured, cleaned.dropped)
}

/// Runs the whole pipeline on one document.
pub fn build(doc: &Extracted, tagger: &Tagger) -> BuiltDoc {
    let (structured, mut dropped) = recover(doc);
    let meta = complete_meta(doc, &structured.front);
    let (mut drafts, dropped_paras) = draft::drafts(structured.paras);
    dropped.extend(dropped_paras);
    dropped.sort_by_key(|d| d.0);
    let resolved = cites::resolve(&mut drafts);
    let (language, languages) = tags::languages(&drafts);
    let tags = tags::tag_all(&drafts, &languages, tagger);
    let passages = assemble(doc, &meta, drafts, resolved, languages, tags);
    BuiltDoc { meta, language, keywords: structured.front.keywords, passages, dropped }
}

/// Each draft's id: its document's path and its text, with the occurrence
/// number for a text said twice.
fn ids(rel_path: &str, drafts: &[draft::Draft]) -> Vec<String> {
    let mut seen: HashMap<String, u32> = HashMap::new();
    drafts
        .iter()
        .map(|d| {
            let id = passage_id::make(rel_path, &d.text, 1);
            let n = seen.entry(id.clone()).or_insert(0);
            *n += 1;
            if *n > 1 { passage_id::make(rel_path, &d.text, *n) } else { id }
        })
        .collect()
}

/// Puts each draft's parts together into a passage.
fn assemble(doc: &Extracted, meta: &DocMeta, drafts: Vec<draft::Draft>, mut resolved: cites::Resolved, languages: Vec<String>, tags: Vec<crate::vocab::tagger::Tags>) -> Vec<Passage> {
    let title = meta.title.clone().unwrap_or_else(|| doc.rel_path.clone());
    let authors: Vec<String> = meta.authors.iter().map(Person::display).collect();
    let ids = ids(&doc.rel_path, &drafts);
    let cites: Vec<Vec<Cite>> = std::mem::take(&mut resolved.cites)
        .into_iter()
        .map(|marked| marked.into_iter().map(|(marker, to)| Cite { marker, reference: to.map(|i| ids[i].clone()) }).collect())
        .collect();
    drafts
        .into_iter()
        .zip(cites)
        .zip(languages)
        .zip(tags)
        .enumerate()
        .map(|(i, (((d, cites), language), tags))| {
            let paragraph = u32::try_from(i + 1).unwrap_or(u32::MAX);
            Passage {
                id: ids[i].clone(),
                doc: meta.key.clone(),
                title: title.clone(),
                authors: authors.clone(),
                year: meta.year,
                section: d.section_path.last().map(|h| h.text.clone()),
                section_number: d.section_path.last().and_then(|h| h.number.clone()),
                locator: Locator::new(&d.section_path, paragraph, doc.pages_of(d.line_start, d.line_end)),
                section_path: d.section_path,
                paragraph,
                kind: d.kind,
                language,
                topics: tags.topics,
                topic_scores: tags.scores,
                text: d.text,
                source: {
                    let (line_start, line_end) = doc.origin_of(d.line_start, d.line_end);
                    Source { path: doc.rel_path.clone(), line_start, line_end }
                },
                cites,
                reference: resolved.entries.remove(&i),
            }
        })
        .collect()
}
