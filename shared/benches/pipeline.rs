//! What the CPU-bound steps cost: email parsing per message and per MB over the golden
//! corpus, and mapping plus validation per payload. `cargo bench -p shared`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use shared::domain::ValidLead;
use shared::mapping::{self, Payload};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;

fn golden_emails() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut emails: Vec<_> = std::fs::read_dir(dir)
        .expect("the golden corpus")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .map(|path| {
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).unwrap_or_default())
        })
        .collect();
    emails.sort();
    emails
}

fn email_parsing(c: &mut Criterion) {
    let emails = golden_emails();
    let aliases = BTreeMap::new();
    let total: usize = emails.iter().map(|(_, raw)| raw.len()).sum();

    let mut corpus = c.benchmark_group("email/corpus");
    corpus.throughput(Throughput::Bytes(total as u64));
    corpus.bench_function("all golden messages", |b| {
        b.iter(|| {
            for (_, raw) in &emails {
                black_box(shared::email::parse_email(black_box(raw), &aliases));
            }
        })
    });
    corpus.finish();

    let mut each = c.benchmark_group("email/message");
    for (name, raw) in &emails {
        each.throughput(Throughput::Bytes(raw.len() as u64));
        each.bench_with_input(BenchmarkId::from_parameter(name), raw, |b, raw| {
            b.iter(|| black_box(shared::email::parse_email(black_box(raw), &aliases)))
        });
    }
    each.finish();
}

fn mapping_and_validation(c: &mut Criterion) {
    let body = serde_json::json!({
        "connector_key": "lc_conn_x",
        "full_name": "Pat Example",
        "contact": {"email": "Pat@Example.com", "phone_number": "(717) 555-1212"},
        "street_address": "123 Main St", "city": "Lancaster", "state": "PA", "zip": "17601",
        "requested_service": "House Wash", "message": "Requested from landing page",
        "lead_id": "lead-12345", "Roof Age (years)": 12, "utm": {"source": "google", "campaign": "spring"}
    });
    let aliases: BTreeMap<String, String> = [("full_name", "customer_name")]
        .map(|(a, b)| (a.into(), b.into()))
        .into();

    c.bench_function("mapping+validation/api payload", |b| {
        b.iter(|| {
            let payload = Payload::from_json(black_box(&body)).expect("an object");
            let candidate = mapping::map(&payload, &aliases);
            black_box(ValidLead::try_from(candidate).is_ok())
        })
    });
}

criterion_group!(benches, email_parsing, mapping_and_validation);
criterion_main!(benches);
