//! The endpoints: `POST /v1/decide[/{package}]`, `POST /v1/admission`, `GET /health`,
//! `/ready` and `/metrics`; each decision made off the async executor, on the policy
//! loaded when the request came, under the request's limits.

use crate::admission;
use crate::decide::{self, Input, Settings};
use crate::error::{ApiError, json_response};
use crate::limits::{self, Permit};
use crate::loaded::Loaded;
use crate::metrics::Outcome;
use crate::state::Service;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Instant;

/// The service's routes, to serve, or to mount in another axum application.
pub fn router(service: Arc<Service>) -> Router {
    Router::new()
        .route("/v1/decide", post(decide_all))
        .route("/v1/decide/{package}", post(decide_package))
        .route("/v1/admission", post(admission_review))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .with_state(service)
}

/// The query of `/v1/decide`: the body's name (its path may name its kind) and kind.
#[derive(Debug, Default, Deserialize)]
struct DecideQuery {
    name: Option<String>,
    kind: Option<String>,
}

async fn decide_all(
    State(service): State<Arc<Service>>,
    Query(query): Query<DecideQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    decide(service, None, query, headers, body).await
}

async fn decide_package(
    State(service): State<Arc<Service>>,
    Path(package): Path<String>,
    Query(query): Query<DecideQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    decide(service, Some(package), query, headers, body).await
}

/// What a decision request is answered with: its body and the program that made it.
struct Answer {
    body: Vec<u8>,
    outcome: Outcome,
    digest: pol::Digest,
}

async fn decide(
    service: Arc<Service>,
    package: Option<String>,
    query: DecideQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let start = Instant::now();
    let answer = async {
        let permit = limits::permit(&service)?;
        let deadline = start + service.limits.request_timeout;
        let bytes = limits::read_body(body, &headers, service.limits.max_body, deadline).await?;
        let loaded = service.current();
        if let Some(package) = &package
            && !loaded.packages.contains(package)
        {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_package",
                format!(
                    "no package `{package}` in the policy served (its packages: {})",
                    loaded
                        .packages
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let kind = match query.kind.as_deref() {
            None => None,
            Some(name) => Some(pol::kind::kind_named(name).map(|k| k.name).ok_or_else(|| {
                ApiError::malformed(format!(
                    "unknown kind `{name}` (kinds: {})",
                    pol::kind::KINDS
                        .iter()
                        .map(|k| k.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?),
        };
        let name = query.name.unwrap_or_else(|| "request".to_owned());
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|e| ApiError::malformed(format!("the body is not UTF-8: {e}")))?;
        let format = body_format(&headers, &name, &text);
        let selection = crate::pool::Selection {
            level: service.level,
            package: package.clone(),
        };
        crate::pool::run(&loaded, &selection, |loaded, evaluator| {
            let input = Input {
                name: &name,
                text: &text,
                format,
                kind,
            };
            let run = Run {
                service: &service,
                loaded,
                deadline,
                start,
            };
            evaluate(&run, evaluator, &input, &bytes, permit)
        })
    }
    .await;
    answer_with(&service, "decide", start, answer)
}

/// One request's evaluation, on a worker.
struct Run<'a> {
    service: &'a Service,
    loaded: &'a Loaded,
    deadline: Instant,
    start: Instant,
}

impl Run<'_> {
    fn settings(&self) -> Settings<'_> {
        Settings {
            eval: &self.service.limits.eval,
            load: self.service.limits.load_limits(),
            deadline: self.deadline,
            suppression: &self.service.suppression,
        }
    }
}

/// Evaluates, logs and renders, on a worker; the request's place is held until then.
fn evaluate(
    run: &Run<'_>,
    evaluator: &mut pol::Evaluator<'_>,
    input: &Input<'_>,
    bytes: &[u8],
    _permit: Permit,
) -> Result<Answer, ApiError> {
    let report = decide::evaluate(evaluator, input, &run.settings())?;
    log(run.service, run.loaded, &report, bytes)?;
    let body = decide::render_json(&report, run.start.elapsed())?;
    Ok(Answer {
        body,
        outcome: outcome(&report.decisions),
        digest: run.loaded.digest,
    })
}

/// Writes the records of a report's decisions, if the service keeps a log.
fn log(
    service: &Service,
    loaded: &Loaded,
    report: &pol::render::InputReport,
    bytes: &[u8],
) -> Result<(), ApiError> {
    let Some(log) = &service.log else {
        return Ok(());
    };
    let sha256 = Some(pol::Digest::of(bytes));
    let now = std::time::SystemTime::now();
    let entries: Vec<pol::audit::Entry<'_>> = report
        .decisions
        .iter()
        .map(|e| pol::audit::Entry {
            input: pol::audit::InputRef {
                name: &e.file,
                document: Some(e.document),
                sha256,
                kind: e.kind,
            },
            outcome: pol::audit::Outcome::Decided {
                decision: &e.decision,
                suppressed: &e.suppressed,
            },
            time: now,
            duration: e.took,
        })
        .collect();
    log.append(loaded.digest, &loaded.data, &entries)
        .map_err(|e| {
            eprintln!("pol serve: {e}");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "log_failed",
                "the decision could not be logged, so it is not given",
            )
        })
}

fn outcome(decisions: &[pol::render::Evaluated]) -> Outcome {
    if decisions.iter().any(|e| !e.decision.errors.is_empty()) {
        Outcome::Error
    } else if decisions.iter().any(|e| !e.decision.allowed) {
        Outcome::Denied
    } else {
        Outcome::Allowed
    }
}

/// The response to a decision request, counted in the metrics.
fn answer_with(
    service: &Service,
    endpoint: &'static str,
    start: Instant,
    answer: Result<Answer, ApiError>,
) -> Response {
    match answer {
        Ok(answer) => {
            service
                .metrics
                .decided(endpoint, answer.outcome, start.elapsed().as_secs_f64());
            let mut response = json_response(StatusCode::OK, answer.body);
            if let Ok(value) = HeaderValue::from_str(&answer.digest.to_string()) {
                response.headers_mut().insert(crate::DIGEST_HEADER, value);
            }
            response
        }
        Err(e) => {
            service.metrics.refused(e.reason);
            let busy = e.status == StatusCode::SERVICE_UNAVAILABLE;
            let mut response = e.into_response();
            if busy {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            response
        }
    }
}

/// The format of a body: by its `Content-Type` when it names JSON or YAML, else by
/// the extension of its name, else told from its first character.
fn body_format(headers: &HeaderMap, name: &str, text: &str) -> pol::Format {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if media == "application/json" || media.ends_with("+json") {
        pol::Format::Json
    } else if media.ends_with("/yaml") || media.ends_with("/x-yaml") {
        pol::Format::Yaml
    } else {
        pol::kind::format_of_path(std::path::Path::new(name))
            .unwrap_or_else(|| pol::Format::sniff(text))
    }
}

async fn admission_review(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let start = Instant::now();
    let answer = async {
        let permit = limits::permit(&service)?;
        let deadline = start + service.limits.request_timeout;
        let bytes = limits::read_body(body, &headers, service.limits.max_body, deadline).await?;
        let loaded = service.current();
        let review = admission::read(&bytes)?;
        let selection = crate::pool::Selection {
            level: service.level,
            package: None,
        };
        crate::pool::run(&loaded, &selection, |loaded, evaluator| {
            let _permit = permit;
            let run = Run {
                service: &service,
                loaded,
                deadline,
                start,
            };
            review_answer(&run, evaluator, &review)
        })
    }
    .await;
    answer_with(&service, "admission", start, answer)
}

/// The review answered: the decision on its object (none: allowed), logged.
fn review_answer(
    run: &Run<'_>,
    evaluator: &mut pol::Evaluator<'_>,
    review: &admission::Admission,
) -> Result<Answer, ApiError> {
    let Some(object) = &review.object else {
        // Nothing to judge (a deletion): allowed.
        let body = admission::respond(&review.uid, &[]);
        return Ok(Answer {
            body: serde_json::to_vec(&body).unwrap_or_default(),
            outcome: Outcome::Allowed,
            digest: run.loaded.digest,
        });
    };
    let input = Input {
        name: &review.name,
        text: object,
        format: pol::Format::Json,
        kind: Some(pol::kind::KUBERNETES),
    };
    let report = decide::evaluate(evaluator, &input, &run.settings())?;
    log(run.service, run.loaded, &report, object.as_bytes())?;
    let body = admission::respond(&review.uid, &report.decisions);
    Ok(Answer {
        body: serde_json::to_vec(&body).unwrap_or_default(),
        outcome: outcome(&report.decisions),
        digest: run.loaded.digest,
    })
}

async fn health() -> Response {
    json_response(StatusCode::OK, br#"{"status":"ok"}"#.to_vec())
}

async fn ready(State(service): State<Arc<Service>>) -> Response {
    if service.draining() {
        return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "draining", "shutting down")
            .into_response();
    }
    let loaded = service.current();
    let body = serde_json::json!({
        "status": "ready",
        "policy": loaded.digest.to_string(),
        "loaded_at": humantime::format_rfc3339_seconds(loaded.loaded_at).to_string(),
        "rules": loaded.policy.rules().len(),
    });
    json_response(
        StatusCode::OK,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

async fn metrics(State(service): State<Arc<Service>>) -> Response {
    let free = service.permits.available_permits();
    let busy = service.limits.max_concurrent.saturating_sub(free);
    service
        .metrics
        .in_flight
        .set(i64::try_from(busy).unwrap_or(i64::MAX));
    let mut response = service.metrics.encode().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

async fn not_found() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint (see docs/serve.md: POST /v1/decide, /v1/decide/{package}, /v1/admission; GET /health, /ready, /metrics)",
    )
    .into_response()
}
