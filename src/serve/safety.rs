//! What every response goes through: the `Host` check against DNS
//! rebinding, the security headers (a Content-Security-Policy that allows
//! only the server's own script and style), and cross-origin reads only for
//! the origins configured.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ServeError;
use super::Shared;

/// The page loads only its own script and style, and talks only to its own
/// server; no inline script, no frames, no plugins, no form posts elsewhere.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Refuses requests for another host name; adds the security headers.
pub async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    // A request without `Host` cannot come from a browser page; refuse only
    // those that name a host other than this server.
    if let Some(host) = request.headers().get(header::HOST) {
        let host = host.to_str().unwrap_or("");
        if !shared.hosts.allows(host) {
            // Named without its port, as `--allow-host` takes it.
            let name = if host.starts_with('[') { host.split_inclusive(']').next().unwrap_or(host) } else { host.split(':').next().unwrap_or(host) };
            let shown: String = name.chars().filter(|c| c.is_ascii_graphic()).take(100).collect();
            return with_headers(ServeError::WrongHost(shown).into_response(), None);
        }
    }
    let origin = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).filter(|o| shared.cors.iter().any(|c| c == o)).map(str::to_string);
    let response = next.run(request).await;
    with_headers(response, origin)
}

fn with_headers(mut response: Response, allowed_origin: Option<String>) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.insert(header::VARY, HeaderValue::from_static("Origin, Accept"));
    if let Some(origin) = allowed_origin.and_then(|o| HeaderValue::from_str(&o).ok()) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    response
}
