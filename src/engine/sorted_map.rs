//! A map kept as a list of pairs in key order.
//!
//! The maps of a report, its options and the tables hold a few to a few hundred entries
//! (KPI details, breakdowns by dimension, per-rep targets, the column mapping, columns by
//! role, sums by month). A `BTreeMap` brings its node code, its clone, drop and serde code
//! once for every key and value type, more than a kilobyte of the page's download each;
//! this list is searched by halves instead. It reads, writes and serializes as a map, in key
//! order, as the tree did: reports in JSON and the bytes kept in the browser are the same.
//! A key not there yet is inserted in its place, moving the keys after it: maps filled in
//! key order (sums by month) only append.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use std::borrow::Borrow;
use std::marker::PhantomData;

/// Pairs in the order of their keys, each key once.
#[derive(Clone, Debug, PartialEq)]
pub struct SortedMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap(Vec::new())
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    pub fn new() -> Self {
        SortedMap(Vec::new())
    }

    /// Where `key` is, or where it would go.
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| &self.0[at].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Set `key`'s value; the value it had, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => Some(std::mem::replace(&mut self.0[at].1, value)),
            Err(at) => {
                self.0.insert(at, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let at = self.find(key).ok()?;
        Some(self.0.remove(at).1)
    }

    /// `key`'s value, set to `default` first when it has none.
    pub fn or_insert(&mut self, key: K, default: V) -> &mut V {
        let at = match self.find(&key) {
            Ok(at) => at,
            Err(at) => {
                self.0.insert(at, (key, default));
                at
            }
        };
        &mut self.0[at].1
    }
}

impl<K, V> SortedMap<K, V> {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.0.iter_mut().map(|(_, v)| v)
    }

    /// Keep the pairs `keep` is true of.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut map = SortedMap::new();
        map.extend(pairs);
        map
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    /// Later pairs win over earlier ones of the same key, as in a tree.
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, pairs: I) {
        for (k, v) in pairs {
            self.insert(k, v);
        }
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for SortedMap<K, V> {
    type Output = V;
    /// Panics when `key` is not there, as a tree's index does: for keys known to be.
    fn index(&self, key: &Q) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no such key"),
        }
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for Pairs<K, V> {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut pairs: A) -> Result<Self::Value, A::Error> {
                let mut map = SortedMap::new();
                while let Some((k, v)) = pairs.next_entry()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        d.deserialize_map(Pairs(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The same steps on a tree and on the list leave the same pairs, in the same order, and
    /// the list serializes as the tree does.
    #[test]
    fn reads_and_writes_as_a_tree_does() {
        let steps: &[(&str, Option<f64>)] = &[
            ("owner", Some(1.0)),
            ("amount", Some(2.0)),
            ("zeta", Some(3.0)),
            ("amount", Some(4.0)),
            ("owner", None),
            ("beta", Some(5.0)),
            ("missing", None),
            ("alpha", Some(6.0)),
        ];
        let (mut tree, mut list) = (BTreeMap::new(), SortedMap::new());
        for (k, v) in steps {
            match v {
                Some(v) => assert_eq!(
                    tree.insert(k.to_string(), *v),
                    list.insert(k.to_string(), *v)
                ),
                None => assert_eq!(tree.remove(*k), list.remove(*k)),
            }
        }
        *tree.entry("beta".to_string()).or_insert(0.0) += 1.0;
        *list.or_insert("beta".to_string(), 0.0) += 1.0;
        *tree.entry("gamma".to_string()).or_insert(0.0) += 1.0;
        *list.or_insert("gamma".to_string(), 0.0) += 1.0;
        let pairs: Vec<(&String, &f64)> = list.iter().collect();
        assert_eq!(pairs, tree.iter().collect::<Vec<_>>());
        assert_eq!(list.len(), 5);
        assert_eq!(list["zeta"], 3.0);
        assert_eq!(list.get("owner"), None);
        assert!(list.contains_key("alpha") && !list.contains_key("owner"));
        let json = serde_json::to_string(&list).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"alpha":6.0,"amount":4.0,"beta":6.0,"gamma":1.0,"zeta":3.0}"#
        );
        assert_eq!(json, serde_json::to_string(&tree).unwrap_or_default());
        let back: SortedMap<String, f64> =
            serde_json::from_str(r#"{"b":1.0,"a":2.0,"b":3.0}"#).unwrap_or_default();
        assert_eq!(
            back.iter().collect::<Vec<_>>(),
            [(&"a".to_string(), &2.0), (&"b".to_string(), &3.0)]
        );
    }
}
