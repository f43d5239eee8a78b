//! The live index: the generation answering requests now, swapped for a new
//! one when a background build finishes (readers hold an `Arc` of the one
//! they started with, so no request fails or sees a mix), the build's
//! progress, and the watcher that starts builds when the corpus changes.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use notify::{EventKind, RecursiveMode, Watcher};

use super::config::Log;
use super::error::ServeError;
use crate::engine::{BuildOptions, BuildReport, Engine, Observer};
use crate::error::Error;
use crate::store::{self, Freshness, OpenIndex};
use crate::wire::{BuildProgress, FormatVersion, LastBuild, StatusResponse};

/// The index being answered from, and the builds that replace it.
pub struct LiveIndex {
    engine: Engine,
    current: RwLock<Option<Arc<OpenIndex>>>,
    state: Mutex<BuildState>,
    log: Log,
}

#[derive(Default)]
struct BuildState {
    building: Option<(Instant, usize, usize, String)>,
    last: Option<LastBuild>,
    watching: bool,
}

impl LiveIndex {
    pub fn new(engine: Engine, log: Log) -> LiveIndex {
        LiveIndex { engine, current: RwLock::new(None), state: Mutex::new(BuildState::default()), log }
    }

    /// The generation answering now (cheap: an `Arc` clone under a read lock).
    pub fn index(&self) -> Result<Arc<OpenIndex>, ServeError> {
        match self.current.read().unwrap_or_else(|e| e.into_inner()).as_ref() {
            Some(open) => Ok(Arc::clone(open)),
            None => Err(ServeError::NotReady(self.not_ready_reason())),
        }
    }

    fn not_ready_reason(&self) -> String {
        let state = self.lock();
        match (&state.building, &state.last) {
            (Some((_, done, total, _)), _) => format!("building it ({done} of {total} documents)"),
            (None, Some(LastBuild { error: Some(e), .. })) => format!("the build failed: {e}"),
            _ => "opening it".into(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BuildState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens the index as it is (or leaves the server not ready when there
    /// is none yet); true when it is missing or stale and needs a build.
    pub fn open_existing(&self) -> bool {
        match store::open(&self.engine.index) {
            Ok(open) => {
                let stale = !matches!(store::freshness(&self.engine.index, &self.engine.corpus), Ok(Freshness::Fresh));
                self.swap(open);
                stale
            }
            Err(_) => true,
        }
    }

    fn swap(&self, open: OpenIndex) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(open));
    }

    /// Builds or updates the index with the engine, then makes the new
    /// generation live. A failure is kept for `/api/status`; the old
    /// generation goes on answering.
    pub fn rebuild(&self) {
        let started = Instant::now();
        self.lock().building = Some((started, 0, 0, String::new()));
        let mut observer = Progress(self);
        let mut result = self.engine.build(BuildOptions::default(), &mut observer);
        if let Err(Error::SchemaMismatch { .. }) = result {
            // An index of another folio version: build a new one from scratch.
            result = self.engine.build(BuildOptions { rebuild: true, ..BuildOptions::default() }, &mut observer);
        }
        let result = result.and_then(|report| store::open(&self.engine.index).map(|open| (report, open)));
        let seconds = started.elapsed().as_secs_f64();
        let finished_unix = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let last = match result {
            Ok((report, open)) => {
                self.swap(open);
                (self.log)(&describe(&report, seconds));
                LastBuild { status: if report.full { "built" } else { "updated" }.into(), finished_unix, seconds, reindexed: report.n_reindexed, error: None }
            }
            Err(e) => {
                (self.log)(&format!("re-indexing failed: {e}; still answering from the previous index"));
                LastBuild { status: "failed".into(), finished_unix, seconds, reindexed: 0, error: Some(e.to_string()) }
            }
        };
        let mut state = self.lock();
        state.building = None;
        state.last = Some(last);
    }

    /// `/api/status`.
    pub fn status(&self) -> StatusResponse {
        let open = self.current.read().unwrap_or_else(|e| e.into_inner()).clone();
        let state = self.lock();
        let building = state.building.as_ref().map(|(t, done, total, current)| BuildProgress { done: *done, total: *total, current: current.clone(), seconds: t.elapsed().as_secs_f64() });
        let (generation, documents, passages, problems, skipped) = match &open {
            Some(o) => {
                let generation = o.path.file_name().map(|n| n.to_string_lossy().into_owned());
                (generation, o.manifest.n_docs, o.manifest.n_passages, o.manifest.warnings.clone(), o.manifest.skipped.clone())
            }
            None => (None, 0, 0, vec![], vec![]),
        };
        StatusResponse { folio_json: FormatVersion, ready: open.is_some(), generation, documents, passages, watching: state.watching, building, last_build: state.last.clone(), problems, skipped }
    }

    /// Opens the index, builds it if needed, then (when asked) watches the
    /// corpus and re-indexes after each burst of changes. Runs until the
    /// process ends; call it on a thread of its own.
    pub fn run(self: Arc<Self>, watch: bool, debounce: Duration) {
        let (tx, rx) = mpsc::channel();
        let ignore = Ignore::new(&self.engine.corpus, &self.engine.index.root);
        // Watch before the first build, so that no change made during it is missed.
        let watcher = if watch { self.watch(&ignore.corpus, tx) } else { None };
        if self.open_existing() {
            self.rebuild();
        }
        let Some(_watcher) = watcher else { return };
        while let Ok(event) = rx.recv() {
            if !ignore.relevant(&event) {
                continue;
            }
            // Debounce: wait for a quiet spell (at most a few seconds of a steady stream).
            let burst = Instant::now();
            loop {
                match rx.recv_timeout(debounce) {
                    Ok(_) if burst.elapsed() < debounce * 10 => continue,
                    Ok(_) | Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            self.rebuild();
        }
    }

    fn watch(&self, corpus: &Path, tx: mpsc::Sender<notify::Event>) -> Option<notify::RecommendedWatcher> {
        let handler = move |res: notify::Result<notify::Event>| {
            if let Ok(event) = res {
                let _ = tx.send(event);
            }
        };
        let started = notify::recommended_watcher(handler).and_then(|mut w| w.watch(corpus, RecursiveMode::Recursive).map(|()| w));
        match started {
            Ok(w) => {
                self.lock().watching = true;
                Some(w)
            }
            Err(e) => {
                (self.log)(&format!("cannot watch {} for changes ({e}); restart the server to pick up changes", self.engine.corpus.display()));
                None
            }
        }
    }
}

fn describe(report: &BuildReport, seconds: f64) -> String {
    let what = if report.full { "built the index" } else { "updated the index" };
    format!("{what}: {} re-read, {} in {seconds:.1} s", crate::plural(report.n_reindexed, "document"), crate::plural(report.manifest.n_passages, "passage"))
}

/// Build progress, written into the shared state for `/api/status`.
struct Progress<'a>(&'a LiveIndex);

impl Observer for Progress<'_> {
    fn note(&mut self, message: &str) {
        (self.0.log)(message);
    }
    fn progress(&mut self, done: usize, total: usize, path: &str) {
        if let Some(b) = self.0.lock().building.as_mut() {
            (b.1, b.2, b.3) = (done, total, path.to_string());
        }
    }
}

/// Which file events start a build: changes (not reads, which the build
/// itself causes) to files that are neither hidden nor in the index folder.
struct Ignore {
    corpus: PathBuf,
    index: PathBuf,
}

impl Ignore {
    fn new(corpus: &Path, index: &Path) -> Ignore {
        // Events name canonical paths (the corpus is watched by its canonical
        // path); an index folder not made yet is named by its parent's.
        let absolute = |p: &Path| {
            let p = &std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf());
            std::fs::canonicalize(p).unwrap_or_else(|_| match (p.parent().map(std::fs::canonicalize), p.file_name()) {
                (Some(Ok(parent)), Some(name)) => parent.join(name),
                _ => p.to_path_buf(),
            })
        };
        Ignore { corpus: absolute(corpus), index: absolute(index) }
    }

    fn relevant(&self, event: &notify::Event) -> bool {
        let change = match event.kind {
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any => true,
            EventKind::Access(notify::event::AccessKind::Close(notify::event::AccessMode::Write)) => true,
            EventKind::Access(_) | EventKind::Other => false,
        };
        change && event.paths.iter().any(|p| self.counts(p))
    }

    fn counts(&self, path: &Path) -> bool {
        if path.starts_with(&self.index) {
            return false;
        }
        let Ok(inside) = path.strip_prefix(&self.corpus) else { return false };
        !inside.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};

    #[test]
    fn changes_to_documents_start_builds_and_reads_and_the_index_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        let ignore = Ignore::new(&corpus, &corpus.join("index"));
        let at = |kind: EventKind, path: &str| notify::Event::new(kind).add_path(ignore.corpus.join(path));
        assert!(ignore.relevant(&at(EventKind::Create(CreateKind::File), "new.md")));
        assert!(ignore.relevant(&at(EventKind::Modify(ModifyKind::Any), "sub/doc.txt")));
        assert!(ignore.relevant(&at(EventKind::Access(AccessKind::Close(AccessMode::Write)), "doc.txt")));
        assert!(!ignore.relevant(&at(EventKind::Access(AccessKind::Open(AccessMode::Read)), "doc.txt")), "the build's own reads");
        assert!(!ignore.relevant(&at(EventKind::Modify(ModifyKind::Any), ".doc.txt.swp")), "hidden files");
        assert!(!ignore.relevant(&at(EventKind::Create(CreateKind::File), "index/gen-1/meta.json")), "the index inside the corpus");
        let outside = notify::Event::new(EventKind::Create(CreateKind::File)).add_path(dir.path().join("elsewhere.txt"));
        assert!(!ignore.relevant(&outside));
    }
}
