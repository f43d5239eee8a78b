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
