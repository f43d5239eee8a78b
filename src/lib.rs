//! folio: a search engine for the literature of international cyberspace
//! governance. See ARCHITECTURE.md for the map; data flows
//! corpus → clean → structure → references → passages (lang, tag) → index → search → cite.

/// A `static` regex compiled once, on first use: `re!(NAME, r"pattern");`.
macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| regex::Regex::new($pat).expect("static regex"));
    };
}

pub mod analyze;
pub mod bib;
pub mod cite;
pub mod clean;
pub mod cli;
pub mod corpus;
pub mod error;
pub mod eval;
pub mod index;
pub mod lang;
pub mod model;
pub mod passages;
pub mod query;
pub mod references;
pub mod search;
pub mod structure;
pub mod tag;
pub mod taxonomy;
pub mod thesaurus;
