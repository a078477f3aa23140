//! What an admin is told to do in each vendor's settings, beside the webhook URL.

use super::Vendor;

/// How `vendor`'s deliveries prove where they come from.
pub fn signature(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Typeform => "Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>",
        Vendor::Calendly => {
            "Calendly-Webhook-Signature: t=<epoch seconds>,v1=<hex HMAC-SHA256 of \"t.body\">, \
             at most 3 minutes old"
        }
        Vendor::Hubspot => {
            "X-HubSpot-Signature-v3 over method, URL, body and X-HubSpot-Request-Timestamp, \
             at most 5 minutes old"
        }
        Vendor::Tiktok => {
            "TikTok-Signature: t=<epoch seconds>,s=<hex HMAC-SHA256 of \"t.body\">, at most \
             5 minutes old"
        }
        Vendor::Linkedin => "X-LI-Signature: hex HMAC-SHA256 of \"hmacsha256=\" + body",
        Vendor::Jotform
        | Vendor::GravityForms
        | Vendor::Wpforms
        | Vendor::ContactForm7
        | Vendor::Unbounce => "the signing secret itself, in X-Lead-Secret or ?secret=",
    }
}

/// Where in `vendor`'s settings the URL and the secret go.
pub fn instructions(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Typeform => {
            "in the form's Connect > Webhooks, add this URL and turn on the secret with the \
             signing secret"
        }
        Vendor::Calendly => {
            "create a webhook subscription (API v2, event invitee.created) with this URL and \
             the signing secret as its signing_key"
        }
        Vendor::Hubspot => {
            "in a workflow, add a 'Send a webhook' action (POST) with this URL; paste your \
             app's client secret as settings.signing_secret"
        }
        Vendor::Tiktok => {
            "subscribe your TikTok app to lead events with this URL; paste the app's client \
             secret as settings.signing_secret"
        }
        Vendor::Linkedin => {
            "register this URL as a Lead Sync webhook of your LinkedIn app; paste the app's \
             client secret as settings.signing_secret. LinkedIn sends only the lead's id: \
             such notices are logged failed with the id until its answers can be fetched"
        }
        Vendor::Jotform => {
            "in Settings > Integrations > WebHooks, add this URL with ?secret=<signing secret> \
             appended (Jotform cannot send headers)"
        }
        Vendor::GravityForms => {
            "in the form's Webhooks feed (Request Method POST, Request Body All Fields), add \
             this URL and the request header X-Lead-Secret: <signing secret>; alias field ids \
             to lead fields"
        }
        Vendor::Wpforms => {
            "in the form's Webhooks (Request Method POST), add this URL, the request header \
             X-Lead-Secret: <signing secret>, and name the body's keys after the lead fields"
        }
        Vendor::ContactForm7 => {
            "in the CF7 to Webhook tab of the form, set this URL with ?secret=<signing secret> \
             appended"
        }
        Vendor::Unbounce => {
            "in the page's Integrations > Webhook, set this URL with ?secret=<signing secret> \
             appended (Unbounce cannot send headers)"
        }
    }
}
