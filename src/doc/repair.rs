//! Repairs across units: drops text boxes and pull-quotes (text the layout
//! repeats from the body), cuts column bleed, and joins paragraphs that a page
//! break, a column break or an inset cut in two.

use rustc_hash::FxHashMap;

use super::clean::blocks::{ends_mid_word, join_text};
use super::clean::junk;
use super::clean::Vocab;
use super::structure::{Para, Role};

/// Words of a text as compared for duplication: lower-case letters and digits,
/// hyphens and punctuation ignored ("multi-stakeholder" = "multistakeholder"),
/// each given as a hash of its letters. Hashes, not strings: a document's
/// words are compared twice over (two indexes of every unit), and building a
/// string per word was most of that cost. One buffer is reused for the letters.
fn dup_words(text: &str) -> Vec<u64> {
    use std::hash::Hasher;
    let mut letters = String::new();
    let mut out = vec![];
    for w in text.split(|c: char| c.is_whitespace() || c == '/' || c == '—' || c == '–') {
        letters.clear();
        letters.extend(w.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase));
        if !letters.is_empty() {
            let mut h = rustc_hash::FxHasher::default();
            h.write(letters.as_bytes());
            out.push(h.finish());
        }
    }
    out
}

const SHINGLE: usize = 4;

/// The 4-grams of a text's word hashes, each as one hash. FxHash (rustc-hash)
/// rather than std's SipHash: these are a document's own words, not input an
/// attacker picks to collide, and SipHash was a visible share of indexing.
/// Only equality of the values matters (no iteration order reaches output).
fn shingles(words: &[u64]) -> Vec<u64> {
    use std::hash::Hasher;
    words
        .windows(SHINGLE)
        .map(|w| {
            let mut h = rustc_hash::FxHasher::default();
            for word in w {
                h.write_u64(*word);
            }
            h.finish()
        })
        .collect()
}

/// Which units each word 4-gram occurs in: its first two, which is all that
/// "found in a unit other than this one" needs. Two owners in place rather
/// than a list per 4-gram: a document has tens of thousands of 4-grams, and
/// a list each was an allocation each.
struct DupIndex {
    owners: FxHashMap<u64, Owners>,
}

/// The first unit a 4-gram occurs in, and the second if any (units in order,
/// each once).
#[derive(Clone, Copy)]
struct Owners {
    first: usize,
    second: Option<usize>,
}

impl DupIndex {
    fn new(paras: &[Para]) -> DupIndex {
        let mut owners: FxHashMap<u64, Owners> = FxHashMap::default();
        for (i, p) in paras.iter().enumerate() {
            if matches!(p.role, Role::Body | Role::Abstract | Role::Bio) {
                for s in shingles(&dup_words(&p.unit.text)) {
                    let o = owners.entry(s).or_insert(Owners { first: i, second: None });
                    if o.first != i && o.second.is_none() {
                        o.second = Some(i);
                    }
                }
            }
        }
        DupIndex { owners }
    }

    /// Share of the text's 4-grams found in units other than `skip`.
    fn covered(&self, text: &str, skip: usize) -> f32 {
        let sh = shingles(&dup_words(text));
        if sh.len() < 3 {
            return 0.0;
        }
        // The owners are distinct: when the first is `skip`, a second is another unit.
        let found = sh.iter().filter(|s| self.owners.get(s).is_some_and(|o| o.first != skip || o.second.is_some())).count();
        found as f32 / sh.len() as f32
    }
}

fn is_body(p: &Para) -> bool {
    p.role == Role::Body
}

/// Drops insets: runs of very short lines (a pull-quote set in a narrow box),
/// `<br>` text boxes, and short paragraphs that repeat body text word for word.
pub fn drop_insets(paras: &mut [Para]) {
    const SHORT: usize = 40;
    // Runs of short body units.
    let mut i = 0;
    while i < paras.len() {
        if !(is_body(&paras[i]) && paras[i].unit.n_chars() < SHORT) {
            i += 1;
            continue;
        }
        let start = i;
        let mut members = vec![];
        while i < paras.len() && (matches!(paras[i].role, Role::Drop(_)) || (is_body(&paras[i]) && paras[i].unit.n_chars() < SHORT)) {
            if is_body(&paras[i]) {
                members.push(i);
            }
            i += 1;
        }
        if members.len() >= 4 {
            for m in members {
                paras[m].role = Role::Drop("pull-quote box");
            }
        }
        i = i.max(start + 1);
    }
    // `<br>` text boxes, and a stray last line of one.
    for i in 0..paras.len() {
        let u = &paras[i].unit;
        if is_body(&paras[i]) && u.n_segments >= 3 && u.longest_segment < 45 {
            paras[i].role = Role::Drop("text box");
            if let Some(next) = paras.get_mut(i + 1)
                && is_body(next) && next.unit.n_chars() < 30 && next.unit.text.starts_with(char::is_lowercase) {
                    next.role = Role::Drop("text box");
                }
        }
    }
    // Short paragraphs repeated from the body.
    let index = DupIndex::new(paras);
    for i in 0..paras.len() {
        if matches!(paras[i].role, Role::Body | Role::Bio) && paras[i].unit.n_chars() < 400 && index.covered(&paras[i].unit.text, i) >= 0.9 {
            paras[i].role = Role::Drop("pull-quote");
        }
    }
}

/// Cuts trailing column bleed off body paragraphs.
pub fn cut_column_bleed(paras: &mut [Para]) {
    for p in paras.iter_mut().filter(|p| is_body(p)) {
        if let Some(cut) = junk::column_bleed_start(&p.unit.text) {
            p.unit.text.truncate(cut);
        }
    }
}

/// Word-start byte offsets of `text` where a capitalised word follows a word
/// that does not end a sentence ("are in The time has come").
fn mid_sentence_capitals(text: &str) -> Vec<usize> {
    let mut out = vec![];
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for w in bytes.windows(3) {
        let ((_, a), (_, b), (pos, c)) = (w[0], w[1], w[2]);
        if b == ' ' && a.is_alphabetic() && a.is_lowercase() && c.is_uppercase() {
            out.push(pos);
        }
    }
    out
}

/// Removes pull-quotes spliced into a paragraph at a page or column edge: a
/// repeated sentence at the end of a paragraph whose sentence goes on, lower
/// case, in the next one; or at the start of a paragraph that continues an
/// unfinished one and goes on, lower case, after the inset.
pub fn cut_spliced_insets(paras: &mut [Para]) {
    let index = DupIndex::new(paras);
    let body: Vec<usize> = (0..paras.len()).filter(|&i| is_body(&paras[i])).collect();
    for w in body.windows(2) {
        let (a, b) = (w[0], w[1]);
        if heading_between(paras, a, b) {
            continue;
        }
        let a_text = paras[a].unit.text.clone();
        let b_text = paras[b].unit.text.clone();
        if ends_sentence(&a_text) && b_text.starts_with(char::is_lowercase) {
            // Earliest cut whose tail repeats other text; an inset is short, so
            // only the paragraph's last stretch is searched (no quadratic cost
            // on huge paragraphs).
            let mut horizon = a_text.len().saturating_sub(MAX_INSET_BYTES);
            while !a_text.is_char_boundary(horizon) {
                horizon += 1;
            }
            if let Some(pos) = mid_sentence_capitals(&a_text[horizon..])
                .into_iter()
                .map(|p| p + horizon)
                .find(|&pos| a_text.len() - pos >= 40 && index.covered(&a_text[pos..], a) >= 0.8)
            {
                paras[a].unit.text = a_text[..pos].trim_end().to_string();
            }
        } else if is_unfinished(&a_text) && b_text.starts_with(char::is_uppercase) {
            // The inset ends where a "sentence" starts in lower case.
            let mut search = 0;
            while let Some(off) = b_text[search..].find(". ").filter(|o| search + o < MAX_INSET_BYTES) {
                let pos = search + off + 2;
                if b_text[pos..].starts_with(char::is_lowercase) {
                    if pos >= 40 && index.covered(&b_text[..pos], b) >= 0.8 {
                        paras[b].unit.text = b_text[pos..].to_string();
                    }
                    break;
                }
                search = pos;
            }
        }
    }
}

/// Longest pull-quote looked for at a paragraph's edge.
const MAX_INSET_BYTES: usize = 2000;

fn heading_between(paras: &[Para], a: usize, b: usize) -> bool {
    paras[a + 1..b].iter().any(|p| !matches!(p.role, Role::Drop(_) | Role::Bio | Role::Note | Role::Entry(crate::model::Kind::Note)))
}

fn ends_sentence(text: &str) -> bool {
    let t = text.trim_end().trim_end_matches(['"', '”', '’', '\'', ')']);
    t.ends_with(['.', '?', '!'])
}

/// A paragraph that stops mid-sentence.
fn is_unfinished(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with(|c: char| c.is_alphanumeric() || matches!(c, ',' | '(' | '–' | '—' | '-' | '/' | '&'))
}

fn is_list_marker_for_continuation(marker: Option<&str>) -> bool {
    marker.is_some_and(|m| m.starts_with('(') || m.ends_with(')'))
}

/// Joins body paragraphs that belong together: a paragraph cut by a page or
/// column break (it stops mid-sentence, or the next goes on in lower case), a
/// word hyphenated across the break, a drop capital set as its own line, and
/// the quotation or lettered list a colon introduces. Units between the two
/// halves that are not body text (dropped junk, a biography, a footnote) do not
/// stop the join.
pub fn join_continuations(paras: &mut Vec<Para>, vocab: &Vocab) {
    let mut open: Option<usize> = None;
    for i in 0..paras.len() {
        match &paras[i].role {
            Role::Body => {}
            Role::Drop(_) | Role::Bio | Role::Note | Role::Entry(crate::model::Kind::Note) => continue,
            _ => {
                open = None;
                continue;
            }
        }
        let Some(a) = open else {
            open = Some(i);
            continue;
        };
        let a_text = paras[a].unit.text.clone();
        let b = &paras[i].unit;
        let b_marker = b.list_marker.as_deref();
        let b_lower = b.text.starts_with(char::is_lowercase);
        let a_single_letter = a_text.chars().count() == 1 && a_text.chars().all(char::is_uppercase);
        let joined = if a_single_letter && b_lower {
            Some(format!("{a_text}{}", b.text))
        } else if ends_mid_word(&a_text) && b_lower {
            Some(join_text(&a_text, &b.text, vocab))
        } else if b_marker.is_none() && (is_unfinished(&a_text) || b_lower) {
            Some(format!("{} {}", a_text.trim_end(), b.text))
        } else if a_text.trim_end().ends_with(':') && (b.text.starts_with(['“', '"', '‘']) || is_list_marker_for_continuation(b_marker)) {
            Some(format!("{} {}{}", a_text.trim_end(), b_marker.map(|m| format!("{m} ")).unwrap_or_default(), b.text))
        } else if a_text.trim_end().ends_with(';') && is_list_marker_for_continuation(b_marker) {
            Some(format!("{} {} {}", a_text.trim_end(), b_marker.unwrap_or_default(), b.text))
        } else {
            None
        };
        match joined {
            Some(text) => {
                let (start, end) = (paras[a].unit.line_start.min(b.line_start), paras[a].unit.line_end.max(b.line_end));
                let raw = format!("{}\n{}", paras[a].unit.raw, b.raw);
                let pa = &mut paras[a].unit;
                pa.text = text;
                pa.raw = raw;
                pa.line_start = start;
                pa.line_end = end;
                paras[i].role = Role::Drop("joined to the paragraph it continues");
            }
            None => open = Some(i),
        }
    }
    paras.retain(|p| p.role != Role::Drop("joined to the paragraph it continues"));
}
