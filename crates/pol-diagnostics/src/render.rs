//! Rendering diagnostics: for people with ariadne, for tools as JSON.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::excerpt::Excerpt;
use crate::source::SourceMap;
use crate::span::FileId;
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

/// Marks, in the file name ariadne is given, a file whose long lines were cut, so that
/// the column in the report's header can be put back ([`restore_columns`]).
const CUT_MARK: char = '\u{1}';

fn file_name(sources: &SourceMap, file: FileId) -> String {
    sources
        .get(file)
        .map_or_else(String::new, |f| f.name.clone())
}

fn ariadne_span(sources: &SourceMap, label: &Label) -> AriadneSpan {
    (file_name(sources, label.span.file), label.span.range())
}

/// Renders diagnostics for a person: source excerpt, labels, `help` notes, codes.
///
/// A source line of more than 200 characters is shown as windows around the labels on
/// it, with `…` (`...` in ASCII) where text is left out; the line and column in the
/// header are those of the whole line.
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
    let ellipsis = if options.ascii { "..." } else { "\u{2026}" };
    let mut out = Vec::new();
    for d in diagnostics {
        let cuts = excerpts(sources, d, ellipsis);
        let written = if cuts.is_empty() {
            report(d, config, options, |label| ariadne_span(sources, label))
                .write(&mut cache, &mut out)
        } else {
            write_cut(sources, d, &cuts, config, options, &mut out)
        };
        // Writing into a Vec cannot fail; a source missing from the cache only loses the
        // excerpt, so fall back to the one-line form.
        if written.is_err() {
            out.extend_from_slice(one_line(sources, d).as_bytes());
            out.push(b'\n');
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The ariadne report of a diagnostic, with spans given by `span`.
fn report(
    d: &Diagnostic,
    config: Config,
    options: RenderOptions,
    span: impl Fn(&Label) -> AriadneSpan,
) -> ariadne::Report<'_, AriadneSpan> {
    let kind = match d.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let mut report = ariadne::Report::build(kind, span(&d.primary))
        .with_config(config)
        .with_code(d.code.as_str())
        .with_message(&d.message);
    let mut primary = ariadne::Label::new(span(&d.primary)).with_order(0);
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
        let mut l =
            ariadne::Label::new(span(label)).with_order(i32::try_from(i + 1).unwrap_or(i32::MAX));
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
    report.finish()
}

/// The files of a diagnostic's labels whose long lines are cut for showing it.
fn excerpts(sources: &SourceMap, d: &Diagnostic, ellipsis: &str) -> Vec<(FileId, Excerpt)> {
    let mut points: Vec<(FileId, Vec<usize>)> = Vec::new();
    for label in std::iter::once(&d.primary).chain(&d.secondary) {
        let span = label.span;
        let ends = [span.start as usize, span.end as usize];
        match points.iter_mut().find(|(file, _)| *file == span.file) {
            Some((_, list)) => list.extend(ends),
            None => points.push((span.file, ends.to_vec())),
        }
    }
    points
        .into_iter()
        .filter_map(|(file, points)| {
            let text = &sources.get(file)?.text;
            Some((file, Excerpt::new(text, &points, ellipsis)?))
        })
        .collect()
}

/// Writes a diagnostic whose labels stand on long lines: ariadne is given the cut
/// text of those files, then the columns in the headers are put back.
fn write_cut(
    sources: &SourceMap,
    d: &Diagnostic,
    cuts: &[(FileId, Excerpt)],
    config: Config,
    options: RenderOptions,
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    let cut_of = |file: FileId| cuts.iter().find(|(f, _)| *f == file).map(|(_, e)| e);
    let span = |label: &Label| match cut_of(label.span.file) {
        Some(excerpt) => (
            format!("{}{CUT_MARK}", file_name(sources, label.span.file)),
            excerpt.map(label.span.start as usize)..excerpt.map(label.span.end as usize),
        ),
        None => ariadne_span(sources, label),
    };
    let mut files: Vec<(String, String)> = Vec::new();
    for label in std::iter::once(&d.primary).chain(&d.secondary) {
        let (name, _) = span(label);
        if files.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let text = match (cut_of(label.span.file), sources.get(label.span.file)) {
            (Some(excerpt), _) => excerpt.text.clone(),
            (None, Some(file)) => file.text.clone(),
            (None, None) => String::new(),
        };
        files.push((name, text));
    }
    let mut rendered = Vec::new();
    report(d, config, options, span).write(ariadne::sources(files), &mut rendered)?;
    let rendered = String::from_utf8_lossy(&rendered);
    let restored = cuts
        .iter()
        .fold(rendered.into_owned(), |text, (file, excerpt)| {
            restore_columns(&text, &file_name(sources, *file), excerpt)
        });
    out.extend_from_slice(restored.as_bytes());
    Ok(())
}

/// Replaces each `NAME<mark>:LINE:COLUMN` that ariadne wrote in a header, a position
/// in the cut text, by `NAME:LINE:COLUMN` in the whole text.
fn restore_columns(rendered: &str, name: &str, excerpt: &Excerpt) -> String {
    let marked = format!("{name}{CUT_MARK}:");
    let mut out = String::with_capacity(rendered.len());
    let mut rest = rendered;
    while let Some(at) = rest.find(&marked) {
        out.push_str(rest.get(..at).unwrap_or_default());
        rest = rest.get(at + marked.len()..).unwrap_or_default();
        let (line, after) = split_number(rest);
        let (column, after) = match after.strip_prefix(':') {
            Some(after) => split_number(after),
            None => (None, after),
        };
        out.push_str(name);
        match (line, column) {
            (Some(line), Some(column)) => {
                let column = excerpt.original_column(line, column);
                out.push_str(&format!(":{line}:{column}"));
                rest = after;
            }
            // Not a position: leave the text as it was, without the mark.
            _ => out.push(':'),
        }
    }
    out.push_str(rest);
    out
}

/// The decimal number at the start of `text`, and what follows it.
fn split_number(text: &str) -> (Option<usize>, &str) {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = text.split_at_checked(digits).unwrap_or(("", text));
    (number.parse().ok(), rest)
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
