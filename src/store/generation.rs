//! Generations: the index folder's layout and its atomic updates.
//!
//! - `CURRENT` — the name of the live generation folder, replaced atomically
//!   (written beside, then renamed), so a reader sees the old or the new index,
//!   never half of one;
//! - `gen-<id>/` — one tantivy index plus the manifest (`folio.json`, its
//!   head, and `docs.jsonl`, one line per document);
//! - `.lock` — held by the one `folio index` allowed to write at a time;
//! - `.build-*` — a build in progress; left over only by a killed build, and
//!   cleaned up by the next one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::manifest::{read_manifest, Manifest};
use super::{CURRENT, LOCK, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::source::sha256_hex;

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


/// Holds `.lock` for the life of a build.
pub struct BuildLock {
    _file: fs::File,
}

pub fn lock(root: &Path) -> Result<BuildLock> {
    let path = root.join(LOCK);
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(BuildLock { _file: file }),
        Err(fs::TryLockError::WouldBlock) => Err(Error::Locked { path: root.to_path_buf() }),
        Err(fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

/// Index files are for everyone who can read the index folder: 0644 files,
/// 0755 folders, whatever the umask or tantivy's temporary files (created
/// 0600) left. Searching needs no write access.
#[cfg(unix)]
pub fn share(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = if path.is_dir() { 0o755 } else { 0o644 };
    let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
pub fn share(_path: &Path) {}

/// `share` for a folder and the files in it (generations are flat).
pub fn share_tree(dir: &Path) {
    share(dir);
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            share(&e.path());
        }
    }
}

/// Whether this process can create files in `dir` (tried, not guessed from
/// mode bits: root, ACLs and read-only mounts all answer here).
pub fn writable(dir: &Path) -> bool {
    let probe = dir.join(format!(".write-probe-{}", std::process::id()));
    match fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            true
        }
        Err(_) => false,
    }
}

pub fn sync_dir(path: &Path) {
    if let Ok(dir) = fs::File::open(path) {
        let _ = dir.sync_all();
    }
}

/// Gives tantivy's files names and contents that depend only on what is
/// indexed: the segment is renamed after a hash of the manifest, and
/// `meta.json` and `.managed.json` are rewritten in a stable form.
pub fn canonicalize(dir: &Path, manifest: &Manifest) -> Result<()> {
    let meta_path = dir.join("meta.json");
    let text = fs::read_to_string(&meta_path).map_err(|e| Error::io(&meta_path, e))?;
    let mut meta: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::IndexCorrupt { path: meta_path.clone(), message: e.to_string() })?;
    let (head, docs) = manifest.to_files();
    let identity = format!("{head}\0{docs}");
    let digest = sha256_hex(identity.as_bytes());
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
    meta["payload"] = serde_json::json!({"folio": env!("CARGO_PKG_VERSION"), "schema": SCHEMA_VERSION, "analyzer": crate::text::ANALYZER_VERSION, "taxonomy": manifest.taxonomy_hash}).to_string().into();
    let pretty = serde_json::to_string_pretty(&meta).map_err(|e| Error::IndexCorrupt { path: meta_path.clone(), message: e.to_string() })?;
    write_synced(&meta_path, format!("{pretty}\n").as_bytes())?;
    managed.sort();
    write_synced(&dir.join(".managed.json"), serde_json::to_string(&managed).unwrap_or_default().as_bytes())?;
    Ok(())
}

/// A generation's name, from what it holds: a hash of its manifest and of
/// tantivy's `meta.json` (which names the segments and their deletions), so
/// that two builds of the same corpus give the same name, and a generation
/// left by updates is not taken for the canonical one a rebuild writes.
fn generation_name(dir: &Path) -> Result<String> {
    let mut identity = String::new();
    for name in [super::MANIFEST, super::DOCS, "meta.json"] {
        let path = dir.join(name);
        identity.push_str(&fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?);
        identity.push('\0');
    }
    Ok(format!("gen-{}", &sha256_hex(identity.as_bytes())[..16]))
}

pub fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = fs::File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| Error::io(path, e))
}

/// Removes what killed builds left: `.build-*` folders and generations that
/// `CURRENT` does not name. Called with the lock held.
pub fn clean_leftovers(root: &Path) {
    let live = fs::read_to_string(root.join(CURRENT)).unwrap_or_default();
    let live = live.trim();
    if let Ok(entries) = fs::read_dir(root) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with(".build-") || name.starts_with(".stale-") || (name.starts_with("gen-") && name != live) || name.ends_with(".tmp") {
                let _ = fs::remove_dir_all(e.path());
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Makes a finished build folder the live generation: renames it to its
/// generation name, swaps `CURRENT`, and removes the previous generation
/// (readers that opened it keep their open files).
pub fn publish(index_dir: &IndexDir, build_dir: &Path, previous: Option<PathBuf>) -> Result<()> {
    let generation = generation_name(build_dir)?;
    let live_dir = index_dir.root.join(&generation);
    if previous.as_deref() == Some(live_dir.as_path()) {
        if generation_name(&live_dir).ok().as_deref() == Some(generation.as_str()) {
            // The same content is live already (a build that changed
            // nothing): its files are these bytes, so the new build is dropped.
            let _ = fs::remove_dir_all(build_dir);
            return Ok(());
        }
        // The live folder has the name but not the content (damaged): set it aside.
        let aside = index_dir.root.join(format!(".stale-{}", std::process::id()));
        fs::rename(&live_dir, &aside).map_err(|e| Error::io(&live_dir, e))?;
        fs::rename(build_dir, &live_dir).map_err(|e| Error::io(&live_dir, e))?;
        let _ = fs::remove_dir_all(aside);
        return Ok(());
    }
    let _ = fs::remove_dir_all(&live_dir);
    fs::rename(build_dir, &live_dir).map_err(|e| Error::io(&live_dir, e))?;
    let tmp = index_dir.root.join(format!("{CURRENT}.tmp"));
    write_synced(&tmp, generation.as_bytes())?;
    share(&tmp);
    fs::rename(&tmp, index_dir.root.join(CURRENT)).map_err(|e| Error::io(index_dir.root.join(CURRENT), e))?;
    sync_dir(&index_dir.root);
    if let Some(prev) = previous {
        let _ = fs::remove_dir_all(prev);
    }
    Ok(())
}

impl IndexDir {
    /// Creates the index folder (and its parents) when missing.
    pub fn create(&self) -> Result<()> {
        if self.root.is_dir() {
            return Ok(());
        }
        fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        share(&self.root);
        Ok(())
    }
}
