//! DynamoDB's limits, checked before a request is sent: a key too long or an item too
//! large is refused by DynamoDB with a `ValidationException` that no retry can fix, so
//! it is found here first. A read of a key too long finds nothing (nothing can be
//! stored under it); a write is a [`StoreError::OverLimit`] that callers log as a
//! failed attempt.

use super::keys::Key;
use super::{Item, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;

/// A partition key value, in UTF-8 bytes.
pub const MAX_PARTITION_KEY_BYTES: usize = 2048;
/// A sort key value, in UTF-8 bytes.
pub const MAX_SORT_KEY_BYTES: usize = 1024;
/// One item, names and values (DynamoDB counts 400 KB).
pub const MAX_ITEM_BYTES: usize = 400 * 1024;
/// One `TransactWriteItems`, all its items together.
pub const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024;
/// Items in one `TransactWriteItems`.
pub const MAX_TRANSACTION_ITEMS: usize = 100;

impl Key {
    /// Whether DynamoDB takes this key.
    pub fn fits(&self) -> bool {
        self.pk.len() <= MAX_PARTITION_KEY_BYTES && self.sk.len() <= MAX_SORT_KEY_BYTES
    }

    /// The key, or why DynamoDB would refuse it.
    pub(super) fn checked(&self, what: &str) -> Result<&Self, StoreError> {
        if self.fits() {
            return Ok(self);
        }
        Err(StoreError::OverLimit(format!(
            "the {what} key is {} bytes long; DynamoDB takes at most {MAX_PARTITION_KEY_BYTES} \
             bytes of partition key and {MAX_SORT_KEY_BYTES} of sort key",
            self.pk.len() + self.sk.len()
        )))
    }
}

/// Whether a partition value (a `Query`'s) is one DynamoDB takes.
pub(super) fn partition_fits(pk: &str) -> bool {
    pk.len() <= MAX_PARTITION_KEY_BYTES
}

/// The size DynamoDB counts for an item: each attribute's name and value.
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(text) => text.len(),
        // Numbers are stored in about half their digits; their text is an upper bound.
        AttributeValue::N(number) => number.len(),
        AttributeValue::B(blob) => blob.as_ref().len(),
        AttributeValue::Ss(set) | AttributeValue::Ns(set) => set.iter().map(String::len).sum(),
        AttributeValue::Bs(set) => set.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::M(map) => {
            3 + map
                .iter()
                .map(|(name, value)| 1 + name.len() + value_size(value))
                .sum::<usize>()
        }
        AttributeValue::L(list) => 3 + list.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        _ => 1,
    }
}

/// The item, or why DynamoDB would refuse it: its key or its size.
pub(super) fn check_item(item: &Item, what: &str) -> Result<usize, StoreError> {
    let text = |name: &str| {
        item.get(name)
            .and_then(|v| v.as_s().ok())
            .cloned()
            .unwrap_or_default()
    };
    let key = Key {
        pk: text(super::keys::PK),
        sk: text(super::keys::SK),
    };
    key.checked(what)?;
    let index = Key {
        pk: text(super::keys::GSI1PK),
        sk: text(super::keys::GSI1SK),
    };
    index.checked(what)?;
    let size = item_size(item);
    if size > MAX_ITEM_BYTES {
        return Err(StoreError::OverLimit(format!(
            "the {what} would be {} KB; DynamoDB stores at most {} KB in one item",
            size / 1024,
            MAX_ITEM_BYTES / 1024
        )));
    }
    Ok(size)
}

/// Whether a transaction of `items` items and `bytes` bytes is one DynamoDB takes.
pub(super) fn check_transaction(items: usize, bytes: usize) -> Result<(), StoreError> {
    if items > MAX_TRANSACTION_ITEMS || bytes > MAX_TRANSACTION_BYTES {
        return Err(StoreError::OverLimit(format!(
            "a transaction of {items} items and {} KB is over DynamoDB's {MAX_TRANSACTION_ITEMS} \
             items and {} MB",
            bytes / 1024,
            MAX_TRANSACTION_BYTES / 1024 / 1024
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_count_names_and_values_and_long_keys_do_not_fit() {
        let item = Item::from([
            ("pk".to_owned(), AttributeValue::S("WS#1".into())),
            (
                "m".to_owned(),
                AttributeValue::M([("k".to_owned(), AttributeValue::S("vv".into()))].into()),
            ),
        ]);
        assert_eq!(item_size(&item), 2 + 4 + 1 + (3 + 1 + 1 + 2));
        let long = Key {
            pk: "WS#1".into(),
            sk: "x".repeat(MAX_SORT_KEY_BYTES + 1),
        };
        assert!(!long.fits());
        assert!(matches!(
            long.checked("lead"),
            Err(StoreError::OverLimit(_))
        ));
        let big = Item::from([(
            "v".to_owned(),
            AttributeValue::S("x".repeat(MAX_ITEM_BYTES)),
        )]);
        assert!(check_item(&big, "lead").is_err());
        assert!(check_transaction(101, 0).is_err());
        assert!(check_transaction(7, 1000).is_ok());
    }
}
