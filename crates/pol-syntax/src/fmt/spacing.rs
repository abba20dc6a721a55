//! Whether two tokens on one line are written with a space between them.
//!
//! Spaces go around binary operators, `=`, `->` and `|`, after `,` and `:`, and
//! between words; none inside brackets, around `.`, before `,` `:` `?`, after `@`, after
//! a unary `-` (but before another `-`), before the `(` of a call or the `[` of an index, nor around the `<` `>`
//! of `set<T>` and `map<T>`.

use crate::lexer::Token;

/// What the printer remembers of the token it wrote last.
#[derive(Debug, Clone)]
pub(super) struct Prev {
    /// The token.
    pub token: Token,
    /// It follows a `.`: a field or method name (keywords are names there).
    pub name: bool,
    /// It is a `-` that negates (no operand before it).
    pub unary: bool,
    /// It is part of a type.
    pub in_type: bool,
}

impl Prev {
    /// Whether the token closes an operand, so that `[` after it indexes and `-` after
    /// it subtracts.
    pub fn ends_operand(&self) -> bool {
        self.name
            || matches!(
                self.token,
                Token::Ident(_)
                    | Token::Int(_)
                    | Token::Float(_)
                    | Token::Str(_)
                    | Token::FStr(_)
                    | Token::Input
                    | Token::Data
                    | Token::True
                    | Token::False
                    | Token::Null
                    | Token::RParen
                    | Token::RBracket
                    | Token::RBrace
            )
    }
}

/// Whether `next` (part of a type when `next_in_type`) is written one space after `prev`.
pub(super) fn space_between(prev: &Prev, next: &Token, next_in_type: bool) -> bool {
    let glued_after = match prev.token {
        Token::LParen | Token::LBracket | Token::LBrace | Token::Dot | Token::AtSign => true,
        // `- -x` keeps its space (`--x` reads as a typo).
        Token::Minus => prev.unary && !matches!(next, Token::Minus),
        Token::Lt => prev.in_type,
        _ => false,
    };
    if glued_after {
        return false;
    }
    match next {
        Token::RParen
        | Token::RBracket
        | Token::RBrace
        | Token::Comma
        | Token::Dot
        | Token::Colon
        | Token::Question => false,
        Token::LParen => !(prev.name || matches!(prev.token, Token::Ident(_) | Token::Data)),
        Token::LBracket => !prev.ends_operand(),
        Token::Lt | Token::Gt => !next_in_type,
        _ => true,
    }
}
