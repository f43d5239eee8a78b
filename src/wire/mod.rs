//! The JSON that leaves folio: every message the CLI prints (and the server
//! will answer), versioned and documented, separate from the record the index
//! stores. `docs/json.md` shows one full example of each message.
//!
//! Every top-level message carries `"folio_json": 1` ([`FORMAT_VERSION`]);
//! so does every line of `export`'s JSON Lines. Fields are only ever added
//! within a version; a removal or change of meaning bumps it.

mod check;
mod error;
mod passage;
mod search;
mod serve;
mod topics;

pub use check::{CheckReport, GuessedDoc, IndexReport, IndexedDoc};
pub use error::{ErrorBody, ErrorResponse};
pub use passage::{CiteResponse, Citation, ExportLine, Passage, ShowResponse};
pub use search::{DocGroup, Expansion, Hit, HitExplain, SearchResponse};
pub use serve::{BuildProgress, DocumentResponse, DocumentSummary, DocumentsResponse, LastBuild, StatusResponse};
pub use topics::{TagResponse, Topic, TopicsResponse};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The version of folio's JSON format.
pub const FORMAT_VERSION: u32 = 1;

/// The `folio_json` field: serializes as [`FORMAT_VERSION`] and refuses
/// another version when read back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FormatVersion;

impl Serialize for FormatVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(FORMAT_VERSION)
    }
}

impl<'de> Deserialize<'de> for FormatVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u32::deserialize(d)?;
        if v == FORMAT_VERSION {
            Ok(FormatVersion)
        } else {
            Err(serde::de::Error::custom(format!("folio_json {v} is not the version this folio reads ({FORMAT_VERSION})")))
        }
    }
}

/// Any report with the version field in front (the `eval` report).
#[derive(Debug, Clone, Serialize)]
pub struct Versioned<T: Serialize> {
    pub folio_json: FormatVersion,
    #[serde(flatten)]
    pub body: T,
}

impl<T: Serialize> Versioned<T> {
    pub fn new(body: T) -> Versioned<T> {
        Versioned { folio_json: FormatVersion, body }
    }
}
