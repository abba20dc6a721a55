//! The builtin functions of LANGUAGE.md §8, as docs/evaluation.md defines them.

use crate::meter::{Meter, VALUE_BYTES};
use crate::ops::{Fault, LIMIT, SIZE_LIMIT, contains};
use crate::value::{Value, View, canonical, equal, normalize_set, sort_cost, write_json};
use pol_bytecode::BuiltinOp;
use pol_facts::{Document, NodeRef};
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// Patterns compiled at run time (those that are not literals), kept for reuse.
#[derive(Default)]
pub struct PatternCache {
    // Looked up at every call with a computed pattern (one a policy passes as a
    // parameter, say): Fx hashing, and no copy of the pattern unless it is new. Patterns
    // may come from the input, but at most CACHE_LIMIT are kept, so colliding ones cost
    // little.
    regexes: FxHashMap<String, Result<regex::Regex, String>>,
    globs: FxHashMap<String, Result<regex::bytes::Regex, String>>,
    /// `type_of` results, built once: the hot loop does not allocate for them.
    kind_names: Vec<(&'static str, Value)>,
}

/// How many patterns computed at run time are kept compiled (each takes at most
/// [`PATTERN_SIZE_LIMIT`] bytes and as much again of matching cache).
const CACHE_LIMIT: usize = 64;

/// The largest compiled form of a pattern computed at run time (regex's `size_limit`
/// and `dfa_size_limit`): a pattern that needs more is an error, so that a pattern
/// taken from the input cannot take seconds and gigabytes to compile.
pub const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The steps a compilation of a pattern computed at run time is charged (compiling up
/// to [`PATTERN_SIZE_LIMIT`] takes milliseconds: about as long as this many steps).
pub const PATTERN_COMPILE_STEPS: u64 = 100_000;

impl PatternCache {
    fn regex(&mut self, pattern: &str, meter: &Meter) -> Result<&regex::Regex, Fault> {
        cached(
            &mut self.regexes,
            pattern,
            meter,
            compile_input_regex,
            "regular expression",
        )
    }

    fn kind_name(&mut self, kind: &'static str) -> Value {
        if let Some((_, v)) = self.kind_names.iter().find(|(k, _)| *k == kind) {
            return v.clone();
        }
        let v = Value::str(kind);
        self.kind_names.push((kind, v.clone()));
        v
    }

    fn glob(&mut self, pattern: &str, meter: &Meter) -> Result<&regex::bytes::Regex, Fault> {
        cached(&mut self.globs, pattern, meter, compile_input_glob, "glob")
    }
}

/// The compiled form of `pattern` kept in `cache`, compiled (and charged to `meter`) the
/// first time; at [`CACHE_LIMIT`] patterns the cache starts over. `what` names the
/// pattern in errors.
fn cached<'c, T>(
    cache: &'c mut FxHashMap<String, Result<T, String>>,
    pattern: &str,
    meter: &Meter,
    compile: fn(&str) -> Result<T, String>,
    what: &str,
) -> Result<&'c T, Fault> {
    if !cache.contains_key(pattern) {
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        if !meter.charge(PATTERN_COMPILE_STEPS.saturating_add(pattern.len() as u64)) {
            return Err(LIMIT.to_owned());
        }
        cache.insert(pattern.to_owned(), compile(pattern));
    }
    match cache.get(pattern) {
        Some(Ok(compiled)) => Ok(compiled),
        Some(Err(e)) => Err(format!("invalid {what} {pattern:?}: {e}")),
        None => Err(format!(
            "internal error: the {what} {pattern:?} was not kept"
        )),
    }
}

/// Compiles a regex as `matches` uses it (RE2 syntax, unanchored).
pub fn compile_regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pattern).map_err(|e| e.to_string())
}

/// Compiles a regex computed at run time: as [`compile_regex`], within
/// [`PATTERN_SIZE_LIMIT`].
fn compile_input_regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .dfa_size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// Compiles a glob as `glob` uses it (`*` stops at `/`, `**` does not).
pub fn compile_glob(pattern: &str) -> Result<regex::bytes::Regex, String> {
    glob_regex(pattern, usize::MAX)
}

/// Compiles a glob computed at run time, within [`PATTERN_SIZE_LIMIT`].
fn compile_input_glob(pattern: &str) -> Result<regex::bytes::Regex, String> {
    glob_regex(pattern, PATTERN_SIZE_LIMIT)
}

fn glob_regex(pattern: &str, size_limit: usize) -> Result<regex::bytes::Regex, String> {
    // The glob's own regex, matched on the string's bytes: `GlobMatcher::is_match`
    // would copy the string into a path candidate on every call.
    let glob = pol_core::glob(pattern).map_err(|e| e.to_string())?;
    let mut builder = regex::bytes::RegexBuilder::new(glob.regex());
    if size_limit != usize::MAX {
        builder.size_limit(size_limit).dfa_size_limit(size_limit);
    }
    builder.build().map_err(|e| e.to_string())
}

fn wrong(name: &str, expected: &str, got: &View<'_>) -> Fault {
    format!("`{name}` expects {expected}, got `{}`", got.kind())
}

fn string(s: String) -> Value {
    Value::Str(Rc::new(s))
}

fn list(items: Vec<Value>, meter: &Meter) -> Result<Value, Fault> {
    if items.len() > SIZE_LIMIT {
        return Err("list too long (resource limit)".to_owned());
    }
    if !meter.alloc(items.len() * VALUE_BYTES) {
        return Err(LIMIT.to_owned());
    }
    Ok(Value::list(items))
}

/// A computed string, charged to the meter.
fn text_value(s: String, meter: &Meter) -> Result<Value, Fault> {
    if !meter.alloc(s.len()) {
        return Err(LIMIT.to_owned());
    }
    Ok(string(s))
}

/// The elements of a list or set (a step each, to copy them).
fn elements(name: &str, v: View<'_>, meter: &Meter) -> Result<Vec<Value>, Fault> {
    let items = match v {
        View::List(l) => {
            meter.charge(l.len() as u64);
            l.iter().collect()
        }
        View::Set(s) => {
            meter.charge(s.len() as u64);
            s.to_vec()
        }
        other => return Err(wrong(name, "a list or set", &other)),
    };
    if meter.exhausted().is_some() {
        return Err(LIMIT.to_owned());
    }
    Ok(items)
}

/// Calls a builtin on evaluated arguments. Its work is charged to `meter`: when the
/// meter runs out, the builtin stops with an error (see [`LIMIT`]).
pub fn call(
    op: BuiltinOp,
    args: &[Value],
    doc: &Document,
    cache: &mut PatternCache,
    meter: &Meter,
) -> Result<Value, Fault> {
    let result = call_metered(op, args, doc, cache, meter);
    if meter.exhausted().is_some() {
        return Err(LIMIT.to_owned());
    }
    result
}

fn call_metered(
    op: BuiltinOp,
    args: &[Value],
    doc: &Document,
    cache: &mut PatternCache,
    meter: &Meter,
) -> Result<Value, Fault> {
    if op == BuiltinOp::Comment {
        // A value of the document knows where it is; a computed one has no comment.
        let text = match args.first() {
            Some(Value::Node(id)) => doc.comment(*id),
            _ => None,
        };
        return Ok(text.map_or(Value::Null, Value::str));
    }
    if op == BuiltinOp::Strings {
        // The strings of the document stay its nodes: a finding at one has its line.
        return match args.first() {
            Some(v) if !v.is_null(doc) => strings(v, doc, meter),
            _ => Ok(Value::Null),
        };
    }
    // Builtins take at most three arguments: no allocation for their views.
    let mut views = [View::Null; 3];
    for (slot, a) in views.iter_mut().zip(args) {
        *slot = a.view(doc);
    }
    let views = views.get(..args.len().min(3)).unwrap_or_default();
    if op != BuiltinOp::TypeOf && views.iter().any(|v| matches!(v, View::Null)) {
        return Ok(Value::Null);
    }
    let name = op.name();
    let arg = |i: usize| views.get(i).copied().unwrap_or(View::Null);
    // Every string argument read is charged as scanned (most builtins read all of it).
    let text = |i: usize| match arg(i) {
        View::Str(s) => {
            meter.charge_bytes(s.len());
            Ok(s)
        }
        other => Err(wrong(name, "a string", &other)),
    };
    match op {
        BuiltinOp::Len | BuiltinOp::Count => length(name, arg(0)),
        BuiltinOp::Lower => text_value(text(0)?.to_lowercase(), meter),
        BuiltinOp::Upper => text_value(text(0)?.to_uppercase(), meter),
        BuiltinOp::Trim => text_value(text(0)?.trim().to_owned(), meter),
        BuiltinOp::StartsWith => Ok(Value::Bool(text(0)?.starts_with(text(1)?))),
        BuiltinOp::EndsWith => Ok(Value::Bool(text(0)?.ends_with(text(1)?))),
        BuiltinOp::Contains => match arg(0) {
            View::Str(_) => Ok(Value::Bool(text(0)?.contains(text(1)?))),
            haystack => {
                let needle = args.get(1).cloned().unwrap_or_default();
                contains(haystack, &needle, arg(1), doc, meter).map(Value::Bool)
            }
        },
        BuiltinOp::Split => {
            let (s, sep) = (text(0)?, text(1)?);
            let mut parts: Vec<Value> = Vec::new();
            let mut push = |part: &str| {
                if !meter.alloc(part.len() + VALUE_BYTES) || parts.len() >= SIZE_LIMIT {
                    return false;
                }
                parts.push(Value::str(part));
                true
            };
            let complete = if sep.is_empty() {
                s.chars().all(|c| push(c.encode_utf8(&mut [0; 4])))
            } else {
                s.split(sep).all(&mut push)
            };
            if !complete && meter.exhausted().is_none() {
                return Err("list too long (resource limit)".to_owned());
            }
            list(parts, meter)
        }
        BuiltinOp::Join => {
            let sep = text(1)?;
            let mut out = String::new();
            for (i, item) in elements(name, arg(0), meter)?.iter().enumerate() {
                match item.view(doc) {
                    View::Str(s) => {
                        if i > 0 {
                            out.push_str(sep);
                        }
                        out.push_str(s);
                    }
                    other => return Err(wrong(name, "a list of strings", &other)),
                }
                if out.len() > SIZE_LIMIT {
                    return Err("string too long (resource limit)".to_owned());
                }
            }
            text_value(out, meter)
        }
        BuiltinOp::Replace => {
            let (s, old, new) = (text(0)?, text(1)?, text(2)?);
            if old.is_empty() {
                return Err("`replace` cannot replace the empty string".to_owned());
            }
            // The result's length, before building it.
            let count = s.matches(old).count();
            let len = (s.len() - count * old.len()).saturating_add(count.saturating_mul(new.len()));
            if len > SIZE_LIMIT {
                return Err("string too long (resource limit)".to_owned());
            }
            text_value(s.replace(old, new), meter)
        }
        BuiltinOp::Matches => {
            let s = text(0)?;
            Ok(Value::Bool(cache.regex(text(1)?, meter)?.is_match(s)))
        }
        BuiltinOp::Glob => {
            let s = text(0)?;
            Ok(Value::Bool(
                cache.glob(text(1)?, meter)?.is_match(s.as_bytes()),
            ))
        }
        BuiltinOp::ToString => Ok(match (args.first(), arg(0)) {
            // The same text, read in place; but a computed value, not the input node
            // itself, so that `at to_string(x)` does not point at `x`.
            (Some(Value::Node(node)), View::Str(s)) => match u32::try_from(s.len()) {
                Ok(end) => Value::Slice {
                    node: *node,
                    start: 0,
                    end,
                },
                Err(_) => string(s.to_owned()),
            },
            (Some(v), View::Str(_)) => v.clone(),
            (v, _) => {
                let mut out = Vec::new();
                write_json(&mut out, v.unwrap_or(&Value::Null), doc, meter, SIZE_LIMIT)?;
                let text = String::from_utf8(out).map_err(|e| e.to_string())?;
                text_value(text, meter)?
            }
        }),
        BuiltinOp::ToInt => to_int(arg(0)),
        BuiltinOp::ToFloat => to_float(arg(0)),
        BuiltinOp::Keys => match arg(0) {
            View::Object(o) => {
                meter.charge(sort_cost(o.len()));
                let mut keys = Vec::with_capacity(o.len());
                for (k, _) in o.sorted(doc) {
                    if !meter.alloc(k.len()) {
                        return Err(LIMIT.to_owned());
                    }
                    keys.push(Value::str(k));
                }
                list(keys, meter)
            }
            other => Err(wrong(name, "an object", &other)),
        },
        BuiltinOp::Values => match arg(0) {
            View::Object(o) => {
                meter.charge(sort_cost(o.len()));
                list(o.sorted(doc).into_iter().map(|(_, v)| v).collect(), meter)
            }
            other => Err(wrong(name, "an object", &other)),
        },
        BuiltinOp::Sum => sum(&elements(name, arg(0), meter)?, doc),
        BuiltinOp::Min | BuiltinOp::Max => {
            let items = elements(name, arg(0), meter)?;
            let pick = items.into_iter().reduce(|best, v| {
                let o = canonical(&v, &best, doc, meter);
                let better = if op == BuiltinOp::Min {
                    o.is_lt()
                } else {
                    o.is_gt()
                };
                if better { v } else { best }
            });
            Ok(pick.unwrap_or_default())
        }
        BuiltinOp::Sort => {
            let mut items = elements(name, arg(0), meter)?;
            if !meter.charge(sort_cost(items.len())) {
                return Err(LIMIT.to_owned());
            }
            items.sort_by(|a, b| canonical(a, b, doc, meter));
            list(items, meter)
        }
        BuiltinOp::Unique => unique(elements(name, arg(0), meter)?, doc, meter),
        BuiltinOp::Flatten => {
            let mut out = Vec::new();
            for item in elements(name, arg(0), meter)? {
                let len = match item.view(doc) {
                    View::List(l) => l.len(),
                    View::Set(s) => s.len(),
                    _ => 1,
                };
                if out.len() + len > SIZE_LIMIT {
                    return Err("list too long (resource limit)".to_owned());
                }
                if !meter.charge(len as u64) {
                    return Err(LIMIT.to_owned());
                }
                match item.view(doc) {
                    View::List(l) => out.extend(l.iter()),
                    View::Set(s) => out.extend(s.iter().cloned()),
                    _ => out.push(item.clone()),
                }
            }
            list(out, meter)
        }
        BuiltinOp::TypeOf => Ok(cache.kind_name(arg(0).kind())),
        BuiltinOp::SemverCompare => {
            let (a, b) = (version(text(0)?)?, version(text(1)?)?);
            Ok(Value::Int(match a.cmp_precedence(&b) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }))
        }
        BuiltinOp::SemverSatisfies => {
            let v = version(text(0)?)?;
            let req = text(1)?;
            let req = semver::VersionReq::parse(req.trim())
                .map_err(|e| format!("invalid version requirement {req:?}: {e}"))?;
            Ok(Value::Bool(req.matches(&v)))
        }
        // Answered above, from the value itself.
        BuiltinOp::Comment => Ok(Value::Null),
        BuiltinOp::FromJson => crate::json_in::from_json(text(0)?, meter),
        // Answered above, from the value itself.
        BuiltinOp::Strings => Ok(Value::Null),
        BuiltinOp::CommonPrefix => {
            let (a, b) = (text(0)?, text(1)?);
            let end = a
                .char_indices()
                .zip(b.chars())
                .find(|((_, x), y)| x != y)
                .map_or(a.len().min(b.len()), |((i, _), _)| i);
            text_value(a.get(..end).unwrap_or_default().to_owned(), meter)
        }
        BuiltinOp::CommonSuffix => {
            let (a, b) = (text(0)?, text(1)?);
            let start = a
                .char_indices()
                .rev()
                .zip(b.chars().rev())
                .find(|((_, x), y)| x != y)
                .map_or(a.len().saturating_sub(b.len()), |((i, x), _)| {
                    i + x.len_utf8()
                });
            text_value(a.get(start..).unwrap_or_default().to_owned(), meter)
        }
    }
}

/// `strings(x)`: every string in `x` (`x` itself when it is one), depth first: the
/// elements of lists and sets, the values (not the keys) of objects, in the order `for`
/// visits them. A step per value visited.
fn strings(root: &Value, doc: &Document, meter: &Meter) -> Result<Value, Fault> {
    let mut out = Vec::new();
    // Values still to visit, the next one last.
    let mut stack = vec![root.clone()];
    while let Some(v) = stack.pop() {
        if !meter.charge(1) {
            return Err(LIMIT.to_owned());
        }
        let mark = stack.len();
        match &v {
            Value::Node(id) => match doc.get(*id) {
                NodeRef::Str(_) => out.push(v.clone()),
                NodeRef::List(list) => {
                    stack.extend(list.as_slice().iter().map(|&n| Value::Node(n)))
                }
                NodeRef::Object(object) => {
                    stack.extend(object.as_slice().iter().map(|&(_, n)| Value::Node(n)))
                }
                _ => {}
            },
            Value::Str(_) | Value::Key(_) | Value::Slice { .. } => out.push(v.clone()),
            Value::List(items) | Value::Set(items) => stack.extend(items.iter().cloned()),
            Value::Object(entries) => stack.extend(entries.iter().map(|(_, x)| x.clone())),
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {}
        }
        // Children were pushed first to last: reversed, the first is visited next.
        stack.get_mut(mark..).unwrap_or_default().reverse();
        if out.len() > SIZE_LIMIT {
            return Err("list too long (resource limit)".to_owned());
        }
    }
    list(out, meter)
}

fn length(name: &str, v: View<'_>) -> Result<Value, Fault> {
    let n = match v {
        View::Str(s) => s.chars().count(),
        View::List(l) => l.len(),
        View::Set(s) => s.len(),
        View::Object(o) => o.len(),
        other => return Err(wrong(name, "a string or a collection", &other)),
    };
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn to_int(v: View<'_>) -> Result<Value, Fault> {
    match v {
        View::Int(n) => Ok(Value::Int(n)),
        View::Float(f) => {
            let t = f.trunc();
            if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&t) {
                #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
                Ok(Value::Int(t as i64))
            } else {
                Err(format!("`to_int`: {f} is out of the int range"))
            }
        }
        View::Str(s) => s
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|_| format!("`to_int`: {s:?} is not an integer")),
        other => Err(wrong("to_int", "a number or a string", &other)),
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "int to float conversion is what `to_float` does"
)]
fn to_float(v: View<'_>) -> Result<Value, Fault> {
    match v {
        View::Int(n) => Ok(Value::Float(n as f64)),
        View::Float(f) => Ok(Value::Float(f)),
        View::Str(s) => match s.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(format!("`to_float`: {s:?} is not a number")),
        },
        other => Err(wrong("to_float", "a number or a string", &other)),
    }
}

fn sum(items: &[Value], doc: &Document) -> Result<Value, Fault> {
    let mut total = Value::Int(0);
    for item in items {
        total = match (total.view(doc), item.view(doc)) {
            (View::Int(a), View::Int(b)) => Value::Int(
                a.checked_add(b)
                    .ok_or_else(|| "integer overflow in `sum`".to_owned())?,
            ),
            (a @ (View::Int(_) | View::Float(_)), b @ (View::Int(_) | View::Float(_))) => {
                Value::Float(float(a) + float(b))
            }
            (_, other) => return Err(wrong("sum", "a list of numbers", &other)),
        };
    }
    Ok(total)
}

#[expect(
    clippy::cast_precision_loss,
    reason = "int to float promotion is the language's rule"
)]
fn float(v: View<'_>) -> f64 {
    match v {
        View::Int(n) => n as f64,
        View::Float(f) => f,
        _ => 0.0,
    }
}

/// The list without repeated elements, first occurrences kept, in order.
fn unique(items: Vec<Value>, doc: &Document, meter: &Meter) -> Result<Value, Fault> {
    if !meter.charge(sort_cost(items.len())) {
        return Err(LIMIT.to_owned());
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (items.get(a), items.get(b));
        match (x, y) {
            (Some(x), Some(y)) => canonical(x, y, doc, meter).then(a.cmp(&b)),
            _ => a.cmp(&b),
        }
    });
    let mut keep = vec![false; items.len()];
    let mut previous: Option<usize> = None;
    for &i in &order {
        let duplicate = previous
            .and_then(|p| items.get(p).zip(items.get(i)))
            .is_some_and(|(p, v)| equal(p, v, doc, meter));
        if !duplicate {
            if let Some(k) = keep.get_mut(i) {
                *k = true;
            }
            previous = Some(i);
        }
    }
    list(
        items
            .into_iter()
            .zip(keep)
            .filter_map(|(v, k)| k.then_some(v))
            .collect(),
        meter,
    )
}

fn version(s: &str) -> Result<semver::Version, Fault> {
    let trimmed = s.trim();
    let bare = trimmed.strip_prefix('v').unwrap_or(trimmed);
    semver::Version::parse(bare).map_err(|e| format!("invalid semantic version {s:?}: {e}"))
}

/// Builds a set from values (canonical order, no duplicates).
pub fn make_set(items: Vec<Value>, doc: &Document, meter: &Meter) -> Result<Value, Fault> {
    if items.len() > SIZE_LIMIT {
        return Err("set too large (resource limit)".to_owned());
    }
    if !meter.alloc(items.len() * VALUE_BYTES) {
        return Err(LIMIT.to_owned());
    }
    let set = normalize_set(items, doc, meter);
    if meter.exhausted().is_some() {
        return Err(LIMIT.to_owned());
    }
    let set = Value::set_of_normalized(set);
    if let Value::Set(items) = &set {
        items.check_depth()?;
    }
    Ok(set)
}

/// The byte range of part `n` of `text` split at `sep` (negative `n` from the end;
/// an empty `sep` splits into characters), as `split(text, sep)[n]` would give it.
/// Nothing is allocated.
pub fn part(text: &str, sep: &str, n: i64) -> Option<(usize, usize)> {
    part_with(text, &memchr::memmem::Finder::new(sep), n)
}

/// [`part`] with the separator's finder made beforehand (a constant separator's is
/// made when the program is loaded).
pub fn part_with(text: &str, sep: &memchr::memmem::Finder<'_>, n: i64) -> Option<(usize, usize)> {
    let width = sep.needle().len();
    if width == 0 {
        let char_range = |(i, c): (usize, char)| (i, i + c.len_utf8());
        return if n >= 0 {
            text.char_indices()
                .nth(usize::try_from(n).ok()?)
                .map(char_range)
        } else {
            text.char_indices()
                .nth_back(usize::try_from(-(n + 1)).ok()?)
                .map(char_range)
        };
    }
    // Matches do not overlap, as `str::split`'s. A one-byte separator (`/`, `:`)
    // takes `memchr` directly.
    match sep.needle() {
        &[byte] => nth_part(text, memchr::memchr_iter(byte, text.as_bytes()), 1, n),
        _ => nth_part(text, sep.find_iter(text.as_bytes()), width, n),
    }
}

/// Part `n` of `text` (from the end when negative) between the separators found at
/// `matches` (a cloneable iterator of their offsets), each `width` bytes long.
fn nth_part(
    text: &str,
    matches: impl Iterator<Item = usize> + Clone,
    width: usize,
    n: i64,
) -> Option<(usize, usize)> {
    let i = if n < 0 {
        let count = i64::try_from(matches.clone().count() + 1).ok()?;
        usize::try_from(n + count).ok()?
    } else {
        usize::try_from(n).ok()?
    };
    let mut start = 0;
    let mut k = 0;
    for at in matches {
        if k == i {
            return Some((start, at));
        }
        start = at + width;
        k += 1;
    }
    // The last part, after the last separator.
    (k == i).then_some((start, text.len()))
}

#[cfg(test)]
mod tests {
    use super::part;

    /// `part` agrees with splitting into a list and indexing it.
    #[test]
    fn part_is_split_then_index() {
        for text in ["a/b/c", "", "/", "a//b/", "abc", "é/ü"] {
            for sep in ["/", "//", "", "x", "b/"] {
                let parts: Vec<&str> = if sep.is_empty() {
                    text.char_indices()
                        .map(|(i, c)| &text[i..i + c.len_utf8()])
                        .collect()
                } else {
                    text.split(sep).collect()
                };
                for n in -5i64..5 {
                    let len = parts.len() as i64;
                    let i = if n < 0 { n + len } else { n };
                    let want = usize::try_from(i).ok().and_then(|i| parts.get(i).copied());
                    let got = part(text, sep, n).map(|(a, b)| &text[a..b]);
                    assert_eq!(got, want, "split({text:?}, {sep:?})[{n}]");
                }
            }
        }
    }
}
