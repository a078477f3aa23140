//! Test support for the lead-ads webhooks, Meta's and Google's.

mod connect;
mod google;
mod meta;

pub use connect::*;
pub use google::*;
pub use meta::*;
