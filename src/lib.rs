//! folio: a search engine for the literature of international cyberspace
//! governance. See ARCHITECTURE.md for the map; data flows
//! source → doc (clean → structure → repair → passages) → store → retrieve → cite,
//! with `text` and `vocab` shared by the stages, `engine` driving them and
//! `wire` holding the JSON that leaves folio.

/// A `static` regex compiled once, on first use: `re!(NAME, r"pattern");`.
macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| regex::Regex::new($pat).expect("static regex"));
    };
}

pub mod cite;
pub mod doc;
pub mod embed;
pub mod engine;
pub mod error;
pub mod model;
pub mod retrieve;
pub mod serve;
pub mod source;
pub mod store;
pub mod text;
pub mod vocab;
pub mod wire;

/// "1 document", "2 documents": a count with its noun (regular plurals only).
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("{n} {noun}") } else { format!("{n} {noun}s") }
}
