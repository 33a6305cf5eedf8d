//! The embedded IP-to-ASN table: sorted, disjoint address ranges read in place from the
//! bytes `scripts/build-asn-table.py` writes (format described there). A binary search over
//! a contiguous array of range starts is several times faster than an mmdb tree walk plus
//! record decoding, and the table is no larger than the equivalent mmdb.

use std::net::IpAddr;

/// A table over borrowed bytes; every offset is checked once, in [`AsnTable::parse`].
pub struct AsnTable<'a> {
    pub build_date: u32,
    v4: Columns<'a, 4>,
    v6: Columns<'a, 16>,
    org_asns: &'a [u8],
    org_offsets: &'a [u8],
    names: &'a [u8],
}

/// Range starts, range ends (both `W` bytes wide) and ASNs, as parallel columns.
struct Columns<'a, const W: usize> {
    starts: &'a [u8],
    ends: &'a [u8],
    asns: &'a [u8],
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(b[i * 4..i * 4 + 4].try_into().expect("4 bytes"))
}

fn u128_at<const W: usize>(b: &[u8], i: usize) -> u128 {
    let mut v = [0u8; 16];
    v[..W].copy_from_slice(&b[i * W..i * W + W]);
    u128::from_le_bytes(v)
}

impl<const W: usize> Columns<'_, W> {
    fn len(&self) -> usize {
        self.asns.len() / 4
    }

    fn lookup(&self, ip: u128) -> Option<u32> {
        // Last range starting at or before `ip`.
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if u128_at::<W>(self.starts, mid) <= ip {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let i = lo.checked_sub(1)?;
        (ip <= u128_at::<W>(self.ends, i)).then(|| u32_at(self.asns, i))
    }
}

impl<'a> AsnTable<'a> {
    pub fn parse(bytes: &'a [u8]) -> Result<AsnTable<'a>, String> {
        let mut rest = bytes
            .strip_prefix(b"FSMGASN1")
            .ok_or("not an fsmg-stats ASN table")?;
        let mut take = |n: usize| -> Result<&'a [u8], String> {
            if rest.len() < n {
                return Err("truncated ASN table".into());
            }
            let (head, tail) = rest.split_at(n);
            rest = tail;
            Ok(head)
        };
        let header = take(20)?;
        let field = |i| u32_at(header, i) as usize;
        let (n4, n6, orgs, names_len) = (field(1), field(2), field(3), field(4));
        let table = AsnTable {
            build_date: u32_at(header, 0),
            v4: Columns {
                starts: take(n4 * 4)?,
                ends: take(n4 * 4)?,
                asns: take(n4 * 4)?,
            },
            v6: Columns {
                starts: take(n6 * 16)?,
                ends: take(n6 * 16)?,
                asns: take(n6 * 4)?,
            },
            org_asns: take(orgs * 4)?,
            org_offsets: take((orgs + 1) * 4)?,
            names: take(names_len)?,
        };
        let offsets_ok = (0..orgs).all(|i| {
            let (a, b) = (
                u32_at(table.org_offsets, i),
                u32_at(table.org_offsets, i + 1),
            );
            a <= b && b as usize <= names_len
        });
        if !offsets_ok {
            return Err("corrupt organisation names in ASN table".into());
        }
        Ok(table)
    }

    /// The ASN announcing `ip` (IPv4 as such, also when v4-mapped by the caller).
    pub fn lookup(&self, ip: IpAddr) -> Option<u32> {
        match ip {
            IpAddr::V4(v4) => self.v4.lookup(u128::from(u32::from(v4))),
            IpAddr::V6(v6) => self.v6.lookup(u128::from(v6)),
        }
    }

    /// The organisation name of an ASN.
    pub fn org(&self, asn: u32) -> Option<&'a str> {
        let n = self.org_asns.len() / 4;
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match u32_at(self.org_asns, mid).cmp(&asn) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => {
                    let (a, b) = (
                        u32_at(self.org_offsets, mid) as usize,
                        u32_at(self.org_offsets, mid + 1) as usize,
                    );
                    return std::str::from_utf8(&self.names[a..b]).ok();
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes the build script would write for a tiny table.
    fn table_bytes() -> Vec<u8> {
        let mut b = b"FSMGASN1".to_vec();
        for v in [20260617u32, 2, 1, 2, 9] {
            b.extend(v.to_le_bytes());
        }
        for v in [
            0x0101_0100u32,
            0x0808_0800,
            0x0101_01ff,
            0x0808_08ff,
            13335,
            15169,
        ] {
            b.extend(v.to_le_bytes());
        }
        let v6: u128 = "2001:db8::".parse::<std::net::Ipv6Addr>().unwrap().into();
        b.extend(v6.to_le_bytes());
        b.extend((v6 + 0xffff).to_le_bytes());
        b.extend(64512u32.to_le_bytes());
        for v in [13335u32, 15169, 0, 4, 9] {
            b.extend(v.to_le_bytes());
        }
        b.extend(b"CLFLGoogl");
        b
    }

    #[test]
    fn finds_ranges_and_names() {
        let bytes = table_bytes();
        let t = AsnTable::parse(&bytes).unwrap();
        let asn = |s: &str| t.lookup(s.parse().unwrap());
        assert_eq!(asn("1.1.1.0"), Some(13335));
        assert_eq!(asn("1.1.1.255"), Some(13335));
        assert_eq!(asn("1.1.2.0"), None);
        assert_eq!(asn("0.0.0.1"), None);
        assert_eq!(asn("8.8.8.8"), Some(15169));
        assert_eq!(asn("9.9.9.9"), None);
        assert_eq!(asn("2001:db8::1"), Some(64512));
        assert_eq!(asn("2001:db8::1:0"), None);
        assert_eq!(t.org(13335), Some("CLFL"));
        assert_eq!(t.org(15169), Some("Googl"));
        assert_eq!(t.org(1), None);
        assert_eq!(t.build_date, 20260617);
    }

    #[test]
    fn rejects_damaged_tables() {
        let bytes = table_bytes();
        assert!(AsnTable::parse(&bytes[..bytes.len() - 1]).is_err());
        assert!(AsnTable::parse(b"FSMGASN2").is_err());
        let mut bad = bytes.clone();
        let at = bad.len() - 9 - 4;
        bad[at..at + 4].copy_from_slice(&99u32.to_le_bytes());
        assert!(AsnTable::parse(&bad).is_err());
    }
}
