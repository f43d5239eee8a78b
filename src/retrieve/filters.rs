//! Filters: from the request's flags and from `field:value` in the query,
//! parsed once, validated, and compiled into tantivy clauses (topics, docs,
//! languages, authors, kinds, years). Kinds default to body and abstract.
//! A topic, document, language or author the index does not hold is an
//! error that names the nearest values it does hold (a typo would otherwise
//! read as "no results"); topic names match whatever their case.

use crate::text::edit_distance as distance;
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
    let mut wanted = gather(open, request, parsed, notes);
    validate(open, &mut wanted)?;
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
        clauses.push((TOccur::Must, author_query(open, &lower)?.0));
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

/// Checks the wanted topics, documents and languages against what the index
/// holds (topics by id or label, whatever the case) and authors against the
/// names it holds; an unknown value is an error naming the nearest ones.
fn validate(open: &OpenIndex, wanted: &mut Wanted) -> Result<()> {
    let topics: Vec<String> = open.manifest.topics.iter().map(|(id, _, _)| id.clone()).collect();
    for t in wanted.topics.iter_mut() {
        let found = open.manifest.topics.iter().find(|(id, label, _)| id.eq_ignore_ascii_case(t) || label.to_lowercase() == t.to_lowercase());
        match found {
            Some((id, _, _)) => *t = id.clone(),
            None => return Err(unknown("topic", t, &topics, &format!("valid topics: {} (see `folio topics`)", topics.join(", ")))),
        }
    }
    for d in &wanted.docs {
        // One lookup in the document table; every key is read only to name the nearest.
        if open.doc(d)?.is_none() {
            let docs: Vec<String> = open.docs()?.iter().map(|d| d.key.clone()).collect();
            return Err(unknown("document", d, &docs, "keys are listed by `folio index --json`"));
        }
    }
    let langs = &open.manifest.languages;
    for l in wanted.langs.iter_mut() {
        *l = l.to_lowercase();
        if !langs.contains(l) {
            return Err(unknown("language", l, langs, "ISO 639-1 codes"));
        }
    }
    for a in &wanted.authors {
        let (_, names) = author_query(open, std::slice::from_ref(&a.to_lowercase()))?;
        if names.is_empty() {
            return Err(unknown("author", a, &all_authors(open)?, "write a family name, e.g. `--author Kulikova`"));
        }
    }
    Ok(())
}

/// The error for a filter value the index does not hold.
fn unknown(what: &str, value: &str, known: &[String], hint: &str) -> Error {
    let near = nearest(value, known);
    let listed = if near.is_empty() { "the index holds none".to_string() } else { format!("nearest: {}", near.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")) };
    Error::InvalidArgument(format!("unknown {what} `{value}` ({listed}; {hint})"))
}

/// The values nearest to `value` (containing it, or by spelling), at most three.
pub fn nearest(value: &str, known: &[String]) -> Vec<String> {
    let v = value.to_lowercase();
    let mut scored: Vec<(usize, &String)> = known
        .iter()
        .map(|k| {
            let kl = k.to_lowercase();
            let d = if !v.is_empty() && (kl.contains(&v) || v.contains(&kl)) { 0 } else { distance(&v, &kl) };
            (d, k)
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, k)| k.clone()).collect()
}


/// Every author name the index holds ("family, given", lower-cased).
fn all_authors(open: &OpenIndex) -> Result<Vec<String>> {
    let searcher = open.reader.searcher();
    let mut names = std::collections::BTreeSet::new();
    for reader in searcher.segment_readers() {
        let inverted = reader.inverted_index(open.fields.author)?;
        let mut stream = inverted.terms().stream().map_err(|e| Error::Tantivy(e.into()))?;
        while stream.advance() {
            if let Ok(name) = std::str::from_utf8(stream.key()) {
                names.insert(name.to_string());
            }
        }
    }
    Ok(names.into_iter().collect())
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
fn author_query(open: &OpenIndex, wanted: &[String]) -> Result<(Box<dyn Query>, Vec<String>)> {
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
    let query = any_of(open.fields.author, if names.is_empty() { wanted } else { &names });
    Ok((query, names))
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

    #[test]
    fn nearest_values() {
        let known: Vec<String> = ["kulikova-2015-contest", "liu-2017-code", "wang-dilemma"].map(String::from).to_vec();
        assert_eq!(nearest("liu", &known)[0], "liu-2017-code");
        assert_eq!(nearest("wang-dilema", &known)[0], "wang-dilemma");
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
