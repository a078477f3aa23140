//! The public website-form door's rules: form decoding, CORS, redirects, the honeypot,
//! limits and throttles. Pure where it can be; [`submit`] ties them to the pipeline.

pub mod cors;
pub mod decode;
mod intake;
pub mod multipart;
pub mod page;
pub mod redirect;
pub mod rules;

pub use decode::{wants_html, DecodeError, Encoding};
pub use intake::{
    connector, fields, submit, FormFields, FormRefusal, Refused, Submission, Submitted, HONEYPOT,
};

/// The largest form body taken; more is refused with 413.
pub const BODY_LIMIT: usize = 64 * 1024;
/// The most fields a form may carry; more is refused with 422.
pub const MAX_FIELDS: usize = 100;
/// The longest field name or value; longer is refused with 422.
pub const MAX_VALUE_BYTES: usize = 10 * 1024;
