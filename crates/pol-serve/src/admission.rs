//! Kubernetes admission reviews (`admission.k8s.io/v1`): reading a review, and the
//! review answered from the decision on its `request.object` — `allowed`, the
//! violations and runtime errors as `status.message`, the warnings as `warnings`.

use crate::error::ApiError;
use pol::render::Evaluated;
use serde::Deserialize;
use serde_json::{Value, json};

/// The API version of the reviews read and written.
pub const API_VERSION: &str = "admission.k8s.io/v1";

/// The parts of an `AdmissionReview` that pol reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Review {
    api_version: String,
    kind: String,
    request: Option<Request>,
}

/// The parts of its `request` that pol reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    uid: String,
    #[serde(default)]
    operation: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
    /// Kept as its JSON text, which pol's loader reads: no `Value` is built of it.
    #[serde(default)]
    object: Option<Box<serde_json::value::RawValue>>,
}

/// A review's request, read.
#[derive(Debug)]
pub struct Admission {
    /// The request's `uid`, to be echoed.
    pub uid: String,
    /// The object as JSON text, to evaluate; `None` when there is none (a `DELETE`).
    pub object: Option<String>,
    /// A name for the object in output and logs (`admission/NAMESPACE/NAME`).
    pub name: String,
}

/// Reads an `AdmissionReview` of `admission.k8s.io/v1`.
pub fn read(body: &[u8]) -> Result<Admission, ApiError> {
    let review: Review = serde_json::from_slice(body)
        .map_err(|e| ApiError::malformed(format!("not an AdmissionReview: {e}")))?;
    if review.api_version != API_VERSION || review.kind != "AdmissionReview" {
        return Err(ApiError::malformed(format!(
            "not an AdmissionReview of `{API_VERSION}`: apiVersion is `{}`, kind is `{}`",
            review.api_version, review.kind
        )));
    }
    let request = review
        .request
        .ok_or_else(|| ApiError::malformed("the AdmissionReview has no `request`"))?;
    if request.uid.is_empty() {
        return Err(ApiError::malformed(
            "the AdmissionReview's `request.uid` is empty",
        ));
    }
    let object = match request.object.as_deref().map(|raw| raw.get().trim()) {
        None | Some("null") => None,
        Some(text) if text.starts_with('{') => Some(text.to_owned()),
        Some(_) => {
            return Err(ApiError::malformed(
                "the AdmissionReview's `request.object` is not an object",
            ));
        }
    };
    let object_name = request
        .name
        .filter(|n| !n.is_empty())
        .or_else(|| request.operation.map(|op| op.to_ascii_lowercase()))
        .unwrap_or_else(|| "object".to_owned());
    let name = match request.namespace.filter(|n| !n.is_empty()) {
        Some(ns) => format!("admission/{ns}/{object_name}"),
        None => format!("admission/{object_name}"),
    };
    Ok(Admission {
        uid: request.uid,
        object,
        name,
    })
}

/// A finding or error as the message names it: `[ID] message` (the rule's name when it
/// has no id).
fn line(rule: &str, id: Option<&str>, message: &str) -> String {
    format!("[{}] {message}", id.unwrap_or(rule))
}

/// The review answering `uid`, from the decisions on its object (none: allowed).
pub fn respond(uid: &str, decisions: &[Evaluated]) -> Value {
    let mut denials = Vec::new();
    let mut warnings = Vec::new();
    let mut allowed = true;
    for e in decisions {
        let d = &e.decision;
        allowed &= d.allowed;
        denials.extend(
            d.violations
                .iter()
                .map(|f| line(&f.rule, f.id.as_deref(), &f.message)),
        );
        denials.extend(d.errors.iter().map(|err| {
            line(
                &err.rule,
                None,
                &format!("runtime error (denied, fail closed): {}", err.message),
            )
        }));
        warnings.extend(
            d.warnings
                .iter()
                .map(|f| line(&f.rule, f.id.as_deref(), &f.message)),
        );
    }
    let mut response = json!({ "uid": uid, "allowed": allowed });
    if let Value::Object(map) = &mut response {
        if !allowed {
            map.insert(
                "status".to_owned(),
                json!({
                    "code": 403,
                    "reason": "Forbidden",
                    "message": format!("denied by pol: {}", denials.join("; ")),
                }),
            );
        }
        if !warnings.is_empty() {
            map.insert("warnings".to_owned(), json!(warnings));
        }
    }
    json!({
        "apiVersion": API_VERSION,
        "kind": "AdmissionReview",
        "response": response,
    })
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "test code: a failure should stop the test loudly"
    )]

    use super::*;
    use pol::render::Evaluated;

    fn review(request: Value) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "apiVersion": API_VERSION, "kind": "AdmissionReview", "request": request
        }))
        .unwrap()
    }

    #[test]
    fn reads_the_uid_the_object_and_a_name() {
        let body = review(json!({"uid": "u", "name": "web", "namespace": "prod",
            "object": {"kind": "Pod"}}));
        let read = read(&body).unwrap();
        assert_eq!(read.uid, "u");
        assert_eq!(read.name, "admission/prod/web");
        assert_eq!(read.object.as_deref(), Some(r#"{"kind":"Pod"}"#));
        let generated = read_name(json!({"uid": "u", "operation": "CREATE", "object": {}}));
        assert_eq!(generated, "admission/create");
    }

    fn read_name(request: Value) -> String {
        read(&review(request)).unwrap().name
    }

    #[test]
    fn answers_with_violations_and_warnings() {
        let policy = pol::Policy::from_source(
            "p.pol",
            "package p\n@id(\"P1\")\ndeny big { if input.n > 3 message \"big\" }\nwarn odd { if input.n == 5 message \"odd\" }\n",
        )
        .unwrap();
        let decisions = policy
            .evaluate_text(r#"{"n": 5}"#, pol::Format::Json, Some("x"))
            .unwrap();
        let report = pol::render::InputReport::decided("x", decisions, None);
        let evaluated: Vec<Evaluated> = report.decisions;
        let answer = respond("u", &evaluated);
        let response = &answer["response"];
        assert_eq!(response["allowed"], false);
        assert_eq!(response["status"]["message"], "denied by pol: [P1] big");
        assert_eq!(response["warnings"], json!(["[p.odd] odd"]));
        assert_eq!(
            respond("v", &[])["response"],
            json!({"uid": "v", "allowed": true})
        );
    }
}
