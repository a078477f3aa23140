//! Whatever JSON or form body a caller sends, the mapping, validation and form decoding
//! answer with a value or an error, never a panic (a panic is a 500 and a lost lead).

use proptest::prelude::*;
use serde_json::{Map, Number, Value};
use shared::domain::ValidLead;
use shared::forms::decode::{decode, Encoding};
use shared::mapping::{self, Payload};
use std::collections::BTreeMap;

/// Labels a lead is likely to carry, synonyms, and odd keys (empty, dotted, unicode,
/// control characters, very long).
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "email",
            "e-mail",
            "phone",
            "Phone Number",
            "first_name",
            "firstName",
            "last_name",
            "name",
            "full_name",
            "zip",
            "zipcode",
            "postal_code",
            "external_id",
            "service",
            "message",
            "address",
            "city",
            "state",
            "connector_key",
            "contact",
            "",
            ".",
            "..",
            "a.b.c",
            "ZIP ",
            "\u{0}",
            "名前",
            "ëmail",
            "📞",
            "\u{202e}phone",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,24}",
        ".{0,8}",
        "[a-z_.]{200,300}",
    ]
}

/// Values shaped like lead data and like garbage.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "jane@example.com",
            "not-an-email",
            "@",
            "a@b",
            "+1 (555) 010-0199",
            "555",
            "+",
            "00000",
            "12345-6789",
            "ABCDE",
            " ",
            "",
            "Jane Q. Public",
            "null",
            "\u{feff}",
            "٣٤٥٦٧",
            "𝟏𝟐𝟑𝟒𝟓",
            "+４４ ２０ ７９４６ ００００",
            "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,40}",
        ".{0,40}",
        "[0-9 ()+.-]{0,30}",
        "x{10000,10300}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text().prop_map(Value::String),
    ]
}

/// Arbitrary JSON, at most a few levels deep and a few dozen nodes wide.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An object nested `depth` levels under one key each, up to what serde_json parses
/// (128), with a lead field at the bottom.
fn deeply_nested() -> impl Strategy<Value = Value> {
    (1usize..120, key(), leaf()).prop_map(|(depth, key, leaf)| {
        let mut value = Value::Object(Map::from_iter([(key.clone(), leaf)]));
        for _ in 0..depth {
            value = Value::Object(Map::from_iter([(key.clone(), value)]));
        }
        value
    })
}

/// Many fields: around the payload's field limit.
fn wide() -> impl Strategy<Value = Value> {
    (990usize..1010, text()).prop_map(|(count, value)| {
        Value::Object(
            (0..count)
                .map(|i| (format!("field_{i}"), Value::String(value.clone())))
                .collect(),
        )
    })
}

fn aliases() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(
        key(),
        prop_oneof![
            prop::sample::select(vec!["email", "phone", "customer_name", "zip", "nonsense"])
                .prop_map(str::to_owned),
            key(),
        ],
        0..4,
    )
}

fn through_the_pipeline(value: &Value, aliases: &BTreeMap<String, String>) {
    if let Ok(mut payload) = Payload::from_json(value) {
        let _ = payload.take("connector_key");
        let candidate = mapping::map(&payload, aliases);
        let _ = ValidLead::try_from(candidate);
    }
}

/// `PROPTEST_CASES` for a long run (e.g. 200000); 1000 in `make test`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1000)))]

    #[test]
    fn arbitrary_json_maps_and_validates_without_panicking(value in json(), aliases in aliases()) {
        through_the_pipeline(&value, &aliases);
    }

    #[test]
    fn deeply_nested_and_very_wide_json_maps_without_panicking(
        value in prop_oneof![deeply_nested(), wide()],
        aliases in aliases(),
    ) {
        through_the_pipeline(&value, &aliases);
        // What arrives over HTTP is text: the same value, serialised and read back.
        let text = serde_json::to_vec(&value).unwrap();
        let _ = decode(Encoding::Json, &text);
    }

    #[test]
    fn arbitrary_bytes_under_any_content_type_decode_without_panicking(
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..512),
            json().prop_map(|value| serde_json::to_vec(&value).unwrap()),
            "([a-zA-Z0-9%+._~-]{0,12}=[a-zA-Z0-9%+&=._~-]{0,24}&?){0,12}"
                .prop_map(String::into_bytes),
            "(%[0-9A-Fa-f]{0,2}|%|&|=|\\+|[^&=%]){0,64}".prop_map(String::into_bytes),
        ],
        content_type in prop::option::of(prop_oneof![
            prop::sample::select(vec![
                "application/json", "application/x-www-form-urlencoded",
                "application/json; charset=utf-8", "APPLICATION/X-WWW-FORM-URLENCODED; charset=latin1",
                "application/problem+json", "multipart/form-data; boundary=x", "text/plain",
                "", ";", " ; ", "+json", "application/json;;;",
            ]).prop_map(str::to_owned),
            "\\PC{0,40}",
            ".{0,40}",
        ]),
    ) {
        if let Ok(encoding) = Encoding::of(content_type.as_deref(), &body) {
            if let Ok(payload) = decode(encoding, &body) {
                let candidate = mapping::map(&payload, &BTreeMap::new());
                let _ = ValidLead::try_from(candidate);
            }
        }
        for encoding in [Encoding::Json, Encoding::UrlEncoded] {
            let _ = decode(encoding, &body);
        }
        let _ = shared::forms::wants_html(content_type.as_deref(), content_type.as_deref());
    }
}
