//! Rule annotations: `@id`, `@severity`, `@tags` and `@url`, checked and read; and the
//! one annotation of a type, `@kind`, the kind of input document it describes.

use crate::hir::{RuleKind, Severity};
use crate::suggest::{closest, did_you_mean};
use pol_diagnostics::{Code, Diagnostic, Span};
use pol_syntax::ast::{Annotation, ExprKind, Item};
use std::collections::BTreeMap;

/// The annotations pol knows, as written after `@`.
const KNOWN: &[&str] = &["id", "severity", "tags", "url"];

/// What a rule's annotations say, with defaults for the missing ones.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RuleMeta {
    pub id: Option<String>,
    pub severity: Severity,
    pub tags: Vec<String>,
    pub url: Option<String>,
}

/// Reports every annotation of an item that is not a rule (E0024), but `@kind` on a
/// type.
pub(crate) fn report_misplaced(item: &Item, diags: &mut Vec<Diagnostic>) {
    let is_type = matches!(item.kind, pol_syntax::ast::ItemKind::Type { .. });
    let is_let = matches!(item.kind, pol_syntax::ast::ItemKind::Let { .. });
    for a in &item.annotations {
        if (is_type && a.name.text == "kind") || (is_let && a.name.text == "option") {
            continue;
        }
        diags.push(
            Diagnostic::error(
                Code::MisplacedAnnotation,
                a.span,
                format!("`@{}` is not allowed here", a.name.text),
            )
            .with_label("annotations belong to rules")
            .with_help("annotations can only be put before a `deny` or `warn` rule"),
        );
    }
}

/// Whether a let is an option (`@option`, no arguments) that a user may set
/// (`pol.toml`, `Evaluator::set_option`); its default must be a literal: a string,
/// an int, a bool, or a list or set of strings (E0026).
pub(crate) fn let_option(
    annotations: &[Annotation],
    value: &pol_syntax::ast::Expr,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let Some(a) = annotations.iter().find(|a| a.name.text == "option") else {
        return false;
    };
    use pol_syntax::ast::ExprKind as E;
    let strings =
        |items: &[pol_syntax::ast::Expr]| items.iter().all(|i| matches!(i.kind, E::Str(_)));
    let literal = match &value.kind {
        E::Str(_) | E::Int(_) | E::Bool(_) => true,
        E::List(items) | E::Set(items) => strings(items),
        _ => false,
    };
    if !a.args.is_empty() || !literal {
        diags.push(
            Diagnostic::error(
                Code::InvalidAnnotation,
                a.span,
                "an option is `@option` before a `let` whose value is a literal".to_owned(),
            )
            .with_label("invalid option")
            .with_help("write `@option let name = [\"a\", \"b\"]`: a string, an int, a bool, or a list or set of strings, without arguments"),
        );
        return false;
    }
    true
}

/// The kind of input document a type describes (`@kind("github-workflow")`), checked:
/// lowercase letters, digits and `-` (E0026), once (E0027).
pub(crate) fn type_kind(annotations: &[Annotation], diags: &mut Vec<Diagnostic>) -> Option<String> {
    let mut found: Option<(String, Span)> = None;
    for a in annotations.iter().filter(|a| a.name.text == "kind") {
        if let Some((_, first)) = &found {
            diags.push(repeated(a, *first));
            continue;
        }
        let Some(args) = string_args(a, diags) else {
            continue;
        };
        let help = "write it as `@kind(\"github-workflow\")`: lowercase letters, digits and `-`";
        if let Some(kind) = single(a, args, help, diags) {
            let valid = !kind.is_empty()
                && kind
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if valid {
                found = Some((kind, a.span));
            } else {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidAnnotation,
                        a.span,
                        format!("`{kind}` is not a kind name"),
                    )
                    .with_label("invalid kind")
                    .with_help(help),
                );
            }
        }
    }
    found.map(|(kind, _)| kind)
}

/// Reads a rule's annotations, reporting unknown ones (E0025), bad arguments (E0026)
/// and repeated ones (E0027).
pub(crate) fn rule_meta(
    annotations: &[Annotation],
    kind: RuleKind,
    diags: &mut Vec<Diagnostic>,
) -> RuleMeta {
    let mut meta = RuleMeta {
        id: None,
        severity: Severity::default_for(kind),
        tags: Vec::new(),
        url: None,
    };
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for a in annotations {
        let name = a.name.text.as_str();
        if !KNOWN.contains(&name) {
            diags.push(unknown(a));
            continue;
        }
        if let Some(&first) = seen.get(name) {
            diags.push(repeated(a, first));
            continue;
        }
        seen.insert(name, a.span);
        apply(a, &mut meta, diags);
    }
    meta
}

fn apply(a: &Annotation, meta: &mut RuleMeta, diags: &mut Vec<Diagnostic>) {
    let Some(args) = string_args(a, diags) else {
        return;
    };
    match a.name.text.as_str() {
        "id" => meta.id = single(a, args, "write it as `@id(\"GHA001\")`", diags),
        "url" => meta.url = single(a, args, "write it as `@url(\"https://...\")`", diags),
        "severity" => {
            let help = format!("write it as `@severity(\"high\")`; {}", severities());
            if let Some(s) = single(a, args, &help, diags) {
                meta.severity = severity(a, &s, diags).unwrap_or(meta.severity);
            }
        }
        _ => meta.tags = tags(a, args, diags),
    }
}

/// The arguments as strings, or `None` after reporting one that is not a string
/// literal (E0026).
fn string_args(a: &Annotation, diags: &mut Vec<Diagnostic>) -> Option<Vec<(String, Span)>> {
    let mut out = Vec::new();
    for arg in &a.args {
        match &arg.kind {
            ExprKind::Str(s) => out.push((s.clone(), arg.span)),
            ExprKind::Error => return None,
            _ => {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidAnnotation,
                        arg.span,
                        format!("the arguments of `@{}` must be string literals", a.name.text),
                    )
                    .with_label("not a string literal")
                    .with_help("annotations are read at compile time: write the value as a string, e.g. `\"high\"`"),
                );
                return None;
            }
        }
    }
    Some(out)
}

/// The one non-empty string argument of `@id`, `@url` or `@severity`.
fn single(
    a: &Annotation,
    args: Vec<(String, Span)>,
    help: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let given = args.len();
    let mut args = args.into_iter();
    match (args.next(), given) {
        (Some((value, span)), 1) => non_empty(a, value, span, diags),
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::InvalidAnnotation,
                    a.span,
                    format!(
                        "`@{}` takes one string but {given} {} given",
                        a.name.text,
                        were(given)
                    ),
                )
                .with_label("wrong number of arguments")
                .with_help(help),
            );
            None
        }
    }
}

fn non_empty(
    a: &Annotation,
    value: String,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    if value.trim().is_empty() {
        diags.push(
            Diagnostic::error(
                Code::InvalidAnnotation,
                span,
                format!("the value of `@{}` is empty", a.name.text),
            )
            .with_label("empty string")
            .with_help("write a value, or remove the annotation"),
        );
        return None;
    }
    Some(value)
}

fn severity(a: &Annotation, value: &str, diags: &mut Vec<Diagnostic>) -> Option<Severity> {
    let found = Severity::from_name(value);
    if found.is_none() {
        let span = a.args.first().map_or(a.span, |arg| arg.span);
        let mut help = severities();
        if let Some(mean) = did_you_mean(value, Severity::ALL.iter().map(|s| s.as_str())) {
            help = format!("{mean} {help}");
        }
        diags.push(
            Diagnostic::error(
                Code::InvalidAnnotation,
                span,
                format!("unknown severity `{value}`"),
            )
            .with_label("not a severity")
            .with_help(help),
        );
    }
    found
}

/// "the severities are `info`, ...".
fn severities() -> String {
    let allowed: Vec<String> = Severity::ALL
        .iter()
        .map(|s| format!("`{}`", s.as_str()))
        .collect();
    format!("the severities are {}", allowed.join(", "))
}

fn tags(a: &Annotation, args: Vec<(String, Span)>, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    if args.is_empty() {
        diags.push(
            Diagnostic::error(
                Code::InvalidAnnotation,
                a.span,
                "`@tags` needs at least one tag",
            )
            .with_label("no tags given")
            .with_help("write it as `@tags(\"supply-chain\", \"github\")`"),
        );
    }
    args.into_iter()
        .filter_map(|(value, span)| non_empty(a, value, span, diags))
        .collect()
}

fn unknown(a: &Annotation) -> Diagnostic {
    let known: Vec<String> = KNOWN.iter().map(|k| format!("`@{k}`")).collect();
    let mut help = format!("the annotations are {}", known.join(", "));
    if let Some(mean) = closest(&a.name.text, KNOWN.iter().copied()) {
        help = format!("did you mean `@{mean}`? {help}");
    }
    Diagnostic::error(
        Code::UnknownAnnotation,
        a.name.span,
        format!("unknown annotation `@{}`", a.name.text),
    )
    .with_label("not a known annotation")
    .with_help(help)
}

fn repeated(a: &Annotation, first: Span) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateAnnotation,
        a.span,
        format!("`@{}` is given twice", a.name.text),
    )
    .with_label("given again here")
    .with_secondary(first, "first given here")
    .with_help("keep one of them")
}

fn were(n: usize) -> &'static str {
    if n == 1 { "was" } else { "were" }
}
