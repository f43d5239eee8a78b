//! The indexing pipeline's driver: plans a build or an update, reads and
//! processes the documents that changed in parallel (source → doc), hands
//! their passages to the generation writer in corpus order, and publishes a
//! new generation with its manifest.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use super::pool::parallel_in_order;
use super::vectors::Encoding;
use crate::embed::Embedder;
use crate::store::vectors::Row;
use super::resolve::{taxonomy_of, thesaurus_of};
use crate::cite::{self, CitationStyle};
use crate::doc::passages::{self, BuiltDoc};
use crate::error::{Error, Result};
use crate::model::Warning;
use crate::source::{self, ReadDoc, Scan};
use crate::store::freshness::{self, needs_full_rebuild, taxonomy_hash, Plan};
use crate::store::generation::{self, IndexDir};
use crate::store::manifest::MAX_RETIRED;
use crate::store::{self, DocEntry, GenerationWriter, Manifest, ManifestHead, OpenIndex, StatCache, SCHEMA_VERSION};
use crate::vocab::tagger::Tagger;
use crate::vocab::taxonomy::Taxonomy;

/// Progress callback: (documents done, documents to do, current path).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize, &str);

/// How to build.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Rebuild everything even when an update would do.
    pub rebuild: bool,
    /// Treat warnings as errors: nothing is written when the corpus has any.
    pub strict: bool,
    /// Write no passage vectors (a lexical-only index; benches compare the cost).
    pub no_vectors: bool,
}

/// The result of a build, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub manifest: Manifest,
    /// True for a build from scratch, false for an update.
    pub full: bool,
    pub n_reindexed: usize,
    pub n_unchanged: usize,
    /// Sentences for the user about the build (a model that could not be used).
    pub notes: Vec<String>,
}

/// Builds or updates the index for the corpus and makes the result live.
/// Only documents whose content or metadata changed are processed again; a
/// changed taxonomy or another folio version rebuilds everything.
pub fn build(index_dir: &IndexDir, scan: &Scan, options: BuildOptions, progress: Progress) -> Result<BuildReport> {
    let embedder = (!options.no_vectors).then(|| super::vectors::index_embedder());
    let note = embedder.as_ref().and_then(|e| e.1.clone());
    let mut report = build_with(index_dir, scan, options, embedder.map(|e| e.0), progress)?;
    report.notes.extend(note);
    Ok(report)
}

/// `build` with the embedder given (None: no vectors).
pub fn build_with(index_dir: &IndexDir, scan: &Scan, options: BuildOptions, embedder: Option<Arc<dyn Embedder>>, progress: Progress) -> Result<BuildReport> {
    index_dir.create()?;
    let _lock = generation::lock(&index_dir.root)?;
    generation::clean_leftovers(&index_dir.root);
    let taxonomy = taxonomy_of(scan)?;
    // Parsed now so that a malformed thesaurus stops the build with its line and column.
    let thesaurus = thesaurus_of(scan)?;
    let tagger = Arc::new(Tagger::new(taxonomy.clone()));
    let model = embedder.as_ref().map(|e| e.id().clone());
    let previous = previous_manifest(index_dir, scan, options)?.filter(|m| m.vectors.as_ref().map(|v| &v.model) == model.as_ref());
    let live = index_dir.live();
    let plan = match &previous {
        Some(m) => freshness::plan(m, scan, &StatCache::read(&index_dir.root)),
        None => Plan { changed: (0..scan.docs.len()).collect(), ..Plan::default() },
    };
    let full = previous.is_none();
    let mut writer = GenerationWriter::begin(index_dir, if full { None } else { live.as_deref() })?;
    for key in &plan.delete_keys {
        writer.delete_doc(key);
    }
    let mut entries: BTreeMap<String, DocEntry> = previous.iter().flat_map(|m| m.docs.iter().map(|d| (d.path.clone(), d.clone()))).collect();
    let mut cache = StatCache::default();
    // The live index, read for the ids of documents about to change.
    let old = if full { None } else { store::open(index_dir).ok() };
    let style = CitationStyle::named(cite::DEFAULT_STYLE)?;
    let encoding = embedder.as_deref().map(|e| Encoding::new(e, old.as_ref().and_then(|o| o.vectors.as_ref())));
    let mut ctx = WriteContext { scan, plan: &plan, tagger: &tagger, old: old.as_ref(), style: &style, encoding: encoding.as_ref() };
    let fresh = write_changed(&mut ctx, &mut writer, &mut entries, &mut cache, progress)?;
    let warnings = corpus_warnings(scan, &entries);
    if options.strict && !warnings.is_empty() {
        writer.abandon();
        return Err(Error::Strict { n: warnings.len(), first: warnings[0].to_string() });
    }
    let field_tokens = writer.commit(full)?;
    let vectors = match &embedder {
        Some(e) => Some(writer.write_vectors(e.id(), &super::vectors::assemble(&writer.live_ords()?, fresh, old.as_ref().and_then(|o| o.vectors.as_ref()))?)?),
        None => None,
    };
    let docs = docs_in_corpus_order(scan, entries, &mut cache);
    let mut manifest = assemble_manifest(scan, &taxonomy, docs, warnings, field_tokens);
    manifest.vectors = vectors;
    // The compiled thesaurus, so that searches do not stem every term again.
    let thesaurus_json = serde_json::to_string(&thesaurus).map_err(|e| Error::InvalidArgument(e.to_string()))?;
    writer.publish(index_dir, &manifest, &thesaurus_json, live)?;
    cache.write(&index_dir.root);
    store::stamp::remember(index_dir, scan);
    Ok(BuildReport { manifest, full, n_reindexed: plan.changed.len(), n_unchanged: plan.unchanged, notes: vec![] })
}

/// The live manifest an update starts from; `None` means a build from
/// scratch (asked for, no index, another folio version or taxonomy).
fn previous_manifest(index_dir: &IndexDir, scan: &Scan, options: BuildOptions) -> Result<Option<Manifest>> {
    let previous = match index_dir.manifest() {
        _ if options.rebuild => None,
        Ok(m) => m,
        // Another schema: refused unless the user asked for a rebuild.
        Err(e @ Error::SchemaMismatch { .. }) => return Err(e),
        Err(_) => None,
    };
    Ok(previous.filter(|m| needs_full_rebuild(m, scan).is_none()))
}

/// What writing the changed documents reads: the scan, the plan, the
/// tagger, and the live index of an update.
struct WriteContext<'a> {
    scan: &'a Scan,
    plan: &'a Plan,
    tagger: &'a Arc<Tagger>,
    old: Option<&'a OpenIndex>,
    /// The default citation style, for each document's reference.
    style: &'a CitationStyle,
    /// Embeds the passages (None: no vectors).
    encoding: Option<&'a Encoding<'a>>,
}

/// Reads and processes the planned documents in parallel and writes their
/// passages in corpus order, recording each document's entry. Workers embed
/// the passages too; returns their vector rows.
fn write_changed(ctx: &mut WriteContext, writer: &mut GenerationWriter, entries: &mut BTreeMap<String, DocEntry>, cache: &mut StatCache, progress: Progress) -> Result<Vec<Row>> {
    let WriteContext { scan, plan, tagger, old, style, encoding } = *ctx;
    let n_todo = plan.changed.len();
    let mut rows = vec![];
    parallel_in_order(
        n_todo,
        |k| {
            let (read, built) = process(scan, plan.changed[k], tagger);
            let vectors = match (encoding, &built) {
                (Some(e), Some(b)) => e.rows(b),
                _ => vec![],
            };
            (read, built, vectors)
        },
        |k, (read, built, vectors)| {
            rows.extend(vectors);
            let planned = &scan.docs[plan.changed[k]];
            progress(k, n_todo, &planned.file.rel_path);
            // An empty hash (unreadable, or past the time limit) is not cached: the next build tries again.
            if !read.content_hash.is_empty() {
                cache.files.insert(planned.file.rel_path.clone(), (planned.file.size, planned.file.mtime_ns, read.content_hash.clone()));
            }
            let mut entry = doc_entry(planned, read.content_hash, read.warnings);
            let previous = entries.get(&planned.file.rel_path);
            entry.retired = retired_ids(previous, old, built.as_ref())?;
            if let Some(built) = built {
                for p in &built.passages {
                    writer.add(p)?;
                }
                record_built(&mut entry, built, style);
            }
            entries.insert(planned.file.rel_path.clone(), entry);
            Ok(())
        },
    )?;
    progress(n_todo, n_todo, "");
    Ok(rows)
}

/// How long one document may take to be read and processed before it is
/// reported and skipped (`FOLIO_DOC_SECS`, default 120 s).
fn doc_time_limit() -> Duration {
    Duration::from_secs(std::env::var("FOLIO_DOC_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(120))
}

/// Reads one document and runs the pipeline on it, on a thread apart from
/// the pool's so that a pathological file costs at most the time limit: past
/// it the document is reported and skipped (its thread finishes on its own),
/// and the build goes on.
fn process(scan: &Scan, i: usize, tagger: &Arc<Tagger>) -> (ReadDoc, Option<BuiltDoc>) {
    let planned = scan.docs[i].clone();
    let limit = doc_time_limit();
    let message = match DocThread::run(&planned, tagger, limit) {
        Ok(done) => return done,
        Err(mpsc::RecvTimeoutError::Timeout) => format!(
            "took longer than {} s to read and process (a pathological file?): skipped, the rest of the corpus is indexed; FOLIO_DOC_SECS raises the limit",
            limit.as_secs()
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => "internal error while reading this file: skipped (please report it with the file)".into(),
    };
    // No content hash: the next build tries the document again.
    (ReadDoc { content_hash: String::new(), doc: None, warnings: vec![Warning { path: planned.file.rel_path.clone(), message }] }, None)
}

/// A pool worker's document thread, kept from one document to the next: its
/// per-thread caches (stems) and warm allocator outlive a document, which a
/// thread per document threw away. One document at a time; a thread that
/// overran the time limit is let go (it ends once its document is done and
/// it finds nobody listening) and the next document gets a new one.
struct DocThread {
    jobs: mpsc::Sender<(source::Planned, Arc<Tagger>)>,
    done: mpsc::Receiver<(ReadDoc, Option<BuiltDoc>)>,
}

thread_local! {
    /// The document thread of the pool worker this runs on.
    static DOC_THREAD: std::cell::RefCell<Option<DocThread>> = const { std::cell::RefCell::new(None) };
}

impl DocThread {
    fn spawn() -> Option<DocThread> {
        let (jobs, job_rx) = mpsc::channel::<(source::Planned, Arc<Tagger>)>();
        let (done_tx, done) = mpsc::channel();
        let work = move || {
            for (planned, tagger) in job_rx {
                if done_tx.send(process_now(&planned, &tagger)).is_err() {
                    break;
                }
            }
        };
        std::thread::Builder::new().name("folio-doc".into()).spawn(work).ok()?;
        Some(DocThread { jobs, done })
    }

    /// Processes one document on this worker's document thread (processed
    /// here when no thread can be started).
    fn run(planned: &source::Planned, tagger: &Arc<Tagger>, limit: Duration) -> std::result::Result<(ReadDoc, Option<BuiltDoc>), mpsc::RecvTimeoutError> {
        DOC_THREAD.with_borrow_mut(|slot| {
            let sent = match slot.take().or_else(DocThread::spawn) {
                Some(t) => t.jobs.send((planned.clone(), Arc::clone(tagger))).is_ok().then_some(t),
                None => None,
            };
            let Some(thread) = sent else { return Ok(process_now(planned, tagger)) };
            let result = thread.done.recv_timeout(limit);
            if result.is_ok() {
                *slot = Some(thread);
            }
            result
        })
    }
}

/// Reads and processes one document now. A bug must cost one document, not
/// the run: a panic is caught and the document reported.
fn process_now(planned: &source::Planned, tagger: &Tagger) -> (ReadDoc, Option<BuiltDoc>) {
    let mut read = source::read(planned);
    let built = read.doc.as_ref().and_then(|d| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| passages::build(d, tagger))).ok());
    if read.doc.is_some() && built.is_none() {
        read.warnings.push(Warning {
            path: planned.file.rel_path.clone(),
            message: "internal error while processing this file: skipped (please report it with the file)".into(),
        });
    }
    (read, built)
}

/// A document's manifest entry before its passages are known. Unreadable or
/// binary files are recorded too (no passages), so the next check does not
/// see them as new.
fn doc_entry(planned: &source::Planned, content_hash: String, warnings: Vec<Warning>) -> DocEntry {
    DocEntry {
        key: planned.key.clone(),
        path: planned.file.rel_path.clone(),
        content_hash,
        entry_hash: planned.entry_hash.clone(),
        title: planned.file.rel_path.clone(),
        language: crate::text::lang::UNKNOWN.into(),
        n_passages: 0,
        n_dropped: 0,
        languages: vec![],
        topic_counts: BTreeMap::new(),
        warnings,
        meta: planned.meta.clone(),
        reference: String::new(),
        retired: BTreeMap::new(),
    }
}

/// The ids a changed document's passages had and no longer have, with the
/// paragraph each stood at, added to those it had retired before.
fn retired_ids(previous: Option<&DocEntry>, old: Option<&OpenIndex>, built: Option<&BuiltDoc>) -> Result<BTreeMap<String, u32>> {
    let Some(previous) = previous else { return Ok(BTreeMap::new()) };
    let mut retired = previous.retired.clone();
    if let Some(old) = old {
        for p in old.doc_passages(&previous.key)? {
            retired.insert(p.id, p.paragraph);
        }
    }
    if let Some(built) = built {
        for p in &built.passages {
            retired.remove(&p.id);
        }
    }
    while retired.len() > MAX_RETIRED {
        retired.pop_first();
    }
    Ok(retired)
}

/// Fills an entry from the document the pipeline built.
fn record_built(entry: &mut DocEntry, built: BuiltDoc, style: &CitationStyle) {
    let mut languages = BTreeSet::new();
    for p in &built.passages {
        languages.insert(p.language.clone());
        for t in &p.topics {
            *entry.topic_counts.entry(t.clone()).or_default() += 1;
        }
    }
    if let Some(title) = &built.meta.title {
        entry.title = title.clone();
    }
    entry.language = built.language;
    entry.n_passages = built.passages.len();
    entry.n_dropped = built.dropped.len();
    entry.languages = languages.into_iter().collect();
    entry.reference = cite::reference_text(&built.meta, &entry.title, style);
    entry.meta = built.meta;
}

/// The scan's warnings and every present document's own, in corpus order.
fn corpus_warnings(scan: &Scan, entries: &BTreeMap<String, DocEntry>) -> Vec<Warning> {
    let mut warnings = scan.warnings.clone();
    for p in &scan.docs {
        if let Some(e) = entries.get(&p.file.rel_path) {
            warnings.extend(e.warnings.iter().cloned());
        }
    }
    warnings
}

/// The entries of the documents still present, in corpus order; unchanged
/// documents keep their stat cache line.
fn docs_in_corpus_order(scan: &Scan, mut entries: BTreeMap<String, DocEntry>, cache: &mut StatCache) -> Vec<DocEntry> {
    let present: HashSet<&str> = scan.docs.iter().map(|p| p.file.rel_path.as_str()).collect();
    entries.retain(|path, _| present.contains(path.as_str()));
    let docs: Vec<DocEntry> = scan.docs.iter().filter_map(|p| entries.get(&p.file.rel_path).cloned()).collect();
    for (d, p) in docs.iter().zip(scan.docs.iter().filter(|p| entries.contains_key(&p.file.rel_path))) {
        if !d.content_hash.is_empty() {
            cache.files.entry(d.path.clone()).or_insert_with(|| (p.file.size, p.file.mtime_ns, d.content_hash.clone()));
        }
    }
    docs
}

/// The manifest of the new generation.
fn assemble_manifest(scan: &Scan, taxonomy: &Taxonomy, docs: Vec<DocEntry>, warnings: Vec<Warning>, field_tokens: BTreeMap<String, u64>) -> Manifest {
    let mut topic_counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut languages = BTreeSet::new();
    for d in &docs {
        for (t, n) in &d.topic_counts {
            *topic_counts.entry(t.as_str()).or_default() += n;
        }
        languages.extend(d.languages.iter().cloned());
    }
    let topics = taxonomy.topics.iter().map(|t| (t.id.clone(), t.label.clone(), topic_counts.get(t.id.as_str()).copied().unwrap_or(0))).collect();
    let head = ManifestHead {
        schema_version: SCHEMA_VERSION,
        analyzer_version: crate::text::ANALYZER_VERSION,
        folio_version: env!("CARGO_PKG_VERSION").to_string(),
        taxonomy_hash: taxonomy_hash(scan),
        metadata_hash: scan.metadata_hash.clone(),
        n_docs: docs.len(),
        n_passages: docs.iter().map(|d| d.n_passages).sum(),
        languages: languages.into_iter().collect(),
        topics,
        warnings,
        taxonomy_source: scan.taxonomy.as_ref().map(|t| t.1.clone()),
        thesaurus_source: scan.thesaurus.as_ref().map(|t| t.1.clone()),
        field_tokens,
        skipped: scan.skipped.clone(),
        vectors: None,
    };
    Manifest { head, docs }
}
