//! folio's tantivy schema: one field per stemmed language, an exact field, a
//! context field (title and headings), filter fields, facets, a sort key, and
//! the stored passage record. Also how a passage becomes a tantivy document.

use std::collections::BTreeMap;

use tantivy::schema::{Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING};
use tantivy::{IndexSettings, IndexSortByField, TantivyDocument};

use super::analyzer::{stemmed_name, EXACT, GRAMS};
use crate::error::{Error, Result};
use crate::model::Passage;
use crate::source::sha256_hex;
use crate::text::compound::is_compounding;
use crate::text::{index_lang, STEMMED_LANGUAGES};

/// Facet paths in the `facets` field: the one place they are spelled.
pub mod facet {
    pub const TOPIC: &str = "topic";
    pub const DOC: &str = "doc";
    pub const LANG: &str = "lang";
    pub const YEAR: &str = "year";
    pub const AUTHOR: &str = "author";
    pub const KIND: &str = "kind";
}

/// The facets folio counts: (path in the `facets` field, name in output).
pub const FACETS: [(&str, &str); 6] = [(facet::TOPIC, "topic"), (facet::DOC, "doc"), (facet::LANG, "language"), (facet::YEAR, "year"), (facet::AUTHOR, "author"), (facet::KIND, "kind")];

/// The fields of folio's tantivy schema.
#[derive(Clone)]
pub struct Fields {
    pub id: Field,
    pub doc: Field,
    pub kind: Field,
    pub language: Field,
    pub topic: Field,
    pub author: Field,
    pub year: Field,
    pub ord: Field,
    pub facets: Field,
    pub exact: Field,
    pub context: Field,
    /// The document's title alone (`title:` in queries).
    pub title: Field,
    /// Trigrams of long words in compounding languages (`text::compound`).
    pub grams: Field,
    /// Language code → stemmed text field.
    pub stemmed: BTreeMap<String, Field>,
    pub json: Field,
}

fn text_field(builder: &mut tantivy::schema::SchemaBuilder, name: &str, analyzer: &str) -> Field {
    let indexing = TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(IndexRecordOption::WithFreqsAndPositions);
    builder.add_text_field(name, TextOptions::default().set_indexing_options(indexing))
}

/// Builds the schema and its field handles.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = b.add_text_field("id", STRING | STORED);
    let doc = b.add_text_field("doc", STRING);
    let kind = b.add_text_field("kind", STRING);
    let language = b.add_text_field("language", STRING);
    let topic = b.add_text_field("topic", STRING);
    let author = b.add_text_field("author", STRING);
    let year = b.add_i64_field("year", INDEXED | FAST);
    let ord = b.add_u64_field("ord", INDEXED | FAST);
    let facets = b.add_facet_field("facets", FacetOptions::default());
    let exact = text_field(&mut b, "text", EXACT);
    let context = text_field(&mut b, "context", EXACT);
    let title = text_field(&mut b, "title", EXACT);
    let grams = text_field(&mut b, "grams", GRAMS);
    let mut stemmed = BTreeMap::new();
    for (code, _) in STEMMED_LANGUAGES {
        stemmed.insert(code.to_string(), text_field(&mut b, &format!("text_{code}"), &stemmed_name(code)));
    }
    let json = b.add_text_field("json", STORED);
    (b.build(), Fields { id, doc, kind, language, topic, author, year, ord, facets, exact, context, title, grams, stemmed, json })
}

/// Index settings: documents sorted by their sort key (see [`ord_of`]).
pub fn index_settings() -> IndexSettings {
    IndexSettings { sort_by_field: Some(IndexSortByField { field: "ord".into(), order: tantivy::Order::Asc }), ..IndexSettings::default() }
}

/// The sort key of a passage: a hash of its document key, then its
/// paragraph. It orders documents inside the index the same way whatever the
/// history of updates, which is what makes index files reproducible.
pub fn ord_of(doc_key: &str, paragraph: u32) -> u64 {
    let digest = sha256_hex(doc_key.as_bytes());
    let high = u64::from_str_radix(&digest[..10], 16).unwrap_or(0);
    (high << 24) | u64::from(paragraph.min((1 << 24) - 1))
}

/// A passage as a tantivy document: filter fields, facets, text fields, and
/// the record stored as JSON.
pub fn to_document(f: &Fields, p: &Passage) -> Result<TantivyDocument> {
    let mut d = TantivyDocument::new();
    d.add_text(f.id, &p.id);
    d.add_text(f.doc, &p.doc);
    d.add_text(f.kind, p.kind.as_str());
    d.add_text(f.language, &p.language);
    d.add_u64(f.ord, ord_of(&p.doc, p.paragraph));
    let path = |name: &str, value: &str| Facet::from_path([name, value]);
    d.add_facet(f.facets, path(facet::DOC, &p.doc));
    d.add_facet(f.facets, path(facet::LANG, &p.language));
    d.add_facet(f.facets, path(facet::KIND, p.kind.as_str()));
    for t in &p.topics {
        d.add_text(f.topic, t);
        d.add_facet(f.facets, path(facet::TOPIC, t));
    }
    for a in &p.authors {
        d.add_text(f.author, a.to_lowercase());
        d.add_facet(f.facets, path(facet::AUTHOR, a));
    }
    if let Some(y) = p.year {
        d.add_i64(f.year, i64::from(y));
        d.add_facet(f.facets, path(facet::YEAR, &y.to_string()));
    }
    d.add_text(f.exact, &p.text);
    let context = format!("{} {}", p.title, p.section_path.iter().map(|h| h.text.as_str()).collect::<Vec<_>>().join(" "));
    d.add_text(f.context, context);
    d.add_text(f.title, &p.title);
    if is_compounding(&p.language) {
        d.add_text(f.grams, &p.text);
    }
    if let Some(field) = f.stemmed.get(index_lang(&p.language)) {
        d.add_text(*field, &p.text);
    }
    let json = serde_json::to_string(p).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    d.add_text(f.json, json);
    Ok(d)
}
