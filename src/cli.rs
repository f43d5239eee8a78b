//! The command line: raw arguments (clap) are validated into a [`Config`], then
//! each command runs against the library and prints text or JSON.
//!
//! Exit codes: 0 results, 1 no results, 2 error. Output into a closed pipe
//! ends the program quietly with 0.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::index::{self, Freshness, IndexDir};
use crate::model::{Kind, Passage};
use crate::search::{self, SearchRequest, SearchResponse};
use crate::{cite, corpus, eval, lang, tag, taxonomy};

#[derive(Parser, Debug)]
#[command(name = "folio", version, about = "Search the literature of international cyberspace governance and cite the passage you need.")]
pub struct Args {
    /// Folder of documents (.txt, .md) with references.bib and topics.toml.
    #[arg(long, global = true, env = "FOLIO_CORPUS", default_value = "corpus")]
    pub corpus: PathBuf,
    /// Folder of the index.
    #[arg(long, global = true, env = "FOLIO_INDEX", default_value = "index")]
    pub index: PathBuf,
    /// Colour in text output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// Output of `search`: text, JSON, or one citation form per hit.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum SearchFormat {
    Text,
    Json,
    Pandoc,
    Typst,
    Latex,
    Bibtex,
    CslJson,
}

/// How citations are styled: a built-in style name or a CSL file.
#[derive(clap::Args, Debug, Clone)]
pub struct StyleArgs {
    /// Citation style shipped with folio: apa, chicago-author-date, ieee, harvard-cite-them-right, mla, …
    #[arg(long, default_value = cite::DEFAULT_STYLE, conflicts_with = "csl")]
    pub style: String,
    /// A CSL style file (e.g. OSCOLA's oscola.csl).
    #[arg(long)]
    pub csl: Option<PathBuf>,
}

impl StyleArgs {
    fn load(&self) -> Result<cite::CitationStyle> {
        match &self.csl {
            Some(path) => {
                let xml = std::fs::read_to_string(path).with_context(|| format!("cannot read CSL style {}", path.display()))?;
                Ok(cite::CitationStyle::from_csl(&xml, &path.display().to_string())?)
            }
            None => Ok(cite::CitationStyle::named(&self.style)?),
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the index, or bring it up to date with the corpus.
    Index {
        /// Rebuild from scratch even when an update would do.
        #[arg(long)]
        rebuild: bool,
        /// Treat corpus warnings (broken BibTeX entries, unreadable or binary files, …) as errors.
        #[arg(long)]
        strict: bool,
        /// Print a report as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Check that the index matches the corpus and the corpus is valid: exit 0 yes, 1 stale, 2 invalid.
    Check {
        /// Print a report as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Search passages; builds the index first when it is missing or out of date.
    Search {
        /// Words, "phrases", AND/OR/NOT, -exclude, +require, field:value filters.
        #[arg(allow_hyphen_values = true)]
        query: String,
        /// Only passages tagged with this topic (repeatable; see `folio topics`).
        #[arg(long = "topic")]
        topics: Vec<String>,
        /// Only passages of this document key (repeatable).
        #[arg(long = "doc")]
        docs: Vec<String>,
        /// Only documents by this author ("Family" or "Family, Given"; repeatable).
        #[arg(long = "author")]
        authors: Vec<String>,
        /// Only passages in this language (ISO 639-1 code, repeatable).
        #[arg(long = "lang")]
        langs: Vec<String>,
        /// Passage kinds to search: body, abstract, reference, note, bio (default body and abstract).
        #[arg(long = "kind")]
        kinds: Vec<String>,
        /// Publication years, FROM..TO or one year.
        #[arg(long)]
        year: Option<String>,
        /// Number of hits to print.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// text, json, or a citation form for each hit (pandoc, typst, latex, bibtex, csl-json).
        #[arg(long, value_enum, default_value_t = SearchFormat::Text)]
        format: SearchFormat,
        #[command(flatten)]
        style: StyleArgs,
        /// Print facet counts in text output.
        #[arg(long)]
        facets: bool,
        /// Show why each hit has its topics and how the query was read.
        #[arg(long)]
        explain: bool,
    },
    /// Print a passage's citation in a style or a pasteable form.
    Cite {
        passage_id: String,
        #[command(flatten)]
        style: StyleArgs,
        #[arg(long, value_enum, default_value_t = cite::CiteFormat::Text)]
        format: cite::CiteFormat,
    },
    /// Show one passage with its citation, references and neighbours.
    Show {
        passage_id: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print every passage in corpus order.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
    },
    /// List the taxonomy with passage counts.
    Topics {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Tag any text with topics (`-` reads standard input).
    Tag {
        text: String,
        /// Language of the text (detected when absent).
        #[arg(long)]
        lang: Option<String>,
        /// Show the evidence behind each topic.
        #[arg(long)]
        explain: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Measure tagging and retrieval against a gold set.
    Eval {
        /// Labels file (format of shared/eval/dev-labels.json).
        #[arg(long)]
        labels: PathBuf,
        /// Queries file (format of shared/eval/dev-queries.json).
        #[arg(long)]
        queries: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// Validated settings shared by all commands.
pub struct Config {
    pub corpus: PathBuf,
    pub index: IndexDir,
    pub color: bool,
}

impl Config {
    fn from_args(args: &Args) -> Config {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        Config { corpus: args.corpus.clone(), index: IndexDir::new(&args.index), color }
    }
}

/// What a command reports for the exit code.
pub enum Outcome {
    /// Exit 0.
    Results,
    /// Exit 1: no results (for `check`: the index is stale).
    NoResults,
    /// Exit 2 without an error message of its own (`check` on an invalid corpus).
    Invalid,
}

/// Runs the command line. The caller maps the result to an exit code.
pub fn run(args: Args) -> Result<Outcome> {
    let config = Config::from_args(&args);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let outcome = match args.command {
        Command::Index { rebuild, strict, json } => cmd_index(&config, index::BuildOptions { rebuild, strict }, json, &mut out)?,
        Command::Check { json } => cmd_check(&config, json, &mut out)?,
        Command::Cite { passage_id, style, format } => cmd_cite(&config, &passage_id, &style, format, &mut out)?,
        Command::Search { query, topics, docs, authors, langs, kinds, year, limit, format, style, facets, explain } => {
            let kinds = kinds
                .iter()
                .map(|k| Kind::parse(k).ok_or_else(|| anyhow!("unknown kind `{k}`; kinds are body, abstract, reference, note, bio")))
                .collect::<Result<Vec<_>>>()?;
            let years = year.as_deref().map(search::parse_years).transpose()?;
            let request = SearchRequest { query, topics, docs, authors, languages: langs, kinds, years, limit };
            cmd_search(&config, &request, format, &style, facets, explain, &mut out)?
        }
        Command::Show { passage_id, format } => cmd_show(&config, &passage_id, format, &mut out)?,
        Command::Export { format: ExportFormat::Jsonl } => cmd_export(&config, &mut out)?,
        Command::Topics { format } => cmd_topics(&config, format, &mut out)?,
        Command::Tag { text, lang, explain, format } => cmd_tag(&config, &text, lang, explain, format, &mut out)?,
        Command::Eval { labels, queries, format } => cmd_eval(&config, &labels, queries.as_deref(), format, &mut out)?,
    };
    out.flush()?;
    Ok(outcome)
}

fn build(config: &Config, options: index::BuildOptions, quiet: bool) -> Result<index::BuildReport> {
    let started = Instant::now();
    let scan = corpus::scan(&config.corpus)?;
    let bar = (!quiet && io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(scan.docs.len() as u64);
        bar.set_style(indicatif::ProgressStyle::with_template("{spinner} indexing [{bar:30}] {pos}/{len} {msg}").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()));
        bar
    });
    let mut progress = |done: usize, total: usize, path: &str| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            bar.set_message(path.to_string());
        }
    };
    let report = index::build(&config.index, &scan, options, &mut progress)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if !quiet {
        for w in &report.manifest.warnings {
            eprintln!("folio: warning: {w}");
        }
        let m = &report.manifest;
        let what = if report.full {
            "indexed".to_string()
        } else {
            format!("updated ({} re-indexed, {} unchanged) —", report.n_reindexed, report.n_unchanged)
        };
        eprintln!(
            "folio: {what} {} documents, {} passages, {} languages{} in {:.2} s → {}",
            m.docs.len(),
            m.n_passages,
            m.languages.len(),
            if m.warnings.is_empty() { String::new() } else { format!(", {} warnings", m.warnings.len()) },
            started.elapsed().as_secs_f64(),
            config.index.root.display()
        );
    }
    Ok(report)
}

/// Opens the index, first building it when it is missing or updating it when
/// it is stale, saying so on stderr.
fn ensure_index(config: &Config) -> Result<index::OpenIndex> {
    let freshness = match index::open(&config.index) {
        Ok(open) => match index::freshness_of(&open.manifest, &config.index, &config.corpus)? {
            Freshness::Fresh => return Ok(open),
            stale => stale,
        },
        Err(Error::IndexMissing { .. }) => Freshness::Missing,
        Err(e) => return Err(e.into()),
    };
    match freshness {
        Freshness::Fresh => {}
        Freshness::Missing => {
            eprintln!("folio: no index at {}; building it from {}", config.index.root.display(), config.corpus.display());
            build(config, index::BuildOptions::default(), false)?;
        }
        Freshness::Stale(reasons) => {
            let shown: Vec<&str> = reasons.iter().take(3).map(String::as_str).collect();
            let more = if reasons.len() > 3 { format!(" and {} more", reasons.len() - 3) } else { String::new() };
            eprintln!("folio: index out of date ({}{more}); updating it", shown.join("; "));
            match build(config, index::BuildOptions::default(), false) {
                Ok(_) => {}
                // Someone else is updating it: search what is live, and say so.
                Err(e) if matches!(e.downcast_ref::<Error>(), Some(Error::Locked { .. })) && config.index.live().is_some() => {
                    eprintln!("folio: another `folio index` is updating the index; searching the current one");
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(index::open(&config.index)?)
}

fn cmd_index(config: &Config, options: index::BuildOptions, json: bool, out: &mut dyn Write) -> Result<Outcome> {
    let freshness = match index::freshness(&config.index, &config.corpus) {
        Err(Error::SchemaMismatch { .. }) if options.rebuild => Freshness::Missing,
        other => other?,
    };
    let (status, report) = if !options.rebuild && freshness == Freshness::Fresh {
        let manifest = config.index.manifest()?.ok_or_else(|| anyhow!("index vanished while reading it"))?;
        if options.strict && !manifest.warnings.is_empty() {
            return Err(Error::Strict { n: manifest.warnings.len(), first: manifest.warnings[0].to_string() }.into());
        }
        if !json {
            eprintln!("folio: index is up to date ({} documents, {} passages); `folio index --rebuild` forces a rebuild", manifest.docs.len(), manifest.n_passages);
        }
        let n = manifest.docs.len();
        ("up-to-date", index::BuildReport { manifest, full: false, n_reindexed: 0, n_unchanged: n })
    } else {
        let report = build(config, options, json)?;
        (if report.full { "built" } else { "updated" }, report)
    };
    if json {
        let m = &report.manifest;
        let summary = serde_json::json!({
            "status": status,
            "documents": m.docs.len(),
            "passages": m.n_passages,
            "reindexed": report.n_reindexed,
            "unchanged": report.n_unchanged,
            "languages": m.languages,
            "warnings": m.warnings,
            "docs": m.docs.iter().map(|d| serde_json::json!({"key": d.key, "path": d.path, "title": d.title, "passages": d.n_passages, "language": d.language})).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?;
    }
    Ok(Outcome::Results)
}

/// `folio check`: 0 when the index matches a valid corpus, 1 when it is stale
/// or missing, 2 when the corpus is invalid (warnings, malformed taxonomy or
/// thesaurus).
fn cmd_check(config: &Config, json: bool, out: &mut dyn Write) -> Result<Outcome> {
    let mut problems: Vec<String> = vec![];
    let scan = corpus::scan(&config.corpus)?;
    problems.extend(scan.warnings.iter().map(ToString::to_string));
    if let Err(e) = index::taxonomy_of(&scan) {
        problems.push(e.to_string());
    }
    if let Err(e) = index::thesaurus_of(&scan) {
        problems.push(e.to_string());
    }
    let freshness = match index::freshness(&config.index, &config.corpus) {
        Ok(f) => f,
        Err(e @ Error::SchemaMismatch { .. }) => Freshness::Stale(vec![e.to_string()]),
        Err(e) => return Err(e.into()),
    };
    // Documents' own problems: from the index for unchanged ones, read afresh otherwise.
    let manifest = config.index.manifest().ok().flatten();
    for planned in &scan.docs {
        let known = manifest.as_ref().and_then(|m| m.docs.iter().find(|d| d.path == planned.file.rel_path));
        match (&freshness, known) {
            (Freshness::Fresh, Some(d)) => problems.extend(d.warnings.iter().map(ToString::to_string)),
            _ => problems.extend(corpus::read(planned).warnings.iter().map(ToString::to_string)),
        }
    }
    let stale_reasons = match &freshness {
        Freshness::Stale(r) => r.clone(),
        Freshness::Missing => vec!["no index; run `folio index`".into()],
        Freshness::Fresh => vec![],
    };
    let (status, code) = match (&freshness, problems.is_empty()) {
        (_, false) => ("invalid", Outcome::Invalid),
        (Freshness::Fresh, true) => ("fresh", Outcome::Results),
        (Freshness::Missing, true) => ("missing", Outcome::NoResults),
        (Freshness::Stale(_), true) => ("stale", Outcome::NoResults),
    };
    if json {
        let report = serde_json::json!({"status": status, "fresh": freshness == Freshness::Fresh, "stale_reasons": stale_reasons, "problems": problems});
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        match status {
            "fresh" => writeln!(out, "index is up to date with {} and the corpus is valid", config.corpus.display())?,
            "invalid" => {
                writeln!(out, "the corpus has {} problem(s):", problems.len())?;
                for p in &problems {
                    writeln!(out, "  {p}")?;
                }
                if !stale_reasons.is_empty() {
                    writeln!(out, "and the index is out of date ({})", stale_reasons.join("; "))?;
                }
            }
            _ => {
                writeln!(out, "index is out of date; run `folio index`:")?;
                for r in &stale_reasons {
                    writeln!(out, "  {r}")?;
                }
            }
        }
    }
    Ok(code)
}

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn snippet(&self, s: &str) -> String {
        if self.color { s.replace("<mark>", "\x1b[1;33m").replace("</mark>", "\x1b[0m") } else { s.replace("<mark>", "").replace("</mark>", "") }
    }
}

fn cmd_search(config: &Config, request: &SearchRequest, format: SearchFormat, style: &StyleArgs, show_facets: bool, explain: bool, out: &mut dyn Write) -> Result<Outcome> {
    let open = ensure_index(config)?;
    let response = search::search(&open, request)?;
    for note in &response.notes {
        eprintln!("folio: note: {note}");
    }
    let cite_format = match format {
        SearchFormat::Text => None,
        SearchFormat::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&response)?)?;
            None
        }
        SearchFormat::Pandoc => Some(cite::CiteFormat::Pandoc),
        SearchFormat::Typst => Some(cite::CiteFormat::Typst),
        SearchFormat::Latex => Some(cite::CiteFormat::Latex),
        SearchFormat::Bibtex => Some(cite::CiteFormat::Bibtex),
        SearchFormat::CslJson => Some(cite::CiteFormat::CslJson),
    };
    if format == SearchFormat::Text {
        print_hits(config, &open, &response, show_facets, explain, out)?;
    } else if let Some(f) = cite_format {
        let style = style.load()?;
        if f == cite::CiteFormat::CslJson {
            // One CSL-JSON array holding each cited document once.
            let mut items: Vec<serde_json::Value> = vec![];
            for hit in &response.hits {
                let meta = doc_meta(&open, &hit.passage.doc)?;
                let item = cite::csl_json(&meta, &hit.passage.title);
                if !items.contains(&item) {
                    items.push(item);
                }
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
        } else {
            let mut seen = std::collections::HashSet::new();
            for hit in &response.hits {
                let meta = doc_meta(&open, &hit.passage.doc)?;
                // A BibTeX entry once per document; the other forms once per passage.
                if f == cite::CiteFormat::Bibtex && !seen.insert(hit.passage.doc.clone()) {
                    continue;
                }
                writeln!(out, "{}", cite::format_citation(&hit.passage, &meta, f, &style)?)?;
            }
        }
    }
    Ok(if response.total == 0 { Outcome::NoResults } else { Outcome::Results })
}

fn doc_meta(open: &index::OpenIndex, key: &str) -> Result<crate::model::DocMeta> {
    open.manifest.docs.iter().find(|d| d.key == key).map(|d| d.meta.clone()).ok_or_else(|| anyhow!("document `{key}` is not in the index manifest; run `folio index --rebuild`"))
}

fn cmd_cite(config: &Config, id: &str, style: &StyleArgs, format: cite::CiteFormat, out: &mut dyn Write) -> Result<Outcome> {
    let open = ensure_index(config)?;
    let passage = open.get(id)?.ok_or_else(|| Error::UnknownPassage { id: id.to_string() })?;
    let meta = doc_meta(&open, &passage.doc)?;
    let style = style.load()?;
    writeln!(out, "{}", cite::format_citation(&passage, &meta, format, &style)?)?;
    Ok(Outcome::Results)
}

fn print_hits(config: &Config, open: &index::OpenIndex, response: &SearchResponse, show_facets: bool, explain: bool, out: &mut dyn Write) -> Result<()> {
    let style = Style { color: config.color };
    if response.hits.is_empty() && response.total == 0 {
        writeln!(out, "No passages match `{}`. Try fewer words, another spelling, or drop a filter.", response.query)?;
    }
    if explain {
        for e in &response.expansions {
            writeln!(out, "{}", style.dim(&format!("query: `{}` also searched as {}", e.matched, e.added.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "))))?;
        }
        if response.fuzzy {
            writeln!(out, "{}", style.dim("query: near spellings searched too"))?;
        }
        writeln!(out)?;
    }
    let tagger = explain.then(|| tag::Tagger::new(open.taxonomy.clone()));
    for (rank, hit) in response.hits.iter().enumerate() {
        let p = &hit.passage;
        let authors = if p.authors.is_empty() { String::new() } else { format!("{} ", p.authors.join("; ")) };
        let year = p.year.map_or("n.d.".into(), |y| y.to_string());
        writeln!(out, "{} {} {}", style.bold(&format!("{}.", rank + 1)), style.bold(&p.title), style.dim(&format!("[{}]", p.id)))?;
        writeln!(out, "   {}({year}) · {} · {}", authors, p.citation.locator, p.section.as_deref().unwrap_or("—"))?;
        writeln!(out, "   {}", style.snippet(&hit.snippet))?;
        if !p.topics.is_empty() {
            writeln!(out, "   {}", style.dim(&format!("topics: {}", p.topics.join(", "))))?;
        }
        writeln!(out, "   {}", style.dim(&format!("cite: {} {}", p.citation.text, p.citation.locator)))?;
        if let Some(tagger) = &tagger {
            let tags = tagger.tag(&p.text, &p.language, p.section.as_deref(), &[]);
            writeln!(out, "   {}", style.dim("why these topics (passage and heading evidence; the document's context is applied at indexing):"))?;
            print_evidence(&tags, out)?;
            writeln!(out, "   {}", style.dim(&format!("score {:.3}", hit.score)))?;
        }
        writeln!(out)?;
    }
    if response.total > response.hits.len() {
        writeln!(out, "{}", style.dim(&format!("{} of {} passages shown; --limit N shows more", response.hits.len(), response.total)))?;
    }
    if show_facets {
        for (name, counts) in &response.facets {
            if counts.is_empty() {
                continue;
            }
            let mut counts: Vec<(&String, &u64)> = counts.iter().collect();
            counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let shown: Vec<String> = counts.iter().map(|(v, c)| format!("{v} ({c})")).collect();
            writeln!(out, "{}: {}", style.bold(name), shown.join(", "))?;
        }
    }
    Ok(())
}

fn print_evidence(tags: &tag::Tags, out: &mut dyn Write) -> Result<()> {
    for (topic, evidence) in &tags.evidence {
        let assigned = if tags.topics.contains(topic) { "✓" } else { "·" };
        let parts: Vec<String> = evidence
            .iter()
            .map(|e| match e.source {
                "document" => e.term.clone(),
                "heading" => format!("heading: {} ×{} (w {})", e.term, e.count, e.weight),
                _ => format!("{} ×{} (w {})", e.term, e.count, e.weight),
            })
            .collect();
        writeln!(out, "   {assigned} {topic} {:.2}: {}", tags.scores.get(topic).copied().unwrap_or(0.0), parts.join("; "))?;
    }
    Ok(())
}

fn cmd_show(config: &Config, id: &str, format: Format, out: &mut dyn Write) -> Result<Outcome> {
    let open = ensure_index(config)?;
    let passage = open.get(id)?.ok_or_else(|| Error::UnknownPassage { id: id.to_string() })?;
    let (doc, n) = id.rsplit_once(':').map(|(d, n)| (d.to_string(), n.parse::<u32>().unwrap_or(0))).unwrap_or_default();
    let neighbour = |k: u32| open.get(&format!("{doc}:{k}")).ok().flatten();
    let previous = n.checked_sub(1).filter(|k| *k > 0).and_then(neighbour);
    let next = neighbour(n + 1);
    let cited: Vec<Passage> = passage.cites.iter().filter_map(|c| c.reference.as_deref()).filter_map(|r| open.get(r).ok().flatten()).collect();
    match format {
        Format::Json => {
            let value = serde_json::json!({ "passage": passage, "previous": previous, "next": next, "references": cited });
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        Format::Text => {
            let style = Style { color: config.color };
            writeln!(out, "{} {}", style.bold(&passage.title), style.dim(&format!("[{}]", passage.id)))?;
            let path: Vec<String> = passage.section_path.iter().map(|h| h.display()).collect();
            writeln!(out, "{} · {} · {} · {}", passage.citation.locator, if path.is_empty() { "—".into() } else { path.join(" › ") }, passage.kind.as_str(), passage.language)?;
            writeln!(out, "{}", style.dim(&format!("{} lines {}–{}", passage.source.path, passage.source.line_start, passage.source.line_end)))?;
            writeln!(out)?;
            if let Some(p) = &previous {
                writeln!(out, "{}", style.dim(&format!("[{}] {}", p.id, ellipsize(&p.text, 200))))?;
                writeln!(out)?;
            }
            writeln!(out, "{}", passage.text)?;
            writeln!(out)?;
            if let Some(p) = &next {
                writeln!(out, "{}", style.dim(&format!("[{}] {}", p.id, ellipsize(&p.text, 200))))?;
                writeln!(out)?;
            }
            if !passage.topics.is_empty() {
                writeln!(out, "topics: {}", passage.topics.join(", "))?;
            }
            if !passage.cites.is_empty() {
                writeln!(out, "{}", style.bold("relies on:"))?;
                for c in &passage.cites {
                    let text = c.reference.as_deref().and_then(|r| cited.iter().find(|p| p.id == r)).map_or("(no matching entry in the reference list)".to_string(), |p| p.text.clone());
                    writeln!(out, "  [{}] {}", c.marker, text)?;
                }
            }
            writeln!(out, "{} {} {}", style.bold("cite:"), passage.citation.text, passage.citation.locator)?;
        }
    }
    Ok(Outcome::Results)
}

fn ellipsize(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

fn cmd_export(config: &Config, out: &mut dyn Write) -> Result<Outcome> {
    let open = ensure_index(config)?;
    let passages = open.all_passages()?;
    for p in &passages {
        writeln!(out, "{}", serde_json::to_string(p)?)?;
    }
    Ok(if passages.is_empty() { Outcome::NoResults } else { Outcome::Results })
}

fn cmd_topics(config: &Config, format: Format, out: &mut dyn Write) -> Result<Outcome> {
    let open = ensure_index(config)?;
    let taxonomy = &open.taxonomy;
    let counts: std::collections::HashMap<&str, usize> = open.manifest.topics.iter().map(|(id, _, n)| (id.as_str(), *n)).collect();
    match format {
        Format::Json => {
            let list: Vec<serde_json::Value> = taxonomy
                .topics
                .iter()
                .map(|t| serde_json::json!({"id": t.id, "label": t.label, "description": t.description, "passages": counts.get(t.id.as_str()).copied().unwrap_or(0)}))
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        }
        Format::Text => {
            let style = Style { color: config.color };
            for t in &taxonomy.topics {
                writeln!(out, "{:<24} {:>5}  {}", style.bold(&t.id), counts.get(t.id.as_str()).copied().unwrap_or(0), t.label)?;
            }
        }
    }
    Ok(Outcome::Results)
}

fn cmd_tag(config: &Config, text: &str, lang_arg: Option<String>, explain: bool, format: Format, out: &mut dyn Write) -> Result<Outcome> {
    let text = if text == "-" {
        let mut s = String::new();
        io::Read::read_to_string(&mut io::stdin(), &mut s).context("reading standard input")?;
        s
    } else {
        text.to_string()
    };
    let taxonomy = match corpus::scan(&config.corpus) {
        Ok(scan) => index::taxonomy_of(&scan)?,
        Err(_) => taxonomy::Taxonomy::builtin(),
    };
    let tagger = tag::Tagger::new(taxonomy);
    let language = lang_arg.unwrap_or_else(|| lang::detect(&text, None));
    let tags = tagger.tag(&text, &language, None, &[]);
    match format {
        Format::Json => {
            let value = serde_json::json!({"language": language, "topics": tags.topics, "topic_scores": tags.scores, "evidence": if explain { serde_json::to_value(&tags.evidence)? } else { serde_json::Value::Null }});
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        Format::Text => {
            if tags.topics.is_empty() {
                writeln!(out, "(no topic)")?;
            }
            for t in &tags.topics {
                writeln!(out, "{t}\t{:.2}", tags.scores.get(t).copied().unwrap_or(0.0))?;
            }
            if explain {
                print_evidence(&tags, out)?;
            }
        }
    }
    Ok(if tags.topics.is_empty() { Outcome::NoResults } else { Outcome::Results })
}

fn cmd_eval(config: &Config, labels: &std::path::Path, queries: Option<&std::path::Path>, format: Format, out: &mut dyn Write) -> Result<Outcome> {
    let open = ensure_index(config)?;
    let labels: eval::Labels = eval::read_json(labels)?;
    let queries: Option<Vec<eval::QueryItem>> = queries.map(eval::read_json).transpose()?;
    let passages = open.all_passages()?;
    let topic_ids: Vec<String> = open.manifest.topics.iter().map(|(id, _, _)| id.clone()).collect();
    let report = eval::evaluate(&passages, &topic_ids, &labels, queries.as_deref().map(|q| (&open, q)))?;
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        Format::Text => {
            writeln!(out, "passages: {}   anchors: {}   coverage: {:.2}", passages.len(), report.n_items, report.coverage)?;
            for a in &report.anchors_missing {
                writeln!(out, "  missing anchor: {a}")?;
            }
            for a in &report.anchors_ambiguous {
                writeln!(out, "  anchor in several passages: {a}")?;
            }
            writeln!(out, "junk strings found: {}   duplicated passages: {}", report.junk_found.len(), report.duplicate_passages.len())?;
            for j in &report.junk_found {
                writeln!(out, "  junk: {j}")?;
            }
            for (a, b) in &report.duplicate_passages {
                writeln!(out, "  duplicate: {a} inside {b}")?;
            }
            writeln!(out, "{:<24} {:>5} {:>5} {:>5} {:>4} {:>4}", "topic", "P", "R", "F1", "gold", "pred")?;
            for (t, s) in &report.topics {
                writeln!(out, "{:<24} {:>5.2} {:>5.2} {:>5.2} {:>4} {:>4}", t, s.precision, s.recall, s.f1, s.support, s.predicted)?;
            }
            writeln!(out, "{:<24} {:>5.2} {:>5.2} {:>5.2}", "macro", report.macro_precision, report.macro_recall, report.macro_f1)?;
            for (kind, s) in &report.queries {
                writeln!(out, "queries {:<6} n={:<3} MRR@10 {:.3}  recall@5 {:.3}", kind, s.n, s.mrr_at_10, s.recall_at_5)?;
            }
            for (kind, q, rank) in &report.query_ranks {
                writeln!(out, "  [{kind}] rank {:>4}  {q}", rank.map_or("-".into(), |r| r.to_string()))?;
            }
        }
    }
    Ok(Outcome::Results)
}

/// True when the error chain ends in a closed pipe.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}
