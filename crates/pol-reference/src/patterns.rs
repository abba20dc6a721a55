//! The builtins that interpret a pattern or a version: `matches`, `glob`,
//! `semver_compare`, `semver_satisfies`.

use crate::error::{Eval, fail};
use crate::eval::Evaluator;
use crate::ops::At;
use crate::value::Value;
use pol_diagnostics::Span;
use std::cmp::Ordering;

/// `matches(s, re)`: the regex (RE2 syntax) matches somewhere in `s`.
pub(crate) fn matches(ev: &mut Evaluator<'_>, s: &str, re: &str, span: Span) -> Eval<Value> {
    let compiled = ev
        .regexes
        .entry(re.to_owned())
        .or_insert_with(|| regex::Regex::new(re).map_err(|e| e.to_string()));
    match compiled {
        Ok(regex) => Ok(Value::Bool(regex.is_match(s))),
        Err(e) => Err(fail(
            span,
            format!("`matches`: invalid regular expression {re:?}: {e}"),
        )),
    }
}

/// `glob(s, pattern)`: the whole of `s` matches; `*` and `?` do not match `/`.
pub(crate) fn glob(ev: &mut Evaluator<'_>, s: &str, pattern: &str, span: Span) -> Eval<Value> {
    let compiled = ev.globs.entry(pattern.to_owned()).or_insert_with(|| {
        globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map(|g| g.compile_matcher())
            .map_err(|e| e.to_string())
    });
    match compiled {
        Ok(matcher) => Ok(Value::Bool(matcher.is_match(s))),
        Err(e) => Err(fail(span, format!("`glob`: invalid glob {pattern:?}: {e}"))),
    }
}

/// A version per semver.org, with an optional leading `v`.
fn version(at: &At<'_>, name: &str, s: &str) -> Eval<semver::Version> {
    let text = s.strip_prefix('v').unwrap_or(s);
    semver::Version::parse(text).map_err(|e| {
        fail(
            at.span,
            format!("`{name}`: invalid semantic version {s:?}: {e}"),
        )
    })
}

/// `semver_compare(a, b)`: -1, 0 or 1 by semver precedence (build metadata ignored).
pub(crate) fn semver_compare(at: &At<'_>, a: &str, b: &str) -> Eval<Value> {
    let (x, y) = (
        version(at, "semver_compare", a)?,
        version(at, "semver_compare", b)?,
    );
    let order = (x.major, x.minor, x.patch)
        .cmp(&(y.major, y.minor, y.patch))
        .then_with(|| x.pre.cmp(&y.pre));
    Ok(Value::Int(match order {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }))
}

/// `semver_satisfies(v, req)`: the version meets the requirement (Cargo's syntax).
pub(crate) fn semver_satisfies(at: &At<'_>, v: &str, req: &str) -> Eval<Value> {
    let x = version(at, "semver_satisfies", v)?;
    let requirement = semver::VersionReq::parse(req).map_err(|e| {
        fail(
            at.span,
            format!("`semver_satisfies`: invalid version requirement {req:?}: {e}"),
        )
    })?;
    Ok(Value::Bool(requirement.matches(&x)))
}
