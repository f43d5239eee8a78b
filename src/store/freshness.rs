//! Freshness: whether the index matches the corpus, and the plan of an
//! update — which documents to (re)index and which to delete, with the reasons
//! a user is shown. Reads file metadata only, except for files whose size or
//! modification time changed, which `source` hashes.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::generation::IndexDir;
use super::manifest::{DocEntry, Manifest, StatCache};
use super::stamp::Stamp;
use crate::error::Result;
use crate::source::{self, Scan};

/// Whether the index matches the corpus, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Freshness {
    Missing,
    Fresh,
    Stale(Vec<String>),
}

/// Hash identifying the taxonomy in use (the built-in one included).
pub fn taxonomy_hash(scan: &Scan) -> String {
    source::sha256_hex(scan.taxonomy.as_ref().map_or(crate::vocab::taxonomy::DEFAULT_TAXONOMY, |t| t.1.as_str()).as_bytes())
}

/// Why the index cannot simply be updated: another folio built it, or the taxonomy changed.
pub fn needs_full_rebuild(manifest: &Manifest, scan: &Scan) -> Option<String> {
    if manifest.analyzer_version != crate::text::ANALYZER_VERSION || manifest.folio_version != env!("CARGO_PKG_VERSION") {
        Some("built by another folio version".into())
    } else if manifest.taxonomy_hash != taxonomy_hash(scan) {
        Some(format!("{} changed", source::TAXONOMY_FILE))
    } else {
        None
    }
}

/// What an update has to do, document by document.
#[derive(Debug, Default)]
pub struct Plan {
    /// Indexes into `scan.docs` of documents to (re)index.
    pub changed: Vec<usize>,
    /// Keys whose passages leave the index (changed or removed documents).
    pub delete_keys: Vec<String>,
    pub unchanged: usize,
    pub reasons: Vec<String>,
    /// Size, time and content hash of every document whose content was compared.
    pub hashed: StatCache,
}

pub fn plan(manifest: &Manifest, scan: &Scan, cache: &StatCache) -> Plan {
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
                let hash = source::content_hash(&planned.file, cache.files.get(&planned.file.rel_path));
                if !hash.is_empty() {
                    plan.hashed.files.insert(planned.file.rel_path.clone(), (planned.file.size, planned.file.mtime_ns, hash.clone()));
                }
                if hash == prev.content_hash {
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
        plan.reasons.push(format!("{} changed", source::THESAURUS_FILE));
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
    let scan = source::scan(corpus_root)?;
    if let Some(reason) = needs_full_rebuild(manifest, &scan) {
        return Ok(Freshness::Stale(vec![reason]));
    }
    let cache = StatCache::read(&index_dir.root);
    let plan = plan(manifest, &scan, &cache);
    if !plan.reasons.is_empty() {
        return Ok(Freshness::Stale(plan.reasons));
    }
    // Fresh: remember the hashes and the stats, so that the next check reads neither files nor folders.
    if plan.hashed.files != cache.files {
        plan.hashed.write(&index_dir.root);
    }
    super::stamp::remember(index_dir, &scan);
    Ok(Freshness::Fresh)
}

/// Whether the quick check says the live index matches the corpus: the
/// stamp of its last full check holds (one stat per file and folder).
pub fn stamped_fresh(index_dir: &IndexDir, corpus_root: &Path) -> bool {
    let live = index_dir.live();
    let Some(name) = live.as_deref().and_then(generation_name) else { return false };
    Stamp::read(&index_dir.root).is_some_and(|s| s.holds(name, corpus_root))
}

/// Runs `answer` on this thread while the stamp is checked for the
/// generation `generation` on others (this thread joins in when `answer` is
/// done): the answer, and whether the stamp held. The first of those threads
/// also builds what tantivy would build on `answer`'s way (`reader::warm_up`).
pub fn while_stamp_checked<T>(index_dir: &IndexDir, corpus_root: &Path, generation: &str, answer: impl FnOnce() -> T) -> (T, bool) {
    let stamp = std::sync::OnceLock::new();
    let check = std::sync::OnceLock::new();
    let (stamp, check) = (&stamp, &check);
    let answered = std::thread::scope(|s| {
        s.spawn(move || {
            super::reader::warm_up();
            let stamp = stamp.get_or_init(|| Stamp::read(&index_dir.root));
            if let Some(check) = check.get_or_init(|| stamp.as_ref().and_then(|st| st.check(generation, corpus_root))) {
                for _ in 2..check.threads() {
                    s.spawn(|| check.work());
                }
                check.work();
            }
        });
        let answered = answer();
        if let Some(Some(check)) = check.get() {
            check.work();
        }
        answered
    });
    // Every thread has returned: the check is complete unless a file differed.
    (answered, check.get().and_then(Option::as_ref).is_some_and(|c| c.holds()))
}

/// The name of a generation folder (`gen-…`), as `CURRENT` and the stamp spell it.
pub fn generation_name(live: &Path) -> Option<&str> {
    live.file_name()?.to_str()
}

