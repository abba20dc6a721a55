//! pol: `rules/gha.pol` compiled once; documents loaded by pol's own JSON loader for
//! the policy (what no rule reads is skipped, as `pol eval` does).

use crate::{Engine, Finding, rule_text, sorted};

/// The compiled rule set. Make one, then an [`Pol`] evaluator per thread from it.
pub fn policy() -> Result<pol::Policy, String> {
    pol::Policy::from_source("gha.pol", &rule_text("gha.pol")?).map_err(|e| e.to_string())
}

/// pol's evaluator over the compiled rule set.
pub struct Pol<'p> {
    evaluator: pol::Evaluator<'p>,
}

impl<'p> Pol<'p> {
    /// An evaluator of `policy`, with a step limit high enough for the 1 MB document.
    pub fn new(policy: &'p pol::Policy) -> Pol<'p> {
        let mut evaluator = policy.evaluator();
        evaluator.set_limits(pol::Limits {
            steps: u64::MAX,
            ..pol::Limits::default()
        });
        Pol { evaluator }
    }
}

impl Engine for Pol<'_> {
    type Input = pol::Document;
    type Output = pol::Decision;

    fn parse(&self, json: &[u8]) -> Result<pol::Document, String> {
        let text = std::str::from_utf8(json).map_err(|e| e.to_string())?;
        let mut docs = pol::load_shaped(text, pol::Format::Json, None, self.evaluator.shape())
            .map_err(|e| format!("{e:?}"))?;
        docs.pop().ok_or_else(|| "no document".to_owned())
    }

    fn eval(&mut self, doc: &pol::Document) -> Result<pol::Decision, String> {
        Ok(self.evaluator.evaluate(doc))
    }

    fn findings(&self, decision: &pol::Decision) -> Result<Vec<Finding>, String> {
        if let Some(error) = decision.errors.first() {
            return Err(format!(
                "pol runtime error in {}: {}",
                error.rule, error.message
            ));
        }
        decision
            .violations
            .iter()
            .chain(&decision.warnings)
            .map(|f| {
                let rule = f
                    .rule
                    .strip_prefix("bench.gha.")
                    .unwrap_or(&f.rule)
                    .to_owned();
                let (job, step) = job_and_step(&f.path)?;
                Ok((rule, job, step))
            })
            .collect::<Result<Vec<_>, String>>()
            .map(sorted)
    }
}

/// The job id and step index a finding's path is inside: `jobs.build.steps[2].uses` is
/// ("build", 2), `jobs["my-job"]` is ("my-job", -1), anything outside `jobs` is ("", -1).
pub fn job_and_step(path: &str) -> Result<(String, i64), String> {
    let Some(rest) = path.strip_prefix("jobs") else {
        return Ok((String::new(), -1));
    };
    let (job, rest) = if let Some(rest) = rest.strip_prefix('.') {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        (rest[..end].to_owned(), &rest[end..])
    } else if let Some(rest) = rest.strip_prefix('[') {
        // A quoted key: a JSON string, then `]`.
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
        let job = match stream.next() {
            Some(Ok(job)) => job,
            _ => return Err(format!("bad path {path}")),
        };
        let rest = &rest[stream.byte_offset()..];
        (
            job,
            rest.strip_prefix(']')
                .ok_or_else(|| format!("bad path {path}"))?,
        )
    } else {
        return Ok((String::new(), -1));
    };
    let step = match rest.strip_prefix(".steps[") {
        Some(rest) => {
            let end = rest.find(']').ok_or_else(|| format!("bad path {path}"))?;
            rest[..end]
                .parse()
                .map_err(|_| format!("bad path {path}"))?
        }
        None => -1,
    };
    Ok((job, step))
}

#[cfg(test)]
mod tests {
    use super::job_and_step;

    #[test]
    fn paths() {
        let cases = [
            ("", ("", -1)),
            ("on", ("", -1)),
            ("jobs.build", ("build", -1)),
            ("jobs.build.container.image", ("build", -1)),
            ("jobs.build.steps[12].uses", ("build", 12)),
            ("jobs[\"my-job\"][\"runs-on\"]", ("my-job", -1)),
            ("jobs[\"a\\\"]b\"].steps[0].with.ref", ("a\"]b", 0)),
        ];
        for (path, (job, step)) in cases {
            assert_eq!(job_and_step(path), Ok((job.to_owned(), step)), "{path}");
        }
    }
}
