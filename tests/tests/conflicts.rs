//! DynamoDB's conflicts, which moto hides, added by the stand-in of `e2e::conflicts`:
//! a burst on one connector writes no item every lead writes (so hardly a transaction is
//! cancelled), and what does conflict is retried until it is written.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use e2e::conflicts::Conflicts;
use e2e::TestApp;
use shared::domain::ImportStatus;
use shared::store::Store;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::Semaphore;

const LEADS: usize = 200;
const AT_ONCE: usize = 100;

/// The app's API door with its store behind the conflict stand-in.
fn api_through(app: &TestApp, conflicts: &Conflicts) -> api_intake::ApiIntake {
    let config = conflicts.config(&app.config);
    api_intake::ApiIntake {
        store: Store::new(shared::aws::dynamodb(&config), app.store.table()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_distinct_leads_on_one_connector_stores_every_one_with_hardly_a_conflict() {
    let app = Arc::new(TestApp::spawn().await);
    let conflicts = Conflicts::default();
    let door = Arc::new(api_through(&app, &conflicts));
    let permits = Arc::new(Semaphore::new(AT_ONCE));

    let mut posts = Vec::with_capacity(LEADS);
    for n in 0..LEADS {
        let mut body = app.lead_with_connector_key(&format!("burst-{n}"));
        body["customer_email"] = format!("burst-{n}@example.com").into();
        body.as_object_mut().unwrap().remove("customer_phone");
        let request = app.authorised_request(&body);
        let (door, permits) = (door.clone(), permits.clone());
        posts.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            shared::http::answer(&*door, request)
                .await
                .status()
                .as_u16()
        }));
    }
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for post in posts {
        *statuses.entry(post.await.unwrap()).or_default() += 1;
    }

    let seen = conflicts.seen();
    println!(
        "{LEADS} leads, {AT_ONCE} at once: answers {statuses:?}, transactions {}, cancelled by a conflict {}",
        seen.transactions, seen.cancelled
    );
    assert_eq!(statuses, BTreeMap::from([(201, LEADS)]));
    assert_eq!(app.leads().await.len(), LEADS);
    assert!(
        seen.cancelled * 100 < seen.transactions,
        "{} of {} transactions cancelled",
        seen.cancelled,
        seen.transactions
    );

    app.count_deliveries().await;
    let connector = app.api_connector().id.clone();
    let stats = app
        .admin_get(&format!("/admin/connectors/{connector}/stats"))
        .await
        .json();
    let log = app.import_log().await;
    for status in ImportStatus::ALL {
        let logged = log.iter().filter(|entry| entry.status == status).count();
        assert_eq!(
            stats["by_status"][status.key()],
            logged,
            "{status:?}: {stats}"
        );
    }
    assert_eq!(stats["leads_received"], LEADS);
}

/// The key of the item at `sk` in this app's partition.
fn key(app: &TestApp, sk: &str) -> std::collections::HashMap<String, AttributeValue> {
    let pk = shared::store::keys::workspace_partition(app.workspace_id());
    std::collections::HashMap::from([
        ("pk".to_owned(), AttributeValue::S(pk)),
        ("sk".to_owned(), AttributeValue::S(sk.into())),
    ])
}

/// A transaction item that adds one to `n` on the item at `sk` of this app's partition.
fn add_one(app: &TestApp, sk: &str) -> TransactWriteItem {
    let update = Update::builder()
        .table_name(app.store.table())
        .set_key(Some(key(app, sk)))
        .update_expression("ADD n :one")
        .expression_attribute_values(":one", AttributeValue::N("1".into()))
        .build()
        .unwrap();
    TransactWriteItem::builder().update(update).build()
}

#[tokio::test]
async fn writes_that_meet_a_running_transaction_are_cancelled_and_retried_until_written() {
    let app = TestApp::spawn().await;
    let conflicts = Conflicts::default();
    let config = conflicts.config(&app.config);
    let store = Store::new(shared::aws::dynamodb(&config), app.store.table());
    let client = store.client();
    let transaction = || {
        client
            .transact_write_items()
            .transact_items(add_one(&app, "CONFLICT#a"))
            .transact_items(add_one(&app, "CONFLICT#b"))
            .send()
    };
    let single = client
        .update_item()
        .table_name(app.store.table())
        .set_key(Some(key(&app, "CONFLICT#a")))
        .update_expression("ADD n :one")
        .expression_attribute_values(":one", AttributeValue::N("1".into()))
        .send();

    let (first, second, third) = tokio::join!(transaction(), transaction(), single);

    first.expect("the first transaction is written");
    second.expect("the second is cancelled, retried and written");
    third.expect("the single write is refused, retried and written");
    let seen = conflicts.seen();
    println!("{seen:?}");
    assert!(seen.cancelled >= 1, "{seen:?}");
    assert!(seen.refused_writes >= 1, "{seen:?}");
    assert_eq!(seen.transactions, 2 + seen.cancelled, "{seen:?}");
    let item = client
        .get_item()
        .table_name(app.store.table())
        .set_key(Some(key(&app, "CONFLICT#a")))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(item["n"], AttributeValue::N("3".into()));
}
