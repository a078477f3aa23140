//! Lead Connectors: one intake pipeline behind many doors.
//!
//! Doors (the function crates) turn their event into a [`mapping::Payload`] or a
//! [`domain::LeadCandidate`], then hand it to [`pipeline`], which validates, applies
//! the connector's defaults, assigns, de-duplicates and stores it through [`store`].

pub mod domain;
pub mod email;
pub mod mapping;
