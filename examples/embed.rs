//! Embedding pol in a Rust program: compile a policy once, evaluate many documents,
//! share the policy across threads, ship it as `.polc` bytes, and bound what one
//! evaluation may spend.
//!
//! Run with `cargo run -q -p pol --example embed`.

use pol::{Decision, Format, Policy};
use std::error::Error;

/// The policy, as a program would read it from a file or a configuration service.
const POLICY: &str = r#"
package ci.images

let approved_registries = ["ghcr.io/acme/", "registry.acme.dev/"]

fn approved(image: string) -> bool = any prefix in approved_registries: image.starts_with(prefix)

/// Images come from our registries.
@id("IMG001")
@severity("high")
deny unapproved_registry {
  for job_name, job in input.jobs
  let image = job.image
  if image != null and not approved(image)
  message f"job {job_name}: image {image} is not from an approved registry" at image
}

/// Images are pinned to a digest.
@id("IMG002")
@severity("medium")
warn unpinned_image {
  for job_name, job in input.jobs
  if job.image != null and not job.image.contains("@sha256:")
  message f"job {job_name}: image {job.image} is not pinned to a digest" at job.image
}
"#;

/// Input documents: (name, format, text).
const DOCUMENTS: &[(&str, Format, &str)] = &[
    (
        "build.yml",
        Format::Yaml,
        "jobs:\n  test:\n    image: ghcr.io/acme/ci:1.4\n  lint:\n    image: docker.io/library/node:22\n",
    ),
    (
        "release.json",
        Format::Json,
        r#"{"jobs": {"publish": {"image": "registry.acme.dev/tools/release@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}}"#,
    ),
    (
        "deploy.toml",
        Format::Toml,
        "[jobs.deploy]\nimage = \"quay.io/evil/kubectl:latest\"\n",
    ),
];

fn main() -> Result<(), Box<dyn Error>> {
    // 1. Compile once. Errors carry every diagnostic; render them with
    //    `pol::render_text` against a `SourceMap` when compiling with `pol::compile`.
    let policy = Policy::from_source("images.pol", POLICY)?;

    // 2. Load the documents (a YAML stream may hold several) and evaluate them with one
    //    `Evaluator`, which reuses its buffers from one document to the next.
    let mut docs = Vec::new();
    for (name, format, text) in DOCUMENTS {
        for doc in pol::load(text, *format, Some(name))? {
            docs.push((*name, doc));
        }
    }
    let mut evaluator = policy.evaluator();
    println!("== one evaluator, {} documents", docs.len());
    for (name, doc) in &docs {
        print_decision(name, &evaluator.evaluate(doc));
    }

    // 3. `Policy` is `Send + Sync`: share it across threads, one evaluator per thread.
    let denied = std::thread::scope(|scope| {
        let workers: Vec<_> = docs
            .iter()
            .map(|(name, doc)| {
                let policy = &policy;
                scope.spawn(move || (*name, policy.evaluate(doc).allowed))
            })
            .collect();
        let mut denied = Vec::new();
        for worker in workers {
            match worker.join() {
                Ok((name, false)) => denied.push(name),
                Ok((_, true)) => {}
                Err(_) => return Err("a worker thread panicked"),
            }
        }
        Ok(denied)
    })?;
    println!("== {} threads: denied {denied:?}", docs.len());

    // 4. Ship the compiled program: `.polc` bytes load without the compiler, and give
    //    the same decisions.
    let bytes = policy.to_polc();
    let loaded = Policy::from_polc(&bytes)?;
    let mut same = 0;
    let mut reloaded = loaded.evaluator();
    for (_, doc) in &docs {
        if reloaded.evaluate(doc) == evaluator.evaluate(doc) {
            same += 1;
        }
    }
    println!(
        "== .polc round trip: {} bytes, {same} of {} decisions identical",
        bytes.len(),
        docs.len()
    );
    if same != docs.len() {
        return Err("the .polc program decided differently".into());
    }

    // 5. Limits (docs/security.md): an evaluation that runs out of steps, memory or
    //    time stops with a runtime error naming the limit, and is never allowed. The
    //    program's digest names exactly what decided.
    let mut strict = policy.evaluator();
    strict.set_limits(pol::Limits {
        steps: 5,
        steps_per_node: 0,
        time: Some(std::time::Duration::from_millis(100)),
        ..pol::Limits::default()
    });
    if let Some((name, doc)) = docs.first() {
        let decision = strict.evaluate(doc);
        let why = decision.errors.first().map_or("", |e| e.message.as_str());
        println!("== 5 steps on {name}: allowed {}, {why}", decision.allowed);
        if decision.allowed {
            return Err("an evaluation stopped by a limit was allowed".into());
        }
    }
    println!("== program sha256 {}", policy.program().digest());

    // 6. A decision is also JSON, as `pol eval --format json` prints it.
    if let Some((_, doc)) = docs.last() {
        println!("== the last decision as JSON");
        println!("{}", serde_json::to_string_pretty(&loaded.evaluate(doc))?);
    }
    Ok(())
}

/// One line a finding: `file:line:col  severity  rule  message`.
fn print_decision(name: &str, decision: &Decision) {
    let verdict = if decision.allowed {
        "allowed"
    } else {
        "denied"
    };
    println!("{name}: {verdict}");
    for finding in decision.violations.iter().chain(&decision.warnings) {
        let at = finding
            .location
            .as_ref()
            .map_or(String::new(), |l| format!(":{}:{}", l.line, l.column));
        println!(
            "  {name}{at}  {:<8}  {}  {}",
            finding.severity, finding.rule, finding.message
        );
    }
    for error in &decision.errors {
        println!("  error in {}: {}", error.rule, error.message);
    }
}
