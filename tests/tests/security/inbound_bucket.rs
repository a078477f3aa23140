//! The inbound bucket and receipt rule as deployed (issue 16): only this stack's receipt
//! rule may store mail in the bucket or invoke the email door, nobody reaches the bucket
//! without TLS, and SES bounces mail that arrives without TLS. moto does not enforce
//! bucket policies, so this reads `template.yaml` itself.

use local::template::Template;
use serde_yaml::Value;

fn resource(template: &Template, kind: &str) -> Value {
    let mut found = template.resources_of_type(kind);
    let (_, resource) = found.next().unwrap_or_else(|| panic!("a {kind}"));
    assert!(found.next().is_none(), "one {kind}");
    resource["Properties"].clone()
}

/// A `!Sub` string's template, or a plain string.
fn text(value: &Value) -> String {
    match value {
        Value::Tagged(tagged) => text(&tagged.value),
        Value::String(text) => text.clone(),
        other => panic!("a string, not {other:?}"),
    }
}

const RULE_ARN: &str = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:receipt-rule-set/lead-connectors-${Stage}:receipt-rule/lead-connectors-inbound-${Stage}";

#[test]
fn the_receipt_rule_requires_tls_and_is_named_as_the_policies_expect() {
    let template = Template::load().unwrap();
    let set = resource(&template, "AWS::SES::ReceiptRuleSet");
    let rule = resource(&template, "AWS::SES::ReceiptRule")["Rule"].clone();

    assert_eq!(rule["TlsPolicy"].as_str(), Some("Require"));
    let arn = format!(
        "arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:receipt-rule-set/{}:receipt-rule/{}",
        text(&set["RuleSetName"]),
        text(&rule["Name"])
    );
    assert_eq!(arn, RULE_ARN);
}

#[test]
fn only_the_receipt_rule_writes_to_the_bucket_and_only_over_tls() {
    let template = Template::load().unwrap();
    let policy = resource(&template, "AWS::S3::BucketPolicy");
    let statements = policy["PolicyDocument"]["Statement"]
        .as_sequence()
        .unwrap()
        .clone();

    let ses = statements
        .iter()
        .find(|s| s["Effect"] == "Allow" && s["Principal"]["Service"] == "ses.amazonaws.com")
        .expect("SES may store mail");
    assert_eq!(
        text(&ses["Condition"]["StringEquals"]["aws:SourceArn"]),
        RULE_ARN
    );
    let tls = statements
        .iter()
        .find(|s| s["Effect"] == "Deny")
        .expect("a deny statement");
    assert_eq!(tls["Principal"], "*");
    assert_eq!(tls["Action"], "s3:*");
    assert_eq!(tls["Condition"]["Bool"]["aws:SecureTransport"], "false");
    assert_eq!(
        tls["Resource"].as_sequence().map(Vec::len),
        Some(2),
        "the bucket and its objects"
    );
}

#[test]
fn only_the_receipt_rule_invokes_the_email_door() {
    let template = Template::load().unwrap();
    let permission = template
        .resources_of_type("AWS::Lambda::Permission")
        .find(|(_, r)| r["Properties"]["Principal"] == "ses.amazonaws.com")
        .map(|(_, r)| r["Properties"].clone())
        .expect("SES may invoke the email door");
    assert_eq!(text(&permission["SourceArn"]), RULE_ARN);
}
