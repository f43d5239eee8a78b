//! The on-disk index: tantivy schema, building, the manifest that says what was
//! indexed, staleness checks and atomic replacement.
//!
//! **Invariant:** this is the only module that writes the index.
//!
//! Layout of the index folder:
//! - `CURRENT` — the name of the live generation folder, replaced atomically
//!   (written beside, then renamed), so a reader sees the old or the new index,
//!   never half of one;
//! - `gen-<id>/` — one tantivy index plus `folio.json`, the manifest;
//! - `.lock` — held by the one `folio index` allowed to write at a time;
//! - `.build-*` — a build in progress; left over only by a killed build, and
//!   cleaned up by the next one.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::schema::{Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use crate::analyze::{self, STEMMED_LANGUAGES};
use crate::corpus::{self, Corpus};
use crate::error::{Error, Result};
use crate::model::{Passage, Warning};
use crate::passages;
use crate::tag::Tagger;
use crate::taxonomy::Taxonomy;
use crate::thesaurus::Thesaurus;

/// Bump when the schema or the manifest changes: older indexes are refused.
pub const SCHEMA_VERSION: u32 = 1;
const MANIFEST: &str = "folio.json";
const CURRENT: &str = "CURRENT";
const LOCK: &str = ".lock";

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
    let exact = text_field(&mut b, "text", analyze::EXACT);
    let context = text_field(&mut b, "context", analyze::EXACT);
    let mut stemmed = BTreeMap::new();
    for (code, _) in STEMMED_LANGUAGES {
        stemmed.insert(code.to_string(), text_field(&mut b, &format!("text_{code}"), &format!("folio_{code}")));
    }
    let json = b.add_text_field("json", STORED);
    (b.build(), Fields { id, doc, kind, language, topic, author, year, ord, facets, exact, context, stemmed, json })
}

/// What one indexed document contributed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DocEntry {
    pub key: String,
    pub path: String,
    pub content_hash: String,
    pub size: u64,
    pub mtime_ns: i128,
    pub title: String,
    pub language: String,
    pub n_passages: usize,
    pub n_dropped: usize,
    /// Bibliographic metadata (from BibTeX, or guessed), for citations.
    pub meta: crate::model::DocMeta,
}

/// `folio.json`: what the index holds and what it was built from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub schema_version: u32,
    pub analyzer_version: u32,
    pub folio_version: String,
    pub metadata_hash: String,
    pub docs: Vec<DocEntry>,
    pub n_passages: usize,
    pub languages: Vec<String>,
    /// Topic id → (label, passages tagged).
    pub topics: Vec<(String, String, usize)>,
    pub warnings: Vec<Warning>,
    /// The corpus's own taxonomy and thesaurus files, when it has them
    /// (searches use them without reading the corpus).
    pub taxonomy_source: Option<String>,
    pub thesaurus_source: Option<String>,
}

/// The result of a build, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub manifest: Manifest,
    pub rebuilt: bool,
}

/// Paths inside the index folder.
pub struct IndexDir {
    pub root: PathBuf,
}

impl IndexDir {
    pub fn new(root: impl Into<PathBuf>) -> IndexDir {
        IndexDir { root: root.into() }
    }

    /// The live generation folder, if there is one.
    pub fn live(&self) -> Option<PathBuf> {
        let name = fs::read_to_string(self.root.join(CURRENT)).ok()?;
        let name = name.trim();
        (!name.is_empty() && !name.contains(['/', '\\'])).then(|| self.root.join(name)).filter(|p| p.is_dir())
    }

    pub fn manifest(&self) -> Result<Option<Manifest>> {
        let Some(live) = self.live() else { return Ok(None) };
        let path = live.join(MANIFEST);
        let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::IndexCorrupt { path: path.clone(), message: e.to_string() })?;
        let found = value.get("schema_version").and_then(|v| v.as_u64()).unwrap_or(0);
        if found != u64::from(SCHEMA_VERSION) {
            return Err(Error::SchemaMismatch { path: self.root.clone(), found: found.to_string(), expected: SCHEMA_VERSION.to_string() });
        }
        serde_json::from_value(value).map(Some).map_err(|e| Error::IndexCorrupt { path, message: e.to_string() })
    }
}

/// Whether the index matches the corpus, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Freshness {
    Missing,
    Fresh,
    Stale(Vec<String>),
}

/// Compares the live index with the corpus folder. Reads only file metadata,
/// except for files whose size or modification time changed, which it hashes.
pub fn freshness(index_dir: &IndexDir, corpus_root: &Path) -> Result<Freshness> {
    let Some(manifest) = index_dir.manifest()? else { return Ok(Freshness::Missing) };
    let mut reasons = vec![];
    if manifest.analyzer_version != analyze::ANALYZER_VERSION || manifest.folio_version != env!("CARGO_PKG_VERSION") {
        reasons.push("built by another folio version".to_string());
    }
    let mut warnings = vec![];
    let files = corpus::find_files(corpus_root, &mut warnings)?;
    let indexed: BTreeMap<&str, &DocEntry> = manifest.docs.iter().map(|d| (d.path.as_str(), d)).collect();
    for f in &files {
        match indexed.get(f.rel_path.as_str()) {
            None => reasons.push(format!("new file {}", f.rel_path)),
            Some(d) if d.size != f.size || d.mtime_ns != f.mtime_ns => {
                let same = fs::read(&f.path).map(|b| corpus::sha256_hex(&b) == d.content_hash).unwrap_or(false);
                if !same {
                    reasons.push(format!("changed file {}", f.rel_path));
                }
            }
            Some(_) => {}
        }
    }
    let present: std::collections::HashSet<&str> = files.iter().map(|f| f.rel_path.as_str()).collect();
    for d in &manifest.docs {
        if !present.contains(d.path.as_str()) {
            reasons.push(format!("removed file {}", d.path));
        }
    }
    if corpus::metadata_hash(corpus_root) != manifest.metadata_hash {
        reasons.push(format!("{}, {} or {} changed", corpus::BIB_FILE, corpus::TAXONOMY_FILE, corpus::THESAURUS_FILE));
    }
    Ok(if reasons.is_empty() { Freshness::Fresh } else { Freshness::Stale(reasons) })
}

/// Holds `.lock` for the life of a build.
struct BuildLock {
    _file: fs::File,
}

fn lock(root: &Path) -> Result<BuildLock> {
    let path = root.join(LOCK);
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(BuildLock { _file: file }),
        Err(fs::TryLockError::WouldBlock) => Err(Error::Locked { path: root.to_path_buf() }),
        Err(fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

/// The taxonomy a corpus uses: its own file, else the built-in one.
pub fn taxonomy_for(corpus: &Corpus) -> Result<Taxonomy> {
    match &corpus.taxonomy {
        Some((path, text)) => Taxonomy::parse(text, path),
        None => Ok(Taxonomy::builtin()),
    }
}

/// The thesaurus a corpus uses: its own file, else the built-in one.
pub fn thesaurus_for(corpus: &Corpus) -> Result<Thesaurus> {
    match &corpus.thesaurus {
        Some((path, text)) => Thesaurus::parse(text, path),
        None => Ok(Thesaurus::builtin()),
    }
}

/// Progress callback: (documents done, documents in all, current path).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize, &str);

/// Builds the index for `corpus` into a new generation and makes it live.
pub fn build(index_dir: &IndexDir, corpus: &Corpus, progress: Progress) -> Result<BuildReport> {
    fs::create_dir_all(&index_dir.root).map_err(|e| Error::io(&index_dir.root, e))?;
    let _lock = lock(&index_dir.root)?;
    clean_leftovers(&index_dir.root);
    let taxonomy = taxonomy_for(corpus)?;
    // Parsed now so that a malformed thesaurus stops the build with its line and column.
    thesaurus_for(corpus)?;
    let tagger = Tagger::new(taxonomy.clone());
    let style = crate::cite::CitationStyle::named(crate::cite::DEFAULT_STYLE)?;

    let build_dir = index_dir.root.join(format!(".build-{}", std::process::id()));
    let _ = fs::remove_dir_all(&build_dir);
    fs::create_dir_all(&build_dir).map_err(|e| Error::io(&build_dir, e))?;
    let (schema, fields) = schema();
    let index = Index::create_in_dir(&build_dir, schema)?;
    analyze::register(&index);
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 256 << 20)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));

    let mut docs = vec![];
    let mut n_passages = 0;
    let mut languages = std::collections::BTreeSet::new();
    let mut topic_counts: BTreeMap<String, usize> = BTreeMap::new();
    let n_docs = corpus.docs.len();
    for (doc_ord, source) in corpus.docs.iter().enumerate() {
        progress(doc_ord, n_docs, &source.rel_path);
        let built = passages::build(source, &tagger, &style);
        for p in &built.passages {
            writer.add_document(to_document(&fields, p, doc_ord)?)?;
            languages.insert(p.language.clone());
            for t in &p.topics {
                *topic_counts.entry(t.clone()).or_default() += 1;
            }
        }
        n_passages += built.passages.len();
        let (size, mtime_ns) = fs::metadata(corpus.root.join(&source.rel_path))
            .map(|m| (m.len(), m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as i128)))
            .unwrap_or((0, 0));
        docs.push(DocEntry {
            key: source.key.clone(),
            path: source.rel_path.clone(),
            content_hash: source.content_hash.clone(),
            size,
            mtime_ns,
            title: built.meta.title.clone().unwrap_or_else(|| source.rel_path.clone()),
            language: built.language.clone(),
            n_passages: built.passages.len(),
            n_dropped: built.dropped.len(),
            meta: built.meta.clone(),
        });
    }
    progress(n_docs, n_docs, "");
    writer.commit()?;
    writer.wait_merging_threads()?;

    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        analyzer_version: analyze::ANALYZER_VERSION,
        folio_version: env!("CARGO_PKG_VERSION").to_string(),
        metadata_hash: corpus.metadata_hash.clone(),
        docs,
        n_passages,
        languages: languages.into_iter().collect(),
        topics: taxonomy.topics.iter().map(|t| (t.id.clone(), t.label.clone(), topic_counts.get(&t.id).copied().unwrap_or(0))).collect(),
        warnings: corpus.warnings.clone(),
        taxonomy_source: corpus.taxonomy.as_ref().map(|t| t.1.clone()),
        thesaurus_source: corpus.thesaurus.as_ref().map(|t| t.1.clone()),
    };
    let manifest_path = build_dir.join(MANIFEST);
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| Error::IndexCorrupt { path: manifest_path.clone(), message: e.to_string() })?;
    write_synced(&manifest_path, json.as_bytes())?;

    // Make it live: rename the build folder to its generation name, then swap CURRENT.
    let generation = format!("gen-{}-{}", std::process::id(), now_nanos());
    let live_dir = index_dir.root.join(&generation);
    fs::rename(&build_dir, &live_dir).map_err(|e| Error::io(&live_dir, e))?;
    let previous = index_dir.live();
    let tmp = index_dir.root.join(format!("{CURRENT}.tmp"));
    write_synced(&tmp, generation.as_bytes())?;
    fs::rename(&tmp, index_dir.root.join(CURRENT)).map_err(|e| Error::io(index_dir.root.join(CURRENT), e))?;
    if let Some(prev) = previous {
        // Readers that opened the old generation keep their open files.
        let _ = fs::remove_dir_all(prev);
    }
    Ok(BuildReport { manifest, rebuilt: true })
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = fs::File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| Error::io(path, e))
}

/// Removes what killed builds left: `.build-*` folders and generations that
/// `CURRENT` does not name. Called with the lock held.
fn clean_leftovers(root: &Path) {
    let live = fs::read_to_string(root.join(CURRENT)).unwrap_or_default();
    let live = live.trim();
    if let Ok(entries) = fs::read_dir(root) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with(".build-") || (name.starts_with("gen-") && name != live) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

fn to_document(f: &Fields, p: &Passage, doc_ord: usize) -> Result<TantivyDocument> {
    let mut d = TantivyDocument::new();
    d.add_text(f.id, &p.id);
    d.add_text(f.doc, &p.doc);
    d.add_text(f.kind, p.kind.as_str());
    d.add_text(f.language, &p.language);
    d.add_u64(f.ord, ((doc_ord as u64) << 32) | u64::from(p.paragraph));
    d.add_facet(f.facets, Facet::from_path(["doc", p.doc.as_str()]));
    d.add_facet(f.facets, Facet::from_path(["lang", p.language.as_str()]));
    d.add_facet(f.facets, Facet::from_path(["kind", p.kind.as_str()]));
    for t in &p.topics {
        d.add_text(f.topic, t);
        d.add_facet(f.facets, Facet::from_path(["topic", t.as_str()]));
    }
    for a in &p.authors {
        d.add_text(f.author, a.to_lowercase());
        d.add_facet(f.facets, Facet::from_path(["author", a.as_str()]));
    }
    if let Some(y) = p.year {
        d.add_i64(f.year, i64::from(y));
        d.add_facet(f.facets, Facet::from_path(["year", y.to_string().as_str()]));
    }
    d.add_text(f.exact, &p.text);
    let context = format!("{} {}", p.title, p.section_path.iter().map(|h| h.text.as_str()).collect::<Vec<_>>().join(" "));
    d.add_text(f.context, context);
    let lang = if p.language == "no" { "nb" } else { p.language.as_str() };
    if let Some(field) = f.stemmed.get(lang) {
        d.add_text(*field, &p.text);
    }
    let json = serde_json::to_string(p).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    d.add_text(f.json, json);
    Ok(d)
}

/// An open index, ready to search.
pub struct OpenIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub manifest: Manifest,
    pub path: PathBuf,
    pub taxonomy: Taxonomy,
    pub thesaurus: Thesaurus,
}

/// Opens the live index.
pub fn open(index_dir: &IndexDir) -> Result<OpenIndex> {
    let manifest = index_dir.manifest()?.ok_or_else(|| Error::IndexMissing { path: index_dir.root.clone() })?;
    let live = index_dir.live().ok_or_else(|| Error::IndexMissing { path: index_dir.root.clone() })?;
    let index = Index::open_in_dir(&live).map_err(|e| Error::IndexCorrupt { path: live.clone(), message: format!("{e}; run `folio index --rebuild`") })?;
    analyze::register(&index);
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let (_, fields) = schema();
    let taxonomy = match &manifest.taxonomy_source {
        Some(src) => Taxonomy::parse(src, corpus::TAXONOMY_FILE)?,
        None => Taxonomy::builtin(),
    };
    let thesaurus = match &manifest.thesaurus_source {
        Some(src) => Thesaurus::parse(src, corpus::THESAURUS_FILE)?,
        None => Thesaurus::builtin(),
    };
    Ok(OpenIndex { index, reader, fields, manifest, path: live, taxonomy, thesaurus })
}

impl OpenIndex {
    /// The passage stored for a tantivy document.
    pub fn passage(&self, searcher: &tantivy::Searcher, addr: tantivy::DocAddress) -> Result<Passage> {
        use tantivy::schema::Value;
        let doc: TantivyDocument = searcher.doc(addr)?;
        let json = doc.get_first(self.fields.json).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        serde_json::from_str(&json).map_err(|e| Error::IndexCorrupt { path: self.path.clone(), message: format!("stored passage unreadable: {e}; run `folio index --rebuild`") })
    }

    /// Every passage in corpus order.
    pub fn all_passages(&self) -> Result<Vec<Passage>> {
        let searcher = self.reader.searcher();
        let mut addrs = vec![];
        for (seg_ord, reader) in searcher.segment_readers().iter().enumerate() {
            let ords = reader.fast_fields().u64("ord")?;
            for doc in reader.doc_ids_alive() {
                let ord = ords.first(doc).unwrap_or(0);
                addrs.push((ord, tantivy::DocAddress::new(seg_ord as u32, doc)));
            }
        }
        addrs.sort();
        addrs.into_iter().map(|(_, a)| self.passage(&searcher, a)).collect()
    }

    /// One passage by id.
    pub fn get(&self, id: &str) -> Result<Option<Passage>> {
        let searcher = self.reader.searcher();
        let q = tantivy::query::TermQuery::new(tantivy::Term::from_field_text(self.fields.id, id), IndexRecordOption::Basic);
        let hits = searcher.search(&q, &tantivy::collector::TopDocs::with_limit(1).order_by_score())?;
        match hits.first() {
            Some((_, addr)) => self.passage(&searcher, *addr).map(Some),
            None => Ok(None),
        }
    }
}
