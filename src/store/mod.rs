//! The on-disk index, and the only module that writes it: the tantivy schema
//! and its analyzers, the manifest and stat cache, freshness (with its quick
//! stamp) and update planning, generations with atomic replacement, the
//! generation writer, the reader, the statistics searches score with, and the
//! passages' vectors (`vectors.bin`, memory-mapped).
//!
//! **Invariant:** only `store` writes the index folder.

pub mod analyzer;
pub mod freshness;
pub mod generation;
pub mod languages;
pub mod manifest;
pub mod reader;
pub mod schema;
pub mod stamp;
pub mod stats;
pub mod vectors;
pub mod writer;

pub use freshness::{freshness, freshness_of, generation_name, stamped_fresh, while_stamp_checked, Freshness, Plan};
pub use generation::IndexDir;
pub use manifest::{DocEntry, DocTable, Manifest, ManifestHead, StatCache};
pub use reader::{open, OpenIndex};
pub use schema::{Fields, FACETS};
pub use writer::GenerationWriter;

/// Bump when the schema or the manifest changes: older indexes are refused.
/// 2: passages store their locator instead of a rendered citation.
/// 3: document entries moved from `folio.json` to `docs.jsonl`; title and
///    compound-gram fields, CJK bigrams.
pub const SCHEMA_VERSION: u32 = 3;
const MANIFEST: &str = "folio.json";
const DOCS: &str = "docs.jsonl";
const CURRENT: &str = "CURRENT";
const LOCK: &str = ".lock";
const THESAURUS_CACHE: &str = "thesaurus.json";
const STAT_CACHE: &str = "stat-cache";
