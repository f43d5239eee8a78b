//! PDF extraction speed: folio's whole PDF route (lopdf, `pdftotext
//! -bbox-layout` streamed and parsed, layout analysis, line form) next to
//! plain `pdftotext` on the same files in the same run, in pages per
//! second (best of N runs: the machine is shared, the minimum is the least
//! disturbed run).
//!
//! Files: every `*.pdf` in `FOLIO_PDF_BENCH_DIR` if set, else the fixtures
//! of tests/pdf.rs built from source plus a long (≈60-page) version of the
//! two-column article. Run: `cargo bench --bench pdf [-- RUNS]`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use folio::source::extract::pdf::{self, Limits};

/// Builds the fixtures and a long article (the sections repeated) into `dir`.
fn build_fixtures(dir: &Path) -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pdf-src");
    let ok = Command::new("sh").arg(src.join("make.sh")).arg(dir).status().map(|s| s.success()).unwrap_or(false);
    assert!(ok, "tests/pdf-src/make.sh failed (needs groff, ghostscript, pdflatex, qpdf)");
    let ms = std::fs::read_to_string(src.join("article.ms")).unwrap();
    let cut = ms.find("\n.NH\n").unwrap();
    let long = format!("{}{}", &ms[..cut], ms[cut..].repeat(15));
    std::fs::write(dir.join("long.ms"), long).unwrap();
    let ps = Command::new("groff").args(["-ms", "-Tps"]).arg(dir.join("long.ms")).output().unwrap().stdout;
    std::fs::write(dir.join("long.ps"), ps).unwrap();
    assert!(Command::new("ps2pdf").arg(dir.join("long.ps")).arg(dir.join("long.pdf")).status().unwrap().success());
    ["article.pdf", "report.pdf", "long.pdf"].iter().map(|f| dir.join(f)).collect()
}

fn best(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let runs: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(5);
    let tmp = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = match std::env::var_os("FOLIO_PDF_BENCH_DIR") {
        Some(d) => {
            let mut v: Vec<PathBuf> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect();
            v.sort();
            v
        }
        None => build_fixtures(tmp.path()),
    };
    println!("{:<28} {:>6} {:>12} {:>12} {:>7}", "file", "pages", "pdftotext/s", "folio/s", "ratio");
    let (mut all_pages, mut all_plain, mut all_folio) = (0usize, 0.0, 0.0);
    for f in &files {
        let Ok((doc, _)) = pdf::read_path(f, Limits::default()) else {
            println!("{:<28} unreadable, skipped", f.display());
            continue;
        };
        let pages = doc.page_labels.len();
        let plain = best(runs, || assert!(Command::new("pdftotext").arg(f).arg("/dev/null").status().unwrap().success()));
        let ours = best(runs, || drop(pdf::read_path(f, Limits::default()).unwrap()));
        let name = f.file_name().unwrap().to_string_lossy();
        println!("{name:<28} {pages:>6} {:>12.1} {:>12.1} {:>6.2}×", pages as f64 / plain, pages as f64 / ours, plain / ours);
        all_pages += pages;
        all_plain += plain;
        all_folio += ours;
    }
    if all_pages > 0 {
        println!("{:<28} {all_pages:>6} {:>12.1} {:>12.1} {:>6.2}×", "all", all_pages as f64 / all_plain, all_pages as f64 / all_folio, all_plain / all_folio);
    }
}
