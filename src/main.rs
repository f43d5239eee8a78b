//! The `folio` binary: parses arguments, runs the command, maps the outcome to
//! an exit code (0 results, 1 no results, 2 error; a closed pipe is 0).
//! The command line (clap, printers, exit codes) lives here and in `cli/`,
//! not in the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;
use cli::{Args, Outcome};

fn main() -> ExitCode {
    folio::text::install_quiet_stemmer_panics();
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let wants_json = args.wants_json();
    match cli::run(args) {
        Ok(Outcome::Results) => ExitCode::SUCCESS,
        Ok(Outcome::NoResults) => ExitCode::from(1),
        Ok(Outcome::Invalid) => ExitCode::from(2),
        Err(e) if cli::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("folio: error: {e:#}");
            if wants_json {
                cli::print_json_error(&e);
            }
            ExitCode::from(2)
        }
    }
}
