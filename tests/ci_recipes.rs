//! The CI recipes in `docs/ci/` work: their `folio` commands, run in order on
//! a scratch clone of a repository that keeps a corpus (and, for the first
//! recipe, its committed index), pass when they should and fail when the
//! corpus moved without a rebuild.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

/// The `folio …` commands of a recipe file, in order, for one job (the lines
/// between the job's name and the next job).
fn commands(file: &str, job: &str) -> Vec<String> {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci").join(file)).unwrap();
    let start = text.find(&format!("{job}:")).unwrap_or_else(|| panic!("{file} has no job {job}"));
    let rest = &text[start + job.len() + 1..];
    let end = rest.lines().position(|l| !l.starts_with(' ') && !l.trim().is_empty() && !l.starts_with('#')).map_or(rest.len(), |n| rest.lines().take(n).map(|l| l.len() + 1).sum());
    let cmds: Vec<String> = rest[..end]
        .lines()
        .map(|l| l.trim().trim_start_matches("- ").trim_start_matches("run: ").to_string())
        .filter(|l| l.starts_with("folio "))
        .collect();
    assert!(!cmds.is_empty(), "{file} {job}: no folio commands");
    cmds
}

/// A folder on PATH holding `folio` (this build).
fn bin_dir(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_folio"), bin.join("folio")).unwrap();
    bin
}

fn sh(dir: &Path, bin: &Path, cmd: &str) -> i32 {
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("sh").arg("-c").arg(cmd).current_dir(dir).env("PATH", path).env("XDG_CACHE_HOME", dir.join(".cache")).output().unwrap();
    out.status.code().unwrap_or(-1)
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git").args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]).args(args).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_committed_index_recipe_fails_a_corpus_that_moved_without_a_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = bin_dir(tmp.path());
    let repo = tmp.path().join("repo");
    common::copy_seed_corpus(&repo.join("corpus"));
    git(&repo, &["init", "-q"]);
    assert_eq!(sh(&repo, &bin, "folio index"), 0);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "corpus and index"]);
    for file in ["github-actions.yml", "gitlab-ci.yml"] {
        let job = if file.starts_with("github") { "index-is-committed" } else { "folio-index-is-committed" };
        let clone = tmp.path().join(format!("clone-{file}"));
        git(tmp.path(), &["clone", "-q", repo.to_str().unwrap(), clone.to_str().unwrap()]);
        for cmd in commands(file, job) {
            assert_eq!(sh(&clone, &bin, &cmd), 0, "{file}: `{cmd}` on a fresh clone");
        }
        // Rebuilding an unchanged corpus changes nothing that git tracks.
        assert_eq!(sh(&clone, &bin, "folio index --rebuild && test -z \"$(git status --porcelain -- index corpus)\""), 0, "{file}: the index churned");
        // The corpus moves, the index does not: the recipe fails.
        fs::write(clone.join("corpus/new.md"), "# A New Paper\n\nStates argue about norms in cyberspace and how to enforce them.\n").unwrap();
        let codes: Vec<i32> = commands(file, job).iter().map(|c| sh(&clone, &bin, c)).collect();
        assert!(codes.contains(&1), "{file}: {codes:?}");
    }
}

#[test]
fn the_rebuilt_index_recipe_builds_then_reuses_its_cache_and_fails_on_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = bin_dir(tmp.path());
    let repo = tmp.path().join("repo");
    common::copy_seed_corpus(&repo.join("corpus"));
    for (file, job) in [("github-actions.yml", "index-is-rebuilt"), ("gitlab-ci.yml", "folio-index-is-rebuilt")] {
        for cmd in commands(file, job) {
            assert_eq!(sh(&repo, &bin, &cmd), 0, "{file}: `{cmd}`");
            let report: serde_json::Value = serde_json::from_str(&fs::read_to_string(repo.join("folio-index.json")).unwrap()).unwrap();
            assert!(matches!(report["status"].as_str(), Some("built") | Some("up-to-date")), "{report}");
        }
    }
    // A broken BibTeX entry fails the job.
    fs::write(repo.join("corpus/references.bib"), fs::read_to_string(repo.join("corpus/references.bib")).unwrap() + "\n@article{broken,\n  title = {Unclosed\n").unwrap();
    let codes: Vec<i32> = commands("github-actions.yml", "index-is-rebuilt").iter().map(|c| sh(&repo, &bin, c)).collect();
    assert!(codes.contains(&2), "{codes:?}");
}
