//! `folio check`: whether the index matches the corpus and the corpus is
//! valid (no warnings, readable taxonomy and thesaurus).

use super::resolve::{taxonomy_of, thesaurus_of};
use super::Engine;
use crate::error::{Error, Result};
use crate::source;
use crate::store::{self, Freshness};
use crate::wire::{CheckReport, FormatVersion};

impl Engine {
    /// Checks the corpus and the index. The report's status is "fresh",
    /// "stale", "missing" or "invalid" (the corpus has problems).
    pub fn check(&self) -> Result<CheckReport> {
        let scan = source::scan(&self.corpus)?;
        let mut problems: Vec<String> = scan.warnings.iter().map(ToString::to_string).collect();
        if let Err(e) = taxonomy_of(&scan) {
            problems.push(e.to_string());
        }
        if let Err(e) = thesaurus_of(&scan) {
            problems.push(e.to_string());
        }
        let freshness = match store::freshness(&self.index, &self.corpus) {
            Ok(f) => f,
            Err(e @ Error::SchemaMismatch { .. }) => Freshness::Stale(vec![e.to_string()]),
            Err(e) => return Err(e),
        };
        // Documents' own problems: from the index for unchanged ones, read afresh otherwise.
        let manifest = self.index.manifest().ok().flatten();
        for planned in &scan.docs {
            match (&freshness, manifest.as_ref().and_then(|m| m.docs.iter().find(|d| d.path == planned.file.rel_path))) {
                (Freshness::Fresh, Some(d)) => problems.extend(d.warnings.iter().map(ToString::to_string)),
                _ => problems.extend(source::read(planned).warnings.iter().map(ToString::to_string)),
            }
        }
        let stale_reasons = match &freshness {
            Freshness::Stale(r) => r.clone(),
            Freshness::Missing => vec!["no index; run `folio index`".into()],
            Freshness::Fresh => vec![],
        };
        let status = match (&freshness, problems.is_empty()) {
            (_, false) => "invalid",
            (Freshness::Fresh, true) => "fresh",
            (Freshness::Missing, true) => "missing",
            (Freshness::Stale(_), true) => "stale",
        };
        Ok(CheckReport { folio_json: FormatVersion, status: status.into(), fresh: freshness == Freshness::Fresh, stale_reasons, problems })
    }
}
