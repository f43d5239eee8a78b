//! Command-line arguments (clap): raw arguments, validated into a config
//! by `commands`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use folio::cite;

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
    pub fn load(&self) -> Result<cite::CitationStyle> {
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
        #[arg(long, value_enum, default_value_t = CiteFormatArg::Text)]
        format: CiteFormatArg,
    },
    /// Show one passage with its citation, references and neighbours.
    Show {
        passage_id: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print a BibTeX entry to fill in for a document (by key or path), from
    /// what folio read or guessed; add it to a .bib in the corpus folder.
    BibStub {
        doc: String,
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

