//! The form and ad vendors whose signed webhooks the vendor door takes; each is also a
//! connector provider (`Provider::Vendor`). How each one signs and what it sends lives
//! in `providers::vendors`.

use std::fmt;

/// A vendor whose webhooks the vendor door takes (`POST /webhooks/{key}/{connector_id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    pub const fn key(self) -> &'static str {
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

    /// Whether the vendor signs with a secret of its own making (an app's client
    /// secret), which the connector must be given: no secret of ours can stand in.
    pub fn issues_secret(self) -> bool {
        matches!(self, Vendor::Hubspot | Vendor::Tiktok | Vendor::Linkedin)
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
