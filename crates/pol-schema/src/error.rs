//! `SchemaError`: why a schema could not be turned into types.

use std::fmt;

/// A schema the importer cannot read. `at` is the JSON pointer of the offending
/// subschema (`#/definitions/step/properties/uses`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaError {
    /// A subschema is not what JSON Schema allows there (a keyword with a value of the
    /// wrong kind, an unknown `type` name, a schema that is neither an object nor a
    /// boolean).
    Malformed {
        /// Where.
        at: String,
        /// What is wrong, e.g. "`required` must be a list of strings".
        message: String,
    },
    /// A `$ref` that names nothing in the document.
    UnresolvedRef {
        /// Where the `$ref` is.
        at: String,
        /// The reference as written.
        reference: String,
    },
    /// A `$ref` to another document (only references inside the schema are followed).
    ExternalRef {
        /// Where the `$ref` is.
        at: String,
        /// The reference as written.
        reference: String,
    },
    /// A definition asked for in [`Options::roots`](crate::Options::roots) that the
    /// schema does not have.
    UnknownDefinition {
        /// The name as given.
        name: String,
        /// A definition with a close name, if there is one.
        suggestion: Option<String>,
    },
    /// A change in [`Options::set`](crate::Options::set) whose pointer names no place
    /// in the schema (nor a new key of an object that is there).
    BadPatch {
        /// The pointer as given.
        pointer: String,
    },
    /// A type name given in the options that is not an identifier.
    InvalidName {
        /// The name as given.
        name: String,
    },
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaError::Malformed { at, message } => {
                write!(f, "malformed schema at `{at}`: {message}")
            }
            SchemaError::UnresolvedRef { at, reference } => {
                write!(
                    f,
                    "`$ref` at `{at}` does not resolve: nothing at `{reference}`"
                )
            }
            SchemaError::ExternalRef { at, reference } => write!(
                f,
                "`$ref` at `{at}` points outside the schema (`{reference}`); only `#...` references are followed"
            ),
            SchemaError::UnknownDefinition { name, suggestion } => {
                write!(f, "the schema has no definition `{name}`")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
            SchemaError::BadPatch { pointer } => write!(
                f,
                "cannot set `{pointer}`: it names nothing in the schema (a pointer starts with `#/`)"
            ),
            SchemaError::InvalidName { name } => write!(
                f,
                "`{name}` is not a valid type name (letters, digits and `_`, not starting with a digit)"
            ),
        }
    }
}

impl std::error::Error for SchemaError {}

/// A `Malformed` error.
pub(crate) fn malformed(at: &str, message: impl Into<String>) -> SchemaError {
    SchemaError::Malformed {
        at: at.to_owned(),
        message: message.into(),
    }
}
