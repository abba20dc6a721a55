//! A test's input document (docs/testing.md, "The input"): its inline value, or the
//! file of `input from "path"` read through the caller's [`ReadFile`] (the library
//! reads no file itself); then resolved as `pol eval` resolves a document of the
//! package's kind.

use crate::{Document, FileId, Format, SourceMap, hir};
use pol_check::hir::{TestDef, TestInput};
use std::path::{Path, PathBuf};

/// Reads the file of an `input from "path"` statement: given the path to read (the
/// folder of the test's policy file, as the [`SourceMap`] names it, joined with the
/// path as written), its text, or why it cannot be read (`"no such file or folder"`).
pub type ReadFile<'a> = dyn Fn(&Path) -> Result<String, String> + 'a;

/// Why a test has no input document.
#[derive(Debug)]
pub(super) struct NoInput {
    /// What to say, after `cannot read the input: `.
    pub(super) why: String,
    /// True when the file of `input from` could not be read or loaded (`pol test`
    /// exits with 2: the test could not run).
    pub(super) unreadable: bool,
}

/// The input document of `test`: its inline value or its file, resolved as a document
/// of its package's kind.
pub(super) fn document(
    program: &hir::Program,
    sources: &SourceMap,
    test: &TestDef,
    read: &ReadFile<'_>,
) -> Result<Document, NoInput> {
    let doc = match &test.input {
        TestInput::Inline(value) => inline(value).map_err(|why| NoInput {
            why,
            unreadable: false,
        })?,
        TestInput::File { path, span } => {
            read_input(sources, span.file, path, read).map_err(|why| NoInput {
                why,
                unreadable: true,
            })?
        }
    };
    resolved_as_kind(program, test, doc).map_err(|why| NoInput {
        why,
        unreadable: false,
    })
}

/// The reference data of `test` (`data = ...`, or the file of `data from "path"`,
/// relative to the policy file as for `input from`); an empty [`crate::Data`] when the
/// test gives none.
pub(super) fn data(
    sources: &SourceMap,
    test: &TestDef,
    read: &ReadFile<'_>,
) -> Result<crate::Data, NoInput> {
    let mut data = crate::Data::new();
    let added = match &test.data {
        None => return Ok(data),
        Some(TestInput::Inline(value)) => match value.json() {
            Some(json) => data
                .add("<inline data>", json.clone())
                .map_err(|e| e.to_string()),
            None => Err("the inline data is not a literal document".to_owned()),
        },
        Some(TestInput::File { path, span }) => {
            let full = input_path(sources, span.file, path);
            let text = read(&full).map_err(|why| NoInput {
                why: format!("cannot read `{}`: {why}", full.display()),
                unreadable: true,
            })?;
            data.add_file(&shown_name(&full), &text)
                .map_err(|e| e.to_string())
        }
    };
    added.map(|()| data).map_err(|why| NoInput {
        why,
        unreadable: matches!(test.data, Some(TestInput::File { .. })),
    })
}

/// A file's name as the command line names files: without a leading `./`.
fn shown_name(path: &Path) -> String {
    let shown = path.display().to_string();
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}

/// The document of an inline input.
fn inline(value: &hir::TestValue) -> Result<Document, String> {
    let json = value
        .json()
        .ok_or_else(|| "the inline input is not a literal document".to_owned())?;
    let mut docs = pol_facts::load(&json.to_string(), Format::Json, Some("<inline input>"))
        .map_err(|e| e.to_string())?;
    docs.pop()
        .ok_or_else(|| "the inline input is empty".to_owned())
}

/// The file an `input from "path"` statement of the policy file `policy` names: `path`
/// relative to the folder of that file (as `sources` names it).
fn input_path(sources: &SourceMap, policy: FileId, path: &str) -> PathBuf {
    let folder = sources
        .get(policy)
        .and_then(|f| Path::new(&f.name).parent())
        .unwrap_or_else(|| Path::new(""));
    folder.join(path)
}

/// The document of `input from "path"` in the policy file `policy`: the file at
/// [`input_path`], read with `read`; its format from its extension (or the kind its
/// name says), else JSON when it starts with `{` or `[`, else YAML; it must hold
/// exactly one document.
fn read_input(
    sources: &SourceMap,
    policy: FileId,
    path: &str,
    read: &ReadFile<'_>,
) -> Result<Document, String> {
    let full = input_path(sources, policy, path);
    let text = read(&full).map_err(|why| format!("cannot read `{}`: {why}", full.display()))?;
    let format = pol_facts::kind::format_of_path(&full).unwrap_or_else(|| Format::sniff(&text));
    let mut docs =
        pol_facts::load(&text, format, Some(&shown_name(&full))).map_err(|e| e.to_string())?;
    match docs.len() {
        1 => docs.pop().ok_or_else(|| "no document".to_owned()),
        n => Err(format!(
            "`{}` holds {n} documents; a test needs exactly one",
            full.display()
        )),
    }
}

/// The test's input as `pol eval` evaluates a document of the package's kind (the one
/// kind of its rules, if they have one): GitLab CI's `extends:` and `!reference`
/// resolved ([`pol_facts::kind::resolve`]); what does not resolve fails the test.
fn resolved_as_kind(
    program: &hir::Program,
    test: &TestDef,
    doc: Document,
) -> Result<Document, String> {
    let has_rules = program.rules.iter().any(|r| r.info.package == test.package);
    let kinds = program
        .package(test.package)
        .and_then(|p| p.input_kinds.as_deref());
    let (true, Some([kind])) = (has_rules, kinds) else {
        return Ok(doc);
    };
    let Some(resolved) =
        pol_facts::kind::resolve(&doc, Some(kind), &pol_facts::LoadLimits::DEFAULT)
    else {
        return Ok(doc);
    };
    if let Some(problem) = resolved.problems.first() {
        let line = problem.position.map_or(0, |p| p.line);
        return Err(format!("line {line}: {}", problem.message));
    }
    Ok(resolved.document.unwrap_or(doc))
}
