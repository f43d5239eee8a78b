//! Filters: from the request's flags and from `field:value` in the query,
//! parsed once, validated, and compiled into tantivy clauses (topics, docs,
//! languages, authors, kinds, years). Kinds default to body and abstract.

use std::collections::HashSet;

use tantivy::query::{BooleanQuery, Occur as TOccur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::query::ParsedQuery;
use super::SearchRequest;
use crate::error::{Error, Result};
use crate::model::Kind;
use crate::store::OpenIndex;

/// The filters of one search, gathered from flags and query.
struct Wanted {
    topics: Vec<String>,
    docs: Vec<String>,
    langs: Vec<String>,
    authors: Vec<String>,
    kinds: Vec<Kind>,
    years: Option<(i32, i32)>,
    /// Negated query filters (`-topic:x`): field and value.
    excluded: Vec<(Field, String)>,
}

/// The filter clauses of a search; what could not be read becomes a note.
pub fn compile(open: &OpenIndex, request: &SearchRequest, parsed: &ParsedQuery, notes: &mut Vec<String>) -> Result<Vec<(TOccur, Box<dyn Query>)>> {
    let wanted = gather(open, request, parsed, notes);
    let valid_topics: Vec<&str> = open.manifest.topics.iter().map(|(id, _, _)| id.as_str()).collect();
    for t in &wanted.topics {
        if !valid_topics.contains(&t.as_str()) {
            return Err(Error::InvalidArgument(format!("unknown topic `{t}`; valid topics: {} (see `folio topics`)", valid_topics.join(", "))));
        }
    }
    let f = &open.fields;
    let mut clauses: Vec<(TOccur, Box<dyn Query>)> = wanted.excluded.iter().map(|(field, value)| (TOccur::MustNot, any_of(*field, std::slice::from_ref(value)))).collect();
    for (field, values) in [(f.topic, &wanted.topics), (f.doc, &wanted.docs), (f.language, &wanted.langs)] {
        if !values.is_empty() {
            clauses.push((TOccur::Must, any_of(field, values)));
        }
    }
    if !wanted.authors.is_empty() {
        // Authors match on any part of "Family, Given": a family name is enough.
        let lower: Vec<String> = wanted.authors.iter().map(|a| a.to_lowercase()).collect();
        clauses.push((TOccur::Must, author_query(open, &lower)?));
    }
    let kinds: Vec<Kind> = if wanted.kinds.is_empty() { Kind::ALL.into_iter().filter(|k| k.searched_by_default()).collect() } else { wanted.kinds };
    clauses.push((TOccur::Must, any_of(f.kind, &kinds.iter().map(|k| k.as_str().to_string()).collect::<Vec<_>>())));
    if let Some((from, to)) = wanted.years {
        let bound = |y: i32| std::ops::Bound::Included(Term::from_field_i64(f.year, i64::from(y)));
        clauses.push((TOccur::Must, Box::new(RangeQuery::new(bound(from), bound(to)))));
    }
    Ok(clauses)
}

/// Flags and query filters together; negated query filters set apart.
fn gather(open: &OpenIndex, request: &SearchRequest, parsed: &ParsedQuery, notes: &mut Vec<String>) -> Wanted {
    let f = &open.fields;
    let mut w = Wanted {
        topics: request.topics.clone(),
        docs: request.docs.clone(),
        langs: request.languages.clone(),
        authors: request.authors.clone(),
        kinds: request.kinds.clone(),
        years: request.years,
        excluded: vec![],
    };
    for filter in &parsed.filters {
        let (field, target) = match filter.field.as_str() {
            "topic" => (f.topic, &mut w.topics),
            "doc" => (f.doc, &mut w.docs),
            "lang" => (f.language, &mut w.langs),
            "author" => (f.author, &mut w.authors),
            "kind" => {
                match Kind::parse(&filter.value) {
                    Some(k) => w.kinds.push(k),
                    None => notes.push(format!("unknown kind `{}` ignored; kinds are {}", filter.value, Kind::names())),
                }
                continue;
            }
            "year" => {
                match parse_years(&filter.value) {
                    Ok(y) => w.years = Some(y),
                    Err(e) => notes.push(e.to_string()),
                }
                continue;
            }
            _ => continue,
        };
        if filter.negated {
            let value = if filter.field == "author" { filter.value.to_lowercase() } else { filter.value.clone() };
            w.excluded.push((field, value));
        } else {
            target.push(filter.value.clone());
        }
    }
    w
}

/// Any of the values, as exact terms of the field.
pub fn any_of(field: Field, values: &[String]) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        values.iter().map(|v| (TOccur::Should, Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic)) as Box<dyn Query>)).collect(),
    ))
}

/// Parses "2010..2020", "2015", "..2015", "2010..".
pub fn parse_years(s: &str) -> Result<(i32, i32)> {
    let bad = || Error::InvalidArgument(format!("cannot read year range `{s}`: write FROM..TO, e.g. `--year 2015..2020`, or one year, e.g. `--year 2017`"));
    let parse = |p: &str, default: i32| -> Result<i32> { if p.trim().is_empty() { Ok(default) } else { p.trim().parse().map_err(|_| bad()) } };
    match s.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (parse(a, i32::MIN)?, parse(b, i32::MAX)?);
            if a > b {
                Err(Error::InvalidArgument(format!("year range `{s}`: FROM ({a}) is after TO ({b}); write `{b}..{a}`")))
            } else {
                Ok((a, b))
            }
        }
        None => {
            let y = parse(s, 0).map_err(|_| bad())?;
            Ok((y, y))
        }
    }
}

/// Authors are stored lower-cased as "family, given": match whole names, and
/// family names alone by looking up the names the index holds.
fn author_query(open: &OpenIndex, wanted: &[String]) -> Result<Box<dyn Query>> {
    let searcher = open.reader.searcher();
    let mut names: HashSet<String> = HashSet::new();
    for reader in searcher.segment_readers() {
        let inverted = reader.inverted_index(open.fields.author)?;
        let mut stream = inverted.terms().stream().map_err(|e| Error::Tantivy(e.into()))?;
        while stream.advance() {
            if let Ok(name) = std::str::from_utf8(stream.key())
                && wanted.iter().any(|w| name == w || name.split(", ").next() == Some(w.as_str()) || name.contains(w.as_str())) {
                    names.insert(name.to_string());
                }
        }
    }
    let mut names: Vec<String> = names.into_iter().collect();
    names.sort();
    if names.is_empty() {
        names = wanted.to_vec();
    }
    Ok(any_of(open.fields.author, &names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_ranges() {
        assert_eq!(parse_years("2010..2020").unwrap(), (2010, 2020));
        assert_eq!(parse_years("2017").unwrap(), (2017, 2017));
        assert_eq!(parse_years("..2015").unwrap(), (i32::MIN, 2015));
        assert!(parse_years("2020..2010").is_err());
        assert!(parse_years("last year").is_err());
    }
}
