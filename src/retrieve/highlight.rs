//! Highlighting: marks the words of a passage that the query matched,
//! stemmed forms included, and picks the window of text with the most of them.

use std::collections::{BTreeMap, HashSet};

use super::query::{collect_words, ParsedQuery};
use crate::text::{split_words, Analyzer};

/// Marks the words of a passage that the query matched, stemmed forms
/// included, and picks the window of text with the most of them.
pub struct Highlighter {
    exact: HashSet<String>,
    stems: BTreeMap<String, HashSet<String>>,
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
        Highlighter { exact, stems }
    }

    /// Highlights these words too (thesaurus expansions).
    pub fn add_words(&mut self, words: &[String], langs: &[String]) {
        let text = words.join(" ");
        self.exact.extend(Analyzer::exact().terms(&text));
        for l in langs {
            self.stems.entry(l.clone()).or_default().extend(Analyzer::for_lang(l).terms(&text));
        }
    }

    /// Byte ranges of matched words in `text`.
    pub fn matches(&self, text: &str, lang: &str) -> Vec<(usize, usize)> {
        let mut exact_tokens = vec![];
        split_words(text, &mut exact_tokens);
        let stems: Vec<String> = Analyzer::for_lang(lang).terms(text);
        let stem_set = self.stems.get(lang);
        let mut out = vec![];
        for (i, tok) in exact_tokens.iter().enumerate() {
            let stem_hit = stem_set.is_some_and(|s| stems.get(i).is_some_and(|st| s.contains(st)));
            if self.exact.contains(&tok.text) || stem_hit {
                // CJK bigrams overlap: merge a match into the previous one it touches.
                match out.last_mut() {
                    Some((_, end)) if tok.offset_from <= *end => *end = (*end).max(tok.offset_to),
                    _ => out.push((tok.offset_from, tok.offset_to)),
                }
            }
        }
        out
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
    fn html_snippets_escape_the_text_and_keep_only_the_marks() {
        let h = Highlighter::new(&query::parse("norms"), &["en".to_string()]);
        let text = "<script>alert('x')</script> & <img src=x onerror=alert(1)> \"norms\" <mark>";
        let s = h.snippet_html(text, "en");
        assert_eq!(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; &quot;<mark>norms</mark>&quot; &lt;mark&gt;");
    }
}
