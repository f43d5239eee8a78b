//! Compound words (Dutch, German and the Nordic languages write
//! "Meinungsfreiheit", "meningsuiting" as one word): the long words of a
//! passage in such a language are also indexed as overlapping character
//! trigrams, so that a query word is found *inside* a compound by a phrase of
//! its trigrams (a substring match), and a compound typed in a query can be
//! split into parts the index holds (see `retrieve::compile`).
//!
//! Why trigrams and not a dictionary splitter: no word list to ship or keep,
//! the same behaviour in every compounding language, and a passage's grams
//! depend on its own text only, so an incremental build equals a scratch one.

use super::lang::is_cjk;
use super::tokenize::{split_words, Token};

/// Languages whose long words are also indexed as trigrams (ISO 639-1).
pub const COMPOUNDING_LANGUAGES: &[&str] = &["de", "nl", "sv", "da", "nb", "no"];

/// Words shorter than this (in characters) are not compounds worth splitting.
pub const MIN_COMPOUND_CHARS: usize = 8;

/// Shortest query word looked for inside compounds, in characters: shorter
/// ones ("recht", "rat") hide inside too many unrelated words.
pub const MIN_PART_CHARS: usize = 5;

/// Gram length.
pub const GRAM: usize = 3;

/// Positions left between the grams of two words, so that a phrase of grams
/// never spans a word boundary.
const WORD_GAP: usize = GRAM + 1;

/// True when passages in this language get a gram field.
pub fn is_compounding(lang: &str) -> bool {
    COMPOUNDING_LANGUAGES.contains(&lang)
}

/// The overlapping trigrams of one lower-cased word.
pub fn grams(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < GRAM {
        return vec![];
    }
    chars.windows(GRAM).map(|w| w.iter().collect()).collect()
}

/// The gram tokens of a text: the trigrams of each word of at least
/// [`MIN_COMPOUND_CHARS`] characters, at consecutive positions within a
/// word and with a gap between words; every gram carries its word's offsets.
pub fn gram_tokens(text: &str, out: &mut Vec<Token>) {
    let mut words = Vec::new();
    split_words(text, &mut words);
    out.clear();
    let mut position = 0usize;
    for word in words {
        if word.text.chars().count() < MIN_COMPOUND_CHARS || word.text.chars().any(is_cjk) {
            continue;
        }
        for g in grams(&word.text) {
            out.push(Token { offset_from: word.offset_from, offset_to: word.offset_to, position, text: g });
            position += 1;
        }
        position += WORD_GAP;
    }
}

/// The form of a query word looked for inside compounds: the shortest of the
/// word and its stems that is a prefix of the word (a stem that rewrites
/// letters, ß → ss, would not be found in the unstemmed grams), or `None`
/// when it is too short to look for.
pub fn part_form(word: &str, stems: &[String]) -> Option<String> {
    let mut best = word.to_string();
    for s in stems {
        if word.starts_with(s.as_str()) && s.chars().count() < best.chars().count() {
            best = s.clone();
        }
    }
    (best.chars().count() >= MIN_PART_CHARS && !best.chars().any(is_cjk)).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_become_grams_with_gaps() {
        let mut out = Vec::new();
        gram_tokens("Die Pressefreiheit gilt", &mut out);
        let texts: Vec<&str> = out.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["pre", "res", "ess", "sse", "sef", "efr", "fre", "rei", "eih", "ihe", "hei", "eit"]);
        assert_eq!(out[0].position, 0);
        assert_eq!(out[11].position, 11);
        gram_tokens("Meinungsfreiheit Pressefreiheit", &mut out);
        assert_eq!(out[14].position, 14 + WORD_GAP, "a gap between words");
        assert_eq!(part_form("freiheiten", &["freiheit".into()]).as_deref(), Some("freiheit"));
        assert_eq!(part_form("recht", &[]), Some("recht".into()));
        assert_eq!(part_form("rat", &[]), None);
        assert_eq!(part_form("äußerung", &["ausser".into()]).as_deref(), Some("äußerung"));
    }
}
