//! One shape for many panels: a key per request (a virtual host, a referrer, a browser, a
//! 404 path...), counted as requests, bytes and distinct visitors. As GoAccess describes
//! every panel with one row of key functions, a panel here is a [`Keyed`] table; adding one
//! is a key and a line that feeds it.
//!
//! Visitors of a key are a set of visitor ids: exact and mergeable; a few ids in place (most
//! keys of a large panel, such as static files, have a few), a compressed bitmap beyond,
//! small whether a key has a dozen visitors or all of them (the referrer `-`).

use roaring::RoaringBitmap;

use super::intern::Interner;
use super::{Counts, grow};

/// Ids kept in place before a key's visitors become a bitmap: a bitmap of one id costs
/// two allocations, ~100 bytes.
const INLINE: usize = 5;

/// The visitor ids of one key.
#[derive(Clone)]
enum Visitors {
    Few { len: u8, ids: [u32; INLINE] },
    Many(RoaringBitmap),
}

impl Default for Visitors {
    fn default() -> Visitors {
        Visitors::Few {
            len: 0,
            ids: [0; INLINE],
        }
    }
}

impl Visitors {
    fn insert(&mut self, v: u32) {
        match self {
            Visitors::Few { len, ids } => {
                let n = usize::from(*len);
                if ids[..n].contains(&v) {
                    return;
                }
                if n < INLINE {
                    ids[n] = v;
                    *len += 1;
                } else {
                    let mut b: RoaringBitmap = ids.iter().copied().collect();
                    b.insert(v);
                    *self = Visitors::Many(b);
                }
            }
            Visitors::Many(b) => {
                b.insert(v);
            }
        }
    }

    fn len(&self) -> u64 {
        match self {
            Visitors::Few { len, .. } => u64::from(*len),
            Visitors::Many(b) => b.len(),
        }
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let (few, many) = match self {
            Visitors::Few { len, ids } => (Some(&ids[..usize::from(*len)]), None),
            Visitors::Many(b) => (None, Some(b)),
        };
        let few = few.into_iter().flatten().copied();
        few.chain(many.into_iter().flat_map(RoaringBitmap::iter))
    }
}

/// Requests, bytes and visitors per key.
#[derive(Default, Clone)]
pub struct Keyed {
    pub keys: Interner,
    pub counts: Vec<Counts>,
    visitors: Vec<Visitors>,
    /// Visitors counted before, by key: a store's month roll-ups keep counts, not ids
    /// (they add up, as visitors are per day).
    counted: Vec<u64>,
    /// The last key added: runs of one key (`-` referrers, a vhost) skip the hash.
    last: Option<u32>,
    /// The last (key, visitor) recorded: a visitor's requests come in runs (a page and
    /// its assets).
    last_visit: Option<(u32, u32)>,
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
        let id = match self.last {
            Some(last) if self.keys.get(last) == key => last,
            _ => self.keys.intern(key),
        };
        self.last = Some(id);
        grow(&mut self.counts, id as usize).add(bytes);
        id
    }

    /// Counts a request of `bytes` under key `id`.
    pub fn count(&mut self, id: u32, bytes: u64) {
        grow(&mut self.counts, id as usize).add(bytes);
    }

    /// Counts `counts` under `key` at once (a store's tables).
    pub fn add_counts(&mut self, key: &[u8], counts: Counts) -> u32 {
        let id = self.keys.intern(key);
        grow(&mut self.counts, id as usize).merge(counts);
        id
    }

    /// Records that `visitor` requested key `id`.
    pub fn visit(&mut self, id: u32, visitor: u32) {
        if self.last_visit == Some((id, visitor)) {
            return;
        }
        self.last_visit = Some((id, visitor));
        grow(&mut self.visitors, id as usize).insert(visitor);
    }

    /// Adds `n` visitors of key `id` counted before.
    pub fn add_counted(&mut self, id: u32, n: u64) {
        *grow(&mut self.counted, id as usize) += n;
    }

    /// The visitor ids of key `id`.
    pub fn visitors(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        self.visitors
            .get(id as usize)
            .into_iter()
            .flat_map(Visitors::iter)
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
            if theirs.len() == 0 {
                continue;
            }
            let ours = grow(&mut self.visitors, ids[i] as usize);
            for v in theirs.iter() {
                ours.insert(visitors[v as usize]);
            }
        }
        for (i, &n) in other.counted.iter().enumerate() {
            self.add_counted(ids[i], n);
        }
    }

    /// Distinct visitors of key `id`.
    pub fn visitors_of(&self, id: u32) -> u64 {
        let counted = self.counted.get(id as usize).copied().unwrap_or(0);
        self.visitors.get(id as usize).map_or(0, Visitors::len) + counted
    }

    /// The keys that can be among the `n` with the most requests (then bytes; ties at the
    /// cut included, so that the caller's order on what it shows decides them), most
    /// requests first. Keys without requests (an agent looked at only to be excluded) are
    /// none of them.
    pub fn top(&self, n: usize) -> Vec<KeyedRow<'_>> {
        let wanted = self.top_candidates(n);
        let mut rows: Vec<KeyedRow<'_>> = (wanted.iter().enumerate())
            .filter(|(_, w)| **w)
            .map(|(id, _)| {
                let id = id as u32;
                KeyedRow {
                    key: self.keys.get(id),
                    id,
                    counts: self.counts[id as usize],
                    visitors: self.visitors_of(id),
                }
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
    fn few_visitors_in_place_then_a_bitmap() {
        let mut v = Visitors::default();
        for id in [7, 3, 7, 9, 1, 3, 5] {
            v.insert(id);
        }
        assert!(matches!(v, Visitors::Few { len: 5, .. }));
        v.insert(2);
        v.insert(9);
        assert!(matches!(v, Visitors::Many(_)));
        let mut ids: Vec<u32> = v.iter().collect();
        ids.sort_unstable();
        assert_eq!((v.len(), ids), (6, vec![1, 2, 3, 5, 7, 9]));
    }

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
            .top(usize::MAX)
            .iter()
            .map(|r| (r.key, r.counts.requests, r.visitors))
            .collect();
        assert_eq!(
            rows,
            [(&b"x"[..], 2, 2), (&b"y"[..], 1, 1), (&b"z"[..], 1, 0)]
        );
    }
}
