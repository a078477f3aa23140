//! Claims: the item that lets one worker at a time do what must happen once (answer an
//! idempotent request, work an inbound email, send a follow-up). A claim is taken with
//! one conditional write, then settled with its outcome or released for a retry. A hold
//! may lapse at `locked_until`, so that a worker stopped between two writes does not keep
//! it forever, or never lapse, where doing the work twice is worse than not doing it.

use super::keys::{self, Key};
use super::write::ABSENT;
use super::{n, s, Item, Store, StoreError};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

const LOCKED_UNTIL: &str = "locked_until";
/// The condition that a worker holds the claim (`:held` is the kind's held value).
const HELD: &str = "#state = :held";
/// The condition that a hold has lapsed by `:now`.
const LAPSED: &str = "#state = :held AND locked_until < :now";

/// What a kind of claim is: its `entity` tag, the attribute that tells its state, and
/// that attribute's value while a worker holds it.
pub(super) struct ClaimKind {
    pub(super) entity: &'static str,
    pub(super) state: &'static str,
    pub(super) held: &'static str,
}

/// How long a worker holds a claim it takes.
pub(super) enum Hold<'a> {
    /// Until it settles or releases the claim: a worker that stops in between leaves it
    /// in doubt, and it is never taken again.
    Forever,
    /// For `seconds` from `now`; then another worker may take it over when `check`
    /// holds too. With `ttl_seconds`, the claim goes at `expires_at` (DynamoDB's TTL)
    /// and counts as absent once past it.
    Lapsing {
        now: i64,
        seconds: i64,
        ttl_seconds: Option<i64>,
        check: Check<'a>,
    },
}

/// A condition on a claim's own attributes with its values, e.g. `attempt = :attempt`.
/// Its placeholders must not be `:held`, `:now`, `:until`, `:zero`, `:resumable`,
/// `:state` or `:a0`, `:a1`….
pub(super) struct Check<'a> {
    pub(super) expression: &'a str,
    pub(super) values: Vec<(&'a str, AttributeValue)>,
}

impl Check<'_> {
    /// The check's values with the claim's own.
    fn values_with<const N: usize>(
        self,
        own: [(&str, AttributeValue); N],
    ) -> Option<HashMap<String, AttributeValue>> {
        let values = self.values.into_iter().chain(own);
        Some(values.map(|(k, v)| (k.to_owned(), v)).collect())
    }
}

/// One claim's item.
pub(super) struct ClaimItem<'a> {
    store: &'a Store,
    kind: &'static ClaimKind,
    key: Key,
}

impl Store {
    pub(super) fn claim(&self, kind: &'static ClaimKind, key: Key) -> ClaimItem<'_> {
        ClaimItem {
            store: self,
            kind,
            key,
        }
    }
}

impl ClaimItem<'_> {
    /// Takes the claim with one `PutItem`: held, with `attributes`, when there is none
    /// (or, by `hold`, an expired one or a lapsed hold). `false` when another worker
    /// holds it or it is settled.
    pub(super) async fn take(&self, hold: Hold<'_>, attributes: Item) -> Result<bool, StoreError> {
        let mut item = attributes;
        item.extend(self.key.to_item());
        item.insert("entity".into(), s(self.kind.entity));
        item.insert(self.kind.state.into(), s(self.kind.held));
        let mut condition = ABSENT.to_owned();
        let (mut names, mut values) = (None, None);
        if let Hold::Lapsing {
            now,
            seconds,
            ttl_seconds,
            check,
        } = hold
        {
            item.insert(LOCKED_UNTIL.into(), n(now + seconds));
            if let Some(ttl) = ttl_seconds {
                item.insert(keys::EXPIRES_AT.into(), n(now + ttl));
                condition.push_str(" OR expires_at < :now");
            }
            condition.push_str(&format!(" OR ({LAPSED} AND {})", check.expression));
            names = Some(HashMap::from([(
                "#state".to_owned(),
                self.kind.state.to_owned(),
            )]));
            values = check.values_with([(":held", s(self.kind.held)), (":now", n(now))]);
        }
        let put = self
            .store
            .put(item)
            .condition_expression(condition)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values);
        Ok(self.store.written(put.send().await)?.passed()?.is_some())
    }

    /// Takes an existing claim back with one `UpdateItem` (never creates one) when `check`
    /// holds and the claim is `resumable` (a state its worker handed on) or its hold
    /// lapsed; held then for `seconds` from `now`, with `set` (name, value) written too.
    /// `false` otherwise.
    pub(super) async fn retake(
        &self,
        now: i64,
        seconds: i64,
        resumable: &str,
        check: Check<'_>,
        set: (&str, AttributeValue),
    ) -> Result<bool, StoreError> {
        let condition = format!(
            "{} AND (#state = :resumable OR ({LAPSED}))",
            check.expression
        );
        let values = check.values_with([
            (":held", s(self.kind.held)),
            (":resumable", s(resumable)),
            (":now", n(now)),
            (":until", n(now + seconds)),
            (":a0", set.1),
        ]);
        let update = self
            .update()
            .update_expression(format!(
                "SET #state = :held, {LOCKED_UNTIL} = :until, #a0 = :a0"
            ))
            .expression_attribute_names("#a0", set.0)
            .condition_expression(condition)
            .set_expression_attribute_values(values);
        Ok(self.store.written(update.send().await)?.passed()?.is_some())
    }

    /// The claim's item as it is now (a strongly consistent read).
    pub(super) async fn read<T: DeserializeOwned>(&self) -> Result<Option<T>, StoreError> {
        self.store.get(&self.key).await
    }

    /// Records an outcome, whoever holds the claim now: its state becomes `state`, with
    /// `attributes`.
    pub(super) async fn settle(
        &self,
        state: &str,
        attributes: Vec<(&str, AttributeValue)>,
    ) -> Result<(), StoreError> {
        self.set_state(state, attributes, false).await
    }

    /// Records an outcome on a claim still held, as [`Self::settle`]; a claim no longer
    /// held (released, settled) is an error.
    pub(super) async fn settle_held(
        &self,
        state: &str,
        attributes: Vec<(&str, AttributeValue)>,
    ) -> Result<(), StoreError> {
        self.set_state(state, attributes, true).await
    }

    async fn set_state(
        &self,
        state: &str,
        attributes: Vec<(&str, AttributeValue)>,
        while_held: bool,
    ) -> Result<(), StoreError> {
        let mut expression = String::from("SET #state = :state");
        let mut update = self
            .update()
            .expression_attribute_values(":state", s(state));
        for (i, (name, value)) in attributes.into_iter().enumerate() {
            expression.push_str(&format!(", #a{i} = :a{i}"));
            update = update
                .expression_attribute_names(format!("#a{i}"), name)
                .expression_attribute_values(format!(":a{i}"), value);
        }
        if while_held {
            update = update
                .condition_expression(HELD)
                .expression_attribute_values(":held", s(self.kind.held));
        }
        let update = update.update_expression(expression);
        update.send().await.map_err(|e| self.store.error(e))?;
        Ok(())
    }

    /// Deletes the claim if it is still held (a settled claim stays), so that a retry
    /// can take it.
    pub(super) async fn release(&self) -> Result<(), StoreError> {
        let delete = self
            .store
            .delete(&self.key)
            .condition_expression(HELD)
            .expression_attribute_names("#state", self.kind.state)
            .expression_attribute_values(":held", s(self.kind.held));
        self.store.written(delete.send().await)?.passed()?;
        Ok(())
    }

    /// Keeps the claim but lapses its hold now, if it is still held and `check` holds:
    /// the same worker's retry takes it over at once.
    pub(super) async fn lapse(&self, check: Check<'_>) -> Result<(), StoreError> {
        let condition = format!("{HELD} AND {}", check.expression);
        let values = check.values_with([(":zero", n(0)), (":held", s(self.kind.held))]);
        let update = self
            .update()
            .update_expression(format!("SET {LOCKED_UNTIL} = :zero"))
            .condition_expression(condition)
            .set_expression_attribute_values(values);
        self.store.written(update.send().await)?.passed()?;
        Ok(())
    }

    /// An `UpdateItem` of this claim, its state attribute named `#state`.
    fn update(&self) -> UpdateItemFluentBuilder {
        let update = self.store.update(&self.key);
        update.expression_attribute_names("#state", self.kind.state)
    }
}
