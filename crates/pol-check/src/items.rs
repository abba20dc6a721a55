//! Lowering the program: packages, lets, functions, types, rules and tests, each in
//! the scope of the file it is written in.

use crate::collect::{Collected, Def};
use crate::hir::{DefInfo, FnDef, LetDef, PackageInfo, ParamDef, Program, TypeDef};
use crate::lower_test::lower_test;
use crate::rules::lower_rule;
use crate::scope::{Dep, Env, Lowerer};
use crate::types::lower_type;
use pol_diagnostics::{Code, Diagnostic};
use pol_syntax::ast::{self, FnDecl, Item, Name, TypeExpr};

/// The lowered program, with what the recursion check needs: the lets and functions
/// each let (`let_deps[i]`) and each function (`fn_deps[i]`) uses.
#[derive(Debug, Default)]
pub(crate) struct Lowered {
    pub program: Program,
    pub let_deps: Vec<Vec<Dep>>,
    pub fn_deps: Vec<Vec<Dep>>,
}

/// Lowers every definition collected in `col`.
pub(crate) fn lower_program(col: &Collected<'_>, diags: &mut Vec<Diagnostic>) -> Lowered {
    let mut out = Lowered::default();
    out.program.packages = col
        .packages
        .iter()
        .map(|p| package_info(col, p, diags))
        .collect();
    for def in &col.lets {
        let (let_def, deps) = lower_let(env(col, def), def, diags);
        out.program.lets.push(let_def);
        out.let_deps.push(deps);
    }
    for def in &col.fns {
        let (fn_def, deps) = lower_fn(env(col, def), def, diags);
        out.program.fns.push(fn_def);
        out.fn_deps.push(deps);
    }
    for def in &col.types {
        out.program
            .types
            .push(lower_type_def(env(col, def), def, diags));
    }
    let kinds: Vec<Option<Vec<String>>> = out
        .program
        .packages
        .iter()
        .map(|p| {
            p.input_type
                .as_ref()
                .and_then(|ty| input_kinds(&out.program, ty, 0))
        })
        .collect();
    for (package, kinds) in out.program.packages.iter_mut().zip(kinds) {
        package.input_kinds = kinds;
    }
    for def in &col.rules {
        // Rules cannot be referred to, so they take part in no cycle.
        let (rule, _) = lower_rule(env(col, def), def, diags);
        out.program.rules.push(rule);
    }
    duplicate_rule_ids(&out.program.rules, diags);
    for def in &col.tests {
        out.program
            .tests
            .push(lower_test(env(col, def), def, diags));
    }
    out
}

/// E0115 for a rule whose `@id` another rule of the program has already: outputs,
/// `--skip`/`--only`, baselines and SARIF name rules by id, so two would be one.
fn duplicate_rule_ids(rules: &[crate::hir::RuleDef], diags: &mut Vec<Diagnostic>) {
    let mut first: std::collections::HashMap<&str, &crate::hir::RuleDef> =
        std::collections::HashMap::new();
    for rule in rules {
        let Some(id) = rule.id.as_deref() else {
            continue;
        };
        match first.get(id) {
            Some(earlier) => diags.push(
                Diagnostic::error(
                    Code::DuplicateRuleId,
                    rule.info.name_span,
                    format!(
                        "`{}` has the id `{id}` of `{}`",
                        rule.info.qualified, earlier.info.qualified
                    ),
                )
                .with_label("second rule with this id")
                .with_secondary(earlier.info.name_span, "first rule with this id")
                .with_help(
                    "findings, `--skip`/`--only`, baselines and SARIF name rules by id: give each rule its own (a prefix of your own for your policies, such as `ACME001`)",
                ),
            ),
            None => {
                first.insert(id, rule);
            }
        }
    }
}

fn env<'a, T>(col: &'a Collected<'a>, def: &Def<'_, T>) -> Env<'a> {
    Env {
        col,
        unit: def.unit,
    }
}

/// The kinds of input document a type describes: the `@kind` of the named type it is
/// (or of the named types it names in turn), or of every member of a union; `None`
/// when some part has no kind (the package then applies to every document).
fn input_kinds(program: &Program, ty: &crate::hir::Type, depth: usize) -> Option<Vec<String>> {
    use crate::hir::Type;
    match ty {
        Type::Named(id) if depth < 16 => {
            let def = program.type_def(*id)?;
            match &def.kind {
                Some(kind) => Some(vec![kind.clone()]),
                None => input_kinds(program, &def.ty, depth + 1),
            }
        }
        Type::Union(members) => {
            let mut kinds = Vec::new();
            for member in members {
                for kind in input_kinds(program, member, depth + 1)? {
                    if !kinds.contains(&kind) {
                        kinds.push(kind);
                    }
                }
            }
            Some(kinds)
        }
        _ => None,
    }
}

fn package_info(
    col: &Collected<'_>,
    p: &crate::collect::Package<'_>,
    diags: &mut Vec<Diagnostic>,
) -> PackageInfo {
    let input_type = p
        .input_type
        .map(|(unit, ty)| lower_type(Env { col, unit }, ty, diags));
    let data_type = p
        .data_type
        .map(|(unit, ty)| lower_type(Env { col, unit }, ty, diags));
    PackageInfo {
        name: p.name.clone(),
        input_kinds: None,
        input_type,
        data_type,
        is_std: p.is_std,
        files: p.files.clone(),
    }
}

/// The name, package, span and docs of a definition.
pub(crate) fn def_info(env: Env<'_>, item: &Item, name: &Name) -> DefInfo {
    let package = env.package().map_or("", |p| p.name.as_str());
    let qualified = if package.is_empty() {
        name.text.clone()
    } else {
        format!("{package}.{}", name.text)
    };
    DefInfo {
        package: env.package_id(),
        name: name.text.clone(),
        qualified,
        span: item.span,
        name_span: name.span,
        docs: item.docs.clone(),
    }
}

fn lower_let(
    env: Env<'_>,
    def: &Def<'_, (&Name, &ast::Expr)>,
    diags: &mut Vec<Diagnostic>,
) -> (LetDef, Vec<Dep>) {
    let (name, value) = def.decl;
    let option = crate::annotations::let_option(&def.item.annotations, value, diags);
    let mut l = Lowerer::new(env);
    let value = l.expr(value);
    let (body, deps, mut found) = l.finish();
    diags.append(&mut found);
    (
        LetDef {
            info: def_info(env, def.item, name),
            body,
            value,
            option,
        },
        deps,
    )
}

fn lower_fn(
    env: Env<'_>,
    def: &Def<'_, &FnDecl>,
    diags: &mut Vec<Diagnostic>,
) -> (FnDef, Vec<Dep>) {
    let decl = def.decl;
    let mut l = Lowerer::new(env);
    let mut params = Vec::new();
    for param in &decl.params {
        let ty = param.ty.as_ref().map(|t| lower_type(env, t, &mut l.diags));
        params.push(ParamDef {
            local: l.bind(&param.name),
            ty,
        });
    }
    let ret = decl.ret.as_ref().map(|t| lower_type(env, t, &mut l.diags));
    let value = l.expr(&decl.body);
    let (body, deps, mut found) = l.finish();
    diags.append(&mut found);
    (
        FnDef {
            info: def_info(env, def.item, &decl.name),
            params,
            ret,
            body,
            value,
        },
        deps,
    )
}

fn lower_type_def(
    env: Env<'_>,
    def: &Def<'_, (&Name, &TypeExpr)>,
    diags: &mut Vec<Diagnostic>,
) -> TypeDef {
    let (name, ty) = def.decl;
    TypeDef {
        info: def_info(env, def.item, name),
        ty: lower_type(env, ty, diags),
        kind: crate::annotations::type_kind(&def.item.annotations, diags),
    }
}
