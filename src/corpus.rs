//! The corpus folder: finds the documents (plain text and Markdown), reads and
//! decodes them, reads `references.bib`, `topics.toml` and `thesaurus.toml`, and
//! pairs each document with its bibliographic entry and key.
//!
//! **Invariant:** this is the only module that reads input files.
//!
//! Decoding policy: a file that is not valid UTF-8 is decoded lossily (each bad
//! byte becomes U+FFFD) with a warning naming the file; a file that looks
//! binary (NUL bytes, mostly control characters) is skipped with a warning.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{DocMeta, Warning};

/// File extensions read as documents.
pub const DOCUMENT_EXTENSIONS: &[&str] = &["txt", "text", "md", "markdown"];
pub const BIB_FILE: &str = "references.bib";
pub const TAXONOMY_FILE: &str = "topics.toml";
pub const THESAURUS_FILE: &str = "thesaurus.toml";
/// Folders deeper than this are not entered (a guard against runaway trees).
const MAX_DEPTH: usize = 64;

/// A document file found in the corpus, before reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// Path relative to the corpus root, with `/` separators.
    pub rel_path: String,
    pub path: PathBuf,
    pub size: u64,
    pub mtime_ns: i128,
}

/// A document read and paired with its metadata.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    pub key: String,
    pub rel_path: String,
    pub text: String,
    pub content_hash: String,
    pub meta: DocMeta,
    /// False when no BibTeX entry names the file.
    pub has_entry: bool,
}

impl SourceDoc {
    /// A document with no BibTeX entry, from text already in memory (tests,
    /// tools); its key comes from `rel_path`.
    pub fn from_text(rel_path: &str, text: &str) -> SourceDoc {
        let key = key_from_path(rel_path);
        SourceDoc {
            key: key.clone(),
            rel_path: rel_path.to_string(),
            content_hash: sha256_hex(text.as_bytes()),
            text: text.to_string(),
            meta: DocMeta { key, guessed: true, ..DocMeta::default() },
            has_entry: false,
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of bytes (a table lookup: hashing runs once per file on
/// every freshness check, where `format!` per byte showed up in profiles).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

fn mtime_ns(meta: &fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

/// Lists the document files under `root`, sorted by relative path. Hidden
/// entries are skipped; symlinked folders are followed once (loops are cut).
pub fn find_files(root: &Path, warnings: &mut Vec<Warning>) -> Result<Vec<FoundFile>> {
    let meta = fs::metadata(root).map_err(|source| Error::CorpusMissing { path: root.to_path_buf(), source })?;
    if !meta.is_dir() {
        return Err(Error::CorpusNotADirectory { path: root.to_path_buf() });
    }
    let mut out = vec![];
    let mut visited = HashSet::new();
    walk(root, root, 0, &mut visited, &mut out, warnings);
    out.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(out)
}

fn walk(root: &Path, dir: &Path, depth: usize, visited: &mut HashSet<PathBuf>, out: &mut Vec<FoundFile>, warnings: &mut Vec<Warning>) {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/");
    if depth > MAX_DEPTH {
        warnings.push(Warning { path: rel(dir), message: format!("folder nested deeper than {MAX_DEPTH} levels: not read") });
        return;
    }
    match fs::canonicalize(dir) {
        Ok(canonical) => {
            if !visited.insert(canonical) {
                warnings.push(Warning { path: rel(dir), message: "symbolic link loop: folder already read, skipped".into() });
                return;
            }
        }
        Err(e) => {
            warnings.push(Warning { path: rel(dir), message: format!("cannot resolve folder: {e}") });
            return;
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            warnings.push(Warning { path: rel(dir), message: format!("cannot read folder: {e}") });
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Follow symlinks (metadata() resolves them; a dangling link is
        // reported); plain entries use the cheaper directory-relative stat.
        let is_link = entry.file_type().map(|t| t.is_symlink()).unwrap_or(true);
        let meta = match if is_link { fs::metadata(&path) } else { entry.metadata() } {
            Ok(m) => m,
            Err(e) => {
                warnings.push(Warning { path: rel(&path), message: format!("cannot read: {e}") });
                continue;
            }
        };
        if meta.is_dir() {
            walk(root, &path, depth + 1, visited, out, warnings);
        } else if meta.is_file() {
            let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
            if DOCUMENT_EXTENSIONS.contains(&ext.as_str()) {
                out.push(FoundFile { rel_path: rel(&path), path: path.clone(), size: meta.len(), mtime_ns: mtime_ns(&meta) });
            }
        }
    }
}

/// Decodes file bytes by the policy in the module docs. `None` means skip.
pub fn decode(bytes: &[u8], rel_path: &str, warnings: &mut Vec<Warning>) -> Option<String> {
    let head = &bytes[..bytes.len().min(8192)];
    let n_control = head.iter().filter(|b| **b < 0x09 || (**b > 0x0D && **b < 0x20 && **b != 0x1B)).count();
    if head.contains(&0) || (head.len() >= 32 && n_control * 10 > head.len()) {
        warnings.push(Warning { path: rel_path.into(), message: "binary file (NUL or control bytes): skipped".into() });
        return None;
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s.to_string()),
        Err(e) => {
            warnings.push(Warning {
                path: rel_path.into(),
                message: format!(
                    "not valid UTF-8 (first bad byte at offset {}): decoded with U+FFFD replacement characters; convert the file to UTF-8 to keep every character",
                    e.valid_up_to()
                ),
            });
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
    }
}

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

/// The hash over the corpus's metadata files (bib, taxonomy, thesaurus).
pub fn metadata_hash(root: &Path) -> String {
    let mut ignored = vec![];
    let parts = [BIB_FILE, TAXONOMY_FILE, THESAURUS_FILE].map(|name| read_optional(root, name, &mut ignored));
    hash_metadata(&parts)
}

fn hash_metadata(parts: &[Option<(String, String)>]) -> String {
    let mut metadata = Sha256::new();
    for part in parts {
        metadata.update(part.as_ref().map_or("-", |p| p.1.as_str()).as_bytes());
        metadata.update([0u8]);
    }
    hex(&metadata.finalize())
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
}

/// Lists the corpus and reads its metadata files, without reading documents.
pub fn scan(root: &Path) -> Result<Scan> {
    let mut warnings = vec![];
    let files = find_files(root, &mut warnings)?;
    let bib_src = read_optional(root, BIB_FILE, &mut warnings);
    let taxonomy = read_optional(root, TAXONOMY_FILE, &mut warnings);
    let thesaurus = read_optional(root, THESAURUS_FILE, &mut warnings);
    let metadata_hash = hash_metadata(&[bib_src.clone(), taxonomy.clone(), thesaurus.clone()]);

    let (entries, bib_warnings) = match &bib_src {
        Some((name, text)) => crate::bib::read(text, name),
        None => (BTreeMap::new(), vec![]),
    };
    warnings.extend(bib_warnings);
    // Which entry names which file: its `file` field, else a key equal to the file stem.
    let mut by_file: BTreeMap<String, String> = BTreeMap::new();
    for (key, (_, file)) in &entries {
        if let Some(file) = file {
            let file = file.trim_start_matches("./").to_string();
            if !files.iter().any(|f| f.rel_path == file) {
                warnings.push(Warning {
                    path: BIB_FILE.into(),
                    message: format!("entry `{key}` names file `{file}`, which is not in the corpus; add the file or fix the `file` field"),
                });
            }
            if let Some(other) = by_file.get(&file) {
                warnings.push(Warning {
                    path: BIB_FILE.into(),
                    message: format!("entries `{other}` and `{key}` both name file `{file}`; `{other}` is used"),
                });
                continue;
            }
            by_file.insert(file, key.clone());
        }
    }
    let named: HashSet<&String> = by_file.values().collect();
    let stem_keys: Vec<String> = files.iter().map(|f| key_from_path(&f.rel_path)).collect();
    let entry_of = |i: usize| -> Option<String> {
        let f = &files[i];
        let stem_key = &stem_keys[i];
        by_file.get(&f.rel_path).cloned().or_else(|| (entries.contains_key(stem_key) && !named.contains(stem_key)).then(|| stem_key.clone()))
    };
    // BibTeX keys are reserved first: a document without an entry never takes one.
    let entry_keys: Vec<Option<String>> = (0..files.len()).map(entry_of).collect();
    let mut used_keys: HashSet<String> = entry_keys.iter().flatten().cloned().collect();
    let no_entry_hash = sha256_hex(b"-");
    let mut docs = vec![];
    for (i, f) in files.iter().enumerate() {
        let (meta, has_entry) = match entry_keys[i].as_ref().and_then(|k| entries.get(k)) {
            Some((meta, _)) => (meta.clone(), true),
            None => {
                let stem_key = stem_keys[i].clone();
                let mut key = stem_key.clone();
                let mut n = 2;
                while used_keys.contains(&key) {
                    key = format!("{stem_key}-{n}");
                    n += 1;
                }
                used_keys.insert(key.clone());
                (DocMeta { key, guessed: true, ..DocMeta::default() }, false)
            }
        };
        let entry_hash = match &meta.bibtex {
            Some(b) => sha256_hex(b.as_bytes()),
            None => no_entry_hash.clone(),
        };
        docs.push(Planned { file: f.clone(), key: meta.key.clone(), meta, has_entry, entry_hash });
    }
    Ok(Scan { root: root.to_path_buf(), docs, taxonomy, thesaurus, metadata_hash, warnings })
}

/// A document as read: its content hash ("" when unreadable) and, unless it
/// was unreadable or binary, its decoded text.
#[derive(Debug, Clone)]
pub struct ReadDoc {
    pub content_hash: String,
    pub doc: Option<SourceDoc>,
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
    let Some(text) = decode(&bytes, &f.rel_path, &mut warnings) else {
        return ReadDoc { content_hash, doc: None, warnings };
    };
    if text.trim().is_empty() {
        warnings.push(Warning { path: f.rel_path.clone(), message: "empty file: no passages".into() });
    }
    let doc = SourceDoc { key: planned.key.clone(), rel_path: f.rel_path.clone(), content_hash: content_hash.clone(), text, meta: planned.meta.clone(), has_entry: planned.has_entry };
    ReadDoc { content_hash, doc: Some(doc), warnings }
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

    #[test]
    fn decoding_policy() {
        let mut w = vec![];
        assert_eq!(decode(b"caf\xe9 ok", "a.txt", &mut w).as_deref(), Some("caf\u{FFFD} ok"));
        assert_eq!(w.len(), 1);
        assert_eq!(decode(b"\x00\x01binary", "b.txt", &mut w), None);
        assert_eq!(decode(b"\xEF\xBB\xBFbom", "c.txt", &mut w).as_deref(), Some("bom"));
    }
}
