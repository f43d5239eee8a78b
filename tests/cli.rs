//! Integration tests: the real `folio` binary on temporary corpora.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// A temporary corpus: the bundled one when `bundled`, else empty.
    fn new(bundled: bool) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        fs::create_dir_all(&corpus).unwrap();
        if bundled {
            common::copy_seed_corpus(&corpus);
        }
        Env { dir }
    }

    fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    fn folio(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["--corpus", self.corpus().to_str().unwrap(), "--index", self.dir.path().join("index").to_str().unwrap()])
            .args(args)
            .env_remove("FOLIO_CORPUS")
            .env_remove("FOLIO_INDEX")
            .output()
            .unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn export(env: &Env) -> Vec<serde_json::Value> {
    let out = env.folio(&["export", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn search_builds_the_index_and_prints_citations() {
    let env = Env::new(true);
    let out = env.folio(&["search", "cyber sovereignty"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("building"), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("1. "), "{text}");
    assert!(text.contains("cite: "), "{text}");
    // Second run: the index is current, nothing is rebuilt.
    let again = env.folio(&["search", "cyber sovereignty"]);
    assert!(!stderr(&again).contains("building") && !stderr(&again).contains("rebuilding"), "{}", stderr(&again));
}

#[test]
fn search_json_follows_the_contract() {
    let env = Env::new(true);
    let out = env.folio(&["search", "Budapest Convention", "--format", "json", "--limit", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["query"], "Budapest Convention");
    assert!(v["total"].as_u64().unwrap() >= 1);
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3);
    let hit = &hits[0];
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    assert!(hit["snippet"].as_str().unwrap().contains("<mark>"));
    let p = &hit["passage"];
    for key in ["id", "doc", "title", "authors", "year", "section", "paragraph", "language", "topics", "text", "source", "citation"] {
        assert!(p.get(key).is_some(), "passage lacks {key}");
    }
    assert_eq!(p["doc"], "mukerji-2020-convention");
    assert!(p["citation"]["locator"].as_str().unwrap().contains('¶'));
    for facet in ["topic", "doc", "language", "year"] {
        assert!(v["facets"][facet].is_object(), "facet {facet}");
    }
}

#[test]
fn export_covers_every_document_and_is_deterministic() {
    let env = Env::new(true);
    let first = export(&env);
    let docs: std::collections::BTreeSet<&str> = first.iter().map(|p| p["doc"].as_str().unwrap()).collect();
    assert_eq!(docs.into_iter().collect::<Vec<_>>(), vec!["guan-governance", "kulikova-2015-contest", "liu-2017-code", "mukerji-2020-convention", "wang-dilemma"]);
    let by_doc = |key: &str| first.iter().find(|p| p["doc"] == key).unwrap().clone();
    assert_eq!(by_doc("guan-governance")["authors"][0], "Guan, Yongping");
    assert_eq!(by_doc("wang-dilemma")["authors"][0], "Wang, Zexi");
    assert_eq!(by_doc("liu-2017-code")["year"], 2017);
    assert_eq!(by_doc("mukerji-2020-convention")["title"], "The Need for an International Convention on Cyberspace");
    assert_eq!(by_doc("kulikova-2015-contest")["authors"][0], "Kulikova, Alexandra");
    assert!(by_doc("guan-governance")["year"].is_null());
    // Ids are URL-safe and unique; paragraphs count from 1 in corpus order.
    let ids: std::collections::BTreeSet<&str> = first.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), first.len());
    assert!(ids.iter().all(|id| id.len() >= 15 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-' || c.is_ascii_digit())), "{ids:?}");
    assert_eq!(first[0]["paragraph"], 1);
    let rebuilt = env.folio(&["index", "--rebuild"]);
    assert_eq!(rebuilt.status.code(), Some(0), "{}", stderr(&rebuilt));
    assert_eq!(export(&env), first);
}

#[test]
fn a_document_without_bibtex_entry_is_indexed_with_guessed_metadata() {
    let env = Env::new(false);
    fs::write(
        env.corpus().join("Roe 2019 notes.md"),
        "# Attribution in Practice\n\nJane Roe\n\nStates rarely publish the evidence behind an attribution, and accused states deny involvement; joint attributions raise the political cost of an operation.\n",
    )
    .unwrap();
    let passages = export(&env);
    assert_eq!(passages.len(), 1);
    let p = &passages[0];
    assert_eq!(p["doc"], "roe-2019-notes");
    assert_eq!(p["title"], "Attribution in Practice");
    assert_eq!(p["authors"][0], "Roe, Jane");
    assert!(p["citation"]["text"].as_str().unwrap().contains("guessed"));
    assert!(p["topics"].as_array().unwrap().iter().any(|t| t == "attribution"), "{p}");
}

#[test]
fn a_document_with_no_title_in_text_or_bib_uses_its_file_name() {
    let env = Env::new(false);
    fs::write(env.corpus().join("untitled.txt"), "just one line of prose that says little.\n").unwrap();
    let p = &export(&env)[0];
    assert_eq!(p["title"], "untitled.txt");
}

#[test]
fn an_empty_corpus_indexes_nothing_and_search_says_so() {
    let env = Env::new(false);
    let out = env.folio(&["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("0 documents"), "{}", stderr(&out));
    let out = env.folio(&["search", "sovereignty"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("No passages match"), "{}", stdout(&out));
}

#[test]
fn a_missing_corpus_is_an_error_that_says_what_to_do() {
    let env = Env::new(false);
    fs::remove_dir_all(env.corpus()).unwrap();
    let out = env.folio(&["search", "norms"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--corpus"), "{}", stderr(&out));
}

#[test]
fn unknown_topic_names_the_valid_ones() {
    let env = Env::new(true);
    let out = env.folio(&["search", "norms", "--topic", "cyber-crime"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cybercrime") && stderr(&out).contains("folio topics"), "{}", stderr(&out));
}

#[test]
fn malformed_queries_get_results_and_notes_not_errors() {
    let env = Env::new(true);
    // Each query is searched (exit 0 with hits) and what was reinterpreted is noted.
    let cases = [
        ("\"unclosed phrase", Some("unclosed quote")),
        ("((norms", Some("unclosed `(`")),
        ("foo:bar sovereignty", Some("unknown field `foo:`")),
        ("*", Some("no searchable words")),
        ("the of and", None),
        ("AND OR NOT", Some("`AND` with nothing before it")),
    ];
    for (q, note) in cases {
        let out = env.folio(&["search", q]);
        assert_eq!(out.status.code(), Some(0), "{q}: {}", stderr(&out));
        assert!(stdout(&out).starts_with("1. "), "{q}: {}", stdout(&out));
        assert!(!stderr(&out).contains("panicked"), "{q}: {}", stderr(&out));
        if let Some(note) = note {
            assert!(stderr(&out).contains(note), "{q}: {}", stderr(&out));
        }
    }
    let out = env.folio(&["search", "foo:bar sovereignty"]);
    assert!(stderr(&out).contains("unknown field `foo:`"), "{}", stderr(&out));
}

#[test]
fn filters_narrow_the_hits() {
    let env = Env::new(true);
    let out = env.folio(&["search", "convention", "--doc", "mukerji-2020-convention", "--format", "json", "--limit", "50"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let hits = v["hits"].as_array().unwrap();
    assert!(hits.len() >= 3, "{v}");
    assert!(hits.iter().all(|h| h["passage"]["doc"] == "mukerji-2020-convention"));
    assert_eq!(v["facets"]["doc"].as_object().unwrap().len(), 1, "{}", v["facets"]);
    let unfiltered: serde_json::Value = serde_json::from_str(&stdout(&env.folio(&["search", "convention", "--format", "json"]))).unwrap();
    assert!(unfiltered["total"].as_u64().unwrap() > v["total"].as_u64().unwrap());
    let out = env.folio(&["search", "convention", "--year", "2015..2017", "--format", "json", "--limit", "50"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "{v}");
    assert!(hits.iter().all(|h| (2015..=2017).contains(&h["passage"]["year"].as_i64().unwrap())));
    let out = env.folio(&["search", "Wang Guiguo", "--kind", "reference", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["hits"][0]["passage"]["kind"], "reference");
}

#[test]
fn show_prints_the_passage_its_citation_and_references() {
    let env = Env::new(true);
    let out = env.folio(&["show", "guan-governance:2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("fifth space"), "{text}");
    assert!(text.contains("relies on:") && text.contains("Wang Guiguo"), "{text}");
    assert!(text.contains("cite: [§1.1, ¶2] Guan, Y. (n.d.). The Past, Conundrums") || text.contains("] Guan, Y. (n.d.). The Past, Conundrums"), "{text}");
    let out = env.folio(&["show", "nope:1"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn closed_pipe_exits_quietly() {
    let env = Env::new(true);
    env.folio(&["index"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["--corpus", env.corpus().to_str().unwrap(), "--index", env.dir.path().join("index").to_str().unwrap(), "export", "--format", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = [0u8; 64];
    std::io::Read::read(&mut stdout, &mut buf).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn topics_lists_the_taxonomy_with_counts() {
    let env = Env::new(true);
    let out = env.folio(&["topics", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["folio_json"], 1);
    let list = v["topics"].as_array().unwrap();
    assert_eq!(list.len(), 12);
    assert!(list.iter().any(|t| t["id"] == "cybercrime" && t["passages"].as_u64().unwrap() > 0));
}

#[test]
fn tag_reads_text_and_explains() {
    let env = Env::new(false);
    let out = env.folio(&["tag", "The Budapest Convention on Cybercrime governs electronic evidence.", "--explain"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("cybercrime"), "{text}");
    assert!(text.contains("convention on cybercrime") && text.contains("electronic evidence"), "{text}");
}

#[test]
fn cite_offers_every_form_and_any_csl_style() {
    let env = Env::new(true);
    let cite = |args: &[&str]| {
        let mut all = vec!["cite", "mukerji-2020-convention:14"];
        all.extend_from_slice(args);
        let out = env.folio(&all);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    assert_eq!(cite(&["--format", "pandoc"]).trim(), "[@mukerji-2020-convention, ¶14]");
    assert_eq!(cite(&["--format", "typst"]).trim(), "@mukerji-2020-convention[¶14]");
    assert_eq!(cite(&["--format", "latex"]).trim(), "\\autocite[¶14]{mukerji-2020-convention}");
    assert!(cite(&["--format", "bibtex"]).starts_with("@article{mukerji-2020-convention,"));
    let json: serde_json::Value = serde_json::from_str(&cite(&["--format", "csl-json"])).unwrap();
    assert_eq!(json[0]["issued"]["date-parts"][0][0], 2020);
    let apa = cite(&[]);
    assert!(apa.starts_with("(Mukerji, 2020, para. 14)"), "{apa}");
    let chicago = cite(&["--style", "chicago-author-date"]);
    assert!(chicago.contains("Mukerji, Asoke. 2020."), "{chicago}");
    let csl = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/note-style.csl");
    let custom = cite(&["--csl", csl.to_str().unwrap()]);
    assert!(custom.starts_with("Asoke Mukerji, The Need for an International Convention on Cyberspace, para 14."), "{custom}");
    let out = env.folio(&["cite", "mukerji-2020-convention:14", "--style", "no-such-style"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--csl"), "{}", stderr(&out));
}

#[test]
fn search_prints_citations_in_the_requested_form() {
    let env = Env::new(true);
    let out = env.folio(&["search", "Budapest Convention", "--format", "pandoc", "--limit", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out).lines().map(String::from).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l.starts_with("[@") && l.ends_with(']')), "{lines:?}");
}

#[test]
fn explain_shows_thesaurus_expansions() {
    let env = Env::new(true);
    let out = env.folio(&["search", "computer crime", "--explain", "--limit", "1"]);
    assert!(stdout(&out).contains("`computer crime` also searched as") && stdout(&out).contains("`cybercrime`"), "{}", stdout(&out));
    // (A typo that keeps the stem's start, "cybercrme", is found as a word
    // of the family of "cybercrime" and needs no near spellings.)
    let out = env.folio(&["search", "cybrecrime convenshun", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["fuzzy"], true);
    assert!(v["total"].as_u64().unwrap() > 0);
}

/// `eval --folds`: labels taken from the index's own tags, so the development
/// figure is 1 and so must be the cross-validation's in-sample figure with the
/// taxonomy's weights — which holds only if cross-validation re-tags passages
/// exactly as indexing did. The report is the same bytes on a second run.
#[test]
fn eval_cross_validates_and_retags_as_indexing_did() {
    let env = Env::new(true);
    let passages: Vec<serde_json::Value> = export(&env).into_iter().filter(|p| p["kind"] == "body").collect();
    assert!(passages.len() >= 20, "the seed corpus has body passages");
    let items: Vec<serde_json::Value> = passages
        .iter()
        .map(|p| {
            let anchor: String = p["text"].as_str().unwrap().split_whitespace().take(12).collect::<Vec<_>>().join(" ");
            serde_json::json!({ "anchor": anchor, "topics": p["topics"] })
        })
        .collect();
    let labels = env.dir.path().join("labels.json");
    fs::write(&labels, serde_json::json!({ "items": items }).to_string()).unwrap();
    let run = || env.folio(&["eval", "--labels", labels.to_str().unwrap(), "--folds", "4", "--fold-by", "passage", "--format", "json"]);
    let first = run();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let report: serde_json::Value = serde_json::from_str(&stdout(&first)).unwrap();
    assert_eq!(report["macro_f1"], 1.0, "{report}");
    let cv = &report["cv"];
    assert_eq!(cv["folds"], 4);
    assert_eq!(cv["by"], "passage");
    assert_eq!(cv["chosen"].as_array().unwrap().len(), 4);
    assert_eq!(cv["in_sample_macro_f1"], 1.0, "{cv}");
    let f = cv["macro_f1"].as_f64().unwrap();
    assert!((0.5..=1.0).contains(&f), "{cv}");
    assert_eq!(stdout(&run()), stdout(&first), "deterministic");
    let text = env.folio(&["eval", "--labels", labels.to_str().unwrap(), "--folds", "4"]);
    assert!(stdout(&text).contains("cross-validated (4 folds by document"), "{}", stdout(&text));
    let bad = env.folio(&["eval", "--labels", labels.to_str().unwrap(), "--folds", "1"]);
    assert_eq!(bad.status.code(), Some(2), "one fold is refused: {}", stderr(&bad));
}

/// `search --format json` with extra arguments: exit code and response.
fn search_json(env: &Env, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let mut all = vec!["search", "--format", "json"];
    all.extend_from_slice(args);
    let out = env.folio(&all);
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), v, stderr(&out))
}

fn hit_ids(v: &serde_json::Value) -> Vec<String> {
    v["hits"].as_array().unwrap().iter().map(|h| h["passage"]["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn passages_matching_every_word_rank_above_partial_matches() {
    let env = Env::new(false);
    // "call" alone is denser in the second paragraph; "Paris" is common.
    fs::write(
        env.corpus().join("notes.md"),
        "# Notes on the Paris Call\n\nThe Paris Call for Trust and Security in Cyberspace, launched by France at the Internet Governance Forum in November 2018, gathers states, companies and civil society organisations around nine principles, among them the protection of individuals and infrastructure, the integrity of the internet and of elections, and the fight against the proliferation of malicious tools.\n\nCall, call, call: the call of calls.\n\nParis hosted the climate conference in 2015.\n\nThe Paris Agreement shaped climate policy for a decade.\n\nParis is also where the OECD meets.\n\nParis, Paris, Paris: the city of conferences.\n",
    )
    .unwrap();
    let (code, v, err) = search_json(&env, &["Paris Call"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(v["hits"][0]["passage"]["text"].as_str().unwrap().starts_with("The Paris Call"), "{v}");
    assert!(v["hits"][1]["passage"]["text"].as_str().unwrap().starts_with("Call, call"), "the partial match is still found: {v}");
}

#[test]
fn exact_searches_the_words_as_typed() {
    let env = Env::new(true);
    let (_, v, _) = search_json(&env, &["GGE"]);
    assert!(!v["expansions"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(v["exact"], false);
    // Snippets mark the thesaurus's phrases whole, never their "of" alone.
    for h in v["hits"].as_array().unwrap() {
        let s = h["snippet"].as_str().unwrap().to_lowercase();
        assert!(!s.contains("<mark>of</mark>") && !s.contains("<mark>the</mark>"), "{s}");
    }
    let (code, v, _) = search_json(&env, &["GGE", "--exact"]);
    assert_eq!(code, Some(0));
    assert!(v["expansions"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(v["exact"], true);
    // No near spellings either.
    let (_, v, _) = search_json(&env, &["sovereingty"]);
    assert_eq!(v["fuzzy"], true, "{v}");
    let (code, v, _) = search_json(&env, &["sovereingty", "--exact"]);
    assert_eq!((code, v["fuzzy"].as_bool(), v["total"].as_u64()), (Some(1), Some(false), Some(0)), "{v}");
}

#[test]
fn offset_pages_and_year_sorts() {
    let env = Env::new(true);
    let (_, all, _) = search_json(&env, &["cyber", "-n", "6"]);
    let (_, page, _) = search_json(&env, &["cyber", "-n", "3", "--offset", "3"]);
    assert_eq!(hit_ids(&page), hit_ids(&all)[3..6].to_vec());
    assert_eq!(page["offset"], 3);
    let out = env.folio(&["search", "cyber", "-n", "2", "--offset", "3"]);
    assert!(stdout(&out).starts_with("4. "), "text ranks continue across pages: {}", stdout(&out));
    let (_, v, _) = search_json(&env, &["cyber", "--sort", "year", "-n", "50"]);
    assert_eq!(v["sort"], "year");
    let years: Vec<i64> = v["hits"].as_array().unwrap().iter().map(|h| h["passage"]["year"].as_i64().unwrap_or(i64::MIN)).collect();
    assert!(years.len() > 5 && years.windows(2).all(|w| w[0] >= w[1]), "{years:?}");
    assert!(years.first() > years.last(), "{years:?}");
}

#[test]
fn group_doc_gathers_hits_by_document() {
    let env = Env::new(true);
    let (code, v, _) = search_json(&env, &["cyberspace governance", "--group", "doc", "-n", "3"]);
    assert_eq!(code, Some(0));
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3, "{v}");
    let ids = hit_ids(&v);
    let mut from_groups = vec![];
    for g in groups {
        let doc = g["doc"].as_str().unwrap();
        assert!(g["total"].as_u64().unwrap() >= g["hits"].as_array().unwrap().len() as u64);
        assert_eq!(v["facets"]["doc"][doc], g["total"], "{g}");
        for id in g["hits"].as_array().unwrap() {
            let hit = v["hits"].as_array().unwrap().iter().find(|h| h["passage"]["id"] == *id).unwrap();
            assert_eq!(hit["passage"]["doc"], doc);
            from_groups.push(id.as_str().unwrap().to_string());
        }
    }
    assert_eq!(from_groups, ids, "hits follow their groups");
    let (_, next, _) = search_json(&env, &["cyberspace governance", "--group", "doc", "-n", "2", "--offset", "1"]);
    assert_eq!(next["groups"][0]["doc"], groups[1]["doc"]);
    let out = env.folio(&["search", "cyberspace governance", "--group", "doc", "-n", "2"]);
    assert!(stdout(&out).starts_with("── "), "{}", stdout(&out));
}

#[test]
fn title_abstract_and_prefix_clauses() {
    let env = Env::new(true);
    let (_, v, _) = search_json(&env, &["title:contest"]);
    assert!(v["total"].as_u64().unwrap() > 0);
    assert!(v["hits"].as_array().unwrap().iter().all(|h| h["passage"]["doc"] == "kulikova-2015-contest"), "{v}");
    let (_, v, _) = search_json(&env, &["abstract:governance"]);
    assert!(v["total"].as_u64().unwrap() > 0, "{v}");
    assert!(v["hits"].as_array().unwrap().iter().all(|h| h["passage"]["kind"] == "abstract"), "{v}");
    let (_, v, _) = search_json(&env, &["sovereign*"]);
    let snippets: Vec<&str> = v["hits"].as_array().unwrap().iter().map(|h| h["snippet"].as_str().unwrap()).collect();
    assert!(snippets.iter().any(|s| s.contains("<mark>sovereignty</mark>")), "{snippets:?}");
    assert!(snippets.iter().all(|s| s.to_lowercase().contains("<mark>sovereign")), "{snippets:?}");
}

#[test]
fn unknown_filter_values_are_errors_naming_the_nearest() {
    let env = Env::new(true);
    for (args, named) in [
        (vec!["norms", "--lang", "xx"], "`en`"),
        (vec!["norms lang:xx"], "`en`"),
        (vec!["norms", "--doc", "liu"], "`liu-2017-code`"),
        (vec!["norms", "--author", "Kulikovaa"], "kulikova"),
        (vec!["norms", "--topic", "normz"], "`norms`"),
    ] {
        let mut all = vec!["search"];
        all.extend(args.iter());
        let out = env.folio(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(named), "{args:?}: {}", stderr(&out));
    }
    let (code, v, err) = search_json(&env, &["norms", "--topic", "NORMS", "--author", "kulikova"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(v["hits"].as_array().unwrap().iter().all(|h| h["passage"]["topics"].as_array().unwrap().iter().any(|t| t == "norms")));
}

#[test]
fn no_match_in_body_says_what_other_kinds_hold() {
    let env = Env::new(false);
    fs::write(
        env.corpus().join("paper.md"),
        "# Norms in cyberspace\n\nStates agreed on norms of responsible behaviour in cyberspace.\n\n## References\n\nZyxwvut, A. (2019). A quixotic treatise on widgets. Journal of Things, 3(2), 1–10.\n\nBrown, B. (2020). Another study of norms. Journal of Norms, 1(1), 5–9.\n",
    )
    .unwrap();
    let (code, v, err) = search_json(&env, &["quixotic"]);
    assert_eq!((code, v["total"].as_u64()), (Some(1), Some(0)), "{err}");
    assert_eq!(v["other_kinds"]["reference"], 1, "{v}");
    assert!(err.contains("--kind reference"), "{err}");
    // By words, one reference holds it (hybrid ranking would add the nearest by meaning).
    let (_, v, _) = search_json(&env, &["quixotic", "--kind", "reference", "--mode", "lexical"]);
    assert_eq!(v["total"], 1);
}

/// Pages of a hybrid search agree with one long page: no hit twice, none lost,
/// even past the depth the fusion ranks.
#[test]
fn hybrid_pages_agree_with_one_long_page() {
    let env = Env::new(true);
    let (_, all, _) = search_json(&env, &["cyber norms", "-n", "60"]);
    assert_eq!(all["mode"], "hybrid", "{all}");
    let all_ids = hit_ids(&all);
    assert!(all_ids.len() > 40, "{}", all_ids.len());
    let mut paged = vec![];
    for offset in [0, 20, 40] {
        let (_, page, _) = search_json(&env, &["cyber norms", "-n", "20", "--offset", &offset.to_string()]);
        paged.extend(hit_ids(&page));
    }
    assert_eq!(paged, all_ids);
    let scores: Vec<f64> = all["hits"].as_array().unwrap().iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "scores fall: {scores:?}");
}
