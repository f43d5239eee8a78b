//! PDF page labels (/PageLabels in the catalog, PDF 32000 §12.4.2) with lopdf.
//!
//! lopdf 0.47 has no page-label API, so the number tree is walked here:
//! a node has either `/Nums [k1 dict1 k2 dict2 …]` (leaf) or `/Kids [refs]`.
//! Each dict gives the labelling range starting at physical index k:
//! `/S` style (D decimal, R/r roman, A/a letters; absent = prefix only),
//! `/P` prefix, `/St` first number (default 1).

use lopdf::{Document, Object};

/// One labelling range.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub start: usize,
    pub style: Option<u8>,
    pub prefix: String,
    pub first: i64,
}

/// Collect ranges from the number tree (depth-limited against loops).
fn walk(doc: &Document, node: &Object, depth: usize, out: &mut Vec<Range>) {
    if depth > 16 {
        return;
    }
    let Ok((_, node)) = doc.dereference(node) else { return };
    let Ok(dict) = node.as_dict() else { return };
    if let Ok(nums) = dict.get(b"Nums").and_then(|o| doc.dereference(o)).and_then(|(_, o)| o.as_array()) {
        for pair in nums.chunks(2) {
            let [k, v] = pair else { continue };
            let Ok(start) = k.as_i64() else { continue };
            let Ok((_, v)) = doc.dereference(v) else { continue };
            let Ok(d) = v.as_dict() else { continue };
            let style = d.get(b"S").ok().and_then(|s| s.as_name().ok()).and_then(|n| n.first().copied());
            let prefix = d
                .get(b"P")
                .ok()
                .and_then(|p| lopdf::decode_text_string(p).ok())
                .unwrap_or_default();
            let first = d.get(b"St").ok().and_then(|s| s.as_i64().ok()).unwrap_or(1);
            out.push(Range { start: start.max(0) as usize, style, prefix, first });
        }
    }
    if let Ok(kids) = dict.get(b"Kids").and_then(|o| doc.dereference(o)).and_then(|(_, o)| o.as_array()) {
        for kid in kids {
            walk(doc, kid, depth + 1, out);
        }
    }
}

/// Roman numeral, lower case; 0 and negatives fall back to decimal.
fn roman(mut n: i64) -> String {
    if n <= 0 {
        return n.to_string();
    }
    let table = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")];
    let mut s = String::new();
    for (v, r) in table {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// Letters: a..z, aa..zz, aaa.. (the spec's scheme, not base 26).
fn letters(n: i64) -> String {
    if n <= 0 {
        return n.to_string();
    }
    let c = (b'a' + ((n - 1) % 26) as u8) as char;
    std::iter::repeat_n(c, ((n - 1) / 26 + 1) as usize).collect()
}

/// Label of physical page `index` (0-based) under `ranges` sorted by start.
pub fn label_for(ranges: &[Range], index: usize) -> Option<String> {
    let r = ranges.iter().rev().find(|r| r.start <= index)?;
    let n = r.first + (index - r.start) as i64;
    let num = match r.style {
        Some(b'D') => n.to_string(),
        Some(b'r') => roman(n),
        Some(b'R') => roman(n).to_uppercase(),
        Some(b'a') => letters(n),
        Some(b'A') => letters(n).to_uppercase(),
        _ => String::new(),
    };
    Some(format!("{}{}", r.prefix, num))
}

/// Labels of all pages, or None when the document has no /PageLabels.
pub fn page_labels(doc: &Document, page_count: usize) -> Option<Vec<String>> {
    let root = doc.catalog().ok()?.get(b"PageLabels").ok()?;
    let mut ranges = vec![];
    walk(doc, root, 0, &mut ranges);
    if ranges.is_empty() {
        return None;
    }
    ranges.sort_by_key(|r| r.start);
    Some((0..page_count).map(|i| label_for(&ranges, i).unwrap_or_else(|| (i + 1).to_string())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_and_ranges() {
        let ranges = vec![
            Range { start: 0, style: Some(b'r'), prefix: String::new(), first: 1 },
            Range { start: 3, style: Some(b'D'), prefix: String::new(), first: 1 },
            Range { start: 6, style: Some(b'A'), prefix: "A-".into(), first: 1 },
            Range { start: 8, style: None, prefix: "Cover".into(), first: 1 },
        ];
        let got: Vec<_> = (0..9).map(|i| label_for(&ranges, i).unwrap()).collect();
        assert_eq!(got, ["i", "ii", "iii", "1", "2", "3", "A-A", "A-B", "Cover"]);
        assert_eq!(roman(1994), "mcmxciv");
        assert_eq!(letters(27), "aa");
    }
}
