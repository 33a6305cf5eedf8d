//! What the tokens of a line mean, and the one place they become a [`Request`]. Every
//! format language (Apache `LogFormat`, GoAccess's specifiers, nginx `log_format`, JSON
//! field maps) compiles to these fields, so a line means the same whatever the format
//! that described it.
//!
//! A field may appear more than once (`%<s %s %>s`, `"%r" "%400r"`, `$host` and
//! `$server_name`): each occurrence has a rank, and the highest-ranked value the line has
//! wins (Apache's final status over the original, microseconds over seconds). A
//! conditional directive (`%400r`) that Apache wrote as `-` counts as absent.

use std::borrow::Cow;
use std::net::IpAddr;

use super::escape::Escapes;
use super::request::{Method, Protocol, RequestLine, decode_url, parse_request_line};
use super::time::{Parts, TimeFormat};
use super::{Failure, Request};

/// Units of a serve-time field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServeUnit {
    /// Seconds, maybe with a fraction (`%T` in GoAccess, nginx `$request_time`, Caddy).
    Seconds,
    Millis,
    Micros,
}

/// How a query string joins the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryJoin {
    /// Always as `?` + query (GoAccess's `%q`, even for `-`).
    Always,
    /// Apache's `%q` (already starting with `?`, empty when none) and nginx's `$args`
    /// (without `?`, `-` when none).
    IfAny,
}

/// What a token holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field {
    Host,
    /// An address with a port after it (`1.2.3.4:5678`, `[::1]:5678`).
    HostPort,
    /// A time, or a piece of one, read with a strftime format.
    Time(TimeFormat),
    /// A JSON log's time: epoch seconds (a fraction allowed), ISO 8601, or the
    /// `dd/Mon/yyyy:HH:MM:SS +zzzz` of `$time_local`.
    AnyTime,
    /// `METHOD URL PROTOCOL`.
    Request,
    Method,
    /// The URL path, or path and query together (`%U%q`, `$request_uri`).
    Path,
    Query(QueryJoin),
    Protocol,
    Status,
    Size,
    Referer,
    Agent,
    Vhost,
    User,
    Mime,
    TlsVersion,
    TlsCipher,
    Cache,
    Serve(ServeUnit),
}

/// Number of rankable field kinds (times merge their pieces instead).
pub(crate) const SLOTS: usize = 17;

impl Field {
    /// Whether a lone `-` can only mean "not logged" for this field. For the referrer,
    /// agent, user, host name and the like, `-` is a value GoAccess counts (the referrer
    /// `-` is an item of its panel), and a request of `-` is a connection that sent none.
    pub fn dash_is_unset(&self) -> bool {
        matches!(
            self,
            Field::Host
                | Field::HostPort
                | Field::Time(_)
                | Field::AnyTime
                | Field::Method
                | Field::Path
                | Field::Query(_)
                | Field::Protocol
                | Field::Status
                | Field::Size
                | Field::Serve(_)
        )
    }

    pub(crate) fn slot(&self) -> Option<usize> {
        Some(match self {
            Field::Host | Field::HostPort => 0,
            Field::Time(_) | Field::AnyTime => return None,
            Field::Request => 1,
            Field::Method => 2,
            Field::Path => 3,
            Field::Query(_) => 4,
            Field::Protocol => 5,
            Field::Status => 6,
            Field::Size => 7,
            Field::Referer => 8,
            Field::Agent => 9,
            Field::Vhost => 10,
            Field::User => 11,
            Field::Mime => 12,
            Field::TlsVersion => 13,
            Field::TlsCipher => 14,
            Field::Cache => 15,
            Field::Serve(_) => 16,
        })
    }

    /// Whether the format can name the request's day with this field alone.
    pub fn has_date(&self) -> bool {
        match self {
            Field::Time(f) => f.has_date(),
            Field::AnyTime => true,
            _ => false,
        }
    }
}

/// How an occurrence of a field competes with others of the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pick {
    /// Higher wins; equal ranks: the later occurrence wins.
    pub rank: u8,
    /// A lone `-` means "not logged" (Apache's unmet conditions, nginx's unset
    /// variables), so another occurrence may supply the value.
    pub dash_absent: bool,
    /// GoAccess: a field already set does not take this token (its duplicate specifier
    /// leaves the line where it is).
    pub once: bool,
    /// Another occurrence of the same kind is in the format (set by
    /// [`super::format::Program::check`]): only then are ranks kept and compared, a cost
    /// most formats need not pay on every field of every line.
    pub contested: bool,
}

impl Pick {
    pub const PLAIN: Pick = Pick {
        rank: 2,
        dash_absent: false,
        once: false,
        contested: true,
    };

    pub fn ranked(rank: u8) -> Pick {
        Pick {
            rank,
            ..Pick::PLAIN
        }
    }
}

/// The tokens of one line, as they are read.
#[derive(Default)]
pub(crate) struct Fields<'a> {
    ranks: [u8; SLOTS],
    pub time: Parts,
    pub(crate) host: Option<(Cow<'a, [u8]>, IpAddr)>,
    pub(crate) request: Option<Cow<'a, [u8]>>,
    method: Option<Method>,
    path: Option<Cow<'a, [u8]>>,
    query: Option<(Cow<'a, [u8]>, QueryJoin)>,
    protocol: Option<Protocol>,
    pub(crate) status: Option<(u16, bool, bool)>,
    pub(crate) bytes: u64,
    pub(crate) referer: Option<Cow<'a, [u8]>>,
    pub(crate) referer_seen: bool,
    pub(crate) agent: Option<Cow<'a, [u8]>>,
    pub(crate) vhost: Option<Cow<'a, [u8]>>,
    user: Option<Cow<'a, [u8]>>,
    mime: Option<Cow<'a, [u8]>>,
    tls_version: Option<Cow<'a, [u8]>>,
    tls_cipher: Option<Cow<'a, [u8]>>,
    cache: Option<Cow<'a, [u8]>>,
    serve_micros: Option<u64>,
    /// Whether a time field was seen (a line may end before it).
    pub timed: bool,
}

/// `strtol` on a trimmed token, accepting what GoAccess accepts: a sign, then digits only;
/// an HTTP status (100 to 599).
/// A status token's code, whether it is a client error and whether it is a 404: both
/// as written (GoAccess tests the text, so `+404` is neither).
pub(crate) fn status(tok: &[u8]) -> Option<(u16, bool, bool)> {
    let code = parse_status(tok)?;
    Some((code, tok.first() == Some(&b'4'), tok.starts_with(b"404")))
}

fn parse_status(tok: &[u8]) -> Option<u16> {
    // `strtol` takes a `-` too, but a negative number is never a status.
    let digits = tok.strip_prefix(b"+").unwrap_or(tok);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Leading zeros change no value; a status has three digits after them.
    let zeros = digits.iter().take_while(|&&d| d == b'0').count();
    let [a, b, c] = digits[zeros..] else {
        return None;
    };
    let v = [a, b, c]
        .iter()
        .fold(0, |v, &d| v * 10 + u16::from(d - b'0'));
    (100..=599).contains(&v).then_some(v)
}

/// Response size: digits, else 0 (`-`, junk and overflow all count as 0, as in GoAccess;
/// unlike GoAccess, a negative size is 0 rather than wrapped to 2^64 - n).
pub(crate) fn parse_size(tok: &[u8]) -> u64 {
    parse_number(tok.strip_prefix(b"+").unwrap_or(tok)).unwrap_or(0)
}

pub(crate) fn parse_number(tok: &[u8]) -> Option<u64> {
    if tok.is_empty() {
        return None;
    }
    tok.iter().try_fold(0u64, |a, &c| {
        let d = c.wrapping_sub(b'0');
        (d <= 9).then_some(())?;
        a.checked_mul(10)?.checked_add(u64::from(d))
    })
}

pub(crate) fn parse_ip(tok: &[u8]) -> Option<IpAddr> {
    // Both IPv4 (no leading zeros) and IPv6 as `inet_pton` reads them. Dotted quads are
    // most addresses of most logs: read them here, without a UTF-8 check and the
    // general parser's backtracking (a tenth of the time; `ipv4_is_std` checks that
    // they agree).
    if let Some(v4) = parse_ipv4(tok) {
        return Some(IpAddr::V4(v4));
    }
    if let Some(v6) = parse_ipv6_plain(tok) {
        return Some(IpAddr::V6(v6));
    }
    std::str::from_utf8(tok).ok()?.parse().ok()
}

/// Each byte's value as a hex digit; 16 for bytes that are not one.
const HEX: [u8; 256] = {
    let mut table = [16u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            _ => 16,
        };
        b += 1;
    }
    table
};

/// An IPv6 address of hex groups only (no embedded IPv4, no zone), as
/// `Ipv6Addr::from_str` reads it: 8 groups of 1 to 4 hex digits, or at most 7 around
/// one `::`. `None` for anything else, valid or not, which the general parser then
/// gets: whatever this returns, the standard parser returns too (`ipv6_is_std`).
fn parse_ipv6_plain(tok: &[u8]) -> Option<std::net::Ipv6Addr> {
    if !(2..=39).contains(&tok.len()) {
        return None;
    }
    let (mut head, mut tail) = ([0u16; 8], [0u16; 8]);
    let (mut heads, mut tails) = (0, 0);
    let mut gap = false;
    let mut i = 0;
    if tok.starts_with(b"::") {
        gap = true;
        i = 2;
        if i == tok.len() {
            return Some(std::net::Ipv6Addr::UNSPECIFIED);
        }
    }
    loop {
        let start = i;
        let mut group = 0u16;
        while let Some(&d) = tok
            .get(i)
            .map(|&b| &HEX[usize::from(b)])
            .filter(|&&d| d < 16)
        {
            if i - start == 4 {
                return None;
            }
            group = group << 4 | u16::from(d);
            i += 1;
        }
        let (groups, n) = match gap {
            true => (&mut tail, &mut tails),
            false => (&mut head, &mut heads),
        };
        if i == start || *n == 8 {
            return None;
        }
        groups[*n] = group;
        *n += 1;
        if i == tok.len() {
            break;
        }
        if tok[i] != b':' {
            return None;
        }
        i += 1;
        match tok.get(i) {
            Some(b':') if !gap => {
                gap = true;
                i += 1;
                if i == tok.len() {
                    break;
                }
            }
            Some(_) => {}
            None => return None,
        }
    }
    match gap {
        true if heads + tails <= 7 => {}
        false if heads == 8 => {}
        _ => return None,
    }
    let mut groups = [0u16; 8];
    groups[..heads].copy_from_slice(&head[..heads]);
    groups[8 - tails..].copy_from_slice(&tail[..tails]);
    Some(groups.into())
}

/// A dotted quad as `Ipv4Addr::from_str` reads it (1 to 3 digits per part, at most 255,
/// no leading zero); `None` for anything else, which the general parser then gets.
fn parse_ipv4(tok: &[u8]) -> Option<std::net::Ipv4Addr> {
    if tok.len() > 15 {
        return None;
    }
    let mut parts = [0u8; 4];
    let (mut part, mut value, mut digits) = (0, 0u16, 0);
    for &b in tok {
        if b == b'.' {
            if digits == 0 || part == 3 {
                return None;
            }
            parts[part] = value as u8;
            (part, value, digits) = (part + 1, 0, 0);
            continue;
        }
        let d = b.wrapping_sub(b'0');
        // A second digit after a leading 0, or past 255 (which also bounds the digits).
        if d > 9 || (digits == 1 && value == 0) {
            return None;
        }
        value = value * 10 + u16::from(d);
        if value > 255 {
            return None;
        }
        digits += 1;
    }
    if part != 3 || digits == 0 {
        return None;
    }
    parts[3] = value as u8;
    Some(parts.into())
}

/// The address of `ip:port` or `[ip6]:port` (a bare address is kept whole).
fn strip_port(tok: &[u8]) -> &[u8] {
    if let Some(rest) = tok.strip_prefix(b"[") {
        return rest.split(|&b| b == b']').next().unwrap_or(rest);
    }
    match memchr::memrchr(b':', tok) {
        // One colon: IPv4 with a port; more: a bare IPv6 address.
        Some(i) if memchr::memchr(b':', &tok[..i]).is_none() => &tok[..i],
        _ => tok,
    }
}

fn sub<'a>(tok: &Cow<'a, [u8]>, f: impl FnOnce(&[u8]) -> &[u8]) -> Cow<'a, [u8]> {
    match tok {
        Cow::Borrowed(b) => Cow::Borrowed(f(b)),
        Cow::Owned(v) => Cow::Owned(f(v).to_vec()),
    }
}

/// A serve time in microseconds, the way GoAccess reads `%T` (seconds, a fraction allowed,
/// truncated), `%L` and `%D` (whole numbers; anything else is unknown).
fn serve_micros(tok: &[u8], unit: ServeUnit) -> Option<u64> {
    match unit {
        ServeUnit::Micros => parse_number(tok),
        ServeUnit::Millis => parse_number(tok)?.checked_mul(1_000),
        ServeUnit::Seconds => std::str::from_utf8(tok)
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| (s * 1e6) as u64),
    }
}

/// GoAccess's known cache statuses (`%C`); others are not kept.
const CACHE_STATUSES: [&str; 7] = [
    "MISS",
    "BYPASS",
    "EXPIRED",
    "STALE",
    "UPDATING",
    "REVALIDATED",
    "HIT",
];

impl<'a> Fields<'a> {
    /// Whether a field of this kind is set already (GoAccess's duplicate rule).
    pub fn is_set(&self, field: &Field) -> bool {
        field.slot().is_some_and(|s| self.ranks[s] > 0)
    }

    /// Records one token. `None`: the field's closing delimiter never came.
    pub fn store(
        &mut self,
        field: &Field,
        pick: Pick,
        tok: Option<Cow<'a, [u8]>>,
    ) -> Result<(), Failure> {
        // Referer and agent tolerate a missing delimiter; every other field fails the line.
        let tok = match (tok, field) {
            (Some(t), _) => t,
            (None, Field::Referer | Field::Agent) => Cow::Borrowed(&b""[..]),
            (None, _) => return Err(Failure::MissingDelimiter),
        };
        if pick.dash_absent && *tok == *b"-" {
            return Ok(());
        }
        if pick.contested
            && let Some(slot) = field.slot()
        {
            if self.ranks[slot] > pick.rank {
                return Ok(());
            }
            self.ranks[slot] = pick.rank;
        }
        match field {
            Field::Host | Field::HostPort => {
                let tok = match field {
                    Field::HostPort => sub(&tok, strip_port),
                    _ => tok,
                };
                let ip = parse_ip(&tok).ok_or(Failure::BadHost)?;
                self.host = Some((tok, ip));
            }
            Field::Time(format) => {
                self.timed = true;
                format.parse_whole(&tok, &mut self.time).ok_or_else(|| {
                    if format.has_date() {
                        Failure::BadDate
                    } else {
                        Failure::BadTime
                    }
                })?;
            }
            Field::AnyTime => {
                self.timed = true;
                super::time::parse_any(&tok, &mut self.time).ok_or(Failure::BadDate)?;
            }
            Field::Request => self.request = Some(tok),
            Field::Method => {
                self.method = Some(Method::from_prefix_any_case(&tok).ok_or(Failure::BadMethod)?)
            }
            Field::Path => {
                if tok.is_empty() {
                    return Err(Failure::MissingDelimiter);
                }
                self.path = Some(tok);
            }
            Field::Query(join) => self.query = (!tok.is_empty()).then_some((tok, *join)),
            Field::Protocol => {
                self.protocol =
                    Some(Protocol::from_prefix_any_case(&tok).ok_or(Failure::BadProtocol)?)
            }
            Field::Status => {
                self.status = Some(status(&tok).ok_or(Failure::BadStatus)?);
            }
            Field::Size => self.bytes = parse_size(&tok),
            Field::Referer => {
                self.referer_seen = true;
                self.referer = Some(tok).filter(|t| !t.is_empty());
            }
            Field::Agent => self.agent = Some(tok),
            Field::Vhost => self.vhost = Some(tok),
            Field::User => self.user = Some(tok),
            Field::Mime => self.mime = Some(tok),
            Field::TlsVersion => self.tls_version = Some(tok),
            Field::TlsCipher => self.tls_cipher = Some(tok),
            Field::Cache => {
                let known = CACHE_STATUSES
                    .iter()
                    .any(|c| c.as_bytes().eq_ignore_ascii_case(&tok));
                self.cache = known.then_some(tok);
            }
            Field::Serve(unit) => self.serve_micros = serve_micros(&tok, *unit),
        }
        Ok(())
    }

    /// The request these tokens describe, if they describe one.
    /// Takes the tokens out (the accumulator is left empty): moving the whole of it would
    /// copy hundreds of bytes a line.
    pub fn finish(&mut self, escapes: Escapes) -> Result<Request<'a>, Failure> {
        let (host, ip) = self.host.take().ok_or(Failure::NoHost)?;
        let time = self.time.resolve().ok_or(if self.timed {
            Failure::BadDate
        } else {
            Failure::NoDate
        })?;
        let mut static_len = None;
        let query = self.query.take();
        let (request, raw_url) = match (self.request.take(), self.path.take()) {
            (Some(raw), _) => {
                let line = request_line(&raw);
                let raw_url = match line.url_at {
                    Some((at, len)) => sub(&raw, |r| &r[at..at + len]),
                    None => Cow::Borrowed(&b"-"[..]),
                };
                (line, raw_url)
            }
            // `%m %U%q %H` formats: the URL is the path plus the query string.
            (None, Some(path)) => {
                let mut url = decode_url(&path).map(Cow::into_owned).unwrap_or_default();
                let mut raw_url = path;
                if let Some((q, join)) = query {
                    static_len = Some(url.len());
                    let skip = join == QueryJoin::IfAny && q.first() == Some(&b'?');
                    url.push(b'?');
                    raw_url.to_mut().push(b'?');
                    let q = if skip { sub(&q, |q| &q[1..]) } else { q };
                    url.extend_from_slice(&decode_url(&q).unwrap_or_default());
                    raw_url.to_mut().extend_from_slice(&q);
                }
                let line = RequestLine {
                    method: self.method,
                    protocol: self.protocol,
                    url: Cow::Owned(url),
                    url_at: None,
                };
                (line, raw_url)
            }
            (None, None) => return Err(Failure::NoRequest),
        };
        let (status, client_error, not_found) = self.status.unwrap_or((0, false, false));
        let agent = match &self.agent {
            None => Cow::Borrowed(&b"-"[..]),
            Some(a) if a.is_empty() => Cow::Borrowed(&b"-"[..]),
            Some(Cow::Borrowed(a)) => decode_url(a).unwrap_or(Cow::Borrowed(b"-")),
            Some(Cow::Owned(a)) => {
                Cow::Owned(decode_url(a).map_or_else(|| b"-".to_vec(), Cow::into_owned))
            }
        };
        Ok(Request {
            host,
            ip,
            day: time.day_key(),
            time,
            well_formed: request.is_well_formed(),
            method: request.method,
            protocol: request.protocol,
            static_len: static_len.unwrap_or(request.url.len()),
            url: request.url,
            status,
            client_error,
            not_found,
            bytes: self.bytes,
            referer: self.referer.take().unwrap_or(Cow::Borrowed(b"-")),
            referer_seen: self.referer_seen,
            agent,
            raw_agent: self.agent.take(),
            raw_url,
            vhost: self.vhost.take(),
            user: self.user.take(),
            mime: self.mime.take(),
            tls_version: self.tls_version.take(),
            tls_cipher: self.tls_cipher.take(),
            cache: self.cache.take(),
            serve_micros: self.serve_micros,
            escapes,
        })
    }
}

/// A request line split; its URL borrows from the line when the token does.
fn request_line<'a>(raw: &Cow<'a, [u8]>) -> RequestLine<'a> {
    match raw {
        Cow::Borrowed(b) => parse_request_line(b),
        Cow::Owned(v) => {
            let line = parse_request_line(v);
            RequestLine {
                method: line.method,
                protocol: line.protocol,
                url: Cow::Owned(line.url.into_owned()),
                url_at: line.url_at,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_as_strtol_reads_them() {
        for (tok, read) in [
            (&b"200"[..], Some((200, false, false))),
            (b"404", Some((404, true, true))),
            (b"+404", Some((404, false, false))),
            (b"-200", None),
            (b"", None),
            (b"+", None),
            (b"2x0", None),
            (b"099", None),
            (b"600", None),
            (b"0599", Some((599, false, false))),
            (b"+00000000000000000000200", Some((200, false, false))),
            (b"1000", None),
            (b"0", None),
        ] {
            assert_eq!(status(tok), read, "{}", tok.escape_ascii());
        }
    }

    #[test]
    fn a_dash_is_unset_only_where_it_cannot_be_a_value() {
        for f in [
            Field::Host,
            Field::Status,
            Field::Size,
            Field::Path,
            Field::Protocol,
        ] {
            assert!(f.dash_is_unset(), "{f:?}");
        }
        for f in [
            Field::Referer,
            Field::Agent,
            Field::User,
            Field::Vhost,
            Field::Request,
        ] {
            assert!(!f.dash_is_unset(), "{f:?}");
        }
        assert_eq!(Pick::ranked(5).rank, 5);
    }

    /// The fast path reads exactly what the standard parser reads, as it reads it: edge
    /// cases, then random strings over the characters that matter.
    #[test]
    fn ipv4_is_std() {
        let std =
            |t: &[u8]| -> Option<std::net::Ipv4Addr> { std::str::from_utf8(t).ok()?.parse().ok() };
        for t in [
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3.04",
            "1.2.3",
            "1.2.3.4.",
            ".1.2.3.4",
            "1..2.3",
            "1.2.3.4 ",
            "1.2.3.4:80",
            "1000.1.1.1",
            "10.0.0.1",
            "0.00.0.0",
            "+1.2.3.4",
            "1.2.3.-4",
            "",
            "::1",
            "1.2.3.255",
        ] {
            assert_eq!(parse_ipv4(t.as_bytes()), std(t.as_bytes()), "{t}");
        }
        let alphabet = b"0123456789.....:a -+";
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200_000 {
            let t = crate::parse::random_bytes(&mut rng, alphabet, 17);
            assert_eq!(parse_ipv4(&t), std(&t), "{}", String::from_utf8_lossy(&t));
        }
        let mut quads = 0;
        for _ in 0..200_000 {
            let t = format!(
                "{}.{}.{}.{}",
                rng.u16(0..300),
                rng.u16(0..300),
                rng.u16(0..300),
                rng.u16(0..300)
            );
            quads += usize::from(std(t.as_bytes()).is_some());
            assert_eq!(parse_ipv4(t.as_bytes()), std(t.as_bytes()), "{t}");
        }
        assert!(quads > 50_000);
    }

    /// Whatever the IPv6 fast path reads, the standard parser reads the same; and it
    /// reads most well-formed addresses.
    #[test]
    fn ipv6_is_std() {
        let std =
            |t: &[u8]| -> Option<std::net::Ipv6Addr> { std::str::from_utf8(t).ok()?.parse().ok() };
        let check = |t: &[u8]| {
            let fast = parse_ipv6_plain(t);
            assert!(
                fast.is_none() || fast == std(t),
                "{}: {fast:?} against {:?}",
                String::from_utf8_lossy(t),
                std(t)
            );
            assert_eq!(
                parse_ip(t),
                std::str::from_utf8(t).ok().and_then(|s| s.parse().ok())
            );
            fast.is_some()
        };
        for t in [
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "1:2:3:4::5:6:7:8",
            "1::2::3",
            ":::",
            ":1::",
            "1::2:",
            "12345::",
            "fffF::aBcD",
            "1:2:3:4:5:6:7:8:9",
            "2001:db8::1.2.3.4",
            "::ffff:1.2.3.4",
            "fe80::1%eth0",
            "1:",
            ":",
            "0:0:0:0:0:0:0:0",
            "2001:0db8:0000:0000:0000:ff00:0042:8329",
        ] {
            check(t.as_bytes());
        }
        let mut rng = fastrand::Rng::with_seed(11);
        let alphabet = b"0123456789abcdefABCDEF::::::.%g";
        for _ in 0..200_000 {
            let t = crate::parse::random_bytes(&mut rng, alphabet, 24);
            check(&t);
        }
        let mut read = 0;
        for _ in 0..200_000 {
            let groups = rng.usize(0..10);
            let gap = rng.usize(0..groups + 2);
            let mut t = String::new();
            for g in 0..groups {
                if g == gap {
                    t.push_str("::");
                } else if g > 0 {
                    t.push(':');
                }
                for _ in 0..rng.usize(0..6) {
                    t.push(b"0123456789abcdefABCDEF"[rng.usize(..22)] as char);
                }
            }
            if gap == groups {
                t.push_str("::");
            }
            read += usize::from(check(t.as_bytes()));
        }
        assert!(read > 20_000, "{read}");
    }
}
