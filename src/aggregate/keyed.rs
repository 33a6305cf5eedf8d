//! One shape for many panels: a key per request (a virtual host, a referrer, a browser, a
//! 404 path...), counted as requests, bytes and distinct visitors. As GoAccess describes
//! every panel with one row of key functions, a panel here is a [`Keyed`] table; adding one
//! is a key and a line that feeds it.
//!
//! Visitors of a key are a compressed bitmap of visitor ids: exact, mergeable, and small
//! whether a key has three visitors or all of them (the referrer `-`).

use roaring::RoaringBitmap;

use super::intern::Interner;
use super::{Counts, grow};

/// Requests, bytes and visitors per key.
#[derive(Default, Clone)]
pub struct Keyed {
    pub keys: Interner,
    pub counts: Vec<Counts>,
    visitors: Vec<RoaringBitmap>,
    /// Visitors counted before, by key: a store's month roll-ups keep counts, not ids
    /// (they add up, as visitors are per day).
    counted: Vec<u64>,
}

/// One key's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedRow<'a> {
    pub key: &'a [u8],
    pub id: u32,
    pub counts: Counts,
    pub visitors: u64,
}

impl Keyed {
    /// Counts a request of `bytes` under `key`; returns the key's id.
    pub fn add(&mut self, key: &[u8], bytes: u64) -> u32 {
        let id = self.keys.intern(key);
        grow(&mut self.counts, id as usize).add(bytes);
        id
    }

    /// Counts `counts` under `key` at once (a store's tables).
    pub fn add_counts(&mut self, key: &[u8], counts: Counts) -> u32 {
        let id = self.keys.intern(key);
        grow(&mut self.counts, id as usize).merge(counts);
        id
    }

    /// Records that `visitor` requested key `id`.
    pub fn visit(&mut self, id: u32, visitor: u32) {
        grow(&mut self.visitors, id as usize).insert(visitor);
    }

    /// Adds `n` visitors of key `id` counted before.
    pub fn add_counted(&mut self, id: u32, n: u64) {
        *grow(&mut self.counted, id as usize) += n;
    }

    /// The visitor ids of key `id`.
    pub fn visitors(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        self.visitors.get(id as usize).into_iter().flatten()
    }

    /// Which keys can be among the `top` by requests and bytes (ties included): the only
    /// ones whose visitors a report shows.
    pub fn top_candidates(&self, top: usize) -> Vec<bool> {
        super::top_candidates(&self.counts, top)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.len() == 0
    }

    /// Folds `other` in; its visitor `v` is visitor `visitors[v]` here. Returns where each
    /// of its keys is here.
    pub fn merge(&mut self, other: &Keyed, visitors: &[u32]) -> Vec<u32> {
        let ids = self.keys.absorb(&other.keys);
        self.merge_ids(other, &ids, visitors);
        ids
    }

    /// As [`Keyed::merge`], each of `other`'s keys first changed by `rekey` (keys that
    /// hold ids of other tables, renumbered too).
    pub fn merge_rekeyed(
        &mut self,
        other: &Keyed,
        visitors: &[u32],
        rekey: impl Fn(&[u8]) -> Vec<u8>,
    ) {
        let ids: Vec<u32> = (0..other.keys.len() as u32)
            .map(|i| self.keys.intern(&rekey(other.keys.get(i))))
            .collect();
        self.merge_ids(other, &ids, visitors);
    }

    fn merge_ids(&mut self, other: &Keyed, ids: &[u32], visitors: &[u32]) {
        for (i, c) in other.counts.iter().enumerate() {
            grow(&mut self.counts, ids[i] as usize).merge(*c);
        }
        for (i, theirs) in other.visitors.iter().enumerate() {
            if theirs.is_empty() {
                continue;
            }
            let ours = grow(&mut self.visitors, ids[i] as usize);
            ours.extend(theirs.iter().map(|v| visitors[v as usize]));
        }
        for (i, &n) in other.counted.iter().enumerate() {
            self.add_counted(ids[i], n);
        }
    }

    /// Distinct visitors of key `id`.
    pub fn visitors_of(&self, id: u32) -> u64 {
        let counted = self.counted.get(id as usize).copied().unwrap_or(0);
        self.visitors.get(id as usize).map_or(0, RoaringBitmap::len) + counted
    }

    /// Every key with requests (an agent looked at only to be excluded has none), most
    /// requests first (then bytes, then the key, so that the same input
    /// always gives the same order).
    pub fn rows(&self) -> Vec<KeyedRow<'_>> {
        let mut rows: Vec<KeyedRow<'_>> = (0..self.keys.len() as u32)
            .map(|id| KeyedRow {
                key: self.keys.get(id),
                id,
                counts: self.counts.get(id as usize).copied().unwrap_or_default(),
                visitors: self.visitors_of(id),
            })
            .filter(|r| r.counts.requests > 0)
            .collect();
        rows.sort_by(|a, b| {
            b.counts
                .requests
                .cmp(&a.counts.requests)
                .then(b.counts.bytes.cmp(&a.counts.bytes))
                .then(a.key.cmp(b.key))
        });
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_visitors_and_merges() {
        let mut a = Keyed::default();
        let x = a.add(b"x", 10);
        a.visit(x, 0);
        a.visit(x, 0);
        let y = a.add(b"y", 5);
        a.visit(y, 1);
        let mut b = Keyed::default();
        let x2 = b.add(b"x", 1);
        b.visit(x2, 0);
        b.add(b"z", 1);
        // b's visitor 0 is a's visitor 1.
        a.merge(&b, &[1]);
        let rows: Vec<(&[u8], u64, u64)> = a
            .rows()
            .iter()
            .map(|r| (r.key, r.counts.requests, r.visitors))
            .collect();
        assert_eq!(
            rows,
            [(&b"x"[..], 2, 2), (&b"y"[..], 1, 1), (&b"z"[..], 1, 0)]
        );
    }
}
