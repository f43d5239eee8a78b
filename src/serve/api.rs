//! The JSON API: each handler reads its parameters strictly (`params`),
//! runs the engine on a blocking thread under the request's time limit, and
//! answers with the same `wire` messages as the CLI. Read-only: there is no
//! endpoint that writes anything.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::error::ServeError;
use super::params::{self, Params};
use super::Shared;
use crate::cite::{self, CitationStyle, CiteFormat};
use crate::engine::present::{self, Lookup};
use crate::store::OpenIndex;
use crate::wire::{DocumentResponse, DocumentSummary, DocumentsResponse, FormatVersion};

/// Citation styles by name, each loaded once.
#[derive(Default)]
pub struct Styles(Mutex<HashMap<String, Arc<CitationStyle>>>);

impl Styles {
    pub fn get(&self, name: Option<&str>) -> Result<Arc<CitationStyle>, ServeError> {
        let name = name.unwrap_or(cite::DEFAULT_STYLE);
        if let Some(s) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(name) {
            return Ok(Arc::clone(s));
        }
        // Only names of the built-in styles are accepted, so the cache stays small.
        let style = Arc::new(CitationStyle::named(name)?);
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(name.to_string(), Arc::clone(&style));
        Ok(style)
    }
}

/// Runs `work` with the live index on a blocking thread, under the time
/// limit. At most `Shared::workers` run at once (one per core): more would
/// share the cores and slow every answer; the rest wait their turn in order.
pub async fn with_index<T: Send + 'static>(shared: &Arc<Shared>, work: impl FnOnce(&Shared, &OpenIndex) -> Result<T, ServeError> + Send + 'static) -> Result<T, ServeError> {
    let shared2 = Arc::clone(shared);
    let run = async move {
        let permit = Arc::clone(&shared2.workers).acquire_owned().await.map_err(|e| ServeError::Io(std::io::Error::other(e)))?;
        let task = tokio::task::spawn_blocking(move || {
            // Held until the work is done, even when the request has timed out.
            let _permit = permit;
            let open = shared2.live.index()?;
            work(&shared2, &open)
        });
        task.await.map_err(|join| ServeError::Io(std::io::Error::other(format!("the request's worker failed: {join}"))))?
    };
    match tokio::time::timeout(shared.timeout, run).await {
        Ok(result) => result,
        Err(_) => Err(ServeError::Timeout(shared.timeout.as_secs())),
    }
}

/// `GET /api/search`.
pub async fn search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Result<Response, ServeError> {
    let asked = params::search(&Params::parse(raw.as_deref(), &params::SEARCH_PARAMS)?)?;
    let response = with_index(&shared, move |shared, open| {
        let style = shared.styles.get(asked.style.as_deref())?;
        let mut response = present::search(open, &asked.request, &style)?;
        response.notes.extend(asked.notes);
        for values in response.facets.values_mut() {
            keep_top(values, asked.facet_limit);
        }
        Ok(response)
    })
    .await?;
    Ok(Json(response).into_response())
}

/// Keeps the `n` values with the most passages (ties by value).
fn keep_top(values: &mut std::collections::BTreeMap<String, u64>, n: usize) {
    if values.len() <= n {
        return;
    }
    let mut ranked: Vec<(String, u64)> = std::mem::take(values).into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    values.extend(ranked.into_iter().take(n));
}

/// `GET /api/passages/{id}`: the passage, its neighbours and the references
/// and notes it relies on.
pub async fn passage(State(shared): State<Arc<Shared>>, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ServeError> {
    let p = Params::parse(raw.as_deref(), &["style"])?;
    let style = p.one("style")?;
    let shown = with_index(&shared, move |shared, open| {
        if let Lookup::Gone { doc, nearby } = present::lookup(open, &id)? {
            let near: Vec<&str> = nearby.iter().map(|p| p.id.as_str()).collect();
            return Err(ServeError::NotFound(format!("passage `{id}` is no longer in `{doc}`; its passages nearest to where it was: {}", near.join(", "))));
        }
        Ok(present::show(open, &id, &*shared.styles.get(style.as_deref())?)?)
    })
    .await?;
    Ok(Json(shown).into_response())
}

/// True when the client asked for JSON (`Accept: application/json`).
pub fn wants_json(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).any(|v| v.contains("application/json"))
}

/// A citation form by name; `json` is none (every form at once).
pub fn cite_format(name: &str) -> Result<Option<CiteFormat>, ServeError> {
    Ok(Some(match name {
        "text" => CiteFormat::Text,
        "pandoc" => CiteFormat::Pandoc,
        "typst" => CiteFormat::Typst,
        "latex" => CiteFormat::Latex,
        "bibtex" => CiteFormat::Bibtex,
        "csl-json" => CiteFormat::CslJson,
        "json" => return Ok(None),
        _ => return Err(ServeError::BadRequest(format!("unknown format `{name}`; formats are text, pandoc, typst, latex, bibtex, csl-json, json"))),
    }))
}

/// A passage's citation as text in one form, or as `CiteResponse` JSON.
pub fn citation(shared: &Shared, open: &OpenIndex, id: &str, form: Option<CiteFormat>, style: Option<&str>) -> Result<Response, ServeError> {
    let style = shared.styles.get(style)?;
    match form {
        None => Ok(Json(present::cite(open, id, &style)?).into_response()),
        Some(form) => {
            let p = present::passage(open, id)?;
            let meta = present::Presenter::new(open, &style).meta(&p.doc)?;
            let text = cite::format_citation(&p.doc, &p.locator, &p.title, &meta, form, &style)?;
            Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text + "\n").into_response())
        }
    }
}

/// `GET /api/cite/{id}?format=&style=`: text unless JSON is asked for.
pub async fn cite(State(shared): State<Arc<Shared>>, Path(id): Path<String>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, ServeError> {
    let p = Params::parse(raw.as_deref(), &["format", "style"])?;
    let default = if wants_json(&headers) { "json" } else { "text" };
    let form = cite_format(p.one("format")?.as_deref().unwrap_or(default))?;
    let style = p.one("style")?;
    with_index(&shared, move |shared, open| citation(shared, open, &id, form, style.as_deref())).await
}

/// `GET /api/topics`.
pub async fn topics(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Result<Response, ServeError> {
    Params::parse(raw.as_deref(), &[])?;
    Ok(Json(with_index(&shared, |_, open| Ok(present::topics(open)?)).await?).into_response())
}

fn summary(d: &crate::store::DocEntry) -> DocumentSummary {
    DocumentSummary {
        key: d.key.clone(),
        path: d.path.clone(),
        title: d.title.clone(),
        authors: d.meta.authors.iter().map(|a| a.display()).collect(),
        year: d.meta.year,
        language: d.language.clone(),
        passages: d.n_passages,
    }
}

/// `GET /api/documents`.
pub async fn documents(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Result<Response, ServeError> {
    Params::parse(raw.as_deref(), &[])?;
    let list = with_index(&shared, |_, open| Ok(DocumentsResponse { folio_json: FormatVersion, documents: open.docs()?.iter().map(summary).collect() })).await?;
    Ok(Json(list).into_response())
}

/// `GET /api/documents/{key}`: the document's passages in order (the reader view).
pub async fn document(State(shared): State<Arc<Shared>>, Path(key): Path<String>, RawQuery(raw): RawQuery) -> Result<Response, ServeError> {
    let p = Params::parse(raw.as_deref(), &["style"])?;
    let style = p.one("style")?;
    let doc = with_index(&shared, move |shared, open| {
        let entry = open.doc(&key)?.ok_or_else(|| ServeError::NotFound(format!("no document `{key}` in the index; /api/documents lists them")))?;
        let style = shared.styles.get(style.as_deref())?;
        let mut presenter = present::Presenter::new(open, &style);
        let passages = open.doc_passages(&entry.key)?.into_iter().map(|p| presenter.passage(p)).collect::<crate::error::Result<Vec<_>>>()?;
        Ok(DocumentResponse { folio_json: FormatVersion, document: summary(&entry), passages })
    })
    .await?;
    Ok(Json(doc).into_response())
}

/// `GET /api/status`.
pub async fn status(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.live.status()).into_response()
}

/// `GET /healthz`: 200 once the index can answer, 503 before.
pub async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    match shared.live.index() {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /cayw?q=…&id=…&format=…&style=…`: the citation of the best hit for
/// `q` (or of passage `id`), for an editor's key binding.
pub async fn cayw(State(shared): State<Arc<Shared>>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, ServeError> {
    let p = Params::parse(raw.as_deref(), &["q", "id", "format", "style", "topic", "author", "year", "lang", "doc", "kind"])?;
    let default = if wants_json(&headers) { "json" } else { "pandoc" };
    let form = cite_format(p.one("format")?.as_deref().unwrap_or(default))?;
    let style = p.one("style")?;
    let id = p.one("id")?;
    let mut asked = params::search(&Params(p.0.into_iter().filter(|(n, _)| !["id", "format", "style"].contains(&n.as_str())).collect()))?;
    if id.is_none() && asked.request.query.trim().is_empty() {
        return Err(ServeError::BadRequest("give `q` (the best hit is cited) or `id` (that passage is cited)".into()));
    }
    asked.request.limit = 1;
    with_index(&shared, move |shared, open| {
        let id = match id {
            Some(id) => id,
            None => {
                let found = crate::retrieve::search(open, &asked.request)?;
                let best = found.hits.into_iter().next().ok_or_else(|| ServeError::NotFound(format!("nothing matches `{}`", asked.request.query)))?;
                best.passage.id
            }
        };
        citation(shared, open, &id, form, style.as_deref())
    })
    .await
}
