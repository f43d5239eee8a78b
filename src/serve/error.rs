//! The server's typed errors, and how each becomes an HTTP answer: a status
//! and a `wire::ErrorResponse` with a stable kind and a sentence that says
//! what to do.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::error::Error as EngineError;
use crate::wire::ErrorResponse;

/// What can go wrong while serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A parameter is missing, unknown or cannot be read.
    #[error("{0}")]
    BadRequest(String),
    /// The path names nothing the server has.
    #[error("{0}")]
    NotFound(String),
    /// Anything but GET or HEAD.
    #[error("folio serve is read-only: every endpoint answers GET (and HEAD) only")]
    MethodNotAllowed,
    /// The `Host` header is not an address the server answers to.
    #[error("host `{0}` is not an address this server answers to (DNS rebinding protection); open the URL `folio serve` printed, or add `--allow-host {0}`")]
    WrongHost(String),
    /// The first index is still being built.
    #[error("the index is not ready yet: {0}; see /api/status")]
    NotReady(String),
    /// The request ran past its time limit.
    #[error("the request took longer than {0} s and was stopped; narrow the query or lower `limit`")]
    Timeout(u64),
    /// The engine failed (index unreadable, citation style unknown, …).
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The server could not start (address in use, permission denied, …).
    #[error("cannot listen on {addr}: {source}; choose another `--port` or `--host`")]
    Bind { addr: String, source: std::io::Error },
    /// The server stopped with an I/O error.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

impl ServeError {
    fn status_and_kind(&self) -> (StatusCode, &'static str) {
        match self {
            ServeError::BadRequest(_) => (StatusCode::BAD_REQUEST, "invalid_argument"),
            ServeError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ServeError::WrongHost(_) => (StatusCode::FORBIDDEN, "wrong_host"),
            ServeError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ServeError::NotReady(_) => (StatusCode::SERVICE_UNAVAILABLE, "not_ready"),
            ServeError::Timeout(_) => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            ServeError::Engine(e) => match e {
                EngineError::UnknownPassage { .. } => (StatusCode::NOT_FOUND, "unknown_passage"),
                EngineError::InvalidArgument(_) => (StatusCode::BAD_REQUEST, "invalid_argument"),
                EngineError::IndexMissing { .. } => (StatusCode::SERVICE_UNAVAILABLE, "not_ready"),
                _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            },
            ServeError::Bind { .. } | ServeError::Io(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ServeError {
    fn into_response(self) -> Response {
        let (status, kind) = self.status_and_kind();
        (status, Json(ErrorResponse::new(kind, self.to_string()))).into_response()
    }
}
