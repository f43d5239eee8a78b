//! Highlighting: marks the words of a passage that the query matched,
//! stemmed forms and prefixes included, and picks the window of text with the
//! most of them. Phrases the thesaurus added are marked only where the whole
//! phrase stands, so that their "the" and "of" are never marked alone.

use std::collections::{BTreeMap, HashSet};

use super::query::{collect_words, Node, Occur, ParsedQuery};
use crate::text::{split_words, Analyzer};

/// Marks the words of a passage that the query matched, stemmed forms
/// included, and picks the window of text with the most of them.
pub struct Highlighter {
    exact: HashSet<String>,
    stems: BTreeMap<String, HashSet<String>>,
    /// Added phrases of several words: exact tokens, and stems per language.
    phrases: Vec<Vec<String>>,
    stem_phrases: BTreeMap<String, Vec<Vec<String>>>,
    prefixes: Vec<String>,
}

/// The prefixes (`sovereign*`) of the clauses that are not excluded.
fn collect_prefixes(clauses: &[(Occur, Node)], out: &mut Vec<String>) {
    for (occur, node) in clauses {
        match node {
            _ if *occur == Occur::MustNot => {}
            Node::Prefix(p) => out.push(p.clone()),
            Node::Scoped(_, inner) => collect_prefixes(&[(Occur::Should, (**inner).clone())], out),
            Node::Group(inner) => collect_prefixes(inner, out),
            Node::Word(_) | Node::Phrase(_) => {}
        }
    }
}

const SNIPPET_CHARS: usize = 240;

impl Highlighter {
    pub fn new(parsed: &ParsedQuery, langs: &[String]) -> Highlighter {
        let mut words = vec![];
        collect_words(&parsed.clauses, &mut words);
        let text = words.join(" ");
        let exact: HashSet<String> = Analyzer::exact().terms(&text).into_iter().collect();
        let mut stems = BTreeMap::new();
        for l in langs {
            stems.insert(l.clone(), Analyzer::for_lang(l).terms(&text).into_iter().collect());
        }
        let mut prefixes = vec![];
        collect_prefixes(&parsed.clauses, &mut prefixes);
        Highlighter { exact, stems, phrases: vec![], stem_phrases: BTreeMap::new(), prefixes }
    }

    /// Highlights these terms too (thesaurus expansions): a one-word term
    /// wherever it stands, a longer one only as a whole phrase.
    pub fn add_phrases(&mut self, terms: &[String], langs: &[String]) {
        for term in terms {
            let exact = Analyzer::exact().terms(term);
            if exact.len() == 1 {
                self.exact.extend(exact);
                for l in langs {
                    self.stems.entry(l.clone()).or_default().extend(Analyzer::for_lang(l).terms(term));
                }
            } else if exact.len() > 1 {
                self.phrases.push(exact);
                for l in langs {
                    self.stem_phrases.entry(l.clone()).or_default().push(Analyzer::for_lang(l).terms(term));
                }
            }
        }
    }

    /// Byte ranges of matched words in `text`.
    pub fn matches(&self, text: &str, lang: &str) -> Vec<(usize, usize)> {
        let mut exact_tokens = vec![];
        split_words(text, &mut exact_tokens);
        let stems: Vec<String> = Analyzer::for_lang(lang).terms(text);
        let stem_set = self.stems.get(lang);
        let mut ranges = vec![];
        for (i, tok) in exact_tokens.iter().enumerate() {
            let stem_hit = stem_set.is_some_and(|s| stems.get(i).is_some_and(|st| s.contains(st)));
            if self.exact.contains(&tok.text) || stem_hit || self.prefixes.iter().any(|p| tok.text.starts_with(p.as_str())) {
                ranges.push((tok.offset_from, tok.offset_to));
            }
        }
        let exact_texts: Vec<&str> = exact_tokens.iter().map(|t| t.text.as_str()).collect();
        let stem_texts: Vec<&str> = stems.iter().map(String::as_str).collect();
        let stem_phrases = self.stem_phrases.get(lang).map(Vec::as_slice).unwrap_or_default();
        for (texts, phrases) in [(&exact_texts, self.phrases.as_slice()), (&stem_texts, stem_phrases)] {
            for phrase in phrases.iter().filter(|p| !p.is_empty() && p.len() <= texts.len()) {
                for start in 0..=texts.len() - phrase.len() {
                    if texts[start..start + phrase.len()].iter().zip(phrase).all(|(a, b)| *a == b) {
                        ranges.push((exact_tokens[start].offset_from, exact_tokens[start + phrase.len() - 1].offset_to));
                    }
                }
            }
        }
        merge(ranges)
    }

    /// A window of about 240 characters around the densest matches, with
    /// matches wrapped in `<mark>…</mark>` and the text as it is (for
    /// terminals and plain-text clients).
    pub fn snippet(&self, text: &str, lang: &str) -> String {
        window(text, &self.matches(text, lang), |s, out| out.push_str(s))
    }

    /// The same window as HTML: every piece of the passage's text escaped,
    /// so that the `<mark>` elements are the only markup in it (a passage
    /// that contains `<script>` shows as text in a page).
    pub fn snippet_html(&self, text: &str, lang: &str) -> String {
        window(text, &self.matches(text, lang), escape_html)
    }

    /// Both forms, matching the text once.
    pub fn snippets(&self, text: &str, lang: &str) -> (String, String) {
        let matches = self.matches(text, lang);
        (window(text, &matches, |s, out| out.push_str(s)), window(text, &matches, escape_html))
    }
}

/// The window of `text` around the densest `matches`, each piece of text
/// written by `put` and the matches wrapped in `<mark>`.
fn window(text: &str, matches: &[(usize, usize)], put: impl Fn(&str, &mut String)) -> String {
    let (start, end) = best_window(text, matches, SNIPPET_CHARS);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut pos = start;
    for (a, b) in matches.iter().filter(|(a, b)| *a >= start && *b <= end) {
        put(&text[pos..*a], &mut out);
        out.push_str("<mark>");
        put(&text[*a..*b], &mut out);
        out.push_str("</mark>");
        pos = *b;
    }
    put(&text[pos..end], &mut out);
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Appends `s` with the five characters that HTML reads as markup escaped.
pub fn escape_html(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Sorted, overlapping or touching ranges merged (CJK bigrams overlap).
fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut out: Vec<(usize, usize)> = vec![];
    for (a, b) in ranges {
        match out.last_mut() {
            Some((_, end)) if a <= *end => *end = (*end).max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The window of `width` bytes (on word boundaries) holding the most matches.
fn best_window(text: &str, matches: &[(usize, usize)], width: usize) -> (usize, usize) {
    if text.len() <= width {
        return (0, text.len());
    }
    let mut best = (0usize, 0usize);
    for (i, (a, _)) in matches.iter().enumerate() {
        let n = matches[i..].iter().take_while(|(_, b)| *b <= a + width).count();
        if n > best.1 {
            best = (*a, n);
        }
    }
    // Start a little before the first match, at a word boundary.
    let mut start = floor_boundary(text, best.0.saturating_sub(40));
    if start > 0 {
        start = text[..start].rfind(' ').map_or(0, |i| i + 1);
    }
    let mut end = floor_boundary(text, start + width);
    if end < text.len() {
        end = text[..end].rfind(' ').filter(|e| *e > start).unwrap_or(end);
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retrieve::query;

    #[test]
    fn snippets_mark_stemmed_forms() {
        let h = Highlighter::new(&query::parse("governing norm"), &["en".to_string()]);
        let s = h.snippet("States govern by norms, and governments agree.", "en");
        assert_eq!(s, "States <mark>govern</mark> by <mark>norms</mark>, and <mark>governments</mark> agree.");
    }

    #[test]
    fn added_phrases_are_marked_whole_never_their_stop_words() {
        let langs = ["en".to_string()];
        let mut h = Highlighter::new(&query::parse("GGE"), &langs);
        h.add_phrases(&["Group of Governmental Experts".into(), "UNGGE".into()], &langs);
        let s = h.snippet("The head of the Group of Governmental Experts spoke of the group.", "en");
        assert_eq!(s, "The head of the <mark>Group of Governmental Experts</mark> spoke of the group.");
        let h = Highlighter::new(&query::parse("sovereign*"), &langs);
        assert_eq!(h.snippet("Sovereignty and the sovereign.", "en"), "<mark>Sovereignty</mark> and the <mark>sovereign</mark>.");
    }

    #[test]
    fn html_snippets_escape_the_text_and_keep_only_the_marks() {
        let h = Highlighter::new(&query::parse("norms"), &["en".to_string()]);
        let text = "<script>alert('x')</script> & <img src=x onerror=alert(1)> \"norms\" <mark>";
        let s = h.snippet_html(text, "en");
        assert_eq!(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; &quot;<mark>norms</mark>&quot; &lt;mark&gt;");
    }
}
