//! Forwarding new leads to destinations, against a real AWS API (moto) and receivers on
//! loopback: signed deliveries, once per lead and destination, retries, failures,
//! redelivery, and the SSRF guard.

mod delivery;
mod guard;
mod retries;
