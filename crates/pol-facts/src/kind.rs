//! Kinds of input document: what a file is (a GitHub workflow, a Kubernetes manifest,
//! a Terraform plan, ...), told from its path and, failing that, from the keys at the
//! root of its document (docs/inputs.md). A policy declares the kind it is written for
//! with the `@kind` of its `input:` type, and runs on documents of that kind only.

use crate::{Document, Format};
use std::path::Path;

/// A kind of input document pol knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// The name policies use (`@kind("github-workflow")`) and `--kind` takes.
    pub name: &'static str,
    /// What it is, for people.
    pub description: &'static str,
    /// How its files are read.
    pub reader: Reader,
}

/// How the files of a kind are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// As JSON, YAML or TOML (by extension, or as the kind says), or as a Dockerfile.
    Data(Format),
    /// By a reader pol does not have yet: files of the kind are found, reported and
    /// skipped, never read as data by guess.
    NotYet,
}

/// A GitHub Actions workflow (`.github/workflows/*.yml`).
pub const GITHUB_WORKFLOW: &str = "github-workflow";
/// GitHub action metadata (`action.yml`: composite, Docker and JavaScript actions).
pub const GITHUB_ACTION: &str = "github-action";
/// A Dependabot configuration (`.github/dependabot.yml`).
pub const DEPENDABOT: &str = "dependabot";
/// Kubernetes manifests (one object a document, `List` objects included).
pub const KUBERNETES: &str = "kubernetes";
/// A Terraform plan as JSON (`terraform show -json`).
pub const TERRAFORM_PLAN: &str = "terraform-plan";
/// A GitLab CI file (`.gitlab-ci.yml`).
pub const GITLAB_CI: &str = "gitlab-ci";
/// A Dockerfile.
pub const DOCKERFILE: &str = "dockerfile";
/// Terraform configuration in HCL (`.tf`).
pub const TERRAFORM: &str = "terraform";
/// A request to a deploy or access gate: who (`actor`) asks to do what (`action`)
/// where (`environment`), as a deploy system or `pol serve`'s callers send it.
pub const DEPLOY_REQUEST: &str = "deploy-request";

/// Every kind pol knows, in the order they are tried on a document's content.
pub const KINDS: &[Kind] = &[
    Kind {
        name: GITHUB_WORKFLOW,
        description: "GitHub Actions workflow",
        reader: Reader::Data(Format::Yaml),
    },
    Kind {
        name: GITHUB_ACTION,
        description: "GitHub action metadata (action.yml)",
        reader: Reader::Data(Format::Yaml),
    },
    Kind {
        name: DEPENDABOT,
        description: "Dependabot configuration",
        reader: Reader::Data(Format::Yaml),
    },
    Kind {
        name: KUBERNETES,
        description: "Kubernetes manifest",
        reader: Reader::Data(Format::Yaml),
    },
    Kind {
        name: TERRAFORM_PLAN,
        description: "Terraform plan (JSON)",
        reader: Reader::Data(Format::Json),
    },
    Kind {
        name: GITLAB_CI,
        description: "GitLab CI configuration",
        reader: Reader::Data(Format::Yaml),
    },
    Kind {
        name: DOCKERFILE,
        description: "Dockerfile",
        reader: Reader::Data(Format::Dockerfile),
    },
    Kind {
        name: TERRAFORM,
        description: "Terraform configuration (HCL, .tf and .tf.json)",
        reader: Reader::Data(Format::Hcl),
    },
    Kind {
        name: DEPLOY_REQUEST,
        description: "deploy or access request (actor, action, environment)",
        reader: Reader::Data(Format::Json),
    },
];

impl Kind {
    /// The format its files are read in; `None` for a kind pol has no reader for yet.
    pub fn format(&self) -> Option<Format> {
        match self.reader {
            Reader::Data(format) => Some(format),
            Reader::NotYet => None,
        }
    }
}

/// The kind called `name`, if pol knows it.
pub fn kind_named(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

/// The kind a path names whatever its content: a workflow under `.github/workflows/`,
/// `action.yml`, `.github/dependabot.yml`, `.gitlab-ci.yml`, Dockerfiles
/// (`Dockerfile`, `Containerfile`, `*.Dockerfile`, `Dockerfile.*`), `.tf` and `.tf.json`
/// files.
/// `None` when the path alone does not tell (the content may).
pub fn kind_of_path(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let yaml = matches!(ext.as_deref(), Some("yml" | "yaml"));
    let parent = |n: usize| -> Option<String> {
        path.ancestors()
            .nth(n)?
            .file_name()?
            .to_str()
            .map(str::to_owned)
    };
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile")
        || lower.starts_with("dockerfile.")
    {
        return Some(DOCKERFILE);
    }
    if ext.as_deref() == Some("tf") || lower.ends_with(".tf.json") {
        return Some(TERRAFORM);
    }
    if !yaml {
        return None;
    }
    let stem = lower.rsplit_once('.').map_or(lower.as_str(), |(s, _)| s);
    if stem == ".gitlab-ci" {
        return Some(GITLAB_CI);
    }
    if stem == "action" {
        return Some(GITHUB_ACTION);
    }
    let in_github = parent(1).as_deref() == Some(".github");
    if in_github && stem == "dependabot" {
        return Some(DEPENDABOT);
    }
    if parent(1).as_deref() == Some("workflows") && parent(2).as_deref() == Some(".github") {
        return Some(GITHUB_WORKFLOW);
    }
    None
}

/// How the file at `path` is read, if pol reads it as data: by its extension (`.json`,
/// `.yaml`, `.yml`, `.toml`, `.tf`, `.tf.json`), else as the kind its path names reads
/// (a Dockerfile as a Dockerfile).
pub fn format_of_path(path: &Path) -> Option<Format> {
    Format::from_path(path).or_else(|| kind_of_path(path).and_then(kind_named)?.format())
}

/// The kind a document's content shows, from the keys at its root and of the objects
/// at its root (their presence only: nothing is read, and values selective loading
/// skipped are not looked into). `None` for a document of no known kind (a generic
/// document).
pub fn kind_of_document(doc: &Document) -> Option<&'static str> {
    let root = doc.root();
    let has = |key: &str| doc.peek_key(root, key);
    if has("apiVersion") && has("kind") {
        return Some(KUBERNETES);
    }
    if has("format_version")
        && (has("terraform_version") || has("resource_changes") || has("planned_values"))
    {
        return Some(TERRAFORM_PLAN);
    }
    if has("on") && has("jobs") {
        return Some(GITHUB_WORKFLOW);
    }
    if has("runs") && (has("name") || has("description")) {
        return Some(GITHUB_ACTION);
    }
    if has("version") && has("updates") {
        return Some(DEPENDABOT);
    }
    if has("actor") && has("action") && has("environment") {
        return Some(DEPLOY_REQUEST);
    }
    // GitLab CI: its global keywords; a job (a mapping with a script, a parent, a
    // trigger) at the root; or only hidden keys (`.template:`), as the files a
    // pipeline includes often hold.
    let job = |id: crate::NodeId| {
        ["script", "extends", "trigger", "interruptible"]
            .iter()
            .any(|k| doc.peek_key(id, k))
    };
    let entries = doc.peek_entries(root);
    if has("stages")
        || (has("include") && !has("name"))
        || entries.iter().any(|&(_, value)| job(value))
        || (!entries.is_empty()
            && entries
                .iter()
                .all(|&(k, _)| doc.key_str(k).starts_with('.')))
    {
        return Some(GITLAB_CI);
    }
    None
}

/// The kind of a document read from `path` (if any): the path's kind when it names
/// one, else the content's.
pub fn detect(path: Option<&Path>, doc: &Document) -> Option<&'static str> {
    path.and_then(kind_of_path)
        .or_else(|| kind_of_document(doc))
}

/// What a document of kind `kind` is evaluated as, when that is not the document as
/// loaded: for `gitlab-ci`, the file with its `extends:` and `!reference` tags
/// resolved ([`crate::gitlab`]). `None` when the document is evaluated as it is (no
/// allocation: only the presence of keys and tags is looked at).
pub fn resolve(
    doc: &Document,
    kind: Option<&str>,
    limits: &crate::LoadLimits,
) -> Option<crate::gitlab::Resolved> {
    (kind == Some(GITLAB_CI) && crate::gitlab::needs_resolving(doc))
        .then(|| crate::gitlab::resolve(doc, limits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let cases = [
            (".github/workflows/ci.yml", Some(GITHUB_WORKFLOW)),
            ("repo/.github/workflows/release.YAML", Some(GITHUB_WORKFLOW)),
            ("workflows/ci.yml", None),
            ("action.yml", Some(GITHUB_ACTION)),
            ("actions/setup/action.yaml", Some(GITHUB_ACTION)),
            (".github/dependabot.yml", Some(DEPENDABOT)),
            ("dependabot.yml", None),
            (".gitlab-ci.yml", Some(GITLAB_CI)),
            ("Dockerfile", Some(DOCKERFILE)),
            ("api.Dockerfile", Some(DOCKERFILE)),
            ("Dockerfile.dev", Some(DOCKERFILE)),
            ("Containerfile", Some(DOCKERFILE)),
            ("main.tf", Some(TERRAFORM)),
            ("infra/main.TF.json", Some(TERRAFORM)),
            ("tfplan.json", None),
            ("values.yaml", None),
            ("plan.json", None),
        ];
        for (path, kind) in cases {
            assert_eq!(kind_of_path(Path::new(path)), kind, "{path}");
        }
    }

    #[test]
    fn contents() {
        let cases = [
            ("apiVersion: v1\nkind: Pod\n", Some(KUBERNETES)),
            ("apiVersion: v1\nkind: List\nitems: []\n", Some(KUBERNETES)),
            (
                r#"{"format_version": "1.2", "terraform_version": "1.9.0"}"#,
                Some(TERRAFORM_PLAN),
            ),
            ("on: push\njobs: {}\n", Some(GITHUB_WORKFLOW)),
            ("name: x\nruns:\n  using: composite\n", Some(GITHUB_ACTION)),
            ("version: 2\nupdates: []\n", Some(DEPENDABOT)),
            (
                r#"{"actor": "a", "action": "deploy", "environment": "prod", "change": {}}"#,
                Some(DEPLOY_REQUEST),
            ),
            (r#"{"actor": "a", "action": "deploy"}"#, None),
            ("image: node\nreplicaCount: 2\n", None),
            ("stages: [build]\n", Some(GITLAB_CI)),
            ("include: {template: x.yml}\n", Some(GITLAB_CI)),
            (
                "lint:\n  image: node\n  script: [npm test]\n",
                Some(GITLAB_CI),
            ),
            (
                ".tpl:\n  script: x\njob:\n  extends: .tpl\n",
                Some(GITLAB_CI),
            ),
            (".instance: gitlab-org\n.other: x\n", Some(GITLAB_CI)),
            (".a: 1\nb: 2\n", None),
            ("[1, 2]", None),
            ("plain text", None),
        ];
        for (text, kind) in cases {
            let docs = crate::load(text, Format::Yaml, None).unwrap();
            assert_eq!(kind_of_document(&docs[0]), kind, "{text}");
        }
    }

    #[test]
    fn every_kind_has_a_unique_name() {
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(kind_named(k.name), Some(k));
            assert!(KINDS.iter().skip(i + 1).all(|o| o.name != k.name));
        }
    }
}
