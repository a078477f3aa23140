//! Per-source rules (seed 002): what a connector's leads may be. Where a lead falls
//! outside them, the pipeline fails it with the rule in the reason, or holds it for a
//! person when the connector says so.

use serde::{Deserialize, Serialize};

/// A connector's rules; empty ones allow everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SourceRules {
    /// Two-letter US state codes. With ZIP prefixes too, a lead inside either passes.
    pub allowed_states: Vec<String>,
    /// Leading characters of allowed ZIP or postal codes (`176`, `19103`).
    pub allowed_zip_prefixes: Vec<String>,
    /// Values of `service_interest`, compared without case; a comma-separated interest
    /// passes when one of its parts is allowed.
    pub allowed_products: Vec<String>,
    /// At most this many leads a UTC day; the next are outside the rules.
    pub daily_cap: Option<u32>,
    /// A compliance certificate each lead must carry.
    pub required_certificate: Option<CertificateKind>,
    /// What becomes of a lead outside the rules.
    pub outside_rules: OutsideRules,
}

impl SourceRules {
    pub fn is_empty(&self) -> bool {
        self == &SourceRules::default()
    }
}

/// Which compliance certificate a connector requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// A TrustedForm certificate URL.
    Trustedform,
    /// A Jornaya LeadiD.
    Jornaya,
    /// Either one.
    Any,
}

impl CertificateKind {
    pub const KEYS: [&'static str; 3] = ["trustedform", "jornaya", "any"];
}

/// A lead outside the rules is logged `failed`, or held for review.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutsideRules {
    #[default]
    Fail,
    Review,
}

impl OutsideRules {
    pub const KEYS: [&'static str; 2] = ["fail", "review"];
}
