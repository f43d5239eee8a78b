//! Unicode character classes used by the BERT tokenizer.
//!
//! HF tokenizers' `BertNormalizer`/`BertPreTokenizer` test a char for:
//! - *control*   : general category Cc, Cf or Co, except `\t \n \r` (HF's
//!   `is_other`; unlike Python BERT, *unassigned* code points are kept);
//! - *whitespace*: Rust's `char::is_whitespace` plus `\t \n \r`;
//! - *punctuation*: ASCII punctuation (so `$ + < = > ^ \` | ~` count, although
//!   they are Unicode symbols) or general category P*;
//! - *Chinese*   : the CJK Unified Ideograph blocks of the original BERT code,
//!   with HF's typo kept (Ext. D starts at 0x2B920 instead of 0x2B820);
//! - *nonspacing mark* (Mn): removed after NFD when stripping accents.
//!
//! Rather than ship our own Unicode tables we take the general-category ranges
//! from `regex-syntax` (already compiled into folio through `regex`), once, and
//! binary-search them.

use regex_syntax::hir::{Class, HirKind};
use std::sync::OnceLock;

/// Sorted, non-overlapping inclusive ranges of one Unicode class.
pub struct CharSet(Vec<(char, char)>);

impl CharSet {
    fn from_class(pattern: &str) -> CharSet {
        let hir = regex_syntax::Parser::new().parse(pattern).expect("static class pattern");
        match hir.kind() {
            HirKind::Class(Class::Unicode(cls)) => {
                CharSet(cls.ranges().iter().map(|r| (r.start(), r.end())).collect())
            }
            _ => panic!("{pattern} is not a Unicode class"),
        }
    }
    pub fn contains(&self, c: char) -> bool {
        self.0
            .binary_search_by(|&(lo, hi)| {
                if hi < c {
                    std::cmp::Ordering::Less
                } else if lo > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }
}

struct Classes {
    punct: CharSet,
    other: CharSet,
    mark_nonspacing: CharSet,
}

/// HF tokenizers takes its categories from the `unicode_categories` crate,
/// whose tables are Unicode 8.0: characters assigned later are *not*
/// punctuation/control/marks there (they end up inside words, usually as
/// [UNK]). To reproduce the training-time tokenisation exactly we intersect
/// today's categories with `Age <= 8.0` (regex-syntax ships the Age property).
fn as_of_unicode_8(class: &str) -> String {
    format!(r"[{class}&&\p{{age:8.0}}]")
}

fn classes() -> &'static Classes {
    static C: OnceLock<Classes> = OnceLock::new();
    C.get_or_init(|| Classes {
        punct: CharSet::from_class(&as_of_unicode_8(r"\p{P}")),
        other: CharSet::from_class(&as_of_unicode_8(r"[\p{Cc}\p{Cf}\p{Co}]")),
        mark_nonspacing: CharSet::from_class(&as_of_unicode_8(r"\p{Mn}")),
    })
}

pub fn is_control(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => false,
        c if c.is_ascii() => c.is_ascii_control(),
        c => classes().other.contains(c),
    }
}

pub fn is_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || c.is_whitespace()
}

pub fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    // U+166D and U+111C9 were Po in Unicode 8 (So and Mn today).
    matches!(c, '\u{166D}' | '\u{111C9}') || classes().punct.contains(c)
}

pub fn is_nonspacing_mark(c: char) -> bool {
    // Category changes since Unicode 8: U+1734 and U+1171E were Mn (now Mc);
    // U+A9BD was Mc, U+1885/U+1886 were Lo, U+111C9 was Po (all Mn now).
    match c {
        '\u{1734}' | '\u{1171E}' => true,
        '\u{A9BD}' | '\u{1885}' | '\u{1886}' | '\u{111C9}' => false,
        c => !c.is_ascii() && classes().mark_nonspacing.contains(c),
    }
}

/// The "Chinese character" ranges of the original BERT BasicTokenizer
/// (CJK Unified Ideographs and extensions, compatibility ideographs).
/// Hangul, kana etc. are deliberately not included. 0x2B920 (not 0x2B820)
/// reproduces HF tokenizers, which is what the model was trained with.
pub fn is_chinese(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F |
        0x2B740..=0x2B81F | 0x2B920..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}
