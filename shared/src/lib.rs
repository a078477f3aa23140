//! Lead Connectors: one intake pipeline behind many doors.
//!
//! Doors (the function crates) turn their event into a [`mapping::Payload`], map it to a
//! [`domain::LeadCandidate`], then hand it to [`pipeline`], which validates, applies the
//! connector's defaults, assigns, de-duplicates and stores it through [`store`].

pub mod admin;
pub mod api;
pub mod auth;
pub mod aws;
pub mod batch;
pub mod bulk;
pub mod clock;
pub mod domain;
pub mod email;
pub mod followup;
pub mod forms;
pub mod forwarding;
pub mod http;
pub mod idempotency;
pub mod inbound;
pub mod mapping;
pub mod pipeline;
pub mod providers;
pub mod queue;
pub mod secrets;
pub mod store;
pub mod telemetry;
pub mod throttle;
