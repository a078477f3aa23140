//! Lists, newest first, a page at a time (or whole, for tooling and digests): always
//! `Query`, never `Scan`.

pub(super) use super::filter::Filter;
use super::keys;
use super::{from_item, s, Item, Store, StoreError};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use base64::Engine;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// One page of a list and the opaque cursor of the next, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub cursor: Option<String>,
}

/// Where a list reads from: a partition of the table or of an index, with an optional
/// sort-key prefix or range.
pub(super) struct Source<'a> {
    pub(super) index: Option<&'static keys::Index>,
    pub(super) pk: String,
    pub(super) prefix: Option<&'a str>,
    /// Sort keys from `.0` to `.1`, both included (instead of `prefix`).
    pub(super) range: Option<(String, String)>,
    /// Pages in key order rather than newest (last) first.
    pub(super) ascending: bool,
}

impl<'a> Source<'a> {
    /// The partition and sort key attributes this source queries.
    fn key_names(&self) -> (&'static str, &'static str) {
        match self.index {
            Some(index) => (index.pk, index.sk),
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
            range: None,
            ascending: false,
        }
    }

    /// One partition of the time index ([`keys::BY_TIME`]).
    pub(super) fn index(pk: String) -> Self {
        Self::of(&keys::BY_TIME, pk)
    }

    /// One partition of `index`.
    pub(super) fn of(index: &'static keys::Index, pk: String) -> Self {
        Source {
            index: Some(index),
            pk,
            prefix: None,
            range: None,
            ascending: false,
        }
    }

    /// Only the sort keys from `from` to `to`, both included.
    pub(super) fn between(self, from: String, to: String) -> Self {
        Source {
            range: Some((from, to)),
            prefix: None,
            ..self
        }
    }

    /// Only the sort keys that start with `prefix`.
    pub(super) fn starting(self, prefix: &'a str) -> Self {
        Source {
            prefix: Some(prefix),
            range: None,
            ..self
        }
    }

    /// Pages in key order (A to Z) instead of newest first.
    pub(super) fn ascending(self) -> Self {
        Source {
            ascending: true,
            ..self
        }
    }

    /// Whether a sort key belongs to this source.
    fn holds(&self, sk: &str) -> bool {
        let in_range = self
            .range
            .as_ref()
            .is_none_or(|(from, to)| from.as_str() <= sk && sk <= to.as_str());
        in_range && self.prefix.is_none_or(|prefix| sk.starts_with(prefix))
    }

    /// A `Query` of this source (any order, any length), filtered by `filter`.
    fn query(&self, store: &Store, filter: Option<&Filter>) -> QueryFluentBuilder {
        let (pk_name, sk_name) = self.key_names();
        let mut condition = format!("{pk_name} = :pk");
        let mut query = store
            .client
            .query()
            .table_name(&store.table)
            .set_index_name(self.index.map(|index| index.name.to_owned()))
            .expression_attribute_values(":pk", s(&self.pk));
        if let Some((from, to)) = &self.range {
            condition.push_str(&format!(" AND {sk_name} BETWEEN :from AND :to"));
            query = query
                .expression_attribute_values(":from", s(from))
                .expression_attribute_values(":to", s(to));
        } else if let Some(prefix) = self.prefix {
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
        Some(index) => &[keys::PK, keys::SK, index.pk, index.sk],
        None => &[keys::PK, keys::SK],
    };
    let fits = plain.len() == expected.len()
        && expected.iter().all(|name| plain.contains_key(*name))
        && plain[pk_name] == source.pk
        && source.holds(&plain[sk_name]);
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
                .scan_index_forward(source.ascending)
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
        projection: Option<&[&str]>,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        if !super::limits::partition_fits(&source.pk) {
            return Ok(items);
        }
        let names: Vec<(String, String)> = projection
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, attribute)| (format!("#p{i}"), (*attribute).to_owned()))
            .collect();
        let projection = (!names.is_empty()).then(|| {
            let names: Vec<&str> = names.iter().map(|(name, _)| name.as_str()).collect();
            names.join(", ")
        });
        loop {
            let mut query = source.query(self, filter.as_ref());
            for (name, attribute) in &names {
                query = query.expression_attribute_names(name, attribute);
            }
            let output = query
                .set_projection_expression(projection.clone())
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
