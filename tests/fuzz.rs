//! Property tests (proptest) for the parts that read untrusted text: the
//! cleaner and structure parser, the tokenizer, the query layer, the
//! reference parser, and the metadata readers (BibTeX, taxonomy, thesaurus).
//! They assert that nothing panics and that outputs keep their invariants.
//! CI runs the default number of cases; `PROPTEST_CASES=20000 cargo test
//! --release --test fuzz` is the long run (see the closing notes for timings).
//! Regressions found by fuzzing are named after what they broke, at the end.

use std::sync::OnceLock;

use folio::text::{split_words, Analyzer};
use folio::source::Extracted;
use folio::engine::build::{self as index, BuildOptions};
use folio::store::{self, IndexDir, OpenIndex};
use proptest::prelude::*;

mod common;

/// Pieces that exercise the cleaner's rules, mixed with arbitrary characters.
const PIECES: &[&str] = &[
    "\n", "\n\n", "\u{c}", "\r\n", "# ", "## ", "#### **", "1. ", "1.1. ", "2.3 ", "Part II: ", "- ", "* ", "• ", "(a) ", "[3] ", "**", "*", "_",
    "[EF4]", "[JS12] ", "^[3]", "[12]", "space.3 ", "References", "Notes:", "Abstract: ", "Keywords: ", "http: / /www. cnas. org/x_1. pdf",
    "doi:10.1000/xyz", "recommenda-", "-\n", "tions", "A s ", "VER ", "T\n\n", "he ", "**T** n ", "**O**need", "<br/>", "&amp;", "```", "====",
    "----", "> ", "ΚΥΡΙΑΡΧΙΑΣ ", "κυβερνοχώρος ", "网络主权", "🔐", "\u{200B}", "\u{202E}", "\u{0}", "(Lewis, 2017)", "function(b){return this.each(",
    "©2018 by X. Proudly created with Wix.com", "top of page", "Comments", "- Like\n- Digg\n- Tumblr\n", "Despite t equitable r ", "Jane Roe", "Writer: ",
    "University of X", "Nov 30, 2017", "the", "norms", "sovereignty", ". ", ", ", "cyber", "The Convention", "\t", "  ", "12", "A", "é", "ß",
];

fn messy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => "[a-zA-Z]{1,12}".prop_map(|s| s + " "),
    ];
    prop::collection::vec(piece, 0..200).prop_map(|v| v.concat())
}

fn build(text: &str) -> folio::doc::passages::BuiltDoc {
    static TAGGER: OnceLock<folio::vocab::tagger::Tagger> = OnceLock::new();
    let tagger = TAGGER.get_or_init(|| folio::vocab::tagger::Tagger::new(folio::vocab::taxonomy::Taxonomy::builtin()));
    folio::doc::passages::build(&Extracted::from_text("fuzz.txt", text), tagger)
}

/// The bundled corpus, indexed once for the query properties.
fn bundled() -> &'static OpenIndex {
    static OPEN: OnceLock<(tempfile::TempDir, OpenIndex)> = OnceLock::new();
    &OPEN
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = common::seed_corpus();
            let scan = folio::source::scan(&corpus).unwrap();
            let index_dir = IndexDir::new(dir.path().join("index"));
            index::build(&index_dir, &scan, BuildOptions::default(), &mut |_, _, _| {}).unwrap();
            let open = store::open(&index_dir).unwrap();
            (dir, open)
        })
        .1
}

proptest! {
    #[test]
    fn cleaner_and_structure_never_panic_and_keep_invariants(text in messy_text()) {
        let built = build(&text);
        let n_lines = text.split('\n').count() as u32;
        for (i, p) in built.passages.iter().enumerate() {
            prop_assert_eq!(p.paragraph as usize, i + 1);
            prop_assert!(p.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "id {:?}", p.id);
            prop_assert!(built.passages[..i].iter().all(|q| q.id != p.id), "duplicate id {:?}", p.id);
            prop_assert!(!p.text.trim().is_empty());
            prop_assert!(p.source.line_start >= 1 && p.source.line_start <= p.source.line_end && p.source.line_end <= n_lines);
            let invisible = p.text.contains('\u{200B}') || p.text.contains('\u{202E}');
            prop_assert!(!invisible, "invisible characters left in {:?}", p.text);
            prop_assert!(p.topic_scores.values().all(|s| (0.0..=1.0).contains(s)));
        }
        // Deterministic: the same text gives the same passages.
        prop_assert_eq!(build(&text).passages, built.passages);
    }

    #[test]
    fn tokenizer_offsets_stay_on_char_boundaries(text in messy_text(), lang in prop::sample::select(vec!["en", "fr", "de", "ru", "el", "ar", "zh", "und"])) {
        let mut tokens = vec![];
        split_words(&text, &mut tokens);
        for t in &tokens {
            prop_assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to) && t.offset_from < t.offset_to);
        }
        let stems = Analyzer::for_lang(lang).terms(&text);
        prop_assert_eq!(stems.len(), tokens.len());
    }

    #[test]
    fn queries_never_panic(q in prop_oneof![messy_text(), "[ a-z\"()*:+\\-]{0,60}".prop_map(String::from)], limit in 0usize..50) {
        let parsed = folio::retrieve::query::parse(&q);
        prop_assert!(parsed.clauses.len() <= 512);
        let open = bundled();
        let request = folio::retrieve::SearchRequest { query: q, limit, ..Default::default() };
        let response = folio::retrieve::search(open, &request).unwrap();
        prop_assert!(response.hits.len() <= limit);
        prop_assert!(response.hits.len() <= response.total);
        for h in &response.hits {
            prop_assert!(h.snippet.matches("<mark>").count() == h.snippet.matches("</mark>").count());
        }
    }

    #[test]
    fn reference_parsing_and_markers_never_panic(text in messy_text(), marker in prop::option::of("[-*\\[\\]0-9. ]{0,6}")) {
        let r = folio::doc::references::parse_entry(marker.as_deref(), &text, &text);
        prop_assert_eq!(r.text, text.clone());
        let (cleaned, _) = folio::doc::references::extract_markers(&text, &|n: &str| n.len() < 2);
        prop_assert!(cleaned.len() <= text.len() + 1);
    }

    #[test]
    fn metadata_readers_never_panic(text in messy_text(), bibish in "(@[a-z]{0,8}\\{[a-z0-9,= {}\"@\n]{0,80})*") {
        let _ = folio::source::bib::read(&text, "references.bib");
        let _ = folio::source::bib::read(&bibish, "references.bib");
        let _ = folio::vocab::taxonomy::Taxonomy::parse(&text, "topics.toml");
        let _ = folio::vocab::thesaurus::Thesaurus::parse(&text, "thesaurus.toml");
        let toml_like = format!("[[topic]]\nid = \"{}\"\nlabel = \"x\"\n[topic.terms.en]\n\"{}\" = 1.0\n", text.replace(['"', '\\', '\n'], ""), text.replace(['"', '\\', '\n'], ""));
        if let Ok(t) = folio::vocab::taxonomy::Taxonomy::parse(&toml_like, "topics.toml") {
            let tagger = folio::vocab::tagger::Tagger::new(t);
            let _ = tagger.tag(&text, "en", None, &[]);
        }
        let thesaurus_like = format!("[[group]]\nterms = [\"{}\", \"x\"]\n", text.replace(['"', '\\', '\n'], ""));
        if let Ok(t) = folio::vocab::thesaurus::Thesaurus::parse(&thesaurus_like, "thesaurus.toml") {
            let words: Vec<String> = text.split_whitespace().map(String::from).collect();
            let _ = t.expand(&words);
        }
    }
}

// Regressions found by the properties above, named after what they broke.

#[test]
fn regression_excluding_a_phrase_asserted_in_tantivy_exclusion() {
    let open = bundled();
    for q in ["----References**1. \n", "-\"references 1\"", "norms -\"international law\"", "NOT \"cyber sovereignty\""] {
        let r = folio::retrieve::search(open, &folio::retrieve::SearchRequest { query: q.into(), limit: 5, ..Default::default() }).unwrap();
        assert!(!r.hits.is_empty(), "{q}");
        assert!(r.hits.iter().all(|h| !h.passage.text.to_lowercase().contains("international law") || !q.contains("international law")), "{q}");
    }
}

#[test]
fn regression_a_label_without_text_made_an_empty_passage() {
    assert!(build("Abstract: ").passages.is_empty());
    assert!(build("Abstract:\n\nKeywords: \n").passages.is_empty());
    let labelled = build("Abstract: States agree.\n\nKeywords: norms\n");
    assert_eq!(labelled.passages.len(), 1);
    assert_eq!(labelled.passages[0].text, "States agree.");
}
