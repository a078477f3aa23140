//! Test support for the vendor door: a workspace with an active connector of one vendor,
//! each vendor's documented sample and a test delivery of it, and deliveries signed as
//! the vendor signs them (or carrying the secret, for vendors that sign nothing).

use crate::{TestApp, TestResponse};
use local::gateway::HttpCall;
use local::seed;
use serde_json::{json, Value};
use shared::domain::{Connector, Provider, SigningSecret, Vendor};
use shared::providers::vendors;
use std::collections::{BTreeMap, HashMap};

/// The signing secret of every test connector.
pub const SECRET: &str = "vendor-test-secret-0123456789abcdef";
/// The host deliveries are addressed to (HubSpot signs the whole URL).
const HOST: &str = "hooks.example.com";

/// A body as the vendor sends it.
#[derive(Debug, Clone)]
pub struct Body {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

impl Body {
    fn json(value: &Value) -> Self {
        Body {
            bytes: value.to_string().into_bytes(),
            content_type: "application/json",
        }
    }
}

macro_rules! samples {
    ($($vendor:ident => $file:literal),* $(,)?) => {
        /// The vendor's documented sample, as `shared`'s preset tests read it.
        pub fn sample_bytes(vendor: Vendor) -> &'static [u8] {
            match vendor {
                $(Vendor::$vendor => include_bytes!(concat!(
                    "../../shared/src/providers/vendors/samples/", $file
                )),)*
            }
        }
    };
}

samples! {
    Typeform => "typeform.json",
    Calendly => "calendly.json",
    Hubspot => "hubspot.json",
    Jotform => "jotform.txt",
    Tiktok => "tiktok.json",
    Linkedin => "linkedin.json",
    GravityForms => "gravity_forms.json",
    Wpforms => "wpforms.json",
    ContactForm7 => "contact_form_7.json",
    Unbounce => "unbounce.txt",
}

pub const JOTFORM_TYPE: &str =
    "multipart/form-data; boundary=------------------------J1JNT4vbVO4FCC1qLG4HSv";

pub fn sample(vendor: Vendor) -> Body {
    let content_type = match vendor {
        Vendor::Jotform => JOTFORM_TYPE,
        Vendor::Unbounce => "application/x-www-form-urlencoded",
        _ => "application/json",
    };
    Body {
        bytes: sample_bytes(vendor).to_vec(),
        content_type,
    }
}

fn sample_json(vendor: Vendor) -> Value {
    serde_json::from_slice(sample_bytes(vendor)).expect("a JSON sample")
}

/// The sample marked as a test the way each vendor can carry it (`vendors/mod.rs`);
/// `None` for LinkedIn, whose notices cannot say.
pub fn test_delivery(vendor: Vendor) -> Option<Body> {
    let mut value = match vendor {
        Vendor::Linkedin => return None,
        Vendor::Jotform | Vendor::Unbounce => {
            let text = String::from_utf8_lossy(sample_bytes(vendor)).into_owned();
            let marked = match vendor {
                Vendor::Jotform => text.replace(r#"{"slug":"#, r#"{"q99_isTest":"true","slug":"#),
                _ => text.replace(
                    "data.json=%7B",
                    "data.json=%7B%22is_test%22%3A%5B%22true%22%5D%2C",
                ),
            };
            assert_ne!(marked, text, "{vendor}: the marker went in");
            return Some(Body {
                bytes: marked.into_bytes(),
                ..sample(vendor)
            });
        }
        _ => sample_json(vendor),
    };
    match vendor {
        Vendor::Typeform => value["form_response"]["hidden"]["is_test"] = "true".into(),
        Vendor::Calendly => value["payload"]["tracking"]["utm_source"] = "test".into(),
        Vendor::Hubspot => value["properties"]["is_test"] = json!({"value": "true"}),
        Vendor::Tiktok => value["is_test"] = true.into(),
        _ => value["is_test"] = "true".into(),
    }
    Some(Body::json(&value))
}

/// Connector aliases the sample needs to name its lead (field ids, generated refs).
pub fn aliases(vendor: Vendor) -> BTreeMap<String, String> {
    let pairs: &[(&str, &str)] = match vendor {
        Vendor::Typeform => &[("readable_ref_short_text", "customer_name")],
        Vendor::GravityForms => &[
            ("1.3", "first_name"),
            ("1.6", "last_name"),
            ("2", "customer_email"),
            ("3", "customer_phone"),
            ("4.5", "zip"),
        ],
        _ => &[],
    };
    pairs
        .iter()
        .map(|(from, to)| (from.to_string(), to.to_string()))
        .collect()
}

/// Runs `check` for each of `vendors` at once (each on a workspace of its own: the
/// table's rows share nothing), and fails with the first failing row's panic.
pub async fn each_vendor<Fut>(vendors: impl IntoIterator<Item = Vendor>, check: fn(Vendor) -> Fut)
where
    Fut: std::future::Future<Output = ()> + 'static,
{
    let rows = tokio::task::LocalSet::new();
    rows.run_until(async {
        let running: Vec<_> = vendors
            .into_iter()
            .map(|vendor| tokio::task::spawn_local(check(vendor)))
            .collect();
        for row in running {
            if let Err(failed) = row.await {
                std::panic::resume_unwind(failed.into_panic());
            }
        }
    })
    .await;
}

/// A workspace with an active connector of `vendor`, signing with [`SECRET`].
pub struct VendorApp {
    pub app: TestApp,
    pub vendor: Vendor,
    pub connector: Connector,
    pub deps: vendor_webhook::VendorWebhook,
}

impl VendorApp {
    pub async fn spawn(vendor: Vendor, configure: impl FnOnce(&mut Connector)) -> Self {
        let mut app = TestApp::spawn().await;
        let provider = Provider::Vendor(vendor);
        let connector = seed::active_connector(&app.store, &mut app.seeded, provider, |c| {
            c.settings.signing_secret = SigningSecret::parse(SECRET).ok();
            c.field_aliases = aliases(vendor);
            configure(c);
        })
        .await
        .expect("vendor connector");
        let deps = vendor_webhook::VendorWebhook {
            store: app.store.clone(),
        };
        Self {
            app,
            vendor,
            connector,
            deps,
        }
    }

    fn path(&self) -> String {
        format!("/webhooks/{}/{}", self.vendor.key(), self.connector.id)
    }

    /// `POST /webhooks/{vendor}/{connector_id}?{query}` with `headers`, as API Gateway
    /// hands it to the function.
    pub async fn post(&self, body: &Body, headers: &[(&str, String)], query: &str) -> TestResponse {
        self.post_as(self.vendor.key(), &self.connector.id, body, headers, query)
            .await
    }

    /// `GET /webhooks/{vendor}/{connector_id}?{query}` (LinkedIn's endpoint validation).
    pub async fn get(&self, query: &str) -> TestResponse {
        let request = HttpCall {
            route_key: "GET /webhooks/{provider}/{connector_id}".into(),
            method: "GET".into(),
            path: self.path(),
            query: query.to_owned(),
            path_parameters: HashMap::from([
                ("provider".into(), self.vendor.key().into()),
                ("connector_id".into(), self.connector.id.to_string()),
            ]),
            source_ip: "198.51.100.41".into(),
            ..Default::default()
        }
        .request()
        .expect("a valid event");
        TestResponse::from_lambda(shared::http::answer(&self.deps, request).await)
    }

    /// The same to another vendor key or connector id.
    pub async fn post_as(
        &self,
        vendor_key: &str,
        connector_id: &str,
        body: &Body,
        headers: &[(&str, String)],
        query: &str,
    ) -> TestResponse {
        let mut all = vec![
            ("host".to_owned(), HOST.to_owned()),
            ("x-forwarded-proto".to_owned(), "https".to_owned()),
            ("content-type".to_owned(), body.content_type.to_owned()),
        ];
        all.extend(headers.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let request = HttpCall {
            route_key: "POST /webhooks/{provider}/{connector_id}".into(),
            method: "POST".into(),
            path: format!("/webhooks/{vendor_key}/{connector_id}"),
            query: query.to_owned(),
            headers: all,
            path_parameters: HashMap::from([
                ("provider".into(), vendor_key.into()),
                ("connector_id".into(), connector_id.into()),
            ]),
            body: body.bytes.clone(),
            source_ip: "198.51.100.40".into(),
        }
        .request()
        .expect("a valid event");
        TestResponse::from_lambda(shared::http::answer(&self.deps, request).await)
    }

    /// `body` signed (or carrying the secret) as the vendor does, with `secret`, at
    /// `at` (epoch seconds). Vendors that sign nothing get the secret in the header, or
    /// in the URL for those that cannot send headers.
    pub async fn deliver_as(&self, body: &Body, secret: &str, at: i64) -> TestResponse {
        let in_url = matches!(
            self.vendor,
            Vendor::Jotform | Vendor::Unbounce | Vendor::ContactForm7
        );
        let query = if in_url {
            format!("secret={secret}")
        } else {
            String::new()
        };
        let url = match query.as_str() {
            "" => format!("https://{HOST}{}", self.path()),
            query => format!("https://{HOST}{}?{query}", self.path()),
        };
        let request = vendors::Request {
            method: "POST",
            url: &url,
            headers: &[],
            body: &body.bytes,
        };
        let signed = vendors::sign(self.vendor, secret, &request, at);
        let headers: Vec<(&str, String)> = signed
            .into_iter()
            .filter(|(name, _)| !(in_url && *name == vendors::SECRET_HEADER))
            .collect();
        self.post(body, &headers, &query).await
    }

    /// `body` as the vendor delivers it now.
    pub async fn deliver(&self, body: &Body) -> TestResponse {
        let now = self.app.store.clock().epoch();
        self.deliver_as(body, SECRET, now).await
    }
}
