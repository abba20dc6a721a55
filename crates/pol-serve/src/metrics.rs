//! The service's Prometheus metrics (`GET /metrics`, OpenMetrics text through
//! `prometheus-client`): decisions by endpoint and result, their latency, requests
//! refused by a limit, the policy served (digest, load time) and its reloads.

use crate::loaded::Loaded;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

/// What a decision request came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Every document allowed.
    Allowed,
    /// A document denied.
    Denied,
    /// A runtime error, or a request that could not be evaluated.
    Error,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Error => "error",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct DecisionLabels {
    endpoint: &'static str,
    result: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct EndpointLabels {
    endpoint: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct PolicyLabels {
    digest: String,
}

/// The metrics, registered once.
pub struct Metrics {
    registry: Registry,
    decisions: Family<DecisionLabels, Counter>,
    latency: Family<EndpointLabels, Histogram, fn() -> Histogram>,
    refused: Family<ReasonLabels, Counter>,
    policy: Family<PolicyLabels, Gauge>,
    loaded_at: Gauge<f64, AtomicU64>,
    /// Decision requests in flight (set when the metrics are read).
    pub in_flight: Gauge,
    /// Reloads that swapped in a new policy.
    pub reloads: Counter,
    /// Reloads that failed (the old policy kept serving).
    pub reload_failures: Counter,
}

fn latency_buckets() -> Histogram {
    // 50 µs to about 1.6 s, doubling.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.000_05, 2.0, 16,
    ))
}

impl Metrics {
    /// The metrics, at zero.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let decisions = Family::<DecisionLabels, Counter>::default();
        let latency = Family::<EndpointLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_buckets,
        );
        let refused = Family::<ReasonLabels, Counter>::default();
        let policy = Family::<PolicyLabels, Gauge>::default();
        let loaded_at = Gauge::<f64, AtomicU64>::default();
        let in_flight = Gauge::default();
        let reloads = Counter::default();
        let reload_failures = Counter::default();
        registry.register(
            "pol_decisions",
            "Decision requests answered, by endpoint and result (allowed, denied, error)",
            decisions.clone(),
        );
        registry.register(
            "pol_decision_duration_seconds",
            "Time from a decision request's headers to its answer, by endpoint",
            latency.clone(),
        );
        registry.register(
            "pol_requests_refused",
            "Requests refused by a limit or as malformed, by reason",
            refused.clone(),
        );
        registry.register(
            "pol_policy_info",
            "The policy served: 1, with the digest of its program as a label",
            policy.clone(),
        );
        registry.register(
            "pol_policy_loaded_timestamp_seconds",
            "When the policy served was loaded (Unix time)",
            loaded_at.clone(),
        );
        registry.register(
            "pol_requests_in_flight",
            "Decision requests being answered",
            in_flight.clone(),
        );
        registry.register(
            "pol_policy_reloads",
            "Reloads that swapped in a policy",
            reloads.clone(),
        );
        registry.register(
            "pol_policy_reload_failures",
            "Reloads that failed (the policy served did not change)",
            reload_failures.clone(),
        );
        Metrics {
            registry,
            decisions,
            latency,
            refused,
            policy,
            loaded_at,
            in_flight,
            reloads,
            reload_failures,
        }
    }

    /// A decision request answered.
    pub fn decided(&self, endpoint: &'static str, outcome: Outcome, seconds: f64) {
        self.decisions
            .get_or_create(&DecisionLabels {
                endpoint,
                result: outcome.as_str(),
            })
            .inc();
        self.latency
            .get_or_create(&EndpointLabels { endpoint })
            .observe(seconds);
    }

    /// A request refused (`too_large`, `busy`, `timeout`, `malformed`, ...).
    pub fn refused(&self, reason: &'static str) {
        self.refused.get_or_create(&ReasonLabels { reason }).inc();
    }

    /// The policy served is now `loaded`.
    pub fn loaded(&self, loaded: &Loaded) {
        self.policy.clear();
        self.policy
            .get_or_create(&PolicyLabels {
                digest: loaded.digest.to_string(),
            })
            .set(1);
        let at = loaded
            .loaded_at
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        self.loaded_at.set(at);
    }

    /// The metrics as OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
