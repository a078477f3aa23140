//! DynamoDB round trips per lead at each door, counted on the wire (every request the
//! SDK sends, by its `X-Amz-Target`), cold (a new container) and warm (the next lead in
//! the same container, its configuration cached). The warm counts are the design's
//! budget (BENCHMARKS.md): a warm API lead is its transaction, plus the key's claim with
//! an `Idempotency-Key`. Each door also prints the write units its warm lead costs,
//! computed from the requests by DynamoDB's rules (moto's `ConsumedCapacity` is a
//! constant): BENCHMARKS.md's capacity per lead, and the steps a cold lead waits for
//! (a request sent while another is in flight waits with it: independent reads run at once).

use aws_sdk_dynamodb::config::interceptors::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use e2e::email::LABELLED_LEAD;
use e2e::forms::FormRequest;
use e2e::webhooks::GoogleApp;
use e2e::webhooks::{graph_lead, graph_stand_in, MetaApp};
use e2e::TestApp;
use shared::store::limits::item_size;
use shared::store::Store;
use std::sync::{Arc, Mutex};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The operations a store sent, in order, the write units they cost, and the steps they
/// took.
#[derive(Debug, Clone, Default)]
struct Requests(Arc<Mutex<Vec<String>>>, Arc<Mutex<f64>>, Arc<Mutex<Steps>>);

/// Requests in flight, and the steps: requests sent while none was in flight (each
/// `take` keeps the steps since the one before).
#[derive(Debug, Default)]
struct Steps {
    in_flight: usize,
    steps: usize,
    taken: Vec<usize>,
}

impl Requests {
    /// What was sent since the last call.
    fn take(&self) -> Vec<String> {
        let mut steps = self.2.lock().unwrap();
        let since = std::mem::take(&mut steps.steps);
        steps.taken.push(since);
        std::mem::take(&mut *self.0.lock().unwrap())
    }

    /// The steps of the first `take` (a cold lead's).
    fn cold_steps(&self) -> usize {
        self.2
            .lock()
            .unwrap()
            .taken
            .first()
            .copied()
            .unwrap_or_default()
    }

    /// The write units spent since the last call.
    fn take_units(&self) -> f64 {
        std::mem::take(&mut *self.1.lock().unwrap())
    }
}

/// Write units of an item of `bytes`: one per KB begun.
fn units(bytes: usize) -> f64 {
    bytes.max(1).div_ceil(1024) as f64
}

/// What a write costs by DynamoDB's rules: a KB begun is one unit, two inside a
/// transaction; an item with index keys is written to each of those indexes as well (a
/// standard write, all attributes projected). An update is counted by its values: a lower bound
/// for items over 1 KB.
fn write_units(input: &aws_smithy_runtime_api::client::interceptors::context::Input) -> f64 {
    // The indexes an item is written to: one per index partition key it has.
    let indexed = |item: &shared::store::Item| {
        let indexes = item
            .keys()
            .filter(|name| name.starts_with("gsi") && name.ends_with("pk"));
        indexes.count() as f64
    };
    if let Some(put) = input.downcast_ref::<PutItemInput>() {
        let item = put.item().cloned().unwrap_or_default();
        return units(item_size(&item)) * (1.0 + indexed(&item));
    }
    if let Some(update) = input.downcast_ref::<UpdateItemInput>() {
        let values = update
            .expression_attribute_values()
            .cloned()
            .unwrap_or_default();
        return units(item_size(&values));
    }
    let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() else {
        return 0.0;
    };
    let mut total = 0.0;
    for item in transaction.transact_items() {
        if let Some(put) = item.put() {
            let size = units(item_size(put.item()));
            total += size * (2.0 + indexed(put.item()));
        } else if let Some(update) = item.update() {
            let values = update
                .expression_attribute_values()
                .cloned()
                .unwrap_or_default();
            total += 2.0 * units(item_size(&values));
        } else {
            total += 2.0;
        }
    }
    total
}

impl Intercept for Requests {
    fn name(&self) -> &'static str {
        "CountRequests"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        *self.1.lock().map_err(|e| e.to_string())? += write_units(context.input());
        Ok(())
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let target = context
            .request()
            .headers()
            .get("x-amz-target")
            .unwrap_or("?")
            .rsplit('.')
            .next()
            .unwrap_or("?")
            .to_owned();
        self.0.lock().map_err(|e| e.to_string())?.push(target);
        let mut steps = self.2.lock().map_err(|e| e.to_string())?;
        if steps.in_flight == 0 {
            steps.steps += 1;
        }
        steps.in_flight += 1;
        Ok(())
    }

    fn read_after_attempt(
        &self,
        _: &FinalizerInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let mut steps = self.2.lock().map_err(|e| e.to_string())?;
        steps.in_flight = steps.in_flight.saturating_sub(1);
        Ok(())
    }
}

/// A store of `app`'s table as a deployed function builds it (configuration cached
/// for a minute), whose requests are counted.
fn counted(app: &TestApp) -> (Store, Requests) {
    let requests = Requests::default();
    let config = aws_sdk_dynamodb::config::Builder::from(&app.config)
        .interceptor(requests.clone())
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);
    let store =
        Store::new(client, app.store.table()).with_config_cache(shared::aws::CONFIG_CACHE_SECONDS);
    (store, requests)
}

/// `lead` from another person: the email and phone of the test leads replaced, so that
/// the lead makes a client of its own (as most new leads do).
fn another_person(lead: &serde_json::Value, n: u32) -> serde_json::Value {
    let text = lead
        .to_string()
        .replace("pat@example.com", &format!("pat-{n}@example.com"))
        .replace("+17175550123", &format!("+1717555{:04}", 123 + n))
        .replace("(717) 555-0123", &format!("(717) 555-{:04}", 123 + n));
    serde_json::from_str(&text).unwrap()
}

fn report(door: &str, cold: &[String], warm: &[String], requests: &Requests) {
    println!(
        "{door}: cold {} in {} steps {cold:?}, warm {} {warm:?}, warm write units {}",
        cold.len(),
        requests.cold_steps(),
        warm.len(),
        requests.take_units()
    );
}

#[tokio::test]
async fn a_warm_api_lead_is_one_transaction() {
    let app = TestApp::spawn().await;
    let (store, requests) = counted(&app);
    let door = api_intake::ApiIntake { store };

    let lead = |n: u32| {
        let body = another_person(&app.lead_with_connector_key(&format!("trip-{n}")), n);
        app.authorised_request(&body)
    };

    let cold = shared::http::answer(&door, lead(1)).await;
    let cold_sent = requests.take();
    requests.take_units();
    let warm = shared::http::answer(&door, lead(2)).await;
    let warm_sent = requests.take();

    report("API", &cold_sent, &warm_sent, &requests);
    assert_eq!((cold.status().as_u16(), warm.status().as_u16()), (201, 201));
    assert_eq!(warm_sent, ["TransactWriteItems"]);
    assert!(cold_sent.len() <= 5, "{cold_sent:?}");
    // The key's read and the connector's route run at once: one step fewer than requests.
    assert!(requests.cold_steps() < cold_sent.len(), "{cold_sent:?}");
}

#[tokio::test]
async fn a_warm_api_lead_with_an_idempotency_key_is_its_claim_and_one_transaction() {
    let app = TestApp::spawn().await;
    let (store, requests) = counted(&app);
    let door = api_intake::ApiIntake { store };
    let with_key = |n: u32| {
        let body = another_person(&app.lead_with_connector_key(&format!("keyed-{n}")), n);
        let mut request = app.authorised_request(&body);
        let key = http::HeaderValue::from_str(&format!("key-{n}")).unwrap();
        request.headers_mut().insert("idempotency-key", key);
        request
    };

    let cold = shared::http::answer(&door, with_key(1)).await;
    let cold_sent = requests.take();
    requests.take_units();
    let warm = shared::http::answer(&door, with_key(2)).await;
    let warm_sent = requests.take();

    report(
        "API with an Idempotency-Key",
        &cold_sent,
        &warm_sent,
        &requests,
    );
    assert_eq!((cold.status().as_u16(), warm.status().as_u16()), (201, 201));
    assert_eq!(warm_sent, ["PutItem", "TransactWriteItems"]);
}

#[tokio::test]
async fn a_warm_form_lead_is_its_throttle_windows_and_one_transaction() {
    let app = TestApp::spawn_form(|_| {}).await;
    let (store, requests) = counted(&app);
    let door = form_intake::FormIntake { store };
    let post = |n: u32| {
        FormRequest::urlencoded(&[
            ("name", "Pat Form"),
            ("email", &format!("form-{n}@example.com")),
            ("zip", "17601"),
        ])
    };

    let cold = app.send_form_to(&door, post(1)).await;
    let cold_sent = requests.take();
    requests.take_units();
    let warm = app.send_form_to(&door, post(2)).await;
    let warm_sent = requests.take();

    report("form", &cold_sent, &warm_sent, &requests);
    assert!(cold.status < 300, "{}", cold.text);
    assert!(warm.status < 300, "{}", warm.text);
    let writes = warm_sent.iter().filter(|op| *op != "TransactWriteItems");
    assert!(writes.clone().all(|op| op == "UpdateItem"), "{warm_sent:?}");
    assert_eq!(
        warm_sent.len(),
        3,
        "two throttle windows, one transaction: {warm_sent:?}"
    );
}

#[tokio::test]
async fn a_warm_google_lead_is_one_transaction() {
    let mut google = GoogleApp::spawn(|_| {}).await;
    let (store, requests) = counted(&google.app);
    google.deps.store = store;

    let cold = google.post(&google.lead("g-trip-1")).await;
    let cold_sent = requests.take();
    requests.take_units();
    let warm = google
        .post(&another_person(&google.lead("g-trip-2"), 2))
        .await;
    let warm_sent = requests.take();

    report("Google", &cold_sent, &warm_sent, &requests);
    assert!(cold.status < 300 && warm.status < 300, "{}", warm.text);
    assert_eq!(warm_sent, ["TransactWriteItems"]);
}

#[tokio::test]
async fn a_warm_meta_lead_is_one_transaction() {
    let second = another_person(&graph_lead("m-trip-2"), 2);
    let graph = graph_stand_in(&[graph_lead("m-trip-1"), second]).await;
    let mut meta = MetaApp::spawn(&graph, |_| {}).await;
    let (store, requests) = counted(&meta.app);
    meta.deps.store = store;

    let cold = meta.deliver_leads(&["m-trip-1"]).await;
    let cold_sent = requests.take();
    requests.take_units();
    let warm = meta.deliver_leads(&["m-trip-2"]).await;
    let warm_sent = requests.take();

    report("Meta", &cold_sent, &warm_sent, &requests);
    assert_eq!((cold.status, warm.status), (200, 200), "{}", warm.text);
    assert_eq!(warm_sent, ["TransactWriteItems"]);
}

#[tokio::test]
async fn a_warm_email_lead_is_its_claim_and_one_transaction() {
    let mut app = TestApp::spawn().await;
    app.with_email_connector(|_| {}).await;
    let (store, requests) = counted(&app);
    let mut deps = app.email_deps(3).await;
    deps.inbound.store = store;
    let email = |n: u32| {
        LABELLED_LEAD
            .replace("form-4711@", &format!("form-{n}@"))
            .replace("kathy.kline@", &format!("kathy-{n}@"))
            .replace("555-0142", &format!("555-{:04}", 142 + n))
    };

    let cold = app.receive_email(&deps, &email(1)).await;
    let cold_sent = requests.take();
    requests.take_units();
    let warm = app.receive_email(&deps, &email(2)).await;
    let warm_sent = requests.take();

    report("email", &cold_sent, &warm_sent, &requests);
    assert!(cold.lead_id.is_some() && warm.lead_id.is_some(), "{warm:?}");
    assert_eq!(warm_sent, ["PutItem", "TransactWriteItems"]);
}
