//! Embedding costs: passages per second for the shipped static model and the
//! installed encoder (1 and 2 threads), query latency, first-use cost, and
//! bytes per vector, on the paragraphs of the bundled corpus (`corpus/*.txt`).
//!
//! `cargo bench --bench embed` prints a Markdown section and writes it into
//! `benches/RESULTS.md` ("## Embedding costs", replaced in place). The
//! encoder is read from `FOLIO_BENCH_MODEL_HOME`, else the user's folio home;
//! without it only the static model is measured. Timings on a shared machine
//! are noisy: compare rows of one run, not runs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use folio::embed::{self, Embedder};

/// `target/release/folio` at commit e63ee41, the last one without `src/embed` (same profile).
const BEFORE_EMBED: u64 = 25_032_136;

/// Paragraphs of at least 20 words from the bundled corpus, in file order.
fn passages() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    files.sort();
    let mut out = vec![];
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        out.extend(text.split("\n\n").map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|p| p.split(' ').count() >= 20));
    }
    out
}

/// User + system CPU seconds of this process (all threads).
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Passages per wall-clock second and per CPU-second of `embed_batch` over
/// `texts` on a pool of `threads`, best of `runs`.
fn rate(e: &dyn Embedder, texts: &[&str], threads: usize, runs: usize) -> (f64, f64) {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let (mut wall, mut cpu) = (f64::MAX, f64::MAX);
    for _ in 0..runs {
        let (t, c) = (Instant::now(), cpu_seconds());
        std::hint::black_box(pool.install(|| e.embed_batch(texts)));
        wall = wall.min(t.elapsed().as_secs_f64());
        cpu = cpu.min(cpu_seconds() - c);
    }
    (texts.len() as f64 / wall, texts.len() as f64 / cpu.max(1e-9))
}

/// Median microseconds of embedding one short query.
fn query_us(e: &dyn Embedder) -> f64 {
    let queries = ["state responsibility for cyber operations", "data protection erasure", "sovereignty in cyberspace", "attribution of attacks"];
    let mut times: Vec<f64> = (0..40)
        .map(|i| {
            let t = Instant::now();
            std::hint::black_box(e.embed(queries[i % queries.len()]));
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let all = passages();
    let words: usize = all.iter().map(|p| p.split(' ').count()).sum();
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let mut md = String::from("## Embedding costs\n\n");
    let _ = writeln!(md, "Paragraphs of the bundled corpus: {} passages, {:.0} words each on average. `cargo bench --bench embed`; the machine is shared, so compare rows of one run.\n", all.len(), words as f64 / all.len() as f64);
    let _ = writeln!(md, "Load average when measured: {}; passages per CPU-second are the steadier figure.\n", std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split(' ').take(3).collect::<Vec<_>>().join(" "));
    md.push_str("| model | dims | bytes per vector (f32) | passages/s, 1 thread (per CPU-s) | passages/s, 2 threads (per CPU-s) | one query, µs | first use, ms |\n|---|---|---|---|---|---|---|\n");

    let t = Instant::now();
    let st = embed::shipped();
    let init = t.elapsed().as_secs_f64() * 1e3;
    // Eight copies, so that a batch is large enough for the static model to use both threads.
    let many: Vec<&str> = refs.iter().cycle().take(refs.len() * 8).copied().collect();
    let (s1, s2) = (rate(st, &many, 1, 5), rate(st, &many, 2, 5));
    let _ = writeln!(md, "| static `{}` | {} | {} | {:.0} ({:.0}) | {:.0} ({:.0}) | {:.1} | {init:.0} |", st.id().name, st.id().dim, st.id().dim * 4, s1.0, s1.1, s2.0, s2.1, query_us(st));

    let mut notes = format!("\nStatic model: {:.0} µs of CPU per passage (the whole pipeline spends two cores divided by its passages/s in the throughput table above).\n", 1e6 / s1.1);
    let home = std::env::var_os("FOLIO_BENCH_MODEL_HOME").map(PathBuf::from).or_else(embed::model_home);
    match home.as_deref().map(embed::installed) {
        Some(Ok(Some(_))) => {
            let home = home.unwrap();
            let t = Instant::now();
            let enc = embed::installed(&home).unwrap().unwrap(); // stamp valid: no re-hash
            let load = t.elapsed().as_secs_f64() * 1e3;
            let sample = &refs[..refs.len().min(120)];
            let (e1, e2) = (rate(&enc, sample, 1, 1), rate(&enc, sample, 2, 1));
            let _ = writeln!(md, "| encoder `{}` | {} | {} | {:.1} ({:.1}) | {:.1} ({:.1}) | {:.0} | {load:.0} |", enc.id().name, enc.id().dim, enc.id().dim * 4, e1.0, e1.1, e2.0, e2.1, query_us(&enc));
            let t = Instant::now();
            embed::install::sha256_file(&embed::model_dir(&home, embed::install::ENCODER_NAME).join("model.safetensors")).unwrap();
            let _ = writeln!(notes, "\nEncoder: first use = checksums (weights skipped while the `.verified` stamp matches) + loading 90 MB of weights; hashing the weights when the stamp is stale adds {:.0} ms. Rates over the first {} passages; 10,000 such passages take about {:.0} CPU-minutes.", t.elapsed().as_secs_f64() * 1e3, sample.len(), 10_000.0 / e1.1 / 60.0);
        }
        _ => notes.push_str("\nEncoder not installed here (`folio model install`, or FOLIO_BENCH_MODEL_HOME): not measured.\n"),
    }
    if let Ok(meta) = std::fs::metadata(Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/folio")) {
        let _ = writeln!(notes, "\nBinary size: `target/release/folio` (release, not stripped) is {} bytes; before `src/embed` (commit e63ee41) it was {BEFORE_EMBED} bytes. The static table is 7.94 MB of that and its vocabulary 0.23 MB; a 128-dimension table would save 3.9 MB (same Spearman agreement with the encoder, 0.705; 10-NN overlap 0.423 instead of 0.448, docs/design/encoder.md). New crates: matrixmultiply, rawpointer.", meta.len());
    }
    md.push_str(&notes);
    println!("{md}");
    write_section(&md);
}

/// Replace (or append) the "## Embedding costs" section of benches/RESULTS.md.
fn write_section(md: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/RESULTS.md");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let new = match old.find("## Embedding costs") {
        Some(start) => {
            let end = old[start + 3..].find("\n## ").map_or(old.len(), |e| start + 3 + e + 1);
            format!("{}{}\n{}", &old[..start], md.trim_end(), &old[end..])
        }
        None => format!("{}\n{}", old.trim_end_matches('\n').to_string() + "\n", md.trim_end()) + "\n",
    };
    std::fs::write(&path, new).unwrap();
}
