//! Runs each command against the engine and prints its result: text for a
//! person, or the `wire` JSON.

use std::io::{self, Write};
use std::path::Path;

use anyhow::{anyhow, Context, Result};
use folio::engine::{self, present, BuildOptions};
use folio::model::Kind;
use folio::retrieve::{self, SearchRequest};
use folio::store::OpenIndex;
use folio::wire;
use folio::cite;

use super::args::{Args, CiteFormatArg, Command, ExportFormat, FilterArgs, FoldBy, Format, GroupArg, SearchFormat, SortArg, StyleArgs};
use super::model;
use super::observer::CliObserver;
use super::print::{self, Style};
use super::{Config, Outcome};

/// Runs the command line. The caller maps the result to an exit code.
pub fn run(args: Args) -> Result<Outcome> {
    let config = Config::from_args(&args);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let outcome = match args.command {
        Command::Index { rebuild, strict, json } => cmd_index(&config, BuildOptions { rebuild, strict, ..BuildOptions::default() }, json, &mut out)?,
        Command::Check { json } => cmd_check(&config, json, &mut out)?,
        Command::Cite { passage_id, style, format } => cmd_cite(&config, &passage_id, &style, format, &mut out)?,
        Command::Search { query, filters, limit, offset, exact, sort, group, format, style, facets, explain, mode } => {
            if query.trim().is_empty() {
                // Queries are never rejected: nothing to search is no results.
                eprintln!("folio: note: the query is empty; give words to search for, e.g. `folio search \"due diligence\"`");
                return Ok(Outcome::NoResults);
            }
            let sort = match sort {
                SortArg::Relevance => retrieve::Sort::Relevance,
                SortArg::Year => retrieve::Sort::Year,
            };
            let group = if group == Some(GroupArg::Doc) { retrieve::Grouping::Doc } else { retrieve::Grouping::None };
            let mode = mode.map_or(retrieve::Mode::Auto, |m| m.mode());
            let request = SearchRequest { query, limit, offset, exact, sort, group, mode, explain, ..filtered(filters)? };
            cmd_search(&config, &request, format, &style, facets, explain, &mut out)?
        }
        Command::Similar { passage_id, filters, limit, format, style, facets, explain } => {
            let request = SearchRequest { limit, explain, ..filtered(filters)? };
            cmd_similar(&config, &passage_id, &request, format, &style, facets, &mut out)?
        }
        Command::Show { passage_id, style, format } => cmd_show(&config, &passage_id, &style, format, &mut out)?,
        Command::Export { format: ExportFormat::Jsonl } => cmd_export(&config, &mut out)?,
        Command::BibStub { doc } => cmd_bib_stub(&config, &doc, &mut out)?,
        Command::Topics { format } => cmd_topics(&config, format, &mut out)?,
        Command::Tag { text, lang, explain, format } => cmd_tag(&config, &text, lang, explain, format, &mut out)?,
        Command::Eval { labels, queries, folds, fold_by, mode, format } => {
            let cv = folds.map(|k| (k as usize, if fold_by == FoldBy::Doc { engine::eval::FoldBy::Document } else { engine::eval::FoldBy::Passage }));
            cmd_eval(&config, &labels, queries.as_deref(), cv, mode.map_or(retrieve::Mode::Auto, |m| m.mode()), format, &mut out)?
        }
        Command::Serve { port, host, allow_hosts, cors_origins, no_watch } => {
            let mut serve = folio::serve::ServeConfig::new(host, port);
            (serve.allow_hosts, serve.cors_origins, serve.watch) = (allow_hosts, cors_origins, !no_watch);
            cmd_serve(&config, serve)?
        }
        Command::Styles => {
            for name in cite::style_names() {
                writeln!(out, "{name}")?;
            }
            Outcome::Results
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut <Args as clap::CommandFactory>::command(), "folio", &mut out);
            Outcome::Results
        }
        Command::Model { action } => model::run(action, &mut out)?,
        Command::Man => {
            clap_mangen::Man::new(<Args as clap::CommandFactory>::command()).render(&mut out)?;
            Outcome::Results
        }
    };
    out.flush()?;
    Ok(outcome)
}

fn cmd_serve(config: &Config, serve: folio::serve::ServeConfig) -> Result<Outcome> {
    let engine = folio::engine::Engine::new(config.engine.corpus.clone(), config.engine.index.root.clone());
    let server = folio::serve::bind(engine, serve)?;
    if server.beyond_loopback() {
        eprintln!("folio: warning: listening on {} — other machines can read this corpus; requests must name this host (add names with `--allow-host`)", server.addr());
    }
    println!("folio: serving {} (Ctrl-C stops)", server.url());
    io::stdout().flush()?;
    server.run()?;
    Ok(Outcome::Results)
}

fn observer(config: &Config, quiet: bool) -> CliObserver {
    CliObserver::new(quiet, config.engine.index.root.display().to_string())
}

/// The index, fresh, with notes on stderr.
fn open(config: &Config) -> Result<OpenIndex> {
    Ok(config.engine.open_fresh(&mut observer(config, false))?)
}

fn json_line<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    writeln!(out, "{}", serde_json::to_string_pretty(value)?)?;
    Ok(())
}

fn cmd_index(config: &Config, options: BuildOptions, json: bool, out: &mut dyn Write) -> Result<Outcome> {
    let report = config.engine.index(options, &mut observer(config, json))?;
    if json {
        json_line(out, &report)?;
    }
    Ok(Outcome::Results)
}

/// `folio check`: 0 when the index matches a valid corpus, 1 when it is stale
/// or missing, 2 when the corpus is invalid.
fn cmd_check(config: &Config, json: bool, out: &mut dyn Write) -> Result<Outcome> {
    let report = config.engine.check()?;
    if json {
        json_line(out, &report)?;
    } else {
        print::check(&report, &config.engine.corpus, out)?;
    }
    Ok(match report.status.as_str() {
        "invalid" => Outcome::Invalid,
        "fresh" => Outcome::Results,
        _ => Outcome::NoResults,
    })
}

/// A request holding the filters of `search` or `similar` (the rest default).
fn filtered(f: FilterArgs) -> Result<SearchRequest> {
    let kinds = parse_kinds(&f.kinds)?;
    let years = f.year.as_deref().map(retrieve::parse_years).transpose()?;
    Ok(SearchRequest { topics: f.topics, docs: f.docs, authors: f.authors, languages: f.langs, kinds, years, ..SearchRequest::default() })
}

fn parse_kinds(kinds: &[String]) -> Result<Vec<Kind>> {
    kinds.iter().map(|k| Kind::parse(k).ok_or_else(|| anyhow!("unknown kind `{k}`; kinds are {}", Kind::names()))).collect()
}

/// `folio similar`: printed like search results.
fn cmd_similar(config: &Config, id: &str, request: &SearchRequest, format: SearchFormat, style: &StyleArgs, show_facets: bool, out: &mut dyn Write) -> Result<Outcome> {
    let loaded = style.load()?;
    let (open, response) = config.engine.answer_fresh(&mut observer(config, false), |open| present::similar(open, id, request, &loaded))?;
    let outcome = print_response(config, &open, &response, format, &loaded, show_facets, false, out);
    leave_mapped(open);
    outcome
}

fn cmd_search(config: &Config, request: &SearchRequest, format: SearchFormat, style: &StyleArgs, show_facets: bool, explain: bool, out: &mut dyn Write) -> Result<Outcome> {
    let style = style.load()?;
    let (open, response) = config.engine.answer_fresh(&mut observer(config, false), |open| present::search(open, request, &style))?;
    let outcome = print_response(config, &open, &response, format, &style, show_facets, explain, out);
    leave_mapped(open);
    outcome
}

/// The index is left to the process's exit, which unmaps its files at once:
/// dropping it unmaps them one by one (most of a millisecond per search).
fn leave_mapped(open: OpenIndex) {
    std::mem::forget(open);
}

/// Search results in the asked format, notes on stderr.
#[allow(clippy::too_many_arguments)]
fn print_response(config: &Config, open: &OpenIndex, response: &wire::SearchResponse, format: SearchFormat, style: &cite::CitationStyle, show_facets: bool, explain: bool, out: &mut dyn Write) -> Result<Outcome> {
    let (open, style) = (open, style);
    for note in &response.notes {
        eprintln!("folio: note: {note}");
    }
    let form = match format {
        SearchFormat::Text => {
            let tagger = if explain { Some(folio::vocab::tagger::Tagger::new(open.taxonomy()?.clone())) } else { None };
            print::hits(&Style { color: config.color }, response, show_facets, tagger.as_ref(), out)?;
            None
        }
        SearchFormat::Json => {
            json_line(out, response)?;
            None
        }
        SearchFormat::Pandoc => Some(cite::CiteFormat::Pandoc),
        SearchFormat::Typst => Some(cite::CiteFormat::Typst),
        SearchFormat::Latex => Some(cite::CiteFormat::Latex),
        SearchFormat::Bibtex => Some(cite::CiteFormat::Bibtex),
        SearchFormat::CslJson => Some(cite::CiteFormat::CslJson),
    };
    if let Some(form) = form {
        print::citations(open, response, form, style, out)?;
    }
    Ok(if response.total == 0 { Outcome::NoResults } else { Outcome::Results })
}

fn cmd_cite(config: &Config, id: &str, style: &StyleArgs, format: CiteFormatArg, out: &mut dyn Write) -> Result<Outcome> {
    let style = style.load()?;
    let open = open(config)?;
    match format.form() {
        None => json_line(out, &present::cite(&open, id, &style)?)?,
        Some(form) => {
            let p = present::passage(&open, id)?;
            let meta = present::Presenter::new(&open, &style).meta(&p.doc)?;
            writeln!(out, "{}", cite::format_citation(&p.doc, &p.locator, &p.title, &meta, form, &style)?)?;
        }
    }
    Ok(Outcome::Results)
}

fn cmd_show(config: &Config, id: &str, style: &StyleArgs, format: Format, out: &mut dyn Write) -> Result<Outcome> {
    let style = style.load()?;
    let open = open(config)?;
    if let present::Lookup::Gone { doc, nearby } = present::lookup(&open, id)? {
        // The passage was there and is gone: say so, and where to look now (exit 1).
        let message = format!("passage `{id}` is no longer in `{doc}`; its passages nearest to where it was: {}", nearby.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", "));
        match format {
            Format::Json => writeln!(out, "{}", serde_json::to_string(&wire::ErrorResponse::new("passage_gone", &message))?)?,
            Format::Text => {
                eprintln!("folio: {message}");
                print::nearby(&Style { color: config.color }, &nearby, out)?;
            }
        }
        return Ok(Outcome::NoResults);
    }
    let shown = present::show(&open, id, &style)?;
    match format {
        Format::Json => json_line(out, &shown)?,
        Format::Text => print::show(&Style { color: config.color }, &shown, out)?,
    }
    Ok(Outcome::Results)
}

fn cmd_bib_stub(config: &Config, doc: &str, out: &mut dyn Write) -> Result<Outcome> {
    let open = open(config)?;
    let m = open.docs()?;
    let Some(entry) = m.iter().find(|d| d.key == doc || d.path == doc) else {
        let keys: Vec<&str> = m.iter().map(|d| d.key.as_str()).take(10).collect();
        return Err(anyhow!("no document `{doc}` in the index; documents: {}", keys.join(", ")));
    };
    if !entry.meta.guessed {
        writeln!(out, "% `{}` already has a library entry:", entry.key)?;
    }
    let mut stub = entry.meta.clone();
    // The stub is to be filled in: fields nobody knows are left empty.
    let mut text = cite::bibtex(&stub, &entry.path);
    if stub.guessed {
        stub.bibtex = None;
        let mut extra = vec![];
        if stub.authors.is_empty() {
            extra.push("  author = {}".to_string());
        }
        if stub.year.is_none() {
            extra.push("  year = {}".to_string());
        }
        if let Some(doi) = &stub.doi {
            extra.push(format!("  doi = {{{doi}}}"));
        }
        extra.push(format!("  file = {{{}}}", entry.path));
        if let Some(end) = text.rfind("\n}") {
            text.insert_str(end, &format!(",\n{}", extra.join(",\n")));
        }
    }
    writeln!(out, "{text}")?;
    Ok(Outcome::Results)
}

fn cmd_export(config: &Config, out: &mut dyn Write) -> Result<Outcome> {
    let open = open(config)?;
    let style = cite::CitationStyle::named(cite::DEFAULT_STYLE)?;
    let lines = present::export(&open, &style)?;
    for line in &lines {
        writeln!(out, "{}", serde_json::to_string(line)?)?;
    }
    Ok(if lines.is_empty() { Outcome::NoResults } else { Outcome::Results })
}

fn cmd_topics(config: &Config, format: Format, out: &mut dyn Write) -> Result<Outcome> {
    let open = open(config)?;
    let topics = present::topics(&open)?;
    match format {
        Format::Json => json_line(out, &topics)?,
        Format::Text => print::topics(&Style { color: config.color }, &topics, out)?,
    }
    Ok(Outcome::Results)
}

fn cmd_tag(config: &Config, text: &str, lang: Option<String>, explain: bool, format: Format, out: &mut dyn Write) -> Result<Outcome> {
    let text = if text == "-" {
        let mut s = String::new();
        io::Read::read_to_string(&mut io::stdin(), &mut s).context("reading standard input")?;
        s
    } else {
        text.to_string()
    };
    let (language, tags) = config.engine.tag(&text, lang)?;
    match format {
        Format::Json => json_line(out, &present::tag_response(language, &tags, explain))?,
        Format::Text => print::tags(&tags, explain, out)?,
    }
    Ok(if tags.topics.is_empty() { Outcome::NoResults } else { Outcome::Results })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not in the gold-set format", path.display()))
}

fn cmd_eval(config: &Config, labels: &Path, queries: Option<&Path>, cv: Option<(usize, engine::eval::FoldBy)>, mode: retrieve::Mode, format: Format, out: &mut dyn Write) -> Result<Outcome> {
    let open = open(config)?;
    let labels: engine::eval::Labels = read_json(labels)?;
    let queries: Option<Vec<engine::eval::QueryItem>> = queries.map(read_json).transpose()?;
    let passages = open.all_passages()?;
    let topic_ids: Vec<String> = open.manifest.topics.iter().map(|(id, _, _)| id.clone()).collect();
    let mut report = engine::eval::evaluate(&passages, &topic_ids, &labels, queries.as_deref().map(|q| (&open, q, mode)))?;
    if let Some((k, by)) = cv {
        let tagger = config.engine.tagger()?;
        let items = engine::eval::cv_items(&passages, &labels, &tagger);
        let thresholds: Vec<f32> = tagger.taxonomy.topics.iter().map(|t| t.threshold).collect();
        let ids: Vec<String> = tagger.taxonomy.ids().into_iter().map(String::from).collect();
        report.cv = Some(engine::eval::cross_validate(&items, &thresholds, &ids, tagger.weights(), k, by));
    }
    match format {
        Format::Json => json_line(out, &wire::Versioned::new(&report))?,
        Format::Text => print::eval(&report, passages.len(), out)?,
    }
    Ok(Outcome::Results)
}

