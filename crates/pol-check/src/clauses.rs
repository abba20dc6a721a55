//! Lowering clauses (`for`, `if`, `let`) of rule bodies and comprehensions; each binds
//! its names for the clauses after it.

use crate::hir;
use crate::scope::Lowerer;
use pol_diagnostics::{Code, Diagnostic, Span};
use pol_syntax::ast::{self, ClauseKind};

impl Lowerer<'_> {
    /// Lowers a `for`, `if` or `let` clause, binding its names in the current scope.
    /// `message` and unparsable clauses give `None`; the caller deals with them.
    pub fn clause(&mut self, clause: &ast::Clause) -> Option<hir::Clause> {
        match &clause.kind {
            ClauseKind::For { key, value, iter } => {
                let iter = self.expr(iter);
                let key = key.as_ref().map(|k| self.bind(k));
                let value = self.bind(value);
                Some(hir::Clause::For { key, value, iter })
            }
            ClauseKind::If(cond) => Some(hir::Clause::If(self.expr(cond))),
            ClauseKind::Let { name, value } => {
                let value = self.expr(value);
                let local = self.bind(name);
                Some(hir::Clause::Let { local, value })
            }
            ClauseKind::Message { .. } | ClauseKind::Error => None,
        }
    }

    /// The clauses of a comprehension, which cannot contain `message` (E0023).
    pub fn comprehension_clauses(&mut self, clauses: &[ast::Clause]) -> Vec<hir::Clause> {
        let mut out = Vec::new();
        for clause in clauses {
            if let ClauseKind::Message { .. } = clause.kind {
                self.diags.push(message_in_comprehension(clause.span));
            }
            out.extend(self.clause(clause));
        }
        out
    }
}

fn message_in_comprehension(span: Span) -> Diagnostic {
    Diagnostic::error(Code::MessageNotLast, span, "`message` is only allowed as the last clause of a rule")
        .with_label("inside a comprehension")
        .with_help("a comprehension takes `for`, `if` and `let` clauses; its value is the expression before them")
}
