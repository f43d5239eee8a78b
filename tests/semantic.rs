//! Vectors in the index and search by meaning: hybrid finds paraphrases that
//! words miss, `--mode lexical` ranks as before, vectors.bin is reproducible
//! (two builds, update = scratch, only changed texts encoded), a missing
//! model falls back to words, `similar` leaves the passage's own document
//! out, and filters hold in every mode.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use folio::embed::{self, Embedder, ModelId};
use folio::engine::build::build_with;
use folio::engine::BuildOptions;
use folio::retrieve::{self, Mode, SearchRequest};
use folio::store::{self, IndexDir, OpenIndex};

/// The shipped model, counting the texts it embeds.
struct Counting(AtomicUsize);

impl Embedder for Counting {
    fn id(&self) -> &ModelId {
        embed::shipped().id()
    }
    fn embed(&self, text: &str) -> Vec<f32> {
        self.0.fetch_add(1, Ordering::SeqCst);
        embed::shipped().embed(text)
    }
}

/// A model this machine does not have (a test-only embedder).
struct Elsewhere(ModelId);

impl Embedder for Elsewhere {
    fn id(&self) -> &ModelId {
        &self.0
    }
    fn embed(&self, text: &str) -> Vec<f32> {
        let mut v = vec![0.0; self.0.dim];
        v[text.len() % self.0.dim] = 1.0;
        v
    }
}

fn build(corpus: &Path, index: &Path, embedder: Option<Arc<dyn Embedder>>) -> OpenIndex {
    let scan = folio::source::scan(corpus).unwrap();
    build_with(&IndexDir::new(index), &scan, BuildOptions::default(), embedder, &mut |_, _, _| {}).unwrap();
    store::open(&IndexDir::new(index)).unwrap()
}

fn shipped() -> Option<Arc<dyn Embedder>> {
    Some(Arc::new(embed::shipped()))
}

fn vectors_bytes(index: &Path) -> Vec<u8> {
    std::fs::read(IndexDir::new(index).live().unwrap().join("vectors.bin")).unwrap()
}

fn search(open: &OpenIndex, query: &str, mode: Mode) -> retrieve::Results {
    retrieve::search(open, &SearchRequest { query: query.into(), limit: 10, mode, ..SearchRequest::default() }).unwrap()
}

fn rank_of(results: &retrieve::Results, anchor: &str) -> Option<usize> {
    results.hits.iter().position(|h| folio::engine::eval::normalize(&h.passage.text).contains(anchor))
}

#[test]
fn hybrid_finds_a_paraphrase_that_words_miss_and_lexical_mode_ranks_as_before() {
    let env = common::Env::new();
    let open = build(&common::seed_corpus(), &env.index(), shipped());
    // A re-wording of "… articulated the two countries' agreement to not engage in cyber theft".
    let q = "during the Chinese leader's trip to Washington both sides pledged not to steal from each other through hacking";
    let lexical = search(&open, q, Mode::Lexical);
    let hybrid = search(&open, q, Mode::Auto);
    assert_eq!(hybrid.mode, Mode::Hybrid);
    assert_eq!(lexical.mode, Mode::Lexical);
    let anchor = "articulated the two countries agreement";
    assert_eq!(rank_of(&lexical, anchor), None, "words alone should miss it");
    assert!(rank_of(&hybrid, anchor).is_some_and(|r| r < 5), "{:?}", hybrid.hits.iter().map(|h| &h.passage.id).collect::<Vec<_>>());
    // --mode lexical on an index with vectors = a search of an index without them.
    let plain = common::Env::new();
    let without = build(&common::seed_corpus(), &plain.index(), None);
    assert!(without.vectors.is_none());
    for query in [q, "Budapest Convention", "norms of responsible state behaviour"] {
        let a = search(&open, query, Mode::Lexical);
        let b = search(&without, query, Mode::Auto);
        assert_eq!(b.mode, Mode::Lexical);
        let ids = |r: &retrieve::Results| r.hits.iter().map(|h| (h.passage.id.clone(), h.score.to_bits())).collect::<Vec<_>>();
        assert!(!a.hits.is_empty());
        assert_eq!(ids(&a), ids(&b));
        assert_eq!((a.total, &a.facets), (b.total, &b.facets));
    }
}

#[test]
fn vectors_are_reproducible_and_an_update_encodes_only_what_changed() {
    let (one, two) = (common::Env::new(), common::Env::new());
    common::copy_seed_corpus(&one.corpus());
    common::copy_seed_corpus(&two.corpus());
    build(&one.corpus(), &one.index(), shipped());
    build(&two.corpus(), &two.index(), shipped());
    let first = vectors_bytes(&one.index());
    assert_eq!(first, vectors_bytes(&two.index()), "two builds of one corpus");
    // Edit one document: a paragraph added, one changed.
    let doc = one.corpus().join("wang-dilemma.txt");
    let text = std::fs::read_to_string(&doc).unwrap().replacen("The Internet is global in nature", "The Internet is worldwide in nature", 1);
    std::fs::write(&doc, format!("{text}\n\nA new closing paragraph about shared responsibility for the security of networks across borders.\n")).unwrap();
    let counting = Arc::new(Counting(AtomicUsize::new(0)));
    let updated = build(&one.corpus(), &one.index(), Some(counting.clone()));
    let encoded = counting.0.load(Ordering::SeqCst);
    assert!((1..=3).contains(&encoded), "an update encoded {encoded} texts; only the changed ones should be");
    let scratch = common::Env::new();
    let fresh = build(&one.corpus(), &scratch.index(), shipped());
    assert_eq!(vectors_bytes(&one.index()), vectors_bytes(&scratch.index()), "update and scratch build");
    assert_ne!(vectors_bytes(&one.index()), first);
    assert_eq!(updated.manifest.vectors, fresh.manifest.vectors);
    assert_eq!(updated.vectors.as_ref().unwrap().len(), updated.manifest.n_passages);
}

#[test]
fn an_index_whose_model_is_missing_is_searched_by_words_with_a_note() {
    let env = common::Env::new();
    let model = ModelId { name: "not-on-this-machine".into(), sha256: "00".into(), dim: 8 };
    let open = build(&common::seed_corpus(), &env.index(), Some(Arc::new(Elsewhere(model))));
    let r = search(&open, "Budapest Convention", Mode::Auto);
    assert_eq!(r.mode, Mode::Lexical);
    assert!(r.notes.iter().any(|n| n.contains("not-on-this-machine") && n.contains("not installed")), "{:?}", r.notes);
    assert!(!r.hits.is_empty());
    let asked = search(&open, "Budapest Convention", Mode::Semantic);
    assert_eq!(asked.mode, Mode::Lexical);
}

#[test]
fn similar_leaves_out_the_passages_document_and_filters_hold_in_semantic_mode() {
    let env = common::Env::new();
    let open = build(&common::seed_corpus(), &env.index(), shipped());
    let q = search(&open, "Budapest Convention on Cybercrime Council of Europe", Mode::Lexical);
    let p = q.hits[0].passage.clone();
    let similar = retrieve::semantic::similar(&open, &p, &SearchRequest { limit: 10, ..SearchRequest::default() }).unwrap();
    assert_eq!(similar.hits.len(), 10);
    assert!(similar.hits.iter().all(|h| h.passage.doc != p.doc));
    assert!(similar.hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(similar.facets["doc"].keys().all(|d| *d != p.doc));
    let only = "wang-dilemma".to_string();
    let narrowed = retrieve::semantic::similar(&open, &p, &SearchRequest { limit: 5, docs: vec![only.clone()], ..SearchRequest::default() }).unwrap();
    assert!(!narrowed.hits.is_empty() && narrowed.hits.iter().all(|h| h.passage.doc == only));
    for mode in [Mode::Semantic, Mode::Hybrid] {
        let request = SearchRequest { query: "who governs the network".into(), docs: vec![only.clone()], limit: 10, mode, ..SearchRequest::default() };
        let r = retrieve::search(&open, &request).unwrap();
        assert_eq!(r.mode, mode);
        assert!(!r.hits.is_empty() && r.hits.iter().all(|h| h.passage.doc == only), "{mode:?}");
        assert_eq!(r.facets["doc"].keys().collect::<Vec<_>>(), vec![&only]);
        assert!(r.hits.iter().all(|h| h.explain.is_some()));
        let kinds = SearchRequest { kinds: vec![folio::model::Kind::Reference], ..request.clone() };
        let refs = retrieve::search(&open, &kinds).unwrap();
        assert!(refs.hits.iter().all(|h| h.passage.kind == folio::model::Kind::Reference), "{mode:?}");
    }
}

#[test]
fn passages_the_english_model_cannot_read_have_no_vector_and_are_ranked_by_words() {
    let env = common::Env::new();
    std::fs::write(env.corpus().join("en.txt"), "# Norms\n\nStates should not knowingly allow their territory to be used for internationally wrongful acts using information technologies.\n").unwrap();
    std::fs::write(
        env.corpus().join("fr.txt"),
        "# Normes\n\nLes États ne devraient pas permettre sciemment que leur territoire soit utilisé pour commettre des faits internationalement illicites à l'aide des technologies de l'information et des communications, selon le rapport du groupe d'experts gouvernementaux.\n",
    )
    .unwrap();
    let open = build(&env.corpus(), &env.index(), shipped());
    let vectors = open.vectors.as_ref().unwrap();
    let passages = open.all_passages().unwrap();
    for p in &passages {
        let row = vectors.row_of(folio::store::schema::ord_of(&p.doc, p.paragraph)).unwrap();
        assert_eq!(vectors.has_vector(row), p.language != "fr", "{} ({})", p.id, p.language);
    }
    assert!(passages.iter().any(|p| p.language == "fr"));
    let r = search(&open, "territoire technologies", Mode::Hybrid);
    let french = r.hits.iter().find(|h| h.passage.language == "fr").expect("the French passage matches by words");
    let e = french.explain.unwrap();
    assert_eq!((e.cosine, e.semantic), (None, 0.0));
    // A query in a script the model does not read is searched by words.
    let cjk = search(&open, "发表意见自由", Mode::Auto);
    assert_eq!(cjk.mode, Mode::Lexical);
}

#[test]
fn the_command_line_prints_similar_and_explained_hits_in_every_format() {
    let env = common::Env::new();
    let folio = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["--corpus", common::seed_corpus().to_str().unwrap(), "--index", env.index().to_str().unwrap()])
            .args(args)
            .env("FOLIO_HOME", env.dir.path().join("home"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let json: folio::wire::SearchResponse = serde_json::from_str(&folio(&["search", "Budapest Convention", "--explain", "-f", "json", "-n", "3"])).unwrap();
    assert_eq!(json.mode, "hybrid");
    let e = json.hits[0].explain.as_ref().expect("--explain adds each side's part");
    assert!((e.lexical + e.semantic - json.hits[0].score).abs() < 1e-4);
    let text = folio(&["search", "Budapest Convention", "--explain", "-n", "2"]);
    assert!(text.contains("= lexical") && text.contains("semantic"), "{text}");
    let lexical: folio::wire::SearchResponse = serde_json::from_str(&folio(&["search", "Budapest Convention", "--mode", "lexical", "-f", "json"])).unwrap();
    assert_eq!(lexical.mode, "lexical");
    let id = &json.hits[0].passage.id;
    let similar: folio::wire::SearchResponse = serde_json::from_str(&folio(&["similar", id, "-f", "json", "-n", "4"])).unwrap();
    assert_eq!(similar.hits.len(), 4);
    assert!(similar.hits.iter().all(|h| h.passage.doc != json.hits[0].passage.doc));
    let pandoc = folio(&["similar", id, "-f", "pandoc", "-n", "2"]);
    assert_eq!(pandoc.lines().filter(|l| l.starts_with("[@")).count(), 2, "{pandoc}");
}
