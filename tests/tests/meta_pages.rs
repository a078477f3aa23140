//! A workspace's Meta page tokens on moto's Secrets Manager: stored and removed with the
//! admin function's grants, read with the Meta door's (each call checked against
//! template.yaml), one secret per workspace, and no token ever listed or shown.

use e2e::TestApp;
use shared::clock::Clock;
use shared::providers::meta::{NewPage, PageTokens};

fn page(page_id: &str, token: &str) -> NewPage {
    NewPage {
        page_id: page_id.into(),
        name: Some(format!("Page {page_id}")),
        token: token.into(),
        expires_at: None,
    }
}

#[tokio::test]
async fn pages_are_stored_listed_read_and_removed_and_no_token_is_ever_shown() {
    let app = TestApp::spawn().await;
    let admin = local::page_tokens(&app.config, app.resources(), "admin-api");
    let door = local::page_tokens(&app.config, app.resources(), "meta-webhook");
    let workspace = app.workspace_id();
    assert!(admin.list(workspace).await.unwrap().is_empty(), "none yet");
    assert_eq!(door.token(workspace, "111").await.unwrap(), None);

    let expires_at = Some(1_900_000_000);
    let long_lived = page("111", "EAAG-token-of-page-111");
    let short_lived = NewPage {
        expires_at,
        ..page("222", "EAAG-token-of-page-222")
    };
    admin
        .store(workspace, vec![long_lived, short_lived])
        .await
        .unwrap();

    let listed = admin.list(workspace).await.unwrap();
    let ids: Vec<_> = listed.iter().map(|p| p.page_id.as_str()).collect();
    assert_eq!(ids, ["111", "222"]);
    assert_eq!(listed[0].name.as_deref(), Some("Page 111"));
    assert_eq!(listed[1].expires_at, expires_at);
    assert!(listed[0].stored_at > 0);
    let shown = format!(
        "{} {listed:?} {admin:?}",
        serde_json::to_string(&listed).unwrap()
    );
    assert!(!shown.contains("EAAG"), "a listing shows a token: {shown}");

    let token = door.token(workspace, "222").await.unwrap().expect("stored");
    assert_eq!(token.expose(), "EAAG-token-of-page-222");
    assert!(!format!("{token:?} {token}").contains("EAAG"));
    assert_eq!(door.token(workspace, "333").await.unwrap(), None);

    assert!(admin.remove(workspace, "111").await.unwrap());
    assert!(
        !admin.remove(workspace, "111").await.unwrap(),
        "already gone"
    );
    let ids: Vec<_> = admin.list(workspace).await.unwrap();
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0].page_id, "222");
    assert_eq!(door.fresh_token(workspace, "111").await.unwrap(), None);
}

#[tokio::test]
async fn each_workspace_reads_only_its_own_pages() {
    let owner = TestApp::spawn().await;
    let stranger = TestApp::spawn().await;
    let admin = local::page_tokens(&owner.config, owner.resources(), "admin-api");
    admin
        .store(owner.workspace_id(), vec![page("444", "EAAG-owner")])
        .await
        .unwrap();

    let door = local::page_tokens(&owner.config, owner.resources(), "meta-webhook");
    assert_eq!(
        door.token(stranger.workspace_id(), "444").await.unwrap(),
        None
    );
    assert!(admin
        .list(stranger.workspace_id())
        .await
        .unwrap()
        .is_empty());
    let secret = admin.secret_id(owner.workspace_id());
    assert_eq!(
        secret,
        format!(
            "lead-connectors/local/meta-pages/{}",
            owner.workspace_id().as_str()
        )
    );
}

#[tokio::test]
async fn a_warm_reader_sees_a_replaced_token_after_its_ttl_or_when_it_reads_fresh() {
    let app = TestApp::spawn().await;
    let admin = local::page_tokens(&app.config, app.resources(), "admin-api");
    let clock = Clock::system();
    let secrets = app.function("meta-webhook").secrets();
    let door = PageTokens::new(secrets, &app.resources().meta_pages_prefix, clock);
    let workspace = app.workspace_id();
    admin
        .store(workspace, vec![page("555", "old-token")])
        .await
        .unwrap();
    let held = door.token(workspace, "555").await.unwrap().unwrap();
    assert_eq!(held.expose(), "old-token");

    admin
        .store(workspace, vec![page("555", "new-token")])
        .await
        .unwrap();

    let cached = door.token(workspace, "555").await.unwrap().unwrap();
    assert_eq!(cached.expose(), "old-token", "within the TTL");
    let fresh = door.fresh_token(workspace, "555").await.unwrap().unwrap();
    assert_eq!(fresh.expose(), "new-token");
    let listed = admin.list(workspace).await.unwrap();
    assert_eq!(listed.len(), 1, "replaced, not added");
}

#[tokio::test]
async fn the_meta_door_may_read_page_tokens_but_not_write_them() {
    let app = TestApp::spawn().await;
    let door = local::page_tokens(&app.config, app.resources(), "meta-webhook");

    let refused = door
        .store(app.workspace_id(), vec![page("666", "t")])
        .await
        .unwrap_err();

    assert!(!refused.is_retryable(), "{refused}");
    assert!(!format!("{refused:?}").contains("\"t\""));
    let admin = local::page_tokens(&app.config, app.resources(), "admin-api");
    assert!(admin.list(app.workspace_id()).await.unwrap().is_empty());
}

#[test]
fn only_the_admin_function_writes_page_tokens_and_only_the_meta_door_also_reads_them() {
    use local::iam::{Access, Policies};
    use local::intrinsics::arn;
    let template = local::template::Template::load().unwrap();
    let policies = Policies::of(&template, template.scope()).unwrap();
    let prefix = local::provision::meta_pages_prefix(&template).unwrap();
    assert_eq!(prefix, "lead-connectors/local/meta-pages");
    let secret = arn(
        "AWS::SecretsManager::Secret",
        &format!("{prefix}/01WORKSPACE-AbCdEf"),
    );
    let elsewhere = arn(
        "AWS::SecretsManager::Secret",
        "lead-connectors/prod/other-AbCdEf",
    );
    let actions = [
        "GetSecretValue",
        "CreateSecret",
        "PutSecretValue",
        "DeleteSecret",
        "UpdateSecret",
        "ListSecrets",
    ];
    for (function, policy) in &policies.by_function {
        let granted: Vec<&str> = actions
            .into_iter()
            .filter(|action| {
                policy.allows(&Access::new(format!("secretsmanager:{action}"), &secret))
            })
            .collect();
        let expected: &[&str] = match function.as_str() {
            // Connect Meta stores the tokens its Facebook Login gives (issue 20).
            "admin-api" | "meta-connect" => &["GetSecretValue", "CreateSecret", "PutSecretValue"],
            "meta-webhook" | "meta-token-health" => &["GetSecretValue"],
            _ => &[],
        };
        assert_eq!(
            granted, expected,
            "{function}'s grants on a page-token secret"
        );
        let outside = actions.into_iter().any(|action| {
            policy.allows(&Access::new(format!("secretsmanager:{action}"), &elsewhere))
        });
        assert!(!outside, "{function} reaches secrets outside the prefix");
    }
    for (function, logical) in [
        ("admin-api", "AdminApiFunction"),
        ("meta-webhook", "MetaWebhookFunction"),
        ("meta-connect", "MetaConnectFunction"),
        ("meta-token-health", "MetaTokenHealthFunction"),
    ] {
        let path = ["Environment", "Variables", "META_PAGES_SECRET_PREFIX"];
        let set = template
            .property(logical, &path)
            .and_then(|v| template.scope().string(v));
        assert_eq!(set.as_deref(), Some(prefix.as_str()), "{function}'s prefix");
    }
}

#[tokio::test]
async fn the_admin_api_stores_page_tokens_write_only_and_lists_them_without_tokens() {
    let app = TestApp::spawn().await;
    let page = e2e::webhooks::unique_page_id();
    let path = format!("/admin/meta/pages/{page}");
    let body = serde_json::json!({"token": "EAAG-admin-token", "name": "Shop"});

    let put = app.admin("PUT", &path, Some(body)).await;
    let listed = app.admin_get("/admin/meta/pages").await;
    let no_token = app
        .admin("PUT", &path, Some(serde_json::json!({"name": "x"})))
        .await;
    let not_a_page = app
        .admin(
            "PUT",
            "/admin/meta/pages/abc",
            Some(serde_json::json!({"token": "t"})),
        )
        .await;
    let removed = app.admin("DELETE", &path, None).await;
    let again = app.admin("DELETE", &path, None).await;

    assert_eq!(put.status, 204, "{}", put.text);
    assert!(put.text.is_empty(), "the token is never answered");
    assert_eq!(listed.status, 200, "{}", listed.text);
    let item = &listed.json()["items"][0];
    assert_eq!(item["page_id"], page.as_str());
    assert_eq!(item["name"], "Shop");
    assert!(item["stored_at"].as_str().unwrap().ends_with('Z'), "{item}");
    assert!(!listed.text.contains("EAAG"), "{}", listed.text);
    assert_eq!(no_token.status, 422, "{}", no_token.text);
    assert_eq!(no_token.json()["errors"][0]["field"], "token");
    assert_eq!(not_a_page.status, 422, "{}", not_a_page.text);
    assert_eq!(removed.status, 204, "{}", removed.text);
    assert_eq!(again.status, 404, "{}", again.text);
    let listed = app.admin_get("/admin/meta/pages").await.json();
    assert_eq!(listed["items"], serde_json::json!([]));
}
