//! Character normalisation of word text, applied once after parsing.
//!
//! * NFKC: ligatures ﬁ ﬂ ﬃ ﬀ → fi fl ffi ff, full-width forms, superscript
//!   digits ¹²³ → 123 (those are then plain digits; marker detection works
//!   on box geometry, not on the characters).
//! * U+2010/U+2011 (Unicode hyphens) → '-', so line-end hyphen logic sees one
//!   character. A trailing soft hyphen U+00AD is kept as-is: it marks a
//!   discretionary break and is always joined (see `dehyphen.rs`).
//!
//! poppler already expands the ligatures of pdfTeX's Computer Modern fonts
//! (they carry ToUnicode maps); NFKC covers producers whose ToUnicode maps a
//! ligature glyph to U+FB01…

use unicode_normalization::UnicodeNormalization;

pub fn word(s: &str) -> String {
    // Fast path: plain ASCII needs nothing.
    if s.is_ascii() {
        return s.to_string();
    }
    s.nfkc().map(|c| if c == '\u{2010}' || c == '\u{2011}' { '-' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ligatures_and_hyphens() {
        assert_eq!(super::word("o\u{FB03}cial"), "official");
        assert_eq!(super::word("\u{FB02}exible"), "flexible");
        assert_eq!(super::word("state\u{2010}"), "state-");
        assert_eq!(super::word("x\u{00B2}"), "x2");
    }
}
