//! Reference entries and the in-text markers that point at them: entries are
//! parsed first, then each paragraph's markers are removed from its text and
//! resolved to the passage id of the entry they name.

use std::collections::HashMap;

use super::draft::Draft;
use crate::doc::references::{self, Marker};
use crate::model::{Kind, Reference};

/// A marker as printed, and the draft index of the entry it points at.
pub type Marked = (String, Option<usize>);

/// Parsed entries by draft index, and each draft's resolved markers.
pub struct Resolved {
    pub entries: HashMap<usize, Reference>,
    pub cites: Vec<Vec<Marked>>,
}

/// Parses the reference and note entries, then strips and resolves every
/// other draft's markers (in place).
pub fn resolve(drafts: &mut [Draft]) -> Resolved {
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
    let known = |n: &str| by_number.contains_key(n);
    let mut cites_of: Vec<Vec<Marked>> = vec![];
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
                cites.push((label, reference));
            } else {
                for n in numbers {
                    cites.push((n.clone(), by_number.get(&n).copied()));
                }
            }
        }
        cites_of.push(cites);
    }
    Resolved { entries, cites: cites_of }
}
