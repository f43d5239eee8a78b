//! Character- and span-level cleaning of one line or paragraph: invisible and
//! control characters, HTML tags and entities, Markdown emphasis and escapes,
//! editor comment marks ("[EF4]"), stray layout symbols, and words broken by a
//! drop capital or a lost first letter.
//!
//! Everything here keeps the text's meaning; nothing here decides whether a
//! block is junk (that is `junk`) or joins blocks (that is `repair`).

use super::vocab::Vocab;

re!(HTML_TAG, r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>");
re!(HTML_ENTITY, r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});");
re!(MD_LINK, r"!?\[([^\]\n]{0,300})\]\((?:https?://|/|#)[^)\s]{0,500}\)");
// Editor comment marks: one to three capitals and a number in brackets.
re!(EDITOR_MARK, r"\s*\[[A-Z]{1,3}[0-9]{1,3}\]\s*");
re!(MULTI_SPACE, r"[ \t]{2,}");
re!(SPACE_BEFORE_PUNCT, r" +([.,;:!?])(\s|$)");

/// Removes characters that carry no text: zero-width and bidi controls, soft
/// hyphens, C0/C1 controls; turns exotic spaces into plain ones.
pub fn normalize_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}' => {}
            '\t' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => out.push(' '),
            c if c.is_control() => {}
            // Geometric shapes and dingbats are layout marks (▲ ■ ❖), never words.
            '\u{25A0}'..='\u{25FF}' | '\u{2700}'..='\u{27BF}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn decode_entity(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return char::from_u32(code).filter(|c| !c.is_control()).map(String::from);
    }
    let s = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => " ",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "rsquo" => "’",
        "lsquo" => "‘",
        "rdquo" => "”",
        "ldquo" => "“",
        _ => return None,
    };
    Some(s.to_string())
}

/// Strips HTML tags and decodes entities.
pub fn strip_html(s: &str) -> String {
    if !s.contains('<') && !s.contains('&') {
        return s.to_string();
    }
    let no_tags = HTML_TAG.replace_all(s, " ");
    HTML_ENTITY
        .replace_all(&no_tags, |caps: &regex::Captures| {
            decode_entity(&caps[1]).unwrap_or_else(|| caps[0].to_string())
        })
        .into_owned()
}

/// Removes Markdown markup that is not text: emphasis markers, backslash escapes,
/// link targets. Heading and list markers are read by the block stage first.
pub fn strip_markdown(s: &str) -> String {
    let s = MD_LINK.replace_all(s, "$1");
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() && "\\`*_{}[]()#+-.!$|>~".contains(chars[i + 1]) => {
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '*' => {
                // A lone asterisk between spaces is text (a bullet or a footnote
                // sign); one touching a word is emphasis.
                let prev_space = i == 0 || chars[i - 1].is_whitespace();
                let next_space = i + 1 >= chars.len() || chars[i + 1].is_whitespace();
                if prev_space && next_space {
                    out.push('*');
                }
            }
            '_' if i + 1 < chars.len() && chars[i + 1] == '_' => {
                i += 2;
                continue;
            }
            '_' => {
                let prev_word = i > 0 && chars[i - 1].is_alphanumeric();
                let next_word = i + 1 < chars.len() && chars[i + 1].is_alphanumeric();
                // snake_case and URLs keep their underscores; _emphasis_ loses them.
                if prev_word && next_word {
                    out.push('_');
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Removes editor comment marks like "[EF4]" or "[JS3]". A mark glued inside a
/// word ("abili[EF12] ty") joins the word back when the document knows the
/// whole word; elsewhere the surrounding spacing is restored.
pub fn strip_editor_marks(s: &str, vocab: &Vocab) -> String {
    if !s.contains('[') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for m in EDITOR_MARK.find_iter(s) {
        let before = &s[last..m.start()];
        out.push_str(before);
        let after = &s[m.end()..];
        let head: String = out.chars().rev().take_while(|c| c.is_alphabetic()).collect::<Vec<_>>().into_iter().rev().collect();
        let tail: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
        let glued_left = !m.as_str().starts_with(char::is_whitespace);
        let joined = format!("{head}{tail}");
        // No space where the mark split a word the document knows whole, at
        // either end of the text, or before punctuation.
        let rejoins_word = glued_left && !head.is_empty() && !tail.is_empty() && vocab.knows(&joined) && !(vocab.knows(&head) && vocab.knows(&tail));
        let at_edge = after.is_empty() || out.is_empty() || after.starts_with(|c: char| ".,;:!?)”’\"".contains(c));
        let sep = if rejoins_word || at_edge { "" } else { " " };
        out.push_str(sep);
        last = m.end();
    }
    out.push_str(&s[last..]);
    out
}

/// Collapses runs of spaces, trims, and closes a space left before punctuation.
pub fn tidy_spaces(s: &str) -> String {
    let s = MULTI_SPACE.replace_all(s.trim(), " ");
    SPACE_BEFORE_PUNCT.replace_all(&s, "$1$2").into_owned()
}

re!(BOLD_LEAD_LETTER, r"^\*\*([A-Z])\*\*\s*([A-Za-z]+)");
re!(SPLIT_LEAD_LETTER, r"^([A-Z])\s([a-z]+)\b");
re!(GLUED_BOLD_LETTER, r"\*\*([A-Z])\*\*([a-z]+)");
re!(LEAD_CAPS_FRAGMENT, r"^([A-Z]{2,})(\s+[a-z])");

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect(),
        None => String::new(),
    }
}

/// The vocabulary word made of `letter` + `fragment`, or failing that of another
/// capital + `fragment` (decorative capitals are misread: "T n" for "In").
fn drop_cap_word(letter: &str, fragment: &str, vocab: &Vocab, allow_substitute: bool) -> Option<String> {
    let joined = format!("{letter}{fragment}");
    if vocab.knows(&joined) {
        return Some(joined);
    }
    if !allow_substitute {
        return None;
    }
    ('A'..='Z')
        .map(|c| format!("{c}{fragment}"))
        .filter(|w| vocab.knows(w))
        .max_by_key(|w| (vocab.count(w), std::cmp::Reverse(w.clone())))
}

/// Repairs the first word of a paragraph broken by a drop capital or a lost
/// first letter, and removes bold single letters glued to words mid-text.
/// Returns the text unchanged when the vocabulary gives no clear answer.
pub fn repair_initials(s: &str, vocab: &Vocab) -> String {
    let mut text = s.to_string();
    if let Some(caps) = BOLD_LEAD_LETTER.captures(&text) {
        let (letter, fragment) = (caps[1].to_string(), caps[2].to_string());
        let whole_len = caps[0].len();
        if let Some(word) = drop_cap_word(&letter, &fragment.to_lowercase(), vocab, true) {
            text = format!("{}{}", title_case(&word), &text[whole_len..]);
        } else {
            text = format!("{letter}{fragment}{}", &text[whole_len..]);
        }
    } else if let Some(caps) = SPLIT_LEAD_LETTER.captures(&text) {
        let (letter, fragment) = (caps[1].to_string(), caps[2].to_string());
        // "A study" stays; "A s cyber" and "E merging" join: the fragment is no
        // word of the document, the joined word is.
        let lone_letter = fragment.chars().count() == 1 && !matches!(fragment.as_str(), "a" | "i");
        if (lone_letter || !vocab.knows_beyond(&fragment, 1)) && fragment.len() < 12
            && let Some(word) = drop_cap_word(&letter, &fragment, vocab, false) {
                let whole_len = caps[0].len();
                text = format!("{}{}", title_case(&word), &text[whole_len..]);
            }
    } else if let Some(caps) = LEAD_CAPS_FRAGMENT.captures(&text) {
        // "VER the past": a small-caps lead-in that lost its initial.
        let fragment = caps[1].to_string();
        if !vocab.knows_beyond(&fragment, 1) && fragment.len() <= 6 {
            let lower = fragment.to_lowercase();
            let restored = ('a'..='z')
                .map(|c| format!("{c}{lower}"))
                .filter(|w| vocab.knows(w))
                .max_by_key(|w| (vocab.count(w), std::cmp::Reverse(w.clone())));
            if let Some(word) = restored {
                text = format!("{}{}", title_case(&word), &text[fragment.len()..]);
            }
        }
    }
    if text.contains("**") {
        text = GLUED_BOLD_LETTER
            .replace_all(&text, |caps: &regex::Captures| {
                let (letter, word) = (&caps[1], &caps[2]);
                if vocab.knows(word) && !vocab.knows(&format!("{letter}{word}")) {
                    word.to_string()
                } else {
                    format!("{letter}{word}")
                }
            })
            .into_owned();
    }
    text
}

/// The whole inline pass, in the order that keeps each step simple.
pub fn clean_inline(s: &str, vocab: &Vocab) -> String {
    let s = normalize_chars(s);
    let s = strip_html(&s);
    let s = strip_editor_marks(&s, vocab);
    let s = repair_initials(s.trim_start(), vocab);
    let s = strip_markdown(&s);
    tidy_spaces(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        Vocab::from_text(
            "in the meetings; over the past; in in in an; such rules; need; as cyber; emerging concepts; \
             the evolution; our ability to act",
        )
    }

    #[test]
    fn editor_marks_go_and_words_rejoin() {
        let v = vocab();
        assert_eq!(clean_inline("enhance our abili[EF12] ty. Second", &v), "enhance our ability. Second");
        assert_eq!(clean_inline("politically impossible[JS3] . Thus", &v), "politically impossible. Thus");
        assert_eq!(clean_inline("western nations. [EF4] The western", &v), "western nations. The western");
    }

    #[test]
    fn drop_capitals_and_lost_initials_are_repaired() {
        let v = vocab();
        assert_eq!(clean_inline("**T** n the meetings", &v), "In the meetings");
        assert_eq!(clean_inline("A s cyber technology", &v), "As cyber technology");
        assert_eq!(clean_inline("E merging concepts", &v), "Emerging concepts");
        assert_eq!(clean_inline("VER the past three decades", &v), "Over the past three decades");
        assert_eq!(clean_inline("**C** uch rules would **O**need to", &v), "Such rules would need to");
        assert_eq!(clean_inline("A study of norms", &v), "A study of norms");
    }

    #[test]
    fn markup_and_invisible_characters_go() {
        let v = vocab();
        assert_eq!(clean_inline("a *Rules* b\u{200B}c &amp; <b>d</b>", &v), "a Rules bc & d");
        assert_eq!(clean_inline("TRANSITION\\_DURATION cost \\$5", &v), "TRANSITION_DURATION cost $5");
        assert_eq!(clean_inline("cycle of ▲ international", &v), "cycle of international");
    }
}
