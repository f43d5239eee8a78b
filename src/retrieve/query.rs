//! The query language, parsed leniently: words, "phrases", prefixes
//! (`sovereign*`), `AND`, `OR`, `NOT`, `+must`, `-exclude`, parentheses,
//! searched fields (`title:`, `abstract:` before a word, prefix or phrase) and
//! field filters (`topic:`, `doc:`, `lang:`, `kind:`, `author:`, `year:2015`
//! or `year:2010..2020`). Nothing a
//! user types is an error: what cannot be read is reported as a note and the
//! rest is searched.

/// How a clause takes part in its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    Should,
    Must,
    MustNot,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Word(String),
    Phrase(Vec<String>),
    /// Words starting with this text (`sovereign*`), lower-cased.
    Prefix(String),
    /// A word, prefix or phrase searched in one part of the passages only.
    Scoped(Scope, Box<Node>),
    Group(Vec<(Occur, Node)>),
}

/// Where a scoped clause is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The document's title (`title:`).
    Title,
    /// Abstract passages (`abstract:`).
    Abstract,
}

/// Fields that narrow where words are searched (not filters).
pub const SEARCH_FIELDS: &[&str] = &["title", "abstract"];

/// Shortest prefix searched as a prefix, in characters: shorter ones match
/// too much of the vocabulary to be useful.
pub const MIN_PREFIX_CHARS: usize = 3;

/// A field filter written in the query.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldFilter {
    pub field: String,
    pub value: String,
    pub negated: bool,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedQuery {
    pub clauses: Vec<(Occur, Node)>,
    pub filters: Vec<FieldFilter>,
    /// What was ignored or reinterpreted, in words a user understands.
    pub notes: Vec<String>,
}

pub const FILTER_FIELDS: &[&str] = &["topic", "doc", "lang", "kind", "author", "year"];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Phrase(Vec<String>),
    Field(String, String),
    Prefix(String),
    Scope(Scope),
    Open,
    Close,
    And,
    Or,
    Not,
    Plus,
    Minus,
}

const MAX_CLAUSES: usize = 512;

fn lex(input: &str, notes: &mut Vec<String>) -> Vec<Tok> {
    let chars: Vec<char> = input.chars().collect();
    let mut toks = vec![];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '"' | '“' | '”' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && !matches!(chars[j], '"' | '“' | '”') {
                    j += 1;
                }
                if j >= chars.len() {
                    notes.push("unclosed quote: the phrase runs to the end of the query".into());
                }
                let words: Vec<String> = chars[start..j.min(chars.len())]
                    .iter()
                    .collect::<String>()
                    .split_whitespace()
                    .map(str::to_string)
                    .collect();
                if !words.is_empty() {
                    toks.push(Tok::Phrase(words));
                }
                i = j + 1;
            }
            '(' => {
                toks.push(Tok::Open);
                i += 1;
            }
            ')' => {
                toks.push(Tok::Close);
                i += 1;
            }
            '+' if i + 1 < chars.len() && !chars[i + 1].is_whitespace() => {
                toks.push(Tok::Plus);
                i += 1;
            }
            '-' if i + 1 < chars.len() && !chars[i + 1].is_whitespace() && (i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '(') => {
                toks.push(Tok::Minus);
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '(' | ')' | '"' | '“' | '”') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                match word.as_str() {
                    "AND" | "&&" => toks.push(Tok::And),
                    "OR" | "||" => toks.push(Tok::Or),
                    "NOT" | "!" => toks.push(Tok::Not),
                    _ => lex_word(word, &mut toks, notes),
                }
            }
        }
    }
    toks
}

/// One word of the query: a field filter, a searched field, a prefix or a word.
fn lex_word(word: String, toks: &mut Vec<Tok>, notes: &mut Vec<String>) {
    let mut word = word;
    if let Some((field, value)) = word.split_once(':') {
        let field_l = field.to_lowercase();
        if FILTER_FIELDS.contains(&field_l.as_str()) && !value.is_empty() {
            toks.push(Tok::Field(field_l, value.to_string()));
            return;
        }
        if let Some(scope) = scope_of(&field_l) {
            // `title:word`, or `title:` before a "phrase".
            toks.push(Tok::Scope(scope));
            if value.is_empty() {
                return;
            }
            word = value.to_string();
        } else if !field.is_empty() && field.chars().all(char::is_alphabetic) && !value.starts_with("//") {
            let fields: Vec<String> = SEARCH_FIELDS.iter().chain(FILTER_FIELDS).map(|f| format!("{f}:")).collect();
            notes.push(format!("unknown field `{field}:` searched as words; fields are {}", fields.join(", ")));
        }
    }
    toks.push(prefix_or_word(word, notes));
}

fn scope_of(field: &str) -> Option<Scope> {
    match field {
        "title" => Some(Scope::Title),
        "abstract" => Some(Scope::Abstract),
        _ => None,
    }
}

/// `sovereign*` is a prefix; a star after fewer than three letters is a word.
fn prefix_or_word(word: String, notes: &mut Vec<String>) -> Tok {
    let Some(stem) = word.strip_suffix('*') else { return Tok::Word(word) };
    let stem = stem.trim_end_matches('*');
    if stem.chars().count() >= MIN_PREFIX_CHARS && stem.chars().all(char::is_alphanumeric) {
        return Tok::Prefix(stem.to_lowercase());
    }
    notes.push(format!("`{word}`: a prefix needs at least {MIN_PREFIX_CHARS} letters before `*`; searched as a word"));
    Tok::Word(stem.to_string())
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
    filters: Vec<FieldFilter>,
    notes: Vec<String>,
    n_clauses: usize,
}

impl Parser {
    /// The word, prefix or phrase after `title:` or `abstract:`.
    fn scoped(&mut self, scope: Scope) -> Option<Node> {
        let inner = match self.toks.get(self.pos).cloned() {
            Some(Tok::Word(w)) => Node::Word(w),
            Some(Tok::Phrase(ws)) => Node::Phrase(ws),
            Some(Tok::Prefix(p)) => Node::Prefix(p),
            _ => {
                self.notes.push("`title:` or `abstract:` with no word, prefix or phrase after it ignored".into());
                return None;
            }
        };
        self.pos += 1;
        Some(Node::Scoped(scope, Box::new(inner)))
    }

    /// Reads clauses up to the `)` that closes this group (true) or the end (false).
    fn group(&mut self) -> (Vec<(Occur, Node)>, bool) {
        let mut clauses: Vec<(Occur, Node)> = vec![];
        let mut pending: Option<Occur> = None;
        let mut and_next = false;
        while self.pos < self.toks.len() {
            let tok = self.toks[self.pos].clone();
            self.pos += 1;
            let node = match tok {
                Tok::Close if self.depth > 0 => return (clauses, true),
                Tok::Close => {
                    self.notes.push("unmatched `)` ignored".into());
                    continue;
                }
                Tok::And => {
                    if let Some(last) = clauses.last_mut() {
                        if last.0 == Occur::Should {
                            last.0 = Occur::Must;
                        }
                        and_next = true;
                    } else {
                        self.notes.push("`AND` with nothing before it ignored".into());
                    }
                    continue;
                }
                Tok::Or => continue,
                Tok::Not | Tok::Minus => {
                    pending = Some(Occur::MustNot);
                    continue;
                }
                Tok::Plus => {
                    pending = Some(Occur::Must);
                    continue;
                }
                Tok::Open => {
                    self.depth += 1;
                    let (inner, closed) = self.group();
                    self.depth -= 1;
                    if !closed {
                        self.notes.push("unclosed `(`: closed at the end of the query".into());
                    }
                    if inner.is_empty() {
                        continue;
                    }
                    Node::Group(inner)
                }
                Tok::Field(field, value) => {
                    self.filters.push(FieldFilter { field, value, negated: pending.take() == Some(Occur::MustNot) });
                    and_next = false;
                    continue;
                }
                Tok::Scope(scope) => match self.scoped(scope) {
                    Some(node) => node,
                    None => continue,
                },
                Tok::Word(w) => Node::Word(w),
                Tok::Phrase(words) => Node::Phrase(words),
                Tok::Prefix(p) => Node::Prefix(p),
            };
            self.n_clauses += 1;
            if self.n_clauses > MAX_CLAUSES {
                if self.n_clauses == MAX_CLAUSES + 1 {
                    self.notes.push(format!("query longer than {MAX_CLAUSES} terms: the rest ignored"));
                }
                continue;
            }
            let occur = pending.take().unwrap_or(if and_next { Occur::Must } else { Occur::Should });
            and_next = false;
            clauses.push((occur, node));
        }
        (clauses, false)
    }
}

/// Parses a query; never fails.
pub fn parse(input: &str) -> ParsedQuery {
    let mut notes = vec![];
    let toks = lex(input, &mut notes);
    let mut parser = Parser { toks, pos: 0, depth: 0, filters: vec![], notes, n_clauses: 0 };
    let (clauses, _) = parser.group();
    ParsedQuery { clauses, filters: parser.filters, notes: parser.notes }
}

/// The words of the clauses that are not excluded, phrases' words included.
pub fn collect_words(clauses: &[(Occur, Node)], out: &mut Vec<String>) {
    for (occur, node) in clauses {
        if *occur == Occur::MustNot {
            continue;
        }
        match node {
            Node::Word(w) => out.push(w.clone()),
            Node::Phrase(ws) => out.extend(ws.iter().cloned()),
            Node::Prefix(_) => {}
            Node::Scoped(_, inner) => collect_words(&[(Occur::Should, (**inner).clone())], out),
            Node::Group(inner) => collect_words(inner, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Node {
        Node::Word(s.into())
    }

    #[test]
    fn words_phrases_and_operators() {
        let q = parse(r#"cyber "global commons" +sovereignty -debt"#);
        assert_eq!(
            q.clauses,
            vec![
                (Occur::Should, w("cyber")),
                (Occur::Should, Node::Phrase(vec!["global".into(), "commons".into()])),
                (Occur::Must, w("sovereignty")),
                (Occur::MustNot, w("debt")),
            ]
        );
        let q = parse("gge AND oewg OR igf NOT wsis");
        assert_eq!(q.clauses, vec![(Occur::Must, w("gge")), (Occur::Must, w("oewg")), (Occur::Should, w("igf")), (Occur::MustNot, w("wsis"))]);
    }

    #[test]
    fn filters_and_lenient_errors() {
        let q = parse("norms topic:cybercrime year:2010..2020 foo:bar");
        assert_eq!(q.filters.len(), 2);
        assert_eq!(q.clauses, vec![(Occur::Should, w("norms")), (Occur::Should, w("foo:bar"))]);
        assert!(q.notes[0].contains("unknown field `foo:`"));
        let q = parse(r#""unclosed phrase"#);
        assert_eq!(q.clauses.len(), 1);
        assert!(q.notes[0].contains("unclosed quote"));
        let q = parse("((a b) c");
        assert_eq!(q.clauses.len(), 1);
        assert!(!q.notes.is_empty());
        let q = parse(") a )");
        assert_eq!(q.clauses, vec![(Occur::Should, w("a"))]);
        assert!(parse("").clauses.is_empty());
        assert_eq!(parse(&"x ".repeat(10_000)).clauses.len(), MAX_CLAUSES);
    }
}
