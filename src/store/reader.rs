//! Reading an index: opening the live generation (with the taxonomy and
//! thesaurus it was built with) and reading stored passages back.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use super::generation::IndexDir;
use super::manifest::{read_head, DocEntry, DocTable, ManifestHead};
use super::schema::{schema, Fields};
use super::THESAURUS_CACHE;
use crate::error::{Error, Result};
use crate::model::Passage;
use crate::source;
use crate::vocab::taxonomy::Taxonomy;
use crate::vocab::thesaurus::Thesaurus;

/// An open index, ready to search.
pub struct OpenIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    /// The manifest's head; documents' entries are read on demand from `docs`.
    pub manifest: ManifestHead,
    docs: DocTable,
    /// Every document's entry, read the first time something needs them all.
    all_docs: std::sync::OnceLock<Vec<DocEntry>>,
    pub path: PathBuf,
    /// The corpus's taxonomy, parsed on first use (`taxonomy`): searching needs none.
    taxonomy: std::sync::OnceLock<Taxonomy>,
    pub thesaurus: Thesaurus,
    /// The passages' vectors, when the index has them.
    pub vectors: Option<super::vectors::Vectors>,
    /// The model that embeds queries for `vectors`, found on first use
    /// (`retrieve::semantic`); None inside when it is not available.
    pub embedder: std::sync::OnceLock<Option<std::sync::Arc<dyn crate::embed::Embedder>>>,
    /// The live passages' languages, read on first use (`stats` scores per language).
    languages: std::sync::OnceLock<super::languages::Languages>,
}

/// A published generation: its files never change (updates write a new
/// generation), so readers need not take tantivy's meta lock, whose file a
/// user who cannot write the index could not create or open.
#[derive(Debug, Clone)]
struct Published(tantivy::directory::MmapDirectory);

impl tantivy::Directory for Published {
    fn get_file_handle(&self, path: &std::path::Path) -> Result<std::sync::Arc<dyn tantivy::directory::FileHandle>, tantivy::directory::error::OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &std::path::Path) -> Result<(), tantivy::directory::error::DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &std::path::Path) -> Result<bool, tantivy::directory::error::OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &std::path::Path) -> Result<tantivy::directory::WritePtr, tantivy::directory::error::OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &std::path::Path) -> Result<Vec<u8>, tantivy::directory::error::OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &std::path::Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(&self, _lock: &tantivy::directory::Lock) -> Result<tantivy::directory::DirectoryLock, tantivy::directory::error::LockError> {
        Ok(tantivy::directory::DirectoryLock::from(Box::new(())))
    }
    fn watch(&self, callback: tantivy::directory::WatchCallback) -> tantivy::Result<tantivy::directory::WatchHandle> {
        self.0.watch(callback)
    }
}

/// Builds what tantivy builds once per process on a search's way (its empty
/// term dictionary, for segments without some language's field: half a
/// millisecond), so that another thread can do it while the index opens.
pub fn warm_up() {
    let _ = tantivy::termdict::TermDictionary::empty();
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
    let manifest = read_head(&live, &index_dir.root)?;
    let docs = DocTable::open(&live)?;
    let directory = tantivy::directory::MmapDirectory::open(&live).map_err(|e| Error::IndexCorrupt { path: live.clone(), message: format!("{e}; run `folio index --rebuild`") })?;
    let index = Index::open(Published(directory)).map_err(|e| Error::IndexCorrupt { path: live.clone(), message: format!("{e}; run `folio index --rebuild`") })?;
    super::analyzer::register(&index);
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    let (_, fields) = schema();
    let cached = fs::read_to_string(live.join(THESAURUS_CACHE)).ok().and_then(|t| serde_json::from_str::<Thesaurus>(&t).ok());
    let thesaurus = match (cached, &manifest.thesaurus_source) {
        (Some(t), _) => t,
        (None, Some(src)) => Thesaurus::parse(src, source::THESAURUS_FILE)?,
        (None, None) => Thesaurus::builtin(),
    };
    let vectors = manifest.vectors.as_ref().map(|info| super::vectors::Vectors::open(&live, info)).transpose()?;
    Ok(OpenIndex { index, reader, fields, manifest, docs, all_docs: std::sync::OnceLock::new(), path: live, taxonomy: std::sync::OnceLock::new(), thesaurus, vectors, embedder: std::sync::OnceLock::new(), languages: std::sync::OnceLock::new() })
}

impl OpenIndex {
    /// The taxonomy the index was tagged with (parsed the first time it is asked for).
    pub fn taxonomy(&self) -> Result<&Taxonomy> {
        if let Some(t) = self.taxonomy.get() {
            return Ok(t);
        }
        let taxonomy = match &self.manifest.taxonomy_source {
            Some(src) => Taxonomy::parse(src, source::TAXONOMY_FILE)?,
            None => Taxonomy::builtin(),
        };
        Ok(self.taxonomy.get_or_init(|| taxonomy))
    }

    /// The entry of a document, by key (read from the document table alone).
    pub fn doc(&self, key: &str) -> Result<Option<DocEntry>> {
        match self.all_docs.get() {
            Some(all) => Ok(all.iter().find(|d| d.key == key).cloned()),
            None => self.docs.get(key),
        }
    }

    /// Every document's entry, in corpus order (read once, then kept).
    pub fn docs(&self) -> Result<&[DocEntry]> {
        if let Some(all) = self.all_docs.get() {
            return Ok(all);
        }
        let all = self.docs.all()?;
        Ok(self.all_docs.get_or_init(|| all))
    }

    /// The live passages' languages (the reader never reloads: one generation
    /// per `OpenIndex`, so they are read once).
    pub fn languages(&self, searcher: &tantivy::Searcher) -> Result<&super::languages::Languages> {
        if let Some(languages) = self.languages.get() {
            return Ok(languages);
        }
        let read = super::languages::Languages::read(searcher, self.fields.language)?;
        Ok(self.languages.get_or_init(|| read))
    }

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
        let order: BTreeMap<&str, usize> = self.docs()?.iter().enumerate().map(|(i, d)| (d.key.as_str(), i)).collect();
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
        Ok(self.by_term(tantivy::Term::from_field_text(self.fields.id, id), 1)?.pop())
    }

    /// The passage at a paragraph of a document (by key), if there is one.
    pub fn get_at(&self, doc: &str, paragraph: u32) -> Result<Option<Passage>> {
        if paragraph == 0 {
            return Ok(None);
        }
        let found = self.by_term(tantivy::Term::from_field_u64(self.fields.ord, super::schema::ord_of(doc, paragraph)), 1)?;
        Ok(found.into_iter().find(|p| p.doc == doc && p.paragraph == paragraph))
    }

    /// Every passage of a document (by key), in paragraph order.
    pub fn doc_passages(&self, doc: &str) -> Result<Vec<Passage>> {
        let mut passages = self.by_term(tantivy::Term::from_field_text(self.fields.doc, doc), usize::MAX)?;
        passages.sort_by_key(|p| p.paragraph);
        Ok(passages)
    }

    /// Up to `limit` stored passages whose field holds `term`.
    fn by_term(&self, term: tantivy::Term, limit: usize) -> Result<Vec<Passage>> {
        let searcher = self.reader.searcher();
        let q = tantivy::query::TermQuery::new(term, IndexRecordOption::Basic);
        let limit = limit.min(usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX)).max(1);
        let hits = searcher.search(&q, &tantivy::collector::TopDocs::with_limit(limit).order_by_score())?;
        hits.iter().map(|(_, addr)| self.passage(&searcher, *addr)).collect()
    }
}
