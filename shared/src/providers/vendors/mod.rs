//! Signed webhooks of form and ad vendors, one preset each: how the vendor's signature is
//! checked, how its payload becomes label/value pairs for [`mapping::map`], and which of
//! its ids is the lead's external id. Pure: the door that calls this reads the HTTP
//! request, looks up the connector and its secret, and takes the result to the pipeline.

mod body;
mod calendly;
mod contact_form_7;
mod gravity_forms;
mod hubspot;
mod jotform;
mod linkedin;
mod signature;
mod tiktok;
mod typeform;
mod unbounce;
mod wpforms;

pub use linkedin::challenge_response as linkedin_challenge_response;
pub use signature::{SignatureError, SECRET_HEADER, SECRET_PARAM};

use crate::domain::LeadCandidate;
use crate::mapping::{self, Payload};
use signature::Scheme;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// A vendor whose webhooks the vendor door takes (`POST /webhooks/{key}/{connector_id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vendor {
    Typeform,
    Calendly,
    Hubspot,
    Jotform,
    Tiktok,
    Linkedin,
    GravityForms,
    Wpforms,
    ContactForm7,
    Unbounce,
}

impl Vendor {
    pub const ALL: [Vendor; 10] = [
        Vendor::Typeform,
        Vendor::Calendly,
        Vendor::Hubspot,
        Vendor::Jotform,
        Vendor::Tiktok,
        Vendor::Linkedin,
        Vendor::GravityForms,
        Vendor::Wpforms,
        Vendor::ContactForm7,
        Vendor::Unbounce,
    ];

    /// The key in routes, connector providers and context labels.
    pub fn key(self) -> &'static str {
        match self {
            Vendor::Typeform => "typeform",
            Vendor::Calendly => "calendly",
            Vendor::Hubspot => "hubspot",
            Vendor::Jotform => "jotform",
            Vendor::Tiktok => "tiktok",
            Vendor::Linkedin => "linkedin",
            Vendor::GravityForms => "gravity_forms",
            Vendor::Wpforms => "wpforms",
            Vendor::ContactForm7 => "contact_form_7",
            Vendor::Unbounce => "unbounce",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Vendor::ALL.into_iter().find(|vendor| vendor.key() == key)
    }

    /// The vendor's name as people write it.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Typeform => "Typeform",
            Vendor::Calendly => "Calendly",
            Vendor::Hubspot => "HubSpot",
            Vendor::Jotform => "Jotform",
            Vendor::Tiktok => "TikTok",
            Vendor::Linkedin => "LinkedIn",
            Vendor::GravityForms => "Gravity Forms",
            Vendor::Wpforms => "WPForms",
            Vendor::ContactForm7 => "Contact Form 7",
            Vendor::Unbounce => "Unbounce",
        }
    }

    fn scheme(self) -> Scheme {
        match self {
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
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
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
    signature::verify(vendor.scheme(), secret, request, now)
}

/// Reads a verified delivery.
pub fn read(vendor: Vendor, request: &Request) -> Result<Delivery, VendorError> {
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
    signature::sign(vendor.scheme(), secret, request, now)
}

#[cfg(test)]
mod tests;
