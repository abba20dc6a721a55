//! `pol types from-json-schema`: print pol `type` declarations for a JSON Schema.

use crate::files::read_text;
use crate::output::write_stdout;
use crate::{EXIT_OK, EXIT_USAGE};
use std::path::PathBuf;

/// Arguments of `pol types`.
#[derive(clap::Args, Debug)]
pub struct TypesArgs {
    #[command(subcommand)]
    command: TypesCommand,
}

#[derive(clap::Subcommand, Debug)]
enum TypesCommand {
    /// Print `type` declarations for the definitions of a JSON Schema
    /// (docs/types-from-json-schema.md).
    FromJsonSchema(FromJsonSchemaArgs),
}

/// Arguments of `pol types from-json-schema`.
#[derive(clap::Args, Debug)]
struct FromJsonSchemaArgs {
    /// The schema, a JSON file.
    #[arg(value_name = "SCHEMA.json")]
    schema: PathBuf,
    /// Print the schema's root (the whole document) as a type of this name.
    #[arg(long, value_name = "NAME")]
    root: Option<String>,
    /// Print only these definitions (names as in the schema's `definitions`) and what
    /// they need.
    #[arg(long, value_name = "DEF,...", value_delimiter = ',')]
    only: Vec<String>,
    /// Make every record field optional, whatever the schema's `required` says.
    #[arg(long)]
    all_optional: bool,
    /// Change the schema before reading it: the place the JSON pointer names gets the
    /// JSON value (`--set '#/definitions/x/type=["integer","string"]'`).
    #[arg(long, value_name = "POINTER=JSON")]
    set: Vec<String>,
    /// Mark the printed root types with `@kind("KIND")`: a package whose `input:` is
    /// one of them applies to documents of that kind only (docs/inputs.md).
    #[arg(long, value_name = "KIND")]
    kind: Option<String>,
    /// The package the printed file belongs to: its first line is `package NAME`
    /// (default: the root's name in snake case, `workflow` for `--root Workflow`;
    /// without `--root`, the schema file's name).
    #[arg(long, value_name = "NAME")]
    package: Option<String>,
}

/// Runs `pol types`; returns the exit code.
pub fn run(args: &TypesArgs) -> u8 {
    match &args.command {
        TypesCommand::FromJsonSchema(args) => from_json_schema(args),
    }
}

/// `KubernetesPod` → `kubernetes_pod`, `github-workflow` → `github_workflow`: words
/// lowercased and joined by `_`, `_` first when it would start with a digit.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_owned();
    match out.chars().next() {
        None => "types".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("_{out}"),
        Some(_) => out,
    }
}

/// Whether `package NAME` is a valid package line (dotted identifiers, no keyword).
fn is_package_name(name: &str) -> bool {
    let source = format!("package {name}\n");
    let (file, diagnostics) = pol::parse(pol::FileId(0), &source);
    diagnostics.is_empty()
        && file.items.len() == 1
        && file.items.iter().all(
            |item| matches!(&item.kind, pol::ast::ItemKind::Package(path) if path.dotted() == name),
        )
}

/// The package of the printed file: `--package`, else one derived from the root's
/// name or the schema file's (`_types` added when that is a keyword, as `input`).
fn package(args: &FromJsonSchemaArgs) -> Result<String, String> {
    if let Some(name) = &args.package {
        return if is_package_name(name) {
            Ok(name.clone())
        } else {
            Err(format!(
                "`--package {name}`: not a package name (identifiers joined by `.`, not keywords)"
            ))
        };
    }
    let from = match &args.root {
        Some(root) => root.clone(),
        None => args
            .schema
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let name = snake_case(from.trim_end_matches(".schema"));
    if is_package_name(&name) {
        Ok(name)
    } else {
        Ok(format!("{name}_types"))
    }
}

fn from_json_schema(args: &FromJsonSchemaArgs) -> u8 {
    let shown = args.schema.display();
    let package = match package(args) {
        Ok(package) => package,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let text = match read_text(&args.schema) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let schema: serde_json::Value = match serde_json::from_str(&text) {
        Ok(schema) => schema,
        Err(e) => {
            eprintln!("error: `{shown}` is not valid JSON: {e}");
            return EXIT_USAGE;
        }
    };
    let mut set = Vec::new();
    for change in &args.set {
        let parsed = change.split_once('=').and_then(|(pointer, json)| {
            Some((pointer.to_owned(), serde_json::from_str(json).ok()?))
        });
        match parsed {
            Some(change) => set.push(change),
            None => {
                eprintln!(
                    "error: `--set {change}`: expected `POINTER=JSON`, e.g. `#/definitions/x/type=\"string\"`"
                );
                return EXIT_USAGE;
            }
        }
    }
    let options = pol_schema::Options {
        root: args.root.clone(),
        roots: args.only.clone(),
        all_optional: args.all_optional,
        set,
        kind: args.kind.clone(),
    };
    match pol_schema::types_from_json_schema(&schema, &options) {
        Ok(pol) => match write_stdout(&format!("package {package}\n\n{pol}")) {
            Ok(()) => EXIT_OK,
            Err(code) => code,
        },
        Err(e) => {
            eprintln!("error: `{shown}`: {e}");
            EXIT_USAGE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(schema: PathBuf, set: &[&str]) -> FromJsonSchemaArgs {
        FromJsonSchemaArgs {
            schema,
            root: Some("T".to_owned()),
            only: Vec::new(),
            all_optional: false,
            set: set.iter().map(|s| (*s).to_owned()).collect(),
            kind: None,
            package: None,
        }
    }

    #[test]
    fn the_package_comes_from_the_flag_the_root_or_the_file() {
        let mut a = args(PathBuf::from("schemas/github-workflow.json"), &[]);
        assert_eq!(package(&a).unwrap(), "t");
        a.root = Some("KubernetesPod".to_owned());
        assert_eq!(package(&a).unwrap(), "kubernetes_pod");
        a.root = Some("Input".to_owned());
        assert_eq!(package(&a).unwrap(), "input_types");
        a.root = None;
        assert_eq!(package(&a).unwrap(), "github_workflow");
        a.schema = PathBuf::from("2024.schema.json");
        assert_eq!(package(&a).unwrap(), "_2024");
        a.package = Some("ci.types".to_owned());
        assert_eq!(package(&a).unwrap(), "ci.types");
        for bad in ["ci types", "ci.if", "", "1x", "a.b\nlet x = 1"] {
            a.package = Some(bad.to_owned());
            assert!(package(&a).is_err(), "{bad:?}");
        }
    }

    /// A schema file in the temporary folder, unique to this process and test.
    fn file(name: &str, text: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("pol-types-{}-{name}.json", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_valid_schema_prints_and_exits_0() {
        let path = file(
            "valid",
            r#"{"type": "object", "properties": {"a": {"type": "string"}}}"#,
        );
        assert_eq!(
            from_json_schema(&args(path.clone(), &["#/properties/a/type=\"integer\""])),
            EXIT_OK
        );
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn unreadable_invalid_or_malformed_schemas_exit_2() {
        assert_eq!(
            from_json_schema(&args(PathBuf::from("/no/such/schema.json"), &[])),
            EXIT_USAGE
        );
        let invalid = file("invalid", "{nope");
        assert_eq!(from_json_schema(&args(invalid.clone(), &[])), EXIT_USAGE);
        let malformed = file("malformed", r##"{"$ref": "#/definitions/none"}"##);
        assert_eq!(from_json_schema(&args(malformed.clone(), &[])), EXIT_USAGE);
        let valid = file("valid2", "{}");
        assert_eq!(
            from_json_schema(&args(valid.clone(), &["no-equals-sign"])),
            EXIT_USAGE
        );
        assert_eq!(
            from_json_schema(&args(valid.clone(), &["#/x/y=1"])),
            EXIT_USAGE
        );
        for path in [invalid, malformed, valid] {
            let _ = std::fs::remove_file(path);
        }
    }
}
