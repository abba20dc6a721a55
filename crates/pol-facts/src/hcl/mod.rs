//! The Terraform configuration loader: `.tf` files (HCL native syntax, parsed by the
//! `hcl-edit` crate, which keeps the byte span of every value) and `.tf.json` files
//! (Terraform's JSON syntax, read by pol's JSON parser) into one fact shape
//! (docs/inputs.md, "Terraform configuration"):
//!
//! ```text
//! {"resources": [{"address", "mode", "type", "name", "values": {...}}],
//!  "modules": [{"address", "name", "values"}], "variables": [{"name", "values"}],
//!  "outputs": [{"name", "values"}], "providers": [{"name", "values"}],
//!  "locals": {...}, "terraform": [{...}], "blocks": [{"type", "labels", "values"}]}
//! ```
//!
//! A block's `values` hold its attributes by name and its nested blocks by type, each
//! type a list of objects (as `terraform show -json` writes them). Values that cannot
//! be known without evaluating Terraform (references, function calls, templates with
//! interpolations, conditionals, `for` expressions, operators) become
//! `{"$expr": "<source text>"}`; a function call also has `"$call"` (its name) and
//! `"$args"` (its arguments, read the same way). Nothing is guessed.
//!
//! Every node's position is the start of the value it comes from (a block's entry and
//! its `values`: the block's first character). Recursion is bounded: `hcl-edit`
//! refuses nesting deeper than 64 levels, and the builder refuses documents deeper
//! than the depth limit.

use std::ops::Range;

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Element, Template};

use crate::builder::{BuildError, Builder, Scalar};
use crate::document::Document;
use crate::error::LoadError;
use crate::limits::{Budget, Limit, LoadLimits};
use crate::lines::{ByteOffsets, Lines};

mod json;

/// The categories of top-level block, in the order their lists appear in the facts:
/// (block type, key of the list, how an entry is named).
const LISTS: &[(&str, &str, Naming)] = &[
    ("resource", "resources", Naming::Resource("managed")),
    ("data", "resources", Naming::Resource("data")),
    ("module", "modules", Naming::Module),
    ("variable", "variables", Naming::Name),
    ("output", "outputs", Naming::Name),
    ("provider", "providers", Naming::Name),
];

/// How a top-level block's entry is named.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// `resource "TYPE" "NAME"` (the mode: `managed` or `data`).
    Resource(&'static str),
    /// `module "NAME"` (with an address `module.NAME`).
    Module,
    /// `variable "NAME"`, `output "NAME"`, `provider "NAME"`.
    Name,
}

/// The top-level block types that have a list of their own (or `locals`/`terraform`).
fn is_known_block(ident: &str) -> bool {
    LISTS.iter().any(|(t, _, _)| *t == ident) || ident == "locals" || ident == "terraform"
}

/// Loads a Terraform configuration: Terraform's JSON syntax when the text's first
/// character (after blanks and a byte-order mark) is `{` or `[` (an HCL body cannot
/// start with either), else HCL native syntax.
pub(crate) fn load(
    text: &str,
    file: Option<&str>,
    limits: &LoadLimits,
) -> Result<Document, LoadError> {
    let body = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if body.starts_with(['{', '[']) {
        return json::load(text, file, limits);
    }
    let parsed = hcl_edit::parser::parse_body(text).map_err(|e| {
        let location = e.location();
        let message = first_line(e.message());
        LoadError {
            file: file.map(str::to_owned),
            line: crate::lines::to_u32(location.line()),
            column: crate::lines::to_u32(location.column()),
            message,
            limit: None,
        }
    })?;
    let budget = Budget::new(limits);
    let lines = Lines::new(text).with_comments(text);
    let mut loader = Loader {
        text,
        offsets: ByteOffsets::new(text, lines.clone()),
        builder: Builder::new(file, lines, text.len() / 16, &budget),
    };
    loader
        .config(&parsed)
        .map_err(|e| LoadError::at_byte(file, text, e.at, e.message).about(e.limit))?;
    Ok(loader.builder.finish())
}

/// The parser's message as one lowercase line (`hcl-edit` writes `expected ...` and
/// `invalid ...` already).
fn first_line(message: &str) -> String {
    let line = message.lines().map(str::trim).find(|l| !l.is_empty());
    let text = line.unwrap_or("invalid HCL");
    format!("invalid HCL: {text}")
}

/// An error: a byte offset, a message, and the limit it is about.
pub(super) struct Error {
    pub(super) at: usize,
    pub(super) message: String,
    pub(super) limit: Option<Limit>,
}

pub(super) fn built<T>(at: usize, result: Result<T, BuildError>) -> Result<T, Error> {
    result.map_err(|e| Error {
        at,
        message: e.to_string(),
        limit: e.limit(),
    })
}

struct Loader<'t> {
    text: &'t str,
    offsets: ByteOffsets<'t>,
    builder: Builder<'t>,
}

/// The start of a span (0 for a value without one, which the parser never makes).
fn start(span: Option<Range<usize>>) -> usize {
    span.map_or(0, |s| s.start)
}

impl<'t> Loader<'t> {
    fn open(&mut self, object: bool, at: usize) -> Result<(), Error> {
        let pos = self.offsets.char_offset(at);
        built(at, self.builder.open(object, pos)).map(drop)
    }

    fn close(&mut self, at: usize) -> Result<(), Error> {
        built(at, self.builder.close()).map(drop)
    }

    fn key(&mut self, key: &str, at: usize) -> Result<(), Error> {
        let id = built(at, self.builder.intern(key))?;
        built(at, self.builder.set_key(id))
    }

    fn scalar(&mut self, value: Scalar<'_>, at: usize) -> Result<(), Error> {
        let pos = self.offsets.char_offset(at);
        built(at, self.builder.scalar(value, pos)).map(drop)
    }

    fn string_entry(&mut self, key: &str, value: &str, at: usize) -> Result<(), Error> {
        self.key(key, at)?;
        self.scalar(Scalar::Str(value), at)
    }

    /// The whole configuration: one list per category of block, `locals`, `terraform`,
    /// and the other blocks.
    fn config(&mut self, body: &Body) -> Result<(), Error> {
        self.open(true, 0)?;
        if let Some(Structure::Attribute(attr)) = body.iter().find(|s| s.is_attribute()) {
            let at = start(attr.span());
            return Err(Error {
                at,
                message: format!(
                    "unexpected attribute `{}` at the top level of a Terraform file",
                    attr.key.as_str()
                ),
                limit: None,
            });
        }
        let blocks: Vec<&Block> = body.iter().filter_map(Structure::as_block).collect();
        let mut done: Vec<&str> = Vec::new();
        for &(_, list, _) in LISTS {
            if done.contains(&list) {
                continue;
            }
            done.push(list);
            self.key(list, 0)?;
            self.open(false, 0)?;
            for block in &blocks {
                let naming = LISTS
                    .iter()
                    .find(|(t, l, _)| *l == list && block.ident.as_str() == *t)
                    .map(|(_, _, n)| *n);
                if let Some(naming) = naming {
                    self.entry(block, naming)?;
                }
            }
            self.close(0)?;
        }
        // `locals`: every `locals` block's attributes in one object.
        self.key("locals", 0)?;
        self.open(true, 0)?;
        for block in blocks.iter().filter(|b| b.ident.as_str() == "locals") {
            self.attributes(&block.body)?;
        }
        self.close(0)?;
        self.key("terraform", 0)?;
        self.open(false, 0)?;
        for block in blocks.iter().filter(|b| b.ident.as_str() == "terraform") {
            self.body(&block.body, start(block.span()))?;
        }
        self.close(0)?;
        self.key("blocks", 0)?;
        self.open(false, 0)?;
        for block in blocks.iter().filter(|b| !is_known_block(b.ident.as_str())) {
            let at = start(block.span());
            self.open(true, at)?;
            self.string_entry("type", block.ident.as_str(), at)?;
            self.labels(block, at)?;
            self.key("values", at)?;
            self.body(&block.body, at)?;
            self.close(at)?;
        }
        self.close(0)?;
        self.close(0)
    }

    /// A top-level block's entry in its list.
    fn entry(&mut self, block: &Block, naming: Naming) -> Result<(), Error> {
        let at = start(block.span());
        let label = |i: usize| block.labels.get(i).map(|l| l.as_str());
        self.open(true, at)?;
        match naming {
            Naming::Resource(mode) => {
                let (kind, name) = (label(0).unwrap_or(""), label(1).unwrap_or(""));
                let address = if mode == "data" {
                    format!("data.{kind}.{name}")
                } else {
                    format!("{kind}.{name}")
                };
                self.string_entry("address", &address, at)?;
                self.string_entry("mode", mode, at)?;
                self.string_entry("type", kind, at)?;
                self.string_entry("name", name, at)?;
            }
            Naming::Module => {
                let name = label(0).unwrap_or("");
                self.string_entry("address", &format!("module.{name}"), at)?;
                self.string_entry("name", name, at)?;
            }
            Naming::Name => self.string_entry("name", label(0).unwrap_or(""), at)?,
        }
        self.key("values", at)?;
        self.body(&block.body, at)?;
        self.close(at)
    }

    fn labels(&mut self, block: &Block, at: usize) -> Result<(), Error> {
        self.key("labels", at)?;
        self.open(false, at)?;
        for label in &block.labels {
            self.scalar(Scalar::Str(label.as_str()), start(label.span()))?;
        }
        self.close(at)
    }

    /// A block's body as an object: its attributes, then its nested blocks by type
    /// ([`Loader::blocks`]).
    fn body(&mut self, body: &Body, at: usize) -> Result<(), Error> {
        self.open(true, at)?;
        self.attributes(body)?;
        self.blocks(body, at)?;
        self.close(at)
    }

    /// The nested blocks of a body by type, into the object open now: each type a list
    /// of objects in the order of the file. A nested block with labels
    /// (`dynamic "ingress"`, `provisioner "local-exec"`) has them as `$labels`.
    fn blocks(&mut self, body: &Body, at: usize) -> Result<(), Error> {
        let mut types: Vec<&str> = Vec::new();
        for block in body.iter().filter_map(Structure::as_block) {
            if !types.contains(&block.ident.as_str()) {
                types.push(block.ident.as_str());
            }
        }
        for kind in types {
            let mut first = true;
            for block in body.iter().filter_map(Structure::as_block) {
                if block.ident.as_str() != kind {
                    continue;
                }
                let at = start(block.span());
                if first {
                    self.key(kind, at)?;
                    self.open(false, at)?;
                    first = false;
                }
                self.open(true, at)?;
                if !block.labels.is_empty() {
                    self.key("$labels", at)?;
                    self.open(false, at)?;
                    for label in &block.labels {
                        self.scalar(Scalar::Str(label.as_str()), start(label.span()))?;
                    }
                    self.close(at)?;
                }
                self.attributes(&block.body)?;
                self.blocks(&block.body, at)?;
                self.close(at)?;
            }
            self.close(at)?;
        }
        Ok(())
    }

    /// The attributes of a body, as entries of the object open now.
    fn attributes(&mut self, body: &Body) -> Result<(), Error> {
        for attr in body.iter().filter_map(Structure::as_attribute) {
            let at = start(attr.span());
            self.key(attr.key.as_str(), at)?;
            self.expr(&attr.value)?;
        }
        Ok(())
    }

    /// An expression: a literal as its value, anything else as `{"$expr": text}`.
    fn expr(&mut self, expr: &Expression) -> Result<(), Error> {
        let at = start(expr.span());
        match expr {
            Expression::Null(_) => self.scalar(Scalar::Null, at),
            Expression::Bool(b) => self.scalar(Scalar::Bool(*b.value()), at),
            Expression::Number(n) => {
                let n = n.value();
                match (n.as_i64(), n.as_f64()) {
                    (Some(i), _) if !n.is_f64() => self.scalar(Scalar::Int(i), at),
                    (_, Some(f)) => self.scalar(Scalar::Float(f), at),
                    _ => self.unknown(expr, at),
                }
            }
            Expression::String(s) => self.scalar(Scalar::Str(s.value()), at),
            Expression::Array(items) => {
                self.open(false, at)?;
                for item in items.iter() {
                    self.expr(item)?;
                }
                self.close(at)
            }
            Expression::Object(object) => {
                self.open(true, at)?;
                for (key, value) in object.iter() {
                    let key_at = start(key.span());
                    match key {
                        ObjectKey::Ident(ident) => self.key(ident.as_str(), key_at)?,
                        ObjectKey::Expression(Expression::String(s)) => {
                            self.key(s.value(), key_at)?;
                        }
                        ObjectKey::Expression(e) => {
                            let text = self.source(e.span());
                            self.key(text, key_at)?;
                        }
                    }
                    self.expr(value.expr())?;
                }
                self.close(at)
            }
            Expression::StringTemplate(t) => match literal(t) {
                Some(s) => self.scalar(Scalar::Str(&s), at),
                None => self.unknown(expr, at),
            },
            Expression::HeredocTemplate(h) => match literal(&h.template) {
                // `<<-` heredocs are dedented by the parser, as Terraform does.
                Some(s) => self.scalar(Scalar::Str(&s), at),
                None => self.unknown(expr, at),
            },
            Expression::Parenthesis(p) => self.expr(p.inner()),
            Expression::FuncCall(call) => {
                self.open(true, at)?;
                self.string_entry("$expr", self.source(expr.span()), at)?;
                let name = call.name.name.as_str();
                self.string_entry("$call", name, start(call.name.name.span()))?;
                self.key("$args", at)?;
                self.open(false, at)?;
                for arg in call.args.iter() {
                    self.expr(arg)?;
                }
                self.close(at)?;
                self.close(at)
            }
            _ => self.unknown(expr, at),
        }
    }

    /// `{"$expr": source text}`.
    fn unknown(&mut self, expr: &Expression, at: usize) -> Result<(), Error> {
        self.open(true, at)?;
        self.string_entry("$expr", self.source(expr.span()), at)?;
        self.close(at)
    }

    /// The source text of a span, trimmed.
    fn source(&self, span: Option<Range<usize>>) -> &'t str {
        span.and_then(|s| self.text.get(s)).map_or("", str::trim)
    }
}

/// A template's text when it holds literal text only (no interpolation or directive).
fn literal(template: &Template) -> Option<String> {
    let mut out = String::new();
    for element in template.iter() {
        match element {
            Element::Literal(s) => out.push_str(s.value()),
            Element::Interpolation(_) | Element::Directive(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
