//! What the CLI shows while the engine works: notes and warnings on stderr,
//! a progress bar on a terminal, and the one-line build summary.

use std::io::{self, IsTerminal};
use std::time::Duration;

use folio::engine::{BuildReport, Observer};

/// Prints to stderr; `quiet` keeps builds silent (JSON output).
pub struct CliObserver {
    pub quiet: bool,
    pub index_path: String,
    bar: Option<indicatif::ProgressBar>,
}

impl CliObserver {
    pub fn new(quiet: bool, index_path: String) -> CliObserver {
        CliObserver { quiet, index_path, bar: None }
    }
}

impl Observer for CliObserver {
    fn note(&mut self, message: &str) {
        if !self.quiet {
            eprintln!("folio: {message}");
        }
    }

    fn progress(&mut self, done: usize, total: usize, path: &str) {
        if self.quiet || !io::stderr().is_terminal() {
            return;
        }
        let bar = self.bar.get_or_insert_with(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(indicatif::ProgressStyle::with_template("{spinner} indexing [{bar:30}] {pos}/{len} {msg}").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()));
            bar
        });
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(path.to_string());
    }

    fn built(&mut self, report: &BuildReport, elapsed: Duration) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if self.quiet {
            return;
        }
        let m = &report.manifest;
        for w in &m.warnings {
            eprintln!("folio: warning: {w}");
        }
        // Files not read, counted by reason, with their paths.
        for (reason, n) in folio::engine::skipped_by_reason(&m.skipped) {
            let paths: Vec<&str> = m.skipped.iter().filter(|s| s.reason == reason).map(|s| s.path.as_str()).collect();
            let shown = paths.iter().take(10).copied().collect::<Vec<_>>().join(", ");
            let more = if paths.len() > 10 { format!(", … {} more (see `folio index --json`)", paths.len() - 10) } else { String::new() };
            eprintln!("folio: skipped {n} ({reason}): {shown}{more}");
        }
        // Documents whose metadata no library entry gives.
        let guessed = folio::engine::guessed_docs(m);
        if !guessed.is_empty() {
            let (n, verb) = if guessed.len() == 1 { ("1 document".to_string(), "has") } else { (format!("{} documents", guessed.len()), "have") };
            eprintln!("folio: {n} {verb} no library entry; their metadata is read from the document or guessed (add an entry to a .bib; `folio bib-stub DOC` prints one):");
            for g in guessed.iter().take(20) {
                let from_doc = if g.embedded.is_empty() { String::new() } else { format!("; from the document: {}", g.embedded.join(", ")) };
                let guessed = if g.guessed.is_empty() { String::new() } else { format!("; guessed: {}", g.guessed.join(", ")) };
                let missing = if g.missing.is_empty() { String::new() } else { format!("; missing: {}", g.missing.join(", ")) };
                eprintln!("folio:   {} ({}){from_doc}{guessed}{missing}", g.key, g.path);
            }
            if guessed.len() > 20 {
                eprintln!("folio:   … {} more (see `folio index --json`)", guessed.len() - 20);
            }
        }
        let what = if report.full { "indexed".to_string() } else { format!("updated ({} re-indexed, {} unchanged) —", report.n_reindexed, report.n_unchanged) };
        let warnings = if m.warnings.is_empty() { String::new() } else { format!(", {}", folio::plural(m.warnings.len(), "warning")) };
        eprintln!(
            "folio: {what} {}, {}, {}{warnings} in {:.2} s → {}",
            folio::plural(m.docs.len(), "document"),
            folio::plural(m.n_passages, "passage"),
            folio::plural(m.languages.len(), "language"),
            elapsed.as_secs_f64(),
            self.index_path
        );
    }
}
