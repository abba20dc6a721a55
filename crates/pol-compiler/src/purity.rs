//! Which lets depend on the input: the others are constants that an evaluator computes
//! once and keeps for every document.

use pol_check::hir::{self, Callee, Clause, ExprKind, FStringPart};

/// Memoized "reads `input`" for lets and functions (a function reads it when its body
/// does; its arguments are counted at each call).
pub struct InputUse<'p> {
    program: &'p hir::Program,
    lets: Vec<Option<bool>>,
    fns: Vec<Option<bool>>,
}

impl<'p> InputUse<'p> {
    pub fn new(program: &'p hir::Program) -> InputUse<'p> {
        InputUse {
            program,
            lets: vec![None; program.lets.len()],
            fns: vec![None; program.fns.len()],
        }
    }

    /// True when the let's value may depend on the input.
    pub fn let_reads(&mut self, id: hir::LetId) -> bool {
        if let Some(Some(known)) = self.lets.get(id.index()) {
            return *known;
        }
        // Assume the worst while computing: recursion is rejected by the checker anyway.
        if let Some(slot) = self.lets.get_mut(id.index()) {
            *slot = Some(true);
        }
        let program = self.program;
        let reads = program.let_def(id).is_none_or(|def| self.expr(&def.value));
        if let Some(slot) = self.lets.get_mut(id.index()) {
            *slot = Some(reads);
        }
        reads
    }

    fn fn_reads(&mut self, id: hir::FnId) -> bool {
        if let Some(Some(known)) = self.fns.get(id.index()) {
            return *known;
        }
        if let Some(slot) = self.fns.get_mut(id.index()) {
            *slot = Some(true);
        }
        let program = self.program;
        let reads = program.fn_def(id).is_none_or(|def| self.expr(&def.value));
        if let Some(slot) = self.fns.get_mut(id.index()) {
            *slot = Some(reads);
        }
        reads
    }

    fn clauses(&mut self, clauses: &[Clause]) -> bool {
        clauses.iter().any(|c| match c {
            Clause::For { iter, .. } => self.expr(iter),
            Clause::If(e) | Clause::Let { value: e, .. } => self.expr(e),
        })
    }

    fn exprs(&mut self, es: &[hir::Expr]) -> bool {
        es.iter().any(|e| self.expr(e))
    }

    /// True when the expression may depend on the input.
    pub fn expr(&mut self, e: &hir::Expr) -> bool {
        match &e.kind {
            // Data is fixed for an evaluation but not known when compiling: never folded.
            ExprKind::Input | ExprKind::Data | ExprKind::Error => true,
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Local(_) => false,
            ExprKind::Let(id) => self.let_reads(*id),
            ExprKind::FString(parts) => parts.iter().any(|p| match p {
                FStringPart::Text(_) => false,
                FStringPart::Expr(e) => self.expr(e),
            }),
            ExprKind::Field { recv, .. } | ExprKind::Unary { expr: recv, .. } => self.expr(recv),
            ExprKind::Index { recv, index } => self.expr(recv) || self.expr(index),
            ExprKind::Call { callee, args } => {
                let body = match callee {
                    Callee::User(id) => self.fn_reads(*id),
                    Callee::Builtin(_) => false,
                };
                body || self.exprs(args)
            }
            ExprKind::Binary { lhs, rhs, .. } => self.expr(lhs) || self.expr(rhs),
            ExprKind::If { cond, then, els } => {
                self.expr(cond) || self.expr(then) || self.expr(els)
            }
            ExprKind::Quantified { iter, cond, .. } => self.expr(iter) || self.expr(cond),
            ExprKind::List(items) | ExprKind::Set(items) => self.exprs(items),
            ExprKind::Object(pairs) => pairs.iter().any(|(k, v)| self.expr(k) || self.expr(v)),
            ExprKind::ListComp { elem, clauses } | ExprKind::SetComp { elem, clauses } => {
                self.clauses(clauses) || self.expr(elem)
            }
            ExprKind::ObjectComp {
                key,
                value,
                clauses,
            } => self.clauses(clauses) || self.expr(key) || self.expr(value),
        }
    }
}
