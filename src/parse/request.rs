//! The request line (`GET /debian/dists/bookworm/InRelease HTTP/1.1`), split into method,
//! URL and protocol by GoAccess's rules so that "requested files" count the same:
//! the method is a known prefix, the protocol follows the last space, the URL between is
//! percent-decoded once. A line with no known method (TLS bytes, `-`) is kept whole as the
//! URL; a known method without a protocol makes the URL `-`.

use std::borrow::Cow;

/// Methods GoAccess recognises, matched as prefixes of the request line, case-sensitively.
const METHODS: &[&str] = &[
    "OPTIONS",
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "TRACE",
    "CONNECT",
    "PATCH",
    "options",
    "get",
    "head",
    "post",
    "put",
    "delete",
    "trace",
    "connect",
    "patch",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "VERSION-CONTROL",
    "REPORT",
    "CHECKOUT",
    "CHECKIN",
    "UNCHECKOUT",
    "MKWORKSPACE",
    "UPDATE",
    "LABEL",
    "MERGE",
    "BASELINE-CONTROL",
    "MKACTIVITY",
    "ORDERPATCH",
    "propfind",
    "propwatch",
    "mkcol",
    "copy",
    "move",
    "lock",
    "unlock",
    "version-control",
    "report",
    "checkout",
    "checkin",
    "uncheckout",
    "mkworkspace",
    "update",
    "label",
    "merge",
    "baseline-control",
    "mkactivity",
    "orderpatch",
];

/// Protocols, matched as prefixes (`HTTP/2.0` is `HTTP/2`).
pub const PROTOCOLS: &[&str] = &["HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3"];

/// An HTTP method, as an index into an upper-cased table, so that it is `Copy` and cheap
/// to key on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Method(u8);

impl Method {
    pub fn from_prefix(line: &[u8]) -> Option<(Method, usize)> {
        METHODS
            .iter()
            .position(|m| line.starts_with(m.as_bytes()))
            .map(|i| (Method::upper(i), METHODS[i].len()))
    }

    /// The method at `i`, as its upper-case entry when it has one (GoAccess keys `get`
    /// and `GET` alike).
    fn upper(i: usize) -> Method {
        // Upper-case entries come first; only a lower-case one is looked up.
        if METHODS[i].as_bytes()[0].is_ascii_uppercase() {
            return Method(i as u8);
        }
        let same = METHODS
            .iter()
            .position(|m| m.eq_ignore_ascii_case(METHODS[i]))
            .unwrap_or(i);
        Method(same as u8)
    }

    /// A method field on its own (`%m`): a known method as a prefix, any case, as
    /// GoAccess's `%m` takes it.
    pub fn from_prefix_any_case(tok: &[u8]) -> Option<Method> {
        METHODS
            .iter()
            .position(|m| tok.len() >= m.len() && tok[..m.len()].eq_ignore_ascii_case(m.as_bytes()))
            .map(Method::upper)
    }

    pub fn index(self) -> u8 {
        self.0
    }

    pub fn from_index(i: u8) -> Option<Method> {
        (usize::from(i) < METHODS.len()).then_some(Method(i))
    }

    pub fn is_get(self) -> bool {
        METHODS[self.0 as usize].eq_ignore_ascii_case("GET")
    }

    /// Upper-cased name (`get` is logged as `GET` by GoAccess too).
    pub fn name(self) -> String {
        METHODS[self.0 as usize].to_ascii_uppercase()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Protocol(u8);

impl Protocol {
    pub fn from_prefix(tok: &[u8]) -> Option<Protocol> {
        PROTOCOLS
            .iter()
            .position(|p| tok.starts_with(p.as_bytes()))
            .map(|i| Protocol(i as u8))
    }

    /// A protocol field on its own (`%H`): any case, as GoAccess's `%H` takes it.
    pub fn from_prefix_any_case(tok: &[u8]) -> Option<Protocol> {
        PROTOCOLS
            .iter()
            .position(|p| tok.len() >= p.len() && tok[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
            .map(|i| Protocol(i as u8))
    }

    pub fn index(self) -> u8 {
        self.0
    }

    pub fn from_index(i: u8) -> Option<Protocol> {
        (usize::from(i) < PROTOCOLS.len()).then_some(Protocol(i))
    }

    pub fn name(self) -> &'static str {
        PROTOCOLS[self.0 as usize]
    }
}

/// A request's method and protocol as one key, as requested files are counted by them
/// (`u8::MAX` for none).
pub fn kind(method: Option<Method>, protocol: Option<Protocol>) -> u16 {
    let m = method.map_or(u8::MAX, Method::index);
    u16::from_be_bytes([m, protocol.map_or(u8::MAX, Protocol::index)])
}

/// The [`kind`] of a method and protocol by name, as request rows hold them.
pub fn kind_of_names(method: Option<&str>, protocol: Option<&str>) -> u16 {
    kind(
        method
            .and_then(|m| Method::from_prefix(m.as_bytes()))
            .map(|(m, _)| m),
        protocol.and_then(|p| Protocol::from_prefix(p.as_bytes())),
    )
}

/// The method and protocol names of a [`kind`].
pub fn kind_names(kind: u16) -> (Option<String>, Option<&'static str>) {
    let [m, p] = kind.to_be_bytes();
    (
        Method::from_index(m).map(Method::name),
        Protocol::from_index(p).map(Protocol::name),
    )
}

/// A request line taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine<'a> {
    pub method: Option<Method>,
    pub protocol: Option<Protocol>,
    /// Decoded URL including any query string; `-` when the line could not be split.
    pub url: Cow<'a, [u8]>,
    /// Where the URL lies in the token as logged, maybe with white space around it
    /// (`None` when it is `-`).
    pub url_at: Option<(usize, usize)>,
}

impl RequestLine<'_> {
    /// Whether this was a real `METHOD URL PROTOCOL` line (not TLS bytes or `-`).
    pub fn is_well_formed(&self) -> bool {
        self.method.is_some()
    }
}

pub fn parse_request_line(tok: &[u8]) -> RequestLine<'_> {
    let Some((method, mlen)) = Method::from_prefix(tok) else {
        return RequestLine {
            method: None,
            protocol: None,
            url: decode_url_or_raw(tok),
            url_at: Some((0, tok.len())),
        };
    };
    let rest = &tok[mlen..];
    let invalid = RequestLine {
        method: None,
        protocol: None,
        url: Cow::Borrowed(b"-"),
        url_at: None,
    };
    let Some(space) = memchr::memrchr(b' ', rest) else {
        return invalid;
    };
    let Some(protocol) = Protocol::from_prefix(&rest[space + 1..]) else {
        return invalid;
    };
    // GoAccess skips exactly one byte after the method and keeps what precedes the
    // protocol (the space included; decoding trims it).
    if space < 1 {
        return invalid;
    }
    RequestLine {
        method: Some(method),
        protocol: Some(protocol),
        url: decode_url_or_raw(&rest[1..space + 1]),
        // Untrimmed (a space before the protocol stays): trimmed only when rows need it.
        url_at: Some((mlen + 1, space)),
    }
}

/// GoAccess's `decode_url` followed by its fallback: the decoded, trimmed URL, or the raw
/// text when decoding leaves nothing.
fn decode_url_or_raw(raw: &[u8]) -> Cow<'_, [u8]> {
    match decode_url(raw) {
        Some(d) if !d.is_empty() => d,
        _ => Cow::Borrowed(raw),
    }
}

pub(crate) fn is_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

pub(crate) fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !is_space(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !is_space(*last) {
            break;
        }
        s = rest;
    }
    s
}

/// Percent-decodes once (`%2E` → `.`), cuts at a decoded NUL (C strings end there), drops
/// CR and LF, trims white space. `None` for empty input, as in GoAccess.
pub fn decode_url(raw: &[u8]) -> Option<Cow<'_, [u8]>> {
    if raw.is_empty() {
        return None;
    }
    if memchr::memchr3(b'%', b'\r', b'\n', raw).is_none() {
        return Some(Cow::Borrowed(trim(raw)));
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        let hex = |j: usize| raw.get(j).and_then(|&h| (h as char).to_digit(16));
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                let b = (hi * 16 + lo) as u8;
                if b == 0 {
                    break;
                }
                out.push(b);
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out.retain(|&b| b != b'\r' && b != b'\n');
    let t = trim(&out);
    Some(Cow::Owned(t.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(line: &str) -> (Option<String>, Option<&'static str>, String) {
        let r = parse_request_line(line.as_bytes());
        (
            r.method.map(Method::name),
            r.protocol.map(Protocol::name),
            String::from_utf8_lossy(&r.url).into_owned(),
        )
    }

    #[test]
    fn ordinary() {
        assert_eq!(
            parts("GET /debian/pool/a.deb HTTP/1.1"),
            (
                Some("GET".into()),
                Some("HTTP/1.1"),
                "/debian/pool/a.deb".into()
            )
        );
        assert_eq!(
            parts("get /a http/1.1").2,
            "-",
            "protocol is case-sensitive"
        );
        assert_eq!(parts("get /a HTTP/1.1").0.as_deref(), Some("GET"));
        assert_eq!(parts("GET /a HTTP/2.0").1, Some("HTTP/2"));
        assert_eq!(parts("GET /a HTTP/3").1, Some("HTTP/3"));
        assert_eq!(parts("GETX /a/b HTTP/1.1").2, "/a/b");
        assert_eq!(parts("GET /a?x=1 y HTTP/1.1").2, "/a?x=1 y");
    }

    #[test]
    fn unparseable_lines() {
        // No method: the whole line is the URL.
        assert_eq!(parts("-"), (None, None, "-".into()));
        assert_eq!(parts("\\x16\\x03\\x01").2, "\\x16\\x03\\x01");
        // Method but no protocol: the URL is `-`.
        assert_eq!(parts("GET /a/b"), (None, None, "-".into()));
        assert_eq!(parts("GET HTTP/1.1"), (None, None, "-".into()));
        assert_eq!(parts("").2, "");
    }

    #[test]
    fn decoding() {
        assert_eq!(parts("GET /a/%62%00c HTTP/1.1").2, "/a/b");
        assert_eq!(parts("GET /x%2Eiso HTTP/1.1").2, "/x.iso");
        assert_eq!(parts("GET /bad%zz HTTP/1.1").2, "/bad%zz");
        assert_eq!(parts("GET /%20 HTTP/1.1").2, "/");
        assert_eq!(decode_url(b"%20").as_deref(), Some(&b""[..]));
        assert_eq!(decode_url(b"a%0Ab").as_deref(), Some(&b"ab"[..]));
        assert_eq!(decode_url(b""), None);
    }
}
