//! Spans, source files and diagnostics shared by every compiler stage of pol.
//!
//! Stages never stop at the first mistake: they return their result together with a
//! `Vec<Diagnostic>`. A [`Diagnostic`] is plain data — a stable [`Code`], a message,
//! labelled [`Span`]s and an optional `help` — and is rendered in one place, by
//! [`render_text`] (ariadne) or [`render_json`].

mod code;
mod diagnostic;
mod excerpt;
mod render;
mod source;
mod span;

pub use code::Code;
pub use diagnostic::{Diagnostic, Label, Severity};
pub use render::{RenderOptions, one_line, render_json, render_text, to_json};
pub use source::{LineCol, SourceFile, SourceMap};
pub use span::{FileId, Span};
