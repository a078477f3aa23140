//! Lead Connectors: one intake pipeline behind many doors.
//!
//! Doors (the function crates) turn their event into a [`mapping::Payload`], map it to a
//! [`domain::LeadCandidate`], then hand it to [`pipeline`], which validates, applies the
//! connector's defaults, assigns, de-duplicates and stores it through [`store`].
//!
//! Cargo features add what only some functions use (see Cargo.toml): `admin` (the admin
//! API, bulk imports, forwarding), `inbound` (the email door), `followup` (speed-to-lead),
//! `email` (the parser); each function crate names its own, so it links nothing else.

#[cfg(feature = "admin")]
pub mod admin;
pub mod api;
pub mod auth;
pub mod aws;
pub mod batch;
#[cfg(feature = "admin")]
pub mod bulk;
pub mod clock;
pub mod domain;
#[cfg(feature = "email")]
pub mod email;
#[cfg(feature = "followup")]
pub mod followup;
pub mod forms;
#[cfg(feature = "admin")]
pub mod forwarding;
pub mod http;
pub mod idempotency;
#[cfg(feature = "inbound")]
pub mod inbound;
pub mod mapping;
pub mod pipeline;
pub mod providers;
#[cfg(feature = "sqs")]
pub mod queue;
pub mod secrets;
pub mod store;
pub mod telemetry;
pub mod throttle;
pub mod tls;
