//! Refusals: a status and a message, answered as `{"error": "..."}`, each counted in
//! the metrics by its reason.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A request that gets no decision, and why.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The metrics' reason (`malformed`, `too_large`, ...).
    pub reason: &'static str,
    /// What the client is told.
    pub message: String,
}

impl ApiError {
    /// A `400`: the request cannot be read as it should be.
    pub fn malformed(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            reason: "malformed",
            message: message.into(),
        }
    }

    /// A refusal of `status` for `reason`.
    pub fn new(status: StatusCode, reason: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            reason,
            message: message.into(),
        }
    }
}

/// A JSON response of `status`.
pub fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&serde_json::json!({ "error": self.message }))
            .unwrap_or_else(|_| b"{\"error\": \"error\"}".to_vec());
        json_response(self.status, body)
    }
}
