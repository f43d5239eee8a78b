//! The embedding module: the shipped static model (always), the tokenizer
//! against Hugging Face's ids (always: its vocabulary ships with the static
//! model), and the installed encoder against sentence-transformers' vectors
//! (when the model is installed; see `test_model_home`).

use folio::embed::{self, Embedder, cosine};
use sha2::Digest;
use std::path::Path;

fn data(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/embed").join(name)).unwrap()
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// (anchor, related, unrelated): the anchor must be closer to the related text.
const TRIPLES: [(&str, &str, &str); 8] = [
    ("A man is eating food.", "A man is eating a piece of bread.", "The girl is carrying a baby."),
    ("States must not conduct cyber attacks against critical infrastructure.", "Governments should refrain from hacking power grids and hospitals.", "The recipe calls for two cups of flour and an egg."),
    ("Personal data must be erased when it is no longer needed.", "Delete people's information once its purpose is fulfilled.", "The football match ended in a draw after extra time."),
    ("Attribution of cyber operations to a state is difficult.", "It is hard to prove which government is behind a hack.", "Tomatoes grow best in warm, sunny weather."),
    ("Freedom of expression applies online as it does offline.", "People have the same right to free speech on the internet.", "The train to Berlin leaves at nine in the morning."),
    ("The treaty was signed by forty countries.", "Forty nations became parties to the convention.", "She painted the kitchen walls bright yellow."),
    ("Ransomware encrypted the hospital's files.", "Malicious software locked the clinic's computers and demanded payment.", "The orchestra performed a symphony by Brahms."),
    ("Internet governance involves many stakeholders.", "Companies, governments and civil society all shape how the net is run.", "The cat slept on the warm windowsill all afternoon."),
];

#[test]
fn shipped_table_matches_its_manifest() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/static");
    let manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let table = std::fs::read(dir.join(manifest["file"].as_str().unwrap())).unwrap();
    let sha: String = sha2::Sha256::digest(&table).iter().map(|b| format!("{b:02x}")).collect();
    let m = embed::shipped();
    assert_eq!(m.id().sha256, sha);
    assert_eq!(manifest["sha256"], sha.as_str());
    assert_eq!(m.id().dim, manifest["dims"].as_u64().unwrap() as usize);
    assert_eq!(m.id().name, manifest["name"].as_str().unwrap());
    assert!(dir.join("NOTICE").exists() && dir.join("LICENSE").exists());
    assert!(std::fs::read_to_string(dir.join("NOTICE")).unwrap().contains("all-MiniLM-L6-v2"));
}

#[test]
fn shipped_vectors_have_unit_length_and_the_same_bits_every_time() {
    let m = embed::shipped();
    let texts: Vec<&str> = TRIPLES.iter().flat_map(|(a, b, c)| [*a, *b, *c]).collect();
    let first: Vec<Vec<f32>> = texts.iter().map(|t| m.embed(t)).collect();
    for (t, v) in texts.iter().zip(&first) {
        assert_eq!(v.len(), m.id().dim);
        assert!((norm(v) - 1.0).abs() < 1e-5, "{t:?}: norm {}", norm(v));
    }
    let batch = m.embed_batch(&texts);
    let threaded: Vec<Vec<f32>> = std::thread::scope(|s| {
        let hs: Vec<_> = texts.iter().map(|t| s.spawn(move || m.embed(t))).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for i in 0..texts.len() {
        assert_eq!(bits(&first[i]), bits(&batch[i]));
        assert_eq!(bits(&first[i]), bits(&threaded[i]));
    }
}

#[test]
fn shipped_puts_related_sentences_closer_than_unrelated_ones() {
    let m = embed::shipped();
    for (a, related, unrelated) in TRIPLES {
        let (va, vr, vu) = (m.embed(a), m.embed(related), m.embed(unrelated));
        let (near, far) = (cosine(&va, &vr), cosine(&va, &vu));
        assert!(near > far + 0.05, "{a:?}: related {near:.3}, unrelated {far:.3}");
    }
}

#[test]
fn shipped_gives_zeros_for_empty_or_unknown_text() {
    let m = embed::shipped();
    for text in ["", "   \n\t", "\u{0}\u{FFFD}", "😀 🇺🇳", "\u{E000}\u{E001}", "...", "[CLS] [SEP]"] {
        let v = m.embed(text);
        assert_eq!(v.len(), m.id().dim);
        if text == "..." || text.starts_with('[') {
            // Punctuation is known (frequent, so it weighs little) but has a direction.
            assert!((norm(&v) - 1.0).abs() < 1e-5, "{text:?}");
        } else {
            assert!(v.iter().all(|&x| x == 0.0), "{text:?} gave a non-zero vector");
        }
    }
    // A very long text is fine too.
    let long = "sovereignty ".repeat(50_000);
    assert!((norm(&m.embed(&long)) - 1.0).abs() < 1e-5);
}

#[test]
fn tokenizer_gives_hugging_face_ids() {
    // tests/data/embed/golden_tokens.jsonl: ids from HF `tokenizers` for edge
    // cases, corpus paragraphs and random Unicode (docs/design/encoder-prototype/scripts/make_golden.py).
    let tok = embed::shipped().tokenizer();
    let mut bad = vec![];
    let golden = data("golden_tokens.jsonl");
    for line in golden.lines() {
        let j: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = j["text"].as_str().unwrap();
        let want: Vec<u32> = j["ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
        if tok.encode(text, usize::MAX) != want {
            bad.push(text.to_string());
        }
    }
    assert!(golden.lines().count() > 250);
    assert!(bad.is_empty(), "{} lines differ from HF tokenizers, e.g. {:?}", bad.len(), bad.first());
}
