//! `openapi.yaml` is the published contract: every HTTP route of `template.yaml` is an
//! operation in it and every operation is a deployed route, so neither drifts alone.

use local::template::Template;
use serde_yaml::Value;
use std::collections::BTreeSet;

const SPEC: &str = include_str!("../../openapi.yaml");

/// The HTTP methods an OpenAPI path item may hold operations under.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn spec() -> Value {
    serde_yaml::from_str(SPEC).expect("openapi.yaml is valid YAML")
}

fn spec_operations(spec: &Value) -> BTreeSet<(String, String)> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_mapping)
        .expect("openapi.yaml has paths");
    let mut operations = BTreeSet::new();
    for (path, item) in paths {
        let path = path.as_str().expect("a path is a string");
        let item = item.as_mapping().expect("a path item is a mapping");
        for (key, _) in item {
            let key = key.as_str().expect("a path item key is a string");
            if METHODS.contains(&key.to_ascii_lowercase().as_str()) {
                operations.insert((key.to_ascii_uppercase(), path.to_owned()));
            }
        }
    }
    operations
}

fn template_routes() -> BTreeSet<(String, String)> {
    Template::load()
        .expect("template.yaml loads")
        .http_routes()
        .into_iter()
        .map(|route| (route.method.to_ascii_uppercase(), route.path))
        .collect()
}

#[test]
fn every_template_route_is_an_operation_of_the_spec_and_every_operation_a_route() {
    let spec = spec();
    let documented = spec_operations(&spec);
    let deployed = template_routes();
    assert!(!deployed.is_empty(), "template.yaml declares HTTP routes");

    let undocumented: Vec<_> = deployed.difference(&documented).collect();
    let not_deployed: Vec<_> = documented.difference(&deployed).collect();
    assert!(
        undocumented.is_empty(),
        "routes in template.yaml missing from openapi.yaml: {undocumented:?}"
    );
    assert!(
        not_deployed.is_empty(),
        "operations in openapi.yaml with no route in template.yaml: {not_deployed:?}"
    );
}

#[test]
fn the_spec_is_openapi_3_1_with_the_problem_schema_and_a_bearer_scheme() {
    let spec = spec();
    let version = spec.get("openapi").and_then(Value::as_str).unwrap();
    assert!(version.starts_with("3.1"), "{version}");
    let components = spec.get("components").unwrap();
    let problem = &components["schemas"]["Problem"]["properties"];
    for field in ["type", "title", "status", "detail", "errors", "import_id"] {
        assert!(problem.get(field).is_some(), "Problem has {field}");
    }
    let bearer = &components["securitySchemes"]["bearer"];
    assert_eq!(bearer["type"].as_str(), Some("http"));
    assert_eq!(bearer["scheme"].as_str(), Some("bearer"));
}

#[test]
fn admin_routes_need_the_admin_scope_and_the_api_intake_leads_write() {
    let spec = spec();
    for (method, path) in spec_operations(&spec) {
        let operation = &spec["paths"][path.as_str()][method.to_ascii_lowercase().as_str()];
        let scopes: Vec<&str> = operation
            .get("security")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(|requirement| requirement.get("bearer"))
            .filter_map(Value::as_sequence)
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let expected: &[&str] = if path.starts_with("/admin/") {
            &["admin"]
        } else if path == "/api/v1/leads" {
            &["leads:write"]
        } else {
            &[]
        };
        assert_eq!(scopes, expected, "{method} {path}");
    }
}

#[test]
fn every_error_response_of_the_spec_is_a_problem() {
    let spec = spec();
    let responses = &spec["components"]["responses"];
    for (name, response) in responses.as_mapping().unwrap() {
        let schema = &response["content"]["application/problem+json"]["schema"]["$ref"];
        assert_eq!(
            schema.as_str(),
            Some("#/components/schemas/Problem"),
            "{name:?}"
        );
    }
}

#[test]
fn a_route_missing_from_the_spec_is_noticed() {
    let spec = spec();
    let mut deployed = template_routes();
    deployed.insert(("POST".to_owned(), "/api/v1/not-documented".to_owned()));
    let documented = spec_operations(&spec);
    assert_eq!(deployed.difference(&documented).count(), 1);
}
