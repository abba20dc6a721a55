//! Lowering calls: `f(args)`, methods `x.f(args)` (lowered to `f(x, args)`) and
//! `alias.f(args)`; checks arities and literal regex and glob patterns.

use crate::builtins::Builtin;
use crate::collect::{Entry, ItemRef};
use crate::hir::{Callee, ExprKind as H, PackageId};
use crate::literals;
use crate::lower_expr::alias_text;
use crate::scope::{Lowerer, Node};
use crate::suggest::did_you_mean;
use pol_diagnostics::{Code, Diagnostic, Span};
use pol_syntax::ast::{self, ExprKind as A, Name};

/// How a call was written, for the arity message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `f(a, b)` or `alias.f(a, b)`
    Plain,
    /// `a.f(b)`: the receiver is the first argument.
    Method,
}

impl Lowerer<'_> {
    /// `func(args)`
    pub fn call(&mut self, func: &Name, args: &[ast::Expr], span: Span) -> H {
        let callee = self.resolve_fn(func);
        self.finish_call(callee, &func.text, args.iter().collect(), Form::Plain, span)
    }

    /// `recv.method(args)`: a call of `method` with `recv` first, or of a function of
    /// an imported package when `recv` is an import alias.
    pub fn method_call(
        &mut self,
        recv: &ast::Expr,
        method: &Name,
        args: &[ast::Expr],
        span: Span,
    ) -> H {
        match self.package_alias(recv) {
            Some(Some(package)) => {
                let callee = self.resolve_member_fn(recv, package, method);
                let shown = format!("{}.{}", alias_text(recv), method.text);
                self.finish_call(callee, &shown, args.iter().collect(), Form::Plain, span)
            }
            Some(None) => {
                self.exprs(args);
                H::Error
            }
            None => {
                let callee = self.resolve_fn(method);
                let all = std::iter::once(recv).chain(args).collect();
                self.finish_call(callee, &method.text, all, Form::Method, span)
            }
        }
    }

    fn finish_call(
        &mut self,
        callee: Option<Callee>,
        shown: &str,
        args: Vec<&ast::Expr>,
        form: Form,
        span: Span,
    ) -> H {
        let lowered = args.iter().map(|a| self.expr(a)).collect();
        let Some(callee) = callee else {
            return H::Error;
        };
        self.check_arity(callee, shown, args.len(), form, span);
        if let Some(d) = check_pattern(callee, &args) {
            self.diags.push(d);
        }
        H::Call {
            callee,
            args: lowered,
        }
    }

    /// A function of the package, else a builtin; reports an unknown one (E0101).
    fn resolve_fn(&mut self, name: &Name) -> Option<Callee> {
        if let Some(Entry {
            item: ItemRef::Fn(id),
            ..
        }) = self.env.item(&name.text)
        {
            self.depend(Node::Fn(id), name.span);
            return Some(Callee::User(id));
        }
        if let Some(builtin) = Builtin::from_name(&name.text) {
            return Some(Callee::Builtin(builtin));
        }
        if self.env.reports_unknown(self.env.package_id()) {
            let d = self.unknown_fn(name);
            self.diags.push(d);
        }
        None
    }

    fn unknown_fn(&self, name: &Name) -> Diagnostic {
        let mut d = Diagnostic::error(
            Code::UnknownFunction,
            name.span,
            format!("unknown function `{}`", name.text),
        )
        .with_label("not a builtin or a function of this package");
        let fns = self
            .env
            .package()
            .into_iter()
            .flat_map(|p| p.names_where(|i| matches!(i, ItemRef::Fn(_))));
        let candidates = fns.chain(Builtin::ALL.iter().map(|b| b.name()));
        if let Some(help) = did_you_mean(&name.text, candidates) {
            d = d.with_help(help);
        } else if self.local(&name.text).is_some() {
            d = d.with_help(format!("`{}` is a local value, not a function", name.text));
        } else if let Some(entry) = self.env.item(&name.text) {
            d = d.with_help(format!(
                "`{}` is {}, not a function",
                name.text,
                entry.item.describe()
            ));
        }
        d
    }

    /// `alias.name(...)`: a function of an imported package (E0101, E0108 otherwise).
    fn resolve_member_fn(
        &mut self,
        recv: &ast::Expr,
        package: PackageId,
        name: &Name,
    ) -> Option<Callee> {
        match self.env.item_in(package, &name.text) {
            Some(Entry {
                item: ItemRef::Fn(id),
                ..
            }) => {
                self.depend(Node::Fn(id), name.span);
                Some(Callee::User(id))
            }
            Some(entry) => {
                let shown = format!("{}.{}", alias_text(recv), name.text);
                self.diags.push(
                    Diagnostic::error(
                        Code::UnknownFunction,
                        name.span,
                        format!("`{shown}` is {}, not a function", entry.item.describe()),
                    )
                    .with_label("called here"),
                );
                None
            }
            None => {
                if self.env.reports_unknown(package) {
                    let d =
                        self.unknown_member(recv, package, name, |i| matches!(i, ItemRef::Fn(_)));
                    self.diags.push(d);
                }
                None
            }
        }
    }

    /// E0105 when the number of arguments is not the callee's.
    fn check_arity(&mut self, callee: Callee, shown: &str, given: usize, form: Form, span: Span) {
        let (expected, defined) = match callee {
            Callee::Builtin(b) => (b.arity(), None),
            Callee::User(id) => match self.env.col.fns.get(id.index()) {
                Some(def) => (def.decl.params.len(), Some(def.decl.name.span)),
                None => return,
            },
        };
        if expected == given {
            return;
        }
        let mut d = Diagnostic::error(
            Code::WrongArity,
            span,
            format!(
                "`{shown}` takes {} but {given} {} given",
                arguments(expected),
                were(given)
            ),
        )
        .with_label(format!("expected {}", arguments(expected)));
        if let Some(at) = defined {
            d = d.with_secondary(at, format!("`{shown}` is defined here"));
        }
        if form == Form::Method {
            d = d.with_help(format!(
                "in a method call the receiver is the first argument: `x.{shown}(y)` means `{shown}(x, y)`"
            ));
        }
        self.diags.push(d);
    }
}

/// E0109/E0110 when `matches` or `glob` gets a literal pattern that does not compile.
fn check_pattern(callee: Callee, args: &[&ast::Expr]) -> Option<Diagnostic> {
    let pattern = args.get(1)?;
    let A::Str(text) = &pattern.kind else {
        return None;
    };
    match callee {
        Callee::Builtin(Builtin::Matches) => literals::check_regex(text, pattern.span),
        Callee::Builtin(Builtin::Glob) => literals::check_glob(text, pattern.span),
        _ => None,
    }
}

fn arguments(n: usize) -> String {
    if n == 1 {
        "1 argument".to_string()
    } else {
        format!("{n} arguments")
    }
}

fn were(n: usize) -> &'static str {
    if n == 1 { "was" } else { "were" }
}
