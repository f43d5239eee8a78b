//! Chooses the hybrid fusion's lexical weight and candidate depth by k-fold
//! cross-validation, and reports plain and cross-validated MRR@10.
//!
//! `cargo run --release --example fusion_cv -- CORPUS TRAIN.json [TEST.json …]`
//!
//! The corpus is indexed into a temporary folder (with the default
//! embedder). On TRAIN (the development queries) every (weight, depth) of the
//! grid is scored; k-fold CV picks the best pair on k−1 folds and scores it on
//! the held-out fold (the CV figure), and the pair best on all of TRAIN is
//! the one to ship. Each TEST set is then scored, held out, with that pair, in
//! lexical, semantic and hybrid mode. Matching as `folio eval`.

use std::path::Path;

use folio::engine::eval::{normalize, QueryItem};
use folio::retrieve::fuse::{self, CosineNorm, Fusion};
use folio::retrieve::{Mode, SearchRequest};
use folio::store::OpenIndex;

const K: usize = 6;
const WEIGHTS: [f32; 11] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
const DEPTHS: [usize; 3] = [10, 30, 100];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        return Err("usage: fusion_cv CORPUS TRAIN.json [TEST.json …]".into());
    }
    let dir = tempfile::tempdir()?;
    let engine = folio::engine::Engine::new(&args[0], dir.path().join("index"));
    engine.build(folio::engine::BuildOptions::default(), &mut folio::engine::Quiet)?;
    let open = folio::store::open(&engine.index)?;
    // Each query is embedded once, not once per grid point (the encoder takes ~20 ms a query).
    let model = open.vectors.as_ref().ok_or("no vectors")?.model.clone();
    let inner = folio::retrieve::semantic::embedder_for(&model).ok_or("the index's model is not available")?;
    let _ = open.embedder.set(Some(std::sync::Arc::new(Cached(inner, Default::default()))));
    let train: Vec<QueryItem> = serde_json::from_str(&std::fs::read_to_string(&args[1])?)?;
    let grid: Vec<Fusion> = [CosineNorm::MinMax, CosineNorm::Max, CosineNorm::Raw]
        .into_iter()
        .flat_map(|cosine| DEPTHS.iter().flat_map(move |&depth| WEIGHTS.iter().flat_map(move |&lexical_weight| WEIGHTS.iter().filter(move |&&p| p <= lexical_weight).map(move |&paraphrase_weight| Fusion { lexical_weight, paraphrase_weight, depth, cosine }))))
        .collect();
    // rr[g][q]: reciprocal rank of query q under grid point g.
    let rr: Vec<Vec<f64>> = grid.iter().map(|f| train.iter().map(|q| reciprocal_rank(&open, q, Mode::Hybrid, *f)).collect()).collect::<Result<_, _>>()?;
    let mean = |g: usize, keep: &dyn Fn(usize) -> bool| {
        let v: Vec<f64> = (0..train.len()).filter(|&i| keep(i)).map(|i| rr[g][i]).collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    // The floor: exact-word ("easy") queries keep MRR ≥ 0.97. Points
    // below it on the training folds are not chosen while any other meets it.
    let easy_ok = |g: usize, keep: &dyn Fn(usize) -> bool| mean(g, &|i| keep(i) && train[i].kind == "easy") >= 0.97;
    let best = |keep: &dyn Fn(usize) -> bool| {
        let allowed: Vec<usize> = (0..grid.len()).filter(|&g| easy_ok(g, keep)).collect();
        let pool = if allowed.is_empty() { (0..grid.len()).collect() } else { allowed };
        pool.into_iter().max_by(|&a, &b| mean(a, keep).total_cmp(&mean(b, keep)).then(b.cmp(&a))).unwrap_or(0)
    };
    let mut cv = vec![0.0; train.len()];
    for fold in 0..K {
        let g = best(&|i| i % K != fold);
        println!("fold {fold}: chose {:?}", grid[g]);
        for (i, slot) in cv.iter_mut().enumerate().filter(|(i, _)| i % K == fold) {
            *slot = rr[g][i];
        }
    }
    let chosen = grid[best(&|_| true)];
    let lexical: Vec<f64> = train.iter().map(|q| reciprocal_rank(&open, q, Mode::Lexical, chosen)).collect::<Result<_, _>>()?;
    println!("TRAIN {} ({} queries)", args[1], train.len());
    by_kind(&train, "lexical", &lexical);
    by_kind(&train, &format!("hybrid chosen on all: {chosen:?}"), &rr[grid.iter().position(|f| *f == chosen).unwrap_or(0)]);
    by_kind(&train, &format!("hybrid {K}-fold CV"), &cv);
    for path in &args[2..] {
        report_test(&open, Path::new(path), chosen)?;
    }
    Ok(())
}

/// An embedder that remembers the vectors it made.
struct Cached(std::sync::Arc<dyn folio::embed::Embedder>, std::sync::Mutex<std::collections::HashMap<String, Vec<f32>>>);

impl folio::embed::Embedder for Cached {
    fn id(&self) -> &folio::embed::ModelId {
        self.0.id()
    }
    fn embed(&self, text: &str) -> Vec<f32> {
        if let Some(v) = self.1.lock().unwrap().get(text) {
            return v.clone();
        }
        let v = self.0.embed(text);
        self.1.lock().unwrap().insert(text.to_string(), v.clone());
        v
    }
}

/// A held-out set in the three modes with the chosen fusion.
fn report_test(open: &OpenIndex, path: &Path, chosen: Fusion) -> Result<(), Box<dyn std::error::Error>> {
    let test: Vec<QueryItem> = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    println!("TEST {} ({} queries)", path.display(), test.len());
    for mode in [Mode::Lexical, Mode::Semantic, Mode::Hybrid] {
        let rr: Vec<f64> = test.iter().map(|q| reciprocal_rank(open, q, mode, chosen)).collect::<Result<_, _>>()?;
        by_kind(&test, mode.as_str(), &rr);
    }
    Ok(())
}

fn by_kind(queries: &[QueryItem], label: &str, rr: &[f64]) {
    let mut kinds: Vec<&str> = queries.iter().map(|q| q.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut parts = vec![format!("all {:.3}", rr.iter().sum::<f64>() / rr.len().max(1) as f64)];
    for k in kinds {
        let v: Vec<f64> = queries.iter().zip(rr).filter(|(q, _)| q.kind == k).map(|(_, r)| *r).collect();
        parts.push(format!("{k} {:.3}", v.iter().sum::<f64>() / v.len().max(1) as f64));
    }
    println!("  {label:<45} MRR@10 {}", parts.join("  "));
}

/// 1/rank of the first relevant hit in the top 10, 0 when none.
fn reciprocal_rank(open: &OpenIndex, q: &QueryItem, mode: Mode, fusion: Fusion) -> folio::error::Result<f64> {
    let request = SearchRequest { query: q.q.clone(), limit: 10, mode, ..SearchRequest::default() };
    let results = match mode {
        Mode::Lexical => folio::retrieve::search(open, &request)?,
        _ => fuse::search(open, &request, fusion)?,
    };
    let anchors: Vec<String> = q.relevant.iter().map(|a| normalize(a)).collect();
    let rank = results.hits.iter().position(|h| {
        let t = normalize(&h.passage.text);
        anchors.iter().any(|a| t.contains(a))
    });
    Ok(rank.map_or(0.0, |r| 1.0 / (r + 1) as f64))
}
