//! Parse: one log line, as bytes, into a [`Request`] that borrows from it, or a
//! [`Failure`] saying why the line is not a request. Nothing here allocates on the common
//! path; URL or agent decoding allocates only when the field has `%` escapes.

pub mod format;
pub mod request;
pub mod time;

use std::borrow::Cow;
use std::net::IpAddr;

pub use format::Program;
use format::{Field, Step};
use request::{Method, Protocol, RequestLine, decode_url, parse_request_line, trim};
use time::{Day, Tm};

/// Why a non-blank line is not a request. Serialised in `failed.reasons` by these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Failure {
    /// The line starts with a NUL byte (GoAccess skips such lines silently; we count them).
    NulByte,
    /// A field's closing delimiter never came: a truncated line, prose, another format.
    MissingDelimiter,
    BadHost,
    BadDate,
    BadTime,
    BadStatus,
    BadMethod,
    BadProtocol,
    NoHost,
    NoDate,
    NoRequest,
}

impl Failure {
    pub const ALL: [Failure; 11] = [
        Failure::NulByte,
        Failure::MissingDelimiter,
        Failure::BadHost,
        Failure::BadDate,
        Failure::BadTime,
        Failure::BadStatus,
        Failure::BadMethod,
        Failure::BadProtocol,
        Failure::NoHost,
        Failure::NoDate,
        Failure::NoRequest,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Failure::NulByte => "nul_byte",
            Failure::MissingDelimiter => "truncated_or_malformed",
            Failure::BadHost => "invalid_client_ip",
            Failure::BadDate => "invalid_date",
            Failure::BadTime => "invalid_time",
            Failure::BadStatus => "invalid_status",
            Failure::BadMethod => "invalid_method",
            Failure::BadProtocol => "invalid_protocol",
            Failure::NoHost => "missing_client_ip",
            Failure::NoDate => "missing_date",
            Failure::NoRequest => "missing_request",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// What a line is.
#[derive(Debug)]
pub enum Line<'a> {
    /// Empty, or a lone CR in a CRLF file.
    Blank,
    /// Starts with `#` (GoAccess skips these too).
    Comment,
    Request(Request<'a>),
    Failed(Failure),
}

/// A parsed request. Byte fields borrow from the line unless decoding changed them.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The client address exactly as logged (visitors are keyed on this text).
    pub host: &'a [u8],
    pub ip: IpAddr,
    pub day: Day,
    pub time: Tm,
    pub method: Option<Method>,
    pub protocol: Option<Protocol>,
    /// Decoded URL with query string; `-` for a request line that could not be split.
    pub url: Cow<'a, [u8]>,
    /// A real `METHOD URL PROTOCOL` request (not TLS junk or `-`).
    pub well_formed: bool,
    pub status: u16,
    /// The status as written starts with `4`: excluded from unique visitors.
    pub client_error: bool,
    /// The status as written starts with `404`: not a requested file.
    pub not_found: bool,
    pub bytes: u64,
    pub referer: &'a [u8],
    /// User agent as GoAccess keys visitors on it: decoded, trimmed, `-` when empty.
    pub agent: Cow<'a, [u8]>,
    pub vhost: Option<&'a [u8]>,
    pub serve_micros: Option<u64>,
}

/// Splits off one field the way GoAccess's `parse_string` does: up to the `count`-th
/// occurrence of `delim` not preceded by a backslash, or to the end of the line when there
/// is no delimiter. `None` when the delimiter does not occur at all.
fn take_field<'a>(rest: &mut &'a [u8], delim: Option<u8>, count: usize) -> Option<&'a [u8]> {
    let s = *rest;
    let Some(d) = delim else {
        *rest = &s[s.len()..];
        return Some(trim(s));
    };
    memchr::memchr(d, s)?;
    let mut seen = 0;
    let mut i = 0;
    // Jump between delimiters and backslashes; a backslash hides the byte after it.
    while let Some(off) = memchr::memchr2(d, b'\\', &s[i..]) {
        let j = i + off;
        if s[j] == d {
            seen += 1;
            if seen == count {
                *rest = &s[j..];
                return Some(trim(&s[..j]));
            }
        }
        i = if s[j] == b'\\' { j + 2 } else { j + 1 };
        if i >= s.len() {
            break;
        }
    }
    *rest = &s[s.len()..];
    Some(trim(s))
}

/// `strtol` on a trimmed token, accepting what GoAccess accepts: a sign, then digits only.
fn parse_status(tok: &[u8]) -> Option<u16> {
    let (neg, digits) = match tok.split_first()? {
        (b'+', d) => (false, d),
        (b'-', d) => (true, d),
        _ => (false, tok),
    };
    if digits.is_empty() || digits.len() > 12 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v: i64 = digits.iter().fold(0, |a, &c| a * 10 + i64::from(c - b'0'));
    let v = if neg { -v } else { v };
    (100..=599).contains(&v).then_some(v as u16)
}

/// Response size: digits, else 0 (`-`, junk and overflow all count as 0, as in GoAccess;
/// unlike GoAccess, a negative size is 0 rather than wrapped to 2^64 - n).
fn parse_size(tok: &[u8]) -> u64 {
    parse_number(tok.strip_prefix(b"+").unwrap_or(tok)).unwrap_or(0)
}

fn parse_number(tok: &[u8]) -> Option<u64> {
    if tok.is_empty() || !tok.iter().all(u8::is_ascii_digit) {
        return None;
    }
    tok.iter().try_fold(0u64, |a, &c| {
        a.checked_mul(10)?.checked_add(u64::from(c - b'0'))
    })
}

fn parse_ip(tok: &[u8]) -> Option<IpAddr> {
    // Both IPv4 (no leading zeros) and IPv6 as `inet_pton` reads them.
    std::str::from_utf8(tok).ok()?.parse().ok()
}

#[derive(Default)]
struct Fields<'a> {
    /// The zone of `[%d:%t %z]`, when well-formed.
    zone: Option<i16>,
    host: Option<(&'a [u8], IpAddr)>,
    date: Option<Tm>,
    time: Option<Tm>,
    request: Option<RequestLine<'a>>,
    method: Option<Method>,
    path: Option<&'a [u8]>,
    query: Option<&'a [u8]>,
    protocol: Option<Protocol>,
    status: Option<(u16, &'a [u8])>,
    bytes: u64,
    referer: Option<&'a [u8]>,
    agent: Option<&'a [u8]>,
    vhost: Option<&'a [u8]>,
    serve_micros: Option<u64>,
}

impl Program {
    /// Classifies one line (without its `\n`).
    pub fn parse_line<'a>(&self, line: &'a [u8]) -> Line<'a> {
        // C strings end at NUL: GoAccess sees only what precedes one.
        let line = match memchr::memchr(0, line) {
            Some(0) => return Line::Failed(Failure::NulByte),
            Some(i) => &line[..i],
            None => line,
        };
        match line {
            [] | [b'\r'] => return Line::Blank,
            [b'#', ..] => return Line::Comment,
            _ => {}
        }
        match self.match_fields(line) {
            Ok(req) => Line::Request(req),
            Err(f) => Line::Failed(f),
        }
    }

    fn match_fields<'a>(&self, line: &'a [u8]) -> Result<Request<'a>, Failure> {
        let mut f = Fields::default();
        let mut rest = line;
        for step in &self.steps {
            match step {
                Step::Skip => rest = rest.get(1..).unwrap_or_default(),
                Step::SkipTo(d) => {
                    if rest.is_empty() {
                        break;
                    }
                    if let Some(i) = d.and_then(|d| memchr::memchr(d, rest)) {
                        rest = &rest[i..];
                    } else if d.is_none() {
                        rest = &rest[rest.len()..];
                    }
                }
                Step::ZoneTo(d) => {
                    if rest.is_empty() {
                        break;
                    }
                    if let Some(i) = memchr::memchr(*d, rest) {
                        f.zone = time::parse_offset(&rest[..i]);
                        rest = &rest[i..];
                    }
                }
                Step::Field { field, delim } => {
                    if rest.is_empty() {
                        break;
                    }
                    let count = match field {
                        Field::DateTime { spaces, .. } if *delim == Some(b' ') => spaces + 1,
                        _ => 1,
                    };
                    let tok = take_field(&mut rest, *delim, count);
                    store(&mut f, field, tok)?;
                }
            }
        }
        finish(f)
    }
}

fn store<'a>(f: &mut Fields<'a>, field: &Field, tok: Option<&'a [u8]>) -> Result<(), Failure> {
    // Referer and agent tolerate a missing delimiter; every other field fails the line.
    let need = |tok: Option<&'a [u8]>| tok.ok_or(Failure::MissingDelimiter);
    match field {
        Field::Host => {
            let tok = need(tok)?;
            f.host = Some((tok, parse_ip(tok).ok_or(Failure::BadHost)?));
        }
        Field::Date => f.date = Some(time::parse_clf_date(need(tok)?).ok_or(Failure::BadDate)?),
        Field::Time => f.time = Some(time::parse_clf_time(need(tok)?).ok_or(Failure::BadTime)?),
        Field::DateTime { format, .. } => {
            let tm = time::strptime(need(tok)?, format.as_bytes()).ok_or(Failure::BadDate)?;
            f.date = Some(tm);
            f.time = Some(tm);
        }
        Field::Request => f.request = Some(parse_request_line(need(tok)?)),
        Field::Method => {
            let tok = need(tok)?;
            f.method = Some(Method::from_prefix(tok).ok_or(Failure::BadMethod)?.0);
        }
        Field::Path => {
            let tok = need(tok)?;
            if tok.is_empty() {
                return Err(Failure::MissingDelimiter);
            }
            f.path = Some(tok);
        }
        Field::Query => f.query = tok.filter(|t| !t.is_empty()),
        Field::Protocol => {
            f.protocol = Some(Protocol::from_prefix(need(tok)?).ok_or(Failure::BadProtocol)?)
        }
        Field::Status => {
            let tok = need(tok)?;
            f.status = Some((parse_status(tok).ok_or(Failure::BadStatus)?, tok));
        }
        Field::Size => f.bytes = parse_size(need(tok)?),
        Field::Referer => f.referer = Some(tok.filter(|t| !t.is_empty()).unwrap_or(b"-")),
        Field::Agent => f.agent = tok,
        Field::Vhost => f.vhost = Some(need(tok)?),
        Field::ServeMicros => f.serve_micros = parse_number(need(tok)?),
        Field::ServeMillis => f.serve_micros = parse_number(need(tok)?).map(|ms| ms * 1_000),
        Field::ServeSeconds => {
            let tok = need(tok)?;
            f.serve_micros = std::str::from_utf8(tok)
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(|s| (s * 1e6) as u64);
        }
    }
    Ok(())
}

fn finish(f: Fields<'_>) -> Result<Request<'_>, Failure> {
    let (host, ip) = f.host.ok_or(Failure::NoHost)?;
    let date = f.date.ok_or(Failure::NoDate)?;
    let request = match (f.request, f.path) {
        (Some(r), _) => r,
        // `%m %U%q %H` formats: the URL is the path plus the query string.
        (None, Some(path)) => {
            let mut url = decode_url(path).map(Cow::into_owned).unwrap_or_default();
            if let Some(q) = f.query.and_then(decode_url) {
                if q.first() != Some(&b'?') {
                    url.push(b'?');
                }
                url.extend_from_slice(&q);
            }
            RequestLine {
                method: f.method,
                protocol: f.protocol,
                url: Cow::Owned(url),
            }
        }
        (None, None) => return Err(Failure::NoRequest),
    };
    let time = f.time.unwrap_or_default();
    let (status, status_tok) = f.status.unwrap_or((0, b""));
    let agent = match f.agent {
        None | Some([]) => Cow::Borrowed(&b"-"[..]),
        Some(a) => decode_url(a).unwrap_or(Cow::Borrowed(b"-")),
    };
    Ok(Request {
        host,
        ip,
        day: date.day_key(),
        time: Tm {
            utc_offset_min: date.utc_offset_min.or(f.zone),
            year: date.year,
            month: date.month,
            day: date.day,
            ..time
        },
        well_formed: request.is_well_formed(),
        method: request.method,
        protocol: request.protocol,
        url: request.url,
        status,
        client_error: status_tok.first() == Some(&b'4'),
        not_found: status_tok.starts_with(b"404"),
        bytes: f.bytes,
        referer: f.referer.unwrap_or(b"-"),
        agent,
        vhost: f.vhost,
        serve_micros: f.serve_micros,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn combined() -> Program {
        format::compile("COMBINED").unwrap()
    }

    fn parse(line: &str) -> Result<Request<'_>, String> {
        match combined().parse_line(line.as_bytes()) {
            Line::Request(r) => Ok(r.clone()),
            other => Err(format!("{other:?}")),
        }
    }

    const OK: &str = r#"1.2.3.4 - - [10/Oct/2018:13:55:36 +1300] "GET /debian/a.deb HTTP/1.1" 200 1234 "-" "APT-HTTP/1.3 (2.6.1)""#;

    /// One request's fields, as a generator would log them.
    #[derive(Debug, Clone)]
    struct Fields {
        ip: String,
        day: (u16, u8, u8),
        time: (u8, u8, u8),
        method: &'static str,
        path: String,
        protocol: &'static str,
        status: u16,
        bytes: u64,
        agent: String,
        micros: u64,
    }

    fn fields() -> impl proptest::strategy::Strategy<Value = Fields> {
        use proptest::prelude::*;
        let ip = prop_oneof![
            any::<[u8; 4]>().prop_map(|b| std::net::Ipv4Addr::from(b).to_string()),
            any::<[u16; 8]>().prop_map(|b| std::net::Ipv6Addr::from(b).to_string()),
        ];
        (
            ip,
            (1970u16..2100, 1u8..=12, 1u8..=28),
            (0u8..24, 0u8..60, 0u8..60),
            prop::sample::select(vec!["GET", "HEAD", "POST", "OPTIONS", "PROPFIND"]),
            "/[a-zA-Z0-9._~/+-]{0,40}",
            prop::sample::select(vec!["HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3"]),
            100u16..600,
            any::<u32>(),
            "[ -!#-$&-\\[\\]-~]{1,60}",
            any::<u32>(),
        )
            .prop_map(
                |(ip, day, time, method, path, protocol, status, bytes, agent, micros)| Fields {
                    ip,
                    day,
                    time,
                    method,
                    path,
                    protocol,
                    status,
                    bytes: u64::from(bytes),
                    agent,
                    micros: u64::from(micros),
                },
            )
    }

    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];

    proptest::proptest! {
        /// Whatever a request's fields, logged by Apache's combined format (and a custom
        /// one with the serve time first), they parse back to themselves.
        #[test]
        fn logged_fields_parse_back(f in fields()) {
            let date = format!(
                "{:02}/{}/{}:{:02}:{:02}:{:02} +1300",
                f.day.2, MONTHS[f.day.1 as usize - 1], f.day.0, f.time.0, f.time.1, f.time.2
            );
            let request = format!("{} {} {}", f.method, f.path, f.protocol);
            // Logged agents are trimmed; an empty one is `-`.
            let agent = match f.agent.trim() {
                "" => "-",
                a => a,
            };
            let combined = format!(
                "{} - - [{date}] \"{request}\" {} {} \"-\" \"{}\"",
                f.ip, f.status, f.bytes, f.agent
            );
            let custom = format!(
                "{} {} - - [{date}] \"{request}\" {} {} \"{}\"",
                f.micros, f.ip, f.status, f.bytes, f.agent
            );
            for (spec, line) in [
                ("COMBINED", combined),
                (r#"%D %h %l %u %t "%r" %>s %b "%{User-Agent}i""#, custom),
            ] {
                let program = format::compile(spec).unwrap();
                let r = match program.parse_line(line.as_bytes()) {
                    Line::Request(r) => r,
                    other => panic!("{line}: {other:?}"),
                };
                proptest::prop_assert_eq!(r.host, f.ip.as_bytes());
                proptest::prop_assert_eq!(r.ip, f.ip.parse::<std::net::IpAddr>().unwrap());
                let day = u32::from(f.day.0) * 10_000 + u32::from(f.day.1) * 100 + u32::from(f.day.2);
                proptest::prop_assert_eq!(r.day, day);
                proptest::prop_assert_eq!((r.time.hour, r.time.minute, r.time.second), f.time);
                proptest::prop_assert_eq!(r.method.map(|m| m.name()), Some(f.method.to_string()));
                proptest::prop_assert_eq!(r.protocol.map(|p| p.name()), Some(f.protocol));
                proptest::prop_assert_eq!(&*r.url, f.path.as_bytes());
                proptest::prop_assert_eq!((r.status, r.bytes), (f.status, f.bytes));
                proptest::prop_assert_eq!(&*r.agent, agent.as_bytes());
                if spec != "COMBINED" {
                    proptest::prop_assert_eq!(r.serve_micros, Some(f.micros));
                }
            }
        }
    }

    #[test]
    fn ordinary_line() {
        let r = parse(OK).unwrap();
        assert_eq!(r.host, b"1.2.3.4");
        assert_eq!((r.day, r.time.hour), (20181010, 13));
        assert_eq!(&*r.url, b"/debian/a.deb");
        assert_eq!((r.status, r.bytes), (200, 1234));
        assert_eq!(&*r.agent, b"APT-HTTP/1.3 (2.6.1)");
        assert!(r.well_formed && !r.client_error && !r.not_found);
    }

    /// Every case here was run through GoAccess 1.7 (`--log-format=COMBINED`) and the
    /// outcome (valid or failed) is GoAccess's.
    #[test]
    fn goaccess_outcomes() {
        let base = r#"1.1.1.1 - - [10/Oct/2018:13:55:36 +1300] "GET /a/b HTTP/1.1""#;
        let valid = [
            format!(r#"{base} 200 5 "#),
            format!(r#"{base} 200 5 "http://x"#),
            format!(r#"{base} 200 5 "-""#),
            format!(r#"{base} 200 5 "-" "Moz"#),
            format!(r#"{base} 200 - "-" "x""#),
            format!(r#"{base} 200 12ab "-" "x""#),
            format!(r#"{base} +200 5 "-" "x""#),
            format!(r#"{base} 0200 5 "-" "x""#),
            format!(r#"{base} 599 5 "-" "x""#),
            format!("{base} 200 5 \"-\" \"x\"\r"),
            r#"1.1.1.1 - - [31/Feb/2018:13:55:36 +1300] "GET /a HTTP/1.1" 200 5 "-" "x""#.into(),
            r#"1.1.1.1 - - [1/october/2018:13:55:61 +1300] "GET /a HTTP/1.1" 200 5 "-" "x""#.into(),
            r#"1.1.1.1 - - [10/Oct/2018:13:55:36 +1300] "-" 408 0 "-" "-""#.into(),
            r#"1.1.1.1 - - [10/Oct/2018:13:55:36 +1300] "\x16\x03\x01" 400 226 "-" "-""#.into(),
            r#"1.1.1.1 - - [10/Oct/2018:13:55:36 +1300] "GET /a\"b HTTP/1.1" 200 5 "-" "a \"q\" b""#.into(),
            r#"2001:db8::1 - - [10/Oct/2018:13:55:36 +1300] "GET /a HTTP/1.1" 200 5 "-" "x""#.into(),
            r#"::ffff:1.2.3.4 - - [10/Oct/2018:13:55:36 +1300] "GET /a HTTP/1.1" 200 5 "-" "x""#.into(),
            r#"1.1.1.1  - - [10/Oct/2018:13:55:36 +1300] "GET /a HTTP/1.1" 200 5 "-" "x""#.into(),
            "1.1.1.1 - - [10/Oct/2018:13:55:36 +1300] \"GET /a HTTP/1.1\" 200 5 \"-\" \"x\0y\"".into(),
        ];
        for l in &valid {
            assert!(parse(l).is_ok(), "should be valid: {l}");
        }
        let failed = [
            (format!("{base} 200"), Failure::MissingDelimiter),
            (format!("{base} 200 5"), Failure::MissingDelimiter),
            (
                r#"1.1.1.1 - - [10/Oct/2018:13:55:36 +1300] "GET /a/b HT"#.into(),
                Failure::MissingDelimiter,
            ),
            ("GET / HTTP/1.1".into(), Failure::BadHost),
            (OK.replace("1.2.3.4", "999.1.1.1"), Failure::BadHost),
            (OK.replace("1.2.3.4", "example.com"), Failure::BadHost),
            (OK.replace("1.2.3.4", "01.2.3.4"), Failure::BadHost),
            (
                OK.replace("10/Oct/2018:13:55:36", "99/Foo/2018:25:61:61"),
                Failure::BadDate,
            ),
            (OK.replace("13:55:36", "25:61:61"), Failure::BadTime),
            (
                OK.replace("2018:13:55:36 +1300", "20188:13:55:36 +1300"),
                Failure::BadDate,
            ),
            (OK.replace(" +1300]", "]"), Failure::BadTime),
            (OK.replace(" 200 ", " - "), Failure::BadStatus),
            (OK.replace(" 200 ", " 999 "), Failure::BadStatus),
            (OK.replace(" 200 ", " 600 "), Failure::BadStatus),
            (OK.replace("- - [", "- [x] ["), Failure::BadDate),
            ("   ".into(), Failure::BadHost),
            (
                "1.1.1.1 - - [10/Oct/2018:13:55:36 +1300] \"GET /a\0/b HTTP/1.1\" 200 5".into(),
                Failure::MissingDelimiter,
            ),
        ];
        for (l, why) in &failed {
            match combined().parse_line(l.as_bytes()) {
                Line::Failed(f) => assert_eq!(f, *why, "{l}"),
                other => panic!("should fail: {l}: {other:?}"),
            }
        }
    }

    #[test]
    fn blank_comment_nul() {
        let p = combined();
        assert!(matches!(p.parse_line(b""), Line::Blank));
        assert!(matches!(p.parse_line(b"\r"), Line::Blank));
        assert!(matches!(p.parse_line(b"# x"), Line::Comment));
        assert!(matches!(
            p.parse_line(b"\0abc"),
            Line::Failed(Failure::NulByte)
        ));
    }

    #[test]
    fn status_flags_follow_the_text() {
        let l = OK.replace(" 200 ", " 404 ");
        let r = parse(&l).unwrap();
        assert!(r.client_error && r.not_found);
        let l = OK.replace(" 200 ", " +404 ");
        let r = parse(&l).unwrap();
        assert!(!r.client_error && !r.not_found && r.status == 404);
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size(b"-"), 0);
        assert_eq!(parse_size(b"99999999999999999999999"), 0);
        assert_eq!(parse_size(b"-5"), 0);
        assert_eq!(parse_size(b"18446744073709551615"), u64::MAX);
    }

    #[test]
    fn agents_key_like_goaccess() {
        let l = OK.replace("APT-HTTP/1.3 (2.6.1)", "");
        assert_eq!(&*parse(&l).unwrap().agent, b"-");
        let l = OK.replace("APT-HTTP/1.3 (2.6.1)", "a%20b");
        assert_eq!(&*parse(&l).unwrap().agent, b"a b");
    }

    #[test]
    fn apache_custom_format() {
        let p = format::compile(r#"%v %h %l %u [%{%Y-%m-%d %H:%M:%S %z}t] "%m %U%q %H" %>s %O %D"#)
            .unwrap();
        let line = br#"mirror.fsmg.org.nz 2001:db8::5 - - [2019-01-02 03:04:05 +1300] "GET /ubuntu/x.iso?y=1 HTTP/2.0" 200 4000000 1500000"#;
        let Line::Request(r) = p.parse_line(line) else {
            panic!()
        };
        assert_eq!(
            (r.day, r.time.hour, r.time.utc_offset_min),
            (20190102, 3, Some(780))
        );
        assert_eq!(&*r.url, b"/ubuntu/x.iso?y=1");
        assert_eq!(r.protocol.map(Protocol::name), Some("HTTP/2"));
        assert_eq!((r.bytes, r.serve_micros), (4_000_000, Some(1_500_000)));
        assert_eq!(r.vhost, Some(&b"mirror.fsmg.org.nz"[..]));
    }

    #[test]
    fn vcombined() {
        let p = format::compile("VCOMBINED").unwrap();
        let line = format!("mirror.fsmg.org.nz:443 {OK}");
        let Line::Request(r) = p.parse_line(line.as_bytes()) else {
            panic!()
        };
        assert_eq!(r.vhost, Some(&b"mirror.fsmg.org.nz"[..]));
        assert_eq!(r.bytes, 1234);
    }
}
