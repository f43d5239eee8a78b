//! Quality measurement on a gold set in the format of `shared/eval`: topic
//! tagging precision, recall and F1 per topic and macro-averaged; anchor
//! coverage, junk and duplicate checks on the passages; and retrieval MRR@10 and
//! recall@5 per query kind.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::OpenIndex;
use crate::model::Passage;
use crate::retrieve::{self, SearchRequest};

#[derive(Debug, Clone, Deserialize)]
pub struct LabelItem {
    pub anchor: String,
    pub topics: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Labels {
    pub items: Vec<LabelItem>,
    #[serde(default)]
    pub junk: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct QueryItem {
    pub q: String,
    pub relevant: Vec<String>,
    #[serde(default = "default_kind")]
    pub kind: String,
}

fn default_kind() -> String {
    "all".into()
}

/// Lower-case, every run of characters other than letters and digits folded to
/// one space (the gold set's normalisation).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim_end().to_string()
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TopicScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
    pub predicted: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct QueryKindScore {
    pub n: usize,
    pub mrr_at_10: f64,
    pub recall_at_5: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub n_items: usize,
    pub coverage: f64,
    pub anchors_missing: Vec<String>,
    pub anchors_ambiguous: Vec<String>,
    pub junk_found: Vec<String>,
    pub duplicate_passages: Vec<(String, String)>,
    pub topics: BTreeMap<String, TopicScore>,
    pub macro_precision: f64,
    pub macro_recall: f64,
    pub macro_f1: f64,
    pub queries: BTreeMap<String, QueryKindScore>,
    /// Per query: (kind, query, rank of the first relevant hit).
    pub query_ranks: Vec<(String, String, Option<usize>)>,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

/// Scores the passages against the labels, and search against the queries.
pub fn evaluate(passages: &[Passage], topic_ids: &[String], labels: &Labels, queries: Option<(&OpenIndex, &[QueryItem], retrieve::Mode)>) -> Result<Report> {
    let normalized: Vec<String> = passages.iter().map(|p| normalize(&p.text)).collect();
    let mut report = Report { n_items: labels.items.len(), ..Report::default() };
    score_tags(passages, &normalized, topic_ids, labels, &mut report);
    find_junk_and_duplicates(passages, &normalized, labels, &mut report);
    if let Some((open, queries, mode)) = queries {
        score_queries(open, queries, mode, &mut report)?;
    }
    Ok(report)
}

/// True positives, false positives and false negatives per topic.
#[derive(Default)]
struct Counts<'a> {
    tp: BTreeMap<&'a str, usize>,
    fp: BTreeMap<&'a str, usize>,
    fneg: BTreeMap<&'a str, usize>,
}

/// Anchor coverage and per-topic precision, recall and F1 with macro averages.
fn score_tags(passages: &[Passage], normalized: &[String], topic_ids: &[String], labels: &Labels, report: &mut Report) {
    let mut counts = Counts::default();
    let mut found = 0;
    for item in &labels.items {
        let anchor = normalize(&item.anchor);
        let hits: Vec<usize> = (0..passages.len()).filter(|&i| normalized[i].contains(&anchor)).collect();
        match hits.len() {
            0 => report.anchors_missing.push(item.anchor.clone()),
            1 => found += 1,
            _ => report.anchors_ambiguous.push(item.anchor.clone()),
        }
        let Some(gold) = &item.topics else { continue };
        let predicted: &[String] = hits.first().map_or(&[], |&i| &passages[i].topics);
        for t in topic_ids {
            match (gold.contains(t), predicted.contains(t)) {
                (true, true) => *counts.tp.entry(t).or_default() += 1,
                (false, true) => *counts.fp.entry(t).or_default() += 1,
                (true, false) => *counts.fneg.entry(t).or_default() += 1,
                _ => {}
            }
        }
    }
    report.coverage = if labels.items.is_empty() { 1.0 } else { found as f64 / labels.items.len() as f64 };
    for t in topic_ids {
        let get = |m: &BTreeMap<&str, usize>| m.get(t.as_str()).copied().unwrap_or(0);
        let (a, b, c) = (get(&counts.tp), get(&counts.fp), get(&counts.fneg));
        let precision = if a + b == 0 { if c == 0 { 1.0 } else { 0.0 } } else { a as f64 / (a + b) as f64 };
        let recall = if a + c == 0 { 1.0 } else { a as f64 / (a + c) as f64 };
        report.topics.insert(t.to_string(), TopicScore { precision, recall, f1: f1(precision, recall), support: a + c, predicted: a + b });
    }
    let n = report.topics.len().max(1) as f64;
    report.macro_precision = report.topics.values().map(|s| s.precision).sum::<f64>() / n;
    report.macro_recall = report.topics.values().map(|s| s.recall).sum::<f64>() / n;
    report.macro_f1 = report.topics.values().map(|s| s.f1).sum::<f64>() / n;
}

/// Junk strings found in passages, and passages contained in others.
fn find_junk_and_duplicates(passages: &[Passage], normalized: &[String], labels: &Labels, report: &mut Report) {
    for junk in &labels.junk {
        let j = normalize(junk);
        if passages.iter().any(|p| p.text.contains(junk.as_str())) || normalized.iter().any(|t| !j.is_empty() && t.contains(&j)) {
            report.junk_found.push(junk.clone());
        }
    }
    for i in 0..passages.len() {
        for j in 0..passages.len() {
            if i != j && !normalized[i].is_empty() && normalized[j].contains(&normalized[i]) && (normalized[i] != normalized[j] || i < j) {
                report.duplicate_passages.push((passages[i].id.clone(), passages[j].id.clone()));
            }
        }
    }
}

/// MRR@10 and recall@5 per query kind, and each query's rank.
fn score_queries(open: &OpenIndex, queries: &[QueryItem], mode: retrieve::Mode, report: &mut Report) -> Result<()> {
    let mut sums: BTreeMap<String, (usize, f64, f64)> = BTreeMap::new();
    for q in queries {
        let response = retrieve::search(open, &SearchRequest { query: q.q.clone(), limit: 10, mode, ..SearchRequest::default() })?;
        let anchors: Vec<String> = q.relevant.iter().map(|a| normalize(a)).collect();
        let rank = response.hits.iter().position(|h| {
            let t = normalize(&h.passage.text);
            anchors.iter().any(|a| t.contains(a))
        });
        for kind in [q.kind.clone(), "all".to_string()] {
            let e = sums.entry(kind).or_default();
            e.0 += 1;
            e.1 += rank.map_or(0.0, |r| 1.0 / (r + 1) as f64);
            e.2 += if rank.is_some_and(|r| r < 5) { 1.0 } else { 0.0 };
        }
        report.query_ranks.push((q.kind.clone(), q.q.clone(), rank.map(|r| r + 1)));
    }
    for (kind, (n, rr, r5)) in sums {
        report.queries.insert(kind, QueryKindScore { n, mrr_at_10: rr / n as f64, recall_at_5: r5 / n as f64 });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_matches_the_gold_set_readme() {
        assert_eq!(normalize("Freedom\" in the  Global—Governance!"), "freedom in the global governance");
        assert_eq!(normalize("“policy authority for Internet-related"), "policy authority for internet related");
    }
}
