//! The corpus folder, the only place folio reads input files from: finds
//! the documents, reads and decodes them, reads `references.bib`,
//! `topics.toml` and `thesaurus.toml`, pairs each document with its
//! bibliographic entry and key, and hashes contents.
//!
//! **Invariant:** this is the only module that reads the corpus folder.
//!
//! Files: `walk` (finding files), `decode` (bytes → text, the decoding
//! policy), `bib` (BibTeX), `pair` (documents ↔ entries, keys), `hash`
//! (content hashes), `extract` (per-format text extraction → [`Extracted`]).

pub mod bib;
mod csl;
mod decode;
pub mod extract;
mod hash;
pub mod names;
mod pair;
mod walk;

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::model::{DocMeta, Skipped, Warning};

pub use decode::decode;
pub use extract::{Extracted, Format};
pub use hash::{hex, sha256_hex};
pub use pair::{Entries, LibEntry};
pub use walk::{find_all, find_files, mtime_ns, FoundFile};

pub const BIB_FILE: &str = "references.bib";
pub const TAXONOMY_FILE: &str = "topics.toml";
pub const THESAURUS_FILE: &str = "thesaurus.toml";

/// A document key from a file name: "Guan (2022) Governance.txt" → "guan-2022-governance".
pub fn key_from_path(rel_path: &str) -> String {
    let stem = Path::new(rel_path).with_extension("");
    let stem = stem.to_string_lossy();
    let mut key = String::new();
    for c in stem.chars() {
        if c.is_alphanumeric() {
            key.extend(c.to_lowercase());
        } else if !key.ends_with('-') && !key.is_empty() {
            key.push('-');
        }
    }
    let key = key.trim_end_matches('-').to_string();
    if key.is_empty() { "doc".into() } else { key }
}

fn read_optional(root: &Path, name: &str, warnings: &mut Vec<Warning>) -> Option<(String, String)> {
    let path = root.join(name);
    match fs::read(&path) {
        Ok(bytes) => decode(&bytes, name, warnings).map(|t| (name.to_string(), t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            warnings.push(Warning { path: name.into(), message: format!("cannot read: {e}") });
            None
        }
    }
}

/// Every file of the corpus root that is read as metadata or could become so
/// (any `.bib` or `.json`, the taxonomy, the thesaurus), read or not.
fn metadata_files(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(root)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| !n.starts_with('.') && walk::is_metadata_file(n)).map(|n| root.join(n)).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// The hash over the corpus's metadata files (libraries, taxonomy, thesaurus).
pub fn metadata_hash(root: &Path) -> String {
    let mut ignored = vec![];
    let mut skipped = vec![];
    let libraries = library_files(root, &mut ignored, &mut skipped);
    hash_of(&libraries, &read_optional(root, TAXONOMY_FILE, &mut ignored), &read_optional(root, THESAURUS_FILE, &mut ignored))
}

fn hash_of(libraries: &[(String, String)], taxonomy: &Option<(String, String)>, thesaurus: &Option<(String, String)>) -> String {
    // `references.bib` alone hashes as it always did.
    let mut parts: Vec<Option<(String, String)>> = vec![libraries.iter().find(|l| l.0 == BIB_FILE).cloned()];
    parts.extend(libraries.iter().filter(|l| l.0 != BIB_FILE).map(|l| Some(l.clone())));
    parts.push(taxonomy.clone());
    parts.push(thesaurus.clone());
    hash::hash_metadata(&parts)
}

/// The library files in the corpus root, by name: every `*.bib`, and every
/// `*.json` holding an array of CSL items (other JSON files are listed as
/// skipped).
fn library_files(root: &Path, warnings: &mut Vec<Warning>, skipped: &mut Vec<Skipped>) -> Vec<(String, String)> {
    let mut names: Vec<String> = fs::read_dir(root)
        .map(|d| d.filter_map(|e| e.ok()).filter(|e| e.path().is_file()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.retain(|n| !n.starts_with('.') && (n.to_lowercase().ends_with(".bib") || n.to_lowercase().ends_with(".json")));
    names.sort();
    let mut out = vec![];
    for name in names {
        let Some((name, text)) = read_optional(root, &name, warnings) else { continue };
        if name.to_lowercase().ends_with(".json") {
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) if csl::is_library(&v) => {}
                _ => {
                    skipped.push(Skipped { path: name, reason: "JSON that is not a CSL-JSON library".into() });
                    continue;
                }
            }
        }
        out.push((name, text));
    }
    out
}

/// Reads the library files into one set of entries; a key defined twice is
/// reported and the first definition kept.
fn read_libraries(libraries: &[(String, String)], warnings: &mut Vec<Warning>) -> Entries {
    let mut entries = Entries::new();
    for (name, text) in libraries {
        let read: Vec<(DocMeta, Vec<String>, String)> = if name.to_lowercase().ends_with(".json") {
            let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            let (items, w) = csl::read(&value, name);
            warnings.extend(w);
            items.into_values().collect()
        } else {
            let (items, w) = bib::read(text, name);
            warnings.extend(w);
            items.into_values().map(|(meta, files)| {
                let source = meta.bibtex.clone().unwrap_or_default();
                (meta, files, source)
            }).collect()
        };
        for (meta, files, source) in read {
            if let Some(first) = entries.get(&meta.key) {
                warnings.push(Warning { path: name.clone(), message: format!("duplicate key `{}`: also in {}, whose entry is kept", meta.key, first.library) });
                continue;
            }
            entries.insert(meta.key.clone(), LibEntry { meta, files, library: name.clone(), source });
        }
    }
    entries
}

/// A document file with the key and metadata it will be indexed under, not yet read.
#[derive(Debug, Clone)]
pub struct Planned {
    pub file: FoundFile,
    pub key: String,
    pub meta: DocMeta,
    pub has_entry: bool,
    /// Hash of the BibTeX entry (or of "no entry"), so that editing one entry
    /// re-indexes only its document.
    pub entry_hash: String,
}

/// The corpus folder listed and its metadata read; documents are read on demand.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub root: PathBuf,
    pub docs: Vec<Planned>,
    pub taxonomy: Option<(String, String)>,
    pub thesaurus: Option<(String, String)>,
    pub metadata_hash: String,
    pub warnings: Vec<Warning>,
    /// Files in the corpus folder that are not read as documents, with the
    /// reason (not warnings: `--strict` does not fail on them).
    pub skipped: Vec<Skipped>,
    /// The folders listed, with their modification times.
    pub folders: Vec<(PathBuf, i128)>,
    /// Files the libraries name that do not exist.
    pub absent: Vec<PathBuf>,
    /// The metadata files read (libraries, taxonomy, thesaurus), by path.
    pub metadata_files: Vec<PathBuf>,
}

impl Scan {
    /// Each document file's path, size and modification time as listed.
    pub fn document_stats(&self) -> impl Iterator<Item = (&Path, u64, i128)> {
        self.docs.iter().map(|d| (d.file.path.as_path(), d.file.size, d.file.mtime_ns))
    }
}

/// Lists the corpus and reads its metadata files, without reading documents.
pub fn scan(root: &Path) -> Result<Scan> {
    let mut warnings = vec![];
    let walk::Listing { mut files, mut skipped, folders } = walk::listing(root, &mut warnings)?;
    let libraries = library_files(root, &mut warnings, &mut skipped);
    let taxonomy = read_optional(root, TAXONOMY_FILE, &mut warnings);
    let thesaurus = read_optional(root, THESAURUS_FILE, &mut warnings);
    let metadata_hash = hash_of(&libraries, &taxonomy, &thesaurus);
    let entries = read_libraries(&libraries, &mut warnings);
    let metadata_files = metadata_files(root);
    let mut found = pair::Found { warnings, skipped, absent: vec![] };
    let docs = pair::pair(root, &mut files, &entries, &mut found);
    let pair::Found { warnings, mut skipped, absent } = found;
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Scan { root: root.to_path_buf(), docs, taxonomy, thesaurus, metadata_hash, warnings, skipped, folders, absent, metadata_files })
}

/// The content hash of a file: `cached` (size, modification time, hash) when
/// size and time still agree, else the file read and hashed ("" when it
/// cannot be read).
pub fn content_hash(file: &FoundFile, cached: Option<&(u64, i128, String)>) -> String {
    if let Some((size, mtime, hash)) = cached
        && *size == file.size
        && *mtime == file.mtime_ns
    {
        return hash.clone();
    }
    fs::read(&file.path).map(|b| sha256_hex(&b)).unwrap_or_default()
}

/// A document as read: its content hash ("" when unreadable) and, unless it
/// was unreadable or binary, its decoded text.
#[derive(Debug, Clone)]
pub struct ReadDoc {
    pub content_hash: String,
    pub doc: Option<Extracted>,
    /// What went wrong or looks wrong, with the file's path.
    pub warnings: Vec<Warning>,
}

/// Reads and decodes one planned document; problems become its warnings.
pub fn read(planned: &Planned) -> ReadDoc {
    let f = &planned.file;
    let mut warnings = vec![];
    let bytes = match fs::read(&f.path) {
        Ok(b) => b,
        Err(e) => {
            warnings.push(Warning { path: f.rel_path.clone(), message: format!("cannot read: {e}; the rest of the corpus is indexed") });
            return ReadDoc { content_hash: String::new(), doc: None, warnings };
        }
    };
    let content_hash = sha256_hex(&bytes);
    let format = Format::of(&f.rel_path).unwrap_or(Format::Text);
    let doc = extract::extract(planned, format, &bytes, &mut warnings);
    if doc.as_ref().is_some_and(|d| d.text.trim().is_empty()) {
        warnings.push(Warning { path: f.rel_path.clone(), message: "empty file: no passages".into() });
    }
    ReadDoc { content_hash, doc, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_file_names() {
        assert_eq!(key_from_path("Guan (2022) Governance.txt"), "guan-2022-governance");
        assert_eq!(key_from_path("sub/Über.md"), "sub-über");
        assert_eq!(key_from_path("---.txt"), "doc");
    }
}
