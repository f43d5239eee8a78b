//! folio's speed, measured on real English prose (`../shared/bench`, or the
//! folder in `FOLIO_BENCH_DIR`): indexing throughput of the full pipeline next
//! to a plain tantivy index of the same text, query latency at 10k, 100k and
//! 1M passages, whole-process `folio search` next to `rg -c`, peak memory,
//! index size, and the time to re-index one changed document.
//!
//! Run it with `benches/run.sh` (release build, then this runner); it writes
//! `benches/RESULTS.md`. Without the bench text it says so and exits 0.
//! `--quick` measures 10k and 100k only.
//!
//! Scaling: the bench text (State of the Union addresses and the Linux
//! documentation) is repeated under distinct file names, hence distinct
//! document keys, until the corpus holds the target number of passages.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use folio::engine::build::{self as index, BuildOptions};
use folio::store::{self, IndexDir};
use folio::retrieve::{self as search, SearchRequest};
use tantivy::schema::{Schema, TextFieldIndexing, TextOptions, STRING};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

fn bench_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("FOLIO_BENCH_DIR").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench"));
    dir.join("sotu").is_dir().then_some(dir)
}

/// The bench text as (file name, bytes), sorted.
fn source_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![];
    for sub in ["sotu", "kernel-docs"] {
        let mut names: Vec<_> = fs::read_dir(dir.join(sub)).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        for p in names {
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            out.push((format!("{sub}-{stem}.txt"), fs::read(&p).unwrap()));
        }
    }
    out
}

/// Writes a corpus of about `target` passages: whole copies of the bench
/// text under distinct names, then files in an interleaved order (so that a
/// partial copy has the mix of the whole) until the passage count, known per
/// file from the base build, reaches the target.
fn make_corpus(dir: &Path, files: &[(String, Vec<u8>)], target: usize, passages_of: &std::collections::HashMap<String, usize>) -> u64 {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).unwrap();
    let mut order: Vec<usize> = (0..files.len()).collect();
    // Interleave: every k-th file first, so prefixes sample both collections.
    order.sort_by_key(|i| (i * 7919) % files.len());
    let mut n = 0usize;
    let mut written = 0u64;
    let mut copy = 0;
    'outer: loop {
        for &i in &order {
            if n >= target {
                break 'outer;
            }
            let (name, data) = &files[i];
            fs::write(dir.join(format!("c{copy:02}-{name}")), data).unwrap();
            written += data.len() as u64;
            n += passages_of.get(name).copied().unwrap_or(1).max(1);
        }
        copy += 1;
    }
    written
}

fn dir_size(dir: &Path) -> u64 {
    fs::read_dir(dir).map(|rd| rd.flatten().map(|e| if e.path().is_dir() { dir_size(&e.path()) } else { e.metadata().map(|m| m.len()).unwrap_or(0) }).sum()).unwrap_or(0)
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i.min(samples.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// An English stemming filter over rust-stemmers: with SimpleTokenizer,
/// RemoveLongFilter(40) and LowerCaser it is tantivy's own `en_stem`
/// analyzer (tantivy is built without its stemmer feature here, so its
/// `en_stem` is assembled from the same parts).
#[derive(Clone)]
struct EnStem;
#[derive(Clone)]
struct EnStemFilter<T>(T);
struct EnStemStream<T>(T, rust_stemmers::Stemmer);

impl TokenFilter for EnStem {
    type Tokenizer<T: Tokenizer> = EnStemFilter<T>;
    fn transform<T: Tokenizer>(self, t: T) -> EnStemFilter<T> {
        EnStemFilter(t)
    }
}
impl<T: Tokenizer> Tokenizer for EnStemFilter<T> {
    type TokenStream<'a> = EnStemStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EnStemStream(self.0.token_stream(text), rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
    }
}
impl<T: TokenStream> TokenStream for EnStemStream<T> {
    fn advance(&mut self) -> bool {
        if !self.0.advance() {
            return false;
        }
        let stemmed = self.1.stem(&self.0.token().text).into_owned();
        self.0.token_mut().text = stemmed;
        true
    }
    fn token(&self) -> &Token {
        self.0.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

/// Plain tantivy: the passages folio produced (same paragraphs, same count),
/// each a document with its key and one stemmed, stored text field; the
/// writer's default two threads on this machine, like folio's build.
fn plain_tantivy(passages: &[(String, String)], out: &Path) -> (Duration, usize) {
    let _ = fs::remove_dir_all(out);
    fs::create_dir_all(out).unwrap();
    let mut b = Schema::builder();
    let key = b.add_text_field("doc", STRING);
    let text = b.add_text_field("text", TextOptions::default().set_stored().set_indexing_options(TextFieldIndexing::default().set_tokenizer("en_stem")));
    let index = tantivy::Index::create_in_dir(out, b.build()).unwrap();
    index.tokenizers().register("en_stem", TextAnalyzer::builder(SimpleTokenizer::default()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser).filter(EnStem).build());
    let started = Instant::now();
    let mut writer: tantivy::IndexWriter = index.writer(256 << 20).unwrap();
    let mut n = 0;
    for (k, para) in passages {
        writer.add_document(tantivy::doc!(key => k.clone(), text => para.clone())).unwrap();
        n += 1;
    }
    writer.commit().unwrap();
    writer.wait_merging_threads().unwrap();
    (started.elapsed(), n)
}

fn build_index(corpus: &Path, index_dir: &Path) -> (Duration, usize) {
    let _ = fs::remove_dir_all(index_dir);
    let started = Instant::now();
    let scan = folio::source::scan(corpus).unwrap();
    let report = index::build(&IndexDir::new(index_dir), &scan, BuildOptions::default(), &mut |_, _, _| {}).unwrap();
    (started.elapsed(), report.manifest.n_passages)
}

const QUERIES: &[(&str, &str, &[&str])] = &[
    ("term", "interrupt", &[]),
    ("phrase", "\"memory management\"", &[]),
    ("boolean", "(kernel OR congress) AND (memory OR budget) NOT network", &[]),
    ("filtered+faceted", "security", &["lang=en", "kind=body", "doc"]),
];

fn request(q: &str, filters: &[&str], first_doc: &str) -> SearchRequest {
    let mut r = SearchRequest { query: q.into(), limit: 10, ..SearchRequest::default() };
    for f in filters {
        match *f {
            "lang=en" => r.languages.push("en".into()),
            "kind=body" => r.kinds.push(folio::model::Kind::Body),
            "doc" => r.docs.push(first_doc.into()),
            _ => {}
        }
    }
    r
}

fn folio_bin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/folio")
}

/// Medians of a search's phases in-process (freshness by stamp, opening,
/// searching, citing), then the rest of the whole-process time, then that time.
/// A search checks the stamp on other threads while it opens and searches
/// (`Engine::answer_fresh`), so the rest is the whole less the longer of the two.
fn phases(corpus: &Path, index_dir: &Path, whole: Duration) -> [Duration; 6] {
    let dir = IndexDir::new(index_dir);
    let style = folio::cite::CitationStyle::named(folio::cite::DEFAULT_STYLE).unwrap();
    let req = SearchRequest { query: "interrupt".into(), limit: 10, ..SearchRequest::default() };
    let median = |f: &mut dyn FnMut()| {
        let mut samples: Vec<Duration> = (0..20)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect();
        percentile(&mut samples, 0.5)
    };
    let fresh = median(&mut || assert!(store::stamped_fresh(&dir, corpus), "the stamp holds after a search"));
    let open_time = median(&mut || drop(store::open(&dir).unwrap()));
    let open = store::open(&dir).unwrap();
    let searched = median(&mut || drop(search::search(&open, &req).unwrap()));
    let presented = median(&mut || drop(folio::engine::present::search(&open, &req, &style).unwrap()));
    let cited = presented.saturating_sub(searched);
    let rest = whole.saturating_sub(fresh.max(open_time + presented));
    [fresh, open_time, searched, cited, rest, whole]
}

/// Median wall time of a whole command, run `n` times.
fn whole_process(n: usize, mut cmd: impl FnMut() -> Command) -> Duration {
    let mut samples = vec![];
    for _ in 0..n {
        let t = Instant::now();
        let out = cmd().output().expect("command runs");
        samples.push(t.elapsed());
        assert!(out.status.code().is_some());
    }
    percentile(&mut samples, 0.5)
}

fn peak_rss_kb(args: &[&str]) -> Option<u64> {
    if !Path::new("/usr/bin/time").exists() {
        return None;
    }
    let out = Command::new("/usr/bin/time").arg("-f").arg("%M").arg(folio_bin()).args(args).output().ok()?;
    String::from_utf8_lossy(&out.stderr).lines().last()?.trim().parse().ok()
}

fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo").ok().and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())).unwrap_or_else(|| "unknown CPU".into());
    let mem = fs::read_to_string("/proc/meminfo").ok().and_then(|m| m.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<u64>().unwrap_or(0) / 1024 / 1024)).unwrap_or(0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cores} cores ({cpu}), {mem} GiB RAM, {}", std::env::consts::OS)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` runs bench targets with no `--bench`: do nothing then.
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let Some(dir) = bench_dir() else {
        println!("bench skipped: no bench text at ../shared/bench (set FOLIO_BENCH_DIR)");
        return;
    };
    if !folio_bin().exists() {
        println!("bench needs the release binary: run benches/run.sh (it builds it first)");
        return;
    }
    folio::text::install_quiet_stemmer_panics();
    let work = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-work");
    fs::create_dir_all(&work).unwrap();
    let files = source_files(&dir);
    let mut report = String::new();
    let date = Command::new("date").arg("-u").arg("+%Y-%m-%d %H:%M UTC").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default();
    writeln!(report, "# folio benchmarks\n\nMachine: {}. Date: {date}. folio {}.\n", machine(), env!("CARGO_PKG_VERSION")).unwrap();
    writeln!(report, "Reproduce: `benches/run.sh` (release build, then `cargo bench --bench pipeline`; `--quick` skips 1M).").unwrap();
    writeln!(report, "Text: `../shared/bench` (233 State of the Union addresses and 3,183 Linux documentation files); larger corpora repeat it under distinct file names (distinct document keys).\n").unwrap();

    // 1. Throughput: one copy of the bench text, full pipeline vs plain tantivy.
    let base = work.join("corpus-base");
    let base_bytes: u64 = files.iter().map(|(_, d)| d.len() as u64).sum();
    let _ = fs::remove_dir_all(&base);
    fs::create_dir_all(&base).unwrap();
    for (name, data) in &files {
        fs::write(base.join(format!("c00-{name}")), data).unwrap();
    }
    let mb = base_bytes as f64 / 1e6;
    let (folio_time, folio_passages) = build_index(&base, &work.join("index-base"));
    let base_open = store::open(&IndexDir::new(work.join("index-base"))).unwrap();
    let texts: Vec<(String, String)> = base_open.all_passages().unwrap().into_iter().map(|p| (p.doc, p.text)).collect();
    let (plain_time, plain_docs) = plain_tantivy(&texts, &work.join("plain-base"));
    assert_eq!(plain_docs, folio_passages, "plain tantivy indexes folio's own passages");
    let folio_mbs = mb / folio_time.as_secs_f64();
    let plain_mbs = mb / plain_time.as_secs_f64();
    writeln!(report, "## Indexing throughput ({mb:.1} MB of text)\n").unwrap();
    writeln!(report, "| | time | MB/s | passages/s |\n|---|---|---|---|").unwrap();
    writeln!(report, "| folio full pipeline (clean, structure, language, tags, citations, index) | {:.2} s | {folio_mbs:.2} | {:.0} |", folio_time.as_secs_f64(), folio_passages as f64 / folio_time.as_secs_f64()).unwrap();
    writeln!(report, "| plain tantivy, `en_stem`-equivalent analyzer, folio's {plain_docs} passages (same count) | {:.2} s | {plain_mbs:.2} | {:.0} |", plain_time.as_secs_f64(), plain_docs as f64 / plain_time.as_secs_f64()).unwrap();
    writeln!(report, "\nfolio / plain tantivy throughput: **{:.0}%** (target ≥ 60%).\n", 100.0 * folio_mbs / plain_mbs).unwrap();
    println!("throughput: folio {folio_mbs:.2} MB/s, tantivy {plain_mbs:.2} MB/s");
    // Passages per source file, from the base build (file c00-NAME → NAME).
    let passages_of: std::collections::HashMap<String, usize> =
        base_open.docs().unwrap().iter().map(|d| (d.path.trim_start_matches("c00-").to_string(), d.n_passages)).collect();
    drop(base_open);
    let index_bytes = dir_size(&work.join("index-base"));
    writeln!(report, "Index size: {:.2} MB on disk per MB of text ({} passages).\n", index_bytes as f64 / base_bytes as f64, folio_passages).unwrap();

    // 2. Latency at each scale.
    let scales: &[usize] = if quick { &[10_000, 100_000] } else { &[10_000, 100_000, 1_000_000] };
    writeln!(report, "## Query latency\n\nIn-process `search::search` (query parsing, thesaurus, BM25 over every language field, facets, snippets, citations), 10 hits; 50 runs after a warm-up. Whole process: `folio search QUERY --limit 10` (freshness check of the corpus, open, search, print), median of 20 runs, next to `rg -c` over the same files.\n").unwrap();
    writeln!(report, "| passages | files | query | p50 ms | p99 ms |\n|---|---|---|---|---|").unwrap();
    let mut whole_rows = vec![];
    let mut phase_rows = vec![];
    for &target in scales {
        let corpus = work.join(format!("corpus-{target}"));
        let index_dir = work.join(format!("index-{target}"));
        let bytes = make_corpus(&corpus, &files, target, &passages_of);
        let n_files = fs::read_dir(&corpus).unwrap().count();
        // Whole-process `folio index` from scratch at every scale: the time and memory curve.
        let _ = fs::remove_dir_all(&index_dir);
        let t = Instant::now();
        let peak = Some((peak_rss_kb(&["--corpus", corpus.to_str().unwrap(), "--index", index_dir.to_str().unwrap(), "index"]), t.elapsed()));
        let open = store::open(&IndexDir::new(&index_dir)).unwrap();
        let n = open.manifest.n_passages;
        let first_doc = open.docs().unwrap()[0].key.clone();
        for (name, q, filters) in QUERIES {
            let req = request(q, filters, &first_doc);
            search::search(&open, &req).unwrap();
            let mut samples: Vec<Duration> = (0..50)
                .map(|_| {
                    let t = Instant::now();
                    search::search(&open, &req).unwrap();
                    t.elapsed()
                })
                .collect();
            let (p50, p99) = (percentile(&mut samples, 0.5), percentile(&mut samples, 0.99));
            writeln!(report, "| {n} | {n_files} | {name} | {} | {} |", ms(p50), ms(p99)).unwrap();
            println!("{n} passages {name}: p50 {} ms p99 {} ms", ms(p50), ms(p99));
        }
        // The freshness stamp trusts only times older than 2 s (coarse clocks): let the
        // corpus age, then one search writes the stamp that the timed ones use.
        std::thread::sleep(Duration::from_millis(2100));
        Command::new(folio_bin()).args(["--corpus", corpus.to_str().unwrap(), "--index", index_dir.to_str().unwrap(), "search", "interrupt", "--limit", "1"]).output().unwrap();
        let folio_ms = whole_process(20, || {
            let mut c = Command::new(folio_bin());
            c.args(["--corpus", corpus.to_str().unwrap(), "--index", index_dir.to_str().unwrap(), "search", "interrupt", "--limit", "10"]);
            c
        });
        let rg = Command::new("rg").arg("--version").output().is_ok().then(|| {
            whole_process(20, || {
                let mut c = Command::new("rg");
                c.args(["-c", "interrupt"]).arg(&corpus);
                c
            })
        });
        phase_rows.push((n, phases(&corpus, &index_dir, folio_ms)));
        whole_rows.push((n, n_files, bytes, folio_ms, rg, peak));
        drop(open);
    }
    writeln!(report, "\n| passages | text MB | `folio search` median ms | `rg -c` median ms |\n|---|---|---|---|").unwrap();
    for (n, _, bytes, f, rg, _) in &whole_rows {
        writeln!(report, "| {n} | {:.0} | {} | {} |", *bytes as f64 / 1e6, ms(*f), rg.map_or("rg not installed".into(), ms)).unwrap();
    }
    writeln!(report, "\nWhere a whole-process `folio search interrupt --limit 10` goes (medians of 20 in-process runs of each phase; the stamp is checked on other threads while the index is opened and searched, so \"process and printing\" is the whole-process median minus the longer of the two: start-up, argument parsing, output):\n").unwrap();
    writeln!(report, "| passages | freshness (stamp, beside the next three) | open index | query, facets, snippets | citations | process and printing | whole |\n|---|---|---|---|---|---|---|").unwrap();
    for (n, p) in &phase_rows {
        writeln!(report, "| {n} | {} | {} | {} | {} | {} | {} |", ms(p[0]), ms(p[1]), ms(p[2]), ms(p[3]), ms(p[4]), ms(p[5])).unwrap();
    }
    writeln!(report, "\n## Indexing at each scale (whole process, from scratch)\n\n| passages | text MB | `folio index` s | peak resident memory |\n|---|---|---|---|").unwrap();
    for (n, _, bytes, _, _, peak) in &whole_rows {
        if let Some((kb, time)) = peak {
            let memory = kb.map_or("not measured (/usr/bin/time missing)".to_string(), |k| format!("{:.2} GiB", k as f64 / 1024.0 / 1024.0));
            writeln!(report, "| {n} | {:.0} | {:.1} | {memory} |", *bytes as f64 / 1e6, time.as_secs_f64()).unwrap();
            println!("index {n} passages: {:.1} s, {memory}", time.as_secs_f64());
        }
    }
    writeln!(report, "\nTargets at 1M passages: under 10 minutes, under 2 GiB, search under 50 ms whole-process.").unwrap();

    // 3. Re-indexing one changed document at 100k passages.
    let corpus = work.join("corpus-100000");
    let index_dir = work.join("index-100000");
    if corpus.exists() {
        let victim = fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).min().unwrap();
        let mut text = fs::read_to_string(&victim).unwrap_or_default();
        text.push_str("\n\nA paragraph added to measure an incremental update of the index.\n");
        fs::write(&victim, text).unwrap();
        let t = Instant::now();
        let out = Command::new(folio_bin()).args(["--corpus", corpus.to_str().unwrap(), "--index", index_dir.to_str().unwrap(), "index", "--json"]).output().unwrap();
        let elapsed = t.elapsed();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        writeln!(report, "\n## Incremental update\n\nOne document changed in the 100k-passage corpus: `folio index` re-indexed {} document(s) and kept {} in {:.2} s, whole process (target < 1 s).", v["reindexed"], v["unchanged"], elapsed.as_secs_f64()).unwrap();
        println!("incremental: {:.2} s", elapsed.as_secs_f64());
    }
    // Where the time goes, from a profiler: kept by hand in benches/PROFILE.md (perf record; see there).
    if let Ok(profile) = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/PROFILE.md")) {
        writeln!(report, "\n{}", profile.trim_end()).unwrap();
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/RESULTS.md");
    fs::write(&path, report).unwrap();
    println!("wrote {}", path.display());
}
