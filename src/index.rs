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
use tantivy::{Index, IndexReader, IndexSettings, IndexSortByField, ReloadPolicy, TantivyDocument};

use crate::analyze::{self, STEMMED_LANGUAGES};
use crate::corpus::{self, Scan};
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
const THESAURUS_CACHE: &str = "thesaurus.json";

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
    /// Hash of the document's BibTeX entry: editing it re-indexes the document.
    pub entry_hash: String,
    pub title: String,
    pub language: String,
    pub n_passages: usize,
    pub n_dropped: usize,
    /// Languages of its passages, and passages per topic.
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub topic_counts: BTreeMap<String, usize>,
    /// Problems found reading it (binary, invalid UTF-8, empty, unreadable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// Bibliographic metadata (from BibTeX, or guessed), for citations.
    pub meta: crate::model::DocMeta,
}

/// `folio.json`: what the index holds and what it was built from. It holds
/// nothing that varies between machines (no times, no absolute paths), so the
/// same corpus gives the same bytes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub schema_version: u32,
    pub analyzer_version: u32,
    pub folio_version: String,
    pub taxonomy_hash: String,
    pub metadata_hash: String,
    pub docs: Vec<DocEntry>,
    pub n_passages: usize,
    pub languages: Vec<String>,
    /// Topic id, label, passages tagged.
    pub topics: Vec<(String, String, usize)>,
    pub warnings: Vec<Warning>,
    /// The corpus's own taxonomy and thesaurus files, when it has them
    /// (searches use them without reading the corpus).
    pub taxonomy_source: Option<String>,
    pub thesaurus_source: Option<String>,
    /// Field name → sum of the live documents' field norms, for BM25 (see
    /// `search::ExactStatistics`); computed once per build instead of per search.
    #[serde(default)]
    pub field_tokens: BTreeMap<String, u64>,
}

/// The result of a build, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub manifest: Manifest,
    /// True for a build from scratch, false for an update.
    pub full: bool,
    pub n_reindexed: usize,
    pub n_unchanged: usize,
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
        match self.live() {
            Some(live) => read_manifest(&live, &self.root).map(Some),
            None => Ok(None),
        }
    }
}

/// Reads a generation's manifest; one of another schema is refused.
fn read_manifest(generation: &Path, root: &Path) -> Result<Manifest> {
    #[derive(Deserialize)]
    struct Version {
        schema_version: Option<u64>,
    }
    let path = generation.join(MANIFEST);
    let text = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let found = serde_json::from_str::<Version>(&text).ok().and_then(|v| v.schema_version).unwrap_or(0);
    if found != u64::from(SCHEMA_VERSION) {
        return Err(Error::SchemaMismatch { path: root.to_path_buf(), found: found.to_string(), expected: SCHEMA_VERSION.to_string() });
    }
    serde_json::from_str(&text).map_err(|e| Error::IndexCorrupt { path, message: format!("{e}; run `folio index --rebuild`") })
}

/// Whether the index matches the corpus, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Freshness {
    Missing,
    Fresh,
    Stale(Vec<String>),
}

/// Size and modification time of each indexed file with its content hash,
/// kept beside the generations (`stat-cache.json`) so that freshness checks
/// read file metadata only. A cache: losing it costs one hashing pass.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct StatCache {
    files: BTreeMap<String, (u64, i128, String)>,
}

const STAT_CACHE: &str = "stat-cache.json";

fn read_stat_cache(root: &Path) -> StatCache {
    fs::read_to_string(root.join(STAT_CACHE)).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

/// The content hash of a file, from the stat cache when size and time agree.
fn content_hash(cache: &StatCache, f: &corpus::FoundFile) -> Option<String> {
    if let Some((size, mtime, hash)) = cache.files.get(&f.rel_path)
        && *size == f.size && *mtime == f.mtime_ns {
            return Some(hash.clone());
        }
    Some(fs::read(&f.path).map(|b| corpus::sha256_hex(&b)).unwrap_or_default())
}

/// Hash identifying the taxonomy in use (the built-in one included).
fn taxonomy_hash(scan: &Scan) -> String {
    corpus::sha256_hex(scan.taxonomy.as_ref().map_or(crate::taxonomy::DEFAULT_TAXONOMY, |t| t.1.as_str()).as_bytes())
}

/// Why the index cannot simply be updated: another folio built it, or the taxonomy changed.
fn needs_full_rebuild(manifest: &Manifest, scan: &Scan) -> Option<String> {
    if manifest.analyzer_version != analyze::ANALYZER_VERSION || manifest.folio_version != env!("CARGO_PKG_VERSION") {
        Some("built by another folio version".into())
    } else if manifest.taxonomy_hash != taxonomy_hash(scan) {
        Some(format!("{} changed", corpus::TAXONOMY_FILE))
    } else {
        None
    }
}

/// What an update has to do, document by document.
#[derive(Debug, Default)]
struct Plan {
    /// Indexes into `scan.docs` of documents to (re)index.
    changed: Vec<usize>,
    /// Keys whose passages leave the index (changed or removed documents).
    delete_keys: Vec<String>,
    unchanged: usize,
    reasons: Vec<String>,
}

fn plan(manifest: &Manifest, scan: &Scan, cache: &StatCache) -> Plan {
    let mut plan = Plan::default();
    let previous: BTreeMap<&str, &DocEntry> = manifest.docs.iter().map(|d| (d.path.as_str(), d)).collect();
    for (i, planned) in scan.docs.iter().enumerate() {
        match previous.get(planned.file.rel_path.as_str()) {
            None => {
                plan.reasons.push(format!("new file {}", planned.file.rel_path));
                plan.changed.push(i);
            }
            Some(prev) if prev.key != planned.key || prev.entry_hash != planned.entry_hash => {
                plan.reasons.push(format!("metadata of {} changed", planned.file.rel_path));
                plan.delete_keys.push(prev.key.clone());
                plan.changed.push(i);
            }
            Some(prev) => {
                if content_hash(cache, &planned.file).as_deref() == Some(prev.content_hash.as_str()) {
                    plan.unchanged += 1;
                } else {
                    plan.reasons.push(format!("changed file {}", planned.file.rel_path));
                    plan.delete_keys.push(prev.key.clone());
                    plan.changed.push(i);
                }
            }
        }
    }
    let present: std::collections::HashSet<&str> = scan.docs.iter().map(|p| p.file.rel_path.as_str()).collect();
    for d in &manifest.docs {
        if !present.contains(d.path.as_str()) {
            plan.reasons.push(format!("removed file {}", d.path));
            plan.delete_keys.push(d.key.clone());
        }
    }
    if manifest.metadata_hash != scan.metadata_hash && plan.reasons.is_empty() {
        // Only the thesaurus (or bib comments) changed: a new manifest, no re-indexing.
        plan.reasons.push(format!("{} changed", corpus::THESAURUS_FILE));
    }
    plan
}

/// Compares the live index with the corpus folder. Reads only file metadata,
/// except for files whose size or modification time changed, which it hashes.
pub fn freshness(index_dir: &IndexDir, corpus_root: &Path) -> Result<Freshness> {
    match index_dir.manifest()? {
        Some(manifest) => freshness_of(&manifest, index_dir, corpus_root),
        None => Ok(Freshness::Missing),
    }
}

/// Freshness of the index whose manifest is `manifest`.
pub fn freshness_of(manifest: &Manifest, index_dir: &IndexDir, corpus_root: &Path) -> Result<Freshness> {
    let scan = corpus::scan(corpus_root)?;
    if let Some(reason) = needs_full_rebuild(manifest, &scan) {
        return Ok(Freshness::Stale(vec![reason]));
    }
    let plan = plan(manifest, &scan, &read_stat_cache(&index_dir.root));
    Ok(if plan.reasons.is_empty() { Freshness::Fresh } else { Freshness::Stale(plan.reasons) })
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
pub fn taxonomy_of(scan: &Scan) -> Result<Taxonomy> {
    match &scan.taxonomy {
        Some((path, text)) => Taxonomy::parse(text, path),
        None => Ok(Taxonomy::builtin()),
    }
}

/// The thesaurus a corpus uses: its own file, else the built-in one.
pub fn thesaurus_of(scan: &Scan) -> Result<Thesaurus> {
    match &scan.thesaurus {
        Some((path, text)) => Thesaurus::parse(text, path),
        None => Ok(Thesaurus::builtin()),
    }
}

/// Progress callback: (documents done, documents to do, current path).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize, &str);

/// How to build.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Rebuild everything even when an update would do.
    pub rebuild: bool,
    /// Treat warnings as errors: nothing is written when the corpus has any.
    pub strict: bool,
}

fn index_settings() -> IndexSettings {
    IndexSettings {
        sort_by_field: Some(IndexSortByField { field: "ord".into(), order: tantivy::Order::Asc }),
        ..IndexSettings::default()
    }
}

/// The sort key of a passage: a hash of its document key, then its
/// paragraph. It orders documents inside the index the same way whatever the
/// history of updates, which is what makes index files reproducible.
fn ord_of(doc_key: &str, paragraph: u32) -> u64 {
    let digest = corpus::sha256_hex(doc_key.as_bytes());
    let high = u64::from_str_radix(&digest[..10], 16).unwrap_or(0);
    (high << 24) | u64::from(paragraph.min((1 << 24) - 1))
}

/// Builds or updates the index for the corpus and makes the result live.
/// Only documents whose content or metadata changed are processed again; a
/// changed taxonomy or another folio version rebuilds everything.
pub fn build(index_dir: &IndexDir, scan: &Scan, options: BuildOptions, progress: Progress) -> Result<BuildReport> {
    fs::create_dir_all(&index_dir.root).map_err(|e| Error::io(&index_dir.root, e))?;
    let _lock = lock(&index_dir.root)?;
    clean_leftovers(&index_dir.root);
    let taxonomy = taxonomy_of(scan)?;
    // Parsed now so that a malformed thesaurus stops the build with its line and column.
    thesaurus_of(scan)?;
    let tagger = Tagger::new(taxonomy.clone());
    let style = crate::cite::CitationStyle::named(crate::cite::DEFAULT_STYLE)?;
    let cache = read_stat_cache(&index_dir.root);

    let previous = match index_dir.manifest() {
        _ if options.rebuild => None,
        Ok(m) => m,
        // Another schema: refused unless the user asked for a rebuild.
        Err(e @ Error::SchemaMismatch { .. }) => return Err(e),
        Err(_) => None,
    };
    let previous = previous.filter(|m| needs_full_rebuild(m, scan).is_none());
    let live = index_dir.live();
    let plan = match &previous {
        Some(m) => plan(m, scan, &cache),
        None => Plan { changed: (0..scan.docs.len()).collect(), ..Plan::default() },
    };
    let full = previous.is_none();

    let build_dir = index_dir.root.join(format!(".build-{}", std::process::id()));
    let _ = fs::remove_dir_all(&build_dir);
    fs::create_dir_all(&build_dir).map_err(|e| Error::io(&build_dir, e))?;
    let index = match (&previous, &live) {
        (Some(_), Some(live)) => {
            // Segment files never change once written: the update starts from
            // hard links to the live generation's files.
            for e in fs::read_dir(live).map_err(|e| Error::io(live, e))?.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name == MANIFEST || name == THESAURUS_CACHE || name.starts_with(".tantivy-") {
                    continue;
                }
                let to = build_dir.join(&name);
                if fs::hard_link(e.path(), &to).is_err() {
                    fs::copy(e.path(), &to).map_err(|err| Error::io(&to, err))?;
                }
            }
            Index::open_in_dir(&build_dir)?
        }
        _ => {
            let (schema, _) = schema();
            Index::builder().schema(schema).settings(index_settings()).create_in_dir(&build_dir)?
        }
    };
    analyze::register(&index);
    let (_, fields) = schema();
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    for key in &plan.delete_keys {
        writer.delete_term(tantivy::Term::from_field_text(fields.doc, key));
    }

    let mut entries: BTreeMap<String, DocEntry> = previous.as_ref().map(|m| m.docs.iter().map(|d| (d.path.clone(), d.clone())).collect()).unwrap_or_default();
    let mut new_cache = StatCache::default();
    let n_todo = plan.changed.len();
    // Documents are cleaned, tagged and cited in parallel, and handed to the
    // index writer in corpus order.
    let mut add = |k: usize, read: corpus::ReadDoc, built: Option<passages::BuiltDoc>| -> Result<()> {
        let planned = &scan.docs[plan.changed[k]];
        progress(k, n_todo, &planned.file.rel_path);
        new_cache.files.insert(planned.file.rel_path.clone(), (planned.file.size, planned.file.mtime_ns, read.content_hash.clone()));
        // Unreadable or binary files are recorded too (no passages), so the
        // next check does not see them as new.
        let mut entry = DocEntry {
            key: planned.key.clone(),
            path: planned.file.rel_path.clone(),
            content_hash: read.content_hash,
            entry_hash: planned.entry_hash.clone(),
            title: planned.file.rel_path.clone(),
            language: crate::lang::UNKNOWN.into(),
            n_passages: 0,
            n_dropped: 0,
            languages: vec![],
            topic_counts: BTreeMap::new(),
            warnings: read.warnings,
            meta: planned.meta.clone(),
        };
        if let (Some(_), Some(built)) = (read.doc, built) {
            let mut languages = std::collections::BTreeSet::new();
            for p in &built.passages {
                writer.add_document(to_document(&fields, p)?)?;
                languages.insert(p.language.clone());
                for t in &p.topics {
                    *entry.topic_counts.entry(t.clone()).or_default() += 1;
                }
            }
            entry.title = built.meta.title.clone().unwrap_or_else(|| planned.file.rel_path.clone());
            entry.language = built.language;
            entry.n_passages = built.passages.len();
            entry.n_dropped = built.dropped.len();
            entry.languages = languages.into_iter().collect();
            entry.meta = built.meta;
        }
        entries.insert(planned.file.rel_path.clone(), entry);
        Ok(())
    };
    parallel_in_order(
        n_todo,
        |k| {
            let mut read = corpus::read(&scan.docs[plan.changed[k]]);
            // A bug must cost one document, not the run: the document is
            // reported and skipped.
            let built = read.doc.as_ref().and_then(|d| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| passages::build(d, &tagger, &style))).ok());
            if read.doc.is_some() && built.is_none() {
                read.warnings.push(Warning { path: scan.docs[plan.changed[k]].file.rel_path.clone(), message: "internal error while processing this file: skipped (please report it with the file)".into() });
            }
            (read, built)
        },
        |k, (read, built)| add(k, read, built),
    )?;
    progress(n_todo, n_todo, "");
    let mut warnings = scan.warnings.clone();
    for p in &scan.docs {
        if let Some(e) = entries.get(&p.file.rel_path) {
            warnings.extend(e.warnings.iter().cloned());
        }
    }
    if options.strict && !warnings.is_empty() {
        drop(writer);
        let _ = fs::remove_dir_all(&build_dir);
        return Err(Error::Strict { n: warnings.len(), first: warnings[0].to_string() });
    }
    writer.commit()?;
    // A build from scratch ends with one segment (canonical files). An update
    // adds a small segment, merged only when segments pile up: rewriting a
    // 100k-passage segment to change one document would dominate the update.
    // Deleted passages stay in their segment until a merge (searches count
    // live documents exactly meanwhile); a merge comes once a fifth of a
    // segment is deleted.
    let segments = index.searchable_segment_ids()?;
    let metas = index.searchable_segment_metas()?;
    let mostly_deleted = metas.iter().any(|m| m.num_deleted_docs() * 5 > m.max_doc());
    if (segments.len() > 1 || mostly_deleted) && (full || mostly_deleted || segments.len() > MAX_SEGMENTS_AFTER_UPDATE) {
        writer.merge(&segments).wait()?;
    }
    writer.garbage_collect_files().wait()?;
    writer.wait_merging_threads()?;

    // The manifest, in corpus order, for the documents still present.
    let present: std::collections::HashSet<&str> = scan.docs.iter().map(|p| p.file.rel_path.as_str()).collect();
    entries.retain(|path, _| present.contains(path.as_str()));
    let docs: Vec<DocEntry> = scan.docs.iter().filter_map(|p| entries.get(&p.file.rel_path).cloned()).collect();
    for d in &docs {
        if !new_cache.files.contains_key(&d.path)
            && let Some(p) = scan.docs.iter().find(|p| p.file.rel_path == d.path) {
                new_cache.files.insert(d.path.clone(), (p.file.size, p.file.mtime_ns, d.content_hash.clone()));
            }
    }
    let mut topic_counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut languages = std::collections::BTreeSet::new();
    for d in &docs {
        for (t, n) in &d.topic_counts {
            *topic_counts.entry(t.as_str()).or_default() += n;
        }
        languages.extend(d.languages.iter().cloned());
    }
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        analyzer_version: analyze::ANALYZER_VERSION,
        folio_version: env!("CARGO_PKG_VERSION").to_string(),
        taxonomy_hash: taxonomy_hash(scan),
        metadata_hash: scan.metadata_hash.clone(),
        n_passages: docs.iter().map(|d| d.n_passages).sum(),
        languages: languages.into_iter().collect(),
        topics: taxonomy.topics.iter().map(|t| (t.id.clone(), t.label.clone(), topic_counts.get(t.id.as_str()).copied().unwrap_or(0))).collect(),
        warnings,
        taxonomy_source: scan.taxonomy.as_ref().map(|t| t.1.clone()),
        thesaurus_source: scan.thesaurus.as_ref().map(|t| t.1.clone()),
        field_tokens: field_tokens(&index)?,
        docs,
    };
    canonicalize(&build_dir, &manifest)?;
    // The compiled thesaurus, so that searches do not stem every term again.
    let thesaurus = serde_json::to_string(&thesaurus_of(scan)?).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    write_synced(&build_dir.join(THESAURUS_CACHE), thesaurus.as_bytes())?;
    let manifest_path = build_dir.join(MANIFEST);
    let json = serde_json::to_string(&manifest).map_err(|e| Error::IndexCorrupt { path: manifest_path.clone(), message: e.to_string() })?;
    write_synced(&manifest_path, json.as_bytes())?;
    sync_dir(&build_dir);

    // Make it live: rename the build folder to its generation name, then swap CURRENT.
    let generation = format!("gen-{}-{}", now_nanos(), std::process::id());
    let live_dir = index_dir.root.join(&generation);
    fs::rename(&build_dir, &live_dir).map_err(|e| Error::io(&live_dir, e))?;
    let tmp = index_dir.root.join(format!("{CURRENT}.tmp"));
    write_synced(&tmp, generation.as_bytes())?;
    fs::rename(&tmp, index_dir.root.join(CURRENT)).map_err(|e| Error::io(index_dir.root.join(CURRENT), e))?;
    sync_dir(&index_dir.root);
    if let Some(prev) = live {
        // Readers that opened the old generation keep their open files.
        let _ = fs::remove_dir_all(prev);
    }
    if let Ok(json) = serde_json::to_string(&new_cache) {
        // Written beside and renamed: a concurrent check reads the old or the new cache.
        let tmp = index_dir.root.join(format!("{STAT_CACHE}.tmp"));
        if write_synced(&tmp, json.as_bytes()).is_ok() {
            let _ = fs::rename(&tmp, index_dir.root.join(STAT_CACHE));
        }
    }
    Ok(BuildReport { manifest, full, n_reindexed: plan.changed.len(), n_unchanged: plan.unchanged })
}

const WRITER_MEMORY: usize = 256 << 20;
/// Segments an index may have after updates before they are merged into one.
const MAX_SEGMENTS_AFTER_UPDATE: usize = 8;

/// How far workers may run ahead of the document being handed on, so that a
/// slow document does not make the others pile up in memory.
const MAX_AHEAD: usize = 32;

/// Runs `work` on 0..n in worker threads (one per core) and gives each result
/// to `consume` in order 0, 1, 2, …; stops at the first error of `consume`.
fn parallel_in_order<T: Send>(
    n: usize,
    work: impl Fn(usize) -> T + Sync,
    mut consume: impl FnMut(usize, T) -> Result<()>,
) -> Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{mpsc, Condvar, Mutex};
    let n_workers = std::thread::available_parallelism().map_or(1, |c| c.get()).min(n.max(1));
    let next = AtomicUsize::new(0);
    let consumed = (Mutex::new(0usize), Condvar::new());
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<(usize, T)>(MAX_AHEAD);
        for _ in 0..n_workers {
            let tx = tx.clone();
            let (next, consumed, stop, work) = (&next, &consumed, &stop, &work);
            scope.spawn(move || loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= n || stop.load(Ordering::SeqCst) {
                    break;
                }
                {
                    let mut done = consumed.0.lock().unwrap_or_else(|e| e.into_inner());
                    while k >= *done + MAX_AHEAD && !stop.load(Ordering::SeqCst) {
                        done = consumed.1.wait(done).unwrap_or_else(|e| e.into_inner());
                    }
                }
                if tx.send((k, work(k))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending: BTreeMap<usize, T> = BTreeMap::new();
        let mut want = 0;
        let mut result = Ok(());
        for (k, item) in rx {
            pending.insert(k, item);
            while let Some(item) = pending.remove(&want) {
                if let Err(e) = consume(want, item) {
                    result = Err(e);
                    break;
                }
                want += 1;
                *consumed.0.lock().unwrap_or_else(|e| e.into_inner()) = want;
                consumed.1.notify_all();
            }
            if result.is_err() {
                break;
            }
        }
        stop.store(true, Ordering::SeqCst);
        consumed.1.notify_all();
        result
    })
}

fn sync_dir(path: &Path) {
    if let Ok(dir) = fs::File::open(path) {
        let _ = dir.sync_all();
    }
}

/// Sum of the field norms of the live documents for one field: BM25's
/// "total tokens", exact even where tantivy's own total counts deleted documents.
pub fn live_field_tokens(searcher: &tantivy::Searcher, field: Field) -> Result<u64> {
    let mut total = 0u64;
    for segment in searcher.segment_readers() {
        let norms = segment.get_fieldnorms_reader(field)?;
        for doc in segment.doc_ids_alive() {
            total += u64::from(norms.fieldnorm(doc));
        }
    }
    Ok(total)
}

/// Sum of the field norms of live documents, per tokenized text field.
fn field_tokens(index: &Index) -> Result<BTreeMap<String, u64>> {
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let searcher = reader.searcher();
    let schema = index.schema();
    let mut out = BTreeMap::new();
    for (field, entry) in schema.fields() {
        if !matches!(entry.field_type(), tantivy::schema::FieldType::Str(o) if o.get_indexing_options().is_some_and(|i| i.tokenizer() != "raw")) {
            continue;
        }
        let total = live_field_tokens(&searcher, field)?;
        if total > 0 {
            out.insert(entry.name().to_string(), total);
        }
    }
    Ok(out)
}

/// Gives tantivy's files names and contents that depend only on what is
/// indexed: the segment is renamed after a hash of the manifest, and
/// `meta.json` and `.managed.json` are rewritten in a stable form.
fn canonicalize(dir: &Path, manifest: &Manifest) -> Result<()> {
    let meta_path = dir.join("meta.json");
    let text = fs::read_to_string(&meta_path).map_err(|e| Error::io(&meta_path, e))?;
    let mut meta: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::IndexCorrupt { path: meta_path.clone(), message: e.to_string() })?;
    let identity = serde_json::to_string(manifest).unwrap_or_default();
    let digest = corpus::sha256_hex(identity.as_bytes());
    let new_id = &digest[..32];
    let hyphenated = format!("{}-{}-{}-{}-{}", &new_id[..8], &new_id[8..12], &new_id[12..16], &new_id[16..20], &new_id[20..32]);
    let mut n_docs = 0u64;
    let mut managed: Vec<String> = vec!["meta.json".into()];
    if let Some(segments) = meta.get_mut("segments").and_then(|s| s.as_array_mut()) {
        if segments.len() == 1 {
            let seg = &mut segments[0];
            let old = seg["segment_id"].as_str().unwrap_or_default().replace('-', "");
            n_docs = seg["max_doc"].as_u64().unwrap_or(0);
            for e in fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if let Some(ext) = name.strip_prefix(&old).and_then(|r| r.strip_prefix('.')) {
                    let new_name = format!("{new_id}.{ext}");
                    fs::rename(e.path(), dir.join(&new_name)).map_err(|err| Error::io(e.path(), err))?;
                    managed.push(new_name);
                }
            }
            seg["segment_id"] = hyphenated.clone().into();
        } else {
            for seg in segments.iter() {
                let old = seg["segment_id"].as_str().unwrap_or_default().replace('-', "");
                for e in fs::read_dir(dir).map_err(|e| Error::io(dir, e))?.flatten() {
                    let name = e.file_name().to_string_lossy().to_string();
                    if name.starts_with(&old) {
                        managed.push(name);
                    }
                }
            }
        }
    }
    meta["opstamp"] = n_docs.into();
    meta["payload"] = serde_json::json!({"folio": env!("CARGO_PKG_VERSION"), "schema": SCHEMA_VERSION, "analyzer": analyze::ANALYZER_VERSION, "taxonomy": manifest.taxonomy_hash}).to_string().into();
    let pretty = serde_json::to_string_pretty(&meta).map_err(|e| Error::IndexCorrupt { path: meta_path.clone(), message: e.to_string() })?;
    write_synced(&meta_path, format!("{pretty}\n").as_bytes())?;
    managed.sort();
    write_synced(&dir.join(".managed.json"), serde_json::to_string(&managed).unwrap_or_default().as_bytes())?;
    Ok(())
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
            if name.starts_with(".build-") || (name.starts_with("gen-") && name != live) || name.ends_with(".tmp") {
                let _ = fs::remove_dir_all(e.path());
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

fn to_document(f: &Fields, p: &Passage) -> Result<TantivyDocument> {
    let mut d = TantivyDocument::new();
    d.add_text(f.id, &p.id);
    d.add_text(f.doc, &p.doc);
    d.add_text(f.kind, p.kind.as_str());
    d.add_text(f.language, &p.language);
    d.add_u64(f.ord, ord_of(&p.doc, p.paragraph));
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
    // A build may swap CURRENT and delete the old generation between our
    // reading CURRENT and opening its files: then the new one is opened.
    let mut attempts = 0;
    loop {
        let live = index_dir.live();
        match open_generation(index_dir) {
            Err(_) if attempts < 3 && index_dir.live() != live => attempts += 1,
            other => return other,
        }
    }
}

fn open_generation(index_dir: &IndexDir) -> Result<OpenIndex> {
    // CURRENT is read once: the manifest and the segments come from the same generation.
    let live = index_dir.live().ok_or_else(|| Error::IndexMissing { path: index_dir.root.clone() })?;
    let manifest = read_manifest(&live, &index_dir.root)?;
    let index = Index::open_in_dir(&live).map_err(|e| Error::IndexCorrupt { path: live.clone(), message: format!("{e}; run `folio index --rebuild`") })?;
    analyze::register(&index);
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let (_, fields) = schema();
    let taxonomy = match &manifest.taxonomy_source {
        Some(src) => Taxonomy::parse(src, corpus::TAXONOMY_FILE)?,
        None => Taxonomy::builtin(),
    };
    let cached = fs::read_to_string(live.join(THESAURUS_CACHE)).ok().and_then(|t| serde_json::from_str::<Thesaurus>(&t).ok());
    let thesaurus = match (cached, &manifest.thesaurus_source) {
        (Some(t), _) => t,
        (None, Some(src)) => Thesaurus::parse(src, corpus::THESAURUS_FILE)?,
        (None, None) => Thesaurus::builtin(),
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

    /// Every passage in corpus order (documents by path, then paragraphs).
    pub fn all_passages(&self) -> Result<Vec<Passage>> {
        let searcher = self.reader.searcher();
        let order: BTreeMap<&str, usize> = self.manifest.docs.iter().enumerate().map(|(i, d)| (d.key.as_str(), i)).collect();
        let mut passages = vec![];
        for (seg_ord, reader) in searcher.segment_readers().iter().enumerate() {
            for doc in reader.doc_ids_alive() {
                passages.push(self.passage(&searcher, tantivy::DocAddress::new(seg_ord as u32, doc))?);
            }
        }
        passages.sort_by_key(|p| (order.get(p.doc.as_str()).copied().unwrap_or(usize::MAX), p.paragraph));
        Ok(passages)
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
