//! Text output for a person: search hits, `show`, `check`, topics, tags and
//! the eval report. JSON output is the `wire` types, printed by `commands`.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use anyhow::Result;
use folio::cite::{self, CitationStyle};
use folio::engine::eval::Report;
use folio::engine::present::Presenter;
use folio::store::OpenIndex;
use folio::vocab::tagger::{Tagger, Tags};
use folio::wire::{CheckReport, SearchResponse, ShowResponse, TopicsResponse};

/// Terminal styling (ANSI when colour is on).
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn snippet(&self, s: &str) -> String {
        if self.color { s.replace("<mark>", "\x1b[1;33m").replace("</mark>", "\x1b[0m") } else { s.replace("<mark>", "").replace("</mark>", "") }
    }
}

/// Search hits as text; with a tagger, each hit's topic evidence too (`--explain`).
pub fn hits(style: &Style, response: &SearchResponse, show_facets: bool, tagger: Option<&Tagger>, out: &mut dyn Write) -> Result<()> {
    if response.hits.is_empty() && response.total == 0 {
        writeln!(out, "No passages match `{}`. Try fewer words, another spelling, or drop a filter.", response.query)?;
    }
    if tagger.is_some() {
        for e in &response.expansions {
            writeln!(out, "{}", style.dim(&format!("query: `{}` also searched as {}", e.matched, e.added.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "))))?;
        }
        if response.fuzzy {
            writeln!(out, "{}", style.dim("query: near spellings searched too"))?;
        }
        writeln!(out)?;
    }
    for (rank, hit) in response.hits.iter().enumerate() {
        let p = &hit.passage;
        if let Some(group) = response.groups.iter().find(|g| g.hits.first() == Some(&p.id)) {
            writeln!(out, "{}", style.bold(&format!("── {} · {} matching passages, {} shown", group.doc, group.total, group.hits.len())))?;
        }
        let rank = rank + if response.groups.is_empty() { response.offset } else { 0 };
        let authors = if p.authors.is_empty() { String::new() } else { format!("{} ", p.authors.join("; ")) };
        let year = p.year.map_or("n.d.".into(), |y| y.to_string());
        writeln!(out, "{} {} {}", style.bold(&format!("{}.", rank + 1)), style.bold(&p.title), style.dim(&format!("[{}]", p.id)))?;
        writeln!(out, "   {}({year}) · {} · {}", authors, p.citation.locator, p.section.as_deref().unwrap_or("—"))?;
        writeln!(out, "   {}", style.snippet(&hit.snippet))?;
        if !p.topics.is_empty() {
            writeln!(out, "   {}", style.dim(&format!("topics: {}", p.topics.join(", "))))?;
        }
        // The locator first: after the reference it would read as part of its DOI URL.
        writeln!(out, "   {}", style.dim(&format!("cite: [{}] {}", p.citation.locator, p.citation.text)))?;
        if let Some(tagger) = tagger {
            let tags = tagger.tag(&p.text, &p.language, p.section.as_deref(), &[]);
            writeln!(out, "   {}", style.dim("why these topics (passage and heading evidence; the document's context is applied at indexing):"))?;
            evidence(&tags, out)?;
            writeln!(out, "   {}", style.dim(&format!("score {:.3}", hit.score)))?;
        }
        if let Some(e) = &hit.explain {
            writeln!(out, "   {}", style.dim(&contribution(hit.score, e)))?;
        }
        writeln!(out)?;
    }
    if response.total > response.hits.len() {
        writeln!(out, "{}", style.dim(&format!("{} of {} shown; --limit N shows more", response.hits.len(), folio::plural(response.total, "passage"))))?;
    }
    if show_facets {
        facets(style, response, out)?;
    }
    Ok(())
}

/// "score 0.81 = lexical 0.52 (BM25 11.2) + semantic 0.29 (cosine 0.47)".
fn contribution(score: f32, e: &folio::wire::HitExplain) -> String {
    let bm25 = e.bm25.map_or("words did not match".into(), |b| format!("BM25 {b:.2}"));
    let cosine = e.cosine.map_or("no vector".into(), |c| format!("cosine {c:.3}"));
    format!("score {score:.3} = lexical {:.3} ({bm25}) + semantic {:.3} ({cosine})", e.lexical, e.semantic)
}

fn facets(style: &Style, response: &SearchResponse, out: &mut dyn Write) -> Result<()> {
    for (name, counts) in &response.facets {
        if counts.is_empty() {
            continue;
        }
        let mut counts: Vec<(&String, &u64)> = counts.iter().collect();
        counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let shown: Vec<String> = counts.iter().map(|(v, c)| format!("{v} ({c})")).collect();
        writeln!(out, "{}: {}", style.bold(name), shown.join(", "))?;
    }
    Ok(())
}

/// One citation form per hit; a BibTeX entry or CSL-JSON item once per document.
pub fn citations(open: &OpenIndex, response: &SearchResponse, form: cite::CiteFormat, style: &CitationStyle, out: &mut dyn Write) -> Result<()> {
    let presenter = Presenter::new(open, style);
    if form == cite::CiteFormat::CslJson {
        let mut items: Vec<serde_json::Value> = vec![];
        for hit in &response.hits {
            let item = cite::csl_json(&presenter.meta(&hit.passage.doc)?, &hit.passage.title);
            if !items.contains(&item) {
                items.push(item);
            }
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
        return Ok(());
    }
    let mut seen = HashSet::new();
    for hit in &response.hits {
        let p = &hit.passage;
        if form == cite::CiteFormat::Bibtex && !seen.insert(p.doc.clone()) {
            continue;
        }
        writeln!(out, "{}", cite::format_citation(&p.doc, &p.locator(), &p.title, &presenter.meta(&p.doc)?, form, style)?)?;
    }
    Ok(())
}

/// Why each topic was (·) or was not (✓ marks the assigned ones) given.
/// ", near “attack”" for a term that counted because of a context word.
fn near(e: &folio::vocab::tagger::Evidence) -> String {
    e.near.as_ref().map_or(String::new(), |n| format!(", near “{n}”"))
}

pub fn evidence(tags: &Tags, out: &mut dyn Write) -> Result<()> {
    for (topic, evidence) in &tags.evidence {
        let assigned = if tags.topics.contains(topic) { "✓" } else { "·" };
        let parts: Vec<String> = evidence
            .iter()
            .map(|e| match e.source {
                "document" => e.term.clone(),
                "heading" => format!("heading: {} ×{} (w {}{})", e.term, e.count, e.weight, near(e)),
                _ => format!("{} ×{} (w {}{})", e.term, e.count, e.weight, near(e)),
            })
            .collect();
        writeln!(out, "   {assigned} {topic} {:.2}: {}", tags.scores.get(topic).copied().unwrap_or(0.0), parts.join("; "))?;
    }
    Ok(())
}

pub fn tags(tags: &Tags, explain: bool, out: &mut dyn Write) -> Result<()> {
    if tags.topics.is_empty() {
        writeln!(out, "(no topic)")?;
    }
    for t in &tags.topics {
        writeln!(out, "{t}\t{:.2}", tags.scores.get(t).copied().unwrap_or(0.0))?;
    }
    if explain {
        evidence(tags, out)?;
    }
    Ok(())
}

pub fn check(report: &CheckReport, corpus: &Path, out: &mut dyn Write) -> Result<()> {
    match report.status.as_str() {
        "fresh" => writeln!(out, "index is up to date with {} and the corpus is valid", corpus.display())?,
        "invalid" => {
            writeln!(out, "the corpus has {} problem(s):", report.problems.len())?;
            for p in &report.problems {
                writeln!(out, "  {p}")?;
            }
            if !report.stale_reasons.is_empty() {
                writeln!(out, "and the index is out of date ({})", report.stale_reasons.join("; "))?;
            }
        }
        _ => {
            writeln!(out, "index is out of date; run `folio index`:")?;
            for r in &report.stale_reasons {
                writeln!(out, "  {r}")?;
            }
        }
    }
    Ok(())
}

fn ellipsize(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

pub fn show(style: &Style, shown: &ShowResponse, out: &mut dyn Write) -> Result<()> {
    let passage = &shown.passage;
    writeln!(out, "{} {}", style.bold(&passage.title), style.dim(&format!("[{}]", passage.id)))?;
    let path: Vec<String> = passage.section_path.iter().map(|h| h.display()).collect();
    let path = if path.is_empty() { "—".into() } else { path.join(" › ") };
    writeln!(out, "{} · {} · {} · {}", passage.citation.locator, path, passage.kind.as_str(), passage.language)?;
    writeln!(out, "{}", style.dim(&format!("{} lines {}–{}", passage.source.path, passage.source.line_start, passage.source.line_end)))?;
    writeln!(out)?;
    if let Some(p) = &shown.previous {
        writeln!(out, "{}\n", style.dim(&format!("[{}] {}", p.id, ellipsize(&p.text, 200))))?;
    }
    writeln!(out, "{}\n", passage.text)?;
    if let Some(p) = &shown.next {
        writeln!(out, "{}\n", style.dim(&format!("[{}] {}", p.id, ellipsize(&p.text, 200))))?;
    }
    if !passage.topics.is_empty() {
        writeln!(out, "topics: {}", passage.topics.join(", "))?;
    }
    if !passage.cites.is_empty() {
        writeln!(out, "{}", style.bold("relies on:"))?;
        for c in &passage.cites {
            let text = c.reference.as_deref().and_then(|r| shown.references.iter().find(|p| p.id == r)).map_or("(no matching entry in the reference list)".to_string(), |p| p.text.clone());
            writeln!(out, "  [{}] {}", c.marker, text)?;
        }
    }
    writeln!(out, "{} [{}] {}", style.bold("cite:"), passage.citation.locator, passage.citation.text)?;
    Ok(())
}

/// Passages offered instead of one that is gone.
pub fn nearby(style: &Style, passages: &[folio::model::Passage], out: &mut dyn Write) -> Result<()> {
    for p in passages {
        writeln!(out, "{} ¶{} {}", style.dim(&format!("[{}]", p.id)), p.paragraph, ellipsize(&p.text, 160))?;
    }
    Ok(())
}

pub fn topics(style: &Style, topics: &TopicsResponse, out: &mut dyn Write) -> Result<()> {
    for t in &topics.topics {
        writeln!(out, "{:<24} {:>5}  {}", style.bold(&t.id), t.passages, t.label)?;
    }
    Ok(())
}

/// The cross-validated tagging figures beside the development ones.
fn cv_report(cv: &folio::engine::eval::CvReport, out: &mut dyn Write) -> Result<()> {
    let by = if cv.by == folio::engine::eval::FoldBy::Document { "document" } else { "passage" };
    writeln!(out, "cross-validated ({} folds by {by}; weights chosen on the training folds):", cv.folds)?;
    writeln!(out, "{:<24} {:>5} {:>5} {:>5} {:>4} {:>4}", "topic", "P", "R", "F1", "gold", "pred")?;
    for (t, s) in &cv.topics {
        writeln!(out, "{:<24} {:>5.2} {:>5.2} {:>5.2} {:>4} {:>4}", t, s.precision, s.recall, s.f1, s.support, s.predicted)?;
    }
    writeln!(out, "{:<24} {:>5.2} {:>5.2} {:>5.2}", "cv macro", cv.macro_precision, cv.macro_recall, cv.macro_f1)?;
    let show = |w: &folio::vocab::tagger::Weights| format!("scale {:.2} heading {:.2} document {:.2}", w.threshold_scale, w.heading, w.document);
    for (f, w) in cv.chosen.iter().enumerate() {
        writeln!(out, "  fold {}: {}", f + 1, show(w))?;
    }
    writeln!(out, "  on all items: {} (in-sample macro F1 {:.2})", show(&cv.chosen_on_all), cv.in_sample_macro_f1)?;
    Ok(())
}

pub fn eval(report: &Report, n_passages: usize, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "passages: {}   anchors: {}   coverage: {:.2}", n_passages, report.n_items, report.coverage)?;
    for a in &report.anchors_missing {
        writeln!(out, "  missing anchor: {a}")?;
    }
    for a in &report.anchors_ambiguous {
        writeln!(out, "  anchor in several passages: {a}")?;
    }
    writeln!(out, "junk strings found: {}   duplicated passages: {}", report.junk_found.len(), report.duplicate_passages.len())?;
    for j in &report.junk_found {
        writeln!(out, "  junk: {j}")?;
    }
    for (a, b) in &report.duplicate_passages {
        writeln!(out, "  duplicate: {a} inside {b}")?;
    }
    writeln!(out, "{:<24} {:>5} {:>5} {:>5} {:>4} {:>4}", "topic", "P", "R", "F1", "gold", "pred")?;
    for (t, s) in &report.topics {
        writeln!(out, "{:<24} {:>5.2} {:>5.2} {:>5.2} {:>4} {:>4}", t, s.precision, s.recall, s.f1, s.support, s.predicted)?;
    }
    writeln!(out, "{:<24} {:>5.2} {:>5.2} {:>5.2}", "macro", report.macro_precision, report.macro_recall, report.macro_f1)?;
    if let Some(cv) = &report.cv {
        cv_report(cv, out)?;
    }
    for (kind, s) in &report.queries {
        writeln!(out, "queries {:<6} n={:<3} MRR@10 {:.3}  recall@5 {:.3}", kind, s.n, s.mrr_at_10, s.recall_at_5)?;
    }
    for (kind, q, rank) in &report.query_ranks {
        writeln!(out, "  [{kind}] rank {:>4}  {q}", rank.map_or("-".into(), |r| r.to_string()))?;
    }
    Ok(())
}
