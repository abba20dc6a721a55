//! Documents for the benchmarks: the GitHub Actions workflows of the shared corpus, and
//! synthetic workflows of any size.

use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// One corpus file: its YAML text as found, and each of its documents as compact
/// JSON (a YAML stream holds several; every workflow of the corpus holds one).
#[derive(Debug, Clone)]
pub struct Workflow {
    /// The file name.
    pub name: String,
    /// The file's YAML text.
    pub yaml: String,
    /// Its documents, as pol's YAML loader reads them, written out as JSON.
    pub json: Vec<Vec<u8>>,
}

/// The folder of the GitHub Actions corpus: `$POL_BENCH_CORPUS`, or
/// `../shared/corpus/github-actions` beside the repository.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("POL_BENCH_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/github-actions"),
    }
}

/// Every workflow of the corpus (`*.yml` and `*.yaml`, sorted by name).
pub fn corpus() -> Result<Vec<Workflow>, String> {
    let dir = corpus_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read the corpus {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let yaml =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let docs = pol::load(&yaml, pol::Format::Yaml, Some(&name)).map_err(|e| e.to_string())?;
        let json = docs
            .iter()
            .map(|doc| serde_json::to_vec(&doc.to_json(doc.root())).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        out.push(Workflow { name, yaml, json });
    }
    if out.is_empty() {
        return Err(format!("no workflow in {}", dir.display()));
    }
    Ok(out)
}

/// The jobs a synthetic workflow repeats: a build, a test matrix on a self-hosted
/// runner, a deployment, a job that trips several rules and a reusable workflow call.
/// `n` makes each copy's strings its own.
fn job(n: usize) -> Value {
    let sha = "8e5e7e5ab8b370d6c329ec480221332ada57f0ab";
    match n % 5 {
        0 => json!({
            "runs-on": "ubuntu-latest",
            "timeout-minutes": 20,
            "steps": [
                {"uses": format!("actions/checkout@{sha}"), "with": {"persist-credentials": false}},
                {"uses": "actions/setup-node@v4", "with": {"node-version": 20, "cache": "npm"}},
                {"name": "Install", "run": "npm ci"},
                {"name": "Build", "run": format!("npm run build -- --target web-{n}")},
                {"uses": "codecov/codecov-action@v4", "with": {"token": "${{ secrets.CODECOV_TOKEN }}"}}
            ]
        }),
        1 => json!({
            "runs-on": ["self-hosted", "linux", "x64"],
            "strategy": {"matrix": {"os": ["ubuntu-22.04", "ubuntu-24.04"], "rust": ["stable", "beta"]}},
            "steps": [
                {"uses": "actions/checkout@v4"},
                {"uses": "Swatinem/rust-cache@v2", "with": {"key": format!("test-{n}")}},
                {"name": "Test", "run": "cargo test --workspace --all-features\ncargo test --doc"}
            ]
        }),
        2 => json!({
            "needs": ["build", "test"],
            "environment": "production",
            "permissions": {"contents": "read", "id-token": "write"},
            "container": {"image": "ghcr.io/acme/deploy:1.4"},
            "timeout-minutes": 30,
            "steps": [
                {"uses": format!("aws-actions/configure-aws-credentials@{sha}"),
                 "with": {"role-to-assume": format!("arn:aws:iam::123456789012:role/deploy-{n}"), "aws-region": "eu-west-1"}},
                {"name": "Deploy", "run": format!("./scripts/deploy.sh --release {n}")}
            ]
        }),
        3 => json!({
            "runs-on": "ubuntu-latest",
            "permissions": "write-all",
            "steps": [
                {"uses": "actions/checkout@v4", "with": {"ref": "${{ github.event.pull_request.head.sha }}"}},
                {"uses": "docker://alpine:3.19"},
                {"name": "Greet", "run": "echo \"Thanks for ${{ github.event.pull_request.title }}\""},
                {"run": format!("curl -sSL https://example.com/install-{n}.sh | bash")},
                {"run": "echo ${{ secrets.DEPLOY_TOKEN }} > token"}
            ]
        }),
        _ => json!({
            "uses": format!("acme/workflows/.github/workflows/release.yml@v{n}"),
            "secrets": "inherit"
        }),
    }
}

/// A workflow of at least `bytes` bytes of compact JSON (over by less than one job):
/// triggered by pull requests (`pull_request_target` too) and pushes, its jobs the
/// five of [`job`] in turn.
pub fn synthetic_workflow(bytes: usize) -> Vec<u8> {
    let workflow = |jobs: Map<String, Value>| {
        json!({
            "name": "synthetic",
            "on": {
                "pull_request": {"branches": ["main"]},
                "pull_request_target": {"types": ["opened", "synchronize"]},
                "push": {"branches": ["main"]}
            },
            "jobs": jobs,
        })
    };
    let size = |value: &Value| serde_json::to_vec(value).map_or(0, |v| v.len());
    // `"job-n":{...},` for each job, less the last comma, in the empty workflow.
    let mut total = size(&workflow(Map::new())).saturating_sub(1);
    let mut jobs = Map::new();
    let mut n = 0;
    while total < bytes {
        let (id, job) = (format!("job-{n}"), job(n));
        total += id.len() + 4 + size(&job);
        jobs.insert(id, job);
        n += 1;
    }
    serde_json::to_vec(&workflow(jobs)).unwrap_or_default()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "test code: a failure should stop the test loudly"
)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_workflows_have_the_size_asked_for() {
        for bytes in [1_000, 10_000, 100_000] {
            let json = synthetic_workflow(bytes);
            assert!(
                json.len() >= bytes && json.len() < bytes + 1_000,
                "{bytes}: {}",
                json.len()
            );
            let docs = pol::load(std::str::from_utf8(&json).unwrap(), pol::Format::Json, None);
            assert_eq!(docs.unwrap().len(), 1);
        }
    }
}
