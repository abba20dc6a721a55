//! `pol fmt`: the canonical layout of a `.pol` file (`docs/fmt.md`).
//!
//! The formatter writes the source's own tokens and comments again, changing only the
//! whitespace between them: the syntax tree says where lines must start (items,
//! annotations, clauses, test statements) and where the author's line breaks are kept
//! (inside expressions, types and clauses); indentation follows brackets. Because no
//! token is changed, the formatted file is the same program; [`format_source`] checks
//! that it is (the same tokens, the same comments in the same order) before giving it
//! back, and gives an error rather than a file that lost anything.

mod elements;
mod layout;
mod printer;
mod spacing;
#[cfg(test)]
mod tests;

use crate::lexer::{FStrPiece, Token};
use crate::parse;
use pol_diagnostics::{Diagnostic, FileId};
use std::fmt;

/// Why a source was not formatted.
#[derive(Debug, Clone)]
pub enum FormatError {
    /// The source has lexical or syntax errors (all of them, as `parse` reports them):
    /// a file that does not parse is never formatted.
    Syntax(Vec<Diagnostic>),
    /// The layout would have changed a token (a bug in the formatter; the source is
    /// left as it is). The byte offset of the first token that differs.
    TokenChanged {
        /// Offset in the source.
        offset: usize,
    },
    /// The layout would have lost, added or reordered a comment (a bug in the
    /// formatter; the source is left as it is).
    CommentChanged {
        /// The first comment that differs, as written in the source (empty when the
        /// formatted text has one more).
        comment: String,
    },
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Syntax(diagnostics) => {
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(f, "the source does not parse ({errors} errors)")
            }
            FormatError::TokenChanged { offset } => write!(
                f,
                "formatting would change the token at byte {offset}; the source is left as it is"
            ),
            FormatError::CommentChanged { comment } => write!(
                f,
                "formatting would lose or move the comment `{comment}`; the source is left as it is"
            ),
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats one `.pol` source (the file `file` of a source map, for the diagnostics'
/// spans): gives the canonical text, which is `source` itself when it is formatted.
///
/// The result has the same tokens and the same comments, in the same order, as the
/// source; it is a fixed point (`format_source` of it gives it back unchanged).
///
/// # Errors
///
/// [`FormatError::Syntax`] when the source does not parse; the other variants when the
/// layout would have changed the program or a comment, which the formatter checks for
/// and never lets through.
///
/// ```
/// use pol_diagnostics::FileId;
/// use pol_syntax::fmt::format_source;
///
/// let source = "package a\nlet x=[1,2]   # two\ndeny r { for v in x if v>1\n message \"big\" }\n";
/// let formatted = format_source(FileId(0), source).expect("it parses");
/// assert_eq!(
///     formatted,
///     "package a\nlet x = [1, 2]  # two\ndeny r {\n  for v in x\n  if v > 1\n  message \"big\"\n}\n"
/// );
/// ```
pub fn format_source(file: FileId, source: &str) -> Result<String, FormatError> {
    let (tree, diagnostics) = parse(file, source);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(FormatError::Syntax(diagnostics));
    }
    let before = elements::split(source);
    let mut starts = Vec::with_capacity(before.elements.len());
    let mut braces = layout::Braces::default();
    for element in &before.elements {
        match element.token() {
            Some(Token::LBrace) => braces.opens.push(element.start),
            Some(Token::RBrace) => braces.closes.push(element.start),
            _ => {}
        }
        if element.token().is_some() {
            starts.push(element.start);
        }
    }
    let layout = layout::Layout::of(&tree, &starts, &braces);
    let formatted = printer::print(source, &before.elements, &layout);
    verify(source, &before, &formatted)?;
    Ok(formatted)
}

/// Checks that `formatted` has the tokens and comments of `source`, in order.
fn verify(source: &str, before: &elements::Split, formatted: &str) -> Result<(), FormatError> {
    let after = elements::split(formatted);
    if !after.clean {
        return Err(FormatError::TokenChanged { offset: 0 });
    }
    let same = before.tokens.len() == after.tokens.len()
        && before
            .tokens
            .iter()
            .zip(&after.tokens)
            .all(|(a, b)| same_token(a, b));
    if !same {
        let i = before
            .tokens
            .iter()
            .zip(&after.tokens)
            .take_while(|(a, b)| same_token(a, b))
            .count();
        let offset = before.token_starts.get(i).copied().unwrap_or(source.len());
        return Err(FormatError::TokenChanged { offset });
    }
    let comments_before = elements::comments(source, &before.elements);
    let comments_after = elements::comments(formatted, &after.elements);
    if let Some(i) = first_difference(&comments_before, &comments_after) {
        let comment = comments_before.get(i).copied().unwrap_or("").to_owned();
        return Err(FormatError::CommentChanged { comment });
    }
    Ok(())
}

/// Whether two tokens are the same but for where they are (an f-string's parts know
/// their offset in the file).
fn same_token(a: &Token, b: &Token) -> bool {
    match (a, b) {
        (Token::FStr(a), Token::FStr(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|pair| match pair {
                    (FStrPiece::Text(x), FStrPiece::Text(y)) => x == y,
                    (FStrPiece::Expr { src: x, .. }, FStrPiece::Expr { src: y, .. }) => x == y,
                    _ => false,
                })
        }
        _ => a == b,
    }
}

/// The index of the first element where `a` and `b` differ (or where the shorter ends).
fn first_difference<T: PartialEq>(a: &[T], b: &[T]) -> Option<usize> {
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    (common < a.len() || common < b.len()).then_some(common)
}
