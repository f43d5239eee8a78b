//! Query-string parameters, read strictly: repeated parameters for several
//! values, unknown names and unreadable values refused with a sentence that
//! says what is accepted, and every bound (`limit`, `offset`, query length,
//! number of values) enforced before any work is done.

use super::config::{MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS, MAX_VALUES};
use super::error::ServeError;
use crate::model::Kind;
use crate::retrieve::{parse_years, SearchRequest};

/// Values per facet unless asked: a broad query over a large corpus
/// matches thousands of documents, and a list of them all is most of the
/// answer's bytes.
pub const DEFAULT_FACET_VALUES: usize = 100;
const MAX_FACET_VALUES: usize = 100_000;

/// Bytes a query string may have.
const MAX_QUERY_STRING: usize = 8 * 1024;

/// The decoded parameters of one request.
#[derive(Debug, Default)]
pub struct Params(pub(super) Vec<(String, String)>);

impl Params {
    /// Decodes `raw`, refusing names not in `allowed`.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, ServeError> {
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_QUERY_STRING {
            return Err(ServeError::BadRequest(format!("the query string is {} bytes; at most {MAX_QUERY_STRING} are read", raw.len())));
        }
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes()).into_owned().collect();
        if let Some((name, _)) = pairs.iter().find(|(n, _)| !allowed.contains(&n.as_str())) {
            return Err(ServeError::BadRequest(format!("unknown parameter `{name}`; this endpoint reads {}", allowed.join(", "))));
        }
        Ok(Params(pairs))
    }

    /// Every non-empty value of `name`, in order.
    pub fn all(&self, name: &str) -> Result<Vec<String>, ServeError> {
        let values: Vec<String> = self.0.iter().filter(|(n, v)| n == name && !v.trim().is_empty()).map(|(_, v)| v.trim().to_string()).collect();
        if values.len() > MAX_VALUES {
            return Err(ServeError::BadRequest(format!("`{name}` is given {} times; at most {MAX_VALUES} values are read", values.len())));
        }
        Ok(values)
    }

    /// The value of a parameter given at most once (empty counts as absent).
    pub fn one(&self, name: &str) -> Result<Option<String>, ServeError> {
        let mut values = self.all(name)?;
        match values.len() {
            0 | 1 => Ok(values.pop()),
            n => Err(ServeError::BadRequest(format!("`{name}` is given {n} times; give it once"))),
        }
    }

    fn number(&self, name: &str, default: usize) -> Result<usize, ServeError> {
        match self.one(name)? {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| ServeError::BadRequest(format!("`{name}={v}` is not a number; write a whole number, e.g. `{name}={default}`"))),
        }
    }
}

/// How a search matches: by words, by meaning, or both (absent: as `folio
/// search`, hybrid when the index has vectors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Lexical,
    Semantic,
    Hybrid,
}

impl Mode {
    fn ranking(self) -> crate::retrieve::Mode {
        match self {
            Mode::Lexical => crate::retrieve::Mode::Lexical,
            Mode::Semantic => crate::retrieve::Mode::Semantic,
            Mode::Hybrid => crate::retrieve::Mode::Hybrid,
        }
    }

    fn parse(s: &str) -> Result<Mode, ServeError> {
        match s {
            "lexical" => Ok(Mode::Lexical),
            "semantic" => Ok(Mode::Semantic),
            "hybrid" => Ok(Mode::Hybrid),
            _ => Err(ServeError::BadRequest(format!("unknown mode `{s}`; modes are lexical, semantic, hybrid"))),
        }
    }
}

/// A search as asked for.
#[derive(Debug)]
pub struct Search {
    pub request: SearchRequest,
    pub offset: usize,
    pub limit: usize,
    /// None: the default ranking.
    pub mode: Option<Mode>,
    /// Values kept per facet, those with the most passages first.
    pub facet_limit: usize,
    pub style: Option<String>,
    /// Said back in the response's notes (a clamped limit, …).
    pub notes: Vec<String>,
}

/// The names `/api/search` reads.
pub const SEARCH_PARAMS: [&str; 13] = ["q", "topic", "author", "year", "lang", "doc", "kind", "limit", "offset", "mode", "style", "format", "facet_limit"];

/// Reads `/api/search`'s parameters (filters as the CLI takes them).
pub fn search(p: &Params) -> Result<Search, ServeError> {
    let query = p.one("q")?.unwrap_or_default();
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(ServeError::BadRequest(format!("the query has {chars} characters; at most {MAX_QUERY_CHARS} are searched")));
    }
    let mut notes = vec![];
    let mut limit = p.number("limit", 10)?;
    if limit > MAX_LIMIT {
        notes.push(format!("limit {limit} is more than {MAX_LIMIT}: showing {MAX_LIMIT} hits; page with `offset`"));
        limit = MAX_LIMIT;
    }
    let offset = p.number("offset", 0)?;
    let facet_limit = p.number("facet_limit", DEFAULT_FACET_VALUES)?.min(MAX_FACET_VALUES);
    if offset > MAX_OFFSET {
        return Err(ServeError::BadRequest(format!("offset {offset} is past {MAX_OFFSET}; narrow the search with filters instead")));
    }
    let kinds = p.all("kind")?.iter().map(|k| Kind::parse(k).ok_or_else(|| ServeError::BadRequest(format!("unknown kind `{k}`; kinds are {}", Kind::names())))).collect::<Result<Vec<_>, _>>()?;
    let years = p.one("year")?.map(|y| parse_years(&y)).transpose()?;
    let mode = p.one("mode")?.map(|m| Mode::parse(&m)).transpose()?;
    if let Some(f) = p.one("format")?.filter(|f| f != "json") {
        return Err(ServeError::BadRequest(format!("`format={f}`: /api/search answers JSON only; use /api/cite/{{id}} or /cayw for citation text")));
    }
    let request = SearchRequest {
        query,
        topics: p.all("topic")?,
        docs: p.all("doc")?,
        authors: p.all("author")?,
        languages: p.all("lang")?,
        kinds,
        years,
        limit,
        offset,
        mode: mode.map_or(crate::retrieve::Mode::Auto, Mode::ranking),
        ..SearchRequest::default()
    };
    Ok(Search { request, offset, limit, mode, facet_limit, style: p.one("style")?, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search_of(q: &str) -> Result<Search, ServeError> {
        search(&Params::parse(Some(q), &SEARCH_PARAMS)?)
    }

    #[test]
    fn filters_repeat_and_bounds_are_kept() {
        let s = search_of("q=cyber+sovereignty&topic=a&topic=b&year=2015..2020&limit=500&offset=20&mode=hybrid").unwrap();
        assert_eq!(s.request.query, "cyber sovereignty");
        assert_eq!(s.request.topics, ["a", "b"]);
        assert_eq!(s.request.years, Some((2015, 2020)));
        assert_eq!((s.limit, s.offset, s.request.limit, s.request.offset), (100, 20, 100, 20));
        assert_eq!((s.mode, s.request.mode), (Some(Mode::Hybrid), crate::retrieve::Mode::Hybrid));
        assert!(s.notes.iter().any(|n| n.contains("limit 500")));
    }

    #[test]
    fn malformed_parameters_are_refused_with_a_message() {
        for (q, says) in [
            ("limit=ten", "not a number"),
            ("year=twenty", "year range"),
            ("kind=poem", "unknown kind"),
            ("mode=psychic", "unknown mode"),
            ("qq=x", "unknown parameter `qq`"),
            ("q=a&q=b", "given 2 times"),
            ("offset=99999999", "offset"),
            ("offset=-1", "not a number"),
        ] {
            let e = search_of(q).unwrap_err();
            assert!(matches!(e, ServeError::BadRequest(_) | ServeError::Engine(_)), "{q}");
            assert!(e.to_string().contains(says), "{q}: {e}");
        }
        let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
        assert!(search_of(&long).unwrap_err().to_string().contains("characters"));
    }
}
