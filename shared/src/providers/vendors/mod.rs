//! Signed webhooks of form and ad vendors, one preset each: how the vendor's signature is
//! checked, how its payload becomes label/value pairs for [`mapping::map`], and which of
//! its ids is the lead's external id. Pure, but for [`receive`], the use case of the
//! vendor door: it looks up the connector and its secret, checks the delivery and takes
//! it to the pipeline.
//!
//! Test deliveries: none of the ten vendors documents a marker on its webhook bodies
//! (LinkedIn flags test leads only on the response fetched afterwards), so one
//! convention stands for all: a delivery whose answers carry `is_test` (or `test_lead`)
//! set to true, or `utm_source=test` (all Calendly can carry, through the booking
//! link), is a test: logged `ignored`, never a lead. Typeform and Jotform take it as a
//! hidden field, the WordPress plugins and Unbounce as a form field, HubSpot as a
//! property or body key, TikTok as a field or a flag on the lead.

mod body;
mod calendly;
mod contact_form_7;
mod gravity_forms;
mod hubspot;
mod jotform;
mod linkedin;
mod receive;
mod setup;
mod signature;
mod tiktok;
mod typeform;
mod unbounce;
mod wpforms;

pub use linkedin::challenge_response as linkedin_challenge_response;
pub use receive::{challenge, receive, Challenge, VendorRefusal};
pub use setup::{instructions, signature};
pub use signature::{SignatureError, SECRET_HEADER, SECRET_PARAM};

pub use crate::domain::Vendor;

use crate::domain::LeadCandidate;
use crate::mapping::{self, Payload};
use crate::pipeline::Reading;
use signature::Scheme;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// How `vendor` signs its deliveries.
fn scheme(vendor: Vendor) -> Scheme {
    match vendor {
        Vendor::Typeform => typeform::SCHEME,
        Vendor::Calendly => calendly::SCHEME,
        Vendor::Hubspot => Scheme::HubSpotV3,
        Vendor::Tiktok => tiktok::SCHEME,
        Vendor::Linkedin => linkedin::SCHEME,
        Vendor::Jotform
        | Vendor::GravityForms
        | Vendor::Wpforms
        | Vendor::ContactForm7
        | Vendor::Unbounce => Scheme::SharedSecret,
    }
}

/// A delivery as the door received it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The full URL the vendor called, query included (HubSpot signs it).
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    /// The raw body, exactly as received: signatures are over these bytes.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// The first value of a header, its name compared without case.
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers
            .iter()
            .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
            .map(|(_, value)| *value)
    }

    pub fn content_type(&self) -> Option<&'a str> {
        self.header("content-type")
    }

    /// A query parameter of the URL, percent-decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        let query = self.url.split_once('?')?.1;
        let query = query.split_once('#').map_or(query, |(q, _)| q);
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| Cow::into_owned(value))
    }
}

#[cfg(test)]
impl<'a> Request<'a> {
    /// A POST with these headers and body, for the presets' tests.
    pub(crate) fn post(headers: &'a [(&'a str, &'a str)], body: &'a [u8]) -> Self {
        Request {
            method: "POST",
            url: "https://x.io/webhooks/vendor/c1",
            headers,
            body,
        }
    }
}

/// What one delivery is.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// A lead's answers, labelled as the vendor names them, with the vendor's id for it.
    Lead {
        payload: Payload,
        external_id: Option<String>,
    },
    /// The vendor only says that a lead exists: its answers are to be fetched from the
    /// vendor's API by this id (LinkedIn Lead Sync sends nothing else).
    Notice { external_id: String },
    /// A signed delivery that is not a new lead (a cancellation, a partial answer, a
    /// deletion, an account event): logged `ignored` with the reason.
    NotALead { reason: String },
}

impl Delivery {
    /// The candidate of a lead: its pairs through the connector's `aliases`, then the
    /// vendor's id as the external id (when the vendor has none, a mapped one stays).
    pub fn candidate(&self, aliases: &BTreeMap<String, String>) -> Option<LeadCandidate> {
        let Delivery::Lead {
            payload,
            external_id,
        } = self
        else {
            return None;
        };
        let mut candidate = mapping::map(payload, aliases);
        if let Some(id) = external_id {
            candidate.external_id = Some(id.clone());
        }
        Some(candidate)
    }
}

/// The body is not what this vendor sends (answered 400, nothing stored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the body is not a {vendor} webhook delivery: {detail}")]
pub struct VendorError {
    pub vendor: Vendor,
    pub detail: String,
}

impl VendorError {
    fn new(vendor: Vendor, detail: impl Into<String>) -> Self {
        VendorError {
            vendor,
            detail: detail.into(),
        }
    }
}

/// Checks that `request` comes from `vendor`, signed with the connector's `secret`, at
/// `now` (epoch seconds) for the vendors that sign a timestamp.
pub fn verify(
    vendor: Vendor,
    secret: &str,
    request: &Request,
    now: i64,
) -> Result<(), SignatureError> {
    signature::verify(scheme(vendor), secret, request, now)
}

/// Reads a verified delivery: the vendor's preset, then the one test convention, and
/// for a lead the vendor gives no id, the SHA-256 of the body as its external id (so
/// that a redelivery, byte for byte the same, is recognised).
pub fn read(vendor: Vendor, request: &Request) -> Result<Delivery, VendorError> {
    let delivery = match preset(vendor, request)? {
        Delivery::Lead { payload, .. } if test_marker(&payload).is_some() => {
            let (label, value) = test_marker(&payload).unwrap_or_default();
            Delivery::NotALead {
                reason: format!(
                    "{vendor} test submission ({label}={value}): test deliveries never create \
                     a lead"
                ),
            }
        }
        Delivery::Lead {
            payload,
            external_id: None,
        } => Delivery::Lead {
            payload,
            external_id: Some(body_id(request.body)),
        },
        other => other,
    };
    Ok(delivery)
}

/// A stored delivery's body read again (a retry, a Test Import sample): with the
/// Content-Type it came with, else one told from the body itself.
pub fn reread(
    vendor: Vendor,
    body: &str,
    content_type: Option<&str>,
) -> Result<Delivery, VendorError> {
    let content_type = content_type.map_or_else(|| stored_content_type(body), str::to_owned);
    let headers = [("content-type", content_type.as_str())];
    let request = Request {
        method: "POST",
        url: "",
        headers: &headers,
        body: body.as_bytes(),
    };
    read(vendor, &request)
}

/// A delivery as the pipeline takes it: a lead's candidate through the connector's
/// `aliases`, a test or other non-lead, or a notice whose answers never came.
pub fn reading(vendor: Vendor, delivery: Delivery, aliases: &BTreeMap<String, String>) -> Reading {
    match delivery {
        Delivery::NotALead { reason } => Reading::NotALead(reason),
        Delivery::Notice { external_id } => {
            Reading::Unreadable(notice_reason(vendor, &external_id))
        }
        lead @ Delivery::Lead { .. } => Reading::Lead(lead.candidate(aliases).unwrap_or_default()),
    }
}

/// JSON when it looks like JSON, multipart when it opens with a boundary line, else a
/// url-encoded form.
fn stored_content_type(body: &str) -> String {
    let trimmed = body.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return "application/json".to_owned();
    }
    let first_line = trimmed.lines().next().unwrap_or_default().trim_end();
    match first_line.strip_prefix("--") {
        Some(boundary) if !boundary.is_empty() && !boundary.contains(char::is_whitespace) => {
            format!("multipart/form-data; boundary={boundary}")
        }
        _ => "application/x-www-form-urlencoded".to_owned(),
    }
}

/// The label and value that mark a delivery as the vendor's or its user's test.
fn test_marker(payload: &Payload) -> Option<(String, String)> {
    payload.pairs().find_map(|(label, value)| {
        let name = mapping::normalize_label(label);
        let value_text = value.trim().to_ascii_lowercase();
        let flagged = matches!(name.as_str(), "is_test" | "test_lead" | "testlead")
            && matches!(value_text.as_str(), "true" | "1" | "yes" | "y" | "on");
        let tracked = name == "utm_source" && value_text == "test";
        (flagged || tracked).then(|| (label.to_owned(), value.trim().to_owned()))
    })
}

/// `body-sha256:<hex>`: the external id of a lead whose vendor names none.
fn body_id(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("body-sha256:{}", hex::encode(Sha256::digest(body)))
}

/// Why a [`Delivery::Notice`] makes no lead yet, in words an admin can act on.
pub fn notice_reason(vendor: Vendor, external_id: &str) -> String {
    format!(
        "{vendor} sent only the lead's id ({external_id}), not its answers; fetching them \
         from {vendor}'s API is not set up for this connector. Download the lead from \
         {vendor} (LinkedIn: Campaign Manager > Lead Gen Forms), or send {vendor} leads \
         through an integration that posts their answers (Zapier to the API connector)"
    )
}

fn preset(vendor: Vendor, request: &Request) -> Result<Delivery, VendorError> {
    match vendor {
        Vendor::Typeform => typeform::read(request),
        Vendor::Calendly => calendly::read(request),
        Vendor::Hubspot => hubspot::read(request),
        Vendor::Jotform => jotform::read(request),
        Vendor::Tiktok => tiktok::read(request),
        Vendor::Linkedin => linkedin::read(request),
        Vendor::GravityForms => gravity_forms::read(request),
        Vendor::Wpforms => wpforms::read(request),
        Vendor::ContactForm7 => contact_form_7::read(request),
        Vendor::Unbounce => unbounce::read(request),
    }
}

/// The headers `vendor` would add to `request` at `now` (epoch seconds): for tests,
/// sample events and signed `curl` examples.
pub fn sign(
    vendor: Vendor,
    secret: &str,
    request: &Request,
    now: i64,
) -> Vec<(&'static str, String)> {
    signature::sign(scheme(vendor), secret, request, now)
}

/// A UUID in its hyphenated form (`8-4-4-4-12` hex digits), as vendors write ids.
pub(super) fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests;
