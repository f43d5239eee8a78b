//! Citations and the command line around them, through the real binary:
//! `folio styles`, every listed style rendering authors, title and locator,
//! unknown styles, OSCOLA offline, the `cite:` line, CSL-JSON; the shared
//! (read-only) index; CLI polish (help headings, short flags, plurals,
//! completions, man page, version).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Env {
    dir: tempfile::TempDir,
}

/// Documents with BibTeX entries of several kinds, including a UN document
/// and a title ending in a question mark.
const BIB: &str = r#"@article{finnemore-norm,
  author = {Finnemore, Martha and Hollis, Duncan B.},
  title = {Cybersecurity and the Concept of Norms: An Emerging Norm?},
  journaltitle = {American Journal of International Law},
  volume = {110},
  number = {3},
  pages = {425--479},
  date = {2016},
  doi = {10.1017/S0002930000016894},
  file = {finnemore.txt}
}

@misc{un-a-70-174,
  author = {{United Nations General Assembly}},
  title = {Report of the Group of Governmental Experts on Developments in the Field of Information and Telecommunications in the Context of International Security},
  number = {A/70/174},
  date = {2015-07-22},
  url = {https://undocs.org/A/70/174},
  file = {un.txt}
}

@book{schmitt-2017,
  editor = {Schmitt, Michael N.},
  title = {Tallinn Manual 2.0 on the International Law Applicable to Cyber Operations},
  publisher = {Cambridge University Press},
  location = {Cambridge},
  date = {2017},
  file = {tallinn.txt}
}
"#;

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        fs::create_dir_all(&corpus).unwrap();
        fs::write(corpus.join("references.bib"), BIB).unwrap();
        for (file, words) in [("finnemore.txt", "norms"), ("un.txt", "experts"), ("tallinn.txt", "sovereignty")] {
            fs::write(corpus.join(file), format!("States argue about {words} in cyberspace and about due diligence, attribution and the law of state responsibility.\n\nA second paragraph on {words} and countermeasures.\n")).unwrap();
        }
        Env { dir }
    }

    fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    fn folio(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["--corpus", self.dir.path().join("corpus").to_str().unwrap(), "--index", self.index().to_str().unwrap()])
            .args(args)
            .env_remove("FOLIO_CORPUS")
            .env_remove("FOLIO_INDEX")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.folio(args);
        assert_eq!(o.status.code(), Some(0), "folio {args:?}: {}", stderr(&o));
        stdout(&o)
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn styles(env: &Env) -> Vec<String> {
    env.ok(&["styles"]).lines().map(String::from).collect()
}

#[test]
fn styles_lists_short_names_one_per_line() {
    let env = Env::new();
    let names = styles(&env);
    for name in ["apa", "chicago-author-date", "vancouver", "oscola", "ieee", "mla", "harvard-cite-them-right"] {
        assert!(names.iter().any(|n| n == name), "{name} missing from {names:?}");
    }
    assert!(names.iter().all(|n| !n.is_empty() && !n.contains(' ')), "{names:?}");
}

#[test]
fn every_listed_style_renders_authors_title_and_locator() {
    let env = Env::new();
    env.ok(&["index"]);
    let mut failures = vec![];
    let names = styles(&env);
    // An article with a title ending in "?", a UN document (an organisation
    // as author), an edited book.
    let works = [("finnemore-norm:2", "finnemore", "an emerging norm"), ("un-a-70-174:2", "united nations general assembly", "group of governmental experts"), ("schmitt-2017:2", "schmitt", "tallinn manual")];
    for style in &names {
        for (id, author, title) in works {
            let out = env.folio(&["cite", id, "--style", style, "--format", "json"]);
            if out.status.code() != Some(0) {
                failures.push(format!("{style} {id}: {}", stderr(&out)));
                continue;
            }
            let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
            let citation = json["citation"].as_str().unwrap();
            let reference = json["reference"].as_str().unwrap();
            let both = format!("{citation} {reference}");
            let lower = both.to_lowercase();
            // The edited book has no authors: some styles name its editor, some do not.
            if !lower.contains(author) && !id.starts_with("schmitt") {
                failures.push(format!("{style} {id}: no author: {both}"));
            }
            if !lower.contains(title) {
                failures.push(format!("{style} {id}: no title: {both}"));
            }
            // The locator, whatever the style's label: paragraph 1 cites differently from paragraph 2.
            let first = env.ok(&["cite", &id.replace(":2", ":1"), "--style", style, "--format", "json"]);
            let first: serde_json::Value = serde_json::from_str(&first).unwrap();
            if first["citation"] == json["citation"] || !citation.contains('2') {
                failures.push(format!("{style} {id}: no locator: {citation}"));
            }
            if both.contains("?.") || both.contains("..") && !both.contains("...") || both.contains(" ;") || both.contains("  ") {
                failures.push(format!("{style} {id}: doubled punctuation: {both}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures over {} styles:\n{}", failures.len(), names.len(), failures.join("\n"));
}

#[test]
fn vancouver_keeps_authors_and_locator() {
    let env = Env::new();
    let out = env.ok(&["cite", "finnemore-norm:2", "--style", "vancouver", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(json["reference"].as_str().unwrap().starts_with("1. Finnemore M, Hollis DB. Cybersecurity and the Concept of Norms: An Emerging Norm? American Journal of International Law. 2016;110(3):425–79."), "{json}");
    assert_eq!(json["citation"], "(1, para. 2)", "{json}");
}

#[test]
fn unknown_style_and_unreadable_csl_name_the_nearest_styles() {
    let env = Env::new();
    let out = env.folio(&["cite", "finnemore-norm:1", "--style", "chicago"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown citation style `chicago`") && err.contains("chicago-author-date"), "{err}");
    let out = env.folio(&["cite", "finnemore-norm:1", "--csl", "/nonexistent/apa.csl"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("/nonexistent/apa.csl") && err.contains("`apa`"), "{err}");
    assert_eq!(err.matches("No such file").count(), 1, "the cause once: {err}");
}

#[test]
fn oscola_renders_offline_and_un_documents_sensibly() {
    let env = Env::new();
    let out = env.ok(&["cite", "un-a-70-174:1", "--style", "oscola"]);
    assert!(out.contains("United Nations General Assembly"), "{out}");
    assert!(out.contains("Report of the Group of Governmental Experts"), "{out}");
    assert!(out.contains("2015"), "{out}");
    let out = env.ok(&["cite", "finnemore-norm:1", "--style", "oscola"]);
    assert!(out.contains("Martha Finnemore and Duncan B Hollis") || out.contains("Finnemore"), "{out}");
    assert!(!out.contains("?."), "{out}");
}

#[test]
fn search_cite_line_follows_the_style_and_keeps_the_locator_off_the_doi() {
    let env = Env::new();
    let apa = env.ok(&["search", "norms", "--doc", "finnemore-norm", "-n", "1"]);
    let line = apa.lines().find(|l| l.trim_start().starts_with("cite:")).unwrap();
    assert!(line.contains("Finnemore, M., & Hollis, D. B. (2016)"), "{line}");
    assert!(line.trim_end().ends_with("https://doi.org/10.1017/S0002930000016894"), "{line}");
    assert!(!line.contains("?."), "{line}");
    let chicago = env.ok(&["search", "norms", "--doc", "finnemore-norm", "-n", "1", "--style", "chicago-author-date"]);
    let line = chicago.lines().find(|l| l.trim_start().starts_with("cite:")).unwrap();
    assert!(line.contains("Finnemore, Martha, and Duncan B. Hollis. 2016."), "{line}");
}

#[test]
fn csl_json_carries_every_field() {
    let env = Env::new();
    let out = env.ok(&["cite", "finnemore-norm:1", "-f", "csl-json"]);
    let items: serde_json::Value = serde_json::from_str(&out).unwrap();
    let item = &items[0];
    assert_eq!(item["type"], "article-journal");
    assert_eq!(item["volume"], "110");
    assert_eq!(item["issue"], "3");
    assert_eq!(item["page"], "425-479");
    assert_eq!(item["DOI"], "10.1017/S0002930000016894");
    assert_eq!(item["container-title"], "American journal of international law");
    let out = env.ok(&["cite", "schmitt-2017:1", "-f", "csl-json"]);
    let item = &serde_json::from_str::<serde_json::Value>(&out).unwrap()[0];
    assert_eq!((item["type"].as_str(), item["publisher"].as_str(), item["publisher-place"].as_str()), (Some("book"), Some("Cambridge University Press"), Some("Cambridge")));
    assert_eq!(item["editor"][0]["family"], "Schmitt");
    // `cite --format json` keeps working.
    let json: serde_json::Value = serde_json::from_str(&env.ok(&["cite", "finnemore-norm:1", "--format", "json"])).unwrap();
    assert_eq!(json["key"], "finnemore-norm");
    assert!(json["pandoc"].as_str().unwrap().starts_with("[@finnemore-norm"), "{json}");
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Every file of the index 0644 and folder 0755, whatever the umask.
#[cfg(unix)]
#[test]
fn index_files_are_readable_by_everyone() {
    let env = Env::new();
    env.ok(&["index"]);
    let mut seen = 0;
    let mut stack = vec![env.index()];
    while let Some(dir) = stack.pop() {
        assert_eq!(mode(&dir), 0o755, "{}", dir.display());
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.ends_with(".lock") {
                assert_eq!(mode(&p), 0o644, "{}", p.display());
                seen += 1;
            }
        }
    }
    assert!(seen > 5, "{seen} files");
}

/// Built as root, searched as `nobody` (fresh, then stale: searched as it is,
/// saying so). Needs root and `setpriv`; elsewhere says what it skipped.
#[cfg(unix)]
#[test]
fn another_user_searches_a_shared_index_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let is_root = Command::new("id").arg("-u").output().map(|o| stdout(&o).trim() == "0").unwrap_or(false);
    let setpriv = Command::new("setpriv").arg("--version").output().is_ok();
    if !is_root || !setpriv {
        eprintln!("SKIPPED: needs root and setpriv to run folio as another user (the mode bits are tested by index_files_are_readable_by_everyone)");
        return;
    }
    let env = Env::new();
    env.ok(&["index"]);
    fs::set_permissions(env.dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let as_nobody = |args: &[&str]| {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_folio")])
            .args(["--corpus", env.dir.path().join("corpus").to_str().unwrap(), "--index", env.index().to_str().unwrap()])
            .args(args)
            .env_remove("FOLIO_CORPUS")
            .env_remove("FOLIO_INDEX")
            .output()
            .unwrap()
    };
    let out = as_nobody(&["search", "sovereignty", "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("schmitt-2017"), "{}", stdout(&out));
    // The corpus changes; nobody cannot update the index and searches it as it is.
    fs::write(env.dir.path().join("corpus/tallinn.txt"), "Sovereignty is a rule, not a principle, say some states.\n").unwrap();
    let out = as_nobody(&["search", "sovereignty"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("out of date") && err.contains("cannot write") && err.contains(env.index().to_str().unwrap()), "{err}");
    assert!(!err.contains("Os {") && !err.contains("error:"), "{err}");
}

#[test]
fn help_keeps_global_options_apart_and_describes_every_argument() {
    let env = Env::new();
    let help = env.ok(&["search", "--help"]);
    assert!(help.contains("Global options:"), "{help}");
    let global = help.split("Global options:").nth(1).unwrap();
    assert!(global.contains("--corpus") && global.contains("--index"), "{help}");
    assert!(help.contains("-n, --limit") && help.contains("-f, --format") && help.contains("-t, --topic"), "{help}");
}

#[test]
fn errors_and_counts_read_well() {
    let env = Env::new();
    let out = env.folio(&["search", "norms", "--year", "2030..2010"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("FROM (2030) is after TO (2010)"), "{}", stderr(&out));
    let out = env.folio(&["search", "  "]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("the query is empty"), "{}", stderr(&out));
    let out = env.folio(&["index"]);
    assert!(stderr(&out).contains("3 documents"), "{}", stderr(&out));
    fs::remove_file(env.dir.path().join("corpus/un.txt")).unwrap();
    fs::remove_file(env.dir.path().join("corpus/tallinn.txt")).unwrap();
    let out = env.folio(&["index", "--rebuild"]);
    assert!(stderr(&out).contains("1 document,"), "{}", stderr(&out));
}

#[test]
fn completions_man_page_and_version() {
    let env = Env::new();
    let bash = env.ok(&["completions", "bash"]);
    assert!(bash.contains("_folio") && bash.contains("--style"), "{bash}");
    assert!(env.ok(&["completions", "zsh"]).contains("#compdef folio"));
    let man = env.ok(&["man"]);
    assert!(man.contains(".TH folio") && man.contains("search"), "{man}");
    let version = env.ok(&["--version"]);
    assert!(version.starts_with(&format!("folio {}", env!("CARGO_PKG_VERSION"))) && version.contains("index schema") && version.contains("JSON format"), "{version}");
}
