//! Configuration read once per warm container: API keys, the routes and slots that find a
//! connector, connectors and territories, kept for a short time (`CONFIG_CACHE_SECONDS`,
//! about a minute; zero keeps nothing), as API Gateway keeps its authorizers' answers.
//! A warm lead then costs its writes only. Nothing re-checks a cached item inside the
//! lead's transaction: a `ConditionCheck` on the connector would make it the item every
//! lead writes again. Revoking a key, regenerating a connector key or pausing a
//! connector therefore takes effect within that time.

use super::keys::Key;
use super::{from_item, Item, Store, StoreError};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// At most this many items are kept; a full cache starts again empty.
const MAX_ENTRIES: usize = 10_000;

/// The configuration items read lately, each with the time it is kept until.
#[derive(Debug, Default)]
pub(super) struct ConfigCache {
    seconds: i64,
    entries: Mutex<HashMap<Key, (i64, Option<Item>)>>,
}

/// Whether an item found missing is remembered as missing (a ZIP with no territory),
/// or read again next time (a key or route someone may create any moment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Missing {
    Kept,
    ReadAgain,
}

impl Store {
    /// The same store keeping configuration it reads for `seconds` (0: not at all).
    pub fn with_config_cache(self, seconds: u64) -> Self {
        let cache = (seconds > 0).then(|| {
            Arc::new(ConfigCache {
                seconds: i64::try_from(seconds).unwrap_or(i64::MAX),
                entries: Mutex::default(),
            })
        });
        Self { cache, ..self }
    }

    /// Reads a configuration item through the cache.
    pub(super) async fn get_config<T: DeserializeOwned>(
        &self,
        key: &Key,
        missing: Missing,
    ) -> Result<Option<T>, StoreError> {
        let Some(cache) = &self.cache else {
            return self.get(key).await;
        };
        let now = self.clock.epoch();
        let hit = {
            let entries = cache.entries.lock().unwrap_or_else(PoisonError::into_inner);
            entries
                .get(key)
                .filter(|(until, _)| *until > now)
                .map(|(_, item)| item.clone())
        };
        let item = match hit {
            Some(item) => item,
            None => {
                let item = self.get_item(key).await?;
                if item.is_some() || missing == Missing::Kept {
                    let mut entries = cache.entries.lock().unwrap_or_else(PoisonError::into_inner);
                    if entries.len() >= MAX_ENTRIES {
                        entries.clear();
                    }
                    entries.insert(key.clone(), (now + cache.seconds, item.clone()));
                }
                item
            }
        };
        item.map(from_item).transpose()
    }

    /// Reads configuration items through the cache, the ones not kept in one
    /// `BatchGetItem`: those that exist, by key.
    pub(super) async fn get_configs(
        &self,
        keys: &[Key],
        missing: Missing,
    ) -> Result<HashMap<Key, Item>, StoreError> {
        let Some(cache) = &self.cache else {
            return self.get_many(keys).await;
        };
        let now = self.clock.epoch();
        let mut found = HashMap::new();
        let mut misses = Vec::new();
        {
            let entries = cache.entries.lock().unwrap_or_else(PoisonError::into_inner);
            for key in keys {
                match entries.get(key).filter(|(until, _)| *until > now) {
                    Some((_, Some(item))) => {
                        found.insert(key.clone(), item.clone());
                    }
                    Some((_, None)) => {}
                    None => misses.push(key.clone()),
                }
            }
        }
        if misses.is_empty() {
            return Ok(found);
        }
        let mut read = self.get_many(&misses).await?;
        let mut entries = cache.entries.lock().unwrap_or_else(PoisonError::into_inner);
        for key in misses {
            let item = read.remove(&key);
            if item.is_some() || missing == Missing::Kept {
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
                entries.insert(key.clone(), (now + cache.seconds, item.clone()));
            }
            if let Some(item) = item {
                found.insert(key, item);
            }
        }
        Ok(found)
    }
}
