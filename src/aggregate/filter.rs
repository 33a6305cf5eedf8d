//! GoAccess's filters: `--exclude-ip`, `--ignore-status`, `--ignore-referrer` and
//! `--ignore-crawlers`. A request one of them matches is left out of every number but
//! `total_requests`, and counted in `excluded_requests`, as GoAccess 1.7 leaves it out of
//! all but its total.

use std::net::IpAddr;
use std::str::FromStr;

use ipnetwork::IpNetwork;

use super::panels::referrer_key;
use crate::parse::Request;
use crate::parse::logged::OptionalFields;

/// One `--exclude-ip` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpFilter {
    /// The address as logged, compared as text (GoAccess's `strcmp`: `2001:DB8::1` is not
    /// `2001:db8::1`).
    Exact(Vec<u8>),
    /// `a-b`: addresses of one family from `a` to `b`, inclusive.
    Range(IpAddr, IpAddr),
    /// `net/len` (ours: GoAccess 1.7 reads it as text that never equals an address).
    Cidr(IpNetwork),
}

impl FromStr for IpFilter {
    type Err = String;

    fn from_str(s: &str) -> Result<IpFilter, String> {
        let bad = |why: &str| format!("--exclude-ip {s:?}: {why}");
        if s.contains('/') {
            return IpNetwork::from_str(s)
                .map(IpFilter::Cidr)
                .map_err(|e| bad(&format!("not a network ({e})")));
        }
        let Some((a, b)) = s.split_once('-') else {
            return match s.parse::<IpAddr>() {
                Ok(_) => Ok(IpFilter::Exact(s.as_bytes().to_vec())),
                Err(_) => Err(bad("not an address, a range a-b or a network net/len")),
            };
        };
        let (Ok(a), Ok(b)) = (a.parse::<IpAddr>(), b.parse::<IpAddr>()) else {
            return Err(bad("a range is two addresses, a-b"));
        };
        if a.is_ipv4() != b.is_ipv4() {
            return Err(bad("a range's ends are of one family"));
        }
        Ok(IpFilter::Range(a, b))
    }
}

impl IpFilter {
    fn matches(&self, host: &[u8], ip: IpAddr) -> bool {
        match self {
            IpFilter::Exact(text) => host == text.as_slice(),
            IpFilter::Range(a, b) => same_family(a, ip) && *a <= ip && ip <= *b,
            IpFilter::Cidr(net) => net.contains(ip),
        }
    }
}

fn same_family(a: &IpAddr, b: IpAddr) -> bool {
    a.is_ipv4() == b.is_ipv4()
}

/// The filters of a run; empty: none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub ips: Vec<IpFilter>,
    /// `--ignore-status`: status codes.
    pub statuses: Vec<u16>,
    /// `--ignore-referrer`: patterns (`*` and `?` wildcards).
    pub referrers: Vec<String>,
    /// `--ignore-crawlers`: agents GoAccess's tables call crawlers.
    pub crawlers: bool,
}

/// No filter.
pub static NONE: Filters = Filters {
    ips: Vec::new(),
    statuses: Vec::new(),
    referrers: Vec::new(),
    crawlers: false,
};

impl Filters {
    /// Whether the address, status or referrer of a request (with `fields` its panels'
    /// fields) leaves it out; crawlers are told by [`super::panels::Panels::is_crawler`].
    pub fn excludes(&self, r: &Request<'_>, fields: &OptionalFields<'_>) -> bool {
        self.ips.iter().any(|f| f.matches(&r.host, r.ip))
            || self.statuses.contains(&r.status)
            || fields.referer.is_some_and(|referer| {
                let key = referrer_key(referer);
                (self.referrers.iter()).any(|p| wildcard_match(p.as_bytes(), key))
            })
    }

    /// Whether any filter but crawlers' is given.
    pub fn any(&self) -> bool {
        !(self.ips.is_empty() && self.statuses.is_empty() && self.referrers.is_empty())
    }
}

/// GoAccess's wildcard match, anchored at both ends and case-sensitive: `?` is any one
/// byte; `*` skips to the first next occurrence of the byte after it, without backtracking
/// (so `*.com/` does not match `http://www.example.com/`), and a `*` ending the pattern
/// needs at least one byte (`http://x/*` does not match `http://x/`).
pub fn wildcard_match(pattern: &[u8], s: &[u8]) -> bool {
    let (mut p, mut s) = (pattern, s);
    while let (Some(&want), Some(&have)) = (p.first(), s.first()) {
        if want == b'*' {
            while p.first() == Some(&b'*') {
                p = &p[1..];
            }
            let Some(&next) = p.first() else {
                return true;
            };
            let skip = memchr::memchr(next, s).unwrap_or(s.len());
            s = &s[skip..];
        } else if want == b'?' || want == have {
            (p, s) = (&p[1..], &s[1..]);
        } else {
            return false;
        }
    }
    p.is_empty() && s.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_as_goaccess_matches_them() {
        let r = b"http://www.example.com/page";
        assert!(wildcard_match(b"http://www.example.com/*", r));
        assert!(!wildcard_match(
            b"http://www.example.com/*",
            b"http://www.example.com/"
        ));
        assert!(wildcard_match(b"*example.com*", r));
        assert!(!wildcard_match(b"*.com/", b"http://www.example.com/"));
        assert!(!wildcard_match(b"www.example.com", r));
        assert!(wildcard_match(b"*", b"-"));
        assert!(wildcard_match(b"-", b"-"));
        assert!(wildcard_match(b"http?://*", b"https://x"));
        assert!(!wildcard_match(b"HTTP://*", r));
        assert!(!wildcard_match(b"", b"-"));
    }

    #[test]
    fn addresses_ranges_and_networks() {
        let f = |s: &str| s.parse::<IpFilter>().unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let m = |filter: &IpFilter, s: &str| filter.matches(s.as_bytes(), ip(s));
        assert!(m(&f("10.0.0.1"), "10.0.0.1"));
        assert!(!m(&f("2001:DB8::1"), "2001:db8::1"));
        let range = f("10.0.0.2-10.0.0.10");
        assert!(m(&range, "10.0.0.2") && m(&range, "10.0.0.10") && !m(&range, "10.0.0.11"));
        assert!(!m(&f("2001:db8::-2001:db8::ff"), "10.0.0.5"));
        assert!(m(&f("2001:db8::-2001:db8::ff"), "2001:db8::1"));
        let net = f("203.0.113.0/24");
        assert!(m(&net, "203.0.113.77") && !m(&net, "203.0.114.1"));
        assert!(m(&f("2404:1ce5::/32"), "2404:1ce5:adc2::24cc"));
        for bad in [
            "10.0.0",
            "10.0.0.1-",
            "10.0.0.1-::1",
            "10.0.0.0/33",
            "example.com",
        ] {
            assert!(bad.parse::<IpFilter>().is_err(), "{bad}");
        }
    }
}
