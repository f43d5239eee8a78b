//! The manifest (`folio.json` in each generation): what the index holds and
//! what it was built from; and the stat cache beside the generations, which
//! lets freshness checks read file metadata instead of contents.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{MANIFEST, SCHEMA_VERSION, STAT_CACHE};
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
}

/// Reads a generation's manifest; one of another schema is refused.
pub fn read_manifest(generation: &Path, root: &Path) -> Result<Manifest> {
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
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        let absolute = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let name = &crate::source::sha256_hex(absolute.to_string_lossy().as_bytes())[..16];
        base.join("folio").join(format!("{STAT_CACHE}-{name}.json"))
    }

    pub fn read(root: &Path) -> StatCache {
        fs::read_to_string(Self::path(root)).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    /// Written beside and renamed: a concurrent check reads the old or the
    /// new cache. A cache that cannot be written is no error.
    pub fn write(&self, root: &Path) {
        let path = Self::path(root);
        let Some(dir) = path.parent() else { return };
        if let (Ok(json), Ok(())) = (serde_json::to_string(self), fs::create_dir_all(dir)) {
            let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
            if super::generation::write_synced(&tmp, json.as_bytes()).is_ok() {
                let _ = fs::rename(&tmp, &path);
            }
        }
    }
}
