//! Every vendor's signature, checked against values computed independently (Python's
//! `hmac`, or the vendor's own test vector), and the never-panics property.

use super::*;
use proptest::prelude::*;

const NOW: i64 = 1_700_000_000;

fn request<'a>(url: &'a str, headers: &'a [(&'a str, &'a str)], body: &'a [u8]) -> Request<'a> {
    Request {
        method: "POST",
        url,
        headers,
        body,
    }
}

fn sample(vendor: Vendor) -> &'static [u8] {
    match vendor {
        Vendor::Typeform => include_bytes!("samples/typeform.json"),
        Vendor::Calendly => include_bytes!("samples/calendly.json"),
        Vendor::Hubspot => include_bytes!("samples/hubspot.json"),
        Vendor::Jotform => include_bytes!("samples/jotform.txt"),
        Vendor::Tiktok => include_bytes!("samples/tiktok.json"),
        Vendor::Linkedin => include_bytes!("samples/linkedin.json"),
        Vendor::GravityForms => include_bytes!("samples/gravity_forms.json"),
        Vendor::Wpforms => include_bytes!("samples/wpforms.json"),
        Vendor::ContactForm7 => include_bytes!("samples/contact_form_7.json"),
        Vendor::Unbounce => include_bytes!("samples/unbounce.txt"),
    }
}

fn content_type(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Jotform => {
            "multipart/form-data; boundary=------------------------J1JNT4vbVO4FCC1qLG4HSv"
        }
        Vendor::Unbounce => "application/x-www-form-urlencoded",
        _ => "application/json",
    }
}

#[test]
fn keys_name_each_vendor_once() {
    for vendor in Vendor::ALL {
        assert_eq!(Vendor::from_key(vendor.key()), Some(vendor));
    }
    assert_eq!(Vendor::from_key("meta"), None);
    assert_eq!(Vendor::GravityForms.to_string(), "Gravity Forms");
}

#[test]
fn signatures_match_independently_computed_values() {
    let cases = [
        (
            Vendor::Typeform,
            "typeform-secret",
            "Typeform-Signature",
            "sha256=M/shl13Ad4uNtPEDosT2N7T0Xt37/lYH0X7tgDcJZs4=",
        ),
        (
            Vendor::Calendly,
            "calendly-key",
            "Calendly-Webhook-Signature",
            "t=1700000000,v1=b128d644f71f505132fd71b1b1bc50a1b985473a0a5e7f3168be6bdfa3be8b9c",
        ),
        (
            Vendor::Tiktok,
            "tiktok-client-secret",
            "TikTok-Signature",
            "t=1700000000,s=4093801fb9f9be07d5b250509f72a454a8d1b36f6a0adb11e1ae2289b255f922",
        ),
        (
            Vendor::Linkedin,
            "linkedin-client-secret",
            "X-LI-Signature",
            "19761014b756b433056e96dd714f77a62098a04a123bd52f062b972cd80df4e2",
        ),
    ];
    for (vendor, secret, header, expected) in cases {
        let headers = [(header, expected)];
        let delivery = request("https://x.io/", &headers, sample(vendor));
        assert_eq!(verify(vendor, secret, &delivery, NOW), Ok(()), "{vendor}");
        let signed = sign(
            vendor,
            secret,
            &request("https://x.io/", &[], sample(vendor)),
            NOW,
        );
        assert_eq!(signed, [(header, expected.to_owned())], "{vendor}");
    }
}

#[test]
fn hubspot_v3_matches_hubspots_own_client_test_vector() {
    // HubSpot/hubspot-api-python, tests/spec/utils/test_signature.py::test_get_signature__v3
    let headers = [
        (
            "X-HubSpot-Signature-v3",
            "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=",
        ),
        ("X-HubSpot-Request-Timestamp", "15000000"),
    ];
    let body = b"{'example_field':'example_value'}";
    let delivery = request("https://www.example.com/webhook_uri", &headers, body);
    let secret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    assert_eq!(verify(Vendor::Hubspot, secret, &delivery, 15_000), Ok(()));
    assert_eq!(
        verify(Vendor::Hubspot, secret, &delivery, 15_000 + 301),
        Err(SignatureError::Stale("X-HubSpot-Request-Timestamp", 300))
    );
    let escaped = request("https://www.example.com/webhook%5Furi", &headers, body);
    assert_eq!(
        verify(Vendor::Hubspot, secret, &escaped, 15_000),
        Err(SignatureError::Mismatch("X-HubSpot-Signature-v3")),
        "only the escapes HubSpot lists are decoded"
    );
}

#[test]
fn tampering_wrong_keys_missing_and_stale_signatures_are_refused() {
    for vendor in Vendor::ALL {
        let url = "https://x.io/webhooks/v/c1";
        let body = sample(vendor);
        let signed = sign(vendor, "s3cret", &request(url, &[], body), NOW);
        let headers: Vec<(&str, &str)> = signed.iter().map(|(h, v)| (*h, v.as_str())).collect();
        assert_eq!(
            verify(vendor, "s3cret", &request(url, &headers, body), NOW),
            Ok(()),
            "{vendor}"
        );

        let refused = |secret: &str, body: &[u8], headers: &[(&str, &str)], now| {
            verify(vendor, secret, &request(url, headers, body), now)
        };
        let tampered = [body, b" "].concat();
        let signs_body = !matches!(scheme(vendor), Scheme::SharedSecret);
        assert_eq!(
            refused("s3cret", &tampered, &headers, NOW).is_err(),
            signs_body,
            "{vendor}"
        );
        assert!(
            matches!(
                refused("other", body, &headers, NOW),
                Err(SignatureError::Mismatch(_))
            ),
            "{vendor}"
        );
        assert!(
            matches!(
                refused("s3cret", body, &[], NOW),
                Err(SignatureError::Missing(_))
            ),
            "{vendor}"
        );
        assert_eq!(
            refused("", body, &headers, NOW),
            Err(SignatureError::Unconfigured),
            "{vendor}"
        );
        let late = refused("s3cret", body, &headers, NOW + 3600);
        let signs_time = matches!(
            scheme(vendor),
            Scheme::Timestamped { .. } | Scheme::HubSpotV3
        );
        assert_eq!(
            matches!(late, Err(SignatureError::Stale(..))),
            signs_time,
            "{vendor}"
        );
    }
}

#[test]
fn malformed_signature_headers_are_told_apart_from_wrong_ones() {
    let body = sample(Vendor::Typeform);
    let headers = [("typeform-signature", "sha1=abc")];
    assert_eq!(
        verify(Vendor::Typeform, "k", &request("/", &headers, body), NOW),
        Err(SignatureError::Malformed("Typeform-Signature"))
    );
    let headers = [("Calendly-Webhook-Signature", "v1=abcd")];
    assert_eq!(
        verify(Vendor::Calendly, "k", &request("/", &headers, body), NOW),
        Err(SignatureError::Malformed("Calendly-Webhook-Signature"))
    );
}

#[test]
fn a_shared_secret_may_come_in_the_header_or_the_url() {
    let body = sample(Vendor::Unbounce);
    let in_url = request(
        "https://x.io/webhooks/unbounce/c1?secret=s%203cret",
        &[],
        body,
    );
    assert_eq!(verify(Vendor::Unbounce, "s 3cret", &in_url, NOW), Ok(()));
    assert_eq!(
        verify(Vendor::Unbounce, "s 3cre", &in_url, NOW),
        Err(SignatureError::Mismatch(SECRET_HEADER))
    );
    let headers = [("x-lead-secret", "s 3cret")];
    let in_header = request(
        "https://x.io/webhooks/unbounce/c1?secret=wrong",
        &headers,
        body,
    );
    assert_eq!(
        verify(Vendor::Unbounce, "s 3cret", &in_header, NOW),
        Ok(()),
        "the header wins"
    );
}

#[test]
fn every_documented_sample_reads_as_a_lead_or_a_notice() {
    for vendor in Vendor::ALL {
        let headers = [("Content-Type", content_type(vendor))];
        let delivery = read(vendor, &request("/", &headers, sample(vendor)));
        assert!(
            matches!(
                delivery,
                Ok(Delivery::Lead { .. } | Delivery::Notice { .. })
            ),
            "{vendor}: {delivery:?}"
        );
    }
}

#[test]
fn a_stored_body_reads_again_as_it_was_delivered() {
    for vendor in Vendor::ALL {
        let headers = [("Content-Type", content_type(vendor))];
        let delivered = read(vendor, &request("/", &headers, sample(vendor)));
        let stored = String::from_utf8_lossy(sample(vendor));
        assert_eq!(reread(vendor, &stored, None), delivered, "{vendor}");
        let typed = Some(content_type(vendor));
        assert_eq!(reread(vendor, &stored, typed), delivered, "{vendor}");
    }
}

#[test]
fn the_test_convention_and_the_body_id_apply_to_every_vendor() {
    let headers = [("Content-Type", "application/json")];
    let marked = br#"{"name":"Pat","email":"p@x.io","is_test":"Yes","entry_id":"1"}"#;
    let tracked = br#"{"name":"Pat","email":"p@x.io","utm_source":"test"}"#;
    for body in [&marked[..], &tracked[..]] {
        let delivery = read(Vendor::Wpforms, &request("/", &headers, body));
        assert!(
            matches!(&delivery, Ok(Delivery::NotALead { reason }) if reason.contains("WPForms test")),
            "{delivery:?}"
        );
    }
    let plain = br#"{"your-name":"Pat","your-email":"p@x.io"}"#;
    let Ok(Delivery::Lead { external_id, .. }) =
        read(Vendor::ContactForm7, &request("/", &headers, plain))
    else {
        panic!("a lead");
    };
    // printf %s '{"your-name":"Pat","your-email":"p@x.io"}' | sha256sum
    assert_eq!(
        external_id.as_deref(),
        Some("body-sha256:39b3dcf5b3aaed92a0d13bcdec4dadf8996381cbcb2ee0af14b78488e2878aef")
    );
}

fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "t=[0-9]{1,12},(v1|s)=[0-9a-f]{0,64}",
        "sha256=[A-Za-z0-9+/=]{0,50}",
        "[0-9]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn reading_and_verifying_never_panic(
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..600),
            "\\{(\"[a-z_A-Z0-9.]{0,12}\":(\"\\PC{0,12}\"|[0-9]{1,4}|null|\\[\\]|\\{\\}|true),?){0,8}\\}"
                .prop_map(String::into_bytes),
        ],
        value in header_value(),
        content_type in prop_oneof![
            Just("application/json".to_owned()),
            Just("multipart/form-data; boundary=b".to_owned()),
            Just("application/x-www-form-urlencoded".to_owned()),
            "\\PC{0,30}",
        ],
        url in "(https://x\\.io/h(\\?\\PC{0,20})?|%[0-9A-F]{0,2}|\\PC{0,20})",
        now in any::<i64>(),
    ) {
        for vendor in Vendor::ALL {
            let names = ["Typeform-Signature", "Calendly-Webhook-Signature", "TikTok-Signature",
                "X-LI-Signature", "X-HubSpot-Signature-v3", "X-HubSpot-Request-Timestamp",
                SECRET_HEADER, "Content-Type"];
            let headers: Vec<(&str, &str)> = names
                .iter()
                .map(|name| (*name, if *name == "Content-Type" { content_type.as_str() } else { value.as_str() }))
                .collect();
            let delivery = request(&url, &headers, &body);
            let _ = verify(vendor, "secret", &delivery, now);
            let _ = read(vendor, &delivery);
            let _ = sign(vendor, "secret", &delivery, now);
        }
    }
}
