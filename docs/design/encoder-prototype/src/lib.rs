//! Prototype of an offline sentence encoder for folio's hybrid retrieval.
//!
//! all-MiniLM-L6-v2 (BERT, 6 layers, 384 hidden, 12 heads) run on the CPU with no
//! ML framework: weights are read straight from `model.safetensors`, the
//! tokenizer is a re-implementation of the HF `BertNormalizer` +
//! `BertPreTokenizer` + `WordPiece` pipeline described by `tokenizer.json`, and
//! the matrix products go through the `matrixmultiply` crate.
//!
//! One concept per module:
//! - [`safetensors`]  — minimal reader of the safetensors container (mmap).
//! - [`charclass`]    — Unicode character classes the BERT tokenizer needs.
//! - [`normalize`]    — BertNormalizer + BertPreTokenizer (text -> words).
//! - [`wordpiece`]    — vocabulary + greedy longest-match WordPiece (words -> ids).
//! - [`ops`]          — dense kernels: linear, layer norm, GELU, softmax.
//! - [`bert`]         — the BERT weights and the transformer forward pass.
//! - [`encoder`]      — text -> L2-normalised sentence vector (mean pooling), batching.
//! - [`static_table`] — the distilled static (model2vec-style) int8 table reader.

pub mod bert;
pub mod charclass;
pub mod encoder;
pub mod normalize;
pub mod ops;
pub mod safetensors;
pub mod static_table;
pub mod wordpiece;
