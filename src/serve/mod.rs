//! `folio serve`: a local search page and JSON API over the engine, with
//! live re-indexing. It owns the HTTP side only — routes, parameters,
//! safety, the page's files and the swap of index generations; searching,
//! citing and building are the engine's.
//!
//! Files: `config` (address, hosts, bounds), `params` (strict query-string
//! reading), `api` (the JSON handlers), `page` (the page's files and the
//! OpenAPI description, compiled in), `live` (the live index, background
//! builds, the corpus watcher), `safety` (Host check, headers, CORS),
//! `error` (typed errors → HTTP statuses with JSON bodies).
//!
//! **Invariant:** the server has no write endpoint: every route is a GET
//! and nothing a request says reaches the file system.

pub mod api;
pub mod config;
pub mod error;
pub mod live;
pub mod page;
pub mod params;
pub mod safety;

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::Router;

pub use config::{HostCheck, ServeConfig, DEFAULT_PORT, MAX_LIMIT};
pub use error::ServeError;
pub use live::LiveIndex;

use crate::engine::Engine;

/// What every handler shares.
pub struct Shared {
    pub live: Arc<LiveIndex>,
    pub styles: api::Styles,
    pub timeout: Duration,
    pub hosts: HostCheck,
    pub cors: Vec<String>,
    /// Requests working on the index at once.
    pub workers: Arc<tokio::sync::Semaphore>,
}

/// A server bound to its address, not yet answering.
pub struct Server {
    listener: std::net::TcpListener,
    addr: SocketAddr,
    shared: Arc<Shared>,
    config: ServeConfig,
}

/// Binds the address (so that a port in use is an error before anything
/// else happens) and prepares the live index.
pub fn bind(engine: Engine, config: ServeConfig) -> Result<Server, ServeError> {
    let wanted = format!("{}:{}", config.host, config.port);
    let bind_err = |source| ServeError::Bind { addr: wanted.clone(), source };
    let addrs: Vec<SocketAddr> = (config.host.as_str(), config.port).to_socket_addrs().map_err(bind_err)?.collect();
    let listener = std::net::TcpListener::bind(&addrs[..]).map_err(bind_err)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let live = Arc::new(LiveIndex::new(engine, Arc::clone(&config.log)));
    let shared = Arc::new(Shared { live, styles: api::Styles::default(), timeout: config.timeout, hosts: HostCheck::new(addr, &config.host, &config.allow_hosts), cors: config.cors_origins.clone(), workers: Arc::new(tokio::sync::Semaphore::new(config.workers)) });
    Ok(Server { listener, addr, shared, config })
}

impl Server {
    /// The address actually bound (the port chosen when 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's URL.
    pub fn url(&self) -> String {
        let host = if self.addr.ip().is_unspecified() || self.config.host.parse::<std::net::IpAddr>().is_err() { self.config.host.clone() } else { self.addr.ip().to_string() };
        let host = if host.contains(':') { format!("[{host}]") } else { host };
        format!("http://{host}:{}/", self.addr.port())
    }

    /// True when other machines can reach the server.
    pub fn beyond_loopback(&self) -> bool {
        !self.addr.ip().is_loopback()
    }

    /// Opens or builds the index in the background and answers requests
    /// until the process is interrupted.
    pub fn run(self) -> Result<(), ServeError> {
        let live = Arc::clone(&self.shared.live);
        let (watch, debounce) = (self.config.watch, self.config.debounce);
        std::thread::Builder::new().name("folio-live-index".into()).spawn(move || live.run(watch, debounce))?;
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("folio-serve").build()?;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let serving = axum::serve(listener, router(self.shared)).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            let mut server = tokio::spawn(async move { serving.await });
            tokio::select! {
                ended = &mut server => return ended.map_err(std::io::Error::other)?,
                () = interrupted() => {}
            }
            let _ = stop.send(());
            // A page left open keeps its connections alive: do not wait for it long.
            let _ = tokio::time::timeout(Duration::from_secs(2), server).await;
            Ok::<(), std::io::Error>(())
        })?;
        Ok(())
    }
}

/// Ctrl-C, or SIGTERM from a service manager.
async fn interrupted() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(t) => t,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Every route; all are GET (HEAD answers too), everything else is 405.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/assets/{name}", get(page::assets))
        .route("/healthz", get(api::healthz))
        .route("/cayw", get(api::cayw))
        .route("/api/openapi.json", get(page::openapi))
        .route("/api/search", get(api::search))
        .route("/api/passages/{id}", get(api::passage))
        .route("/api/cite/{id}", get(api::cite))
        .route("/api/topics", get(api::topics))
        .route("/api/documents", get(api::documents))
        .route("/api/documents/{key}", get(api::document))
        .route("/api/status", get(api::status))
        .fallback(page::not_found)
        .method_not_allowed_fallback(page::read_only)
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&shared), safety::guard))
        .with_state(shared)
}
