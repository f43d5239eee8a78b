//! One document's way from decoded text to passages, in stage order:
//! `clean` (lines → units, junk verdicts) → `structure` (roles, front matter)
//! → `repair` (work across units) → `references` (entries and markers) →
//! `passages` (ids, language, tags, locators). Each stage's output is named for
//! what it is: [`clean::Cleaned`] → [`structure::Structured`] → [`passages::BuiltDoc`].

pub mod clean;
pub mod passages;
pub mod references;
pub mod repair;
pub mod structure;
