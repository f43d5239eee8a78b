//! The stretches of a passage that get a vector of their own besides the
//! whole passage: windows of consecutive sentences.
//!
//! Why: a reader half-remembers one claim, and a claim is a sentence or two.
//! A mean-pooled vector of a 150-word passage averages that sentence with
//! everything around it (and the encoder reads only its first 256 tokens), so
//! a paraphrase of the claim lands far from the passage. A passage is scored
//! by its best vector (`store::vectors`), so the claim's own window answers.
//!
//! A window gathers whole sentences until it holds [`TARGET_WORDS`] words
//! (never more than [`MAX_WORDS`] unless one sentence is longer, which is
//! then cut at word boundaries), and the next window starts with the last
//! sentence of the one before, so that a claim spanning a sentence boundary
//! is whole in one of them. A passage that fits in one window gets none.
//! Pure function of the text: the same passage gives the same windows.
//! Only models that ask for them get windows ([`super::Embedder::embeds_windows`]:
//! the encoder, not the static model).

// Changing how windows are cut changes the rows of every long passage: bump
// the vectors format (`store::vectors`), so that indexes rebuild rather than
// carry rows of the old cut into an update.

/// Words a window gathers before it closes.
pub const TARGET_WORDS: usize = 40;
/// Words a window may hold (a longer sentence is cut into pieces this long).
pub const MAX_WORDS: usize = 60;

/// A stretch of text as a byte range, with its word count.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    words: usize,
}

/// The windows of a passage's text (empty when it fits in one).
pub fn windows(text: &str) -> Vec<&str> {
    let pieces: Vec<Span> = sentences(text).into_iter().flat_map(|s| cut(text, s)).collect();
    if pieces.iter().map(|s| s.words).sum::<usize>() <= MAX_WORDS {
        return vec![];
    }
    let mut out = vec![];
    let mut i = 0;
    while i < pieces.len() {
        let (mut j, mut words) = (i, 0);
        while j < pieces.len() && (j == i || words + pieces[j].words <= MAX_WORDS) && words < TARGET_WORDS {
            words += pieces[j].words;
            j += 1;
        }
        out.push(text[pieces[i].start..pieces[j - 1].end].trim());
        if j >= pieces.len() {
            break;
        }
        // Overlap by one sentence, unless the window is that one sentence.
        i = if j - 1 > i { j - 1 } else { j };
    }
    out
}

/// Sentence spans: a sentence ends at `.`, `!`, `?` (or their CJK forms),
/// after any closing quotes and brackets, where whitespace follows. An
/// abbreviation may end a "sentence" early; windows gather whole sentences
/// up to a word count, so that only moves a window's edge.
fn sentences(text: &str) -> Vec<Span> {
    let mut spans = vec![];
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '。' | '！' | '？') {
            continue;
        }
        let mut end = at + c.len_utf8();
        while let Some(&(k, q)) = chars.peek() {
            if !matches!(q, '"' | '\'' | ')' | ']' | '”' | '’' | '»' | '.' | '!' | '?') {
                break;
            }
            end = k + q.len_utf8();
            chars.next();
        }
        let at_break = chars.peek().is_none_or(|(_, n)| n.is_whitespace()) || matches!(c, '。' | '！' | '？');
        if at_break {
            push_span(text, &mut spans, start, end);
            start = end;
        }
    }
    push_span(text, &mut spans, start, text.len());
    spans
}

fn push_span(text: &str, spans: &mut Vec<Span>, start: usize, end: usize) {
    let words = text[start..end].split_whitespace().count();
    if words > 0 {
        spans.push(Span { start, end, words });
    }
}

/// A sentence longer than [`MAX_WORDS`] as pieces of at most that many words.
fn cut(text: &str, s: Span) -> Vec<Span> {
    if s.words <= MAX_WORDS {
        return vec![s];
    }
    let mut pieces = vec![];
    let (mut start, mut words, mut in_word) = (s.start, 0, false);
    for (k, c) in text[s.start..s.end].char_indices() {
        let at = s.start + k;
        if c.is_whitespace() {
            if in_word && words == MAX_WORDS {
                pieces.push(Span { start, end: at, words });
                (start, words) = (at, 0);
            }
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
        }
    }
    if words > 0 {
        pieces.push(Span { start, end: s.end, words });
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(n: usize, tag: &str) -> String {
        let mut words: Vec<String> = (0..n - 1).map(|k| format!("{tag}{k}")).collect();
        words.push(format!("{tag}end."));
        words.join(" ")
    }

    #[test]
    fn a_short_passage_has_no_windows() {
        assert!(windows("One claim. Another one, short.").is_empty());
        assert!(windows("").is_empty());
        assert!(windows(&sentence(MAX_WORDS, "w")).is_empty());
    }

    #[test]
    fn windows_gather_whole_sentences_and_overlap_by_one() {
        let s: Vec<String> = ["a", "b", "c", "d", "e"].iter().map(|t| sentence(20, t)).collect();
        let text = s.join(" ");
        let got = windows(&text);
        assert_eq!(got, vec![format!("{} {}", s[0], s[1]), format!("{} {}", s[1], s[2]), format!("{} {}", s[2], s[3]), format!("{} {}", s[3], s[4])]);
    }

    #[test]
    fn a_sentence_longer_than_a_window_is_cut_at_words() {
        let text = format!("{} {}", sentence(150, "x"), sentence(10, "y"));
        let got = windows(&text);
        assert!(got.len() >= 3, "{got:?}");
        for w in &got {
            assert!(w.split_whitespace().count() <= MAX_WORDS, "{w}");
        }
        assert!(got[0].starts_with("x0 x1"));
        assert!(got.last().unwrap().ends_with("yend."));
        // Every word of the text is in some window.
        for word in text.split_whitespace() {
            assert!(got.iter().any(|w| w.split_whitespace().any(|x| x == word)), "{word}");
        }
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence_and_abbreviations_do_not_break_words() {
        let spans = sentences("He said \"no.\" Then U.S. law applied. End");
        let texts: Vec<&str> = spans.iter().map(|s| "He said \"no.\" Then U.S. law applied. End"[s.start..s.end].trim()).collect();
        assert_eq!(texts, vec!["He said \"no.\"", "Then U.S.", "law applied.", "End"]);
    }
}
