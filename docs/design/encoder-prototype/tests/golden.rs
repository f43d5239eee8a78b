//! Golden tests against HF ground truth.
//!
//! - `tests/golden_tokens.jsonl`: ids from HF `tokenizers` (scripts/make_golden.py);
//! - `tests/golden_vectors.json`: vectors from sentence-transformers itself.
//!
//! Both need the model directory (for the vocabulary / weights): set
//! `EMBED_MODEL_DIR`; without it the tests pass vacuously with a note.

use embed_proto::encoder::Encoder;
use embed_proto::wordpiece::WordPiece;
use std::path::PathBuf;

fn model_dir() -> Option<PathBuf> {
    let d = std::env::var_os("EMBED_MODEL_DIR").map(PathBuf::from);
    if d.is_none() {
        eprintln!("EMBED_MODEL_DIR not set: skipping");
    }
    d
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join(name)).unwrap()
}

#[test]
fn tokenizer_matches_hf() {
    let Some(dir) = model_dir() else { return };
    let tok = WordPiece::from_tokenizer_json(&dir.join("tokenizer.json")).unwrap();
    let mut bad = 0;
    let lines = fixture("golden_tokens.jsonl");
    for line in lines.lines() {
        let j: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = j["text"].as_str().unwrap();
        let want: Vec<u32> = j["ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
        let got = tok.encode(text, usize::MAX);
        if got != want {
            bad += 1;
            eprintln!("{text:?}\n  hf   {want:?}\n  rust {got:?}");
        }
    }
    assert_eq!(bad, 0, "{bad} lines differ from HF tokenizers");
}

#[test]
fn vectors_match_sentence_transformers() {
    let Some(dir) = model_dir() else { return };
    let enc = Encoder::load(&dir).unwrap();
    let j: serde_json::Value = serde_json::from_str(&fixture("golden_vectors.json")).unwrap();
    for item in j["items"].as_array().unwrap() {
        let text = item["text"].as_str().unwrap();
        let want: Vec<f32> = item["vec"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
        let got = &enc.encode(&[text])[0];
        let worst = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        assert!(worst < 1e-5, "{text:?}: max |Δ| = {worst}");
    }
}
