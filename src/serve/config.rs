//! How the server is set up: the address it listens on, the host names it
//! answers to, the origins allowed to read it from other pages, and the
//! bounds on each request.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// Where messages for the person running the server go (the CLI prints
/// them on standard error).
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// Everything `folio serve` is told.
#[derive(Clone)]
pub struct ServeConfig {
    /// Address or host name to listen on (loopback unless told otherwise).
    pub host: String,
    /// 0 picks a free port (tests).
    pub port: u16,
    /// More host names the `Host` header may carry (a name in DNS for a
    /// server listening beyond loopback).
    pub allow_hosts: Vec<String>,
    /// Origins whose pages may read the API (`Access-Control-Allow-Origin`);
    /// none by default.
    pub cors_origins: Vec<String>,
    /// Watch the corpus and re-index on changes.
    pub watch: bool,
    /// Time limit of one request (waiting for a worker included).
    pub timeout: Duration,
    /// Requests that work on the index at once (the others wait).
    pub workers: usize,
    /// Quiet time after the last change in the corpus before re-indexing.
    pub debounce: Duration,
    pub log: Log,
}

/// The port `folio serve` listens on unless told.
pub const DEFAULT_PORT: u16 = 7700;
/// Hits one search may return; larger limits are clamped with a note.
pub const MAX_LIMIT: usize = 100;
/// How far `offset` may page (bounds the work of one request).
pub const MAX_OFFSET: usize = 10_000;
/// Characters a query may have.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Values one filter may repeat.
pub const MAX_VALUES: usize = 50;

impl ServeConfig {
    pub fn new(host: impl Into<String>, port: u16) -> ServeConfig {
        ServeConfig {
            host: host.into(),
            port,
            allow_hosts: vec![],
            cors_origins: vec![],
            watch: true,
            timeout: Duration::from_secs(10),
            workers: workers_default(),
            debounce: Duration::from_millis(300),
            log: Arc::new(|m: &str| eprintln!("folio: {m}")),
        }
    }
}

/// One worker per core (at least 2), or `FOLIO_SERVE_WORKERS`.
fn workers_default() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()).max(2);
    std::env::var("FOLIO_SERVE_WORKERS").ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(cores)
}

/// The host names a request's `Host` header may carry, given the address
/// bound. IP literals are always accepted (DNS rebinding needs a name that
/// resolves to the server); names only when they are the one served,
/// `localhost` on loopback, or allowed explicitly.
#[derive(Debug, Clone)]
pub struct HostCheck {
    port: u16,
    names: Vec<String>,
}

impl HostCheck {
    pub fn new(bound: SocketAddr, host: &str, allow: &[String]) -> HostCheck {
        let mut names: Vec<String> = allow.iter().map(|h| h.to_ascii_lowercase()).collect();
        if host.parse::<IpAddr>().is_err() {
            names.push(host.to_ascii_lowercase());
        }
        if bound.ip().is_loopback() || bound.ip().is_unspecified() {
            names.push("localhost".into());
        }
        HostCheck { port: bound.port(), names }
    }

    /// True when `host` (the header's value) names this server.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = split_host_port(&host);
        let port_ok = match port {
            Some(p) => p == self.port,
            None => self.port == 80,
        };
        if !port_ok {
            return false;
        }
        let bare = name.trim_start_matches('[').trim_end_matches(']');
        bare.parse::<IpAddr>().is_ok() || self.names.iter().any(|n| n == name.trim_end_matches('.'))
    }
}

/// "example.org:7700" → ("example.org", Some(7700)); "[::1]:80" → ("[::1]", Some(80)).
fn split_host_port(host: &str) -> (&str, Option<u16>) {
    if host.starts_with('[') {
        return match host.rfind("]:") {
            Some(i) => (&host[..=i], host[i + 2..].parse().ok().or(Some(0))),
            None => (host, None),
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port.parse().unwrap_or(0))),
        None => (host, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_that_name_the_server_and_hosts_that_rebind() {
        let loopback: SocketAddr = "127.0.0.1:7700".parse().unwrap();
        let check = HostCheck::new(loopback, "127.0.0.1", &[]);
        for ok in ["127.0.0.1:7700", "localhost:7700", "LOCALHOST:7700", "[::1]:7700"] {
            assert!(check.allows(ok), "{ok}");
        }
        for bad in ["evil.example:7700", "127.0.0.1:7701", "localhost", "127.0.0.1:x", "", "attacker.localhost.evil:7700"] {
            assert!(!check.allows(bad), "{bad}");
        }
        let named = HostCheck::new("0.0.0.0:80".parse().unwrap(), "0.0.0.0", &["Folio.Lan".into()]);
        assert!(named.allows("folio.lan") && named.allows("10.0.0.2") && !named.allows("evil.example"));
    }
}
