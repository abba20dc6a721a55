//! The logos lexer: tokens of LANGUAGE.md §2, with hand-written scanners for strings.
//!
//! Lexical errors never stop the lexer: [`tokenize`] records them and goes on, giving
//! the parser a stand-in token (an empty string for a broken string literal) so that one
//! run reports every mistake of a file.

use logos::Logos;

/// A piece of an f-string as the lexer sees it: text, or the source of an `{expr}`.
#[derive(Debug, Clone, PartialEq)]
pub enum FStrPiece {
    /// Literal text, escapes and `{{`/`}}` resolved.
    Text(String),
    /// The source between `{` and `}`, and the byte offset where it starts in the file.
    Expr {
        /// The expression's source text.
        src: String,
        /// Offset of `src` in the file.
        offset: usize,
    },
}

/// What went wrong while lexing.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum LexErrorKind {
    /// A character that starts no token.
    #[default]
    UnexpectedChar,
    /// A string literal without its closing quote.
    UnterminatedString,
    /// A `\` escape that JSON does not define, or a bad code point.
    InvalidEscape,
    /// An integer literal above `u64::MAX`.
    IntegerTooLarge,
    /// A float literal that does not parse.
    InvalidNumber,
    /// A malformed f-string (stray `}`, empty or unterminated `{...}`).
    InvalidFString(&'static str),
    /// Text in single quotes (`'x'`), as other languages write strings: the text
    /// between them, or `None` when no `'` closes it on its line.
    SingleQuoted(Option<String>),
}

/// A lexical error; `at` narrows it to a part of the token (an escape, a brace).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LexError {
    /// What went wrong.
    pub kind: LexErrorKind,
    /// The exact byte range, when narrower than the token.
    pub at: Option<(usize, usize)>,
}

impl LexError {
    fn new(kind: LexErrorKind) -> LexError {
        LexError { kind, at: None }
    }

    fn at(kind: LexErrorKind, start: usize, end: usize) -> LexError {
        LexError {
            kind,
            at: Some((start, end)),
        }
    }
}

/// A token of the pol language.
#[derive(Logos, Debug, Clone, PartialEq)]
#[logos(error = LexError)]
#[logos(skip r"[ \t\r\n\f\u{FEFF}]+")]
#[logos(skip(r"#[^\n]*", allow_greedy = true))]
pub enum Token {
    /// `package`
    #[token("package")]
    Package,
    /// `import`
    #[token("import")]
    Import,
    /// `as`
    #[token("as")]
    As,
    /// `input`
    #[token("input")]
    Input,
    /// `data`: a name everywhere (the parser takes it as one) except where an item
    /// starts, where `data: Type` declares the reference data's type. A token of its
    /// own so that only `data`, not every identifier, can start an item.
    #[token("data")]
    Data,
    /// `type`
    #[token("type")]
    Type,
    /// `let`
    #[token("let")]
    Let,
    /// `fn`
    #[token("fn")]
    Fn,
    /// `deny`
    #[token("deny")]
    Deny,
    /// `warn`
    #[token("warn")]
    Warn,
    /// `for`
    #[token("for")]
    For,
    /// `in`
    #[token("in")]
    In,
    /// `if`
    #[token("if")]
    If,
    /// `then`
    #[token("then")]
    Then,
    /// `else`
    #[token("else")]
    Else,
    /// `not`
    #[token("not")]
    Not,
    /// `and`
    #[token("and")]
    And,
    /// `or`
    #[token("or")]
    Or,
    /// `any`
    #[token("any")]
    Any,
    /// `all`
    #[token("all")]
    All,
    /// `message`
    #[token("message")]
    Message,
    /// `at`
    #[token("at")]
    At,
    /// `test`
    #[token("test")]
    Test,
    /// `true`
    #[token("true")]
    True,
    /// `false`
    #[token("false")]
    False,
    /// `null`
    #[token("null")]
    Null,

    /// An identifier.
    #[regex("[A-Za-z_][A-Za-z0-9_]*", |lex| lex.slice().to_owned())]
    Ident(String),
    /// An unsigned integer literal (the sign is unary minus).
    #[regex("[0-9][0-9_]*", lex_int)]
    Int(u64),
    /// A float literal.
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9][0-9_]*)?", lex_float)]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9][0-9_]*", lex_float)]
    Float(f64),
    /// A plain or raw string literal, escapes resolved.
    #[token("\"", lex_string)]
    #[token("r\"", |lex| lex_raw_string(lex, 0))]
    #[token("r#\"", |lex| lex_raw_string(lex, 1))]
    #[token("'", lex_single_quoted)]
    Str(String),
    /// An f-string.
    #[token("f\"", lex_fstring)]
    FStr(Vec<FStrPiece>),
    /// A `///` line: its text, without the slashes and one leading space.
    #[regex(r"///[^\n]*", |lex| doc_text(lex.slice()), allow_greedy = true)]
    DocComment(String),

    /// `(`
    #[token("(")]
    LParen,
    /// `)`
    #[token(")")]
    RParen,
    /// `[`
    #[token("[")]
    LBracket,
    /// `]`
    #[token("]")]
    RBracket,
    /// `{`
    #[token("{")]
    LBrace,
    /// `}`
    #[token("}")]
    RBrace,
    /// `,`
    #[token(",")]
    Comma,
    /// `.`
    #[token(".")]
    Dot,
    /// `:`
    #[token(":")]
    Colon,
    /// `=`
    #[token("=")]
    Assign,
    /// `==`
    #[token("==")]
    EqEq,
    /// `!=`
    #[token("!=")]
    NotEq,
    /// `<`
    #[token("<")]
    Lt,
    /// `<=`
    #[token("<=")]
    Le,
    /// `>`
    #[token(">")]
    Gt,
    /// `>=`
    #[token(">=")]
    Ge,
    /// `+`
    #[token("+")]
    Plus,
    /// `-`
    #[token("-")]
    Minus,
    /// `*`
    #[token("*")]
    Star,
    /// `/`
    #[token("/")]
    Slash,
    /// `%`
    #[token("%")]
    Percent,
    /// `??`
    #[token("??")]
    Coalesce,
    /// `?`
    #[token("?")]
    Question,
    /// `@`
    #[token("@")]
    AtSign,
    /// `->`
    #[token("->")]
    Arrow,
    /// `|`
    #[token("|")]
    Pipe,

    /// Never produced from source: put in front of an f-string's `{expr}` so the one
    /// parser entry point parses an expression instead of a file.
    ExprStart,
}

impl Token {
    /// How a policy author would name this token in an error message.
    pub fn describe(&self) -> String {
        match self {
            Token::Ident(name) => format!("identifier `{name}`"),
            Token::Int(n) => format!("number `{n}`"),
            Token::Float(n) => format!("number `{n}`"),
            Token::Str(_) => "string".to_owned(),
            Token::FStr(_) => "f-string".to_owned(),
            Token::DocComment(_) => "doc comment".to_owned(),
            Token::ExprStart => "expression".to_owned(),
            other => format!("`{}`", other.text().unwrap_or("?")),
        }
    }

    /// The fixed text of a keyword or punctuation token.
    pub fn text(&self) -> Option<&'static str> {
        Some(match self {
            Token::Package => "package",
            Token::Import => "import",
            Token::As => "as",
            Token::Input => "input",
            Token::Data => "data",
            Token::Type => "type",
            Token::Let => "let",
            Token::Fn => "fn",
            Token::Deny => "deny",
            Token::Warn => "warn",
            Token::For => "for",
            Token::In => "in",
            Token::If => "if",
            Token::Then => "then",
            Token::Else => "else",
            Token::Not => "not",
            Token::And => "and",
            Token::Or => "or",
            Token::Any => "any",
            Token::All => "all",
            Token::Message => "message",
            Token::At => "at",
            Token::Test => "test",
            Token::True => "true",
            Token::False => "false",
            Token::Null => "null",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::Comma => ",",
            Token::Dot => ".",
            Token::Colon => ":",
            Token::Assign => "=",
            Token::EqEq => "==",
            Token::NotEq => "!=",
            Token::Lt => "<",
            Token::Le => "<=",
            Token::Gt => ">",
            Token::Ge => ">=",
            Token::Plus => "+",
            Token::Minus => "-",
            Token::Star => "*",
            Token::Slash => "/",
            Token::Percent => "%",
            Token::Coalesce => "??",
            Token::Question => "?",
            Token::AtSign => "@",
            Token::Arrow => "->",
            Token::Pipe => "|",
            _ => return None,
        })
    }
}

/// A token with its byte range.
pub type Spanned = (usize, Token, usize);

/// Lexes a whole source. Returns every token (with stand-ins where a literal was
/// broken) and every lexical error with its byte range.
pub fn tokenize(source: &str) -> (Vec<Spanned>, Vec<(LexError, usize, usize)>) {
    let mut tokens = Vec::new();
    let mut errors = Vec::new();
    for (result, span) in Token::lexer(source).spanned() {
        match result {
            Ok(token) => tokens.push((span.start, token, span.end)),
            Err(error) => {
                let stand_in = match error.kind {
                    LexErrorKind::SingleQuoted(ref text) => {
                        Some(Token::Str(text.clone().unwrap_or_default()))
                    }
                    LexErrorKind::UnterminatedString
                    | LexErrorKind::InvalidEscape
                    | LexErrorKind::InvalidFString(_) => Some(Token::Str(String::new())),
                    LexErrorKind::IntegerTooLarge => Some(Token::Int(0)),
                    LexErrorKind::InvalidNumber => Some(Token::Float(0.0)),
                    LexErrorKind::UnexpectedChar => None,
                };
                let (start, end) = error.at.unwrap_or((span.start, span.end));
                errors.push((error, start, end));
                if let Some(token) = stand_in {
                    tokens.push((span.start, token, span.end));
                }
            }
        }
    }
    (tokens, errors)
}

fn lex_int(lex: &mut logos::Lexer<'_, Token>) -> Result<u64, LexError> {
    let digits: String = lex.slice().chars().filter(|c| *c != '_').collect();
    digits
        .parse()
        .map_err(|_| LexError::new(LexErrorKind::IntegerTooLarge))
}

fn lex_float(lex: &mut logos::Lexer<'_, Token>) -> Result<f64, LexError> {
    let digits: String = lex.slice().chars().filter(|c| *c != '_').collect();
    match digits.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(LexError::new(LexErrorKind::InvalidNumber)),
    }
}

fn doc_text(slice: &str) -> String {
    let text = slice.strip_prefix("///").unwrap_or(slice);
    let text = text.strip_prefix(' ').unwrap_or(text);
    text.trim_end().to_owned()
}

/// Scans the body of a `"..."` string after its opening quote.
fn lex_string(lex: &mut logos::Lexer<'_, Token>) -> Result<String, LexError> {
    let base = lex.span().end;
    let rest = lex.remainder();
    let mut out = String::new();
    let mut error = None;
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                lex.bump(i + 1);
                return error.map_or(Ok(out), Err);
            }
            '\n' => break,
            '\\' => match unescape(rest, i) {
                Ok((ch, len)) => {
                    out.push(ch);
                    for _ in 1..len {
                        chars.next();
                    }
                }
                Err(len) => {
                    error.get_or_insert(LexError::at(
                        LexErrorKind::InvalidEscape,
                        base + i,
                        base + i + len,
                    ));
                    for _ in 1..len {
                        chars.next();
                    }
                }
            },
            c => out.push(c),
        }
    }
    let line_end = rest.find('\n').unwrap_or(rest.len());
    lex.bump(line_end);
    Err(LexError::new(LexErrorKind::UnterminatedString))
}

/// `'text'`: an error (strings take double quotes) that stands for a string, so that
/// the mistake is reported once; without a closing `'` on the line, the rest of the
/// line is taken.
fn lex_single_quoted(lex: &mut logos::Lexer<'_, Token>) -> Result<String, LexError> {
    let rest = lex.remainder();
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let line = rest.get(..line_end).unwrap_or("");
    match line.find('\'') {
        Some(close) => {
            let text = line.get(..close).unwrap_or("").to_owned();
            lex.bump(close + 1);
            Err(LexError::new(LexErrorKind::SingleQuoted(Some(text))))
        }
        None => {
            lex.bump(line_end);
            Err(LexError::new(LexErrorKind::SingleQuoted(None)))
        }
    }
}

/// Resolves the escape starting at `rest[i]` (a backslash). Returns the character and
/// how many characters (not bytes) the escape spans, or the span length of a bad escape.
fn unescape(rest: &str, i: usize) -> Result<(char, usize), usize> {
    let after = rest.get(i + 1..).unwrap_or("");
    let simple = match after.chars().next() {
        Some('"') => '"',
        Some('\\') => '\\',
        Some('/') => '/',
        Some('b') => '\u{8}',
        Some('f') => '\u{c}',
        Some('n') => '\n',
        Some('r') => '\r',
        Some('t') => '\t',
        Some('u') => return unescape_unicode(after.get(1..).unwrap_or("")),
        Some(c) if c != '\n' => return Err(1 + c.len_utf8()),
        _ => return Err(1),
    };
    Ok((simple, 2))
}

/// `\u{1F600}`, `\u00e9`, or a surrogate pair `\uD83D\uDE00`; `s` starts after `\u`.
fn unescape_unicode(s: &str) -> Result<(char, usize), usize> {
    if let Some(body) = s.strip_prefix('{') {
        let close = body
            .find('}')
            .filter(|&n| (1..=6).contains(&n))
            .ok_or(2usize)?;
        let hex = body.get(..close).ok_or(2usize)?;
        let code = u32::from_str_radix(hex, 16).map_err(|_| close + 4usize)?;
        let ch = char::from_u32(code).ok_or(close + 4)?;
        return Ok((ch, close + 4));
    }
    let first = hex4(s).ok_or(2usize)?;
    if (0xD800..0xDC00).contains(&first) {
        let low = s
            .get(4..)
            .and_then(|t| t.strip_prefix("\\u"))
            .and_then(hex4)
            .ok_or(6usize)?;
        if !(0xDC00..0xE000).contains(&low) {
            return Err(12);
        }
        let code = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
        return char::from_u32(code).map(|c| (c, 12)).ok_or(12);
    }
    char::from_u32(first).map(|c| (c, 6)).ok_or(6)
}

fn hex4(s: &str) -> Option<u32> {
    let hex = s.get(..4)?;
    if hex.chars().all(|c| c.is_ascii_hexdigit()) {
        u32::from_str_radix(hex, 16).ok()
    } else {
        None
    }
}

/// Scans a raw string `r"..."` (`hashes == 0`) or `r#"..."#` (`hashes == 1`).
fn lex_raw_string(lex: &mut logos::Lexer<'_, Token>, hashes: usize) -> Result<String, LexError> {
    let close = if hashes == 0 { "\"" } else { "\"#" };
    let rest = lex.remainder();
    if let Some(end) = rest.find(close) {
        let text = rest.get(..end).unwrap_or("").to_owned();
        lex.bump(end + close.len());
        Ok(text)
    } else {
        lex.bump(rest.len());
        Err(LexError::new(LexErrorKind::UnterminatedString))
    }
}

/// Scans an f-string after `f"`: text with escapes and `{{ }}`, and `{expr}` parts whose
/// source is kept for the parser (they may contain strings and nested braces).
fn lex_fstring(lex: &mut logos::Lexer<'_, Token>) -> Result<Vec<FStrPiece>, LexError> {
    let base = lex.span().end;
    let rest = lex.remainder();
    let mut scanner = FStringScanner {
        rest,
        base,
        pieces: Vec::new(),
        text: String::new(),
    };
    let (consumed, result) = scanner.run();
    lex.bump(consumed);
    result.map(|()| scanner.pieces)
}

struct FStringScanner<'a> {
    rest: &'a str,
    base: usize,
    pieces: Vec<FStrPiece>,
    text: String,
}

impl FStringScanner<'_> {
    /// Returns the bytes consumed and whether the f-string was well formed.
    fn run(&mut self) -> (usize, Result<(), LexError>) {
        let bytes = self.rest.as_bytes();
        let mut error = None;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'"' => {
                    self.flush_text();
                    return (i + 1, error.map_or(Ok(()), Err));
                }
                b'\n' => break,
                b'{' if bytes.get(i + 1) == Some(&b'{') => {
                    self.text.push('{');
                    i += 2;
                }
                b'}' if bytes.get(i + 1) == Some(&b'}') => {
                    self.text.push('}');
                    i += 2;
                }
                b'}' => {
                    error.get_or_insert(self.error("single `}`", i, i + 1));
                    i += 1;
                }
                b'{' => match self.interpolation(i) {
                    Ok(next) => i = next,
                    Err((e, next)) => {
                        error.get_or_insert(e);
                        i = next;
                    }
                },
                b'\\' => {
                    let len = match unescape(self.rest, i) {
                        Ok((ch, len)) => {
                            self.text.push(ch);
                            byte_len(self.rest, i, len)
                        }
                        Err(len) => {
                            let n = byte_len(self.rest, i, len);
                            error.get_or_insert(LexError::at(
                                LexErrorKind::InvalidEscape,
                                self.base + i,
                                self.base + i + n,
                            ));
                            n
                        }
                    };
                    i += len.max(1);
                }
                _ => {
                    let ch = self
                        .rest
                        .get(i..)
                        .and_then(|s| s.chars().next())
                        .unwrap_or('\u{fffd}');
                    self.text.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
        let consumed = i.min(self.rest.len());
        (
            consumed,
            Err(error.unwrap_or(LexError::new(LexErrorKind::UnterminatedString))),
        )
    }

    fn error(&self, what: &'static str, start: usize, end: usize) -> LexError {
        LexError::at(
            LexErrorKind::InvalidFString(what),
            self.base + start,
            self.base + end,
        )
    }

    fn flush_text(&mut self) {
        if !self.text.is_empty() {
            self.pieces
                .push(FStrPiece::Text(std::mem::take(&mut self.text)));
        }
    }

    /// Scans `{expr}` starting at the `{` at `open`; returns the index after `}`.
    fn interpolation(&mut self, open: usize) -> Result<usize, (LexError, usize)> {
        let bytes = self.rest.as_bytes();
        let mut depth = 0usize;
        let mut i = open + 1;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'{' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                b'}' => {
                    let src = self.rest.get(open + 1..i).unwrap_or("");
                    if src.trim().is_empty() {
                        return Err((self.error("empty `{}` in f-string", open, i + 1), i + 1));
                    }
                    self.flush_text();
                    self.pieces.push(FStrPiece::Expr {
                        src: src.to_owned(),
                        offset: self.base + open + 1,
                    });
                    return Ok(i + 1);
                }
                b'"' => i = skip_quoted(bytes, i),
                b'\n' => break,
                _ => {}
            }
            i += 1;
        }
        Err((self.error("`{` without a closing `}`", open, open + 1), i))
    }
}

/// Index of the closing quote of the string starting at `bytes[open]` (or of the end of
/// the line when it is unterminated); backslash escapes are skipped.
fn skip_quoted(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => return i,
            b'\n' => return i - 1,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    i
}

/// Bytes taken by `chars` characters of `s` from byte `start`.
fn byte_len(s: &str, start: usize, chars: usize) -> usize {
    s.get(start..)
        .map_or(1, |t| t.chars().take(chars).map(char::len_utf8).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(src: &str) -> Vec<Token> {
        let (tokens, errors) = tokenize(src);
        assert!(errors.is_empty(), "unexpected errors {errors:?}");
        tokens.into_iter().map(|(_, t, _)| t).collect()
    }

    fn errors(src: &str) -> Vec<(LexErrorKind, usize, usize)> {
        tokenize(src)
            .1
            .into_iter()
            .map(|(e, s, t)| (e.kind, s, t))
            .collect()
    }

    #[test]
    fn keywords_identifiers_and_comments() {
        assert_eq!(
            lex("let input_x = input # trailing\n  deny"),
            vec![
                Token::Let,
                Token::Ident("input_x".into()),
                Token::Assign,
                Token::Input,
                Token::Deny
            ]
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(
            lex("1_000 1.5 2e10 9223372036854775808 3.0e-2"),
            vec![
                Token::Int(1000),
                Token::Float(1.5),
                Token::Float(2e10),
                Token::Int(9_223_372_036_854_775_808),
                Token::Float(0.03)
            ]
        );
        assert_eq!(
            lex("x.0"),
            vec![Token::Ident("x".into()), Token::Dot, Token::Int(0)]
        );
        assert_eq!(
            errors("99999999999999999999999"),
            vec![(LexErrorKind::IntegerTooLarge, 0, 23)]
        );
    }

    #[test]
    fn string_escapes() {
        assert_eq!(
            lex(r#""a\"b\\c\/\n\t\u00e9\u{1F600}\uD83D\uDE00""#),
            vec![Token::Str("a\"b\\c/\n\té😀😀".into())]
        );
        assert_eq!(
            lex(r#""${{ github.event }}""#),
            vec![Token::Str("${{ github.event }}".into())]
        );
    }

    #[test]
    fn raw_strings_keep_backslashes_and_quotes() {
        assert_eq!(
            lex(r###"r"@[0-9a-f]{40}$" r#"say "hi"\n"#"###),
            vec![
                Token::Str("@[0-9a-f]{40}$".into()),
                Token::Str("say \"hi\"\\n".into())
            ]
        );
    }

    #[test]
    fn bad_strings_are_reported_and_lexing_goes_on() {
        assert_eq!(
            errors("\"abc\nlet"),
            vec![(LexErrorKind::UnterminatedString, 0, 4)]
        );
        assert_eq!(
            errors(r#""a\qb" x"#),
            vec![(LexErrorKind::InvalidEscape, 2, 4)]
        );
        let (tokens, _) = tokenize("\"oops\nlet x");
        assert_eq!(tokens.len(), 3, "{tokens:?}");
        assert_eq!(
            errors("let $ = 1"),
            vec![(LexErrorKind::UnexpectedChar, 4, 5)]
        );
    }

    #[test]
    fn fstrings() {
        let tokens = lex(r#"f"job {job_id}: {{literal}} {x["a"]}!""#);
        assert_eq!(
            tokens,
            vec![Token::FStr(vec![
                FStrPiece::Text("job ".into()),
                FStrPiece::Expr {
                    src: "job_id".into(),
                    offset: 7
                },
                FStrPiece::Text(": {literal} ".into()),
                FStrPiece::Expr {
                    src: "x[\"a\"]".into(),
                    offset: 29
                },
                FStrPiece::Text("!".into()),
            ])]
        );
        assert_eq!(
            lex(r#"f"{ {"k": 1}["k"] }""#),
            vec![Token::FStr(vec![FStrPiece::Expr {
                src: r#" {"k": 1}["k"] "#.into(),
                offset: 3
            }])]
        );
    }

    #[test]
    fn single_quotes_are_one_error_that_stands_for_a_string() {
        let tokens =
            |src: &str| -> Vec<Token> { tokenize(src).0.into_iter().map(|(_, t, _)| t).collect() };
        assert_eq!(
            tokens("x == 'a b' + 1"),
            [
                Token::Ident("x".into()),
                Token::EqEq,
                Token::Str("a b".into()),
                Token::Plus,
                Token::Int(1)
            ]
        );
        assert_eq!(
            errors("x == 'a b' + 1"),
            vec![(LexErrorKind::SingleQuoted(Some("a b".into())), 5, 10)]
        );
        assert_eq!(
            errors("x == 'open\ny"),
            vec![(LexErrorKind::SingleQuoted(None), 5, 10)]
        );
        assert_eq!(
            tokens("x == 'open\ny").last(),
            Some(&Token::Ident("y".into()))
        );
    }

    #[test]
    fn bad_fstrings() {
        assert_eq!(
            errors(r#"f"a}b""#),
            vec![(LexErrorKind::InvalidFString("single `}`"), 3, 4)]
        );
        assert_eq!(
            errors(r#"f"a{}""#),
            vec![(LexErrorKind::InvalidFString("empty `{}` in f-string"), 3, 5)]
        );
        assert_eq!(
            errors("f\"a{x\n"),
            vec![(
                LexErrorKind::InvalidFString("`{` without a closing `}`"),
                3,
                4
            )]
        );
    }

    #[test]
    fn doc_comments() {
        assert_eq!(
            lex("/// Hello.\n///\n# not doc\ndeny"),
            vec![
                Token::DocComment("Hello.".into()),
                Token::DocComment(String::new()),
                Token::Deny
            ]
        );
    }
}
