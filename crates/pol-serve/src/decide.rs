//! Evaluating one request body: loading its documents (selectively, under the
//! request's limits), telling each one's kind, evaluating it with the rules asked
//! for, applying `pol: ignore` comments, and rendering the report in the JSON shape
//! of `pol eval --format json` (`pol::render`, the one rendering layer).

use crate::error::ApiError;
use axum::http::StatusCode;
use pol::Evaluator;
use pol::render::{Format, InputReport, Renderer, Rules, RunEnd, RunInfo};
use std::time::{Duration, Instant};

/// One body to evaluate.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The name the output gives it (and whose path may name its kind).
    pub name: &'a str,
    /// The body.
    pub text: &'a str,
    /// Its format.
    pub format: pol::Format,
    /// The kind of its documents when the caller says (`?kind=`, or `kubernetes` for
    /// an admission review); else told from `name` and each document's content.
    pub kind: Option<&'static str>,
}

/// What the evaluation needs of the service.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    /// The evaluation's limits (which rules run is the evaluator's: `pool::Selection`).
    pub eval: &'a pol::Limits,
    /// The loader's limits.
    pub load: pol::LoadLimits,
    /// When the request must be answered.
    pub deadline: Instant,
    /// What is done to each decision (`pol.toml`).
    pub suppression: &'a pol::suppress::Suppression,
}

/// Evaluates `input` with `evaluator` (of the policy served): one decision per
/// document. A body that does not load is refused (`400`, `413` over the size limit).
pub fn evaluate(
    evaluator: &mut Evaluator<'_>,
    input: &Input<'_>,
    settings: &Settings<'_>,
) -> Result<InputReport, ApiError> {
    if input.text.trim().is_empty() {
        return Err(ApiError::malformed("the body holds no document"));
    }
    let left = settings
        .deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1));
    let mut limits = *settings.eval;
    limits.time = Some(limits.time.map_or(left, |t| t.min(left)));
    evaluator.set_limits(limits);
    evaluator.set_deadline(Some(settings.deadline));
    evaluator.set_load_limits(settings.load);
    let comments = pol::suppress::Comments::scan(input.text);
    let path_kind = pol::kind::kind_of_path(std::path::Path::new(input.name));
    let suppression = settings.suppression;
    let shape = evaluator.shape();
    let mut decisions = Vec::new();
    let loaded_docs = pol::load_each(
        input.text,
        input.format,
        Some(input.name),
        Some(shape),
        &settings.load,
        |doc| {
            let kind = input
                .kind
                .or(path_kind)
                .or_else(|| pol::kind::kind_of_document(&doc));
            let document = decisions.len();
            decisions.push(suppression.decide(
                evaluator,
                &doc,
                kind,
                (input.name, document),
                &comments,
            ));
            std::ops::ControlFlow::Continue(())
        },
    );
    match loaded_docs {
        Err(e) => {
            let (status, reason) = if e.limit == Some(pol::LoadLimit::InputBytes) {
                (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
            } else if e.limit.is_some() {
                (StatusCode::BAD_REQUEST, "too_deep")
            } else {
                (StatusCode::BAD_REQUEST, "malformed")
            };
            return Err(ApiError::new(
                status,
                reason,
                format!(
                    "the body is not valid {}: {}:{}:{}: {}",
                    format_name(input.format),
                    input.name,
                    e.line,
                    e.column,
                    e.message
                ),
            ));
        }
        Ok(0) => return Err(ApiError::malformed("the body holds no document")),
        Ok(_) => {}
    }
    let mut report = InputReport {
        name: input.name.to_owned(),
        decisions,
        errors: Vec::new(),
    };
    report.count_documents();
    Ok(report)
}

fn format_name(format: pol::Format) -> &'static str {
    match format {
        pol::Format::Json => "JSON",
        pol::Format::Yaml => "YAML",
        pol::Format::Toml => "TOML",
        pol::Format::Hcl => "HCL",
        _ => "input",
    }
}

/// The report as `pol eval --format json` writes it: one result per document, and
/// the summary.
pub fn render_json(report: &InputReport, elapsed: Duration) -> Result<Vec<u8>, ApiError> {
    // The JSON output writes no rule metadata: no table of rules is needed.
    let info = RunInfo::new(Rules::new(Vec::new()));
    let failed = |e: std::io::Error| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("cannot render the decision: {e}"),
        )
    };
    let mut out = Vec::new();
    let mut renderer = Renderer::new(Format::Json, info, &mut out).map_err(failed)?;
    renderer.input(report).map_err(failed)?;
    let end = RunEnd {
        elapsed,
        ..RunEnd::default()
    };
    renderer.finish(&end).map_err(failed)?;
    Ok(out)
}
