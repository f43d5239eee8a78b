//! HTML and XHTML: the main content only, in the line form the cleaner reads.
//!
//! Parsed with scraper (html5ever, the browsers' algorithm, into an arena
//! tree), then walked with `traverse()` — iteratively, so a page nested
//! 100,000 deep cannot overflow the stack. The content root is the largest
//! `<article>`/`<main>`/`[role=main]`, else `<body>`. Inside it, chrome is
//! dropped by element (nav, header, footer, aside, form, script, style, …),
//! by ARIA role and by class/id words (cookie, share, related, newsletter,
//! breadcrumb, …), and "6 min read" lines are dropped. Headings become `# `
//! lines, list items `- `, block quotes `> `, table rows cells joined by
//! ` | `. Footnote links (`<a href="#fn3">`) become `^[3]` markers and a
//! footnote list (`<li id="fn3">`) the "Notes" section.
//!
//! Metadata (used when the document has no library entry): Highwire
//! `citation_*` tags, schema.org JSON-LD, OpenGraph/`article:*` tags,
//! the first `<time datetime>`, then `<title>`.

use scraper::{ElementRef, Html, Node};
use serde_json::Value;

use super::Extracted;
use crate::model::{DocMeta, Person, Warning};
use crate::source::decode;

/// Elements never part of the content.
const DROP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "canvas", "nav", "footer", "aside", "form", "button", "iframe", "object", "embed", "select", "input",
    "textarea", "label", "dialog", "menu", "head", "title", "meta", "link",
];
/// ARIA roles of chrome.
const DROP_ROLES: &[&str] = &["navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "menu", "menubar"];
/// Words in a class or id that mark chrome.
const DROP_WORDS: &[&str] = &[
    "nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "cookie", "cookies", "consent", "gdpr", "share", "sharing", "social", "related", "recommended",
    "newsletter", "subscribe", "subscription", "signup", "promo", "advert", "advertisement", "ad", "ads", "banner", "sidebar", "comments", "comment",
    "footer", "masthead", "toolbar", "popup", "modal", "paywall", "readtime", "reading", "tags", "pagination", "skip", "print", "author-bio",
];
/// Block-level elements: each starts a new paragraph.
const BLOCK_TAGS: &[&str] = &[
    "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table",
    "tr", "td", "th", "thead", "tbody", "figure", "figcaption", "hr", "address", "details", "summary", "body", "html",
];

fn drop_element(el: &scraper::node::Element) -> bool {
    let name = el.name();
    if DROP_TAGS.contains(&name) {
        return true;
    }
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return true;
    }
    if el.attr("role").is_some_and(|r| DROP_ROLES.contains(&r.trim().to_ascii_lowercase().as_str())) {
        return true;
    }
    let words = el.attr("class").unwrap_or("").to_string() + " " + el.attr("id").unwrap_or("");
    words.split(|c: char| c.is_whitespace() || c == '-' || c == '_').any(|w| DROP_WORDS.contains(&w.to_ascii_lowercase().as_str()))
        && !matches!(name, "body" | "html" | "main" | "article")
}

/// "6 min read", "5 minute read", "Lesezeit: 4 Min."
fn is_reading_time(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    words.len() <= 6 && words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit())) && (lower.contains("min read") || lower.contains("minute read") || lower.contains("mins read") || lower.contains("lesezeit"))
}

/// What kind of paragraph a block is.
#[derive(Clone, Copy, PartialEq)]
enum Block {
    Para,
    Heading(usize),
    Item,
    Quote,
    Note,
}

struct Writer {
    blocks: Vec<(Block, String)>,
    notes: Vec<(String, String)>,
    cur: String,
    kind: Block,
    note: Option<String>,
    pre: usize,
    row: Vec<String>,
}

impl Writer {
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.cur);
        let text = if self.pre > 0 { text.trim_matches('\n').to_string() } else { text.split_whitespace().collect::<Vec<_>>().join(" ") };
        if text.is_empty() || is_reading_time(&text) {
            return;
        }
        if let Some(n) = &self.note {
            let n = n.clone();
            match self.notes.iter_mut().find(|(m, _)| *m == n) {
                Some((_, t)) => {
                    t.push(' ');
                    t.push_str(&text);
                }
                None => self.notes.push((n, text)),
            }
            return;
        }
        self.blocks.push((self.kind, text));
    }

    fn text(&mut self, s: &str) {
        self.cur.push_str(s);
    }
}

/// The note number of a footnote link: `#fn3`, `#footnote-3`, `#note3` → "3".
fn note_ref(href: &str) -> Option<String> {
    let frag = href.rsplit_once('#')?.1.to_ascii_lowercase();
    let rest = ["fn", "footnote", "note", "endnote", "ftn"].iter().find_map(|p| frag.strip_prefix(p))?;
    let digits: String = rest.trim_start_matches(['-', '_', ':']).chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty() && digits.len() <= 4).then_some(digits)
}

/// The largest content root: `<article>`, `<main>` or `[role=main]`, else `<body>`.
fn content_root(html: &Html) -> Option<ElementRef<'_>> {
    let mut best: Option<(usize, ElementRef<'_>)> = None;
    let mut body = None;
    for node in html.tree.root().descendants() {
        let Some(el) = ElementRef::wrap(node) else { continue };
        let name = el.value().name();
        if name == "body" && body.is_none() {
            body = Some(el);
        }
        if matches!(name, "article" | "main") || el.value().attr("role") == Some("main") {
            let len: usize = el.descendants().filter_map(|n| n.value().as_text()).map(|t| t.trim().len()).sum();
            if best.as_ref().is_none_or(|(l, _)| len > *l) {
                best = Some((len, el));
            }
        }
    }
    best.filter(|(len, _)| *len >= 200).map(|(_, el)| el).or(body).or_else(|| Some(html.root_element()))
}

/// The content of a page as text in the line form.
pub(super) fn content(html: &Html) -> String {
    let Some(root) = content_root(html) else { return String::new() };
    let mut w = Writer { blocks: vec![], notes: vec![], cur: String::new(), kind: Block::Para, note: None, pre: 0, row: vec![] };
    let mut skip: Option<ego_tree::NodeId> = None;
    let mut kinds: Vec<(ego_tree::NodeId, Block, Option<String>)> = vec![];
    for edge in root.traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => w.text(&t.text),
                    Node::Element(el) => {
                        if drop_element(&el) && node.id() != root.id() {
                            skip = Some(node.id());
                            continue;
                        }
                        let name = el.name();
                        if name == "a" && let Some(n) = el.attr("href").and_then(note_ref) {
                            // A footnote marker: its digits are replaced by `^[n]`.
                            w.text(&format!("^[{n}]"));
                            skip = Some(node.id());
                            continue;
                        }
                        if name == "br" {
                            w.text(if w.pre > 0 { "\n" } else { " " });
                        }
                        if name == "pre" {
                            w.pre += 1;
                        }
                        if BLOCK_TAGS.contains(&name) {
                            if matches!(name, "td" | "th") {
                                continue;
                            }
                            w.flush();
                            let note = (name == "li").then(|| el.attr("id").and_then(|id| note_ref(&format!("#{id}")))).flatten();
                            let kind = match name {
                                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Block::Heading(usize::from(name.as_bytes()[1] - b'0')),
                                "li" | "dt" | "dd" if note.is_none() => Block::Item,
                                "blockquote" => Block::Quote,
                                _ if note.is_some() => Block::Note,
                                _ => kinds.last().map_or(Block::Para, |k| if matches!(k.1, Block::Heading(_)) { Block::Para } else { k.1 }),
                            };
                            let note = note.or_else(|| kinds.last().and_then(|k| k.2.clone()));
                            kinds.push((node.id(), kind, note.clone()));
                            w.kind = kind;
                            w.note = note;
                        }
                    }
                    _ => {}
                }
            }
            ego_tree::iter::Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                    continue;
                }
                if skip.is_some() {
                    continue;
                }
                let Some(el) = node.value().as_element() else { continue };
                let name = el.name();
                if matches!(name, "td" | "th") {
                    let cell = std::mem::take(&mut w.cur).split_whitespace().collect::<Vec<_>>().join(" ");
                    w.row.push(cell);
                    continue;
                }
                if name == "tr" {
                    w.cur = std::mem::take(&mut w.row).into_iter().filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" | ");
                }
                if BLOCK_TAGS.contains(&name) {
                    w.flush();
                    if kinds.last().is_some_and(|k| k.0 == node.id()) {
                        kinds.pop();
                    }
                    let (kind, note) = kinds.last().map_or((Block::Para, None), |k| (k.1, k.2.clone()));
                    w.kind = kind;
                    w.note = note;
                }
                if name == "pre" {
                    w.pre = w.pre.saturating_sub(1);
                }
            }
        }
    }
    w.flush();
    let mut out: Vec<String> = vec![];
    for (kind, text) in w.blocks {
        out.push(match kind {
            Block::Heading(level) => format!("{} {}", "#".repeat(level), text.replace('\n', " ")),
            Block::Item => format!("- {text}"),
            Block::Quote => text.lines().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n"),
            Block::Para | Block::Note => text,
        });
    }
    if !w.notes.is_empty() {
        out.push("## Notes".into());
        for (n, text) in w.notes {
            // The note's own back-link marker, if any, is dropped.
            let text = text.trim_start_matches(&format!("^[{n}]")).trim().trim_end_matches(['↩', '^']).trim().to_string();
            out.push(format!("[{n}] {text}"));
        }
    }
    out.join("\n\n") + "\n"
}

fn meta_content<'a>(html: &'a Html, names: &[&str]) -> Vec<&'a str> {
    let mut out = vec![];
    for node in html.tree.root().descendants() {
        let Some(el) = node.value().as_element() else { continue };
        if el.name() != "meta" {
            continue;
        }
        let name = el.attr("name").or_else(|| el.attr("property")).unwrap_or("").to_ascii_lowercase();
        if names.contains(&name.as_str())
            && let Some(c) = el.attr("content").map(str::trim).filter(|c| !c.is_empty())
        {
            out.push(c);
        }
    }
    out
}

fn year_of(date: &str) -> Option<i32> {
    let d: Vec<char> = date.chars().collect();
    d.windows(4).find(|w| w.iter().all(char::is_ascii_digit) && matches!(w[0], '1' | '2')).and_then(|w| w.iter().collect::<String>().parse().ok())
}

fn json_ld(html: &Html) -> Vec<Value> {
    let mut out = vec![];
    for node in html.tree.root().descendants() {
        let Some(el) = ElementRef::wrap(node) else { continue };
        if el.value().name() == "script" && el.value().attr("type").is_some_and(|t| t.contains("ld+json")) {
            let text: String = el.text().collect();
            if let Ok(v) = serde_json::from_str::<Value>(&text) {
                let items = match v {
                    Value::Array(a) => a,
                    Value::Object(ref o) if o.contains_key("@graph") => o["@graph"].as_array().cloned().unwrap_or_default(),
                    v => vec![v],
                };
                out.extend(items.into_iter().filter(|i| i.get("headline").is_some() || i.get("author").is_some() || i.get("datePublished").is_some()));
            }
        }
    }
    out
}

fn ld_authors(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(ld_authors).collect(),
        Value::Object(o) => o.get("name").and_then(Value::as_str).map(|s| vec![s.to_string()]).unwrap_or_default(),
        _ => vec![],
    }
}

/// The page's own metadata, field by field, in order of trust.
fn metadata(html: &Html) -> DocMeta {
    let first = |names: &[&str]| meta_content(html, names).first().map(|s| s.to_string());
    let ld = json_ld(html);
    let ld_str = |field: &str| ld.iter().find_map(|v| v.get(field).and_then(Value::as_str)).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let title = first(&["citation_title", "dc.title"]).or_else(|| ld_str("headline")).or_else(|| first(&["og:title", "twitter:title"])).or_else(|| {
        html.tree.root().descendants().filter_map(ElementRef::wrap).find(|e| e.value().name() == "title").map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
    });
    let mut authors: Vec<String> = meta_content(html, &["citation_author", "dc.creator"]).into_iter().map(str::to_string).collect();
    if authors.is_empty() {
        authors = ld.iter().find_map(|v| v.get("author")).map(ld_authors).unwrap_or_default();
    }
    if authors.is_empty() {
        authors = meta_content(html, &["author", "article:author"]).into_iter().filter(|a| !a.starts_with("http")).map(str::to_string).collect();
    }
    let time = html.tree.root().descendants().filter_map(|n| n.value().as_element()).find(|e| e.name() == "time").and_then(|e| e.attr("datetime")).map(str::to_string);
    let date = first(&["citation_publication_date", "citation_date", "citation_online_date", "dc.date"])
        .or_else(|| ld_str("datePublished"))
        .or_else(|| first(&["article:published_time", "og:published_time"]))
        .or(time);
    DocMeta {
        title: title.filter(|t| !t.is_empty()),
        authors: authors.iter().map(|a| crate::source::names::person(a)).filter(|p: &Person| !p.family.is_empty()).collect(),
        year: date.as_deref().and_then(year_of),
        venue: first(&["citation_journal_title", "citation_conference_title", "citation_publisher", "og:site_name"]),
        date: date.map(|d| d.chars().take(10).collect()),
        url: first(&["citation_public_url", "citation_abstract_html_url", "og:url"]),
        doi: first(&["citation_doi", "dc.identifier"]).map(|d| d.trim_start_matches("doi:").to_string()).filter(|d| d.starts_with("10.")),
        ..DocMeta::default()
    }
}

/// Elements nested deeper than this lose their tags (their text is kept).
const MAX_DEPTH: usize = 256;

/// Elements without end tags.
const VOID: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// Removes the tags of elements nested deeper than [`MAX_DEPTH`], keeping
/// their text: html5ever's scope checks walk the stack of open elements, so
/// a page nested 100,000 deep would take quadratic time (minutes). A linear
/// scan of the markup, which need not be exact: it only bounds the depth.
fn flatten_deep(src: &str) -> std::borrow::Cow<'_, str> {
    let bytes = src.as_bytes();
    let mut depth = 0usize;
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while let Some(off) = src[i..].find('<') {
        let start = i + off;
        let rest = &src[start..];
        let Some(end) = rest.find('>').map(|e| start + e + 1) else { break };
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(src.len(), |e| start + e + 3);
            continue;
        }
        let closing = bytes.get(start + 1) == Some(&b'/');
        let name: String = src[start + 1 + usize::from(closing)..end].chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
        i = end;
        if name.is_empty() || VOID.contains(&name.as_str()) || src[..end].ends_with("/>") {
            continue;
        }
        if !closing && matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            // Raw text up to the end tag.
            i = src[end..].to_ascii_lowercase().find(&format!("</{name}")).map_or(src.len(), |e| end + e);
            continue;
        }
        let deep = if closing {
            let d = depth > MAX_DEPTH;
            depth = depth.saturating_sub(1);
            d
        } else {
            depth += 1;
            depth > MAX_DEPTH
        };
        if deep {
            let o = out.get_or_insert_with(|| String::with_capacity(src.len()));
            o.push_str(&src[copied..start]);
            copied = end;
        }
    }
    match out {
        Some(mut o) => {
            o.push_str(&src[copied..]);
            std::borrow::Cow::Owned(o)
        }
        None => std::borrow::Cow::Borrowed(src),
    }
}

/// True when bytes start like an HTML page (after a BOM and blank space).
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head: Vec<u8> = bytes.iter().skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF).take(64).map(u8::to_ascii_lowercase).collect();
    [&b"<!doctype html"[..], b"<html", b"<head", b"<?xml"].iter().any(|p| head.starts_with(p))
}

pub fn extract(bytes: &[u8], rel_path: &str, warnings: &mut Vec<Warning>) -> Option<Extracted> {
    let text = decode(bytes, rel_path, warnings)?;
    let (body, meta) = read_page(&text);
    Some(Extracted { text: body, meta, ..Extracted::default() })
}

/// A page's content in the line form, and its metadata.
pub(super) fn read_page(text: &str) -> (String, DocMeta) {
    let html = Html::parse_document(&flatten_deep(text));
    (content(&html), metadata(&html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrome_is_dropped_and_structure_kept() {
        let page = r##"<html><head><title>T</title><meta name="citation_title" content="Norms"><meta name="citation_author" content="Guan Yongping"></head>
<body><nav><a href="/">Home</a></nav><div class="cookie-banner">We use cookies</div>
<article><h1>Norms of Cyberspace</h1><p class="byline">6 min read</p>
<p>States agree<a href="#fn1">1</a> on norms.</p><ul><li>one</li><li>two</li></ul>
<blockquote><p>Quoted words.</p></blockquote><table><tr><td>a</td><td>b</td></tr></table>
<div class="share-buttons">Share on X</div>
<ol class="footnotes"><li id="fn1">A note. <a href="#fnref1">↩</a></li></ol></article><footer>© 2024</footer></body></html>"##;
        let html = Html::parse_document(page);
        let text = content(&html);
        assert_eq!(text, "# Norms of Cyberspace\n\nStates agree^[1] on norms.\n\n- one\n\n- two\n\n> Quoted words.\n\na | b\n\n## Notes\n\n[1] A note.\n", "{text}");
        let meta = metadata(&html);
        assert_eq!(meta.title.as_deref(), Some("Norms"));
        let deep = format!("<p>a</p>{}x{}<p>b</p>", "<div>".repeat(1000), "</div>".repeat(1000));
        let flat = flatten_deep(&deep);
        assert_eq!(flat.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(flat.matches("</div>").count(), MAX_DEPTH);
        assert!(flat.contains(">x<") && flat.ends_with("<p>b</p>"));
        assert_eq!(meta.authors[0].display(), "Guan, Yongping");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Any markup-ish input: no panic, and no tag survives as text.
        #[test]
        fn any_markup_is_read(s in "[<>/a-z \"=#!\\-é]{0,300}") {
            let flat = super::flatten_deep(&s);
            let text = super::content(&scraper::Html::parse_document(&flat));
            prop_assert!(!text.contains("<script"));
        }
    }
}
