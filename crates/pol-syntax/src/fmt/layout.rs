//! What the syntax tree tells the printer: where a line must start (items, annotations,
//! clauses, test statements, the braces of rule and test bodies), where the author's
//! line breaks are kept (inside expressions, types and clauses), and which tokens are
//! part of a type (where `<` and `>` are brackets, not comparisons).
//!
//! Only the top of the tree is walked (items and their direct parts), never into
//! expressions, so the walk is shallow whatever the source.

use crate::ast::{File, Item, ItemKind, TypeExpr};
use pol_diagnostics::Span;
use std::collections::{BTreeMap, BTreeSet};

/// A line that must start at a token.
#[derive(Debug, Clone, Copy)]
pub(super) struct LineStart {
    /// Its indentation, in levels.
    pub indent: usize,
    /// Whether a blank line the author left before it is kept (between items and
    /// between clauses; not inside an item's header).
    pub blank_ok: bool,
}

/// The layout facts of one file, by token offset.
#[derive(Debug, Default)]
pub(super) struct Layout {
    /// Tokens that start a line.
    line_starts: BTreeMap<usize, LineStart>,
    /// The `{` of rule and test bodies.
    block_opens: BTreeSet<usize>,
    /// Byte ranges in which a line break written by the author is kept.
    breakable: Vec<(usize, usize)>,
    /// Byte ranges of types.
    types: Vec<(usize, usize)>,
}

impl Layout {
    /// Gathers the layout of `file`; `starts` are the offsets of its code tokens, in
    /// order, and `braces` those of its `{` and `}` tokens.
    pub fn of(file: &File, starts: &[usize], braces: &Braces) -> Layout {
        let mut layout = Layout::default();
        for item in &file.items {
            layout.item(item, starts, braces);
        }
        layout.breakable.sort_unstable();
        layout.types.sort_unstable();
        layout
    }

    /// The line that must start at the token at `offset`, if any.
    pub fn line_start(&self, offset: usize) -> Option<LineStart> {
        self.line_starts.get(&offset).copied()
    }

    /// Whether the `{` at `offset` opens a rule or test body.
    pub fn opens_block(&self, offset: usize) -> bool {
        self.block_opens.contains(&offset)
    }

    /// Whether a line break before the token at `offset` is kept.
    pub fn breakable(&self, offset: usize) -> bool {
        within(&self.breakable, offset)
    }

    /// Whether the token at `offset` is part of a type.
    pub fn in_type(&self, offset: usize) -> bool {
        within(&self.types, offset)
    }

    fn item(&mut self, item: &Item, starts: &[usize], braces: &Braces) {
        // The item's first token (its span may begin with its doc comment).
        let begin = item.span.start as usize;
        if let Some(&first) = starts.get(starts.partition_point(|&s| s < begin)) {
            self.start(first, 0, true);
        }
        for annotation in item.annotations.iter().skip(1) {
            self.start(annotation.span.start as usize, 0, false);
        }
        for annotation in &item.annotations {
            for arg in &annotation.args {
                self.breakable.push(range(arg.span));
            }
        }
        if let Some(last) = item.annotations.last() {
            // The item's keyword: the first token after its annotations.
            let end = last.span.end as usize;
            if let Some(&keyword) = starts.get(starts.partition_point(|&s| s < end)) {
                self.start(keyword, 0, false);
            }
        }
        match &item.kind {
            ItemKind::InputType(ty) | ItemKind::DataType(ty) | ItemKind::Type { ty, .. } => {
                self.ty(ty)
            }
            ItemKind::Let { value, .. } => self.breakable.push(range(value.span)),
            ItemKind::Fn(decl) => {
                for ty in decl.params.iter().filter_map(|p| p.ty.as_ref()) {
                    self.ty(ty);
                }
                if let Some(ty) = &decl.ret {
                    self.ty(ty);
                }
                self.breakable.push(range(decl.body.span));
            }
            ItemKind::Rule(rule) => {
                let spans = rule.clauses.iter().map(|c| c.span);
                self.block(item, rule.name.span, spans, braces);
            }
            ItemKind::Test(test) => {
                let spans = test.stmts.iter().map(|s| s.span);
                self.block(item, test.name_span, spans, braces);
            }
            ItemKind::Package(_) | ItemKind::Import { .. } | ItemKind::Error => {}
        }
    }

    /// A rule or test body: `{` after the name, one line per clause or statement, and
    /// `}` (the item's last token) on a line of its own.
    fn block(
        &mut self,
        item: &Item,
        name: Span,
        parts: impl Iterator<Item = Span>,
        braces: &Braces,
    ) {
        let Some(open) = braces.open_after(name.end as usize) else {
            return;
        };
        self.block_opens.insert(open);
        for span in parts {
            self.start(span.start as usize, 1, true);
            self.breakable.push(range(span));
        }
        if let Some(close) = braces
            .close_before(item.span.end as usize)
            .filter(|&c| c > open)
        {
            self.start(close, 0, false);
        }
    }

    fn ty(&mut self, ty: &TypeExpr) {
        self.breakable.push(range(ty.span));
        self.types.push(range(ty.span));
    }

    fn start(&mut self, offset: usize, indent: usize, blank_ok: bool) {
        self.line_starts
            .insert(offset, LineStart { indent, blank_ok });
    }
}

/// The offsets of the `{` and `}` tokens of a file, in order.
#[derive(Debug, Default)]
pub(super) struct Braces {
    /// Offsets of `{`.
    pub opens: Vec<usize>,
    /// Offsets of `}`.
    pub closes: Vec<usize>,
}

impl Braces {
    /// The first `{` at or after `offset`.
    fn open_after(&self, offset: usize) -> Option<usize> {
        let i = self.opens.partition_point(|&o| o < offset);
        self.opens.get(i).copied()
    }

    /// The last `}` that starts before `end`.
    fn close_before(&self, end: usize) -> Option<usize> {
        let i = self.closes.partition_point(|&c| c < end);
        i.checked_sub(1).and_then(|i| self.closes.get(i)).copied()
    }
}

fn range(span: Span) -> (usize, usize) {
    (span.start as usize, span.end as usize)
}

/// Whether `offset` lies in one of `ranges` (sorted by start; ranges of one kind come
/// from distinct parts of the tree and do not overlap).
fn within(ranges: &[(usize, usize)], offset: usize) -> bool {
    let i = ranges.partition_point(|&(start, _)| start <= offset);
    i.checked_sub(1)
        .and_then(|i| ranges.get(i))
        .is_some_and(|&(start, end)| start <= offset && offset < end)
}
