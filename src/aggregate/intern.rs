//! Byte-string interning: each distinct string is stored once and named by a `u32`, so
//! that visitor keys and per-item sets are small integers. Keys come from the log, i.e.
//! from whoever sends requests, so the hash is seeded (foldhash), never a fixed one. One
//! seed per process, so interners built on different threads hash alike. Hashes are not
//! kept: recomputing one when the table grows costs less than 8 bytes a string held for
//! the whole run (the URL, address and agent tables set a run's peak memory).

use foldhash::fast::RandomState;
use hashbrown::HashTable;
use std::hash::BuildHasher;
use std::sync::OnceLock;

/// The bytes of string `id`: strings are stored back to back, `ends` holds where each stops.
fn span<'a>(ends: &[usize], bytes: &'a [u8], id: u32) -> &'a [u8] {
    let i = id as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &bytes[start..ends[i]]
}

fn state() -> &'static RandomState {
    static STATE: OnceLock<RandomState> = OnceLock::new();
    STATE.get_or_init(RandomState::default)
}

#[derive(Clone)]
pub struct Interner {
    table: HashTable<u32>,
    ends: Vec<usize>,
    bytes: Vec<u8>,
    state: &'static RandomState,
}

impl Default for Interner {
    fn default() -> Interner {
        Interner {
            table: HashTable::new(),
            ends: Vec::new(),
            bytes: Vec::new(),
            state: state(),
        }
    }
}

impl Interner {
    pub fn intern(&mut self, s: &[u8]) -> u32 {
        let hash = self.state.hash_one(s);
        if let Some(id) = self.find(s, hash) {
            return id;
        }
        let id = u32::try_from(self.ends.len()).expect("more than 2^32 distinct strings");
        let (ends, bytes, state) = (&self.ends, &self.bytes, self.state);
        self.table
            .insert_unique(hash, id, |&id| state.hash_one(span(ends, bytes, id)));
        self.bytes.extend_from_slice(s);
        self.ends.push(self.bytes.len());
        id
    }

    fn find(&self, s: &[u8], hash: u64) -> Option<u32> {
        let (ends, bytes) = (&self.ends, &self.bytes);
        self.table
            .find(hash, |&id| span(ends, bytes, id) == s)
            .copied()
    }

    /// The id of `s`, if interned.
    pub fn lookup(&self, s: &[u8]) -> Option<u32> {
        self.find(s, self.state.hash_one(s))
    }

    pub fn get(&self, id: u32) -> &[u8] {
        span(&self.ends, &self.bytes, id)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Interns every string of `other` here; the result maps `other`'s ids to ours.
    /// Room for all of `other`'s strings is reserved first, new or not: room never
    /// written to is never resident, and growing on the way could copy the largest
    /// buffers of a run while both states are held.
    pub fn absorb(&mut self, other: &Interner) -> Vec<u32> {
        self.bytes.reserve_exact(other.bytes.len());
        self.ends.reserve_exact(other.len());
        (0..other.len() as u32)
            .map(|id| self.intern(other.get(id)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_and_absorbs() {
        let mut a = Interner::default();
        assert_eq!(a.intern(b"x"), 0);
        assert_eq!(a.intern(b""), 1);
        assert_eq!(a.intern(b"x"), 0);
        let mut b = Interner::default();
        b.intern(b"y");
        b.intern(b"x");
        assert_eq!(a.absorb(&b), vec![2, 0]);
        assert_eq!(a.get(2), b"y");
        assert_eq!(a.get(1), b"");
        for i in 0..10_000u32 {
            a.intern(&i.to_le_bytes());
        }
        assert_eq!(a.intern(&77u32.to_le_bytes()), 3 + 77);
    }
}
