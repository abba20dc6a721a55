//! Warnings for locals that are never read: `let` clauses, `for` and quantifier
//! variables, comprehension variables. Names starting with `_` are exempt.

use crate::hir::{Body, Clause, Expr, ExprKind, FStringPart, LocalId, Program};
use pol_diagnostics::{Code, Diagnostic};

/// Unused-variable warnings for every body of the program.
pub(crate) fn check(program: &Program) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in &program.rules {
        let mut reads = vec![false; rule.body.locals.len()];
        for clause in &rule.clauses {
            clause_reads(clause, &mut reads);
        }
        expr_reads(&rule.message, &mut reads);
        if let Some(at) = &rule.at {
            expr_reads(at, &mut reads);
        }
        report(&rule.body, &reads, &[], &mut out);
    }
    for def in &program.fns {
        let mut reads = vec![false; def.body.locals.len()];
        expr_reads(&def.value, &mut reads);
        let params: Vec<LocalId> = def.params.iter().map(|p| p.local).collect();
        report(&def.body, &reads, &params, &mut out);
    }
    for def in &program.lets {
        let mut reads = vec![false; def.body.locals.len()];
        expr_reads(&def.value, &mut reads);
        report(&def.body, &reads, &[], &mut out);
    }
    out
}

fn report(body: &Body, reads: &[bool], params: &[LocalId], out: &mut Vec<Diagnostic>) {
    for (i, (local, read)) in body.locals.iter().zip(reads).enumerate() {
        let is_param = params.iter().any(|p| p.index() == i);
        if *read || local.name.starts_with('_') {
            continue;
        }
        let what = if is_param { "parameter" } else { "variable" };
        out.push(
            Diagnostic::warning(
                Code::UnusedVariable,
                local.span,
                format!("unused {what} `{}`", local.name),
            )
            .with_label("never read")
            .with_help(format!(
                "remove it, or name it `_{}` if it is there on purpose",
                local.name
            )),
        );
    }
}

fn mark(reads: &mut [bool], id: LocalId) {
    if let Some(r) = reads.get_mut(id.index()) {
        *r = true;
    }
}

fn clause_reads(clause: &Clause, reads: &mut [bool]) {
    match clause {
        Clause::For { iter, .. } => expr_reads(iter, reads),
        Clause::If(e) | Clause::Let { value: e, .. } => expr_reads(e, reads),
    }
}

fn expr_reads(e: &Expr, reads: &mut [bool]) {
    match &e.kind {
        ExprKind::Local(id) => mark(reads, *id),
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Let(_)
        | ExprKind::Input
        | ExprKind::Data
        | ExprKind::Error => {}
        ExprKind::FString(parts) => {
            for p in parts {
                if let FStringPart::Expr(e) = p {
                    expr_reads(e, reads);
                }
            }
        }
        ExprKind::Field { recv, .. } => expr_reads(recv, reads),
        ExprKind::Index { recv, index } => {
            expr_reads(recv, reads);
            expr_reads(index, reads);
        }
        ExprKind::Call { args, .. } | ExprKind::List(args) | ExprKind::Set(args) => {
            args.iter().for_each(|a| expr_reads(a, reads));
        }
        ExprKind::Unary { expr, .. } => expr_reads(expr, reads),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr_reads(lhs, reads);
            expr_reads(rhs, reads);
        }
        ExprKind::If { cond, then, els } => {
            expr_reads(cond, reads);
            expr_reads(then, reads);
            expr_reads(els, reads);
        }
        ExprKind::Quantified { iter, cond, .. } => {
            expr_reads(iter, reads);
            expr_reads(cond, reads);
        }
        ExprKind::Object(pairs) => {
            for (k, v) in pairs {
                expr_reads(k, reads);
                expr_reads(v, reads);
            }
        }
        ExprKind::ListComp { elem, clauses } | ExprKind::SetComp { elem, clauses } => {
            clauses.iter().for_each(|c| clause_reads(c, reads));
            expr_reads(elem, reads);
        }
        ExprKind::ObjectComp {
            key,
            value,
            clauses,
        } => {
            clauses.iter().for_each(|c| clause_reads(c, reads));
            expr_reads(key, reads);
            expr_reads(value, reads);
        }
    }
}
