use super::*;
use crate::domain::LeadCandidate;

fn lead(state: Option<&str>, zip: Option<&str>, interest: Option<&str>) -> ValidLead {
    ValidLead::try_from(LeadCandidate {
        customer_name: Some("Pat Example".into()),
        customer_email: Some("pat@example.com".into()),
        state: state.map(Into::into),
        zip: zip.map(Into::into),
        service_interest: interest.map(Into::into),
        ..Default::default()
    })
    .unwrap()
}

fn rules(configure: impl FnOnce(&mut SourceRules)) -> SourceRules {
    let mut rules = SourceRules::default();
    configure(&mut rules);
    rules
}

#[test]
fn no_rules_allow_everything() {
    assert_eq!(
        breach(&SourceRules::default(), &lead(None, None, None)),
        None
    );
}

#[test]
fn states_match_by_code_or_full_name() {
    let pa = rules(|r| r.allowed_states = vec!["PA".into(), "NJ".into()]);
    assert_eq!(breach(&pa, &lead(Some("Pennsylvania"), None, None)), None);
    assert_eq!(breach(&pa, &lead(Some("nj"), None, None)), None);
    let outside = breach(&pa, &lead(Some("NY"), Some("10001"), None)).unwrap();
    assert_eq!(
        (outside.rule, outside.field),
        ("allowed_states", Some("state"))
    );
    assert!(outside.reason.contains("state 'NY'"), "{}", outside.reason);
    assert!(
        outside.reason.contains("states PA, NJ"),
        "{}",
        outside.reason
    );
    let nowhere = breach(&pa, &lead(None, None, None)).unwrap();
    assert!(
        nowhere.reason.contains("no state or ZIP"),
        "{}",
        nowhere.reason
    );
}

#[test]
fn zip_prefixes_match_the_start_and_either_place_rule_admits() {
    let lancaster = rules(|r| r.allowed_zip_prefixes = vec!["176".into()]);
    assert_eq!(breach(&lancaster, &lead(None, Some("17601"), None)), None);
    let outside = breach(&lancaster, &lead(Some("PA"), Some("19103"), None)).unwrap();
    assert_eq!(outside.rule, "allowed_zip_prefixes");
    assert!(outside.reason.contains("ZIP '19103'"), "{}", outside.reason);

    let both = rules(|r| {
        r.allowed_states = vec!["NJ".into()];
        r.allowed_zip_prefixes = vec!["176".into()];
    });
    assert_eq!(breach(&both, &lead(Some("NJ"), Some("08401"), None)), None);
    assert_eq!(breach(&both, &lead(Some("PA"), Some("17601"), None)), None);
    assert!(breach(&both, &lead(Some("PA"), Some("19103"), None)).is_some());
}

#[test]
fn products_match_without_case_or_by_one_listed_part() {
    let roofs = rules(|r| r.allowed_products = vec!["Roof Cleaning".into()]);
    assert_eq!(
        breach(&roofs, &lead(None, None, Some("roof  cleaning"))),
        None
    );
    assert_eq!(
        breach(&roofs, &lead(None, None, Some("Gutters, Roof cleaning"))),
        None
    );
    let other = breach(&roofs, &lead(None, None, Some("Pool cleaning"))).unwrap();
    assert_eq!(
        (other.rule, other.field),
        ("allowed_products", Some("service_interest"))
    );
    assert!(other.reason.contains("'Pool cleaning'"), "{}", other.reason);
    let none = breach(&roofs, &lead(None, None, None)).unwrap();
    assert!(none.reason.contains("names no product"), "{}", none.reason);
}

#[test]
fn a_required_certificate_must_be_there_and_valid() {
    let trustedform = rules(|r| r.required_certificate = Some(CertificateKind::Trustedform));
    let missing = breach(&trustedform, &lead(None, None, None)).unwrap();
    assert_eq!(missing.rule, "required_certificate");
    assert!(
        missing.reason.contains("xxTrustedFormCertUrl"),
        "{}",
        missing.reason
    );

    let mut certified = lead(None, None, None);
    certified.jornaya_leadid =
        Some(crate::domain::JornayaLeadId::parse("6d2c1b0e-3f4a-4b5c-9d8e-7f6a5b4c3d2e").unwrap());
    assert!(breach(&trustedform, &certified).is_some());
    let any = rules(|r| r.required_certificate = Some(CertificateKind::Any));
    assert_eq!(breach(&any, &certified), None);
    let jornaya = rules(|r| r.required_certificate = Some(CertificateKind::Jornaya));
    assert_eq!(breach(&jornaya, &certified), None);
}
