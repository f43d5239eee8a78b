//! Answers in the `wire` types: stored passages become wire passages with
//! their citation rendered now, from the document's metadata in the manifest
//! and the requested style (once per document, not per passage).

use std::collections::HashMap;

use super::Engine;
use crate::cite::{self, CitationStyle};
use crate::error::{Error, Result};
use crate::model::{passage_id, DocMeta, Passage};
use crate::retrieve::{self, SearchRequest};
use crate::store::{DocEntry, OpenIndex};
use crate::vocab::tagger::{Tagger, Tags};
use crate::wire::{self, FormatVersion};

/// Turns stored passages into wire passages for one index and style.
pub struct Presenter<'a> {
    open: &'a OpenIndex,
    style: &'a CitationStyle,
    references: HashMap<String, String>,
}

impl<'a> Presenter<'a> {
    pub fn new(open: &'a OpenIndex, style: &'a CitationStyle) -> Presenter<'a> {
        Presenter { open, style, references: HashMap::new() }
    }

    /// The document's entry in the manifest.
    fn entry(&self, doc: &str) -> Result<DocEntry> {
        self.open.doc(doc)?.ok_or_else(|| Error::IndexCorrupt {
            path: self.open.path.clone(),
            message: format!("document `{doc}` is not in the index manifest; run `folio index --rebuild`"),
        })
    }

    /// The document's metadata, from the manifest.
    pub fn meta(&self, doc: &str) -> Result<DocMeta> {
        self.entry(doc).map(|d| d.meta)
    }

    /// The document's reference in the style: rendered when the document
    /// was indexed for the default style, else now (once per document).
    fn reference(&mut self, p: &Passage) -> Result<String> {
        if let Some(r) = self.references.get(&p.doc) {
            return Ok(r.clone());
        }
        let entry = self.entry(&p.doc)?;
        let text = if self.style.is_default() && !entry.reference.is_empty() { entry.reference } else { cite::reference_text(&entry.meta, &p.title, self.style) };
        self.references.insert(p.doc.clone(), text.clone());
        Ok(text)
    }

    pub fn passage(&mut self, p: Passage) -> Result<wire::Passage> {
        let citation = wire::Citation { key: p.doc.clone(), locator: p.locator.to_string(), text: self.reference(&p)? };
        Ok(wire::Passage {
            id: p.id,
            doc: p.doc,
            title: p.title,
            authors: p.authors,
            year: p.year,
            section: p.section,
            section_number: p.section_number,
            section_path: p.section_path,
            paragraph: p.paragraph,
            kind: p.kind,
            language: p.language,
            topics: p.topics,
            topic_scores: p.topic_scores,
            text: p.text,
            source: p.source,
            pages: p.locator.pages,
            citation,
            cites: p.cites,
            reference: p.reference,
        })
    }
}

/// Searches and presents the hits.
pub fn search(open: &OpenIndex, request: &SearchRequest, style: &CitationStyle) -> Result<wire::SearchResponse> {
    let found = retrieve::search(open, request)?;
    respond(open, found, request, style)
}

/// `similar`: passages of other documents nearest a passage (by id), with
/// the request's filters.
pub fn similar(open: &OpenIndex, id: &str, request: &SearchRequest, style: &CitationStyle) -> Result<wire::SearchResponse> {
    let p = passage(open, id)?;
    let found = retrieve::semantic::similar(open, &p, request)?;
    respond(open, found, request, style)
}

/// Results as the wire message.
fn respond(open: &OpenIndex, found: retrieve::Results, request: &SearchRequest, style: &CitationStyle) -> Result<wire::SearchResponse> {
    let mut presenter = Presenter::new(open, style);
    let mut hits = Vec::with_capacity(found.hits.len());
    for h in found.hits {
        let explained = h.explain.filter(|_| request.explain).map(|c| wire::HitExplain { bm25: c.bm25, cosine: c.cosine, lexical: c.lexical, semantic: c.semantic });
        hits.push(wire::Hit { score: h.score, snippet: h.snippet, snippet_html: h.snippet_html, passage: presenter.passage(h.passage)?, explain: explained });
    }
    let expansions = found.expansions.into_iter().map(|e| wire::Expansion { matched: e.matched, added: e.added }).collect();
    let mode = found.mode.as_str().to_string();
    let groups = found.groups.into_iter().map(|g| wire::DocGroup { doc: g.doc, total: g.total, hits: g.hits }).collect();
    let sort = match request.sort {
        retrieve::Sort::Relevance => "relevance",
        retrieve::Sort::Year => "year",
    };
    Ok(wire::SearchResponse {
        folio_json: FormatVersion,
        query: found.query,
        total: found.total,
        hits,
        facets: found.facets,
        notes: found.notes,
        expansions,
        fuzzy: found.fuzzy,
        offset: request.offset,
        sort: sort.into(),
        exact: request.exact,
        groups,
        other_kinds: found.other_kinds,
        mode,
    })
}

/// One passage by id (old `<key>:<paragraph>` ids too), or the error that
/// says there is none.
pub fn passage(open: &OpenIndex, id: &str) -> Result<Passage> {
    match lookup(open, id)? {
        Lookup::Found(p) => Ok(p),
        Lookup::Gone { .. } | Lookup::Unknown => Err(Error::UnknownPassage { id: id.to_string() }),
    }
}

/// What an id names.
pub enum Lookup {
    Found(Passage),
    /// The id names a passage of a document that no longer has it: the
    /// document's passages now nearest to where it was.
    Gone { doc: String, nearby: Vec<Passage> },
    Unknown,
}

/// Resolves an id: the current form, an old `<key>:<paragraph>` id, or a
/// retired id of a document that changed.
pub fn lookup(open: &OpenIndex, id: &str) -> Result<Lookup> {
    if let Some(p) = open.get(id)? {
        return Ok(Lookup::Found(p));
    }
    let (doc, paragraph) = if let Some((key, n)) = passage_id::legacy(id) {
        if let Some(p) = open.get_at(key, n)? {
            return Ok(Lookup::Found(p));
        }
        (open.doc(key)?.map(|d| d.key), n)
    } else {
        let docs = open.docs()?;
        let retired = docs.iter().find_map(|d| d.retired.get(id).map(|n| (d.key.clone(), *n)));
        let by_path = || passage_id::doc_part_of(id).and_then(|part| docs.iter().find(|d| passage_id::doc_part(&d.path) == part)).map(|d| (d.key.clone(), 1));
        match retired.or_else(by_path) {
            Some((key, n)) => (Some(key), n),
            None => (None, 0),
        }
    };
    let Some(doc) = doc else { return Ok(Lookup::Unknown) };
    let passages = open.doc_passages(&doc)?;
    let at = passages.partition_point(|p| p.paragraph < paragraph);
    let nearby = passages[at.saturating_sub(2)..(at + 3).min(passages.len())].to_vec();
    Ok(Lookup::Gone { doc, nearby })
}

/// `show`: a passage with its neighbours and the references it relies on.
pub fn show(open: &OpenIndex, id: &str, style: &CitationStyle) -> Result<wire::ShowResponse> {
    let p = passage(open, id)?;
    let neighbour = |k: u32| open.get_at(&p.doc, k).ok().flatten();
    let previous = p.paragraph.checked_sub(1).filter(|k| *k > 0).and_then(neighbour);
    let next = neighbour(p.paragraph + 1);
    let cited: Vec<Passage> = p.cites.iter().filter_map(|c| c.reference.as_deref()).filter_map(|r| open.get(r).ok().flatten()).collect();
    let mut presenter = Presenter::new(open, style);
    let previous = previous.map(|x| presenter.passage(x)).transpose()?;
    let next = next.map(|x| presenter.passage(x)).transpose()?;
    let references = cited.into_iter().map(|x| presenter.passage(x)).collect::<Result<Vec<_>>>()?;
    Ok(wire::ShowResponse { folio_json: FormatVersion, passage: presenter.passage(p)?, previous, next, references })
}

/// `cite --format json`: every form of a passage's citation.
pub fn cite(open: &OpenIndex, id: &str, style: &CitationStyle) -> Result<wire::CiteResponse> {
    let p = passage(open, id)?;
    let meta = Presenter::new(open, style).meta(&p.doc)?;
    let rendered = cite::render(&meta, &p.title, Some(&p.locator), style)?;
    Ok(wire::CiteResponse {
        folio_json: FormatVersion,
        id: p.id.clone(),
        key: p.doc.clone(),
        locator: p.locator.to_string(),
        pages: p.locator.pages.clone(),
        style: style.name.clone(),
        citation: rendered.citation,
        reference: rendered.reference,
        pandoc: cite::pandoc(&p.doc, &p.locator),
        typst: cite::typst(&p.doc, &p.locator),
        latex: cite::latex(&p.doc, &p.locator),
    })
}

/// Every passage in corpus order, as `export` lines.
pub fn export(open: &OpenIndex, style: &CitationStyle) -> Result<Vec<wire::ExportLine>> {
    let mut presenter = Presenter::new(open, style);
    open.all_passages()?.into_iter().map(|p| Ok(wire::ExportLine { folio_json: FormatVersion, passage: presenter.passage(p)? })).collect()
}

/// The taxonomy with passage counts.
pub fn topics(open: &OpenIndex) -> Result<wire::TopicsResponse> {
    let counts: HashMap<&str, usize> = open.manifest.topics.iter().map(|(id, _, n)| (id.as_str(), *n)).collect();
    let topics = open
        .taxonomy()?
        .topics
        .iter()
        .map(|t| wire::Topic { id: t.id.clone(), label: t.label.clone(), description: t.description.clone(), passages: counts.get(t.id.as_str()).copied().unwrap_or(0) })
        .collect();
    Ok(wire::TopicsResponse { folio_json: FormatVersion, topics })
}

impl Engine {
    /// Tags any text with the corpus's taxonomy (the built-in one when the
    /// corpus cannot be read); the language is detected when not given.
    pub fn tag(&self, text: &str, lang: Option<String>) -> Result<(String, Tags)> {
        let language = lang.unwrap_or_else(|| crate::text::lang::detect(text, None));
        let tags = self.tagger()?.tag(text, &language, None, &[]);
        Ok((language, tags))
    }

    /// The tagger of the corpus's taxonomy (the built-in one when the corpus
    /// cannot be read).
    pub fn tagger(&self) -> Result<Tagger> {
        let taxonomy = match crate::source::scan(&self.corpus) {
            Ok(scan) => super::resolve::taxonomy_of(&scan)?,
            Err(_) => crate::vocab::taxonomy::Taxonomy::builtin(),
        };
        Ok(Tagger::new(taxonomy))
    }
}

/// Tags as the wire message.
pub fn tag_response(language: String, tags: &Tags, explain: bool) -> wire::TagResponse {
    wire::TagResponse {
        folio_json: FormatVersion,
        language,
        topics: tags.topics.clone(),
        topic_scores: tags.scores.clone(),
        evidence: explain.then(|| tags.evidence.clone()),
    }
}
