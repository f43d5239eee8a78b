//! An error as JSON: printed on standard output instead of a result when a
//! command was asked for JSON and failed (exit code 2), and what the server
//! will answer with an HTTP error status.

use serde::{Deserialize, Serialize};

use super::FormatVersion;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub folio_json: FormatVersion,
    pub error: ErrorBody,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable name for the kind of error ("unknown_passage", "invalid_argument", …).
    pub kind: String,
    /// What went wrong and how to fix it, in a sentence.
    pub message: String,
}

impl ErrorResponse {
    pub fn new(kind: &str, message: impl Into<String>) -> ErrorResponse {
        ErrorResponse { folio_json: FormatVersion, error: ErrorBody { kind: kind.to_string(), message: message.into() } }
    }
}
