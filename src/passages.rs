//! Turns one source document into passages: runs the cleaner and structure
//! recovery, resolves citation markers against the reference list, detects
//! each passage's language, tags topics, and assigns ids and locators.
//!
//! Ids are `<doc key>:<paragraph>`, the paragraph being the 1-based ordinal of
//! the passage in its document: stable for the same text and metadata.

use std::collections::HashMap;

use crate::clean::{self, repair, Vocab};
use crate::corpus::SourceDoc;
use crate::model::{Citation, Cite, DocMeta, Heading, Kind, Passage, Person, Source};
use crate::references::{self, Marker};
use crate::structure::{self, FrontMatter, Para, Role};
use crate::tag::Tagger;
use crate::{cite, lang, tag};

/// A document after the pipeline.
#[derive(Debug, Clone)]
pub struct BuiltDoc {
    pub meta: DocMeta,
    pub language: String,
    pub keywords: Vec<String>,
    pub passages: Vec<Passage>,
    /// What the cleaner removed: (first line, last line, reason).
    pub dropped: Vec<(u32, u32, &'static str)>,
}

/// Runs the cleaner and structure recovery alone (no tagging): the paragraphs
/// with their roles, and the front matter read from the text.
pub fn recover(doc: &SourceDoc) -> (Vec<Para>, FrontMatter) {
    let vocab = Vocab::from_text(&doc.text);
    let units = clean::blocks::segment(&doc.text, &vocab);
    let verdicts = clean::junk_verdicts(&units);
    let known_authors: Vec<String> = doc.meta.authors.iter().map(Person::display).collect();
    let title = if doc.has_entry { doc.meta.title.as_deref() } else { None };
    let (mut paras, front) = structure::classify(units, verdicts, title, &known_authors);
    repair::drop_insets(&mut paras);
    repair::cut_column_bleed(&mut paras);
    repair::cut_spliced_insets(&mut paras);
    repair::join_continuations(&mut paras, &vocab);
    (paras, front)
}

/// Fills metadata the BibTeX entry lacks from what the text says.
fn complete_meta(doc: &SourceDoc, front: &FrontMatter) -> DocMeta {
    let mut meta = doc.meta.clone();
    if !doc.has_entry {
        meta.guessed = true;
        meta.title = front.title.clone().map(|t| {
            let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
            if !letters.is_empty() && letters.iter().all(|c| c.is_uppercase()) { title_case(&t) } else { t }
        });
        meta.authors = front.authors.iter().map(|a| Person::parse_byline(a)).collect();
        meta.year = front.year;
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

/// What a passage is before ids and tags.
struct Draft {
    kind: Kind,
    text: String,
    raw: String,
    marker: Option<String>,
    line_start: u32,
    line_end: u32,
    section_path: Vec<Heading>,
}

/// Passages longer than this are split at sentence ends: a passage is what
/// a writer quotes, and a whole speech on one line is not one.
const MAX_PASSAGE_CHARS: usize = 3000;
/// Chunks of a split passage aim for about this length.
const TARGET_PASSAGE_CHARS: usize = 1500;

/// Byte offsets in `text` where a chunk may end: after a sentence end
/// followed by a space and a capital, else after any space.
fn chunk_ends(text: &str) -> Vec<usize> {
    let mut ends = vec![];
    let mut start = 0;
    while text.len() - start > MAX_PASSAGE_CHARS {
        let window_end = floor_char(text, start + MAX_PASSAGE_CHARS);
        let target = floor_char(text, start + TARGET_PASSAGE_CHARS);
        let window = &text[target..window_end];
        let sentence = window.match_indices(". ").map(|(i, _)| target + i + 2).find(|&i| text[i..].starts_with(char::is_uppercase));
        let end = sentence.or_else(|| window.rfind(' ').map(|i| target + i + 1)).unwrap_or(window_end);
        let end = if end <= start { window_end } else { end };
        ends.push(end);
        start = end;
    }
    ends
}

fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn split_long(drafts: Vec<Draft>) -> Vec<Draft> {
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        if d.text.len() <= MAX_PASSAGE_CHARS || matches!(d.kind, Kind::Reference) {
            out.push(d);
            continue;
        }
        let mut start = 0;
        let ends = chunk_ends(&d.text);
        for end in ends.into_iter().chain(std::iter::once(d.text.len())) {
            let text = d.text[start..end].trim().to_string();
            start = end;
            if text.is_empty() {
                continue;
            }
            out.push(Draft { kind: d.kind, text, raw: String::new(), marker: d.marker.clone(), line_start: d.line_start, line_end: d.line_end, section_path: d.section_path.clone() });
        }
    }
    out
}

/// Runs the whole pipeline on one document.
pub fn build(doc: &SourceDoc, tagger: &Tagger, style: &cite::CitationStyle) -> BuiltDoc {
    let (paras, front) = recover(doc);
    let meta = complete_meta(doc, &front);
    let fallback_title = doc.rel_path.clone();

    let mut drafts: Vec<Draft> = vec![];
    let mut dropped = vec![];
    let mut path: Vec<(u8, Heading)> = vec![];
    for p in paras {
        let kind = match &p.role {
            Role::Heading { level, heading } => {
                let level = if heading.number.as_deref().is_some_and(|n| n.contains('.')) { *level } else { 1 };
                path.retain(|(l, _)| *l < level);
                path.push((level, heading.clone()));
                continue;
            }
            Role::Drop(reason) => {
                dropped.push((p.unit.line_start, p.unit.line_end, *reason));
                continue;
            }
            Role::Body => Kind::Body,
            Role::Abstract => Kind::Abstract,
            Role::Entry(kind) => *kind,
            Role::Bio => Kind::Bio,
            Role::Note => Kind::Note,
            Role::Title | Role::Byline(_) | Role::Affiliation | Role::Date(_) | Role::Keywords(_) => continue,
        };
        let marker = match kind {
            Kind::Reference | Kind::Note => p.unit.list_marker.clone().or_else(|| structure::footnote_marker(&p.unit.text)),
            _ => None,
        };
        let mut text = p.unit.text.clone();
        // A footnote's own number is its marker, not its text.
        if kind == Kind::Note && p.unit.list_marker.is_none()
            && let Some(m) = &marker {
                text = text[m.len()..].trim_start().to_string();
            }
        if text.trim().is_empty() {
            // A label with nothing after it ("Abstract:") is no passage.
            dropped.push((p.unit.line_start, p.unit.line_end, "empty after its label"));
            continue;
        }
        drafts.push(Draft {
            kind,
            text,
            raw: p.unit.raw.clone(),
            marker,
            line_start: p.unit.line_start,
            line_end: p.unit.line_end,
            section_path: if matches!(kind, Kind::Abstract) { vec![] } else { path.iter().map(|(_, h)| h.clone()).collect() },
        });
    }

    let mut drafts = split_long(drafts);

    // Reference entries first: markers point at them.
    let mut by_number: HashMap<String, usize> = HashMap::new();
    let mut parsed: HashMap<usize, crate::model::Reference> = HashMap::new();
    for (i, d) in drafts.iter().enumerate() {
        if matches!(d.kind, Kind::Reference | Kind::Note) {
            let r = references::parse_entry(d.marker.as_deref(), &d.text, &d.raw);
            if let Some(n) = &r.marker {
                by_number.entry(n.clone()).or_insert(i);
            }
            parsed.insert(i, r);
        }
    }
    let id_of = |i: usize| format!("{}:{}", meta.key, i + 1);
    let known = |n: &str| by_number.contains_key(n);
    let mut cites_of: Vec<Vec<Cite>> = vec![];
    for d in drafts.iter_mut() {
        if matches!(d.kind, Kind::Reference) {
            cites_of.push(vec![]);
            continue;
        }
        let (text, markers) = references::extract_markers(&d.text, &known);
        // A paragraph that is nothing but markers keeps them as its text.
        if !text.trim().is_empty() {
            d.text = text;
        }
        let mut cites = vec![];
        for Marker { label, numbers, author_year } in markers {
            if let Some((name, year)) = author_year {
                let reference = parsed.iter().filter(|(_, r)| references::matches_author_year(r, &name, year)).map(|(i, _)| *i).min();
                cites.push(Cite { marker: label, reference: reference.map(id_of) });
            } else {
                for n in numbers {
                    cites.push(Cite { marker: n.clone(), reference: by_number.get(&n).map(|i| id_of(*i)) });
                }
            }
        }
        cites_of.push(cites);
    }

    // Language: the document's, then each passage's with it as the prior.
    let body_sample: String = drafts.iter().filter(|d| d.kind == Kind::Body).map(|d| d.text.as_str()).collect::<Vec<_>>().join(" ").chars().take(2_000).collect();
    let doc_lang = lang::detect(&body_sample, None);
    let languages: Vec<String> = drafts.iter().map(|d| lang::detect(&d.text, Some(&doc_lang))).collect();

    // Topics: each passage's evidence, and the document's (all of it) as context.
    let evidences: Vec<Option<tag::RawEvidence>> = drafts
        .iter()
        .zip(&languages)
        .map(|(d, l)| matches!(d.kind, Kind::Body | Kind::Abstract).then(|| tagger.evidence(&d.text, l)))
        .collect();
    let context = tagger.document_context(&evidences.iter().flatten().collect::<Vec<_>>());
    // Many passages share a heading: its evidence is computed once per heading and language.
    let mut heading_evidence: HashMap<(String, String), tag::RawEvidence> = HashMap::new();
    for ((d, language), ev) in drafts.iter().zip(&languages).zip(&evidences) {
        if let (Some(h), Some(_)) = (d.section_path.last(), ev) {
            heading_evidence.entry((h.text.clone(), language.clone())).or_insert_with(|| tagger.evidence(&h.text, language));
        }
    }

    let reference = cite::reference_text(&meta, &fallback_title, style);
    let title = meta.title.clone().unwrap_or_else(|| fallback_title.clone());
    let authors: Vec<String> = meta.authors.iter().map(Person::display).collect();
    let passages = drafts
        .into_iter()
        .zip(cites_of)
        .zip(languages)
        .zip(evidences)
        .enumerate()
        .map(|(i, (((d, cites), language), evidence))| {
            let paragraph = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let heading = d.section_path.last().map(|h| h.text.clone());
            let tags = match evidence {
                Some(ev) => {
                    let heading_ev = heading.as_ref().and_then(|h| heading_evidence.get(&(h.clone(), language.clone())));
                    tagger.tag_with(&d.text, ev, heading_ev, &context)
                }
                None => Default::default(),
            };
            Passage {
                id: id_of(i),
                doc: meta.key.clone(),
                title: title.clone(),
                authors: authors.clone(),
                year: meta.year,
                section: heading,
                section_number: d.section_path.last().and_then(|h| h.number.clone()),
                citation: Citation { key: meta.key.clone(), locator: cite::locator(&d.section_path, paragraph), text: reference.clone() },
                section_path: d.section_path,
                paragraph,
                kind: d.kind,
                language,
                topics: tags.topics,
                topic_scores: tags.scores,
                text: d.text,
                source: Source { path: doc.rel_path.clone(), line_start: d.line_start, line_end: d.line_end },
                cites,
                reference: parsed.remove(&i),
            }
        })
        .collect();
    BuiltDoc { meta, language: doc_lang, keywords: front.keywords, passages, dropped }
}
