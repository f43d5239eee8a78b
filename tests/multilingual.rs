//! Passages in French, Spanish, German, Russian, Chinese and a language without
//! a stemmer get the right language and topics, and a query in each language
//! finds its passage through an inflected form.

use std::fs;
use std::process::Command;

const DOCS: &[(&str, &str, &str, &str, &str)] = &[
    // (file, text, language, topic, query with another inflection)
    (
        "fr.txt",
        "La cybercriminalité transfrontalière exige une coopération judiciaire renforcée. La Convention de Budapest sur la cybercriminalité permet aux États d'échanger des preuves électroniques et de poursuivre les auteurs d'infractions informatiques.",
        "fr",
        "cybercrime",
        "preuve électronique",
    ),
    (
        "es.txt",
        "Los Estados defienden la soberanía digital y el principio de no injerencia en los asuntos internos de otros países. Cada gobierno reclama jurisdicción sobre la infraestructura y los datos que se encuentran en su territorio nacional.",
        "es",
        "sovereignty",
        "asunto interno",
    ),
    (
        "de.txt",
        "Die Zuordnung von Cyberangriffen bleibt schwierig: Staaten bestreiten regelmäßig ihre Beteiligung, und jede Attribution erfordert technische Beweise ebenso wie ein politisches Urteil der beschuldigenden Regierung.",
        "de",
        "attribution",
        "Cyberangriff",
    ),
    (
        "ru.txt",
        "Свобода выражения мнений и право на неприкосновенность частной жизни должны защищаться в интернете так же, как и офлайн. Права человека в полной мере применяются в киберпространстве, и государства обязаны их уважать.",
        "ru",
        "human-rights",
        "правами человека",
    ),
    (
        "zh.txt",
        "网络主权是国家主权在网络空间的自然延伸。各国有权自主选择网络发展道路和互联网管理模式，任何国家都不应利用网络干涉他国内政，也不应损害他国的领土完整。",
        "zh",
        "sovereignty",
        "网络主权",
    ),
];

fn folio(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["--corpus", dir.join("corpus").to_str().unwrap(), "--index", dir.join("index").to_str().unwrap()])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn each_language_is_detected_tagged_and_found_by_an_inflected_query() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("corpus")).unwrap();
    for (file, text, ..) in DOCS {
        fs::write(dir.path().join("corpus").join(file), text).unwrap();
    }
    // A language no stemmer covers (Indonesian) stays searchable by its words.
    fs::write(
        dir.path().join("corpus/id.txt"),
        "Kedaulatan siber menjadi perdebatan penting di antara negara-negara anggota ASEAN ketika mereka merundingkan aturan bersama tentang keamanan jaringan.",
    )
    .unwrap();
    let out = folio(dir.path(), &["export", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let passages: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for (file, _, lang, topic, query) in DOCS {
        let key = file.trim_end_matches(".txt");
        let p = passages.iter().find(|p| p["doc"] == key).unwrap_or_else(|| panic!("no passage for {key}"));
        assert_eq!(p["language"], *lang, "{key}");
        assert!(p["topics"].as_array().unwrap().iter().any(|t| t == topic), "{key}: {}", p["topics"]);
        let out = folio(dir.path(), &["search", query, "--format", "json", "--limit", "1"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{query}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        assert_eq!(v["hits"][0]["passage"]["doc"], key, "query {query}");
        assert!(v["hits"][0]["snippet"].as_str().unwrap().contains("<mark>"), "query {query}");
    }
    let id = passages.iter().find(|p| p["doc"] == "id").unwrap();
    assert_eq!(id["language"], "id");
    let out = folio(dir.path(), &["search", "kedaulatan", "--format", "json", "--limit", "1"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hits"][0]["passage"]["doc"], "id");
    // The language filter narrows to one language.
    let out = folio(dir.path(), &["search", "cyber OR网络 OR soberanía", "--lang", "es", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "{v}");
    assert!(hits.iter().all(|h| h["passage"]["language"] == "es"));
    assert_eq!(v["facets"]["language"].as_object().unwrap().keys().collect::<Vec<_>>(), vec!["es"]);
}

/// Articles of the Universal Declaration of Human Rights in Chinese, Japanese,
/// Korean, German and Dutch (`tests/fixtures/udhr`, from `scripts/udhr_corpus.py`).
fn udhr_index() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(&corpus).unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/udhr");
    for e in fs::read_dir(fixture).unwrap() {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            fs::copy(e.path(), corpus.join(e.file_name())).unwrap();
        }
    }
    dir
}

fn first_hit(dir: &std::path::Path, query: &str) -> serde_json::Value {
    let out = folio(dir, &["search", query, "--format", "json", "--limit", "3"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{query}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert!(v["total"].as_u64().unwrap() > 0, "{query}: nothing found: {v}");
    v["hits"][0]["passage"].clone()
}

#[test]
fn cjk_queries_are_bags_of_bigrams_not_phrases() {
    let dir = udhr_index();
    // The characters occur in article 19, but not as this string ("发表意见的自由").
    for (query, lang, marked) in [("发表意见自由", "zh", "发表意见"), ("表达意见和获取信息的自由", "zh", "意见"), ("表現の自由", "ja", "表現の自由"), ("표현의 자유", "ko", "표현의")] {
        let p = first_hit(dir.path(), query);
        assert_eq!(p["language"], lang, "{query}: {p}");
        assert_eq!(p["section"], if lang == "ja" { "第19条" } else if lang == "ko" { "제 19 조" } else { "第十九条" }, "{query}: {p}");
        let out = folio(dir.path(), &["search", query, "--format", "json", "--limit", "1"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["hits"][0]["snippet"].as_str().unwrap().contains(&format!("<mark>{marked}")), "{query}: {v}");
    }
}

#[test]
fn compounds_are_found_by_their_parts_and_parts_inside_compounds() {
    let dir = udhr_index();
    // A part inside a compound: "uiting" stands only in "meningsuiting" (article 19).
    let p = first_hit(dir.path(), "uiting");
    assert_eq!((p["language"].as_str(), p["section"].as_str()), (Some("nl"), Some("Artikel 19")), "{p}");
    // A compound by its parts: "Gewissensfreiheit" is not in the text;
    // article 18 has "Gewissens‐" and "Freiheit".
    let p = first_hit(dir.path(), "Gewissensfreiheit");
    assert_eq!((p["language"].as_str(), p["section"].as_str()), (Some("de"), Some("Artikel 18")), "{p}");
    // And with --exact neither mechanism applies.
    let out = folio(dir.path(), &["search", "uiting", "--exact", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 0, "{v}");
}

#[test]
fn a_verb_finds_its_noun_where_the_stemmer_keeps_them_apart() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("corpus")).unwrap();
    fs::write(dir.path().join("corpus/es.txt"), "Todo individuo tiene derecho a la libertad de opinión y de expresión, sin limitación de fronteras.").unwrap();
    fs::write(dir.path().join("corpus/ru.txt"), "Каждый человек имеет право на свободу убеждений и на свободное выражение их.").unwrap();
    // "expresar" stems to "expres", "expresión" to "expresion"; "выражать" to "выража", "выражение" to "выражен".
    for (query, doc) in [("expresar", "es"), ("выражать", "ru")] {
        let out = folio(dir.path(), &["search", query, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["hits"][0]["passage"]["doc"], doc, "{query}: {v}");
        let out = folio(dir.path(), &["search", query, "--exact", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["total"], 0, "--exact {query}: {v}");
    }
}

/// The best lexical score of a query (BM25 as the index scores it).
fn top_score(dir: &std::path::Path, query: &str) -> f64 {
    let out = folio(dir, &["search", query, "--mode", "lexical", "--format", "json", "--limit", "1"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{query}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    v["hits"][0]["score"].as_f64().unwrap_or_else(|| panic!("{query}: no hit: {v}"))
}

/// English passages, three of them with "sovereignty" (the pipeline keeps
/// nine of the twelve paragraphs); three Portuguese passages, all with "direito".
fn write_mixed_corpus(corpus: &std::path::Path) {
    fs::create_dir_all(corpus).unwrap();
    let topics = ["trade agreements between neighbouring states", "the protection of critical infrastructure", "attribution of cyber operations to states", "capacity building in developing countries"];
    let mut en = String::from("# Notes on cyber policy\n\n");
    for i in 0..12 {
        let word = if i % 4 == 0 { "sovereignty over networks" } else { "cooperation among agencies" };
        en.push_str(&format!("Paragraph {i} discusses {} and how {word} shapes the debate among diplomats, lawyers and engineers alike.\n\n", topics[i % 4]));
    }
    fs::write(corpus.join("en.md"), en).unwrap();
    let pt = "# Direitos\n\nToda a pessoa tem o direito de livremente circular e escolher a sua residência no interior de um Estado.\n\nTodo o indivíduo tem direito a ter uma nacionalidade e ninguém pode ser arbitrariamente privado dela.\n\nToda a pessoa tem o direito de tomar parte na direcção dos negócios públicos do seu país.\n";
    fs::write(corpus.join("pt.md"), pt).unwrap();
}

#[test]
fn a_word_common_in_its_own_language_scores_low_in_a_corpus_of_another() {
    let dir = tempfile::tempdir().unwrap();
    write_mixed_corpus(&dir.path().join("corpus"));
    // Both words are in 3 of 12 passages, but "direito" is in every passage
    // of its language, so it tells nothing there.
    let (common, rare) = (top_score(dir.path(), "direito"), top_score(dir.path(), "sovereignty"));
    assert!(common < 0.25 * rare, "direito {common} vs sovereignty {rare}");
}

#[test]
fn per_language_scores_of_an_updated_index_equal_a_fresh_builds() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    write_mixed_corpus(&corpus);
    let run = |index: &str, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_folio")).args(["--corpus", corpus.to_str().unwrap(), "--index", dir.path().join(index).to_str().unwrap()]).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    run("index", &["index"]);
    // The Portuguese document loses a passage and gains one (re-indexed
    // alone: the languages' counts must come from the live passages).
    let pt = fs::read_to_string(corpus.join("pt.md")).unwrap();
    let edited = pt.replace("Todo o indivíduo tem direito a ter uma nacionalidade e ninguém pode ser arbitrariamente privado dela.", "Toda a pessoa tem direito à liberdade de opinião e de expressão, sem limitação de fronteiras.");
    fs::write(corpus.join("pt.md"), edited).unwrap();
    run("index", &["index"]);
    run("full", &["index", "--rebuild"]);
    for q in ["direito de livremente", "sovereignty", "direito opinião"] {
        let args = ["search", q, "--mode", "lexical", "--format", "json"];
        let (updated, full) = (run("index", &args), run("full", &args));
        assert!(updated.contains("\"score\""), "{q}: no hits: {updated}");
        assert!(updated == full, "{q}: the updated index scores otherwise than a fresh build:\n{updated}\n{full}");
    }
}
