//! Pairs document files with their BibTeX entries and assigns document keys:
//! an entry whose `file` field names the file, else an entry whose key is the
//! file's stem key; a document without an entry gets its stem key, made unique.

use std::collections::{BTreeMap, HashSet};

use super::hash::sha256_hex;
use super::walk::FoundFile;
use super::{key_from_path, Planned, BIB_FILE};
use crate::model::{DocMeta, Warning};

/// BibTeX entries by key, with the file each names.
pub type Entries = BTreeMap<String, (DocMeta, Option<String>)>;

/// Which entry names which file (its `file` field); problems become warnings.
fn entries_by_file(entries: &Entries, files: &[FoundFile], warnings: &mut Vec<Warning>) -> BTreeMap<String, String> {
    let mut by_file: BTreeMap<String, String> = BTreeMap::new();
    for (key, (_, file)) in entries {
        let Some(file) = file else { continue };
        let file = file.trim_start_matches("./").to_string();
        if !files.iter().any(|f| f.rel_path == file) {
            warnings.push(Warning {
                path: BIB_FILE.into(),
                message: format!("entry `{key}` names file `{file}`, which is not in the corpus; add the file or fix the `file` field"),
            });
        }
        if let Some(other) = by_file.get(&file) {
            warnings.push(Warning { path: BIB_FILE.into(), message: format!("entries `{other}` and `{key}` both name file `{file}`; `{other}` is used") });
            continue;
        }
        by_file.insert(file, key.clone());
    }
    by_file
}

/// Plans every file: its key, its metadata and the hash of its entry.
pub fn pair(files: &[FoundFile], entries: &Entries, warnings: &mut Vec<Warning>) -> Vec<Planned> {
    let by_file = entries_by_file(entries, files, warnings);
    let named: HashSet<&String> = by_file.values().collect();
    let stem_keys: Vec<String> = files.iter().map(|f| key_from_path(&f.rel_path)).collect();
    let entry_of = |i: usize| -> Option<String> {
        let stem_key = &stem_keys[i];
        by_file.get(&files[i].rel_path).cloned().or_else(|| (entries.contains_key(stem_key) && !named.contains(stem_key)).then(|| stem_key.clone()))
    };
    // BibTeX keys are reserved first: a document without an entry never takes one.
    let entry_keys: Vec<Option<String>> = (0..files.len()).map(entry_of).collect();
    let mut used_keys: HashSet<String> = entry_keys.iter().flatten().cloned().collect();
    let no_entry_hash = sha256_hex(b"-");
    let mut docs = vec![];
    for (i, f) in files.iter().enumerate() {
        let (meta, has_entry) = match entry_keys[i].as_ref().and_then(|k| entries.get(k)) {
            Some((meta, _)) => (meta.clone(), true),
            None => (DocMeta { key: unique_key(&stem_keys[i], &mut used_keys), guessed: true, ..DocMeta::default() }, false),
        };
        let entry_hash = meta.bibtex.as_ref().map_or_else(|| no_entry_hash.clone(), |b| sha256_hex(b.as_bytes()));
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
