//! `.tf.json` files: Terraform's JSON syntax, read by pol's JSON parser and then
//! written again in the fact shape of `.tf` files (the module docs of `hcl`), each
//! value at its position in the JSON text.
//!
//! Without Terraform's provider schemas a JSON object cannot be told from a nested
//! block, so a body's objects stay objects (a block written as a list of objects stays
//! a list): rules read both through `as_list`-style helpers. A string holding `${` or
//! `%{` is a template: `{"$expr": string}`; other strings are read with `$${` and
//! `%%{` unescaped. `"//"` comment properties of bodies are left out.

use crate::builder::{BuildError, Builder, Scalar};
use crate::document::{Document, NodeId};
use crate::error::LoadError;
use crate::limits::{Budget, Limit, LoadLimits};
use crate::lines::Lines;
use crate::view::NodeRef;

/// Loads a `.tf.json` document within `limits`.
pub(super) fn load(
    text: &str,
    file: Option<&str>,
    limits: &LoadLimits,
) -> std::result::Result<Document, LoadError> {
    let source = crate::json::load(text, file, limits)?;
    let lines = Lines::new(text);
    let budget = Budget::new(limits);
    let mut out = Writer {
        src: &source,
        lines: lines.clone(),
        builder: Builder::new(file, lines, source.len() + 16, &budget),
    };
    out.config().map_err(|(id, e)| {
        let (line, column) = source.position(id).map_or((1, 1), |p| (p.line, p.column));
        LoadError {
            file: file.map(str::to_owned),
            line,
            column,
            message: e.message,
            limit: e.limit,
        }
    })?;
    Ok(out.builder.finish())
}

/// Why a value could not be written.
struct Failure {
    message: String,
    limit: Option<Limit>,
}

impl From<BuildError> for Failure {
    fn from(e: BuildError) -> Failure {
        Failure {
            message: e.to_string(),
            limit: e.limit(),
        }
    }
}

/// A failure at the source node it is about.
type Result<T> = std::result::Result<T, (NodeId, Failure)>;

struct Writer<'d> {
    src: &'d Document,
    lines: Lines,
    builder: Builder<'d>,
}

/// The categories of top-level property with a list of their own: (property, list,
/// mode of a resource or `None`).
const LISTS: &[(&str, &str)] = &[
    ("resource", "resources"),
    ("data", "resources"),
    ("module", "modules"),
    ("variable", "variables"),
    ("output", "outputs"),
    ("provider", "providers"),
];

impl<'d> Writer<'d> {
    fn pos(&self, id: NodeId) -> u32 {
        let (line, column) = self
            .src
            .position(id)
            .map_or((1, 1), |p| (p.line as usize, p.column as usize));
        self.lines.offset(line, column.saturating_sub(1))
    }

    fn at<T>(id: NodeId, r: std::result::Result<T, BuildError>) -> Result<T> {
        r.map_err(|e| (id, e.into()))
    }

    fn open(&mut self, object: bool, id: NodeId) -> Result<()> {
        let pos = self.pos(id);
        Self::at(id, self.builder.open(object, pos)).map(drop)
    }

    fn close(&mut self, id: NodeId) -> Result<()> {
        Self::at(id, self.builder.close()).map(drop)
    }

    fn key(&mut self, key: &str, id: NodeId) -> Result<()> {
        let k = Self::at(id, self.builder.intern(key))?;
        Self::at(id, self.builder.set_key(k))
    }

    fn string_entry(&mut self, key: &str, value: &str, id: NodeId) -> Result<()> {
        self.key(key, id)?;
        let pos = self.pos(id);
        Self::at(id, self.builder.scalar(Scalar::Str(value), pos)).map(drop)
    }

    /// The entries of an object node, or none.
    fn entries(&self, id: NodeId) -> Vec<(&'d str, NodeId)> {
        let src = self.src;
        match src.get(id) {
            NodeRef::Object(o) => o.iter().map(|(k, v)| (src.key_str(k), v)).collect(),
            _ => Vec::new(),
        }
    }

    /// A node as a list of objects: the elements of a list, or the node itself.
    fn each(&self, id: NodeId) -> Vec<NodeId> {
        match self.src.get(id) {
            NodeRef::List(items) => items.iter().collect(),
            _ => vec![id],
        }
    }

    fn config(&mut self) -> Result<()> {
        let root = self.src.root();
        if !matches!(self.src.get(root), NodeRef::Object(_)) {
            let message = "a Terraform JSON file must hold an object".to_owned();
            return Err((
                root,
                Failure {
                    message,
                    limit: None,
                },
            ));
        }
        let top: Vec<(&str, NodeId)> = self
            .entries(root)
            .into_iter()
            .flat_map(|(k, v)| self.each(v).into_iter().map(move |v| (k, v)))
            .collect();
        self.open(true, root)?;
        let mut done: Vec<&str> = Vec::new();
        for &(_, list) in LISTS {
            if done.contains(&list) {
                continue;
            }
            done.push(list);
            self.key(list, root)?;
            self.open(false, root)?;
            for &(property, value) in &top {
                if LISTS.iter().any(|&(p, l)| p == property && l == list) {
                    self.category(property, value)?;
                }
            }
            self.close(root)?;
        }
        self.key("locals", root)?;
        self.open(true, root)?;
        for &(_, value) in top.iter().filter(|(k, _)| *k == "locals") {
            for (name, v) in self.entries(value) {
                self.key(name, v)?;
                self.value(v)?;
            }
        }
        self.close(root)?;
        self.key("terraform", root)?;
        self.open(false, root)?;
        for &(_, value) in top.iter().filter(|(k, _)| *k == "terraform") {
            self.body(value)?;
        }
        self.close(root)?;
        self.key("blocks", root)?;
        self.open(false, root)?;
        let known = |k: &str| {
            LISTS.iter().any(|&(p, _)| p == k) || matches!(k, "locals" | "terraform" | "//")
        };
        for &(property, value) in top.iter().filter(|(k, _)| !known(k)) {
            self.open(true, value)?;
            self.string_entry("type", property, value)?;
            self.key("labels", value)?;
            self.open(false, value)?;
            self.close(value)?;
            self.key("values", value)?;
            self.body(value)?;
            self.close(value)?;
        }
        self.close(root)?;
        self.close(root)
    }

    /// The entries of one top-level property (`"resource": {TYPE: {NAME: body}}`).
    fn category(&mut self, property: &str, value: NodeId) -> Result<()> {
        if property == "resource" || property == "data" {
            let mode = if property == "data" {
                "data"
            } else {
                "managed"
            };
            for (kind, by_name) in self.entries(value) {
                for by_name in self.each(by_name) {
                    for (name, bodies) in self.entries(by_name) {
                        for body in self.each(bodies) {
                            self.open(true, body)?;
                            let address = if mode == "data" {
                                format!("data.{kind}.{name}")
                            } else {
                                format!("{kind}.{name}")
                            };
                            self.string_entry("address", &address, body)?;
                            self.string_entry("mode", mode, body)?;
                            self.string_entry("type", kind, body)?;
                            self.string_entry("name", name, body)?;
                            self.key("values", body)?;
                            self.body(body)?;
                            self.close(body)?;
                        }
                    }
                }
            }
            return Ok(());
        }
        for (name, bodies) in self.entries(value) {
            for body in self.each(bodies) {
                self.open(true, body)?;
                if property == "module" {
                    self.string_entry("address", &format!("module.{name}"), body)?;
                }
                self.string_entry("name", name, body)?;
                self.key("values", body)?;
                self.body(body)?;
                self.close(body)?;
            }
        }
        Ok(())
    }

    /// A block body: an object without its `"//"` comments.
    fn body(&mut self, id: NodeId) -> Result<()> {
        self.open(true, id)?;
        for (key, v) in self.entries(id) {
            if key != "//" {
                self.key(key, v)?;
                self.value(v)?;
            }
        }
        self.close(id)
    }

    /// A value as it is, templates as `{"$expr": text}`. Recursion is bounded by the
    /// depth of the source document, which its loader limited.
    fn value(&mut self, id: NodeId) -> Result<()> {
        let pos = self.pos(id);
        let scalar = match self.src.get(id) {
            NodeRef::Null => Scalar::Null,
            NodeRef::Bool(b) => Scalar::Bool(b),
            NodeRef::Int(i) => Scalar::Int(i),
            NodeRef::Float(f) => Scalar::Float(f),
            NodeRef::Str(s) => {
                let escaped = s.replace("$${", "").replace("%%{", "");
                if escaped.contains("${") || escaped.contains("%{") {
                    self.open(true, id)?;
                    self.string_entry("$expr", s, id)?;
                    return self.close(id);
                }
                let plain = s.replace("$${", "${").replace("%%{", "%{");
                return Self::at(id, self.builder.scalar(Scalar::Str(&plain), pos)).map(drop);
            }
            NodeRef::List(items) => {
                self.open(false, id)?;
                for item in items.iter() {
                    self.value(item)?;
                }
                return self.close(id);
            }
            NodeRef::Object(_) => {
                self.open(true, id)?;
                for (key, v) in self.entries(id) {
                    self.key(key, v)?;
                    self.value(v)?;
                }
                return self.close(id);
            }
        };
        Self::at(id, self.builder.scalar(scalar, pos)).map(drop)
    }
}
