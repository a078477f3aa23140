use super::*;
use proptest::prelude::*;

fn form(body: &str) -> Result<Vec<(String, String)>, DecodeError> {
    decode(Encoding::UrlEncoded, body.as_bytes()).map(|payload| {
        payload
            .pairs()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    })
}

#[test]
fn urlencoded_forms_decode_as_utf8() {
    let pairs = form("name=Ren%C3%A9e+M%C3%BCller&email=r%40x.io&empty=&flag&x=50%").unwrap();
    assert_eq!(pairs[0], ("name".into(), "Renée Müller".into()));
    assert_eq!(pairs[1], ("email".into(), "r@x.io".into()));
    assert_eq!(pairs[2], ("x".into(), "50%".into()));
    assert_eq!(pairs.len(), 3, "empty values are left out");
}

#[test]
fn bytes_that_are_not_utf8_are_refused_not_replaced() {
    assert_eq!(form("name=%FF%FE"), Err(DecodeError::NotUtf8));
    assert_eq!(
        decode(Encoding::UrlEncoded, b"name=\xff"),
        Err(DecodeError::NotUtf8)
    );
    assert_eq!(
        decode(Encoding::Json, b"{\"name\": \"\xff\"}"),
        Err(DecodeError::NotUtf8)
    );
}

#[test]
fn too_many_fields_or_too_long_values_are_refused() {
    let many: Vec<String> = (0..=MAX_FIELDS).map(|i| format!("f{i}=x")).collect();
    assert_eq!(form(&many.join("&")), Err(DecodeError::TooManyFields));
    let long = format!("notes={}", "a".repeat(MAX_VALUE_BYTES + 1));
    assert_eq!(form(&long), Err(DecodeError::TooLong("notes".into())));
    let exactly = format!("notes={}", "a".repeat(MAX_VALUE_BYTES));
    assert!(form(&exactly).is_ok());
}

#[test]
fn the_content_type_names_the_encoding() {
    let of = |ct: Option<&str>, body: &str| Encoding::of(ct, body.as_bytes());
    assert_eq!(
        of(Some("application/x-www-form-urlencoded; charset=UTF-8"), ""),
        Ok(Encoding::UrlEncoded)
    );
    assert_eq!(of(Some("Application/JSON"), ""), Ok(Encoding::Json));
    assert_eq!(of(None, "  {\"a\":1}"), Ok(Encoding::Json));
    assert_eq!(of(None, "a=1"), Ok(Encoding::UrlEncoded));
    let boundary = Boundary::parse("x-y").unwrap();
    assert_eq!(
        of(
            Some("Multipart/Form-Data; charset=utf-8; Boundary=\"x-y\""),
            ""
        ),
        Ok(Encoding::Multipart(boundary))
    );
    assert_eq!(
        of(Some("multipart/form-data"), ""),
        Err(DecodeError::Multipart(
            "the Content-Type has no valid boundary parameter"
        ))
    );
    assert!(matches!(
        of(Some("multipart/mixed; boundary=x"), ""),
        Err(DecodeError::UnsupportedType(_))
    ));
}

#[test]
fn browsers_are_told_apart_from_scripts() {
    assert!(wants_html(Some("application/x-www-form-urlencoded"), None));
    assert!(wants_html(None, Some("text/html,application/xhtml+xml")));
    assert!(!wants_html(Some("application/json"), Some("text/html")));
    assert!(!wants_html(None, None));
}

#[test]
fn json_bodies_must_be_objects() {
    assert_eq!(
        decode(Encoding::Json, b"[1]"),
        Err(DecodeError::NotAnObject)
    );
    assert!(matches!(
        decode(Encoding::Json, b"{"),
        Err(DecodeError::Json(_))
    ));
}

#[test]
fn multipart_forms_decode_with_the_form_limits() {
    let boundary = Boundary::parse("b").unwrap();
    let part = |name: &str, value: &str| {
        format!("--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
    };
    let body = format!("{}{}--b--\r\n", part("email", "r@x.io"), part("empty", ""));
    let payload = decode(Encoding::Multipart(boundary), body.as_bytes()).unwrap();
    assert_eq!(payload.pairs().collect::<Vec<_>>(), [("email", "r@x.io")]);
    let long = format!("{}--b--", part("notes", &"a".repeat(MAX_VALUE_BYTES + 1)));
    assert_eq!(
        decode(Encoding::Multipart(boundary), long.as_bytes()),
        Err(DecodeError::TooLong("notes".into()))
    );
    assert!(read(Encoding::Multipart(boundary), long.as_bytes()).is_ok());
    let many: String = (0..=MAX_FIELDS)
        .map(|i| part(&format!("f{i}"), "x"))
        .collect();
    assert_eq!(
        decode(
            Encoding::Multipart(boundary),
            format!("{many}--b--").as_bytes()
        ),
        Err(DecodeError::TooManyFields)
    );
}

proptest! {
    #[test]
    fn decoding_never_panics(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode(Encoding::UrlEncoded, &body);
        let _ = decode(Encoding::Json, &body);
        let boundary = Boundary::parse("b").unwrap();
        let _ = decode(Encoding::Multipart(boundary), &body);
    }

    #[test]
    fn multipart_shaped_bodies_never_panic(
        chunks in proptest::collection::vec(prop_oneof![
            Just("--b".to_owned()), Just("--b--".to_owned()), Just("\r\n".to_owned()),
            Just("\n".to_owned()), Just("Content-Disposition: form-data; name=\"".to_owned()),
            Just("; filename=\"f\"".to_owned()), Just("\"".to_owned()), Just("\\".to_owned()),
            "[a-z;= ]{0,8}", "\\PC{0,4}",
        ], 0..40),
    ) {
        let body = chunks.concat();
        let _ = decode(Encoding::Multipart(Boundary::parse("b").unwrap()), body.as_bytes());
    }

    #[test]
    fn any_text_round_trips_through_percent_encoding(value in "\\PC{1,40}") {
        let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        let pairs = form(&format!("field={encoded}")).unwrap();
        if !value.trim().is_empty() {
            prop_assert_eq!(&pairs[0].1, &value);
        }
    }
}
