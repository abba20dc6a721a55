//! Names and words: type names for definitions (`io.k8s.api.core.v1.Container` →
//! `Container`, clashes resolved deterministically) and doc comments from
//! `title`/`description`.

use crate::convert::unescape;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The widest a doc comment line gets, `///` included.
const DOC_WIDTH: usize = 90;

/// True for `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The words of a definition's name, from the last: `io.k8s.api.core.v1.Pod` gives
/// `Pod`, `v1`, `core`, ...
fn segments(key: &str) -> Vec<String> {
    let name = key.rsplit('/').next().map(unescape).unwrap_or_default();
    name.split(['.', '/', ':'])
        .filter(|s| !s.is_empty())
        .rev()
        .map(str::to_owned)
        .collect()
}

/// `runs-javascript` → `RunsJavascript`, `normalJob` → `NormalJob`.
fn pascal(segment: &str) -> String {
    segment
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The name made of the last `n` segments.
fn candidate(segments: &[String], n: usize) -> String {
    let words: Vec<String> = segments.iter().take(n).rev().map(|s| pascal(s)).collect();
    let name = words.concat();
    match name.chars().next() {
        None => "Type".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("T{name}"),
        Some(_) => name,
    }
}

/// Type names for definition keys (`#/definitions/...`). `fixed` names are given
/// (the root's); the others are the PascalCase of the definition's last segment, or of
/// as many last segments as it takes to tell clashing definitions apart
/// (`V1beta1CronJob`), with a number as the last resort. The result depends only on
/// the set of keys.
pub(crate) fn assign(
    keys: &[String],
    fixed: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let free: Vec<&String> = keys.iter().filter(|k| !fixed.contains_key(*k)).collect();
    let segs: BTreeMap<&String, Vec<String>> = free.iter().map(|k| (*k, segments(k))).collect();
    let mut level: BTreeMap<&String, usize> = free.iter().map(|k| (*k, 1)).collect();
    let reserved: BTreeSet<&String> = fixed.values().collect();
    loop {
        let names: BTreeMap<&String, String> = level
            .iter()
            .map(|(k, n)| {
                (
                    *k,
                    candidate(segs.get(k).map_or(&[][..], Vec::as_slice), *n),
                )
            })
            .collect();
        let mut count: BTreeMap<&String, usize> = BTreeMap::new();
        for name in names.values() {
            *count.entry(name).or_default() += 1;
        }
        let clashing: Vec<&String> = names
            .iter()
            .filter(|(_, name)| {
                count.get(name).copied().unwrap_or(0) > 1 || reserved.contains(name)
            })
            .map(|(k, _)| *k)
            .collect();
        let mut grew = false;
        for key in &clashing {
            let depth = segs.get(key).map_or(0, Vec::len);
            if let Some(n) = level.get_mut(key).filter(|n| **n < depth) {
                *n += 1;
                grew = true;
            }
        }
        if !grew {
            return number_the_rest(names, fixed);
        }
    }
}

/// Gives the definitions that still share a name a number (`Name2`, `Name3`, in key
/// order), skipping names in use.
fn number_the_rest(
    names: BTreeMap<&String, String>,
    fixed: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = fixed.clone();
    let mut used: BTreeSet<String> = fixed.values().cloned().collect();
    let mut pending = Vec::new();
    let mut count: BTreeMap<&String, usize> = BTreeMap::new();
    for name in names.values() {
        *count.entry(name).or_default() += 1;
    }
    for (key, name) in &names {
        if count.get(name).copied().unwrap_or(0) == 1 && used.insert(name.clone()) {
            out.insert((*key).clone(), name.clone());
        } else {
            pending.push((*key, name));
        }
    }
    for (key, name) in pending {
        let mut n = 1;
        let mut candidate = name.clone();
        while !used.insert(candidate.clone()) {
            n += 1;
            candidate = format!("{name}{n}");
        }
        out.insert(key.clone(), candidate);
    }
    out
}

/// A doc comment for a schema: its `title`, else the first sentence of its
/// `description`, on at most two lines (cut with `...` when longer).
pub(crate) fn doc(schema: &Value) -> Option<Vec<String>> {
    let text = ["title", "description"].into_iter().find_map(|k| {
        schema
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    })?;
    let paragraph = text.split("\n\n").next().unwrap_or(text);
    let words: Vec<&str> = paragraph.split_whitespace().collect();
    let sentence = first_sentence(&words);
    Some(wrap(sentence, DOC_WIDTH - 4, 2))
}

/// The words up to the end of the first sentence.
fn first_sentence<'w>(words: &'w [&'w str]) -> &'w [&'w str] {
    const NOT_AN_END: &[&str] = &["e.g.", "i.e.", "etc.", "vs.", "approx."];
    let end = words.iter().position(|w| {
        (w.ends_with('.') || w.ends_with(".)"))
            && w.len() > 2
            && !NOT_AN_END.contains(&w.to_ascii_lowercase().as_str())
    });
    match end {
        Some(i) => words.get(..=i).unwrap_or(words),
        None => words,
    }
}

/// Words in at most `max_lines` lines of `width`; the last line ends with `...` when
/// words were left out.
fn wrap(words: &[&str], width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut cut = false;
    for word in words {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            if lines.len() + 1 == max_lines {
                cut = true;
                break;
            }
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if cut {
        while line.len() + 4 > width {
            match line.rfind(' ') {
                Some(i) => line.truncate(i),
                None => break,
            }
        }
        line.push_str(" ...");
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| format!("#/definitions/{n}")).collect()
    }

    #[test]
    fn last_segment_in_pascal_case() {
        let names = assign(
            &keys(&[
                "io.k8s.api.core.v1.Container",
                "runs-javascript",
                "normalJob",
                "2fa",
            ]),
            &BTreeMap::new(),
        );
        let got: Vec<&str> = names.values().map(String::as_str).collect();
        assert_eq!(got, ["T2fa", "Container", "NormalJob", "RunsJavascript"]);
    }

    #[test]
    fn clashes_take_more_segments_then_numbers() {
        let names = assign(
            &keys(&[
                "io.k8s.api.batch.v1beta1.CronJob",
                "io.k8s.api.batch.v2alpha1.CronJob",
                "io.k8s.api.core.v1.Pod",
                "foo-bar",
                "foo_bar",
            ]),
            &BTreeMap::from([("#".to_owned(), "Pod".to_owned())]),
        );
        assert_eq!(names["#"], "Pod");
        assert_eq!(
            names["#/definitions/io.k8s.api.batch.v1beta1.CronJob"],
            "V1beta1CronJob"
        );
        assert_eq!(
            names["#/definitions/io.k8s.api.batch.v2alpha1.CronJob"],
            "V2alpha1CronJob"
        );
        assert_eq!(names["#/definitions/io.k8s.api.core.v1.Pod"], "V1Pod");
        assert_eq!(names["#/definitions/foo-bar"], "FooBar");
        assert_eq!(names["#/definitions/foo_bar"], "FooBar2");
    }

    #[test]
    fn docs_take_the_title_or_first_sentence() {
        let d = doc(&json!({"title": "A step", "description": "Long."})).unwrap();
        assert_eq!(d, ["A step"]);
        let d = doc(&json!({"description": "Runs e.g. tests. More info: https://x.y/z"})).unwrap();
        assert_eq!(d, ["Runs e.g. tests."]);
        let long = "word ".repeat(60);
        let d = doc(&json!({ "description": long })).unwrap();
        assert_eq!(d.len(), 2);
        assert!(d[1].ends_with(" ..."), "{d:?}");
        assert!(d.iter().all(|l| l.len() <= DOC_WIDTH - 4));
        assert_eq!(doc(&json!({"type": "string"})), None);
    }
}
