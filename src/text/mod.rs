//! Text analysis that every stage shares, with no search engine in it:
//! folio's own [`Token`], the tokenizer (any script, CJK as bigrams), stemming
//! with rust-stemmers, and language identification with whatlang.
//!
//! The tantivy adapter that feeds these tokens to the index lives in
//! `store::analyzer`; nothing here knows tantivy.

pub mod compound;
pub mod lang;
pub mod stem;
pub mod tokenize;

pub use stem::{algorithm_for, index_lang, install_quiet_stemmer_panics, Analyzer, ANALYZER_VERSION, STEMMED_LANGUAGES};
pub use tokenize::{split_words, Token};
