//! The search page, served from the binary: one HTML file, one style sheet
//! and one script, written for this server (no framework, no CDN, nothing
//! fetched from elsewhere), and the OpenAPI description of the API.
//!
//! **Invariant:** every document string reaches the page through escaping:
//! the script inserts document text with `textContent` only, and the one
//! HTML it inserts is `snippet_html`, which the highlighter escapes.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::ServeError;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");
const ICON_SVG: &str = include_str!("assets/icon.svg");
/// Checked in at `docs/openapi.json`; `tests/serve.rs` checks real answers against it.
pub const OPENAPI: &str = include_str!("../../docs/openapi.json");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

/// `GET /`: the page; the query and filters are read from the URL by the script.
pub async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

/// `GET /assets/{name}`: only the files compiled in, by exact name.
pub async fn assets(Path(name): Path<String>) -> Result<Response, ServeError> {
    match name.as_str() {
        "app.js" => Ok(asset("text/javascript; charset=utf-8", APP_JS)),
        "app.css" => Ok(asset("text/css; charset=utf-8", APP_CSS)),
        "icon.svg" => Ok(asset("image/svg+xml", ICON_SVG)),
        _ => Err(ServeError::NotFound("no such asset; the page uses /assets/app.js, /assets/app.css and /assets/icon.svg".into())),
    }
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    asset("application/json", OPENAPI)
}

/// A method other than GET or HEAD on a route.
pub async fn read_only() -> ServeError {
    ServeError::MethodNotAllowed
}

/// Anything else.
pub async fn not_found() -> ServeError {
    ServeError::NotFound("nothing here; the page is at /, the API under /api/ (described at /api/openapi.json)".into())
}
