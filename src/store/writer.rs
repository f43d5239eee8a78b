//! Writing a generation: a build folder started empty (a build from scratch)
//! or from hard links to the live generation's files (an update), passages
//! added and documents deleted through one tantivy writer, segments merged by
//! the policy below, then the manifest written and the folder published.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use tantivy::{Index, IndexWriter, TantivyDocument};

use super::generation::{self, canonicalize, write_synced, IndexDir};
use super::manifest::Manifest;
use super::schema::{index_settings, schema, to_document, Fields};
use super::{DOCS, MANIFEST, THESAURUS_CACHE};
use crate::error::{Error, Result};
use crate::model::Passage;

const WRITER_MEMORY: usize = 256 << 20;
/// Segments an index may have after updates before they are merged into one.
const MAX_SEGMENTS_AFTER_UPDATE: usize = 8;

/// A generation being written in `.build-<pid>`.
pub struct GenerationWriter {
    index: Index,
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    build_dir: PathBuf,
}

impl GenerationWriter {
    /// Starts a build folder: empty, or holding the files of `from` (the live
    /// generation) when updating.
    pub fn begin(index_dir: &IndexDir, from: Option<&Path>) -> Result<GenerationWriter> {
        let build_dir = index_dir.root.join(format!(".build-{}", std::process::id()));
        let _ = fs::remove_dir_all(&build_dir);
        fs::create_dir_all(&build_dir).map_err(|e| Error::io(&build_dir, e))?;
        let index = match from {
            Some(live) => {
                link_segments(live, &build_dir)?;
                Index::open_in_dir(&build_dir)?
            }
            None => Index::builder().schema(schema().0).settings(index_settings()).create_in_dir(&build_dir)?,
        };
        super::analyzer::register(&index);
        let writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(GenerationWriter { index, writer, fields: schema().1, build_dir })
    }

    /// Removes every passage of a document.
    pub fn delete_doc(&mut self, key: &str) {
        self.writer.delete_term(tantivy::Term::from_field_text(self.fields.doc, key));
    }

    pub fn add(&mut self, passage: &Passage) -> Result<()> {
        self.writer.add_document(to_document(&self.fields, passage)?)?;
        Ok(())
    }

    /// Gives up: the build folder is removed, the live index untouched.
    pub fn abandon(self) {
        let build_dir = self.build_dir.clone();
        drop(self);
        let _ = fs::remove_dir_all(build_dir);
    }

    /// Commits and merges: a build from scratch ends with one segment
    /// (canonical files). An update adds a small segment, merged only when
    /// segments pile up: rewriting a 100k-passage segment to change one
    /// document would dominate the update. Deleted passages stay in their
    /// segment until a merge (searches count live documents exactly
    /// meanwhile); a merge comes once a fifth of a segment is deleted.
    /// Returns the BM25 field totals of the committed index.
    pub fn commit(&mut self, full: bool) -> Result<BTreeMap<String, u64>> {
        self.writer.commit()?;
        let segments = self.index.searchable_segment_ids()?;
        let metas = self.index.searchable_segment_metas()?;
        let mostly_deleted = metas.iter().any(|m| m.num_deleted_docs() * 5 > m.max_doc());
        if (segments.len() > 1 || mostly_deleted) && (full || mostly_deleted || segments.len() > MAX_SEGMENTS_AFTER_UPDATE) {
            self.writer.merge(&segments).wait()?;
        }
        super::stats::field_tokens(&self.index)
    }

    /// The sort keys of the committed index's live passages, ascending (the
    /// rows `vectors.bin` must hold).
    pub fn live_ords(&self) -> Result<Vec<u64>> {
        let reader = self.index.reader_builder().reload_policy(tantivy::ReloadPolicy::Manual).try_into()?;
        let searcher: tantivy::Searcher = tantivy::IndexReader::searcher(&reader);
        let mut ords = vec![];
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().u64("ord")?;
            ords.extend(segment.doc_ids_alive().filter_map(|d| column.first(d)));
        }
        ords.sort_unstable();
        Ok(ords)
    }

    /// Writes the generation's `vectors.bin` (rows sorted by sort key).
    pub fn write_vectors(&self, model: &crate::embed::ModelId, rows: &[super::vectors::Row]) -> Result<super::vectors::VectorsInfo> {
        super::vectors::write(&self.build_dir, model, rows)
    }

    /// Writes the manifest and the compiled thesaurus, makes the files
    /// canonical and publishes the generation (see `generation::publish`).
    pub fn publish(self, index_dir: &IndexDir, manifest: &Manifest, thesaurus_json: &str, previous: Option<PathBuf>) -> Result<()> {
        let GenerationWriter { writer, build_dir, .. } = self;
        writer.garbage_collect_files().wait()?;
        writer.wait_merging_threads()?;
        canonicalize(&build_dir, manifest)?;
        write_synced(&build_dir.join(THESAURUS_CACHE), thesaurus_json.as_bytes())?;
        let (head, docs) = manifest.to_files();
        write_synced(&build_dir.join(MANIFEST), head.as_bytes())?;
        write_synced(&build_dir.join(DOCS), docs.as_bytes())?;
        generation::share_tree(&build_dir);
        generation::sync_dir(&build_dir);
        generation::publish(index_dir, &build_dir, previous)
    }
}

/// Segment files never change once written: an update starts from hard
/// links to the live generation's files (copies where links fail).
fn link_segments(live: &Path, build_dir: &Path) -> Result<()> {
    for e in fs::read_dir(live).map_err(|e| Error::io(live, e))?.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        // vectors.bin is written anew: a hard link would let the write reach the live file.
        if name == MANIFEST || name == DOCS || name == THESAURUS_CACHE || name == super::vectors::VECTORS || name.starts_with(".tantivy-") {
            continue;
        }
        let to = build_dir.join(&name);
        if fs::hard_link(e.path(), &to).is_err() {
            fs::copy(e.path(), &to).map_err(|err| Error::io(&to, err))?;
        }
    }
    Ok(())
}
