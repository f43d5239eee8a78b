//! Command-line driver for the prototype.
//!
//! ```text
//! embed encode   MODEL_DIR OUT.json TEXT...     vectors + token ids as JSON, cosines on stderr
//! embed tokenize MODEL_DIR FILE                 one line of space-separated ids per input line
//! embed bench    MODEL_DIR WORDS N [MODE]       throughput; MODE = single|batch|par|all|none (default all);
//!                                               env STATIC_TABLE=table.bin also times the static table
//! embed vocab    MODEL_DIR OUT.f32 [token|mean] encoder output for every vocab token alone
//! embed static   MODEL_DIR TABLE.bin TEXT...    static-table vectors, cosines vs the encoder
//! ```
use embed_proto::encoder::Encoder;
use embed_proto::ops::dot;
use embed_proto::static_table::StaticTable;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: embed encode|tokenize|bench|vocab|static MODEL_DIR ...");
        std::process::exit(2);
    }
    let t0 = Instant::now();
    let enc = Encoder::load(Path::new(&args[2])).unwrap_or_else(|e| {
        eprintln!("load: {e}");
        std::process::exit(1)
    });
    eprintln!("model loaded in {:.0} ms", t0.elapsed().as_secs_f64() * 1e3);
    match args[1].as_str() {
        "encode" => encode(&enc, &args[3], &args[4..]),
        "tokenize" => tokenize(&enc, &args[3]),
        "bench" => bench(&enc, args[3].parse().unwrap(), args[4].parse().unwrap(), args.get(5).map_or("all", |s| s.as_str())),
        "vocab" => vocab(&enc, &args[3], args.get(4).map_or("token", |s| s.as_str())),
        "static" => static_cmp(&enc, &args[3], &args[4..]),
        other => eprintln!("unknown command {other}"),
    }
}

fn encode(enc: &Encoder, out: &str, texts: &[String]) {
    let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
    let vecs = enc.encode(&refs);
    let json: Vec<_> = texts
        .iter()
        .zip(&vecs)
        .map(|(t, v)| serde_json::json!({"text": t, "ids": enc.tokenize(t), "vec": v}))
        .collect();
    std::fs::write(out, serde_json::to_string(&json).unwrap()).unwrap();
    for i in 0..vecs.len() {
        for j in i + 1..vecs.len() {
            eprintln!("cos({i},{j}) = {:.4}", dot(&vecs[i], &vecs[j]));
        }
    }
}

fn tokenize(enc: &Encoder, file: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in text.lines() {
        let ids = enc.tokenizer.encode(line, usize::MAX);
        let s: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        writeln!(out, "{}", s.join(" ")).unwrap();
    }
}

/// Synthetic ~WORDS-word passages drawn from ordinary English vocabulary
/// (deterministic LCG so runs are comparable).
fn passages(words: usize, n: usize) -> Vec<String> {
    const W: &[&str] = &[
        "the", "state", "cyber", "norms", "international", "law", "sovereignty", "of", "and", "in",
        "governance", "internet", "treaty", "security", "negotiations", "between", "states", "on",
        "responsible", "behaviour", "critical", "infrastructure", "attribution", "attack", "a",
        "convention", "united", "nations", "group", "experts", "report", "domestic", "policy",
        "to", "is", "was", "framework", "regional", "cooperation", "information", "data", "rights",
    ];
    let mut x: u64 = 42;
    (0..n)
        .map(|_| {
            (0..words)
                .map(|_| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    W[(x >> 33) as usize % W.len()]
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Prints wall-clock throughput and, from /proc, the process CPU time, so that
/// numbers stay meaningful on a machine shared with other work.
fn bench(enc: &Encoder, words: usize, n: usize, mode: &str) {
    let ps = passages(words, n);
    let refs: Vec<&str> = ps.iter().map(|s| s.as_str()).collect();
    let toks: usize = refs.iter().map(|t| enc.tokenize(t).len()).sum();
    eprintln!("{n} passages of {words} words, {:.1} tokens each incl. specials", toks as f64 / n as f64);

    let t = Instant::now();
    let _ = refs.iter().map(|r| enc.tokenize(r)).collect::<Vec<_>>();
    eprintln!("tokenize only: {:.0} passages/s", n as f64 / t.elapsed().as_secs_f64());

    let report = |what: &str, t: Instant, cpu0: f64| {
        let wall = t.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu0;
        eprintln!(
            "{what}: {:.1} passages/s wall, {:.1} passages per CPU-second ({:.0} tokens/CPU-s)",
            n as f64 / wall,
            n as f64 / cpu,
            toks as f64 / cpu
        );
    };
    if let Ok(path) = std::env::var("STATIC_TABLE") {
        // The distilled static table: tokenize + table lookups only.
        let st = StaticTable::from_bytes(&std::fs::read(path).unwrap()).unwrap();
        let (t, c) = (Instant::now(), cpu_seconds());
        for _ in 0..20 {
            for r in &refs {
                std::hint::black_box(st.embed(&enc.tokenizer, r));
            }
        }
        let wall = t.elapsed().as_secs_f64();
        eprintln!(
            "static table, 1 thread: {:.0} passages/s wall, {:.0} per CPU-second",
            20.0 * n as f64 / wall,
            20.0 * n as f64 / (cpu_seconds() - c)
        );
    }
    if mode == "single" || mode == "all" {
        // One passage per forward call, one thread (the query-time path).
        let (t, c) = (Instant::now(), cpu_seconds());
        for r in &refs {
            std::hint::black_box(enc.encode(&[r]));
        }
        report("1 thread, one at a time", t, c);
    }
    if mode == "batch" || mode == "all" {
        let (t, c) = (Instant::now(), cpu_seconds());
        std::hint::black_box(enc.encode(&refs));
        report("1 thread, packed batch ", t, c);
    }
    if mode == "par" || mode == "all" {
        let (t, c) = (Instant::now(), cpu_seconds());
        std::hint::black_box(enc.encode_parallel(&refs));
        report(&format!("{} threads, packed batch", rayon::current_num_threads()), t, c);
    }
}

/// User + system CPU time of this process, from /proc/self/stat (Linux only).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // fields after the ")" that closes the command name; utime, stime are 14th, 15th overall
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0 // USER_HZ is 100 on Linux
}

/// Encoder output for every vocabulary token on its own (`[CLS] tok [SEP]`,
/// mean-pooled, unit length): the raw material of the static distillation.
/// Writes rows × 384 little-endian f32. `token` (default) is the hidden state
/// at the token's own position (L2-normalised), ignoring [CLS]/[SEP]; `mean`
/// is the sentence embedding of the one-token text. `token` distilled slightly
/// better (Spearman vs encoder 0.705 vs 0.691 on the eval pairs).
fn vocab(enc: &Encoder, out: &str, pooling: &str) {
    let n = enc.tokenizer.vocab_size();
    let ids: Vec<Vec<u32>> =
        (0..n as u32).map(|i| vec![enc.tokenizer.cls, i, enc.tokenizer.sep]).collect();
    let t = Instant::now();
    let chunks: Vec<Vec<Vec<f32>>> = {
        use rayon::prelude::*;
        ids.par_chunks(512)
            .map(|c| {
                if pooling == "token" {
                    let seqs: Vec<&[u32]> = c.iter().map(|v| v.as_slice()).collect();
                    let h = enc.dim();
                    let hidden = enc.bert.forward(&seqs);
                    (0..c.len())
                        .map(|i| {
                            let mut v = hidden[(3 * i + 1) * h..(3 * i + 2) * h].to_vec();
                            embed_proto::ops::l2_normalize(&mut v);
                            v
                        })
                        .collect()
                } else {
                    enc.encode_ids(c)
                }
            })
            .collect()
    };
    let mut f = std::io::BufWriter::new(std::fs::File::create(out).unwrap());
    for v in chunks.iter().flatten() {
        for x in v {
            f.write_all(&x.to_le_bytes()).unwrap();
        }
    }
    eprintln!("{n} token vectors in {:.1} s", t.elapsed().as_secs_f64());
}

fn static_cmp(enc: &Encoder, table: &str, texts: &[String]) {
    let st = StaticTable::from_bytes(&std::fs::read(table).unwrap()).unwrap();
    let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
    let full = enc.encode(&refs);
    let stat: Vec<Vec<f32>> = refs.iter().map(|t| st.embed(&enc.tokenizer, t)).collect();
    for i in (0..texts.len()).step_by(2) {
        if i + 1 < texts.len() {
            println!(
                "encoder {:.3}  static {:.3}  | {} | {}",
                dot(&full[i], &full[i + 1]),
                dot(&stat[i], &stat[i + 1]),
                texts[i],
                texts[i + 1]
            );
        }
    }
}
