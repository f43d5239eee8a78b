//! Load on `folio serve`: 32 clients, each on a kept-alive loopback
//! connection, ask `/api/search` (10 hits, facets, snippets, citations) as
//! fast as answers come for 10 s; then again while the corpus changes under
//! the server and it re-indexes in the background. Reports requests/s,
//! p50/p99/max latency and errors (the target: no errors, p99 ≤ 50 ms).
//!
//! The index is built from the bench text (`../shared/bench`, or the folder
//! in `FOLIO_BENCH_DIR`: every `.txt` and `.rst` under it); without it, from
//! the test fixtures, and the report says which. `--secs N` and
//! `--clients N` change the defaults. Writes `benches/RESULTS-serve.md`.

#[path = "../tests/common/serve.rs"]
mod serve;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const QUERIES: [&str; 16] = [
    "q=memory",
    "q=interrupt+handler",
    "q=%22device+tree%22",
    "q=power+management",
    "q=file+system+cache",
    "q=security",
    "q=scheduler+latency",
    "q=network+driver",
    "q=congress+tax",
    "q=war+peace",
    "q=kernel+AND+module",
    "q=usb+-serial",
    "q=memory&kind=body",
    "q=lock&lang=en",
    "q=the+state+of+the+union",
    "q=virtualization",
];

struct Phase {
    name: String,
    requests: usize,
    errors: usize,
    secs: f64,
    latencies_ms: Vec<f64>,
}

impl Phase {
    fn row(&mut self) -> String {
        self.latencies_ms.sort_by(f64::total_cmp);
        let at = |q: f64| self.latencies_ms.get(((self.latencies_ms.len() as f64 * q) as usize).min(self.latencies_ms.len().saturating_sub(1))).copied().unwrap_or(f64::NAN);
        format!("| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {} |", self.name, self.requests, self.requests as f64 / self.secs, at(0.5), at(0.99), at(1.0), self.errors)
    }
}

fn arg_str(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn arg(name: &str, default: u64) -> u64 {
    arg_str(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Copies every `.txt`/`.rst` of the bench text into `corpus` (flat, names
/// kept distinct); false when there is no bench text.
fn bench_corpus(corpus: &Path) -> Option<String> {
    let dir = std::env::var_os("FOLIO_BENCH_DIR").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench"));
    let mut files = vec![];
    for sub in ["sotu", "kernel-docs"] {
        if let Ok(entries) = fs::read_dir(dir.join(sub)) {
            files.extend(entries.filter_map(Result::ok).map(|e| (sub, e.path())));
        }
    }
    if files.is_empty() {
        return None;
    }
    fs::create_dir_all(corpus).unwrap();
    for (sub, p) in &files {
        fs::copy(p, corpus.join(format!("{sub}-{}", p.file_name().unwrap().to_string_lossy()))).unwrap();
    }
    Some(format!("the bench text ({}: {} files)", dir.display(), files.len()))
}

fn run_phase(name: &str, port: u16, clients: usize, secs: u64) -> Phase {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|i| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut conn = serve::Conn::open(port);
                let (mut lat, mut errors, mut k) = (vec![], 0usize, i);
                while !stop.load(Ordering::Relaxed) {
                    let path = format!("/api/search?{}&limit=10", QUERIES[k % QUERIES.len()]);
                    k += 1;
                    let t = Instant::now();
                    let r = conn.request(&path, &[], true);
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    if r.status != 200 {
                        errors += 1;
                        eprintln!("{path}: {} {}", r.status, r.body);
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(secs));
    stop.store(true, Ordering::Relaxed);
    let mut phase = Phase { name: name.into(), requests: 0, errors: 0, secs: 0.0, latencies_ms: vec![] };
    for w in workers {
        let (lat, errors) = w.join().expect("a client thread");
        phase.requests += lat.len();
        phase.errors += errors;
        phase.latencies_ms.extend(lat);
    }
    phase.secs = started.elapsed().as_secs_f64();
    phase
}

/// Keeps changing documents until `stop`: a batch at once (a long update),
/// then one more every second.
fn churn(corpus: PathBuf, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let mut files: Vec<PathBuf> = fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        let batch = (files.len() / 10).max(1);
        let mut changed = 0;
        let touch = |p: &Path, n: usize| {
            let mut text = fs::read_to_string(p).unwrap_or_default();
            text.push_str(&format!("\n\nA paragraph added under load, change number {n}, so that the document is read again.\n"));
            fs::write(p, text).unwrap();
        };
        for p in files.iter().step_by((files.len() / batch).max(1)) {
            touch(p, changed);
            changed += 1;
        }
        let mut i = 0;
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_secs(1));
            touch(&files[(i * 7919) % files.len()], changed);
            changed += 1;
            i += 1;
        }
        changed
    })
}

fn main() {
    let secs = arg("--secs", 10);
    let clients = arg("--clients", 32) as usize;
    let dir = tempfile::tempdir().unwrap();
    // `--corpus DIR --index DIR`: a copy made before (the bench changes its files), kept between runs.
    if let (Some(corpus), Some(index)) = (arg_str("--corpus"), arg_str("--index")) {
        return measure(PathBuf::from(corpus), PathBuf::from(index), "a corpus given with --corpus".to_string(), secs, clients);
    }
    let (corpus, index) = (dir.path().join("corpus"), dir.path().join("index"));
    let text = bench_corpus(&corpus).unwrap_or_else(|| {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        fs::create_dir_all(&corpus).unwrap();
        for e in fs::read_dir(&fixtures).unwrap() {
            let e = e.unwrap();
            fs::copy(e.path(), corpus.join(e.file_name())).unwrap();
        }
        "the test fixtures (no bench text found: set FOLIO_BENCH_DIR)".to_string()
    });
    measure(corpus, index, text, secs, clients);
}

fn measure(corpus: PathBuf, index: PathBuf, text: String, secs: u64, clients: usize) {
    let bin = env!("CARGO_BIN_EXE_folio");
    let t = Instant::now();
    let built = Command::new(bin).args(["--corpus", corpus.to_str().unwrap(), "--index", index.to_str().unwrap(), "index", "--json"]).output().unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let report: serde_json::Value = serde_json::from_slice(&built.stdout).unwrap();
    let (docs, passages) = (report["documents"].as_u64().unwrap(), report["passages"].as_u64().unwrap());
    eprintln!("indexed {docs} documents, {passages} passages from {text} in {:.1} s", t.elapsed().as_secs_f64());
    let served = serve::Served::start(&corpus, &index, &[]);
    // Warm up: every query once.
    for q in QUERIES {
        assert_eq!(served.get(&format!("/api/search?{q}&limit=10")).status, 200);
    }
    let mut steady = run_phase("steady", served.port, clients, secs);
    // For comparison: the same load from 4 clients (latency is about clients ÷ throughput).
    let mut few = run_phase("steady, 4 clients", served.port, 4, secs);
    let before = served.json("/api/status").1;
    let stop = Arc::new(AtomicBool::new(false));
    let churner = churn(corpus.clone(), stop.clone());
    let mut during = run_phase("during re-indexing", served.port, clients, secs);
    stop.store(true, Ordering::Relaxed);
    let changed = churner.join().unwrap();
    // Let the builds the changes started finish, and time that.
    let waited = Instant::now();
    let after = loop {
        let st = served.json("/api/status").1;
        if (st["building"].is_null() && st["generation"] != before["generation"]) || waited.elapsed() > Duration::from_secs(300) {
            break st;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let after_searches = served.get("/api/search?q=added+under+load&limit=10");
    assert_eq!(after_searches.status, 200);
    let found_changes: serde_json::Value = serde_json::from_str(&after_searches.body).unwrap();
    let builds = format!(
        "the re-indexing went on {:.1} s past the phase; generation {} → {}; last build {} ({} documents re-read, {:.1} s); the added paragraphs are then found in {} passages",
        waited.elapsed().as_secs_f64(), before["generation"], after["generation"], after["last_build"]["status"], after["last_build"]["reindexed"], after["last_build"]["seconds"].as_f64().unwrap_or(0.0), found_changes["total"]
    );
    let mut out = String::new();
    writeln!(out, "# folio serve under load\n").unwrap();
    writeln!(out, "Reproduce: `cargo bench --bench serve_load` (or `benches/run.sh`). {clients} clients, each on its own kept-alive loopback connection, send `GET /api/search?…&limit=10` (16 queries in turn: words, phrases, boolean, filters) for {secs} s per phase. Index: {passages} passages in {docs} documents from {text}. Machine: {} cores, load average {} at the end (other work shares the machine: timings are noisy).\n", std::thread::available_parallelism().map_or(0, |n| n.get()), fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap();
    writeln!(out, "| phase | requests | requests/s | p50 ms | p99 ms | max ms | errors |\n|---|---|---|---|---|---|---|").unwrap();
    writeln!(out, "{}\n{}\n{}\n", steady.row(), during.row(), few.row()).unwrap();
    writeln!(out, "During the second phase {changed} documents were changed (a tenth of the corpus at once, then one a second); {builds}.").unwrap();
    print!("{out}");
    fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/RESULTS-serve.md"), out).unwrap();
}
