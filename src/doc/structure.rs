//! Structure recovery: reads cleaned units as a document — masthead, title,
//! byline, affiliation, abstract and keywords; headings with their numbers;
//! reference and note lists; author biographies; body paragraphs.
//!
//! It decides roles only; joining paragraphs is `doc::repair`, and turning
//! roles into passages is `doc::passages`.

use crate::doc::clean::{DropReason, Unit};
use crate::model::{Heading, Kind};

/// What a unit is in its document.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    Drop(DropReason),
    Title,
    Byline(Vec<String>),
    Affiliation,
    Date(i32),
    Keywords(Vec<String>),
    Abstract,
    Heading { level: u8, heading: Heading },
    Body,
    /// An entry of a reference list (`Kind::Reference`) or of notes (`Kind::Note`).
    Entry(Kind),
    Bio,
    Note,
}

/// A unit with its role.
#[derive(Debug, Clone)]
pub struct Para {
    pub unit: Unit,
    pub role: Role,
}

/// What the front matter says about the document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub affiliation: Option<String>,
    pub year: Option<i32>,
    pub keywords: Vec<String>,
}

re!(ABSTRACT_LABEL, r"(?i)^(abstract|summary)\s*[:.—–-]\s*");
re!(KEYWORDS_LABEL, r"(?i)^(key\s?words|index terms)\s*[:.—–-]\s*");
re!(NUMBERED_HEADING, r"^((?:\d{1,2}\.){0,3}\d{1,2})\.?\s+(\S.*)$");
re!(PART_HEADING, r"^(?i:(part|chapter|section|annex|appendix))\s+([IVXLC]+|\d{1,3}|[A-Z])\b[.:]?\s*(.*)$");
re!(
    NAMED_SECTION,
    r"(?i)^(abstract|introduction|conclusions?|concluding remarks|background|discussion|summary|references|bibliography|notes|endnotes|footnotes|acknowledge?ments|works cited|sources|literature|further reading|about the authors?|appendix)\s*:?$"
);
re!(REFERENCE_SECTION, r"(?i)^(references|bibliography|works cited|sources|literature|further reading)\s*:?$");
re!(NOTE_SECTION, r"(?i)^(notes|endnotes|footnotes)\s*:?$");
re!(BIO_SECTION, r"(?i)^about the authors?\s*:?$");
re!(BYLINE_LABEL, r"(?i)^(?:[-•*]\s*)?(?:writer|author|authors|by|written by|posted by)\s*[:]?\s+(.+)$");
re!(
    AFFILIATION,
    r"(?i)\b(university|institute|school of|law school|faculty|department|college|academy|centre|center for|ministry|laboratory)\b"
);
re!(
    DATE_LINE,
    r"(?i)^(?:[-•*]\s*)?(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+((?:19|20)\d{2})|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+((?:19|20)\d{2})|((?:19|20)\d{2})-\d{2}-\d{2})$"
);
re!(REPUBLISHED, r"(?i)\b(originally (appeared|published)|first published|republished|reprinted (with|by) permission)\b");
re!(FOOTNOTE, r"^(\d{1,3})\s+[A-Z“\x22‘]");

const NAME_PARTICLES: &[&str] = &["van", "von", "de", "da", "del", "der", "di", "du", "bin", "al", "el", "la", "le"];

/// True for "Jane Roe", "Asoke Mukerji", "J. A. Lewis": two to five capitalised
/// words, no digits, no sentence.
pub fn is_name_like(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > 60 || t.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    (2..=5).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(|c| c.is_alphabetic() || "-.'’".contains(c))
                || NAME_PARTICLES.contains(w)
        })
        && !words.iter().any(|w| w.len() > 2 && w.chars().all(char::is_uppercase))
}

fn split_names(text: &str) -> Vec<String> {
    text.split([',', ';', '•', '&'])
        .flat_map(|p| p.split(" and "))
        .map(|p| p.trim().to_string())
        .filter(|p| is_name_like(p))
        .collect()
}

fn norm(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_alphanumeric() { c.to_lowercase().next().unwrap_or(c) } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn ends_sentence(text: &str) -> bool {
    // A note marker after the full stop ("… building.^[1]") still ends it.
    let mut t = text.trim_end();
    while t.ends_with(']') && let Some(i) = t.rfind("^[") {
        t = t[..i].trim_end();
    }
    t.ends_with(['.', '?', '!'])
}

/// The unit read as a heading, if it is one: level and number/text.
pub fn heading_of(unit: &Unit) -> Option<(u8, Heading)> {
    let text = unit.text.trim();
    let n_words = text.split_whitespace().count();
    if let Some(level) = unit.md_heading {
        let (number, rest) = split_number(text);
        return Some((level, Heading { number, text: clean_heading_text(&rest) }));
    }
    if text.chars().count() > 160 || n_words > 24 || text.contains('\n') {
        return None;
    }
    // A numbered item that the list reader took as a list item ("1. Intro").
    let numbered = match unit.list_marker.as_deref() {
        Some(m) if m.trim_end_matches(['.', ')']).chars().all(|c| c.is_ascii_digit()) => format!("{m} {text}"),
        Some(_) => return None,
        None => text.to_string(),
    };
    if let Some(caps) = NUMBERED_HEADING.captures(&numbered) {
        let rest = caps[2].trim();
        let sentences = rest.matches(". ").count();
        if rest.starts_with(|c: char| c.is_uppercase())
            && sentences == 0
            && !rest.ends_with([',', ';', ':'])
            && rest.chars().filter(|c| c.is_alphabetic()).count() >= 3
        {
            let number = caps[1].to_string();
            let level = u8::try_from(number.split('.').count()).unwrap_or(4);
            return Some((level, Heading { number: Some(number), text: clean_heading_text(rest) }));
        }
        return None;
    }
    if let Some(caps) = PART_HEADING.captures(text)
        && (n_words <= 14 && !text.ends_with(['.', ',']) || caps[3].is_empty()) {
            let number = format!("{} {}", &caps[1], &caps[2]);
            return Some((1, Heading { number: Some(number), text: clean_heading_text(&caps[3]) }));
        }
    if NAMED_SECTION.is_match(text) {
        return Some((1, Heading { number: None, text: clean_heading_text(text) }));
    }
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    if n_words >= 2 && letters.len() >= 6 && upper * 10 >= letters.len() * 9 && !ends_sentence(text) {
        return Some((1, Heading { number: None, text: clean_heading_text(text) }));
    }
    None
}

fn split_number(text: &str) -> (Option<String>, String) {
    match NUMBERED_HEADING.captures(text) {
        Some(caps) => (Some(caps[1].to_string()), caps[2].to_string()),
        None => (None, text.to_string()),
    }
}

fn clean_heading_text(text: &str) -> String {
    text.trim().trim_end_matches(['.', ':']).trim().to_string()
}

/// True when the unit opens the document's body: an abstract, a section
/// heading, or a paragraph of prose.
fn opens_body(unit: &Unit, after_title: bool) -> bool {
    let text = &unit.text;
    if ABSTRACT_LABEL.is_match(text) {
        return true;
    }
    if unit.md_heading.is_some() {
        return after_title && unit.md_heading != Some(1) && !is_name_like(text);
    }
    if let Some((_, h)) = heading_of(unit)
        && (h.number.is_some() || NAMED_SECTION.is_match(text)) {
            return true;
        }
    let n_words = text.split_whitespace().count();
    (unit.n_chars() >= 150 && (text.contains(". ") || ends_sentence(text))) || (n_words >= 7 && ends_sentence(text) && !is_name_like(text))
}

/// Structure recovery's output: every unit with its role, and what the
/// front matter says about the document.
#[derive(Debug, Clone, Default)]
pub struct Structured {
    pub paras: Vec<Para>,
    pub front: FrontMatter,
}

fn live(p: &Para) -> bool {
    !matches!(p.role, Role::Drop(_))
}

/// Assigns roles to the units of one document. `known_title` and
/// `known_authors` come from BibTeX when the document has an entry.
pub fn classify(units: Vec<Unit>, verdicts: Vec<Option<DropReason>>, known_title: Option<&str>, known_authors: &[String]) -> Structured {
    let mut paras: Vec<Para> = units.into_iter().zip(verdicts).map(|(unit, v)| Para { unit, role: v.map_or(Role::Body, Role::Drop) }).collect();
    let mut front = FrontMatter::default();
    let (mut title_at, first_body) = find_title_and_body(&paras, known_title);
    if known_title.is_none() && title_at.is_none() {
        title_at = guess_title(&paras, first_body);
    }
    classify_front(&mut paras[..first_body], title_at, &mut front);
    let author_names: Vec<String> = known_authors.iter().chain(front.authors.iter()).cloned().collect();
    classify_body(&mut paras, first_body, &author_names, &mut front);
    Structured { paras, front }
}

/// True when a unit's text is the known title (or most of it).
fn is_known_title(title: &str, text: &str) -> bool {
    let (nt, nu) = (norm(title), norm(text));
    !nu.is_empty() && (nt == nu || (nt.contains(&nu) && nu.len() * 10 >= nt.len() * 6) || (nu.contains(&nt) && nt.len() * 10 >= nu.len() * 6))
}

/// Where the title stands (the BibTeX title, else the first top-level
/// Markdown heading) and where the body starts.
fn find_title_and_body(paras: &[Para], known_title: Option<&str>) -> (Option<usize>, usize) {
    let mut title_at = None;
    for (i, p) in paras.iter().enumerate() {
        if !live(p) {
            continue;
        }
        if let Some(t) = known_title {
            if is_known_title(t, &p.unit.text) {
                title_at.get_or_insert(i);
            }
        } else if p.unit.md_heading == Some(1) && title_at.is_none() {
            title_at = Some(i);
        }
        if opens_body(&p.unit, title_at.is_some_and(|t| t < i)) && title_at != Some(i) {
            return (title_at, i);
        }
    }
    // No unit reads as the start of a body: everything after the title that
    // is not byline is body, so that nothing is lost.
    let first_body = paras
        .iter()
        .enumerate()
        .position(|(i, p)| live(p) && Some(i) != title_at && title_at.is_none_or(|t| i > t) && !is_front_matter_line(&p.unit.text))
        .unwrap_or(paras.len());
    (title_at, first_body)
}

/// A byline, affiliation or date line.
fn is_front_matter_line(text: &str) -> bool {
    is_name_like(text) || BYLINE_LABEL.is_match(text) || AFFILIATION.is_match(text) || DATE_LINE.is_match(text)
}

/// A title-shaped line before the body, preferably one followed by a byline.
fn guess_title(paras: &[Para], first_body: usize) -> Option<usize> {
    let candidates: Vec<usize> = (0..first_body)
        .filter(|&i| {
            let u = &paras[i].unit;
            let n_words = u.text.split_whitespace().count();
            live(&paras[i]) && u.list_marker.is_none() && (2..=25).contains(&n_words) && !ends_sentence(&u.text) && !is_front_matter_line(&u.text)
        })
        .collect();
    let followed_by_byline =
        |i: usize| paras[i + 1..first_body].iter().filter(|p| live(p)).take(2).any(|p| is_name_like(&p.unit.text) || BYLINE_LABEL.is_match(&p.unit.text));
    candidates.iter().copied().find(|&i| followed_by_byline(i)).or(candidates.first().copied())
}

/// Roles of the units before the body: masthead, title, bylines, affiliation, date.
fn classify_front(paras: &mut [Para], title_at: Option<usize>, front: &mut FrontMatter) {
    for (i, para) in paras.iter_mut().enumerate() {
        if !live(para) {
            continue;
        }
        let text = para.unit.text.clone();
        let role = if Some(i) == title_at {
            front.title = Some(text.clone());
            Role::Title
        } else if title_at.is_some_and(|t| i < t) {
            Role::Drop("masthead")
        } else {
            front_line_role(&text, front)
        };
        if let Role::Byline(names) = &role {
            for n in names {
                if !front.authors.contains(n) {
                    front.authors.push(n.clone());
                }
            }
        }
        para.role = role;
    }
}

/// The role of one front-matter line after the title.
fn front_line_role(text: &str, front: &mut FrontMatter) -> Role {
    if let Some(caps) = BYLINE_LABEL.captures(text) {
        Role::Byline(split_names(&caps[1]))
    } else if is_name_like(text) || (!split_names(text).is_empty() && text.split([',', '&']).count() > 1 && !AFFILIATION.is_match(text)) {
        Role::Byline(split_names(text))
    } else if AFFILIATION.is_match(text) && text.chars().count() < 250 {
        front.affiliation.get_or_insert(text.to_string());
        Role::Affiliation
    } else if let Some(caps) = DATE_LINE.captures(text) {
        let year = caps.iter().skip(1).flatten().next().and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
        front.year.get_or_insert(year);
        Role::Date(year)
    } else {
        Role::Drop("front matter")
    }
}

/// Where the body reader is: which list section it is in, and whether it is
/// in a biography section or an abstract set under an "Abstract" heading.
#[derive(Default)]
struct BodyState {
    section_kind: Option<Kind>,
    in_bio_section: bool,
    in_abstract: bool,
}

/// Roles of the body's units: keywords, abstract, headings, list entries,
/// notes, biographies, body paragraphs.
fn classify_body(paras: &mut [Para], first_body: usize, author_names: &[String], front: &mut FrontMatter) {
    let mut state = BodyState::default();
    for i in first_body..paras.len() {
        if !live(&paras[i]) {
            continue;
        }
        let text = paras[i].unit.text.clone();
        if let Some(caps) = KEYWORDS_LABEL.captures(&text) {
            front.keywords = split_keywords(&text[caps.get(0).map_or(0, |m| m.end())..]);
            paras[i].role = Role::Keywords(front.keywords.clone());
            continue;
        }
        if let Some(caps) = ABSTRACT_LABEL.captures(&text)
            && state.section_kind.is_none()
            && caps[1].eq_ignore_ascii_case("abstract")
        {
            let cut = caps.get(0).map_or(0, |m| m.end());
            paras[i].unit.text = text[cut..].to_string();
            paras[i].role = Role::Abstract;
            continue;
        }
        // A footnote at a page foot looks like a numbered heading ("2 See ..."): check it first.
        if state.section_kind.is_none() && is_footnote(paras, i) {
            paras[i].role = Role::Entry(Kind::Note);
            continue;
        }
        paras[i].role = body_role(&paras[i].unit, &mut state, author_names);
    }
}

fn split_keywords(text: &str) -> Vec<String> {
    text.split([';', ',', '·', '•']).map(|k| k.trim().trim_end_matches('.').to_string()).filter(|k| !k.is_empty()).collect()
}

/// The role of one body unit that is neither keywords, a labelled abstract,
/// nor a footnote; headings update the reader's state.
fn body_role(unit: &Unit, state: &mut BodyState, author_names: &[String]) -> Role {
    let heading = if state.section_kind.is_some() && unit.list_marker.is_some() { None } else { heading_of(unit) };
    if let Some((level, heading)) = heading {
        state.section_kind = if REFERENCE_SECTION.is_match(&heading.text) {
            Some(Kind::Reference)
        } else if NOTE_SECTION.is_match(&heading.text) {
            Some(Kind::Note)
        } else {
            None
        };
        state.in_bio_section = BIO_SECTION.is_match(&heading.text);
        // An "Abstract" heading: what follows, up to the next heading, is the abstract.
        state.in_abstract = heading.text.eq_ignore_ascii_case("abstract");
        return if state.in_abstract { Role::Drop("abstract heading") } else { Role::Heading { level, heading } };
    }
    if state.in_abstract {
        Role::Abstract
    } else if let Some(kind) = state.section_kind {
        Role::Entry(kind)
    } else if state.in_bio_section || is_bio(unit, author_names) {
        Role::Bio
    } else if REPUBLISHED.is_match(&unit.text) && unit.n_chars() < 300 {
        Role::Note
    } else {
        Role::Body
    }
}

/// A paragraph about an author: it opens with the author's name (often in
/// bold) and goes on "is", "was", "has".
fn is_bio(unit: &Unit, authors: &[String]) -> bool {
    let raw = unit.raw.trim_start();
    let bold_lead = raw.starts_with("**") && raw[2..].find("**").is_some_and(|end| is_name_like(&raw[2..2 + end]));
    let named_lead = authors.iter().any(|a| {
        let display = if let Some((family, given)) = a.split_once(", ") { format!("{given} {family}") } else { a.clone() };
        unit.text.starts_with(&display) || unit.text.starts_with(a.as_str())
    });
    if !(bold_lead || named_lead) || unit.n_chars() > 2000 {
        return false;
    }
    let head: String = unit.text.chars().take(80).collect();
    [" is ", " was ", " has ", " holds ", " serves ", " works "].iter().any(|v| head.contains(v))
}

/// A footnote at the foot of a page: "3 See ...", right before a page break.
fn is_footnote(paras: &[Para], i: usize) -> bool {
    let unit = &paras[i].unit;
    if unit.n_chars() > 800 || unit.list_marker.is_some() || !FOOTNOTE.is_match(&unit.text) {
        return false;
    }
    for next in &paras[i + 1..] {
        if next.unit.after_page_break {
            return true;
        }
        match next.role {
            Role::Drop(_) => continue,
            _ if FOOTNOTE.is_match(&next.unit.text) && next.unit.n_chars() < 800 => continue,
            _ => return false,
        }
    }
    true
}

/// The marker of a footnote entry ("3 See ..." → "3").
pub fn footnote_marker(text: &str) -> Option<String> {
    FOOTNOTE.captures(text).map(|c| c[1].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_headings() {
        assert!(is_name_like("Asoke Mukerji"));
        assert!(is_name_like("J. A. Lewis"));
        assert!(!is_name_like("Research Papers and more words here today"));
        assert!(!is_name_like("HORZONS"));
        let unit = |text: &str| Unit {
            text: text.into(),
            raw: text.into(),
            line_start: 1,
            line_end: 1,
            md_heading: None,
            list_marker: None,
            n_segments: 1,
            longest_segment: text.len(),
            after_page_break: false,
        };
        let h = heading_of(&unit("1.1. Cyberspace security gained an international perspective.")).unwrap();
        assert_eq!((h.0, h.1.number.as_deref(), h.1.text.as_str()), (2, Some("1.1"), "Cyberspace security gained an international perspective"));
        let h = heading_of(&unit("Part I: Intelligence analysis")).unwrap();
        assert_eq!(h.1.number.as_deref(), Some("Part I"));
        assert!(heading_of(&unit("References:")).is_some());
        assert!(heading_of(&unit("COUNTERING CYBERCRIME")).is_some());
        assert!(heading_of(&unit("In 2015 the GGE agreed on norms.")).is_none());
    }
}
