//! The editable vocabularies and what uses them: the topic taxonomy and its
//! tagger, the search thesaurus, and the TOML reading they share.

pub mod config;
pub mod tagger;
pub mod taxonomy;
pub mod thesaurus;
