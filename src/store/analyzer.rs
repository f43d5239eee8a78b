//! The tantivy adapter for `text`: folio's [`Analyzer`] registered with an
//! index under stable names ([`EXACT`] and `folio_<lang>`), emitting tantivy
//! tokens. Changing what the analyzers emit changes `text::ANALYZER_VERSION`.

use tantivy::tokenizer::{Token as TantivyToken, TokenStream, Tokenizer};

use crate::text::{Analyzer, Token, STEMMED_LANGUAGES};

/// The unstemmed analyzer: every passage is indexed through it.
pub const EXACT: &str = "folio_exact";

/// Name of the analyzer registered for a stemmed language.
pub fn stemmed_name(code: &str) -> String {
    format!("folio_{code}")
}

/// folio's analyzer as a tantivy tokenizer.
#[derive(Clone)]
struct TantivyAnalyzer {
    analyzer: Analyzer,
    tokens: Vec<Token>,
    converted: Vec<TantivyToken>,
}

impl TantivyAnalyzer {
    fn new(analyzer: Analyzer) -> TantivyAnalyzer {
        TantivyAnalyzer { analyzer, tokens: Vec::new(), converted: Vec::new() }
    }
}

impl Tokenizer for TantivyAnalyzer {
    type TokenStream<'a> = Stream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Stream<'a> {
        self.analyzer.tokens(text, &mut self.tokens);
        self.converted.clear();
        self.converted.extend(self.tokens.drain(..).map(|t| TantivyToken {
            offset_from: t.offset_from,
            offset_to: t.offset_to,
            position: t.position,
            text: t.text,
            position_length: 1,
        }));
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
    manager.register(EXACT, tantivy::tokenizer::TextAnalyzer::from(TantivyAnalyzer::new(Analyzer::exact())));
    for (code, algorithm) in STEMMED_LANGUAGES {
        manager.register(&stemmed_name(code), tantivy::tokenizer::TextAnalyzer::from(TantivyAnalyzer::new(Analyzer::new(Some(*algorithm)))));
    }
}
