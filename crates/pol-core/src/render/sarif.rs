//! `--format sarif`: SARIF 2.1.0 for code scanning (GitHub's, and any SARIF viewer).
//! One run: the tool with every rule of the policy (id, name, descriptions, help,
//! default level from the severity), then one result per finding, written as inputs
//! come, each with the input's path relative to the working folder, its line and
//! column, and the line-independent fingerprint baselines use; runtime errors and
//! inputs not evaluated are the invocation's notifications.

use super::{InputReport, RuleMeta, RunEnd, RunInfo, Sink, Tally, findings};
use crate::Finding;
use serde_json::{Value, json};
use std::io::{self, Write};

/// The SARIF schema the output follows.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where pol is documented, the driver's `informationUri`.
const INFORMATION_URI: &str = "https://github.com/pol-lang/pol";

/// The SARIF sink: results are written as they come; notifications wait for the end.
#[derive(Default)]
pub(super) struct Sarif {
    written: bool,
    notifications: Vec<Value>,
}

/// A result's or a rule's level: `error` for `deny`, `warning` for `warn`, `note` for a
/// `warn` of severity `info`.
fn level(deny: bool, severity: &str) -> &'static str {
    if deny {
        "error"
    } else if severity == "info" {
        "note"
    } else {
        "warning"
    }
}

/// GitHub's `security-severity` (a score from 0 to 10) for a severity.
fn security_severity(severity: &str) -> Option<&'static str> {
    match severity {
        "critical" => Some("9.5"),
        "high" => Some("8.0"),
        "medium" => Some("5.5"),
        "low" => Some("3.0"),
        _ => None,
    }
}

/// The artifact URI of an input: its display name `/`-separated, relative to `base`
/// (the working folder) when it lies under it, with the characters a URI reference
/// cannot hold percent-encoded.
pub fn artifact_uri(file: &str, base: Option<&str>) -> String {
    let file = file.replace('\\', "/");
    let relative = base
        .map(|b| b.replace('\\', "/"))
        .and_then(|b| {
            file.strip_prefix(b.trim_end_matches('/'))
                .and_then(|rest| rest.strip_prefix('/'))
                .map(str::to_owned)
        })
        .unwrap_or(file);
    let mut uri = String::with_capacity(relative.len());
    for byte in relative.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

fn rule_descriptor(rule: &RuleMeta) -> Value {
    let summary = rule.summary();
    let full = rule
        .docs
        .as_deref()
        .map_or_else(|| summary.clone(), |d| d.trim().to_owned());
    let mut help_text = full.clone();
    let mut help_markdown = full.clone();
    if let Some(url) = &rule.url {
        help_text.push_str(&format!("\n\n{url}"));
        help_markdown.push_str(&format!("\n\n[Documentation]({url})"));
    }
    let mut properties = json!({"tags": ["security"], "severity": rule.severity});
    if let (Some(score), Value::Object(map)) = (security_severity(&rule.severity), &mut properties)
    {
        map.insert("security-severity".to_owned(), json!(score));
    }
    let mut descriptor = json!({
        "id": rule.key(),
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": level(rule.deny, &rule.severity)},
        "properties": properties,
    });
    if let (Some(url), Value::Object(map)) = (&rule.url, &mut descriptor) {
        map.insert("helpUri".to_owned(), json!(url));
    }
    descriptor
}

impl Sarif {
    fn result(
        &mut self,
        out: &mut Vec<u8>,
        run: &RunInfo,
        file: &str,
        finding: &Finding,
        deny: bool,
    ) -> io::Result<()> {
        let mut physical = json!({
            "artifactLocation": {"uri": artifact_uri(file, run.base_dir.as_deref())},
        });
        if let (Some(l), Value::Object(map)) = (&finding.location, &mut physical) {
            map.insert(
                "region".to_owned(),
                json!({"startLine": l.line.max(1), "startColumn": l.column.max(1)}),
            );
        }
        let mut location = json!({"physicalLocation": physical});
        if let (false, Value::Object(map)) = (finding.path.is_empty(), &mut location) {
            {
                map.insert(
                    "logicalLocations".to_owned(),
                    json!([{"fullyQualifiedName": finding.path, "kind": "element"}]),
                );
            }
        }
        let mut result = json!({
            "ruleId": super::rule_key(finding),
            "level": level(deny, &finding.severity),
            "message": {"text": finding.message},
            "locations": [location],
            "partialFingerprints": {
                "polFingerprint/v1": crate::suppress::fingerprint(file, finding),
            },
            "properties": {"severity": finding.severity.as_str(), "rule": finding.rule.as_str()},
        });
        if let (Some(index), Value::Object(map)) = (run.rules.index(&finding.rule), &mut result) {
            map.insert("ruleIndex".to_owned(), json!(index));
        }
        out.write_all(if self.written { b",\n" } else { b"\n" })?;
        self.written = true;
        serde_json::to_writer(&mut *out, &result).map_err(io::Error::other)
    }
}

impl Sink for Sarif {
    fn start(&mut self, out: &mut Vec<u8>, run: &RunInfo) -> io::Result<()> {
        let rules: Vec<Value> = run.rules.iter().map(rule_descriptor).collect();
        let driver = json!({
            "name": "pol",
            "version": run.tool_version,
            "semanticVersion": run.tool_version,
            "informationUri": INFORMATION_URI,
            "rules": rules,
        });
        write!(
            out,
            "{{\"$schema\": \"{SARIF_SCHEMA}\", \"version\": \"2.1.0\", \"runs\": [{{\"tool\": {{\"driver\": "
        )?;
        serde_json::to_writer(&mut *out, &driver).map_err(io::Error::other)?;
        out.write_all(b"}, \"columnKind\": \"unicodeCodePoints\", \"results\": [")
    }

    fn input(&mut self, out: &mut Vec<u8>, run: &RunInfo, input: &InputReport) -> io::Result<()> {
        for e in &input.decisions {
            for (finding, deny) in findings(&e.decision) {
                self.result(out, run, &e.file, finding, deny)?;
            }
            for error in &e.decision.errors {
                // The policy expression that failed, then the input value it was given.
                let mut locations = vec![json!({"physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(&error.policy.file, run.base_dir.as_deref())},
                    "region": {"startLine": error.policy.line.max(1), "startColumn": error.policy.column.max(1)},
                }})];
                if let Some(l) = &error.location {
                    locations.push(json!({"physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(&e.file, run.base_dir.as_deref())},
                        "region": {"startLine": l.line.max(1), "startColumn": l.column.max(1)},
                    }}));
                }
                self.notifications.push(json!({
                    "level": "error",
                    "message": {"text": format!(
                        "runtime error in {}: {} (while evaluating {})",
                        error.rule, error.message, super::evaluating(e, error)
                    )},
                    "locations": locations,
                }));
            }
        }
        for error in &input.errors {
            let mut physical = json!({
                "artifactLocation": {"uri": artifact_uri(&input.name, run.base_dir.as_deref())},
            });
            if let (Some(line), Value::Object(map)) = (error.line, &mut physical) {
                map.insert("region".to_owned(), json!({"startLine": line.max(1)}));
            }
            self.notifications.push(json!({
                "level": "error",
                "message": {"text": error.message},
                "locations": [{"physicalLocation": physical}],
            }));
        }
        Ok(())
    }

    fn skipped(&mut self, _out: &mut Vec<u8>, name: &str, reason: &str) -> io::Result<()> {
        self.notifications.push(json!({
            "level": "note",
            "message": {"text": format!("skipped {name}: {reason}")},
        }));
        Ok(())
    }

    fn finish(
        &mut self,
        out: &mut Vec<u8>,
        _run: &RunInfo,
        tally: &Tally,
        _end: &RunEnd,
    ) -> io::Result<()> {
        let invocation = json!({
            "executionSuccessful": tally.input_errors == 0 && tally.runtime_errors == 0,
            "toolExecutionNotifications": self.notifications,
        });
        out.write_all(if self.written { b"\n], " } else { b"], " })?;
        out.write_all(b"\"invocations\": [")?;
        serde_json::to_writer(&mut *out, &invocation).map_err(io::Error::other)?;
        out.write_all(b"]}]}\n")
    }
}
