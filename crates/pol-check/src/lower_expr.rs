//! Lowering expressions: resolves names (locals, lets, `alias.name`) and rebuilds each
//! expression as HIR. Calls are in `calls.rs`, clauses in `clauses.rs`.

use crate::collect::{Entry, ItemRef};
use crate::hir::{self, ExprKind as H, PackageId};
use crate::literals;
use crate::scope::{Lowerer, Node};
use crate::suggest::{closest, did_you_mean};
use pol_diagnostics::{Code, Diagnostic, Span};
use pol_syntax::ast::{self, ExprKind as A, Name};

impl Lowerer<'_> {
    /// Lowers one expression, reporting what is wrong in it.
    pub fn expr(&mut self, e: &ast::Expr) -> hir::Expr {
        let kind = match &e.kind {
            A::Null => H::Null,
            A::Bool(b) => H::Bool(*b),
            A::Int(i) => H::Int(*i),
            A::IntOutOfRange(v) => {
                self.diags.push(literals::int_out_of_range(*v, e.span));
                H::Error
            }
            A::Float(f) => H::Float(*f),
            A::Str(s) => H::Str(s.clone()),
            A::FString(parts) => H::FString(parts.iter().map(|p| self.fstring_part(p)).collect()),
            A::Name(name) => self.name(name),
            A::Input => H::Input,
            A::Field { recv, name } => self.field(recv, name),
            A::Index { recv, index } => H::Index {
                recv: self.boxed(recv),
                index: self.boxed(index),
            },
            A::Call { func, args } => self.call(func, args, e.span),
            A::MethodCall { recv, method, args } => self.method_call(recv, method, args, e.span),
            A::Unary { op, expr } => H::Unary {
                op: *op,
                expr: self.boxed(expr),
            },
            A::Binary { op, lhs, rhs } => H::Binary {
                op: *op,
                lhs: self.boxed(lhs),
                rhs: self.boxed(rhs),
            },
            A::If { cond, then, els } => H::If {
                cond: self.boxed(cond),
                then: self.boxed(then),
                els: self.boxed(els),
            },
            A::Quantified {
                quantifier,
                key,
                value,
                iter,
                cond,
            } => self.quantified(*quantifier, key.as_ref(), value, iter, cond),
            A::List(items) => H::List(self.exprs(items)),
            A::Set(items) => H::Set(self.exprs(items)),
            A::Object(pairs) => H::Object(
                pairs
                    .iter()
                    .map(|(k, v)| (self.expr(k), self.expr(v)))
                    .collect(),
            ),
            A::ListComp { elem, clauses } => {
                self.comprehension(clauses, |l, clauses| H::ListComp {
                    elem: l.boxed(elem),
                    clauses,
                })
            }
            A::SetComp { elem, clauses } => self.comprehension(clauses, |l, clauses| H::SetComp {
                elem: l.boxed(elem),
                clauses,
            }),
            A::ObjectComp {
                key,
                value,
                clauses,
            } => self.comprehension(clauses, |l, clauses| H::ObjectComp {
                key: l.boxed(key),
                value: l.boxed(value),
                clauses,
            }),
            A::Error => H::Error,
        };
        hir::Expr::new(kind, e.span)
    }

    /// Lowers a list of expressions.
    pub fn exprs(&mut self, es: &[ast::Expr]) -> Vec<hir::Expr> {
        es.iter().map(|e| self.expr(e)).collect()
    }

    fn boxed(&mut self, e: &ast::Expr) -> Box<hir::Expr> {
        Box::new(self.expr(e))
    }

    fn fstring_part(&mut self, part: &ast::FStringPart) -> hir::FStringPart {
        match part {
            ast::FStringPart::Text(t) => hir::FStringPart::Text(t.clone()),
            ast::FStringPart::Expr(e) => hir::FStringPart::Expr(self.expr(e)),
        }
    }

    /// Lowers a comprehension: its clauses open a scope that its element expressions
    /// see; `make` builds the result from the lowered clauses.
    fn comprehension(
        &mut self,
        clauses: &[ast::Clause],
        make: impl FnOnce(&mut Self, Vec<hir::Clause>) -> H,
    ) -> H {
        let mark = self.enter();
        let lowered = self.comprehension_clauses(clauses);
        let kind = make(self, lowered);
        self.leave(mark);
        kind
    }

    fn quantified(
        &mut self,
        quantifier: ast::Quantifier,
        key: Option<&Name>,
        value: &Name,
        iter: &ast::Expr,
        cond: &ast::Expr,
    ) -> H {
        let iter = self.boxed(iter);
        let mark = self.enter();
        let key = key.map(|k| self.bind(k));
        let value = self.bind(value);
        let cond = self.boxed(cond);
        self.leave(mark);
        H::Quantified {
            quantifier,
            key,
            value,
            iter,
            cond,
        }
    }

    /// A bare name: a local, else a let of the package, else `data` (the reference
    /// data); anything else is reported.
    fn name(&mut self, name: &Name) -> H {
        if let Some(id) = self.local(&name.text) {
            return H::Local(id);
        }
        if let Some(entry) = self.env.item(&name.text) {
            return self.item_value(entry, &name.text, name.span);
        }
        if name.text == "data" {
            return H::Data;
        }
        if self.env.import(&name.text).is_some() {
            self.diags.push(package_as_value(name));
            return H::Error;
        }
        if self.env.reports_unknown(self.env.package_id()) {
            let d = self.unknown_name(name);
            self.diags.push(d);
        }
        H::Error
    }

    /// The value of a top-level item: a let, or an error for other kinds (E0113).
    fn item_value(&mut self, entry: Entry, shown: &str, span: Span) -> H {
        match entry.item {
            ItemRef::Let(id) => {
                self.depend(Node::Let(id), span);
                H::Let(id)
            }
            other => {
                self.diags.push(not_a_value(shown, other, span));
                H::Error
            }
        }
    }

    fn unknown_name(&self, name: &Name) -> Diagnostic {
        let lets = self
            .env
            .package()
            .into_iter()
            .flat_map(|p| p.names_where(|i| matches!(i, ItemRef::Let(_))));
        let candidates: Vec<&str> = self.locals_in_scope().chain(lets).collect();
        let mut d = Diagnostic::error(
            Code::UnknownName,
            name.span,
            format!("unknown name `{}`", name.text),
        )
        .with_label("not found in this scope");
        if let Some(help) = did_you_mean(&name.text, candidates) {
            d = d.with_help(help);
        } else if crate::builtins::Builtin::from_name(&name.text).is_some() {
            d = d.with_help(format!(
                "`{0}` is a builtin function: call it, as in `{0}(x)`",
                name.text
            ));
        }
        d
    }

    /// `recv.name`, where `recv` may be an import alias (`github.name`).
    fn field(&mut self, recv: &ast::Expr, name: &Name) -> H {
        if let Some(package) = self.package_alias(recv) {
            return match package {
                Some(package) => self.member_value(recv, package, name),
                None => H::Error,
            };
        }
        H::Field {
            recv: self.boxed(recv),
            name: name.text.clone(),
        }
    }

    /// `Some(package)` when `recv` is a bare name bound by an import (not hidden by a
    /// local); the inner `None` when that import's package is unknown (reported).
    pub fn package_alias(&self, recv: &ast::Expr) -> Option<Option<PackageId>> {
        let A::Name(alias) = &recv.kind else {
            return None;
        };
        if self.local(&alias.text).is_some() {
            return None;
        }
        self.env.import(&alias.text).map(|i| i.package)
    }

    fn member_value(&mut self, recv: &ast::Expr, package: PackageId, name: &Name) -> H {
        let shown = format!("{}.{}", alias_text(recv), name.text);
        match self.env.item_in(package, &name.text) {
            Some(entry) => self.item_value(entry, &shown, name.span),
            None => {
                if self.env.reports_unknown(package) {
                    let d =
                        self.unknown_member(recv, package, name, |i| matches!(i, ItemRef::Let(_)));
                    self.diags.push(d);
                }
                H::Error
            }
        }
    }

    /// E0108 for `alias.name` when the package has no such name; suggestions come from
    /// the names of the wanted kind.
    pub fn unknown_member(
        &self,
        recv: &ast::Expr,
        package: PackageId,
        name: &Name,
        kind: impl Fn(ItemRef) -> bool,
    ) -> Diagnostic {
        let package_info = self.env.col.package(package);
        let package_name = package_info.map_or("", |p| p.name.as_str());
        let mut d = Diagnostic::error(
            Code::UnknownMember,
            name.span,
            format!("package `{package_name}` has no member `{}`", name.text),
        )
        .with_label(format!("not defined in `{package_name}`"));
        let candidates = package_info.into_iter().flat_map(|p| p.names_where(&kind));
        if let Some(close) = closest(&name.text, candidates) {
            d = d.with_help(format!("did you mean `{}.{close}`?", alias_text(recv)));
        }
        d
    }
}

/// The alias text of a receiver that is a bare name.
pub(crate) fn alias_text(recv: &ast::Expr) -> &str {
    match &recv.kind {
        A::Name(n) => n.text.as_str(),
        _ => "",
    }
}

fn package_as_value(name: &Name) -> Diagnostic {
    Diagnostic::error(
        Code::NotAValue,
        name.span,
        format!("`{}` is an imported package, not a value", name.text),
    )
    .with_label("package used as a value")
    .with_help(format!(
        "refer to one of its members, as in `{}.name`",
        name.text
    ))
}

fn not_a_value(shown: &str, item: ItemRef, span: Span) -> Diagnostic {
    let help = match item {
        ItemRef::Fn(_) => format!("call it, as in `{shown}(...)`"),
        ItemRef::Rule(_) => "rules produce findings; they cannot be read as values".to_string(),
        ItemRef::Type(_) => {
            "types can only be used after `:` or `->`, and in `type` and `input` items".to_string()
        }
        ItemRef::Let(_) => String::new(),
    };
    Diagnostic::error(
        Code::NotAValue,
        span,
        format!("`{shown}` is {}, not a value", item.describe()),
    )
    .with_label("used as a value")
    .with_help(help)
}
