//! Pairs document files with their library entries and assigns document keys:
//! an entry whose `file` field names the file (inside the corpus folder or
//! outside it: attachments of a Zotero or JabRef library), else an entry whose
//! key is the file's stem key, else an entry whose title the file name
//! carries; a document without an entry gets its stem key, made unique.
//!
//! Files outside the corpus are read only when a `file` field names them and
//! they are in a document format (never `/etc/passwd` or a key file), and are
//! recorded by their path relative to the corpus folder, never absolute.

use crate::text::edit_distance as distance;
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use super::hash::sha256_hex;
use super::walk::FoundFile;
use super::{key_from_path, Format, Planned};
use crate::model::{DocMeta, Skipped, Warning};

/// A library entry: its metadata, the files its `file` field names, the
/// library file it came from, and the source text its hash is taken over.
#[derive(Debug, Clone)]
pub struct LibEntry {
    pub meta: DocMeta,
    pub files: Vec<String>,
    pub library: String,
    pub source: String,
}

/// Library entries by key.
pub type Entries = BTreeMap<String, LibEntry>;

/// How a `file` field path is shown in messages: as written when relative,
/// its file name alone when absolute (the index never stores absolute paths).
fn shown(path: &str) -> String {
    if Path::new(path).is_absolute() || path.contains(":\\") {
        Path::new(path).file_name().map_or_else(|| "(absolute path)".into(), |n| format!("…/{}", n.to_string_lossy()))
    } else {
        path.to_string()
    }
}

/// `to` relative to the folder `from` (both absolute, canonical), with `..`.
fn relative(from: &Path, to: &Path) -> String {
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".into(); a.len() - common];
    parts.extend(b[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

/// Letters and digits only, lower case: how names and titles are compared.
fn norm(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}


/// The closest of `candidates` to `name`, if close enough to suggest.
fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let target = norm(name);
    let best = candidates.map(|c| (distance(&target, &norm(c)), c)).min();
    match best {
        Some((d, c)) if d * 3 <= target.chars().count().max(3) => format!("; did you mean `{c}`?"),
        _ => String::new(),
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Where each entry's `file` field points: corpus files it names (by relative
/// path) and attachments outside the corpus, which are added to `files`.
fn entries_by_file(root: &Path, entries: &Entries, files: &mut Vec<FoundFile>, found: &mut Found) -> BTreeMap<String, String> {
    let Found { warnings, skipped, absent } = found;
    let canonical_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let corpus_files: Vec<FoundFile> = files.clone();
    let mut by_file: BTreeMap<String, String> = BTreeMap::new();
    for (key, entry) in entries {
        let mut attached = false;
        for written in &entry.files {
            let warn = |warnings: &mut Vec<Warning>, message: String| warnings.push(Warning { path: entry.library.clone(), message });
            let trimmed = written.trim_start_matches("./");
            let target: PathBuf = if Path::new(trimmed).is_absolute() { PathBuf::from(trimmed) } else { root.join(trimmed) };
            let rel_path = match fs::canonicalize(&target) {
                Ok(canonical) => {
                    let meta = fs::metadata(&canonical);
                    let rel = match canonical.strip_prefix(&canonical_root) {
                        Ok(inside) => inside.to_string_lossy().replace('\\', "/"),
                        Err(_) => relative(&canonical_root, &canonical),
                    };
                    if Format::of(&rel).is_none() || !meta.as_ref().is_ok_and(fs::Metadata::is_file) {
                        warn(warnings, format!("entry `{key}` names `{}`, which is not a document file folio reads: not read", shown(written)));
                        continue;
                    }
                    if !corpus_files.iter().any(|f| f.rel_path == rel) {
                        if rel.starts_with("../") || !canonical.starts_with(&canonical_root) {
                            // An attachment outside the corpus folder.
                            if attached || by_file.contains_key(&rel) {
                                skipped.push(Skipped { path: rel, reason: format!("another attachment of entry `{key}`; its first document is indexed") });
                                continue;
                            }
                            let meta = meta.expect("checked above");
                            let mtime_ns = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as i128);
                            files.push(FoundFile { rel_path: rel.clone(), path: canonical, size: meta.len(), mtime_ns });
                        } else {
                            // Inside the corpus but not listed (hidden): not read.
                            warn(warnings, format!("entry `{key}` names `{rel}`, which folio does not read (hidden)"));
                            continue;
                        }
                    }
                    rel
                }
                Err(_) => {
                    absent.push(target.clone());
                    // Not found: a corpus document of the same file name is taken.
                    let name = file_name(trimmed);
                    match corpus_files.iter().find(|f| file_name(&f.rel_path) == name && !by_file.contains_key(&f.rel_path)) {
                        Some(f) => {
                            warn(warnings, format!("entry `{key}` names `{}`, which does not exist; paired with `{}`, which has the same name: fix the `file` field", shown(written), f.rel_path));
                            f.rel_path.clone()
                        }
                        None => {
                            let hint = did_you_mean(name, corpus_files.iter().map(|f| file_name(&f.rel_path)));
                            warn(warnings, format!("entry `{key}` names file `{}`, which is not in the corpus{hint}; add the file or fix the `file` field", shown(written)));
                            continue;
                        }
                    }
                }
            };
            if let Some(other) = by_file.get(&rel_path) {
                warnings.push(Warning { path: entry.library.clone(), message: format!("entries `{other}` and `{key}` both name file `{rel_path}`; `{other}` is used") });
                continue;
            }
            if attached {
                skipped.push(Skipped { path: rel_path, reason: format!("another attachment of entry `{key}`; its first document is indexed") });
                continue;
            }
            attached = true;
            by_file.insert(rel_path, key.clone());
        }
    }
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    files.dedup_by(|a, b| a.rel_path == b.rel_path);
    by_file
}

/// What pairing reports besides the plan.
#[derive(Debug, Default)]
pub struct Found {
    pub warnings: Vec<Warning>,
    pub skipped: Vec<Skipped>,
    /// Files the libraries name that do not exist: if one appears, the plan changes.
    pub absent: Vec<PathBuf>,
}

/// Plans every file: its key, its metadata and the hash of its entry. Files
/// outside the corpus that entries attach are added to `files`.
pub fn pair(root: &Path, files: &mut Vec<FoundFile>, entries: &Entries, found: &mut Found) -> Vec<Planned> {
    let by_file = entries_by_file(root, entries, files, found);
    let Found { warnings, skipped, .. } = found;
    // Skipped attachments are not indexed.
    let dropped: HashSet<String> = skipped.iter().map(|s| s.path.clone()).collect();
    files.retain(|f| !dropped.contains(&f.rel_path) || by_file.contains_key(&f.rel_path));
    let mut named: HashSet<String> = by_file.values().cloned().collect();
    let stem_keys: Vec<String> = files.iter().map(|f| key_from_path(&f.rel_path)).collect();
    let mut entry_keys: Vec<Option<String>> = vec![None; files.len()];
    for (i, f) in files.iter().enumerate() {
        entry_keys[i] = by_file.get(&f.rel_path).cloned();
    }
    for i in 0..files.len() {
        if entry_keys[i].is_none() && entries.contains_key(&stem_keys[i]) && !named.contains(&stem_keys[i]) {
            named.insert(stem_keys[i].clone());
            entry_keys[i] = Some(stem_keys[i].clone());
        }
    }
    // By title: "Guan - 2022 - Cyber sovereignty and the past.html".
    for i in 0..files.len() {
        if entry_keys[i].is_some() {
            continue;
        }
        let stem = norm(Path::new(file_name(&files[i].rel_path)).with_extension("").to_string_lossy().as_ref());
        let found = entries.iter().find(|(k, e)| {
            !named.contains(*k) && e.meta.title.as_deref().map(norm).is_some_and(|t| t.chars().count() >= 12 && stem.contains(&t))
        });
        if let Some((k, _)) = found {
            named.insert(k.clone());
            entry_keys[i] = Some(k.clone());
        }
    }
    // BibTeX keys are reserved first: a document without an entry never takes one.
    let mut used_keys: HashSet<String> = entry_keys.iter().flatten().cloned().collect();
    used_keys.extend(entries.keys().cloned());
    let no_entry_hash = sha256_hex(b"-");
    let mut docs = vec![];
    for (i, f) in files.iter().enumerate() {
        let (meta, has_entry, entry_hash) = match entry_keys[i].as_ref().and_then(|k| entries.get(k)) {
            Some(e) => (e.meta.clone(), true, sha256_hex(e.source.as_bytes())),
            None => {
                if !entries.is_empty() {
                    let name = file_name(&f.rel_path);
                    let hint = did_you_mean(&stem_keys[i], entries.keys().map(String::as_str));
                    if !hint.is_empty() {
                        warnings.push(Warning { path: f.rel_path.clone(), message: format!("no library entry for `{name}` (by `file` field, key or title){hint}; its metadata is guessed from the text") });
                    }
                }
                (DocMeta { key: unique_key(&stem_keys[i], &mut used_keys), guessed: true, ..DocMeta::default() }, false, no_entry_hash.clone())
            }
        };
        docs.push(Planned { file: f.clone(), key: meta.key.clone(), meta, has_entry, entry_hash });
    }
    docs
}

/// `stem_key`, or `stem_key-2`, `-3`, … when taken.
fn unique_key(stem_key: &str, used: &mut HashSet<String>) -> String {
    let mut key = stem_key.to_string();
    let mut n = 2;
    while used.contains(&key) {
        key = format!("{stem_key}-{n}");
        n += 1;
    }
    used.insert(key.clone());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_and_suggestions() {
        assert_eq!(relative(Path::new("/a/b/corpus"), Path::new("/a/lib/x y.html")), "../../lib/x y.html");
        assert_eq!(shown("/home/u/Zotero/a.html"), "…/a.html");
        assert_eq!(did_you_mean("guan-2022.html", ["guan-2021.html", "other.txt"].into_iter()), "; did you mean `guan-2021.html`?");
        assert_eq!(did_you_mean("zzzz", ["guan-2021.html"].into_iter()), "");
    }
}
