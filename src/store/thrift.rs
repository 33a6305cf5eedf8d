//! A bounded walk over Thrift compact-protocol structs: a part's footer and page headers are
//! checked here before the Parquet reader parses them.
//!
//! Why: the reader skips the elements of a list it does not know one by one, and a list of
//! booleans takes it no bytes per element, so a damaged footer or page header declaring a
//! list of two billion booleans in two bytes spins for seconds, and a few such lists for
//! minutes (found by `fuzz/`'s `parquet_part`). Here every element takes at least one byte,
//! as it does on the wire, so a count larger than the bytes left is refused and the walk is
//! linear in the bytes.

/// Nesting deeper than any Parquet structure; stops a damaged header from recursing deeply.
const DEPTH: u8 = 64;

/// The value types of the compact protocol (a field's low four bits, a list's element type).
mod kind {
    pub const TRUE: u8 = 1;
    pub const FALSE: u8 = 2;
    pub const BYTE: u8 = 3;
    pub const I16: u8 = 4;
    pub const I32: u8 = 5;
    pub const I64: u8 = 6;
    pub const DOUBLE: u8 = 7;
    pub const BINARY: u8 = 8;
    pub const LIST: u8 = 9;
    pub const SET: u8 = 10;
    pub const MAP: u8 = 11;
    pub const STRUCT: u8 = 12;
    pub const UUID: u8 = 13;
}

/// The fewest bytes a value of `kind` takes as a list, set or map element (`None`: not a
/// value type).
fn least(kind: u8) -> Option<usize> {
    match kind {
        kind::DOUBLE => Some(8),
        kind::TRUE..=kind::STRUCT => Some(1),
        kind::UUID => Some(16),
        _ => None,
    }
}

/// The struct at the start of `bytes`: its length, and the integer values of its top-level
/// fields numbered `wanted` (`None` where absent). `Err` says what is damaged.
pub fn walk<const N: usize>(
    bytes: &[u8],
    wanted: [i16; N],
) -> Result<(usize, [Option<i64>; N]), String> {
    let mut walk = Walk { bytes, at: 0 };
    let mut found = [None; N];
    walk.fields(|walk, id, kind| {
        match wanted.iter().position(|&w| w == id) {
            Some(i) if matches!(kind, kind::I16 | kind::I32 | kind::I64) => {
                found[i] = Some(walk.zigzag()?)
            }
            _ => walk.field(kind, DEPTH - 1)?,
        }
        Ok(())
    })?;
    Ok((walk.at, found))
}

struct Walk<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Walk<'_> {
    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.bytes.get(self.at).ok_or("ends inside a value")?;
        self.at += 1;
        Ok(b)
    }

    fn skip(&mut self, n: u64) -> Result<(), String> {
        if n > self.left() as u64 {
            return Err(format!("{n} bytes declared, {} left", self.left()));
        }
        self.at += n as usize;
        Ok(())
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number longer than ten bytes".into())
    }

    fn zigzag(&mut self) -> Result<i64, String> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// `count` elements of `kind`, refused when they cannot fit in the bytes left.
    fn elements(&mut self, kind: u8, count: u64, depth: u8) -> Result<(), String> {
        let least = least(kind).ok_or_else(|| format!("an element of type {kind}"))?;
        if count.saturating_mul(least as u64) > self.left() as u64 {
            return Err(format!(
                "{count} elements declared, {} bytes left",
                self.left()
            ));
        }
        for _ in 0..count {
            match kind {
                // In a collection a boolean is a byte of its own.
                kind::TRUE | kind::FALSE => self.skip(1)?,
                _ => self.field(kind, depth)?,
            }
        }
        Ok(())
    }

    /// The fields of a struct up to its stop byte, each handed to `each` with its number and
    /// type to be read.
    fn fields(
        &mut self,
        mut each: impl FnMut(&mut Self, i16, u8) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut id = 0i16;
        loop {
            let b = self.byte()?;
            if b == 0 {
                return Ok(());
            }
            id = match b >> 4 {
                0 => i16::try_from(self.zigzag()?).map_err(|_| "a field number past 32767")?,
                delta => id.wrapping_add(i16::from(delta)),
            };
            each(self, id, b & 0x0f)?;
        }
    }

    /// A struct field's value of type `kind` (booleans are in the type: no bytes).
    fn field(&mut self, kind: u8, depth: u8) -> Result<(), String> {
        let depth = depth.checked_sub(1).ok_or("nested too deeply")?;
        match kind {
            kind::TRUE | kind::FALSE => Ok(()),
            kind::BYTE => self.skip(1),
            kind::I16 | kind::I32 | kind::I64 => self.varint().map(drop),
            kind::DOUBLE => self.skip(8),
            kind::BINARY => {
                let n = self.varint()?;
                self.skip(n)
            }
            kind::LIST | kind::SET => {
                let header = self.byte()?;
                // Some writers mark an empty list with a zero byte (the reader allows it).
                if header == 0 {
                    return Ok(());
                }
                let count = match header >> 4 {
                    15 => self.varint()?,
                    n => u64::from(n),
                };
                self.elements(header & 0x0f, count, depth)
            }
            kind::MAP => {
                let count = self.varint()?;
                if count == 0 {
                    return Ok(());
                }
                let types = self.byte()?;
                // A key and a value per entry: each at least a byte.
                if count > self.left() as u64 / 2 {
                    return Err(format!(
                        "{count} entries declared, {} bytes left",
                        self.left()
                    ));
                }
                for _ in 0..count {
                    self.elements(types >> 4, 1, depth)?;
                    self.elements(types & 0x0f, 1, depth)?;
                }
                Ok(())
            }
            kind::STRUCT => self.fields(|walk, _, kind| walk.field(kind, depth)),
            kind::UUID => self.skip(16),
            _ => Err(format!("a field of type {kind}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page header as the Parquet writer writes one: type 0 (a data page), sizes 300 and
    /// 120, a crc, a data page header struct (10 values, encodings 0, 3 and 3), then stop.
    const PAGE: &[u8] = &[
        0x15, 0x00, // field 1, i32: 0
        0x15, 0xd8, 0x04, // field 2, i32: 300
        0x15, 0xf0, 0x01, // field 3, i32: 120
        0x15, 0x0a, // field 4, i32: 5 (a crc)
        0x1c, // field 5, a struct
        0x15, 0x14, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x00, // its fields, stop
        0x00, // stop
        0xaa, 0xbb, // the page's bytes, not the header's
    ];

    #[test]
    fn a_header_is_measured_and_its_sizes_read() {
        let (len, [uncompressed, compressed, absent]) = walk(PAGE, [2, 3, 9]).unwrap();
        assert_eq!(len, PAGE.len() - 2);
        assert_eq!(
            (uncompressed, compressed, absent),
            (Some(300), Some(120), None)
        );
    }

    #[test]
    fn every_cut_of_a_header_is_refused() {
        for cut in 0..PAGE.len() - 2 {
            assert!(walk(&PAGE[..cut], []).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn lists_that_cannot_fit_are_refused_at_once() {
        // Field 1, a list of booleans: 0xf1 (long count, type 1), count 2^31 - 1.
        let spin = [0x19, 0xf1, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00];
        let e = walk(&spin, []).unwrap_err();
        assert_eq!(e, "2147483647 elements declared, 1 bytes left");
        // Three booleans take three bytes, then the stop byte.
        assert_eq!(walk(&[0x19, 0x31, 1, 2, 1, 0x00], []).unwrap().0, 6);
        assert!(walk(&[0x19, 0x31, 1, 2, 0x00], []).is_err());
        // Maps: two bytes an entry at least.
        assert_eq!(
            walk(&[0x1b, 0x01, 0x55, 0x02, 0x04, 0x00], []).unwrap().0,
            6
        );
        assert!(walk(&[0x1b, 0x03, 0x55, 0x02, 0x04, 0x00], []).is_err());
        // Doubles take eight bytes each.
        assert!(walk(&[0x19, 0x27, 0, 0, 0, 0, 0, 0, 0, 0, 0x00], []).is_err());
    }

    #[test]
    fn damage_is_named() {
        let deep: Vec<u8> = std::iter::repeat_n(0x1c, 100).chain([0; 101]).collect();
        assert_eq!(walk(&deep, []).unwrap_err(), "nested too deeply");
        assert_eq!(walk(&[0x1e, 0x00], []).unwrap_err(), "a field of type 14");
        assert_eq!(
            walk(&[0x19, 0x1e, 0x00], []).unwrap_err(),
            "an element of type 14"
        );
        assert_eq!(
            walk(&[0x18, 0x05, 1, 0x00], []).unwrap_err(),
            "5 bytes declared, 2 left"
        );
        let long = [
            0x15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        assert_eq!(
            walk(&long, []).unwrap_err(),
            "a number longer than ten bytes"
        );
        assert!(walk(&[0x05, 0xff, 0xff, 0x07, 0x00, 0x00], []).is_err());
    }
}
