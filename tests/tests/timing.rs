//! The timing the code relies on is the template's: the email function's timeout, its
//! claim lock and its queues' visibility timeout and receive count are set from one
//! another in `shared::inbound::timing`; the lead doors' idempotency lock outlasts
//! their functions, and the Meta door's time is enough to start a change.

use local::template::Template;
use shared::inbound::timing;

fn number(template: &Template, logical_id: &str, path: &[&str]) -> i64 {
    template
        .property(logical_id, path)
        .and_then(serde_yaml::Value::as_i64)
        .unwrap_or_else(|| panic!("{logical_id}.{} is a number", path.join(".")))
}

#[test]
fn the_email_functions_timeout_lock_and_queues_are_set_from_one_another() {
    let template = Template::load().unwrap();

    assert_eq!(
        number(&template, "EmailInboundFunction", &["Timeout"]),
        timing::FUNCTION_TIMEOUT_SECONDS
    );
    let retries = ["EventInvokeConfig", "MaximumRetryAttempts"];
    assert_eq!(
        number(&template, "EmailInboundFunction", &retries),
        timing::ASYNC_RETRIES
    );
    for queue in ["EmailRetryQueue", "EmailFailureQueue"] {
        assert_eq!(
            number(&template, queue, &["VisibilityTimeout"]),
            timing::VISIBILITY_TIMEOUT_SECONDS,
            "{queue}"
        );
        let receives = number(&template, queue, &["RedrivePolicy", "maxReceiveCount"]);
        assert_eq!(receives, i64::from(timing::MAX_RECEIVES), "{queue}");
    }
    let destination = [
        "EventInvokeConfig",
        "DestinationConfig",
        "OnFailure",
        "Type",
    ];
    let on_failure = template.property("EmailInboundFunction", &destination);
    assert_eq!(on_failure.and_then(|v| v.as_str()), Some("SQS"));
}

#[test]
fn the_lead_doors_hold_an_idempotency_key_past_their_timeout_and_meta_has_time_for_a_change() {
    let template = Template::load().unwrap();

    let api = number(&template, "ApiIntakeFunction", &["Timeout"]);
    assert!(shared::idempotency::LOCK_SECONDS > api, "{api}");
    let meta = number(&template, "MetaWebhookFunction", &["Timeout"]);
    let needed = shared::providers::meta::TIME_A_CHANGE_NEEDS.as_secs() as i64;
    assert!(meta > needed, "{meta} s for a change that needs {needed} s");
}
