//! The limits of a decision request: a permit among the requests in flight (`503` when
//! none is left), and the body read within its size and the request's time (`413`,
//! `408`); the evaluation's time is bounded by the evaluator's own deadline (`pool.rs`).

use crate::error::ApiError;
use crate::state::Service;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::time::Instant;

/// A place among the requests in flight, held until the decision is made.
pub type Permit = tokio::sync::OwnedSemaphorePermit;

/// A place among the requests in flight, or `503` at once when all are taken.
pub fn permit(service: &Service) -> Result<Permit, ApiError> {
    std::sync::Arc::clone(&service.permits)
        .try_acquire_owned()
        .map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                format!(
                    "too many requests in flight (at most {}); try again",
                    service.limits.max_concurrent
                ),
            )
        })
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the body is larger than {max} bytes (`--max-body`)"),
    )
}

/// Reads the body, at most `max` bytes, by `deadline`.
pub async fn read_body(
    body: Body,
    headers: &HeaderMap,
    max: usize,
    deadline: Instant,
) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large(max));
    }
    let read = Limited::new(body, max).collect();
    match tokio::time::timeout_at(deadline.into(), read).await {
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the body did not arrive in time (`--request-timeout`)",
        )),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large(max)),
        Ok(Err(e)) => Err(ApiError::malformed(format!("cannot read the body: {e}"))),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
    }
}
