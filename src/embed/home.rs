//! Where installed models live: `$FOLIO_HOME`, else the platform's per-user
//! data folder (`$XDG_DATA_HOME/folio` or `~/.local/share/folio` on Linux and
//! other Unixes, `~/Library/Application Support/folio` on macOS,
//! `%LOCALAPPDATA%\folio` on Windows). Models go in `<home>/models/<name>/`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The per-user folio folder, or None when no environment variable names one.
pub fn model_home() -> Option<PathBuf> {
    home_from(&|k| std::env::var_os(k))
}

/// [`model_home`] with the environment passed in (so tests need not set variables).
pub fn home_from(env: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let var = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(home) = var("FOLIO_HOME") {
        return Some(home);
    }
    if cfg!(windows) {
        return var("LOCALAPPDATA").map(|d| d.join("folio"));
    }
    if cfg!(target_os = "macos") {
        return var("HOME").map(|h| h.join("Library/Application Support/folio"));
    }
    // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
    match var("XDG_DATA_HOME").filter(|d| d.is_absolute()) {
        Some(d) => Some(d.join("folio")),
        None => var("HOME").map(|h| h.join(".local/share/folio")),
    }
}

/// The folder of one installed model under a folio home.
pub fn model_dir(home: &Path, name: &str) -> PathBuf {
    home.join("models").join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn folio_home_wins_and_empty_values_are_ignored() {
        assert_eq!(home_from(&env(&[("FOLIO_HOME", "/f"), ("HOME", "/h")])), Some(PathBuf::from("/f")));
        assert_eq!(home_from(&env(&[])), None);
        assert_eq!(home_from(&env(&[("FOLIO_HOME", ""), ("HOME", "")])), None);
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn xdg_data_home_then_local_share() {
        assert_eq!(home_from(&env(&[("XDG_DATA_HOME", "/x"), ("HOME", "/h")])), Some(PathBuf::from("/x/folio")));
        assert_eq!(home_from(&env(&[("XDG_DATA_HOME", "rel"), ("HOME", "/h")])), Some(PathBuf::from("/h/.local/share/folio")));
        assert_eq!(model_dir(Path::new("/f"), "m"), PathBuf::from("/f/models/m"));
    }
}
