//! Settings cannot brick a connector (issue 16): every setting is checked when it is
//! written (422 naming the field), a stored value of the wrong shape reads as unset,
//! and the form's limits and honeypot field are settable as the README says.

use aws_sdk_dynamodb::types::AttributeValue;
use e2e::admin::error_fields;
use e2e::forms::FormRequest;
use e2e::TestApp;
use serde_json::json;
use shared::store::keys;

fn lead(email: &str) -> FormRequest {
    FormRequest::json(&json!({"name": "Pat", "email": email}))
}

/// The three reads a bad setting used to break: the connector, the list, the form.
async fn still_works(app: &TestApp, email: &str) {
    let path = format!("/admin/connectors/{}", app.form_connector().id);
    let one = app.admin_get(&path).await;
    let list = app.admin_get("/admin/connectors").await;
    let form = app.send_form(lead(email)).await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(form.status, 201, "{}", form.text);
}

#[tokio::test]
async fn a_setting_of_the_wrong_shape_is_refused_naming_it() {
    let app = TestApp::spawn_form(|_| {}).await;
    let path = format!("/admin/connectors/{}", app.form_connector().id);
    let patch = |settings| app.admin("PATCH", &path, Some(json!({ "settings": settings })));

    let number = patch(json!({"form_throttle": 5})).await;
    let negative = patch(json!({"form_throttle": {"ip_limit": -1, "burst": 2}})).await;
    let honeypot = patch(json!({"honeypot_field": "email"})).await;
    let unknown = patch(json!({"allow_everything": true})).await;

    assert_eq!(number.status, 422, "{}", number.text);
    assert_eq!(error_fields(&number), ["settings.form_throttle"]);
    assert_eq!(negative.status, 422, "{}", negative.text);
    assert_eq!(
        error_fields(&negative),
        [
            "settings.form_throttle.ip_limit",
            "settings.form_throttle.burst"
        ]
    );
    assert_eq!(error_fields(&honeypot), ["settings.honeypot_field"]);
    assert_eq!(error_fields(&unknown), ["settings.allow_everything"]);
    still_works(&app, "pat@example.com").await;
}

#[tokio::test]
async fn a_stored_setting_of_the_wrong_shape_reads_as_unset() {
    let app = TestApp::spawn_form(|_| {}).await;
    let key = keys::connector(app.workspace_id(), &app.form_connector().id);
    // What `PATCH {"settings": {"form_throttle": 5}}` stored before it was checked.
    app.store
        .client()
        .update_item()
        .table_name(app.store.table())
        .set_key(Some(key.to_item()))
        .update_expression("SET settings.form_throttle = :five, settings.honeypot_field = :list")
        .expression_attribute_values(":five", AttributeValue::N("5".into()))
        .expression_attribute_values(":list", AttributeValue::L(vec![]))
        .send()
        .await
        .expect("the old value is stored");

    still_works(&app, "pat@example.com").await;
}

#[tokio::test]
async fn the_form_limits_and_honeypot_field_are_settable() {
    let app = TestApp::spawn_form(|_| {}).await;
    let path = format!("/admin/connectors/{}", app.form_connector().id);
    // A day's IP window: the two posts below cannot fall into two minute windows.
    let throttle = json!({"ip_limit": 1, "ip_window_seconds": 86_400});
    let settings = json!({"form_throttle": throttle, "honeypot_field": "website"});

    let patched = app
        .admin("PATCH", &path, Some(json!({ "settings": settings })))
        .await;
    let bot = app
        .send_form(
            FormRequest::json(&json!({"name": "Bot", "email": "b@example.com", "website": "x"}))
                .from_ip("192.0.2.70"),
        )
        .await;
    let first = app
        .send_form(lead("a@example.com").from_ip("192.0.2.71"))
        .await;
    let second = app
        .send_form(lead("c@example.com").from_ip("192.0.2.71"))
        .await;

    assert_eq!(patched.status, 200, "{}", patched.text);
    let throttle = &patched.json()["settings"]["form_throttle"];
    assert_eq!(throttle["ip_limit"], 1);
    assert_eq!(
        throttle["contact_limit"], 3,
        "the others keep their defaults"
    );
    assert_eq!(bot.status, 201);
    assert_eq!(first.status, 201);
    assert_eq!(second.status, 429, "{}", second.text);
    assert_eq!(app.leads().await.len(), 1, "the bot's is set aside");
}

#[tokio::test]
async fn the_workspaces_abuse_limits_are_checked_on_write() {
    let app = TestApp::spawn().await;
    let patch = |settings| {
        app.admin(
            "PATCH",
            "/admin/workspace",
            Some(json!({ "settings": settings })),
        )
    };

    let refused = patch(json!({"acknowledgements_per_hour": -1, "retention_days": 0})).await;
    let set = patch(json!({"acknowledgements_per_hour": 5, "retention_days": 30})).await;

    assert_eq!(refused.status, 422, "{}", refused.text);
    let mut fields = error_fields(&refused);
    fields.sort();
    assert_eq!(
        fields,
        [
            "settings.acknowledgements_per_hour",
            "settings.retention_days"
        ]
    );
    assert_eq!(set.status, 200, "{}", set.text);
    let settings = &set.json()["settings"];
    assert_eq!(settings["acknowledgements_per_hour"], 5);
    assert_eq!(settings["retention_days"], 30);
    let reset = patch(json!({"retention_days": null})).await;
    assert_eq!(reset.json()["settings"]["retention_days"], 90);
}
