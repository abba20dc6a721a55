//! The loaders: text or bytes of any format into documents, all of them at once or
//! one by one, in full or with a shape, within limits.

use std::ops::ControlFlow;

use crate::document::Document;
use crate::error::LoadError;
use crate::limits::{Limit, LoadLimits, Over};
use crate::shape::Shape;
use crate::yaml::Handout;
use crate::{Format, dockerfile, hcl, json, toml, yaml};

/// Loads the documents of `text` and hands each to `each` as soon as it is loaded:
/// exactly one for JSON and TOML, one per document of a YAML stream, which is never
/// held whole. Returns the number of documents handed out. `file` is the display name
/// used in positions and errors.
///
/// With a `shape`, only the values it needs are built, as in [`load_shaped`]. The
/// `limits` bound the whole input: all the documents of a YAML stream count against
/// one budget of nodes and of alias copies.
///
/// An error in a document of a YAML stream comes after the documents before it have
/// been handed out (but the size limit, invalid UTF-8 and a control character YAML
/// forbids are found before any document): a caller that must not act on part of an input (a gate deciding
/// on all of it) keeps what it made of them until the loader returns `Ok`. `each`
/// returns [`ControlFlow::Break`] to stop loading: the rest of the stream is not read
/// (nor checked for errors).
///
/// An input without content hands out no document, so that a caller can refuse it:
/// a YAML stream that is empty, only comments and blank lines, or only empty
/// documents (a lone `---`, `---` and comments). A YAML stream with content keeps its
/// empty documents, as `null` documents (YAML's reading). JSON text without a value
/// is an error ("unexpected end of input"), and TOML text without content (a valid
/// empty table, the only way TOML writes one) hands out no document either.
pub fn load_each(
    text: &str,
    format: Format,
    file: Option<&str>,
    shape: Option<&Shape>,
    limits: &LoadLimits,
    mut each: impl FnMut(Document) -> ControlFlow<()>,
) -> Result<usize, LoadError> {
    check_size(text.as_bytes(), file, limits)?;
    let doc = match (format, shape) {
        (Format::Yaml, _) => {
            let mut out = Handout::new(limits, &mut each);
            return yaml::load_each(text, file, shape, &mut out);
        }
        (Format::Json, None) => json::load(text, file, limits)?,
        (Format::Json, Some(shape)) => json::load_shaped(text, file, shape, limits)?,
        (Format::Toml, None) => toml::load(text, file, limits)?,
        (Format::Toml, Some(shape)) => toml::load_shaped(text, file, shape, limits)?,
        // A Dockerfile is read whole: its facts are small, and built from the words of
        // its lines rather than kept in the text.
        (Format::Dockerfile, _) => match dockerfile::load(text, file, limits)? {
            Some(doc) => doc,
            None => return Ok(0),
        },
        // Terraform files are small: loaded in full whatever the shape.
        (Format::Hcl, _) => hcl::load(text, file, limits)?,
    };
    // TOML text without content is an empty table: no document, as a YAML stream
    // without content (a TOML file cannot write an empty table any other way).
    if format == Format::Toml && doc.object_len(doc.root()) == 0 {
        return Ok(0);
    }
    let _ = each(doc);
    Ok(1)
}

/// [`load_each`] for bytes: text that is not UTF-8 is a load error at the first
/// invalid byte (the size limit is checked first).
pub fn load_bytes_each(
    bytes: &[u8],
    format: Format,
    file: Option<&str>,
    shape: Option<&Shape>,
    limits: &LoadLimits,
    each: impl FnMut(Document) -> ControlFlow<()>,
) -> Result<usize, LoadError> {
    check_size(bytes, file, limits)?;
    load_each(utf8(bytes, file)?, format, file, shape, limits, each)
}

/// Loads the documents of `text`: exactly one for JSON and TOML, one per document of a
/// YAML stream, none for a YAML stream without content (see [`load_each`]). `file` is
/// the display name used in positions and errors. The [`LoadLimits`] are the defaults.
pub fn load(text: &str, format: Format, file: Option<&str>) -> Result<Vec<Document>, LoadError> {
    load_with(text, format, file, &LoadLimits::DEFAULT)
}

/// [`load`] within `limits`, which bound the whole input: all the documents of a YAML
/// stream count against one budget of nodes and of alias copies.
pub fn load_with(
    text: &str,
    format: Format,
    file: Option<&str>,
    limits: &LoadLimits,
) -> Result<Vec<Document>, LoadError> {
    collect(|each| load_each(text, format, file, None, limits, each))
}

/// [`load`] for bytes: text that is not UTF-8 is a load error at the first invalid
/// byte.
pub fn load_bytes(
    bytes: &[u8],
    format: Format,
    file: Option<&str>,
) -> Result<Vec<Document>, LoadError> {
    load_bytes_with(bytes, format, file, &LoadLimits::DEFAULT)
}

/// [`load_bytes`] within `limits` (see [`load_with`]); the size limit is checked
/// before the bytes are.
pub fn load_bytes_with(
    bytes: &[u8],
    format: Format,
    file: Option<&str>,
    limits: &LoadLimits,
) -> Result<Vec<Document>, LoadError> {
    collect(|each| load_bytes_each(bytes, format, file, None, limits, each))
}

/// Loads the documents of `text` like [`load`], but builds only the values `shape`
/// needs: every other value is a placeholder node that keeps its parent and position
/// (so the paths and positions of all other values, the keys of objects and the
/// lengths of lists are those of [`load`]) and that sets the document's read-skipped
/// flag when it is read ([`Document::read_skipped`]).
///
/// Errors are exactly those of [`load`], including errors inside skipped values
/// (syntax, escapes, numbers, nesting depth, duplicate keys). Each document of a YAML
/// stream is shaped from its root. From the first document of a YAML stream with
/// anything unusual (a parser error, an anchor or alias, a merge key `<<` or a
/// collection as a key outside a value needed whole) on, the stream is loaded whole,
/// exactly as [`load`] does, and so is any format with [`Shape::everything`]. TOML is
/// parsed whole by the `toml` crate; only the needed values are built. The
/// [`LoadLimits`] are the defaults.
pub fn load_shaped(
    text: &str,
    format: Format,
    file: Option<&str>,
    shape: &Shape,
) -> Result<Vec<Document>, LoadError> {
    load_shaped_with(text, format, file, shape, &LoadLimits::DEFAULT)
}

/// [`load_shaped`] within `limits` (see [`load_with`]). Placeholders are nodes and
/// count against the node limit, but shaped loading goes over a limit exactly when
/// [`load_with`] does: text too large for the node limit to be ruled out is loaded in
/// full.
pub fn load_shaped_with(
    text: &str,
    format: Format,
    file: Option<&str>,
    shape: &Shape,
    limits: &LoadLimits,
) -> Result<Vec<Document>, LoadError> {
    collect(|each| load_each(text, format, file, Some(shape), limits, each))
}

/// [`load_shaped`] for bytes: text that is not UTF-8 is a load error at the first
/// invalid byte, as for [`load_bytes`].
pub fn load_bytes_shaped(
    bytes: &[u8],
    format: Format,
    file: Option<&str>,
    shape: &Shape,
) -> Result<Vec<Document>, LoadError> {
    load_bytes_shaped_with(bytes, format, file, shape, &LoadLimits::DEFAULT)
}

/// [`load_bytes_shaped`] within `limits` (see [`load_with`]).
pub fn load_bytes_shaped_with(
    bytes: &[u8],
    format: Format,
    file: Option<&str>,
    shape: &Shape,
    limits: &LoadLimits,
) -> Result<Vec<Document>, LoadError> {
    collect(|each| load_bytes_each(bytes, format, file, Some(shape), limits, each))
}

/// The documents a `load_each` call hands out, in a vector.
fn collect(
    load: impl FnOnce(&mut dyn FnMut(Document) -> ControlFlow<()>) -> Result<usize, LoadError>,
) -> Result<Vec<Document>, LoadError> {
    let mut docs = Vec::new();
    load(&mut |doc| {
        docs.push(doc);
        ControlFlow::Continue(())
    })?;
    Ok(docs)
}

/// An error if the input is larger than `limits` allow, at the first byte past the
/// limit.
fn check_size(bytes: &[u8], file: Option<&str>, limits: &LoadLimits) -> Result<(), LoadError> {
    let max = limits.max_input_bytes;
    if bytes.len() <= max {
        return Ok(());
    }
    let head = bytes.get(..max).unwrap_or(bytes);
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(head.get(..e.valid_up_to()).unwrap_or(&[])).unwrap_or(""),
    };
    let message = Over(Limit::InputBytes, max).to_string();
    Err(LoadError::at_byte(file, valid, valid.len(), message).about(Some(Limit::InputBytes)))
}

/// The bytes as text, or a load error at the first byte that is not UTF-8.
fn utf8<'b>(bytes: &'b [u8], file: Option<&str>) -> Result<&'b str, LoadError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = bytes.get(..e.valid_up_to()).unwrap_or(&[]);
        let text = std::str::from_utf8(valid).unwrap_or("");
        LoadError::at_byte(file, text, text.len(), "invalid UTF-8".to_owned())
    })
}
