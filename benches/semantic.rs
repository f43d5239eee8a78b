//! What vectors cost (issue 14, item 9): indexing the bench text with and
//! without the shipped static model's vectors (same run, alternated), vector
//! bytes per passage, in-process query latency per mode, and the passage
//! count at which the exact scan of the vectors passes ~50 ms.
//!
//! `cargo bench --bench semantic` (text from `../shared/bench` or
//! `FOLIO_BENCH_DIR`; without it, says so and exits 0). Replaces the
//! "## Semantic search costs" section of benches/RESULTS.md.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use folio::embed::{self, Embedder};
use folio::engine::build::{build_with, BuildOptions};
use folio::retrieve::{self, Mode, SearchRequest};
use folio::store::{self, IndexDir};

const RUNS: usize = 30;
const QUERIES: &[(&str, &str, bool)] = &[
    ("term", "interrupt", false),
    ("sentence", "how the president plans to lower the cost of health care for families", false),
    ("filtered", "memory allocation failures", true),
];

fn bench_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("FOLIO_BENCH_DIR").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench"));
    dir.join("sotu").is_dir().then_some(dir)
}

/// The bench text copied into one corpus folder; returns its size in bytes.
fn make_corpus(from: &Path, to: &Path) -> u64 {
    fs::create_dir_all(to).unwrap();
    let mut bytes = 0;
    for sub in ["sotu", "kernel-docs"] {
        for e in fs::read_dir(from.join(sub)).unwrap().flatten() {
            let name = format!("{sub}-{}.txt", e.path().file_stem().unwrap().to_string_lossy());
            bytes += fs::copy(e.path(), to.join(name)).unwrap();
        }
    }
    bytes
}

fn build(corpus: &Path, index: &Path, embedder: Option<Arc<dyn Embedder>>) -> (Duration, usize) {
    let _ = fs::remove_dir_all(index);
    let started = Instant::now();
    let scan = folio::source::scan(corpus).unwrap();
    let report = build_with(&IndexDir::new(index), &scan, BuildOptions::default(), embedder, &mut |_, _, _| {}).unwrap();
    (started.elapsed(), report.manifest.n_passages)
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let Some(dir) = bench_dir() else {
        println!("no bench text (../shared/bench or FOLIO_BENCH_DIR): nothing measured");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let mb = make_corpus(&dir, &corpus) as f64 / 1e6;
    let index = tmp.path().join("index");
    let shipped = || Some(Arc::new(embed::shipped()) as Arc<dyn Embedder>);
    // Alternated, three times each, best of three: the machine is shared.
    let mut without = vec![];
    let mut with = vec![];
    let mut n = 0;
    for _ in 0..3 {
        let (t, k) = build(&corpus, &index, None);
        without.push(t);
        let (t, k2) = build(&corpus, &index, shipped());
        with.push(t);
        assert_eq!(k, k2);
        n = k;
    }
    let (t0, t1) = (*without.iter().min().unwrap(), *with.iter().min().unwrap());
    let open = store::open(&IndexDir::new(&index)).unwrap();
    let vectors_file = fs::metadata(IndexDir::new(&index).live().unwrap().join("vectors.bin")).unwrap().len();
    let mut md = String::new();
    md += "## Semantic search costs\n\n";
    md += &format!("`cargo bench --bench semantic`; the machine (2 cores) is shared with other builds, so compare rows of one run. Text: the bench text, {mb:.1} MB, {n} passages; shipped static model `{}`.\n\n", embed::shipped().id().name);
    md += "| indexing | best of 3 | passages/s |\n|---|---|---|\n";
    md += &format!("| without vectors | {:.2} s | {:.0} |\n", t0.as_secs_f64(), n as f64 / t0.as_secs_f64());
    md += &format!("| with static vectors | {:.2} s | {:.0} |\n\n", t1.as_secs_f64(), n as f64 / t1.as_secs_f64());
    let mut pairs: Vec<f64> = without.iter().zip(&with).map(|(a, b)| a.as_secs_f64() / b.as_secs_f64()).collect();
    pairs.sort_by(f64::total_cmp);
    md += &format!(
        "Throughput with vectors: **{:.0}%** of without, best against best (target ≥ 80%); {:.0}% the median of the three back-to-back pairs. All runs (s): without {:?}, with {:?}.\n\n",
        100.0 * t0.as_secs_f64() / t1.as_secs_f64(),
        100.0 * pairs[1],
        secs(&without),
        secs(&with)
    );
    md += &format!("Vector bytes per passage: {:.1} ({} dimensions as int8, a f32 scale, an 8-byte sort key and an 8-byte text key; `vectors.bin` {:.2} MB).\n\n", vectors_file as f64 / n as f64, open.vectors.as_ref().unwrap().dim(), vectors_file as f64 / 1e6);
    md += &latencies(&open);
    md += &scan_limit(&open, n);
    println!("{md}");
    write_section(&md);
}

fn secs(d: &[Duration]) -> Vec<String> {
    d.iter().map(|d| format!("{:.2}", d.as_secs_f64())).collect()
}

/// In-process `retrieve::search` per mode, p50 and p99 over RUNS after a warm-up.
fn latencies(open: &store::OpenIndex) -> String {
    let first_doc = open.docs().unwrap()[0].key.clone();
    let mut md = format!("In-process `retrieve::search`, 10 hits with snippets and facets, {RUNS} runs after a warm-up (hybrid and semantic include embedding the query):\n\n| query | mode | p50 ms | p99 ms |\n|---|---|---|---|\n");
    for (label, q, filtered) in QUERIES {
        for mode in [Mode::Lexical, Mode::Semantic, Mode::Hybrid] {
            let mut r = SearchRequest { query: q.to_string(), limit: 10, mode, ..SearchRequest::default() };
            if *filtered {
                r.docs.push(first_doc.clone());
            }
            retrieve::search(open, &r).unwrap();
            let mut samples: Vec<Duration> = (0..RUNS)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(retrieve::search(open, &r).unwrap());
                    t.elapsed()
                })
                .collect();
            md += &format!("| {label} | {} | {:.2} | {:.2} |\n", mode.as_str(), percentile(&mut samples, 0.5), percentile(&mut samples, 0.99));
        }
    }
    md + "\n"
}

/// The scan alone (filters, fast-field lookups, dot products), timed at this
/// size, and the size at which it would pass 50 ms (it is linear in passages).
fn scan_limit(open: &store::OpenIndex, n: usize) -> String {
    let searcher = open.reader.searcher();
    let query = embed::shipped().embed("the budget and the cost of health care");
    let mut notes = vec![];
    let parsed = retrieve::query::parse("");
    let filters = retrieve::filters::compile(open, &SearchRequest::default(), &parsed, &mut notes).unwrap();
    let mut samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(retrieve::semantic::scan(open, &searcher, &query, &filters, 50).unwrap());
            t.elapsed()
        })
        .collect();
    let p50 = percentile(&mut samples, 0.5);
    let per = p50 / n as f64;
    format!(
        "Exact scan of the vectors (default kinds filter, top 50): {p50:.2} ms at {n} passages, {:.0} ns per passage; linear, so it passes 50 ms at about **{:.0}k passages** (and about {:.0} ms at 1M). Past that, an approximate index (HNSW or IVF over the same rows) would be the next step.\n",
        per * 1e6,
        50.0 / per / 1000.0,
        per * 1e6
    )
}

/// Replace (or append) the "## Semantic search costs" section of benches/RESULTS.md.
fn write_section(md: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/RESULTS.md");
    let old = fs::read_to_string(&path).unwrap_or_default();
    let new = match old.find("## Semantic search costs") {
        Some(start) => {
            let end = old[start + 3..].find("\n## ").map_or(old.len(), |e| start + 3 + e + 1);
            format!("{}{}\n{}", &old[..start], md.trim_end(), &old[end..])
        }
        None => format!("{}\n{}", old.trim_end_matches('\n').to_string() + "\n", md.trim_end()) + "\n",
    };
    fs::write(&path, new).unwrap();
}
