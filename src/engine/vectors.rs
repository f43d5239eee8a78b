//! Passage vectors at indexing time: which model embeds the corpus, the
//! cache that carries vectors of unchanged passage texts over from the live
//! generation, and the rows of the new generation in sort-key order.
//!
//! A row is a pure function of its passage (text, and whether the model reads
//! its language), so an update and a build from scratch write the same bytes:
//! the cache only saves the encoding.

use std::collections::HashMap;
use std::sync::Arc;

use crate::doc::passages::BuiltDoc;
use crate::embed::{self, Embedder};
use crate::error::{Error, Result};
use crate::store::schema::ord_of;
use crate::store::vectors::{model_reads, text_key, Row, Vectors};

/// The embedder `folio index` uses: the installed encoder when it loads,
/// else the static model shipped in the binary (a broken installation is
/// reported, never a reason to fail the build).
/// Loaded once per process (the encoder's weights are read once).
pub fn index_embedder() -> (Arc<dyn Embedder>, Option<String>) {
    static CHOSEN: std::sync::OnceLock<(Arc<dyn Embedder>, Option<String>)> = std::sync::OnceLock::new();
    CHOSEN
        .get_or_init(|| match embed::default_embedder() {
            Ok(e) => (Arc::from(e), None),
            Err(e) => (Arc::new(embed::shipped()), Some(format!("the installed model cannot be used ({e}): passages are embedded with the shipped static model"))),
        })
        .clone()
}

/// Embeds passages, reusing the live generation's rows for texts it holds.
pub struct Encoding<'a> {
    pub embedder: &'a dyn Embedder,
    old: Option<&'a Vectors>,
    /// Text key → row of `old`.
    by_text: HashMap<u64, usize>,
}

impl<'a> Encoding<'a> {
    /// `old`: the live generation's vectors, used only when the same model made them.
    pub fn new(embedder: &'a dyn Embedder, old: Option<&'a Vectors>) -> Encoding<'a> {
        let old = old.filter(|v| v.model == *embedder.id());
        // A build embeds many texts, most documents' batches are small: ready the embedder once here.
        embedder.prepare_for_many();
        let by_text = old.map(|v| (0..v.len()).map(|r| (v.text_key(r), r)).collect()).unwrap_or_default();
        Encoding { embedder, old, by_text }
    }

    /// The rows of a document's passages; only texts not in the cache are
    /// encoded, and passages in a language the model does not read get a
    /// row of zeros.
    pub fn rows(&self, built: &BuiltDoc) -> Vec<Row> {
        let model = self.embedder.id();
        let mut rows = Vec::with_capacity(built.passages.len());
        let mut todo: Vec<(usize, &str)> = vec![];
        for p in &built.passages {
            let readable = model_reads(model, &p.language);
            let (ord, key) = (ord_of(&p.doc, p.paragraph), text_key(&p.text, readable));
            match (self.old, self.by_text.get(&key)) {
                (Some(old), Some(&r)) => rows.push(Row { ord, ..old.row(r) }),
                _ if readable => {
                    todo.push((rows.len(), p.text.as_str()));
                    rows.push(Row { ord, text_key: key, scale: 0.0, data: vec![] });
                }
                _ => rows.push(Row::quantize(ord, key, &vec![0.0; model.dim])),
            }
        }
        let texts: Vec<&str> = todo.iter().map(|t| t.1).collect();
        for ((at, _), v) in todo.iter().zip(self.embedder.embed_batch(&texts)) {
            let (ord, key) = (rows[*at].ord, rows[*at].text_key);
            rows[*at] = Row::quantize(ord, key, &fit(v, model.dim));
        }
        rows
    }
}

/// A vector of exactly `dim` components (an embedder that broke its promise
/// must not corrupt the file).
fn fit(mut v: Vec<f32>, dim: usize) -> Vec<f32> {
    v.resize(dim, 0.0);
    v
}

/// The rows of the new generation, in sort-key order: this build's rows for
/// the documents it processed, the live generation's rows for the rest.
pub fn assemble(live_ords: &[u64], fresh: Vec<Row>, old: Option<&Vectors>) -> Result<Vec<Row>> {
    let mut fresh: HashMap<u64, Row> = fresh.into_iter().map(|r| (r.ord, r)).collect();
    let mut rows = Vec::with_capacity(live_ords.len());
    for &ord in live_ords {
        let row = fresh.remove(&ord).or_else(|| old.and_then(|v| v.row_of(ord).map(|r| v.row(r))));
        match row {
            Some(r) => rows.push(r),
            None => {
                return Err(Error::IndexCorrupt {
                    path: std::path::PathBuf::from(crate::store::vectors::VECTORS),
                    message: format!("no vector for passage sort key {ord:016x}; run `folio index --rebuild`"),
                })
            }
        }
    }
    Ok(rows)
}
