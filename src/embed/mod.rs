//! Meaning as vectors: the embedders that turn a passage or a query into a
//! unit vector, for semantic and hybrid search. No ML framework and no network:
//!
//! - the **static model** ([`shipped`]) is compiled into folio: a distilled,
//!   int8 token table (`models/static/`, built by `scripts/distill_static.py`)
//!   with frozen token weights, so a vector depends on its text alone;
//! - the **encoder** ([`installed`]) is all-MiniLM-L6-v2 run on the CPU by a
//!   hand-written BERT forward pass, once `folio model install` has put its
//!   weights (pinned by sha256) in the per-user folder ([`model_home`]).
//!
//! A vector always travels with the [`ModelId`] that made it, so two models'
//! vectors never mix. One concept per file: `safetensors` (weights container),
//! `charclass` / `normalize` / `wordpiece` (the HF-exact BERT tokenizer),
//! `ops` (dense kernels), `bert` (forward pass), `encoder` (mean pooling),
//! `static_table` (the static model), `home` (where models live), `install`
//! (pinned package, verification, copying), `error`.

mod bert;
mod charclass;
mod encoder;
mod error;
mod home;
pub mod install;
mod normalize;
mod ops;
mod safetensors;
mod static_table;
mod wordpiece;

pub use encoder::Encoder;
pub use error::EmbedError;
pub use home::{model_dir, model_home};
pub use static_table::{StaticModel, StaticTable};
pub use wordpiece::{SortedVocab, WordPiece};

use std::path::Path;
use std::sync::OnceLock;

/// Which model made a vector; recorded in the index so two models' vectors never mix.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModelId {
    pub name: String,
    pub sha256: String,
    pub dim: usize,
}

pub trait Embedder: Send + Sync {
    fn id(&self) -> &ModelId;
    /// A unit-length vector of `id().dim` components (all zeros when no token of the text is known).
    /// Deterministic: the same text gives the same bits on every run and every thread count.
    fn embed(&self, text: &str) -> Vec<f32>;
    /// Several texts; implementations may batch or parallelise. Same results as `embed` one by one.
    fn embed_batch(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        texts.iter().map(|t| self.embed(t)).collect()
    }
    /// Readies the embedder for many texts (an index build) where that costs
    /// start-up time a single query should not pay. Results do not change.
    fn prepare_for_many(&self) {}
}

/// A borrowed embedder is an embedder (so `shipped()` can be boxed).
impl<E: Embedder + ?Sized> Embedder for &E {
    fn id(&self) -> &ModelId {
        (**self).id()
    }
    fn embed(&self, text: &str) -> Vec<f32> {
        (**self).embed(text)
    }
    fn embed_batch(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        (**self).embed_batch(texts)
    }
    fn prepare_for_many(&self) {
        (**self).prepare_for_many()
    }
}

/// The shipped static table, its vocabulary and its manifest (name, sha256, dims).
const STATIC_TABLE: &[u8] = include_bytes!("../../models/static/minilm-l6-v2-static-256.fset");
const STATIC_VOCAB: &str = include_str!("../../models/static/vocab.txt");
const STATIC_MANIFEST: &str = include_str!("../../models/static/manifest.json");
// STATIC_VOCAB_STARTS and STATIC_VOCAB_ORDER: vocab.txt's line offsets and byte order, made by build.rs.
include!(concat!(env!("OUT_DIR"), "/static_vocab.rs"));

/// The shipped vocabulary, ready for binary search.
fn static_vocab() -> SortedVocab {
    SortedVocab { text: STATIC_VOCAB, starts: &STATIC_VOCAB_STARTS, order: &STATIC_VOCAB_ORDER }
}

/// The static (model2vec-style) model shipped inside the binary.
pub fn shipped() -> &'static StaticModel {
    static MODEL: OnceLock<StaticModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        // The three files are compiled in and checked by the tests (`shipped_*`),
        // so a failure here is a build of a broken tree, not a user's input.
        let manifest: serde_json::Value = serde_json::from_str(STATIC_MANIFEST).expect("models/static/manifest.json is JSON");
        let name = manifest["name"].as_str().expect("manifest name");
        let sha = manifest["sha256"].as_str().expect("manifest sha256");
        StaticModel::new(name, sha, STATIC_TABLE, static_vocab()).expect("models/static holds a valid table")
    })
}

/// The installed all-MiniLM-L6-v2 encoder when present under `home` (a folio
/// home, see [`model_home`]) and its checksums verify; `Ok(None)` when absent.
pub fn installed(home: &Path) -> Result<Option<Encoder>, EmbedError> {
    match install::installed_dir(home)? {
        Some(dir) => Encoder::load(&dir, install::ENCODER_NAME, install::SAFETENSORS_SHA256).map(Some),
        None => Ok(None),
    }
}

/// The embedder `folio index` uses: the installed encoder if present (under
/// `$FOLIO_HOME`, else the platform data folder), else the shipped static model.
/// An installed model that fails its checksum is an error, never a silent fallback.
pub fn default_embedder() -> Result<Box<dyn Embedder>, EmbedError> {
    if let Some(home) = model_home()
        && let Some(encoder) = installed(&home)?
    {
        return Ok(Box::new(encoder));
    }
    Ok(Box::new(shipped()))
}

/// Cosine of two unit vectors (their dot product); 0 when either is zero.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    ops::dot(a, b)
}
