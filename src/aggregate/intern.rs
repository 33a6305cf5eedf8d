//! Byte-string interning: each distinct string is stored once and named by a `u32`, so
//! that visitor keys and per-item sets are small integers. Keys come from the log, i.e.
//! from whoever sends requests, so the hash is seeded (foldhash), never a fixed one.

use foldhash::fast::RandomState;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// The bytes of string `id`: strings are stored back to back, `ends` holds where each stops.
fn span<'a>(ends: &[usize], bytes: &'a [u8], id: u32) -> &'a [u8] {
    let i = id as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &bytes[start..ends[i]]
}

#[derive(Default, Clone)]
pub struct Interner {
    table: HashTable<u32>,
    hashes: Vec<u64>,
    ends: Vec<usize>,
    bytes: Vec<u8>,
    state: RandomState,
}

impl Interner {
    pub fn intern(&mut self, s: &[u8]) -> u32 {
        let hash = self.state.hash_one(s);
        let Interner {
            table,
            hashes,
            ends,
            bytes,
            ..
        } = self;
        if let Some(&id) = table.find(hash, |&id| span(ends, bytes, id) == s) {
            return id;
        }
        let id = u32::try_from(ends.len()).expect("more than 2^32 distinct strings");
        table.insert_unique(hash, id, |&id| hashes[id as usize]);
        bytes.extend_from_slice(s);
        ends.push(bytes.len());
        hashes.push(hash);
        id
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
    pub fn absorb(&mut self, other: &Interner) -> Vec<u32> {
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
