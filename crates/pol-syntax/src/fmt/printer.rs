//! The printer: writes tokens and comments again, one line at a time, deciding for each
//! token whether it starts a line (and at which indentation) or follows on the same line
//! (with or without a space). One loop over the tokens, no recursion.

use super::elements::{Element, ElementKind};
use super::layout::Layout;
use super::spacing::{Prev, space_between};
use crate::lexer::Token;

/// Spaces per indentation level.
const INDENT: usize = 2;

/// Spaces at least between code and a trailing comment.
const COMMENT_GAP: usize = 2;

/// One output line.
#[derive(Debug, Default)]
struct Line {
    /// Indentation, in levels.
    indent: usize,
    /// The code (or the comment of a comment line); empty for a blank line.
    text: String,
    /// A comment after the code.
    trailing: Option<String>,
}

/// A bracket still open.
#[derive(Debug, Clone, Copy)]
struct Open {
    /// Indentation of the line it is on.
    line_indent: usize,
    /// It is the `{` of a rule or test body.
    block: bool,
}

struct Printer<'a> {
    source: &'a str,
    layout: &'a Layout,
    lines: Vec<Line>,
    stack: Vec<Open>,
    /// Indentation of the item, clause or statement being written.
    stmt_indent: usize,
    prev: Option<Prev>,
    /// The current line ends with a comment: what follows goes on a new line.
    line_closed: bool,
    /// The last thing written is an opening bracket: no blank line follows it.
    after_opener: bool,
}

/// Lays `elements` of `source` out again.
pub(super) fn print(source: &str, elements: &[Element], layout: &Layout) -> String {
    let mut printer = Printer {
        source,
        layout,
        lines: Vec::new(),
        stack: Vec::new(),
        stmt_indent: 0,
        prev: None,
        line_closed: false,
        after_opener: false,
    };
    for (index, element) in elements.iter().enumerate() {
        match &element.kind {
            ElementKind::Code(token) => printer.code(element, token),
            ElementKind::Comment => {
                let next = elements.get(index + 1..).and_then(|rest| {
                    rest.iter()
                        .find_map(|e| e.token().map(|token| (e.start, token)))
                });
                printer.comment(element, next);
            }
        }
    }
    render(&printer.lines)
}

impl Printer<'_> {
    fn code(&mut self, element: &Element, token: &Token) {
        let start = element.start;
        let closes = matches!(token, Token::RParen | Token::RBracket | Token::RBrace);
        let forced = self.layout.line_start(start);
        if self.lines.is_empty() {
            self.new_line(forced.map_or(0, |f| f.indent), false);
        } else if let Some(forced) = forced {
            let blank = element.breaks >= 2 && forced.blank_ok && !self.after_opener;
            self.new_line(forced.indent, blank);
            self.stmt_indent = forced.indent;
        } else if self.line_closed || (element.breaks > 0 && self.layout.breakable(start)) {
            let blank = element.breaks >= 2 && !self.after_opener && !closes;
            self.new_line(self.continuation(closes), blank);
        } else if self
            .prev
            .as_ref()
            .is_some_and(|prev| space_between(prev, token, self.layout.in_type(start)))
        {
            self.push(" ");
        }
        self.push(element.text(self.source));
        let line_indent = self.lines.last().map_or(0, |l| l.indent);
        self.after_opener = false;
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => {
                let block = matches!(token, Token::LBrace) && self.layout.opens_block(start);
                self.stack.push(Open { line_indent, block });
                self.after_opener = true;
            }
            _ if closes => {
                self.stack.pop();
            }
            _ => {}
        }
        let name = self
            .prev
            .as_ref()
            .is_some_and(|p| matches!(p.token, Token::Dot));
        let unary =
            matches!(token, Token::Minus) && !self.prev.as_ref().is_some_and(Prev::ends_operand);
        self.prev = Some(Prev {
            token: token.clone(),
            name,
            unary,
            in_type: self.layout.in_type(start),
        });
        self.line_closed = false;
    }

    /// A comment: after the code of its line when the author wrote it there, else on a
    /// line of its own, indented as the code that follows it.
    fn comment(&mut self, element: &Element, next: Option<(usize, &Token)>) {
        let text = element.text(self.source);
        let trailing = element.breaks == 0
            && !self.line_closed
            && self.lines.last().is_some_and(|l| !l.text.is_empty());
        if trailing {
            if let Some(line) = self.lines.last_mut() {
                line.trailing = Some(text.to_owned());
            }
        } else {
            let blank = element.breaks >= 2 && !self.after_opener && !self.lines.is_empty();
            self.new_line(self.comment_indent(next), blank);
            self.push(text);
            self.after_opener = false;
        }
        self.line_closed = true;
    }

    /// The indentation of a line that continues the current item or clause: inside a
    /// bracket, one more than the line the bracket is on (a closing bracket: the same);
    /// elsewhere one more than the item or clause.
    fn continuation(&self, closes: bool) -> usize {
        match self.stack.last() {
            Some(open) if closes => open.line_indent,
            Some(open) if !open.block => open.line_indent + 1,
            _ => self.stmt_indent + 1,
        }
    }

    /// The indentation of a comment line before the token `next`: that of the line the
    /// token starts, or of the inside of the bracket the token closes.
    fn comment_indent(&self, next: Option<(usize, &Token)>) -> usize {
        let Some((start, token)) = next else {
            return 0;
        };
        let closes = matches!(token, Token::RParen | Token::RBracket | Token::RBrace);
        if closes && let Some(open) = self.stack.last() {
            return open.line_indent + 1;
        }
        match self.layout.line_start(start) {
            Some(forced) => forced.indent,
            None => self.continuation(false),
        }
    }

    fn new_line(&mut self, indent: usize, blank: bool) {
        if blank && self.lines.last().is_some_and(|l| !l.text.is_empty()) {
            self.lines.push(Line::default());
        }
        self.lines.push(Line {
            indent,
            ..Line::default()
        });
    }

    fn push(&mut self, text: &str) {
        if let Some(line) = self.lines.last_mut() {
            line.text.push_str(text);
        }
    }
}

/// The lines as text; trailing comments of consecutive lines start in one column.
fn render(lines: &[Line]) -> String {
    let mut out = String::new();
    let mut index = 0;
    while let Some(line) = lines.get(index) {
        if line.trailing.is_none() {
            write_code(&mut out, line);
            out.push('\n');
            index += 1;
            continue;
        }
        let run = lines
            .get(index..)
            .unwrap_or_default()
            .iter()
            .take_while(|l| l.trailing.is_some())
            .collect::<Vec<_>>();
        let column = run.iter().map(|l| width(l)).max().unwrap_or(0) + COMMENT_GAP;
        for line in &run {
            write_code(&mut out, line);
            let pad = column.saturating_sub(width(line));
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(line.trailing.as_deref().unwrap_or(""));
            out.push('\n');
        }
        index += run.len();
    }
    out
}

fn write_code(out: &mut String, line: &Line) {
    if !line.text.is_empty() {
        out.extend(std::iter::repeat_n(' ', line.indent * INDENT));
        out.push_str(&line.text);
    }
}

/// The width of a line's last row (a raw string may span rows).
fn width(line: &Line) -> usize {
    match line.text.rsplit_once('\n') {
        Some((_, last)) => last.chars().count(),
        None => line.indent * INDENT + line.text.chars().count(),
    }
}
