//! What the integration tests share: the seed corpus kept under
//! `tests/fixtures/corpus` (the five seeds and their BibTeX entries), so that
//! documents a user adds to the live `corpus/` never change what a test sees.
//! Taxonomy and thesaurus are the built-in ones.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

/// The seed corpus folder (read it; copy it before writing).
pub fn seed_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

/// Copies the seed corpus into `to` (created).
pub fn copy_seed_corpus(to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(seed_corpus()).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A scratch folder with an empty `corpus/` beside where the index goes:
/// what most integration tests start from. Each test file adds its own
/// methods (`impl Env { … }`) for what it writes and runs.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("corpus")).unwrap();
        Env { dir }
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }
}

pub mod serve;
