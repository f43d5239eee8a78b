//! Tidy: reads `src/` and fails when an ARCHITECTURE.md invariant breaks —
//! who may read input files, who may write the index, where tantivy may
//! appear, what the library may depend on, which way the document stages
//! import each other, how long pipeline functions may grow — and when the
//! code map no longer names the folders that exist.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `src/`, as (path relative to `src/`, contents).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, base, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let mut out = vec![];
    let src = root().join("src");
    walk(&src, &src, &mut out);
    assert!(out.len() > 20, "src/ not found");
    out
}

/// The code of a file without comments and string literals' contents are
/// kept: a simple line filter drops `//` comment lines and doc comments.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter(|(_, l)| !l.trim_start().starts_with("//")).map(|(i, l)| (i + 1, l))
}

fn in_library(path: &str) -> bool {
    !(path == "main.rs" || path.starts_with("cli/"))
}

/// Files (outside `allowed` prefixes, library only) whose code uses any of `needles`.
fn offenders(needles: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut out = vec![];
    for (path, text) in sources() {
        if !in_library(&path) || allowed.iter().any(|a| path.starts_with(a)) {
            continue;
        }
        for (no, line) in code_lines(&text) {
            if let Some(n) = needles.iter().find(|n| line.contains(**n)) {
                out.push(format!("src/{path}:{no}: `{n}`"));
            }
        }
    }
    out
}

fn architecture() -> String {
    fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap()
}

/// Each check is tied to the invariant it enforces: the sentence must stand
/// in ARCHITECTURE.md, so the document and the test change together.
fn assert_invariant_documented(sentence: &str) {
    let doc = architecture().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(doc.contains(&format!("**Invariant:** {sentence}")), "ARCHITECTURE.md lacks the invariant: {sentence}");
}

#[test]
fn only_source_reads_input_files() {
    assert_invariant_documented("only `source` reads input files");
    let reads = ["fs::read(", "fs::read_to_string(", "fs::read_dir(", "File::open(", "read_to_string(&"];
    // `store` reads its own index folder (text files and listings, never a
    // document's bytes), `embed` its model folder; nothing else reads files.
    let mut bad = offenders(&reads, &["source/", "store/", "embed/"]);
    bad.extend(offenders(&["fs::read(", ".file.path"], &["source/"]));
    assert!(bad.is_empty(), "files read outside `source` (and the index outside `store`):\n{}", bad.join("\n"));
}

#[test]
fn only_store_writes_the_index() {
    assert_invariant_documented("only `store` writes the index folder");
    let writes = ["fs::write(", "File::create(", "OpenOptions", "create_dir", "fs::rename(", "remove_dir", "remove_file(", "hard_link(", "set_permissions("];
    // `embed::install` writes the per-user model folder, never the index.
    let bad = offenders(&writes, &["store/", "embed/install.rs"]);
    assert!(bad.is_empty(), "file-system writes outside `store`:\n{}", bad.join("\n"));
}

#[test]
fn tantivy_only_in_store_and_retrieve() {
    assert_invariant_documented("tantivy appears only in `store` and `retrieve`");
    let bad = offenders(&["tantivy::", "use tantivy"], &["store/", "retrieve/", "error.rs"]);
    assert!(bad.is_empty(), "tantivy outside `store` and `retrieve`:\n{}", bad.join("\n"));
}

#[test]
fn the_library_has_no_command_line_dependencies() {
    assert_invariant_documented("the library never uses clap, anyhow or indicatif");
    let bad = offenders(&["clap::", "use clap", "anyhow", "indicatif"], &[]);
    assert!(bad.is_empty(), "command-line crates in the library:\n{}", bad.join("\n"));
    let lib = fs::read_to_string(root().join("src/lib.rs")).unwrap();
    assert!(!lib.contains("mod cli"), "lib.rs declares the CLI");
}

#[test]
fn the_embedder_never_reads_the_network() {
    assert_invariant_documented("the embedder never reads the network");
    // Only `install.rs` may start a process (pip, when `folio model install` asks).
    let net = ["std::net", "TcpStream", "UdpSocket", "reqwest", "ureq", "hf_hub", "Command::new"];
    let mut bad = vec![];
    for (path, text) in sources().into_iter().filter(|(p, _)| p.starts_with("embed/")) {
        for (no, line) in code_lines(&text) {
            let allowed = path == "embed/install.rs" && line.contains("Command::new");
            if let Some(n) = net.iter().find(|n| line.contains(**n)).filter(|_| !allowed) {
                bad.push(format!("src/{path}:{no}: `{n}`"));
            }
        }
    }
    assert!(bad.is_empty(), "network access in `embed`:\n{}", bad.join("\n"));
}

#[test]
fn document_stages_import_one_way() {
    assert_invariant_documented("data flows one way through the document stages");
    // A stage may use the stages before it, never one after it.
    let order = ["doc/clean", "doc/structure", "doc/repair", "doc/references", "doc/passages"];
    let mut bad = vec![];
    for (path, text) in sources() {
        let Some(stage) = order.iter().position(|s| path.starts_with(s)) else { continue };
        for (no, line) in code_lines(&text) {
            for later in &order[stage + 1..] {
                let module = later.trim_start_matches("doc/");
                if line.contains(&format!("doc::{module}")) || line.contains(&format!("super::{module}")) || line.contains(&format!("super::super::{module}")) {
                    bad.push(format!("src/{path}:{no}: uses `{module}`"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "a stage imports a later one:\n{}", bad.join("\n"));
}

/// Functions longer than `max` lines (signature to closing brace) in files
/// under `prefixes`: a function is a line starting with `fn`/`pub fn`
/// (after indentation) and ends at the first line with its indentation and `}`.
fn long_functions(prefixes: &[&str], max: usize) -> Vec<String> {
    let mut out = vec![];
    for (path, text) in sources() {
        if !prefixes.iter().any(|p| path.starts_with(p)) {
            continue;
        }
        let lines: Vec<&str> = text.lines().collect();
        let mut in_tests = false;
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with("#[cfg(test)]") {
                in_tests = true;
            }
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let is_fn = ["fn ", "pub fn ", "pub(crate) fn "].iter().any(|p| trimmed.starts_with(p));
            if in_tests || !is_fn || trimmed.ends_with(';') {
                continue;
            }
            let close = " ".repeat(indent) + "}";
            if let Some(len) = lines[i + 1..].iter().position(|l| *l == close) {
                if len + 2 > max {
                    let name = trimmed.split('(').next().unwrap_or(trimmed);
                    out.push(format!("src/{path}:{}: `{name}` has {} lines", i + 1, len + 2));
                }
            }
        }
    }
    out
}

#[test]
fn pipeline_store_and_retrieval_functions_fit_on_a_screen() {
    assert_invariant_documented("no function in the pipeline, store or retrieval is over 80 lines");
    let bad = long_functions(&["source/", "doc/", "text/", "vocab/", "store/", "retrieve/", "engine/", "embed/"], 80);
    assert!(bad.is_empty(), "functions over 80 lines:\n{}", bad.join("\n"));
}

#[test]
fn the_code_map_names_every_folder_and_file_it_lists_exists() {
    let doc = architecture();
    let src = root().join("src");
    let mut folders: Vec<String> = fs::read_dir(&src).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).map(|p| p.file_name().unwrap().to_string_lossy().to_string()).collect();
    folders.sort();
    for f in &folders {
        assert!(doc.contains(&format!("`src/{f}/`")), "ARCHITECTURE.md's code map does not name src/{f}/");
    }
    // Every `src/…` path the document names exists.
    for word in doc.split(['`', ' ', '(', ')', ',']) {
        if let Some(rel) = word.strip_prefix("src/") {
            let rel = rel.trim_end_matches(['.', ':', ';']);
            if rel.is_empty() || rel.contains('*') || rel.contains('{') {
                continue;
            }
            assert!(src.join(rel).exists(), "ARCHITECTURE.md names src/{rel}, which does not exist");
        }
    }
}
