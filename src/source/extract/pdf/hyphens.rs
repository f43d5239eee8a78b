//! Joining words hyphenated at line, column and page ends.
//!
//! Note: plain `pdftotext` (no -bbox-layout) already removes *every*
//! line-end hyphen, turning "self-|defence" into "selfdefence"; with
//! -bbox-layout the hyphen is kept in the word and the decision is ours.
//!
//! For "left-" at a line end followed by "right" (lower-case) on the next
//! line in reading order, with the document's vocabulary V (words seen
//! *inside* lines, hyphenated compounds kept whole):
//! 1. "leftright" ∈ V                      → join            (organisa-|tions)
//! 2. "left-right" ∈ V                     → keep the hyphen (multi-|stakeholder)
//! 3. left is a common compound prefix     → keep            (non-|state, self-|defence)
//! 4. left ∈ V and right ∈ V (both ≥ 2 letters) → keep       (confidence-|building)
//! 5. otherwise                            → join            (halves aren't words)
//!
//! A right part starting upper-case or with a digit keeps the hyphen
//! (Anglo-|Saxon, COVID-|19). A soft hyphen (U+00AD) always joins.

use std::collections::HashMap;

/// Word counts of the document, lower-cased, punctuation trimmed.
#[derive(Default)]
pub struct Vocab {
    counts: HashMap<String, u32>,
}

pub fn core(w: &str) -> String {
    w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').trim_end_matches('-').to_lowercase()
}

impl Vocab {
    /// Add the words of a line. The caller passes `skip_first` when the
    /// previous line ended in a hyphen (that first word is a fragment) and
    /// the line's own last word is skipped when it ends in a hyphen.
    pub fn add_line(&mut self, words: &[&str], skip_first: bool) {
        let n = words.len();
        for (i, w) in words.iter().enumerate() {
            if (i == 0 && skip_first) || (i + 1 == n && w.ends_with('-')) {
                continue;
            }
            let c = core(w);
            if !c.is_empty() {
                *self.counts.entry(c).or_default() += 1;
            }
        }
    }
    pub fn has(&self, w: &str) -> bool {
        self.counts.contains_key(w)
    }
}

const PREFIXES: &[&str] = &[
    "non", "self", "multi", "cross", "well", "ex", "co", "anti", "pro", "post", "pre", "semi", "quasi", "sub", "inter", "intra", "cyber", "so", "long", "short", "high", "low", "state", "all",
];

/// Decide how "left-" + "right" are written. `left` includes the hyphen.
pub fn join(left: &str, right: &str, v: Option<&Vocab>) -> String {
    if let Some(stem) = left.strip_suffix('\u{00AD}') {
        return format!("{stem}{right}");
    }
    let Some(stem) = left.strip_suffix('-') else { return format!("{left} {right}") };
    let starts_lower = right.chars().next().is_some_and(|c| c.is_lowercase());
    // "--" (dash) or a lone "-" is not a hyphenation.
    if stem.is_empty() || stem.ends_with('-') || !stem.chars().last().is_some_and(|c| c.is_alphabetic()) || !starts_lower {
        return format!("{left}{right}");
    }
    let (l, r) = (core(stem), core(right));
    let joined = format!("{l}{r}");
    let hyph = format!("{l}-{r}");
    let keep = match v {
        Some(v) if v.has(&joined) => false,
        Some(v) if v.has(&hyph) => true,
        _ if PREFIXES.contains(&l.as_str()) => true,
        Some(v) => l.len() >= 2 && r.len() >= 2 && v.has(&l) && v.has(&r),
        None => false,
    };
    if keep { format!("{left}{right}") } else { format!("{stem}{right}") }
}

/// Append a line's text to a paragraph, joining a hyphenated word across
/// the break (this is the one place line breaks are resolved).
pub fn append_line(text: &mut String, line: &str, v: Option<&Vocab>) {
    if text.is_empty() {
        text.push_str(line);
        return;
    }
    let ends_hyphen = text.ends_with('-') || text.ends_with('\u{00AD}');
    if !ends_hyphen {
        text.push(' ');
        text.push_str(line);
        return;
    }
    let cut = text.rfind(' ').map(|i| i + 1).unwrap_or(0);
    let left = text[cut..].to_string();
    let (right, rest) = match line.find(' ') {
        Some(i) => (&line[..i], &line[i..]),
        None => (line, ""),
    };
    text.truncate(cut);
    text.push_str(&join(&left, right, v));
    text.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        let mut v = Vocab::default();
        v.add_line(&["organisations", "multi-stakeholder", "confidence", "building", "the"], false);
        v
    }

    #[test]
    fn rules() {
        let v = vocab();
        assert_eq!(join("organisa-", "tions.", Some(&v)), "organisations.");
        assert_eq!(join("multi-", "stakeholder", Some(&v)), "multi-stakeholder");
        assert_eq!(join("non-", "state", Some(&v)), "non-state");
        assert_eq!(join("confidence-", "building", Some(&v)), "confidence-building");
        assert_eq!(join("interop-", "erability", Some(&v)), "interoperability");
        assert_eq!(join("Anglo-", "Saxon", Some(&v)), "Anglo-Saxon");
        assert_eq!(join("gover\u{AD}", "nance", Some(&v)), "governance");
        let mut t = String::from("the organisa-");
        append_line(&mut t, "tions of states", Some(&v));
        assert_eq!(t, "the organisations of states");
    }
}
