//! Rendering diagnostics: for people with ariadne, for tools as JSON.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::SourceMap;
use ariadne::{CharSet, Config, IndexType, ReportKind};
use serde_json::{Value, json};

/// How text output should look.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// ANSI colours (for a terminal).
    pub color: bool,
    /// ASCII box drawing instead of Unicode (for logs and snapshots).
    pub ascii: bool,
}

type AriadneSpan = (String, std::ops::Range<usize>);

fn ariadne_span(sources: &SourceMap, label: &Label) -> AriadneSpan {
    let name = sources
        .get(label.span.file)
        .map_or_else(String::new, |f| f.name.clone());
    (name, label.span.range())
}

/// Renders diagnostics for a person: source excerpt, labels, `help` notes, codes.
pub fn render_text(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    options: RenderOptions,
) -> String {
    let cache_entries: Vec<(String, String)> = sources
        .iter()
        .map(|(_, f)| (f.name.clone(), f.text.clone()))
        .collect();
    let mut cache = ariadne::sources(cache_entries);
    let config = Config::default()
        .with_color(options.color)
        .with_index_type(IndexType::Byte)
        .with_char_set(if options.ascii {
            CharSet::Ascii
        } else {
            CharSet::Unicode
        });
    let mut out = Vec::new();
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let mut report = ariadne::Report::build(kind, ariadne_span(sources, &d.primary))
            .with_config(config)
            .with_code(d.code.as_str())
            .with_message(&d.message);
        let mut primary = ariadne::Label::new(ariadne_span(sources, &d.primary)).with_order(0);
        if !d.primary.message.is_empty() {
            primary = primary.with_message(&d.primary.message);
        }
        if options.color {
            primary = primary.with_color(match d.severity {
                Severity::Error => ariadne::Color::Red,
                Severity::Warning => ariadne::Color::Yellow,
            });
        }
        report = report.with_label(primary);
        for (i, label) in d.secondary.iter().enumerate() {
            let mut l = ariadne::Label::new(ariadne_span(sources, label))
                .with_order(i32::try_from(i + 1).unwrap_or(i32::MAX));
            if !label.message.is_empty() {
                l = l.with_message(&label.message);
            }
            if options.color {
                l = l.with_color(ariadne::Color::Blue);
            }
            report = report.with_label(l);
        }
        if let Some(help) = &d.help {
            report = report.with_help(help);
        }
        // Writing into a Vec cannot fail; a source missing from the cache only loses the
        // excerpt, so fall back to the one-line form.
        if report.finish().write(&mut cache, &mut out).is_err() {
            out.extend_from_slice(one_line(sources, d).as_bytes());
            out.push(b'\n');
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `file:line:col: error[E0100]: message` — the compact form.
pub fn one_line(sources: &SourceMap, d: &Diagnostic) -> String {
    let at = sources
        .locate(d.primary.span)
        .map_or_else(String::new, |(file, lc)| {
            format!("{file}:{}:{}: ", lc.line, lc.column)
        });
    format!("{at}{}[{}]: {}", d.severity.as_str(), d.code, d.message)
}

fn label_json(sources: &SourceMap, label: &Label) -> Value {
    let file = sources.get(label.span.file);
    let start = file.map(|f| f.line_col(label.span.start));
    let end = file.map(|f| f.line_col(label.span.end));
    json!({
        "file": file.map(|f| f.name.as_str()),
        "line": start.map(|p| p.line),
        "column": start.map(|p| p.column),
        "end_line": end.map(|p| p.line),
        "end_column": end.map(|p| p.column),
        "message": label.message,
    })
}

/// One diagnostic as a JSON value (positions are 1-based, columns count characters).
pub fn to_json(sources: &SourceMap, d: &Diagnostic) -> Value {
    let mut primary = label_json(sources, &d.primary);
    if let Value::Object(map) = &mut primary {
        map.remove("message");
    }
    json!({
        "code": d.code.as_str(),
        "severity": d.severity.as_str(),
        "message": d.message,
        "location": primary,
        "label": d.primary.message,
        "related": d.secondary.iter().map(|l| label_json(sources, l)).collect::<Vec<_>>(),
        "help": d.help,
    })
}

/// All diagnostics as one JSON document: `{"diagnostics": [...], "errors": n, "warnings": n}`.
pub fn render_json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let doc = json!({
        "diagnostics": diagnostics.iter().map(|d| to_json(sources, d)).collect::<Vec<_>>(),
        "errors": errors,
        "warnings": diagnostics.len() - errors,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Code, Span};

    fn sample() -> (SourceMap, Vec<Diagnostic>) {
        let mut map = SourceMap::new();
        let file = map.add("p.pol", "package p\nlet x = y\n");
        let d = Diagnostic::error(
            Code::UnknownName,
            Span::new(file, 18, 19),
            "unknown name `y`",
        )
        .with_label("not defined")
        .with_help("define it with `let y = ...`");
        (map, vec![d])
    }

    #[test]
    fn text_shows_code_position_label_and_help() {
        let (map, ds) = sample();
        let text = render_text(
            &map,
            &ds,
            RenderOptions {
                color: false,
                ascii: true,
            },
        );
        assert!(text.contains("[E0100] Error: unknown name `y`"), "{text}");
        assert!(text.contains("p.pol:2:9"), "{text}");
        assert!(text.contains("not defined"), "{text}");
        assert!(text.contains("Help: define it"), "{text}");
    }

    #[test]
    fn json_has_one_based_positions() {
        let (map, ds) = sample();
        let v: Value = serde_json::from_str(&render_json(&map, &ds)).unwrap();
        assert_eq!(v["errors"], 1);
        assert_eq!(v["diagnostics"][0]["code"], "E0100");
        assert_eq!(v["diagnostics"][0]["location"]["line"], 2);
        assert_eq!(v["diagnostics"][0]["location"]["column"], 9);
        assert_eq!(v["diagnostics"][0]["help"], "define it with `let y = ...`");
    }
}
