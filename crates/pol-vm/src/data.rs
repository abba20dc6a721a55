//! Reference data: the value of `data` in policies (`docs/data.md`).
//!
//! Data comes from files (`pol eval --data roles.yaml`, a bundle, a test's
//! `data = {...}`): each is one JSON or YAML document whose root is an object, and their
//! top-level keys are merged into the one object that `data` is. It is read once and
//! shared by every evaluation; an evaluator converts it to values once
//! ([`crate::Evaluator::set_data`]).

use pol_bytecode::Digest;
use pol_facts::{Format, LoadError};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// Reference data for policies: an object merged from data documents, each top-level
/// key from one of them. Cheap to clone (`Send + Sync`, shared).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Data {
    root: Arc<Map<String, Json>>,
    /// For each top-level key, the name of the document it came from.
    sources: Vec<(String, String)>,
    names: Vec<String>,
    /// The digest of `root`, computed when a document is added (`None`: no data), so
    /// that a decision log names it on every record without hashing it again.
    digest: Option<Digest>,
}

/// Why a data document cannot be added.
#[derive(Debug, Clone, PartialEq)]
pub enum DataError {
    /// The text is not valid JSON or YAML (with its location).
    Load(LoadError),
    /// The text holds no document, or a YAML stream of several.
    Documents {
        /// The data document's name (its file).
        name: String,
        /// How many documents it holds.
        found: usize,
    },
    /// The document's root is not an object (`data` is one object of named parts).
    NotAnObject {
        /// The data document's name.
        name: String,
        /// What its root is.
        found: &'static str,
    },
    /// Two data documents have the same top-level key.
    Duplicate {
        /// The key.
        key: String,
        /// The document that gave it first.
        first: String,
        /// The document that gives it again.
        second: String,
    },
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataError::Load(e) => write!(f, "{e}"),
            DataError::Documents { name, found: 0 } => {
                write!(f, "{name}: a data document holds one document, found none")
            }
            DataError::Documents { name, found } => write!(
                f,
                "{name}: a data document holds one document, found a stream of {found}"
            ),
            DataError::NotAnObject { name, found } => write!(
                f,
                "{name}: a data document is an object (its keys become `data.KEY`), found {found}"
            ),
            DataError::Duplicate { key, first, second } => write!(
                f,
                "{second}: `data.{key}` is also given by {first}; each top-level key comes from one data document"
            ),
        }
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DataError::Load(e) => Some(e),
            _ => None,
        }
    }
}

impl Data {
    /// No data: `data` is an empty object.
    pub fn new() -> Data {
        Data::default()
    }

    /// Adds the data file `name` (its path as shown) of text `text`: its format from
    /// its extension (`.json`, `.yaml`, `.yml`, `.toml`), else JSON when the text starts
    /// with `{` or `[`, else YAML; then as [`Data::add_text`].
    pub fn add_file(&mut self, name: &str, text: &str) -> Result<(), DataError> {
        let format = pol_facts::kind::format_of_path(std::path::Path::new(name))
            .unwrap_or_else(|| Format::sniff(text));
        self.add_text(name, text, format)
    }

    /// Adds the document `text` (JSON, YAML or TOML, one document whose root is an
    /// object) under `name` (its file, for messages).
    pub fn add_text(&mut self, name: &str, text: &str, format: Format) -> Result<(), DataError> {
        let docs = pol_facts::load(text, format, Some(name)).map_err(DataError::Load)?;
        let [doc] = docs.as_slice() else {
            return Err(DataError::Documents {
                name: name.to_owned(),
                found: docs.len(),
            });
        };
        self.add(name, doc.to_json(doc.root()))
    }

    /// Adds `value` (an object) under `name`: its keys become keys of `data`.
    pub fn add(&mut self, name: &str, value: Json) -> Result<(), DataError> {
        let Json::Object(map) = value else {
            return Err(DataError::NotAnObject {
                name: name.to_owned(),
                found: kind_name(&value),
            });
        };
        if let Some(key) = map.keys().find(|k| self.root.contains_key(*k)) {
            let first = self
                .sources
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, source)| source.clone())
                .unwrap_or_default();
            return Err(DataError::Duplicate {
                key: key.clone(),
                first,
                second: name.to_owned(),
            });
        }
        let root = Arc::make_mut(&mut self.root);
        for (key, value) in map {
            self.sources.push((key.clone(), name.to_owned()));
            root.insert(key, value);
        }
        self.names.push(name.to_owned());
        let text = serde_json::to_string(&*self.root).unwrap_or_default();
        self.digest = Some(Digest::of(text.as_bytes()));
        Ok(())
    }

    /// The merged object.
    pub fn value(&self) -> &Map<String, Json> {
        &self.root
    }

    /// The merged object, as a JSON value of its own.
    pub fn to_json(&self) -> Json {
        Json::Object((*self.root).clone())
    }

    /// True when no document was added.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The names of the documents added, in order.
    pub fn documents(&self) -> &[String] {
        &self.names
    }

    /// The document that gave the top-level key `key`.
    pub fn source_of(&self, key: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, source)| source.as_str())
    }

    /// The SHA-256 of the merged object's canonical JSON text (keys sorted, no
    /// whitespace): the same data gives the same digest, however it was split into
    /// files or written (decision logs record it).
    pub fn digest(&self) -> Digest {
        self.digest.unwrap_or_else(|| Digest::of(b"{}"))
    }
}

fn kind_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a bool",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_merge_at_their_top_level_keys() {
        let mut data = Data::new();
        data.add_text("roles.yaml", "roles:\n  alice: [deployer]\n", Format::Yaml)
            .unwrap();
        data.add_text(
            "envs.json",
            r#"{"envs": {"prod": {"approvals": 2}}}"#,
            Format::Json,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(data.value()).unwrap(),
            r#"{"envs":{"prod":{"approvals":2}},"roles":{"alice":["deployer"]}}"#
        );
        assert_eq!(data.source_of("roles"), Some("roles.yaml"));
        assert_eq!(data.documents(), ["roles.yaml", "envs.json"]);
    }

    #[test]
    fn the_digest_depends_on_the_content_only() {
        let mut one = Data::new();
        one.add_text("a.json", r#"{"a": 1, "b": [true]}"#, Format::Json)
            .unwrap();
        let mut two = Data::new();
        two.add_text("x.yaml", "b:\n  - true\n", Format::Yaml)
            .unwrap();
        two.add_text("y.yaml", "a: 1\n", Format::Yaml).unwrap();
        assert_eq!(one.digest(), two.digest());
        let mut other = Data::new();
        other
            .add_text("a.json", r#"{"a": 2, "b": [true]}"#, Format::Json)
            .unwrap();
        assert_ne!(one.digest(), other.digest());
    }

    #[test]
    fn bad_documents_are_refused_with_their_name() {
        let mut data = Data::new();
        let e = data
            .add_text("list.json", "[1, 2]", Format::Json)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "list.json: a data document is an object (its keys become `data.KEY`), found a list"
        );
        data.add_text("a.json", r#"{"roles": {}}"#, Format::Json)
            .unwrap();
        let e = data
            .add_text("b.yaml", "roles: []\n", Format::Yaml)
            .unwrap_err();
        assert!(
            matches!(&e, DataError::Duplicate { key, first, .. } if key == "roles" && first == "a.json"),
            "{e}"
        );
        let e = data
            .add_text("two.yaml", "a: 1\n---\nb: 2\n", Format::Yaml)
            .unwrap_err();
        assert!(matches!(e, DataError::Documents { found: 2, .. }), "{e}");
        let e = data.add_text("bad.json", "{", Format::Json).unwrap_err();
        assert!(matches!(e, DataError::Load(_)), "{e}");
        // A refused document adds nothing.
        assert_eq!(data.documents(), ["a.json"]);
    }
}
