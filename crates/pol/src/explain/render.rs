//! Explanations as text (for people) and as JSON (for tools); the same for the CLI and
//! embedders.

use super::{End, Explanation, Named, RuleExplanation, Shown, Step, Trace};
use serde_json::{Value as J, json};
use std::fmt::Write;

impl Explanation {
    /// The explanation as text: a header line naming the document, then each rule.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let file = self.file.as_deref().unwrap_or("<input>");
        match &self.kind {
            Some(kind) => {
                let _ = writeln!(out, "{file} ({kind})");
            }
            None => {
                let _ = writeln!(out, "{file}");
            }
        }
        if self.rules.is_empty() {
            out.push_str("  no finding\n");
        }
        for rule in &self.rules {
            rule_text(&mut out, rule);
        }
        out
    }

    /// The explanation as JSON (documented in docs/explain.md).
    pub fn to_json(&self) -> J {
        json!({
            "file": self.file,
            "kind": self.kind,
            "rules": self.rules.iter().map(rule_json).collect::<Vec<_>>(),
        })
    }
}

fn rule_text(out: &mut String, rule: &RuleExplanation) {
    let name = match &rule.id {
        Some(id) => format!("{} ({id})", rule.rule),
        None => rule.rule.clone(),
    };
    if let Some(why) = &rule.not_run {
        let _ = writeln!(out, "{name}: did not run: {why}");
        return;
    }
    let fired = match rule.fired {
        0 => "did not fire".to_owned(),
        1 => "fired once".to_owned(),
        n => format!("fired {n} times"),
    };
    let _ = write!(out, "{name}: {fired}");
    if rule.asked || !rule.stopped.is_empty() {
        let _ = write!(
            out,
            "; {} stopped before `message`",
            plural(rule.stopped_total, "path")
        );
    }
    out.push('\n');
    for (i, trace) in rule.findings.iter().enumerate() {
        if let End::Finding { message, path } = &trace.end {
            let at = if path.is_empty() { "input" } else { path };
            let _ = writeln!(out, "  finding {} at {at}: {message}", i + 1);
        }
        steps_text(out, &trace.steps);
    }
    if rule.fired > rule.findings.len() {
        let _ = writeln!(
            out,
            "  ({} not shown)",
            plural(rule.fired - rule.findings.len(), "more finding")
        );
    }
    for (i, trace) in rule.stopped.iter().enumerate() {
        let _ = writeln!(out, "  path {}", i + 1);
        steps_text(out, &trace.steps);
        end_text(out, &trace.end);
    }
    if rule.stopped_total > rule.stopped.len() {
        let _ = writeln!(
            out,
            "  ({} not shown)",
            plural(rule.stopped_total - rule.stopped.len(), "more path")
        );
    }
}

fn steps_text(out: &mut String, steps: &[Step]) {
    for step in steps {
        if step.label.starts_with("if ") {
            let _ = writeln!(out, "    {}: true", step.label);
        } else {
            let _ = writeln!(out, "    {}", step.label);
        }
        for named in &step.values {
            named_text(out, named);
        }
    }
}

fn end_text(out: &mut String, end: &End) {
    match end {
        End::Finding { .. } => {}
        End::Failed {
            label,
            value,
            parts,
            ..
        } => {
            let _ = writeln!(out, "    {label}: {value}");
            for part in parts {
                named_text(out, part);
            }
        }
        End::Empty {
            label, collection, ..
        } => {
            let _ = writeln!(out, "    {label}: iterates over nothing");
            let what = label.split_once(" in ").map_or("", |(_, c)| c);
            named_text(
                out,
                &Named {
                    name: what.to_owned(),
                    value: Some(collection.clone()),
                },
            );
        }
        End::Error { label, message, .. } => {
            let _ = writeln!(out, "    {label}: error: {message}");
        }
    }
}

fn named_text(out: &mut String, named: &Named) {
    match &named.value {
        Some(Shown { text, path }) => {
            let _ = write!(out, "      {} = {text}", named.name);
            match path.as_deref() {
                Some("") => out.push_str("  (the input)"),
                Some(p) if p != named.name => {
                    let _ = write!(out, "  (at {p})");
                }
                _ => {}
            }
            out.push('\n');
        }
        None => {
            let _ = writeln!(out, "      {} = (could not be computed)", named.name);
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn rule_json(rule: &RuleExplanation) -> J {
    json!({
        "rule": rule.rule,
        "id": rule.id,
        "not_run": rule.not_run,
        "fired": rule.fired,
        "asked": rule.asked,
        "findings": rule.findings.iter().map(trace_json).collect::<Vec<_>>(),
        "stopped": rule.stopped.iter().map(trace_json).collect::<Vec<_>>(),
        "stopped_total": rule.stopped_total,
    })
}

fn trace_json(trace: &Trace) -> J {
    let end = match &trace.end {
        End::Finding { message, path } => {
            json!({"finding": {"message": message, "path": path}})
        }
        End::Failed {
            clause,
            label,
            value,
            parts,
        } => json!({"failed": {
            "clause": clause, "label": label, "value": value,
            "parts": parts.iter().map(named_json).collect::<Vec<_>>(),
        }}),
        End::Empty {
            clause,
            label,
            collection,
        } => json!({"empty": {
            "clause": clause, "label": label,
            "collection": shown_json(collection),
        }}),
        End::Error {
            clause,
            label,
            message,
        } => json!({"error": {"clause": clause, "label": label, "message": message}}),
    };
    json!({
        "steps": trace.steps.iter().map(|s| json!({
            "clause": s.clause,
            "label": s.label,
            "values": s.values.iter().map(named_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "end": end,
    })
}

fn named_json(named: &Named) -> J {
    json!({
        "name": named.name,
        "value": named.value.as_ref().map(shown_json),
    })
}

fn shown_json(shown: &Shown) -> J {
    json!({"text": shown.text, "path": shown.path})
}
