//! The tantivy adapter for `text`: folio's [`Analyzer`] registered with an
//! index under stable names ([`EXACT`] and `folio_<lang>`), emitting tantivy
//! tokens. Changing what the analyzers emit changes `text::ANALYZER_VERSION`.

use tantivy::tokenizer::{Token as TantivyToken, TokenStream, Tokenizer};

use crate::text::compound::gram_tokens;
use crate::text::{Analyzer, Token, STEMMED_LANGUAGES};

/// The unstemmed analyzer: every passage is indexed through it.
pub const EXACT: &str = "folio_exact";

/// The compound analyzer: trigrams of long words (see `text::compound`).
pub const GRAMS: &str = "folio_grams";

/// Name of the analyzer registered for a stemmed language.
pub fn stemmed_name(code: &str) -> String {
    format!("folio_{code}")
}

/// folio's analyzer as a tantivy tokenizer.
#[derive(Clone)]
struct TantivyAnalyzer {
    /// `None`: compound grams.
    analyzer: Option<Analyzer>,
    tokens: Vec<Token>,
    converted: Vec<TantivyToken>,
}

impl TantivyAnalyzer {
    fn new(analyzer: Option<Analyzer>) -> TantivyAnalyzer {
        TantivyAnalyzer { analyzer, tokens: Vec::new(), converted: Vec::new() }
    }
}

impl Tokenizer for TantivyAnalyzer {
    type TokenStream<'a> = Stream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Stream<'a> {
        match &self.analyzer {
            Some(analyzer) => analyzer.tokens(text, &mut self.tokens),
            None => gram_tokens(text, &mut self.tokens),
        }
        // Strings are swapped, not moved: both vectors keep a buffer per
        // token for the next text, so that tokens cost no allocation.
        self.converted.truncate(self.tokens.len());
        self.converted.resize_with(self.tokens.len(), TantivyToken::default);
        for (c, t) in self.converted.iter_mut().zip(self.tokens.iter_mut()) {
            c.offset_from = t.offset_from;
            c.offset_to = t.offset_to;
            c.position = t.position;
            c.position_length = 1;
            std::mem::swap(&mut c.text, &mut t.text);
        }
        Stream { tokens: &mut self.converted, index: 0 }
    }
}

struct Stream<'a> {
    tokens: &'a mut Vec<TantivyToken>,
    index: usize,
}

impl TokenStream for Stream<'_> {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &TantivyToken {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut TantivyToken {
        &mut self.tokens[self.index - 1]
    }
}

/// Registers every folio analyzer with a tantivy index.
pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(EXACT, tantivy::tokenizer::TextAnalyzer::from(TantivyAnalyzer::new(Some(Analyzer::exact()))));
    manager.register(GRAMS, tantivy::tokenizer::TextAnalyzer::from(TantivyAnalyzer::new(None)));
    for (code, algorithm) in STEMMED_LANGUAGES {
        manager.register(&stemmed_name(code), tantivy::tokenizer::TextAnalyzer::from(TantivyAnalyzer::new(Some(Analyzer::new(Some(*algorithm))))));
    }
}
