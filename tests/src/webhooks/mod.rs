//! Test support for the lead-ads webhooks, Meta's and Google's.

mod google;
mod meta;

pub use google::*;
pub use meta::*;
