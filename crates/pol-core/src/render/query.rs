//! `pol eval --query NAME`: the value of a top-level `let` for each document, labelled
//! with the input (and document) it belongs to.
//!
//! In text, one document in all prints its value alone, as JSON (for scripts); several
//! print each under its document's name:
//!
//! ```text
//! ci.yml
//! ["push"]
//!
//! k8s.yaml (document 1)
//! "Pod debug"
//! ```
//!
//! In JSON, one document `{"version": 1, "query", "results": [...]}`, each result
//! `{"input": {"file", "document"}, "value"}` or, when the let failed on that
//! document, `{"input": ..., "error"}`; NDJSON writes the results alone, one a line.

use super::JSON_VERSION;
use serde::Serialize;
use std::io::{self, Write};

/// The formats a query's values are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryFormat {
    /// The values as JSON, each under its document's name when there are several.
    #[default]
    Text,
    /// One JSON document.
    Json,
    /// One JSON object a line.
    Ndjson,
}

/// One document's value of the queried let.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryValue {
    /// The input's display name.
    pub file: String,
    /// Which document of the input, from 0.
    pub document: usize,
    /// How many documents the input holds.
    pub documents: usize,
    /// The value, or why computing it failed on this document.
    pub value: Result<serde_json::Value, String>,
}

impl QueryValue {
    /// The document's name: the input's, with `(document N)` in an input of several.
    pub fn name(&self) -> String {
        if self.documents > 1 {
            format!("{} (document {})", self.file, self.document)
        } else {
            self.file.clone()
        }
    }
}

#[derive(Serialize)]
struct Input<'a> {
    file: &'a str,
    document: usize,
}

#[derive(Serialize)]
struct Entry<'a> {
    input: Input<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

fn entry(v: &QueryValue) -> Entry<'_> {
    Entry {
        input: Input {
            file: &v.file,
            document: v.document,
        },
        value: v.value.as_ref().ok(),
        error: v.value.as_ref().err().map(String::as_str),
    }
}

/// Writes the values of the let `name`, in document order. In text, a document whose
/// let failed is left out (the caller reports the error); JSON carries it.
pub fn write_query(
    out: &mut dyn Write,
    format: QueryFormat,
    name: &str,
    values: &[QueryValue],
) -> io::Result<()> {
    match format {
        QueryFormat::Text => {
            let labelled = values.len() > 1;
            let mut first = true;
            for v in values {
                let Ok(value) = &v.value else { continue };
                let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
                if labelled {
                    if !first {
                        writeln!(out)?;
                    }
                    writeln!(out, "{}", v.name())?;
                }
                first = false;
                writeln!(out, "{text}")?;
            }
            Ok(())
        }
        QueryFormat::Json => {
            write!(out, "{{\"version\": {JSON_VERSION}, \"query\": ")?;
            serde_json::to_writer(&mut *out, name).map_err(io::Error::other)?;
            out.write_all(b", \"results\": [")?;
            for (i, v) in values.iter().enumerate() {
                out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, &entry(v)).map_err(io::Error::other)?;
            }
            out.write_all(b"\n]}\n")
        }
        QueryFormat::Ndjson => {
            for v in values {
                serde_json::to_writer(&mut *out, &entry(v)).map_err(io::Error::other)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values() -> Vec<QueryValue> {
        let v = |file: &str, document, documents, value| QueryValue {
            file: file.to_owned(),
            document,
            documents,
            value,
        };
        vec![
            v("ci.yml", 0, 1, Ok(json!(["push"]))),
            v("k8s.yaml", 0, 2, Ok(json!("Service web"))),
            v(
                "k8s.yaml",
                1,
                2,
                Err("`to_int`: \"x\" is not an integer".to_owned()),
            ),
        ]
    }

    fn written(format: QueryFormat, values: &[QueryValue]) -> String {
        let mut out = Vec::new();
        write_query(&mut out, format, "q", values).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_labels_each_value_when_there_are_several() {
        assert_eq!(
            written(QueryFormat::Text, &values()),
            "ci.yml\n[\n  \"push\"\n]\n\nk8s.yaml (document 0)\n\"Service web\"\n"
        );
        assert_eq!(
            written(QueryFormat::Text, &values()[..1]),
            "[\n  \"push\"\n]\n"
        );
    }

    #[test]
    fn json_and_ndjson_carry_inputs_values_and_errors() {
        let doc: serde_json::Value =
            serde_json::from_str(&written(QueryFormat::Json, &values())).unwrap();
        assert_eq!(doc["version"], JSON_VERSION);
        assert_eq!(doc["query"], "q");
        assert_eq!(
            doc["results"][1],
            json!({"input": {"file": "k8s.yaml", "document": 0}, "value": "Service web"})
        );
        assert_eq!(
            doc["results"][2]["error"],
            "`to_int`: \"x\" is not an integer"
        );
        let lines = written(QueryFormat::Ndjson, &values());
        let parsed: Vec<serde_json::Value> = lines
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(parsed, doc["results"].as_array().unwrap().clone());
        let empty: serde_json::Value =
            serde_json::from_str(&written(QueryFormat::Json, &[])).unwrap();
        assert_eq!(empty["results"], json!([]));
    }
}
