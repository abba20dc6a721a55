//! The documents: the corpus workflows as JSON bytes, and synthetic large workflows.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

/// One document, as JSON bytes (what every engine parses).
#[derive(Debug, Clone)]
pub struct Input {
    /// The corpus file name, or a name for a synthetic document.
    pub name: String,
    /// The document as compact JSON.
    pub json: Vec<u8>,
}

/// The folder of the GitHub Actions corpus: `$POL_PEERS_CORPUS`, or
/// `../shared/corpus/github-actions` next to the repository.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("POL_PEERS_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/github-actions"),
    }
}

/// Every workflow of the corpus (`*.yml`, `*.yaml`, sorted by name), loaded with pol's
/// YAML loader (YAML 1.2: `on:` stays the key "on") and written out as JSON, so that
/// all engines see exactly the same data. A file with several YAML documents gives one
/// input per document.
pub fn corpus() -> Result<Vec<Input>, String> {
    let dir = corpus_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")))
        .collect();
    paths.sort();
    let mut inputs = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let docs =
            pol::load(&text, pol::Format::Yaml, Some(&name)).map_err(|e| format!("{e:?}"))?;
        let many = docs.len() > 1;
        for (i, doc) in docs.iter().enumerate() {
            let json = serde_json::to_vec(&doc.to_json(doc.root())).map_err(|e| e.to_string())?;
            let name = if many {
                format!("{name}#{i}")
            } else {
                name.clone()
            };
            inputs.push(Input { name, json });
        }
    }
    Ok(inputs)
}

/// A job that trips every job and step rule of the set.
fn vulnerable_job() -> Value {
    json!({
        "runs-on": ["self-hosted", "linux"],
        "permissions": "write-all",
        "container": {"image": "node:20"},
        "steps": [
            {"uses": "actions/checkout@v4",
             "with": {"ref": "${{ github.event.pull_request.head.sha }}"}},
            {"uses": "someone/action@v1"},
            {"uses": "docker://alpine:3.19"},
            {"name": "greet", "run": "echo \"Thanks for ${{ github.event.issue.title }}\""},
            {"run": "curl -sSL https://example.com/install.sh | sudo bash"},
            {"run": "echo ${{ secrets.DEPLOY_TOKEN }} > token"}
        ]
    })
}

/// Small workflows written for the agreement test: each rule fires on them, and the
/// odd shapes a rule must get right are there (`on:` as a string, a list and a map,
/// `runs-on` as a map, `persist-credentials: "false"`, `steps: null`, a `uses:` that is
/// a number, explicit nulls, a job id that needs quoting in a path).
pub fn fixtures() -> Vec<Input> {
    let sha = "8e5e7e5ab8b370d6c329ec480221332ada57f0ab";
    let docs = [
        json!({
            "on": "pull_request",
            "permissions": "write-all",
            "jobs": {
                "build": {
                    "runs-on": "self-hosted",
                    "container": "ubuntu:22.04",
                    "steps": [
                        {"uses": "actions/checkout@v4", "with": {"persist-credentials": "false"}},
                        {"uses": "actions/checkout@v4", "with": {"persist-credentials": true}},
                        {"uses": "actions/checkout@v4", "with": null},
                        {"uses": "actions/checkout@v4"},
                        {"uses": 5},
                        {"run": ["not", "a string"]},
                        {"uses": "Actions/setup-node@v4"},
                        {"uses": format!("evil/action@{sha}")},
                        {"uses": "actions/setup-node@v4"},
                        {"uses": "./local-action"}
                    ]
                },
                "quiet": {"permissions": {"contents": "read"}, "steps": null},
                "local": {"uses": "./.github/workflows/x.yml"},
                "pinned": {"uses": format!("org/repo/.github/workflows/x.yml@{sha}")},
                "remote": {"uses": "org/repo/.github/workflows/x.yml@v2"}
            }
        }),
        json!({
            "on": ["push", "pull_request_target"],
            "permissions": {"contents": "read"},
            "jobs": {
                "my job.v2": {
                    "runs-on": ["self-hosted", "linux"],
                    "container": {"image": "node@sha256:0123456789abcdef"},
                    "timeout-minutes": 30,
                    "steps": [
                        {"uses": "docker://alpine@sha256:0123456789abcdef"},
                        {"uses": "docker://alpine:3"},
                        {"run": "echo ${{ github.head_ref }}"},
                        {"uses": "actions/checkout@v4",
                         "with": {"ref": "${{ github.head_ref }}", "persist-credentials": false}},
                        {"run": "echo \"$X\" # ${{ secrets.NOT_ECHOED }}\nexport Y=${{secrets.Y}}"},
                        {"run": "echo token=${{secrets.Y}}"},
                        {"run": "wget -qO- https://get.example.com | sh -s -- -y"}
                    ]
                },
                "write": {"runs-on": "ubuntu-latest", "permissions": "write-all", "steps": []}
            }
        }),
        json!({
            "on": {"workflow_dispatch": null, "pull_request": {"branches": ["main"]}},
            "permissions": null,
            "jobs": {
                "grouped": {"runs-on": {"group": "big", "labels": ["self-hosted"]}, "steps": [], "timeout-minutes": 10},
                "untimed": {"runs-on": "ubuntu-latest", "steps": [{"run": "curl -fsSL https://x.example | bash"}], "timeout-minutes": null},
                "odd": {"container": {"image": null}, "steps": [{"uses": "actions/checkout@v4", "with": "oops"}]}
            }
        }),
        json!({"on": "push"}),
        json!({"on": null, "jobs": null}),
    ];
    docs.iter()
        .enumerate()
        .map(|(i, doc)| Input {
            name: format!("fixture-{i}"),
            json: serde_json::to_vec(doc).unwrap_or_default(),
        })
        .collect()
}

/// A synthetic workflow of `target_bytes` of JSON (± 5%): triggered by
/// `pull_request_target`, no top-level permissions, and jobs taken in turn from the
/// corpus workflows (renamed `<job>-<n>`), with a vulnerable job and a reusable workflow
/// call every 8 jobs. Built from `corpus` so its jobs are real ones.
pub fn synthetic(name: &str, target_bytes: usize, corpus: &[Input]) -> Result<Input, String> {
    let mut pool: Vec<(String, Value)> = Vec::new();
    for input in corpus {
        let doc: Value = serde_json::from_slice(&input.json).map_err(|e| e.to_string())?;
        if let Some(jobs) = doc.get("jobs").and_then(Value::as_object) {
            pool.extend(jobs.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    if pool.is_empty() {
        return Err("the corpus has no jobs".to_owned());
    }
    // Jobs that would overshoot the target by more than 5% are skipped.
    let (low, high) = (
        target_bytes - target_bytes / 20,
        target_bytes + target_bytes / 20,
    );
    let mut jobs = Map::new();
    let mut size = 0;
    let mut n = 0usize;
    while size < low && n < 100 * pool.len() {
        let (id, job) = if n % 8 == 3 {
            ("vulnerable".to_owned(), vulnerable_job())
        } else if n % 8 == 6 {
            (
                "reusable".to_owned(),
                json!({"uses": "org/repo/.github/workflows/ci.yml@main"}),
            )
        } else {
            pool[n % pool.len()].clone()
        };
        let id = format!("{id}-{n}");
        let job_size = id.len() + serde_json::to_vec(&job).map_err(|e| e.to_string())?.len() + 4;
        if size + job_size <= high {
            size += job_size;
            jobs.insert(id, job);
        }
        n += 1;
    }
    let doc = json!({
        "name": name,
        "on": {"pull_request_target": {"types": ["opened", "synchronize"]}, "push": {"branches": ["main"]}},
        "jobs": jobs,
    });
    let json = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
    Ok(Input {
        name: name.to_owned(),
        json,
    })
}

/// The document sets of the benchmark, by name: `corpus` (every corpus workflow),
/// `synthetic-18k` and `synthetic-1m` (one synthetic workflow each). `$PEERS_SETS`
/// (`corpus,18k,1m` by default) chooses among them.
pub fn bench_sets() -> Result<Vec<(String, Vec<Input>)>, String> {
    let wanted = std::env::var("PEERS_SETS").unwrap_or_else(|_| "corpus,18k,1m".to_owned());
    let corpus = corpus()?;
    let mut sets = Vec::new();
    for key in wanted.split(',').map(str::trim) {
        let set = match key {
            "corpus" => ("corpus".to_owned(), corpus.clone()),
            "18k" => (
                "synthetic-18k".to_owned(),
                vec![synthetic("synthetic-18k", 18 * 1024, &corpus)?],
            ),
            "1m" => (
                "synthetic-1m".to_owned(),
                vec![synthetic("synthetic-1m", 1024 * 1024, &corpus)?],
            ),
            other => {
                return Err(format!(
                    "unknown set {other:?} in PEERS_SETS (corpus, 18k, 1m)"
                ));
            }
        };
        sets.push(set);
    }
    Ok(sets)
}
