//! Very long source lines are shown as windows around the labels, with `...` where
//! text is left out; the header's line and column are those of the whole line.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test code: a failure should stop the test loudly"
)]

use pol_diagnostics::{Code, Diagnostic, RenderOptions, SourceMap, Span, render_text};

const ASCII: RenderOptions = RenderOptions {
    color: false,
    ascii: true,
};

/// The `file:line:column` of the first header of a rendered report.
fn header(rendered: &str) -> &str {
    let line = rendered.lines().find(|l| l.contains(",-[")).unwrap();
    line.split(",-[ ").nth(1).unwrap().trim_end_matches(" ]")
}

/// `file:line:column` of a span, as `SourceMap` (and the JSON output) count them.
fn position(map: &SourceMap, span: Span) -> String {
    let (file, at) = map.locate(span).unwrap();
    format!("{file}:{}:{}", at.line, at.column)
}

fn widest_line(rendered: &str) -> usize {
    rendered.lines().map(|l| l.chars().count()).max().unwrap()
}

/// The case of issue 13: 200 nested brackets, the error at the 129th.
#[test]
fn a_line_of_brackets_is_shown_around_the_label() {
    let mut map = SourceMap::new();
    let text = format!(
        "package p\nlet x = {}1{}\n",
        "[".repeat(200),
        "]".repeat(200)
    );
    let file = map.add("p.pol", text);
    let at = 10 + 8 + 128;
    let span = Span::new(file, at, at + 1);
    let d = Diagnostic::error(Code::NestingTooDeep, span, "too deep").with_label("here");
    let out = render_text(&map, &[d], ASCII);
    assert_eq!(header(&out), "p.pol:2:137");
    assert_eq!(header(&out), position(&map, span));
    // 60 characters on each side of the label's start and end: columns 77 to 197.
    let source_line = out.lines().find(|l| l.starts_with(" 2 | ")).unwrap();
    assert_eq!(source_line, format!(" 2 | ...{}...", "[".repeat(121)));
    // The label points at the 61st bracket shown.
    let marker = out.lines().nth(4).unwrap();
    assert_eq!(
        marker.trim_end().rfind('|'),
        Some(" 2 | ...".len() + 60),
        "{out}"
    );
    assert!(out.contains("`-- here"), "{out}");
}

#[test]
fn a_20_kb_line_is_not_echoed_in_full() {
    let mut map = SourceMap::new();
    let items = "\"é\", ".repeat(4000);
    let text = format!("package p\nlet x = [{items}]\nlet y = x\n");
    let file = map.add("p.pol", text.clone());
    let mid = (text.len() / 2..)
        .find(|&i| text.is_char_boundary(i))
        .unwrap();
    let span = Span::new(file, mid, mid + 3);
    let far = text.rfind(']').unwrap();
    let d = Diagnostic::error(Code::UnknownName, span, "the middle")
        .with_label("here")
        .with_secondary(Span::new(file, 14, 15), "defined here")
        .with_secondary(Span::new(file, far, far + 1), "closed here")
        .with_help("help text");
    let out = render_text(&map, &[d], ASCII);
    assert!(out.len() < 3000, "{} bytes:\n{out}", out.len());
    assert!(widest_line(&out) < 500, "{out}");
    // The column counts characters (`é` is two bytes), in the whole line.
    assert_eq!(header(&out), position(&map, span));
    for text in ["here", "defined here", "closed here", "Help: help text"] {
        assert!(out.contains(text), "no {text:?} in\n{out}");
    }
    assert_eq!(out.matches("...").count(), 2, "{out}");
}

/// A label over most of a long line keeps its two ends; one at the end of the line
/// (an unexpected end of file) keeps the end.
#[test]
fn labels_keep_both_ends_and_the_end_of_the_line() {
    let mut map = SourceMap::new();
    let line = format!("let x = {}", "a + ".repeat(1000));
    let file = map.add("p.pol", format!("package p\r\n{line}"));
    let len = map.get(file).unwrap().text.len();
    let whole = Span::new(file, 19, len - 3);
    let d = Diagnostic::error(Code::UnknownName, whole, "most").with_label("this");
    let out = render_text(&map, &[d], ASCII);
    assert_eq!(header(&out), "p.pol:2:9");
    assert!(out.contains(" 2 | let x = a + a + "), "{out}");
    assert!(widest_line(&out) < 400, "{out}");
    let eof = Span::new(file, len, len);
    let d = Diagnostic::error(Code::UnexpectedEof, eof, "end").with_label("expected");
    let out = render_text(&map, &[d], ASCII);
    assert_eq!(header(&out), position(&map, eof));
    assert!(out.contains("a + a + "), "{out}");
    assert!(widest_line(&out) < 400, "{out}");
}

#[test]
fn unicode_output_uses_an_ellipsis_character() {
    let mut map = SourceMap::new();
    let file = map.add("p.pol", format!("let x = {}", "1 + ".repeat(500)));
    let span = Span::new(file, 1000, 1001);
    let d = Diagnostic::error(Code::UnknownName, span, "m").with_label("l");
    let out = render_text(
        &map,
        &[d],
        RenderOptions {
            color: false,
            ascii: false,
        },
    );
    assert!(out.contains('\u{2026}'), "{out}");
    assert!(!out.contains("..."), "{out}");
    assert!(
        out.contains(&format!("[ {} ]", position(&map, span))),
        "{out}"
    );
}

/// Short lines, and long lines no label is on, are shown as they are.
#[test]
fn other_lines_are_untouched() {
    let mut map = SourceMap::new();
    let long = format!("let a = \"{}\"", "z".repeat(300));
    let file = map.add("p.pol", format!("package p\n{long}\nlet x = y\n"));
    let at = 10 + long.len() + 1 + 8;
    let d = Diagnostic::error(
        Code::UnknownName,
        Span::new(file, at, at + 1),
        "unknown name `y`",
    )
    .with_label("not defined");
    let out = render_text(&map, &[d], ASCII);
    assert_eq!(
        out,
        "[E0100] Error: unknown name `y`\n   ,-[ p.pol:3:9 ]\n   |\n 3 | let x = y\n   |         |  \n   |         `-- not defined\n---'\n"
    );
}

/// Random lines of random lengths (some with two-byte characters) and random labels:
/// no panic, the header's position is the label's, and no source line is echoed whole.
#[test]
fn random_labels_on_random_lines() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below as u64) as usize
    };
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..1 + next(5) {
            let len = [10, 150, 250, 3000][next(4)];
            for _ in 0..len {
                text.push(['a', 'é', ' ', '['][next(4)]);
            }
            text.push('\n');
        }
        let boundary = |at: usize| {
            (at..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap()
        };
        let start = boundary(next(text.len()));
        let end = boundary(start + next(40).min(text.len() - start));
        let other = boundary(next(text.len()));
        let mut map = SourceMap::new();
        let file = map.add("r.pol", text.clone());
        let span = Span::new(file, start, end);
        let d = Diagnostic::error(Code::UnknownName, span, "m")
            .with_label("l")
            .with_secondary(Span::new(file, other, other), "o");
        let out = render_text(&map, &[d], ASCII);
        assert_eq!(header(&out), position(&map, span), "{out}");
        assert!(!out.contains('\u{1}'), "{out}");
        let widest = out
            .lines()
            .filter(|l| l.contains(" | "))
            .map(|l| l.chars().count())
            .max()
            .unwrap();
        assert!(widest < 700, "{widest}:\n{out}");
    }
}
