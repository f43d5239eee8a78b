//! The command line, part of the binary only: raw arguments (`args`, clap)
//! are validated into a [`Config`], each command runs against the library's
//! engine (`commands`), and results print as text (`print`) or as the
//! library's `wire` JSON. Build progress shows on a terminal (`observer`).
//! `folio model …` installs and inspects the optional encoder (`model`).
//!
//! Exit codes: 0 results, 1 no results, 2 error. Output into a closed pipe
//! ends the program quietly with 0.

mod args;
mod commands;
mod model;
mod observer;
mod print;

use std::io::{self, IsTerminal};

pub use args::{Args, ColorChoice};
pub use commands::run;

/// Validated settings shared by all commands.
pub struct Config {
    pub engine: folio::engine::Engine,
    pub color: bool,
}

impl Config {
    fn from_args(args: &Args) -> Config {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        Config { engine: folio::engine::Engine::new(&args.corpus, &args.index), color }
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

/// True when the error chain ends in a closed pipe.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

/// Prints an error as `wire::ErrorResponse` on standard output, for a
/// command that was asked for JSON.
pub fn print_json_error(e: &anyhow::Error) {
    let kind = e.chain().find_map(|c| c.downcast_ref::<folio::error::Error>()).map_or("error", folio::error::Error::kind);
    let response = folio::wire::ErrorResponse::new(kind, format!("{e:#}"));
    if let Ok(json) = serde_json::to_string(&response) {
        println!("{json}");
    }
}
