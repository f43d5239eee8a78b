//! A document's own vocabulary, used to repair words that typesetting broke
//! ("recommenda-" + "tions", "abili[EF12] ty", a drop capital "E merging").
//!
//! Why the document and not a dictionary: the seeds and most of the field's
//! literature use terms no general word list has ("multistakeholder", "UNGGE"),
//! and a word the author wrote whole elsewhere is the best evidence of how it is
//! spelled. A word seen nowhere falls back to a neutral default at each call site.

use rustc_hash::FxHashMap;

/// FxHash rather than SipHash: every word of every document is counted here,
/// the keys are the document's own words and the map is never iterated (no
/// order can reach the output).
#[derive(Debug, Default, Clone)]
pub struct Vocab {
    counts: FxHashMap<String, u32>,
}

/// Counts one more `word`; a string is made only for a word not seen before.
fn bump(counts: &mut FxHashMap<String, u32>, word: &str) {
    match counts.get_mut(word) {
        Some(n) => *n += 1,
        None => {
            counts.insert(word.to_string(), 1);
        }
    }
}

impl Vocab {
    /// Counts every word of `text`, lower-cased; hyphenated words count whole and
    /// by their parts.
    pub fn from_text(text: &str) -> Vocab {
        let mut counts = FxHashMap::default();
        let mut lower = String::new();
        for raw in text.split(|c: char| c.is_whitespace() || c == '/' || c == '<' || c == '>') {
            let word = raw.trim_matches(|c: char| !c.is_alphanumeric());
            if word.is_empty() || word.len() > 64 {
                continue;
            }
            lower.clear();
            crate::text::tokenize::push_lowercase(&mut lower, word);
            if lower.contains('-') {
                for part in lower.split('-').filter(|p| !p.is_empty()) {
                    bump(&mut counts, part);
                }
            }
            // A possessive or elision counts its word: "China's" → "china"
            // (not "s", which would make every lone "s" look like a word).
            if let Some(head) = lower.split(['\'', '’']).next().filter(|h| *h != lower && !h.is_empty()) {
                bump(&mut counts, head);
            }
            bump(&mut counts, &lower);
        }
        Vocab { counts }
    }

    /// How often the (case-insensitive) word occurs.
    pub fn count(&self, word: &str) -> u32 {
        self.counts.get(&word.to_lowercase()).copied().unwrap_or(0)
    }

    pub fn knows(&self, word: &str) -> bool {
        self.count(word) > 0
    }

    /// True when the word occurs more often than `occurrences` times: a
    /// fragment under repair occurs at least once itself, so it must be seen
    /// elsewhere to count as a word.
    pub fn knows_beyond(&self, word: &str, occurrences: u32) -> bool {
        self.count(word) > occurrences
    }

    /// Joins the halves of a word split at a line end with a hyphen: whole when
    /// the document knows the whole word or the halves are not words of their own,
    /// hyphenated when the document writes the compound with a hyphen.
    pub fn join_hyphenated(&self, head: &str, tail: &str) -> String {
        let whole = format!("{head}{tail}");
        let hyphenated = format!("{head}-{tail}");
        let tail_word: String = tail.chars().take_while(|c| c.is_alphanumeric()).collect();
        let whole_word = format!("{head}{tail_word}");
        let hyph_word = format!("{head}-{tail_word}");
        if self.count(&whole_word) > 0 && self.count(&whole_word) >= self.count(&hyph_word) {
            return whole;
        }
        if self.count(&hyph_word) > 0 {
            return hyphenated;
        }
        // Neither form seen: a capitalised tail ("non-" + "European") keeps its
        // hyphen; otherwise this is line-end hyphenation of one word.
        if tail.chars().next().is_some_and(char::is_uppercase) { hyphenated } else { whole }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphen_joins_follow_the_document() {
        let vocab = Vocab::from_text("the recommendations of non-member states; stakeholders");
        assert_eq!(vocab.join_hyphenated("recommenda", "tions"), "recommendations");
        assert_eq!(vocab.join_hyphenated("non", "member"), "non-member");
        assert_eq!(vocab.join_hyphenated("stake", "holders"), "stakeholders");
        assert_eq!(vocab.join_hyphenated("non", "European"), "non-European");
        assert_eq!(vocab.join_hyphenated("ac", "tivities"), "activities");
    }

    #[test]
    fn words_count_lower_cased_whole_and_by_their_parts() {
        let vocab = Vocab::from_text("China's CHINA china, non-State state; ΟΔΟΣ οδος");
        assert_eq!([vocab.count("china"), vocab.count("China's"), vocab.count("s"), vocab.count("STATE"), vocab.count("non-state")], [3, 1, 0, 2, 1]);
        // Lower case as str::to_lowercase has it (a word-final sigma).
        assert_eq!([vocab.count("ΟΔΟΣ"), vocab.count("οδοσ")], [2, 0]);
    }
}
