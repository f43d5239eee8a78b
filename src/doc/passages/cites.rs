//! Reference entries and the in-text markers that point at them: entries are
//! parsed first, then each paragraph's markers are removed from its text and
//! resolved to the passage id of the entry they name.

use std::collections::HashMap;

use super::draft::Draft;
use crate::doc::references::{self, Marker};
use crate::model::{passage_id, Cite, Kind, Reference};

/// Parsed entries by draft index, and each draft's resolved markers.
pub struct Resolved {
    pub entries: HashMap<usize, Reference>,
    pub cites: Vec<Vec<Cite>>,
}

/// Parses the reference and note entries, then strips and resolves every
/// other draft's markers (in place).
pub fn resolve(drafts: &mut [Draft], doc_key: &str) -> Resolved {
    let mut by_number: HashMap<String, usize> = HashMap::new();
    let mut entries: HashMap<usize, Reference> = HashMap::new();
    for (i, d) in drafts.iter().enumerate() {
        if matches!(d.kind, Kind::Reference | Kind::Note) {
            let r = references::parse_entry(d.marker.as_deref(), &d.text, &d.raw);
            if let Some(n) = &r.marker {
                by_number.entry(n.clone()).or_insert(i);
            }
            entries.insert(i, r);
        }
    }
    let id_of = |i: usize| passage_id::format(doc_key, u32::try_from(i + 1).unwrap_or(u32::MAX));
    let known = |n: &str| by_number.contains_key(n);
    let mut cites_of: Vec<Vec<Cite>> = vec![];
    for d in drafts.iter_mut() {
        if matches!(d.kind, Kind::Reference) {
            cites_of.push(vec![]);
            continue;
        }
        let (text, markers) = references::extract_markers(&d.text, &known);
        // A paragraph that is nothing but markers keeps them as its text.
        if !text.trim().is_empty() {
            d.text = text;
        }
        let mut cites = vec![];
        for Marker { label, numbers, author_year } in markers {
            if let Some((name, year)) = author_year {
                let reference = entries.iter().filter(|(_, r)| references::matches_author_year(r, &name, year)).map(|(i, _)| *i).min();
                cites.push(Cite { marker: label, reference: reference.map(id_of) });
            } else {
                for n in numbers {
                    cites.push(Cite { marker: n.clone(), reference: by_number.get(&n).map(|i| id_of(*i)) });
                }
            }
        }
        cites_of.push(cites);
    }
    Resolved { entries, cites: cites_of }
}
