//! Redaction of decision-log records: input paths (`jobs.*.env`, `**.password`) whose
//! values must not reach the log, and what that removes from a decision.

use crate::Decision;

/// What a redacted message is replaced by.
pub const REDACTED: &str = "[redacted]";

/// The input paths whose values a decision log must not hold.
///
/// A pattern is written as findings write paths (`jobs.build.steps[0].uses`,
/// `jobs["my-job"]`), with `*` for any one key or index (`jobs.*.env`,
/// `steps[*].with`) and `**` for any number of them, none included (`**.token`).
/// A path is *covered* when a pattern matches it or one of its ancestors: the values
/// under a redacted path are redacted too.
///
/// Applied to a decision ([`Redaction::apply`]), it replaces by [`REDACTED`] the
/// message of every finding whose path is covered (messages quote input values). The
/// rule, the path and the location stay: they say where, not what. A runtime error, or
/// an input that could not be read, has no input path: its message is redacted only
/// when the redaction covers the whole document (a pattern such as `**`).
#[derive(Debug, Clone, Default)]
pub struct Redaction {
    patterns: Vec<Vec<Seg>>,
}

/// One step of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(u64),
    /// `*`: any one key or index.
    Any,
    /// `**`: any number of steps.
    Deep,
}

/// A pattern that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// The pattern.
    pub pattern: String,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` is not a redaction path: {}",
            self.pattern, self.reason
        )
    }
}

impl std::error::Error for PatternError {}

impl Redaction {
    /// Parses the patterns; an error names the first that does not parse.
    pub fn new<S: AsRef<str>>(
        patterns: impl IntoIterator<Item = S>,
    ) -> Result<Redaction, PatternError> {
        let patterns = patterns
            .into_iter()
            .map(|p| {
                let p = p.as_ref();
                parse(p, true).map_err(|reason| PatternError {
                    pattern: p.to_owned(),
                    reason,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Redaction { patterns })
    }

    /// No pattern: nothing is redacted.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether the value at `path` (a finding's path) is redacted: a pattern matches
    /// it or an ancestor. A path that does not parse counts as covered (fail closed).
    pub fn covers(&self, path: &str) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        match parse(path, false) {
            Ok(steps) => self.patterns.iter().any(|p| matches_prefix(p, &steps)),
            Err(_) => true,
        }
    }

    /// Whether every path is covered (a pattern matches the document's root).
    pub fn covers_all(&self) -> bool {
        self.patterns.iter().any(|p| matches_prefix(p, &[]))
    }

    /// Replaces the messages of the findings at covered paths by [`REDACTED`] (and
    /// those of runtime errors when [`covers_all`](Redaction::covers_all)); returns how
    /// many messages were replaced.
    pub fn apply(&self, decision: &mut Decision) -> usize {
        if self.patterns.is_empty() {
            return 0;
        }
        let mut replaced = 0;
        for f in decision.violations.iter_mut().chain(&mut decision.warnings) {
            if self.covers(&f.path) {
                REDACTED.clone_into(&mut f.message);
                replaced += 1;
            }
        }
        if self.covers_all() {
            for e in &mut decision.errors {
                REDACTED.clone_into(&mut e.message);
                replaced += 1;
            }
        }
        replaced
    }

    /// The message of an input that could not be evaluated, as the log holds it.
    pub fn error_message<'a>(&self, message: &'a str) -> &'a str {
        if self.covers_all() { REDACTED } else { message }
    }
}

/// Parses a path (`wild`: a pattern, where `*` and `**` are steps) into its steps:
/// `key` or `.key` (an identifier, `[A-Za-z_][A-Za-z0-9_]*`), `["any key"]` (a JSON
/// string), `[N]`. The empty path is the root.
fn parse(text: &str, wild: bool) -> Result<Vec<Seg>, String> {
    let mut steps = Vec::new();
    let mut rest = text;
    if wild && text.is_empty() {
        return Err("it is empty".to_owned());
    }
    while !rest.is_empty() {
        let first = steps.is_empty();
        if let Some(after) = rest.strip_prefix('[') {
            let (seg, after) = bracket(after, wild)?;
            steps.push(seg);
            rest = after;
            continue;
        }
        let body = if first {
            rest
        } else {
            rest.strip_prefix('.')
                .ok_or_else(|| format!("expected `.` or `[` at `{rest}`"))?
        };
        let end = body.find(['.', '[']).unwrap_or(body.len());
        let (word, after) = body.split_at(end);
        let seg = match word {
            "*" if wild => Seg::Any,
            "**" if wild => Seg::Deep,
            w if is_identifier(w) => Seg::Key(w.to_owned()),
            "" => return Err("a step is empty".to_owned()),
            w => {
                return Err(format!(
                    "`{w}` is not a key name; write other keys as `[\"{w}\"]`"
                ));
            }
        };
        steps.push(seg);
        rest = after;
    }
    Ok(steps)
}

/// The inside of `[...]`: an index, `*`, or a JSON string; and what follows `]`.
fn bracket(text: &str, wild: bool) -> Result<(Seg, &str), String> {
    if let Some(after) = text.strip_prefix("*]").filter(|_| wild) {
        return Ok((Seg::Any, after));
    }
    if text.starts_with('"') {
        // A JSON string: its end is the first `"` not escaped.
        let mut escaped = false;
        for (i, c) in text.char_indices().skip(1) {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    let (quoted, after) = text.split_at(i + 1);
                    let key: String = serde_json::from_str(quoted)
                        .map_err(|_| format!("`{quoted}` is not a JSON string"))?;
                    let after = after
                        .strip_prefix(']')
                        .ok_or_else(|| "expected `]` after the key".to_owned())?;
                    return Ok((Seg::Key(key), after));
                }
                _ => escaped = false,
            }
        }
        return Err("a key in brackets does not end".to_owned());
    }
    let end = text
        .find(']')
        .ok_or_else(|| "`[` is not closed".to_owned())?;
    let (digits, after) = text.split_at(end);
    let index = digits
        .parse::<u64>()
        .map_err(|_| format!("`[{digits}]` is not an index, `[*]` or a quoted key"))?;
    Ok((Seg::Index(index), after.get(1..).unwrap_or("")))
}

fn is_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `pattern` matches `path` or one of its ancestors (a prefix of its steps):
/// the states of the pattern's automaton, advanced step by step.
fn matches_prefix(pattern: &[Seg], path: &[Seg]) -> bool {
    let n = pattern.len();
    let mut states = vec![false; n + 1];
    if let Some(first) = states.first_mut() {
        *first = true;
    }
    close(pattern, &mut states);
    for step in path {
        if states.get(n).copied().unwrap_or(false) {
            return true;
        }
        let mut next = vec![false; n + 1];
        for (i, seg) in pattern.iter().enumerate() {
            if !states.get(i).copied().unwrap_or(false) {
                continue;
            }
            let (stay, advance) = match (seg, step) {
                (Seg::Deep, _) => (true, false),
                (Seg::Any, _) => (false, true),
                (Seg::Key(a), Seg::Key(b)) => (false, a == b),
                (Seg::Index(a), Seg::Index(b)) => (false, a == b),
                _ => (false, false),
            };
            if stay && let Some(s) = next.get_mut(i) {
                *s = true;
            }
            if advance && let Some(s) = next.get_mut(i + 1) {
                *s = true;
            }
        }
        close(pattern, &mut next);
        states = next;
    }
    states.get(n).copied().unwrap_or(false)
}

/// A `**` matches no step too: where it can be entered, so can what follows it.
fn close(pattern: &[Seg], states: &mut [bool]) {
    for (i, seg) in pattern.iter().enumerate() {
        if *seg == Seg::Deep
            && states.get(i).copied().unwrap_or(false)
            && let Some(s) = states.get_mut(i + 1)
        {
            *s = true;
        }
    }
}
