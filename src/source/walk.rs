//! Finds the document files of a corpus folder: sorted, hidden entries
//! skipped, symlinked folders followed once (loops cut), depth bounded.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::Format;
use crate::error::{Error, Result};
use crate::model::{Skipped, Warning};

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

pub fn mtime_ns(meta: &fs::Metadata) -> i128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

/// Lists the document files under `root`, sorted by relative path. Hidden
/// entries are skipped; symlinked folders are followed once (loops are cut).
/// Files that are not read are dropped; [`find_all`] says which and why.
pub fn find_files(root: &Path, warnings: &mut Vec<Warning>) -> Result<Vec<FoundFile>> {
    find_all(root, warnings).map(|(files, _)| files)
}

/// Whether a file in the corpus root is one of the corpus's own metadata
/// files (a .bib library, a CSL-JSON library, the taxonomy or thesaurus),
/// read by `source::scan` rather than as a document.
pub fn is_metadata_file(rel_path: &str) -> bool {
    if rel_path.contains('/') {
        return false;
    }
    let lower = rel_path.to_lowercase();
    lower.ends_with(".bib") || lower.ends_with(".json") || lower == super::TAXONOMY_FILE || lower == super::THESAURUS_FILE
}

/// The reason a file that is not a document is not read.
fn skip_reason(name: &str) -> String {
    match Path::new(name).extension() {
        Some(ext) => format!("unsupported format .{}", ext.to_string_lossy().to_lowercase()),
        None => "no file extension".into(),
    }
}

/// Like [`find_files`], with every entry that is not read: hidden files and
/// folders, files in formats folio does not read (by path and reason, sorted).
pub fn find_all(root: &Path, warnings: &mut Vec<Warning>) -> Result<(Vec<FoundFile>, Vec<Skipped>)> {
    listing(root, warnings).map(|l| (l.files, l.skipped))
}

/// What a walk of the corpus folder saw.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub files: Vec<FoundFile>,
    pub skipped: Vec<Skipped>,
    /// Every folder listed, with its modification time: a folder's time
    /// changes when an entry is added, removed or renamed in it, which is how
    /// a quick freshness check sees new files without listing folders again.
    pub folders: Vec<(PathBuf, i128)>,
}

/// Like [`find_all`], with the folders listed.
pub fn listing(root: &Path, warnings: &mut Vec<Warning>) -> Result<Listing> {
    let meta = fs::metadata(root).map_err(|source| Error::CorpusMissing { path: root.to_path_buf(), source })?;
    if !meta.is_dir() {
        return Err(Error::CorpusNotADirectory { path: root.to_path_buf() });
    }
    let mut listing = Listing { folders: vec![(root.to_path_buf(), mtime_ns(&meta))], ..Listing::default() };
    let mut visited = HashSet::new();
    walk(root, root, 0, &mut visited, &mut listing, warnings);
    listing.files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    listing.skipped.sort_by(|a: &Skipped, b: &Skipped| a.path.cmp(&b.path));
    Ok(listing)
}

fn walk(root: &Path, dir: &Path, depth: usize, visited: &mut HashSet<PathBuf>, listing: &mut Listing, warnings: &mut Vec<Warning>) {
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
        let path = entry.path();
        if name.starts_with('.') {
            let folder = entry.file_type().is_ok_and(|t| t.is_dir());
            listing.skipped.push(Skipped { path: rel(&path), reason: if folder { "hidden folder".into() } else { "hidden file".into() } });
            continue;
        }
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
        if meta.is_dir() && is_index_folder(&path) {
            // An index folder kept inside the corpus: one line, not its files.
            listing.skipped.push(Skipped { path: rel(&path), reason: "folio index folder".into() });
        } else if meta.is_dir() {
            listing.folders.push((path.clone(), mtime_ns(&meta)));
            walk(root, &path, depth + 1, visited, listing, warnings);
        } else if meta.is_file() {
            let rel_path = rel(&path);
            if Format::of(&rel_path).is_some() {
                listing.files.push(FoundFile { rel_path, path: path.clone(), size: meta.len(), mtime_ns: mtime_ns(&meta) });
            } else if !is_metadata_file(&rel_path) {
                listing.skipped.push(Skipped { reason: skip_reason(&name), path: rel_path });
            }
        } else {
            listing.skipped.push(Skipped { path: rel(&path), reason: "not a regular file".into() });
        }
    }
}

/// A folio index folder: `CURRENT` names a generation folder holding a manifest.
fn is_index_folder(path: &Path) -> bool {
    fs::read_to_string(path.join("CURRENT")).is_ok_and(|g| {
        let g = g.trim();
        g.starts_with("gen-") && !g.contains(['/', '\\']) && path.join(g).join("folio.json").is_file()
    })
}
