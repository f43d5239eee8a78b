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

/// Edit distance in characters (Levenshtein), for "did you mean" messages;
/// inputs are cut at 200 characters so that a pasted paragraph stays cheap.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(200).collect();
    let b: Vec<char> = b.chars().take(200).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
