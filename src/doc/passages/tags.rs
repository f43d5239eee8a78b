//! Language and topics of a document's drafts: the document's language from
//! its body, each passage's with it as the prior; topic evidence per passage,
//! its heading's, and the whole document's as context.

use std::collections::HashMap;

use super::draft::Draft;
use crate::model::Kind;
use crate::text::lang;
use crate::vocab::tagger::{RawEvidence, Tagger, Tags};

/// The document's language and each draft's.
pub fn languages(drafts: &[Draft]) -> (String, Vec<String>) {
    let body_sample: String = drafts.iter().filter(|d| d.kind == Kind::Body).map(|d| d.text.as_str()).collect::<Vec<_>>().join(" ").chars().take(2_000).collect();
    let doc_lang = lang::detect(&body_sample, None);
    let languages = drafts.iter().map(|d| lang::detect(&d.text, Some(&doc_lang))).collect();
    (doc_lang, languages)
}

/// Topics of each draft (empty for kinds that are not tagged: references,
/// notes, biographies).
pub fn tag_all(drafts: &[Draft], languages: &[String], tagger: &Tagger) -> Vec<Tags> {
    let evidences: Vec<Option<RawEvidence>> =
        drafts.iter().zip(languages).map(|(d, l)| matches!(d.kind, Kind::Body | Kind::Abstract).then(|| tagger.evidence(&d.text, l))).collect();
    let context = tagger.document_context(&evidences.iter().flatten().collect::<Vec<_>>());
    // Many passages share a heading: its evidence is computed once per heading and language.
    let mut heading_evidence: HashMap<(String, String), RawEvidence> = HashMap::new();
    for ((d, language), ev) in drafts.iter().zip(languages).zip(&evidences) {
        if let (Some(h), Some(_)) = (d.section_path.last(), ev) {
            heading_evidence.entry((h.text.clone(), language.clone())).or_insert_with(|| tagger.evidence(&h.text, language));
        }
    }
    drafts
        .iter()
        .zip(languages)
        .zip(evidences)
        .map(|((d, language), evidence)| match evidence {
            Some(ev) => {
                let heading_ev = d.section_path.last().and_then(|h| heading_evidence.get(&(h.text.clone(), language.clone())));
                tagger.tag_with(&d.text, ev, heading_ev, &context)
            }
            None => Tags::default(),
        })
        .collect()
}
