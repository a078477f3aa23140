//! Whatever bytes arrive, `parse_email` returns a bounded result instead of panicking.

use proptest::prelude::*;
use shared::email::{parse_email, ParsedEmail, MAX_PREVIEW_CHARS};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

fn golden_emails() -> &'static [Vec<u8>] {
    static EMAILS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    EMAILS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("tests/golden exists")
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|path| std::fs::read(path).expect("golden email is readable"))
            .collect()
    })
}

fn aliases() -> BTreeMap<String, String> {
    BTreeMap::from([("Homeowner".to_owned(), "customer_name".to_owned())])
}

fn assert_bounded(parsed: &ParsedEmail) {
    assert!(
        (0.0..=1.0).contains(&parsed.confidence),
        "{}",
        parsed.confidence
    );
    assert!(parsed.preview.chars().count() <= MAX_PREVIEW_CHARS);
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Overwrite(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Overwrite(at, byte)),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..64)
        )
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        (any::<usize>(), 1..200usize).prop_map(|(at, len)| Mutation::Remove(at, len)),
        (any::<usize>(), 1..400usize).prop_map(|(at, len)| Mutation::Duplicate(at, len)),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        let len = bytes.len().max(1);
        match mutation {
            Mutation::Truncate(at) => bytes.truncate(at % len),
            Mutation::Overwrite(at, byte) => {
                if let Some(slot) = bytes.get_mut(at % len) {
                    *slot = *byte;
                }
            }
            Mutation::Insert(at, inserted) => {
                let at = (at % len).min(bytes.len());
                bytes.splice(at..at, inserted.iter().copied());
            }
            Mutation::Remove(at, count) => {
                let start = (at % len).min(bytes.len());
                let end = (start + count).min(bytes.len());
                bytes.drain(start..end);
            }
            Mutation::Duplicate(at, count) => {
                let start = (at % len).min(bytes.len());
                let end = (start + count).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
    }
    bytes
}

/// Pieces of MIME, HTML and notification text, so random input reaches deep paths.
fn email_like_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("From: Pat <pat@example.com>\n".to_owned()),
        Just("Sent: Monday\nTo: bob@x.com\nSubject: Fw\n\n".to_owned()),
        Just("---------- Forwarded message ---------\n".to_owned()),
        Just("Begin forwarded message:\n".to_owned()),
        Just("> ".to_owned()),
        Just("On Mon, Jan 5 Bob wrote:\n".to_owned()),
        Just("Name:".to_owned()),
        Just("Name\n".to_owned()),
        Just("Address\n123 Main St\n".to_owned()),
        Just("Lancaster, Pennsylvania 17601".to_owned()),
        Just("City, State Zip: ".to_owned()),
        Just("(717) 555-1212".to_owned()),
        Just("*Email:* ".to_owned()),
        Just("<table><tr><td>".to_owned()),
        Just("</td><td>".to_owned()),
        Just("</tr></table>".to_owned()),
        Just("<br>&nbsp;&amp;".to_owned()),
        Just("Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n".to_owned()),
        Just("Content-Type: text/html; charset=windows-1252\n".to_owned()),
        Just("Content-Type: message/rfc822\n\n".to_owned()),
        Just("Content-Transfer-Encoding: base64\n\n".to_owned()),
        Just("Content-Transfer-Encoding: quoted-printable\n\n=E9=\n".to_owned()),
        Just("=?ISO-8859-1?Q?Jos=E9?=".to_owned()),
        Just("--b--\n".to_owned()),
        "[ -~éü’]{0,40}",
    ];
    proptest::collection::vec(token, 0..80).prop_map(|tokens| tokens.concat())
}

/// `PROPTEST_CASES` for a long run (e.g. 200000); 2000 in `make test`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(2000)))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        assert_bounded(&parse_email(&bytes, &aliases()));
    }

    #[test]
    fn mutated_golden_emails_never_panic(
        index in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let emails = golden_emails();
        let original = emails[index % emails.len()].clone();
        assert_bounded(&parse_email(&mutate(original, &mutations), &aliases()));
    }

    #[test]
    fn email_shaped_text_never_panics(text in email_like_text()) {
        assert_bounded(&parse_email(text.as_bytes(), &aliases()));
    }
}

#[test]
fn empty_and_huge_inputs_stay_bounded() {
    assert_bounded(&parse_email(b"", &aliases()));
    let huge_line = format!("Subject: x\n\nName: {}\n", "é".repeat(2_000_000));
    assert_bounded(&parse_email(huge_line.as_bytes(), &aliases()));
    let deep_html = format!(
        "Content-Type: text/html\n\n{}{}",
        "<table><tr><td>".repeat(5_000),
        "Name</td><td>Pat".repeat(2_000)
    );
    assert_bounded(&parse_email(deep_html.as_bytes(), &aliases()));
}
