//! Lists, newest first, a page at a time (or whole, for tooling and digests): always
//! `Query`, never `Scan`.

use super::keys;
use super::{from_item, s, Item, Store, StoreError};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// One page of a list and the opaque cursor of the next, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub cursor: Option<String>,
}

/// Where a list reads from: a partition of the table or of the index, with an
/// optional sort-key prefix.
pub(super) struct Source<'a> {
    pub(super) index: Option<&'a str>,
    pub(super) pk: String,
    pub(super) prefix: Option<&'a str>,
}

impl<'a> Source<'a> {
    /// The partition and sort key attributes this source queries.
    fn key_names(&self) -> (&'static str, &'static str) {
        match self.index {
            Some(_) => (keys::GSI1PK, keys::GSI1SK),
            None => (keys::PK, keys::SK),
        }
    }

    /// The items of a workspace's own partition whose sort key starts with `prefix`.
    pub(super) fn workspace(
        workspace_id: &crate::domain::WorkspaceId,
        prefix: Option<&'a str>,
    ) -> Self {
        Source {
            index: None,
            pk: keys::workspace_partition(workspace_id),
            prefix,
        }
    }

    /// One partition of the index.
    pub(super) fn index(pk: String) -> Self {
        Source {
            index: Some(keys::GSI1),
            pk,
            prefix: None,
        }
    }

    /// A `Query` of this source (any order, any length), filtered by `filter`.
    fn query(&self, store: &Store, filter: Option<&Filter>) -> QueryFluentBuilder {
        let (pk_name, sk_name) = self.key_names();
        let mut condition = format!("{pk_name} = :pk");
        let mut query = store
            .client
            .query()
            .table_name(&store.table)
            .set_index_name(self.index.map(str::to_owned))
            .expression_attribute_values(":pk", s(&self.pk));
        if let Some(prefix) = self.prefix {
            condition.push_str(&format!(" AND begins_with({sk_name}, :prefix)"));
            query = query.expression_attribute_values(":prefix", s(prefix));
        }
        if let Some(filter) = filter {
            query = query.filter_expression(&filter.expression);
            for (name, attribute) in &filter.names {
                query = query.expression_attribute_names(name, attribute);
            }
            for (name, value) in &filter.values {
                query = query.expression_attribute_values(name, value.clone());
            }
        }
        query.key_condition_expression(condition)
    }
}

/// A `FilterExpression` with its values (names starting `:f`).
pub(super) struct Filter {
    pub(super) expression: String,
    pub(super) names: HashMap<String, String>,
    pub(super) values: HashMap<String, AttributeValue>,
}

impl Filter {
    /// Items whose `status` attribute is `status`.
    pub(super) fn status(status: &str) -> Self {
        Filter {
            expression: "#fstatus = :fstatus".to_owned(),
            names: HashMap::from([("#fstatus".to_owned(), "status".to_owned())]),
            values: HashMap::from([(":fstatus".to_owned(), s(status))]),
        }
    }
}

/// At most this many queries fill one filtered page.
const FILL_ROUNDS: usize = 8;

fn encode_cursor(key: &Item) -> Option<String> {
    let plain: HashMap<&str, &str> = key
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.as_s().ok()?.as_str())))
        .collect();
    let json = serde_json::to_vec(&plain).ok()?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
}

/// The start key a cursor stands for; `None` for a cursor this store did not make for
/// `source`. A key of another list (or another workspace's partition) would make
/// DynamoDB refuse the query, so it is refused here as a bad cursor instead.
fn decode_cursor(cursor: &str, source: &Source<'_>) -> Option<Item> {
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()?;
    let plain: HashMap<String, String> = serde_json::from_slice(&json).ok()?;
    let (pk_name, sk_name) = source.key_names();
    let expected: &[&str] = match source.index {
        Some(_) => &[keys::PK, keys::SK, keys::GSI1PK, keys::GSI1SK],
        None => &[keys::PK, keys::SK],
    };
    let fits = plain.len() == expected.len()
        && expected.iter().all(|name| plain.contains_key(*name))
        && plain[pk_name] == source.pk
        && source
            .prefix
            .is_none_or(|prefix| plain[sk_name].starts_with(prefix));
    fits.then(|| plain.into_iter().map(|(k, v)| (k, s(v))).collect())
}

#[derive(Debug, thiserror::Error)]
#[error("the cursor is not one this API returned")]
pub struct BadCursor;

impl Store {
    pub(super) async fn page<T: DeserializeOwned>(
        &self,
        source: Source<'_>,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<T>, BadCursor>, StoreError> {
        self.page_where(source, None, limit, cursor).await
    }

    /// A page, newest first. With a filter, DynamoDB counts `Limit` before filtering,
    /// so each round asks only for the room left: the cursor then never skips a
    /// match, and a page may still come back short (follow the cursor until none).
    pub(super) async fn page_where<T: DeserializeOwned>(
        &self,
        source: Source<'_>,
        filter: Option<Filter>,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Result<Page<T>, BadCursor>, StoreError> {
        let mut start = match cursor.map(|cursor| decode_cursor(cursor, &source)) {
            Some(None) => return Ok(Err(BadCursor)),
            Some(start) => start,
            None => None,
        };
        let limit = limit.clamp(1, 100) as usize;
        let mut items = Vec::new();
        if !super::limits::partition_fits(&source.pk) {
            // No item can live in a partition DynamoDB would refuse to name.
            return Ok(Ok(Page {
                items,
                cursor: None,
            }));
        }
        for _ in 0..FILL_ROUNDS {
            let output = source
                .query(self, filter.as_ref())
                .scan_index_forward(false)
                .limit((limit - items.len()) as i32)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| self.error(e))?;
            for item in output.items.unwrap_or_default() {
                items.push(from_item(item)?);
            }
            start = output.last_evaluated_key;
            if items.len() >= limit || start.is_none() || filter.is_none() {
                break;
            }
        }
        let cursor = start.as_ref().and_then(encode_cursor);
        Ok(Ok(Page { items, cursor }))
    }

    /// Every item of `source` that passes `filter`, in key order, page after page; with
    /// `projection`, only those attributes.
    pub(super) async fn all_items(
        &self,
        source: Source<'_>,
        filter: Option<Filter>,
        projection: Option<&str>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        if !super::limits::partition_fits(&source.pk) {
            return Ok(items);
        }
        loop {
            let output = source
                .query(self, filter.as_ref())
                .set_projection_expression(projection.map(str::to_owned))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| self.error(e))?;
            items.extend(output.items.unwrap_or_default());
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }
}
