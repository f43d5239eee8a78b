//! Keeping the index fresh: `build` runs the pipeline over the scanned
//! corpus; `open_fresh` opens the index for answering, first building it when
//! missing or updating it when stale; `index` is the `folio index` command.

use std::time::Instant;

use super::build::{self, BuildOptions, BuildReport};
use super::{Engine, Observer};
use crate::error::{Error, Result};
use crate::source;
use crate::store::{self, Freshness, OpenIndex};
use crate::wire::{FormatVersion, GuessedDoc, IndexReport, IndexedDoc};

impl Engine {
    /// Scans the corpus and builds or updates the index.
    pub fn build(&self, options: BuildOptions, observer: &mut dyn Observer) -> Result<BuildReport> {
        let started = Instant::now();
        let scan = source::scan(&self.corpus)?;
        let mut progress = |done: usize, total: usize, path: &str| observer.progress(done, total, path);
        let report = build::build(&self.index, &scan, options, &mut progress)?;
        for note in &report.notes {
            observer.note(note);
        }
        observer.built(&report, started.elapsed());
        Ok(report)
    }

    /// Opens the index, first building it when it is missing or updating it
    /// when it is stale, saying so through the observer.
    pub fn open_fresh(&self, observer: &mut dyn Observer) -> Result<OpenIndex> {
        if store::stamped_fresh(&self.index, &self.corpus)
            && let Ok(open) = store::open(&self.index)
        {
            return Ok(open);
        }
        self.open_checked(observer)
    }

    /// `answer` from the index, fresh: as `open_fresh` then `answer`, but the
    /// live generation is answered from while its stamp is checked on other
    /// threads (the stats are most of a quick answer's time). The answer is
    /// kept (an error too) only when the stamp holds for the generation it
    /// came from; else the index is checked in full (updated when stale) and
    /// `answer` runs again, so it must only read.
    pub fn answer_fresh<T>(&self, observer: &mut dyn Observer, answer: impl Fn(&OpenIndex) -> Result<T>) -> Result<(OpenIndex, T)> {
        if let Some(done) = self.answer_if_stamped(&answer) {
            return done;
        }
        let open = self.open_checked(observer)?;
        let answered = answer(&open)?;
        Ok((open, answered))
    }

    fn answer_if_stamped<T>(&self, answer: &impl Fn(&OpenIndex) -> Result<T>) -> Option<Result<(OpenIndex, T)>> {
        let live = self.index.live()?;
        let generation = store::generation_name(&live)?;
        // A build may swap CURRENT meanwhile: only an answer from the generation stamped counts.
        let answer = || store::open(&self.index).ok().filter(|open| open.path == live).map(|open| answer(&open).map(|a| (open, a)));
        let (answered, holds) = store::while_stamp_checked(&self.index, &self.corpus, generation, answer);
        holds.then_some(answered).flatten()
    }

    /// Opens the index after a full freshness check, building or updating it as needed.
    fn open_checked(&self, observer: &mut dyn Observer) -> Result<OpenIndex> {
        let freshness = match store::open(&self.index) {
            Ok(open) => match store::freshness(&self.index, &self.corpus)? {
                Freshness::Fresh => return Ok(open),
                stale => stale,
            },
            Err(Error::IndexMissing { .. }) => Freshness::Missing,
            Err(e) => return Err(e),
        };
        match freshness {
            Freshness::Fresh => {}
            Freshness::Missing => {
                observer.note(&format!("no index at {}; building it from {}", self.index.root.display(), self.corpus.display()));
                self.build(BuildOptions::default(), observer)?;
            }
            Freshness::Stale(reasons) => self.update_stale(&reasons, observer)?,
        }
        store::open(&self.index)
    }

    fn update_stale(&self, reasons: &[String], observer: &mut dyn Observer) -> Result<()> {
        let shown: Vec<&str> = reasons.iter().take(3).map(String::as_str).collect();
        let more = if reasons.len() > 3 { format!(" and {} more", reasons.len() - 3) } else { String::new() };
        let why = format!("{}{more}", shown.join("; "));
        let read_only = |observer: &mut dyn Observer| {
            observer.note(&format!(
                "index at {} is out of date ({why}) and this user cannot write to it: searching it as it is; run `folio index` as a user who can write there to update it",
                self.index.root.display()
            ));
        };
        if stale_action(store::generation::writable(&self.index.root)) == StaleAction::SearchAsIs {
            read_only(observer);
            return Ok(());
        }
        observer.note(&format!("index out of date ({why}); updating it"));
        match self.build(BuildOptions::default(), observer) {
            Ok(_) => Ok(()),
            // Writable folder, unwritable files (another owner's lock or generation).
            Err(Error::Io { source, .. }) if is_read_only(&source) && self.index.live().is_some() => {
                read_only(observer);
                Ok(())
            }
            // Someone else is updating it: search what is live, and say so.
            Err(Error::Locked { .. }) if self.index.live().is_some() => {
                observer.note("another `folio index` is updating the index; searching the current one");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// `folio index`: builds, updates, or says the index is up to date.
    pub fn index(&self, options: BuildOptions, observer: &mut dyn Observer) -> Result<IndexReport> {
        let freshness = match store::freshness(&self.index, &self.corpus) {
            Err(Error::SchemaMismatch { .. }) if options.rebuild => Freshness::Missing,
            other => other?,
        };
        let (status, report) = if !options.rebuild && freshness == Freshness::Fresh && self.model_is_current(options)? {
            let manifest = self.index.manifest()?.ok_or_else(|| Error::IndexMissing { path: self.index.root.clone() })?;
            if options.strict && !manifest.warnings.is_empty() {
                return Err(Error::Strict { n: manifest.warnings.len(), first: manifest.warnings[0].to_string() });
            }
            observer.note(&format!(
                "index is up to date ({}, {}); `folio index --rebuild` forces a rebuild",
                crate::plural(manifest.docs.len(), "document"),
                crate::plural(manifest.n_passages, "passage")
            ));
            let n = manifest.docs.len();
            // Skipped files do not make the index stale: list them as they are now.
            let mut manifest = manifest;
            manifest.skipped = source::scan(&self.corpus)?.skipped;
            ("up-to-date", BuildReport { manifest, full: false, n_reindexed: 0, n_unchanged: n, notes: vec![] })
        } else {
            let report = self.build(options, observer)?;
            (if report.full { "built" } else { "updated" }, report)
        };
        Ok(index_report(status, &report))
    }
}

impl Engine {
    /// Whether the live index's vectors come from the model `folio index`
    /// would use now (after `folio model install`, an index rebuilds with
    /// the encoder).
    fn model_is_current(&self, options: BuildOptions) -> Result<bool> {
        let manifest = self.index.manifest()?;
        let live = manifest.as_ref().and_then(|m| m.vectors.as_ref()).map(|v| &v.model);
        let wanted = (!options.no_vectors).then(|| super::vectors::index_embedder().0.id().clone());
        Ok(live == wanted.as_ref())
    }
}

/// What searching does with a stale index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleAction {
    /// Update it first (the index folder is writable).
    Update,
    /// Search it as it is, saying it is stale (a shared, read-only index).
    SearchAsIs,
}

pub fn stale_action(writable: bool) -> StaleAction {
    if writable { StaleAction::Update } else { StaleAction::SearchAsIs }
}

fn is_read_only(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem)
}

fn index_report(status: &str, report: &BuildReport) -> IndexReport {
    let m = &report.manifest;
    IndexReport {
        folio_json: FormatVersion,
        status: status.to_string(),
        documents: m.docs.len(),
        passages: m.n_passages,
        reindexed: report.n_reindexed,
        unchanged: report.n_unchanged,
        languages: m.languages.clone(),
        warnings: m.warnings.clone(),
        docs: m.docs.iter().map(|d| IndexedDoc { key: d.key.clone(), path: d.path.clone(), title: d.title.clone(), passages: d.n_passages, language: d.language.clone() }).collect(),
        skipped: m.skipped.clone(),
        skipped_by_reason: skipped_by_reason(&m.skipped),
        guessed: guessed_docs(m),
    }
}

/// Reason → number of files skipped for it.
pub fn skipped_by_reason(skipped: &[crate::model::Skipped]) -> std::collections::BTreeMap<String, usize> {
    let mut out = std::collections::BTreeMap::new();
    for s in skipped {
        *out.entry(s.reason.clone()).or_default() += 1;
    }
    out
}

/// The documents whose metadata no library entry gives.
pub fn guessed_docs(m: &crate::store::manifest::Manifest) -> Vec<GuessedDoc> {
    m.docs
        .iter()
        .filter(|d| d.meta.guessed)
        .map(|d| {
            let meta = &d.meta;
            let mut guessed = vec![];
            let mut missing = vec![];
            for (field, present) in [("title", meta.title.is_some()), ("authors", !meta.authors.is_empty()), ("year", meta.year.is_some())] {
                match (present, meta.embedded.iter().any(|f| f == field)) {
                    (true, true) => {}
                    (true, false) => guessed.push(field.to_string()),
                    (false, _) => missing.push(field.to_string()),
                }
            }
            GuessedDoc { key: d.key.clone(), path: d.path.clone(), embedded: meta.embedded.clone(), guessed, missing, bibtex_stub: crate::cite::bibtex(meta, &d.path) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_index_that_cannot_be_written_is_searched_as_it_is() {
        assert_eq!(stale_action(true), StaleAction::Update);
        assert_eq!(stale_action(false), StaleAction::SearchAsIs);
        assert!(is_read_only(&std::io::Error::from(std::io::ErrorKind::PermissionDenied)));
        let dir = tempfile::tempdir().unwrap();
        assert!(store::generation::writable(dir.path()));
        assert!(!store::generation::writable(&dir.path().join("missing")));
    }
}
