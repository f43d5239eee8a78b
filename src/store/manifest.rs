//! The manifest (`folio.json` and `docs.jsonl` in each generation): what the
//! index holds and what it was built from; and the stat cache beside the generations, which
//! lets freshness checks read file metadata instead of contents.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{DOCS, MANIFEST, SCHEMA_VERSION, STAT_CACHE};
use crate::error::{Error, Result};
use crate::model::{DocMeta, Warning};

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
    pub meta: DocMeta,
    /// The document's reference in the default style, rendered once when
    /// the document is indexed (answers in that style need no renderer).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reference: String,
    /// Ids this document's passages had in earlier versions of it, with the
    /// paragraph each stood at: `show` on a retired id lists the passages
    /// now nearest to where it was. Kept across updates, at most
    /// [`MAX_RETIRED`] per document.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub retired: BTreeMap<String, u32>,
}

/// Retired ids remembered per document.
pub const MAX_RETIRED: usize = 256;

/// What the index holds and what it was built from: the head (`folio.json`)
/// and one entry per document (`docs.jsonl`). It holds nothing that varies
/// between machines (no times, no absolute paths), so the same corpus gives
/// the same bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub head: ManifestHead,
    /// In corpus order (by path).
    pub docs: Vec<DocEntry>,
}

impl std::ops::Deref for Manifest {
    type Target = ManifestHead;
    fn deref(&self) -> &ManifestHead {
        &self.head
    }
}

impl std::ops::DerefMut for Manifest {
    fn deref_mut(&mut self) -> &mut ManifestHead {
        &mut self.head
    }
}

/// `folio.json`: the manifest without its documents, which is all a search
/// reads (documents are looked up one by one in [`DocTable`]).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ManifestHead {
    pub schema_version: u32,
    pub analyzer_version: u32,
    pub folio_version: String,
    pub taxonomy_hash: String,
    pub metadata_hash: String,
    /// Documents in the index (their entries are in `docs.jsonl`).
    pub n_docs: usize,
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
    /// `store::stats`); computed once per build instead of per search.
    #[serde(default)]
    pub field_tokens: BTreeMap<String, u64>,
    /// Files of the corpus folder not read as documents, with the reason.
    #[serde(default)]
    pub skipped: Vec<crate::model::Skipped>,
    /// The passages' vectors (`vectors.bin`): the model that made them and
    /// the file's checksum. None: an index without vectors (lexical only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vectors: Option<super::vectors::VectorsInfo>,
}

impl Manifest {
    /// The entry of a document, by key.
    pub fn doc(&self, key: &str) -> Option<&DocEntry> {
        self.docs.iter().find(|d| d.key == key)
    }

    /// The bytes of `folio.json` and of `docs.jsonl` (entries sorted by key,
    /// one a line, so that one can be found without reading the others).
    pub fn to_files(&self) -> (String, String) {
        let mut by_key: Vec<&DocEntry> = self.docs.iter().collect();
        by_key.sort_by(|a, b| a.key.cmp(&b.key));
        let mut docs = String::new();
        for d in by_key {
            docs.push_str(&serde_json::to_string(d).unwrap_or_default());
            docs.push('\n');
        }
        (serde_json::to_string(&self.head).unwrap_or_default(), docs)
    }
}

/// Reads a generation's manifest head; one of another schema is refused.
pub fn read_head(generation: &Path, root: &Path) -> Result<ManifestHead> {
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

/// Reads a generation's whole manifest, documents included.
pub fn read_manifest(generation: &Path, root: &Path) -> Result<Manifest> {
    let head = read_head(generation, root)?;
    let docs = DocTable::open(generation)?.all()?;
    Ok(Manifest { head, docs })
}

/// `docs.jsonl` of a generation, memory-mapped: one document's entry is
/// found by binary search over its lines (sorted by key) without parsing the
/// others; a search reads the entries of its hits' documents only.
pub struct DocTable {
    path: PathBuf,
    bytes: memmap2::Mmap,
}

impl DocTable {
    pub fn open(generation: &Path) -> Result<DocTable> {
        let path = generation.join(DOCS);
        let file = fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        // SAFETY: a published generation's files are never written again
        // (updates write a new generation), so the map cannot change under us.
        let bytes = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(&path, e))?;
        Ok(DocTable { path, bytes })
    }

    /// The entry of the document `key`, if the index has it.
    pub fn get(&self, key: &str) -> Result<Option<DocEntry>> {
        let (mut lo, mut hi) = (0usize, self.bytes.len());
        // Invariant: the line holding `key`, if any, starts in lo..hi.
        while lo < hi {
            let mid = line_start(&self.bytes, lo + (hi - lo) / 2).max(lo);
            let end = line_end(&self.bytes, mid);
            let entry = self.parse(&self.bytes[mid..end])?;
            match entry.key.as_str().cmp(key) {
                std::cmp::Ordering::Equal => return Ok(Some(entry)),
                std::cmp::Ordering::Less => lo = end + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        Ok(None)
    }

    /// Every entry, in corpus order (by path).
    pub fn all(&self) -> Result<Vec<DocEntry>> {
        let mut docs = self.bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(|l| self.parse(l)).collect::<Result<Vec<_>>>()?;
        docs.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(docs)
    }

    fn parse(&self, line: &[u8]) -> Result<DocEntry> {
        serde_json::from_slice(line).map_err(|e| Error::IndexCorrupt { path: self.path.clone(), message: format!("{e}; run `folio index --rebuild`") })
    }
}

/// The start of the line holding byte `at`.
fn line_start(bytes: &[u8], at: usize) -> usize {
    bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
}

/// The end (the newline, or the end of the bytes) of the line starting at `at`.
fn line_end(bytes: &[u8], at: usize) -> usize {
    bytes[at..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| at + i)
}

/// Size and modification time of each indexed file with its content hash,
/// so that freshness checks read file metadata only. A cache: losing it costs
/// one hashing pass. It lives in the user's cache folder, not in the index:
/// file times differ between machines and clones, and the index folder must
/// be the same bytes wherever the same corpus is built (and may be read-only).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StatCache {
    pub files: BTreeMap<String, (u64, i128, String)>,
}

impl StatCache {
    /// `$XDG_CACHE_HOME/folio` (else `~/.cache/folio`, else the temporary
    /// folder), one file per index folder, named after its absolute path.
    fn path(root: &Path) -> PathBuf {
        cache_path(root, STAT_CACHE, "json")
    }

    pub fn read(root: &Path) -> StatCache {
        fs::read_to_string(Self::path(root)).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    /// Written beside and renamed: a concurrent check reads the old or the
    /// new cache. A cache that cannot be written is no error.
    pub fn write(&self, root: &Path) {
        if let Ok(json) = serde_json::to_string(self) {
            write_cache(&Self::path(root), json.as_bytes());
        }
    }
}

/// A file of the user's cache folder for the index folder `root`:
/// `$XDG_CACHE_HOME/folio` (else `~/.cache/folio`, else the temporary
/// folder), named after the index folder's absolute path.
pub fn cache_path(root: &Path, what: &str, extension: &str) -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    let absolute = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let name = &crate::source::sha256_hex(absolute.to_string_lossy().as_bytes())[..16];
    base.join("folio").join(format!("{what}-{name}.{extension}"))
}

/// Writes a cache file beside and renames it: a concurrent reader sees the
/// old or the new one. A cache that cannot be written is no error.
pub fn write_cache(path: &Path, bytes: &[u8]) {
    let Some(dir) = path.parent() else { return };
    if fs::create_dir_all(dir).is_ok() {
        let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
        if super::generation::write_synced(&tmp, bytes).is_ok() {
            let _ = fs::rename(&tmp, path);
        }
    }
}
