//! The counting pieces every table is made of: requests and bytes, tables indexed by id,
//! the cut for a top N, and (item, visitor) pairs.

use super::Map;

/// Requests and bytes of one row of a table.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub requests: u64,
    pub bytes: u64,
}

impl Counts {
    pub fn add(&mut self, bytes: u64) {
        self.requests += 1;
        self.bytes += bytes;
    }

    pub fn merge(&mut self, o: Counts) {
        self.requests += o.requests;
        self.bytes += o.bytes;
    }
}

pub fn grow<T: Default + Clone>(v: &mut Vec<T>, idx: usize) -> &mut T {
    grow_with(v, idx, T::default())
}

/// Which of `counts` can be among the `top` by requests and bytes (ties included).
pub fn top_candidates(counts: &[Counts], top: usize) -> Vec<bool> {
    let key = |c: &Counts| (c.requests, c.bytes);
    let mut keys: Vec<(u64, u64)> = counts.iter().map(key).collect();
    let cut = match top {
        0 => return vec![false; keys.len()],
        t if t >= keys.len() => (0, 0),
        t => *keys.select_nth_unstable_by(t - 1, |a, b| b.cmp(a)).1,
    };
    counts.iter().map(|c| key(c) >= cut).collect()
}

/// As [`grow`], new slots `fill`.
#[inline]
pub fn grow_with<T: Clone>(v: &mut Vec<T>, idx: usize, fill: T) -> &mut T {
    if v.len() <= idx {
        resize(v, idx, fill);
    }
    &mut v[idx]
}

#[cold]
fn resize<T: Clone>(v: &mut Vec<T>, idx: usize, fill: T) {
    v.resize(idx + 1, fill);
}

pub fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

pub fn unpair(p: u64) -> (u32, u32) {
    ((p >> 32) as u32, p as u32)
}

/// (item, visitor) pairs logged as they come and deduplicated by sorting, which is far
/// cheaper than a hash set while counting. Visitors per item are only wanted for the top N
/// files, known once everything is merged; sorting then touches only their pairs. Memory
/// stays bounded by the number of distinct pairs: a full log is deduplicated in place
/// before it may grow, once it holds `COMPACT_MIN` pairs.
#[derive(Debug, Default, Clone)]
pub struct PairLog {
    pairs: Vec<u64>,
    /// Logs merged in, renumbered where they are: appending them would copy them while
    /// both states are held, at a run's peak memory.
    merged: Vec<Vec<u64>>,
    /// Pairs after the last [`PairLog::settle`].
    settled: usize,
}

const COMPACT_MIN: usize = 1 << 22;

impl PairLog {
    pub fn push(&mut self, item: u32, visitor: u32) {
        if self.pairs.len() == self.pairs.capacity() && self.pairs.len() >= COMPACT_MIN {
            self.pairs.sort_unstable();
            self.pairs.dedup();
            // Grow only if deduplication freed less than half.
            self.pairs.reserve(self.pairs.len().max(1));
        }
        self.pairs.push(pair(item, visitor));
    }

    /// Deduplicates the log (merged logs included) once it has doubled since it last
    /// was: a state fed a few lines at a time for days (the live dashboards) holds at
    /// most about twice its distinct pairs.
    pub fn settle(&mut self) {
        let len = self.pairs.len() + self.merged.iter().map(Vec::len).sum::<usize>();
        if len < 2 * self.settled.max(1 << 16) {
            return;
        }
        for log in std::mem::take(&mut self.merged) {
            self.pairs.extend(log);
        }
        self.pairs.sort_unstable();
        self.pairs.dedup();
        self.settled = self.pairs.len();
    }

    /// Takes in `other`'s pairs, its items and visitors renumbered by `items` and
    /// `visitors`.
    pub fn absorb(&mut self, mut other: PairLog, items: &[u32], visitors: &[u32]) {
        other.merged.push(other.pairs);
        for mut log in other.merged.into_iter().filter(|l| !l.is_empty()) {
            for p in &mut log {
                let (item, visitor) = unpair(*p);
                *p = pair(items[item as usize], visitors[visitor as usize]);
            }
            self.merged.push(log);
        }
    }

    /// Every (item, visitor) pair logged (repeats included).
    fn all(&self) -> impl Iterator<Item = u64> + '_ {
        self.pairs
            .iter()
            .chain(self.merged.iter().flatten())
            .copied()
    }

    /// Distinct visitors of each item in `items`.
    pub fn visitors_of(&self, items: &[u32]) -> Vec<u64> {
        let mut wanted: Map<u32, usize> = Map::default();
        for (i, &item) in items.iter().enumerate() {
            wanted.insert(item, i);
        }
        // Every pair is tested: a bit per item id answers from the cache, where the map
        // would hash millions of times.
        let top = items.iter().copied().max().map_or(0, |m| m as usize + 1);
        let mut bits = vec![0u64; top.div_ceil(64)];
        for &item in items {
            bits[item as usize / 64] |= 1 << (item % 64);
        }
        let is_wanted = |item: u32| {
            let i = item as usize;
            bits.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
        };
        let mut found: Vec<u64> = (self.all()).filter(|&p| is_wanted(unpair(p).0)).collect();
        found.sort_unstable();
        found.dedup();
        let mut counts = vec![0u64; items.len()];
        for p in found {
            counts[wanted[&unpair(p).0]] += 1;
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_log_deduplicates_when_full() {
        let mut log = PairLog::default();
        for i in 0..3 * COMPACT_MIN as u32 {
            log.push(i % 7, i % 1000);
        }
        assert!(
            log.pairs.capacity() <= 2 * COMPACT_MIN,
            "{}",
            log.pairs.capacity()
        );
        assert_eq!(log.visitors_of(&[0, 6, 7]), vec![1000, 1000, 0]);
    }

    #[test]
    fn small_logs_absorbed_one_by_one_settle_at_twice_their_distinct_pairs() {
        let mut log = PairLog::default();
        for round in 0..400u32 {
            let mut small = PairLog::default();
            for i in 0..1000 {
                small.push(i % 50, (round * 1000 + i) % 4000);
            }
            log.absorb(
                small,
                &(0..50).collect::<Vec<_>>(),
                &(0..4000).collect::<Vec<_>>(),
            );
            log.settle();
        }
        let held = log.pairs.len() + log.merged.iter().map(Vec::len).sum::<usize>();
        assert!(held < 2 * (1 << 16), "{held} pairs held");
        // Pair (i % 50, v) for v = i mod 4000: every visitor with item v % 50.
        assert_eq!(log.visitors_of(&[0, 49, 50]), vec![80, 80, 0]);
    }

    #[test]
    fn absorbed_pairs_are_renumbered() {
        let mut a = PairLog::default();
        a.push(0, 0);
        a.push(1, 1);
        let mut b = PairLog::default();
        b.push(0, 0);
        b.push(0, 1);
        let mut c = PairLog::default();
        c.push(1, 0);
        b.absorb(c, &[5, 1], &[2, 0]);
        // c's (1, 0) is b's (1, 2). In a's numbering, b's items 0 and 1 are 1 and 0,
        // its visitors 0, 1 and 2 are 1, 2 and 0: b's pairs are (1, 1) and (1, 2), c's
        // is (0, 0), and a has (0, 0) and (1, 1) of its own.
        a.absorb(b, &[1, 0], &[1, 2, 0]);
        assert_eq!(a.visitors_of(&[0, 1, 5]), vec![1, 2, 0]);
    }
}
