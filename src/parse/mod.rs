//! Parse: one log line, as bytes, into a [`Request`] that borrows from it, or a
//! [`Failure`] saying why the line is not a request. Nothing here allocates on the common
//! path; URL or agent decoding allocates only when the field has `%` escapes.
//!
//! Formats ([`mod@format`]) come in four languages, all compiled to the same fields
//! ([`fields`]): Apache `LogFormat` ([`apache`]), GoAccess's ([`goaccess`]), nginx's
//! ([`nginx`]) and JSON lines ([`json`]); [`sniff`] picks one from a log's first lines.

pub mod apache;
pub mod clf;
pub mod escape;
pub mod fields;
pub mod format;
pub mod goaccess;
pub mod json;
pub mod logged;
pub mod nginx;
pub mod request;
pub mod sniff;
pub mod time;

use std::borrow::Cow;
use std::net::IpAddr;

pub use escape::Escapes;
pub use format::{FormatSpec, Program};
use request::{Method, Protocol, decode_url};
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
    /// A JSON-lines format, and the line is not a JSON object.
    BadJson,
}

impl Failure {
    pub const ALL: [Failure; 12] = [
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
        Failure::BadJson,
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
            Failure::BadJson => "invalid_json",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// What a line is.
// A request is most lines, and each is used once, right away: boxing it would allocate
// per line for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq)]
pub enum Line<'a> {
    /// Empty, or a lone CR in a CRLF file.
    Blank,
    /// Starts with `#` (GoAccess skips these too).
    Comment,
    Request(Request<'a>),
    Failed(Failure),
}

/// A parsed request. Byte fields borrow from the line unless decoding changed them.
///
/// Text fields hold what counting keys on, as GoAccess keys on it: the log's escapes
/// kept (`\"`), URLs and agents percent-decoded. [`Request::logged`] gives the bytes the
/// client sent, for request rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Request<'a> {
    /// The client address exactly as logged (visitors are keyed on this text).
    pub host: Cow<'a, [u8]>,
    pub ip: IpAddr,
    pub day: Day,
    pub time: Tm,
    pub method: Option<Method>,
    pub protocol: Option<Protocol>,
    /// Decoded URL with query string; `-` for a request line that could not be split.
    pub url: Cow<'a, [u8]>,
    /// How much of `url` decides whether it is a static file: all of it, or only the path
    /// when the query was logged as a field of its own (W3C's `cs-uri-query`), as GoAccess
    /// decides it.
    pub static_len: usize,
    /// A real `METHOD URL PROTOCOL` request (not TLS junk or `-`).
    pub well_formed: bool,
    pub status: u16,
    /// The status as written starts with `4`: excluded from unique visitors.
    pub client_error: bool,
    /// The status as written starts with `404`: not a requested file.
    pub not_found: bool,
    pub bytes: u64,
    /// As logged; `-` when there is none.
    pub referer: Cow<'a, [u8]>,
    /// The line had a referrer field (empty or `-` included); a JSON line without the
    /// key has none, and GoAccess counts no referrer for it.
    pub referer_seen: bool,
    /// User agent as GoAccess keys visitors on it: decoded, trimmed, `-` when empty.
    pub agent: Cow<'a, [u8]>,
    /// The agent as logged, if the format has one.
    pub raw_agent: Option<Cow<'a, [u8]>>,
    /// The URL (path and query) as logged, before decoding; `-` when there is none.
    pub raw_url: Cow<'a, [u8]>,
    pub vhost: Option<Cow<'a, [u8]>>,
    /// The authenticated user (`%u`, `$remote_user`), as logged.
    pub user: Option<Cow<'a, [u8]>>,
    pub mime: Option<Cow<'a, [u8]>>,
    pub tls_version: Option<Cow<'a, [u8]>>,
    pub tls_cipher: Option<Cow<'a, [u8]>>,
    pub cache: Option<Cow<'a, [u8]>>,
    pub serve_micros: Option<u64>,
    /// How the log escapes text fields (for [`Request::logged`]).
    pub escapes: Escapes,
}

/// A request's text fields as the client sent them: the log's escapes undone, path and
/// query percent-decoded. What request rows hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub path: Vec<u8>,
    pub query: Option<Vec<u8>>,
    pub referer: Option<Vec<u8>>,
    pub user_agent: Vec<u8>,
}

impl Request<'_> {
    /// The URL as the client sent it, before percent-decoding.
    pub fn logged_url(&self) -> Cow<'_, [u8]> {
        self.escapes.undo(request::trim(&self.raw_url))
    }

    pub fn logged(&self) -> Logged {
        let undo = |b: &[u8]| self.escapes.undo(b).into_owned();
        let url = self.logged_url();
        let decode = |b: &[u8]| decode_url(b).map_or_else(Vec::new, Cow::into_owned);
        let (path, query) = match memchr::memchr(b'?', &url) {
            Some(q) => (decode(&url[..q]), Some(decode(&url[q + 1..]))),
            None => (decode(&url), None),
        };
        let path = if path.is_empty() { url.to_vec() } else { path };
        let user_agent = match self.raw_agent.as_deref().map(undo) {
            Some(a) if !a.is_empty() => decode_url(&a).map_or_else(|| a.clone(), Cow::into_owned),
            _ => b"-".to_vec(),
        };
        Logged {
            path,
            query,
            referer: (*self.referer != *b"-").then(|| undo(&self.referer)),
            user_agent,
        }
    }
}

/// A string of up to `max_len - 1` bytes drawn from `alphabet`: random input for the
/// tests that check a fast path against a plain one.
#[cfg(test)]
pub(crate) fn random_bytes(rng: &mut fastrand::Rng, alphabet: &[u8], max_len: usize) -> Vec<u8> {
    let len = rng.usize(0..max_len);
    (0..len)
        .map(|_| alphabet[rng.usize(..alphabet.len())])
        .collect()
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
                proptest::prop_assert_eq!(&*r.host, f.ip.as_bytes());
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
    fn failures_are_numbered_in_order_and_named_apart() {
        let names: Vec<_> = Failure::ALL.iter().map(|f| f.name()).collect();
        for (i, f) in Failure::ALL.iter().enumerate() {
            assert_eq!(f.index(), i);
            assert!(!names[..i].contains(&f.name()), "{} twice", f.name());
        }
        assert_eq!(names[..2], ["nul_byte", "truncated_or_malformed"]);
        assert_eq!(names.last(), Some(&"invalid_json"));
    }

    /// What request rows hold: the log's escapes undone, path and query decoded apart.
    #[test]
    fn logged_is_what_the_client_sent() {
        let line = r#"1.2.3.4 - - [10/Oct/2018:13:55:36 +1300] "GET /a%20b/\x22c?q=%41%3F&r=\"1\" HTTP/1.1" 200 1 "http://r/\"s\"" "Mo%2Fzilla \"x\"""#;
        let r = parse(line).unwrap();
        assert_eq!(&*r.logged_url(), br#"/a%20b/"c?q=%41%3F&r="1""#);
        let l = r.logged();
        assert_eq!(l.path, br#"/a b/"c"#);
        assert_eq!(l.query.as_deref(), Some(&br#"q=A?&r="1""#[..]));
        assert_eq!(l.referer.as_deref(), Some(&br#"http://r/"s""#[..]));
        assert_eq!(l.user_agent, br#"Mo/zilla "x""#);
        // No query, no referrer, an empty agent.
        let line = r#"1.2.3.4 - - [10/Oct/2018:13:55:36 +1300] "GET /a HTTP/1.1" 200 1 "-" """#;
        let l = parse(line).unwrap().logged();
        assert_eq!((&l.path[..], l.query, l.referer), (&b"/a"[..], None, None));
        assert_eq!(l.user_agent, b"-");
    }

    #[test]
    fn ordinary_line() {
        let r = parse(OK).unwrap();
        assert_eq!(&*r.host, b"1.2.3.4");
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
        assert_eq!(fields::parse_size(b"-"), 0);
        assert_eq!(fields::parse_size(b"99999999999999999999999"), 0);
        assert_eq!(fields::parse_size(b"-5"), 0);
        assert_eq!(fields::parse_size(b"18446744073709551615"), u64::MAX);
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
        assert_eq!(r.vhost.as_deref(), Some(&b"mirror.fsmg.org.nz"[..]));
    }

    #[test]
    fn vcombined() {
        let p = format::compile("VCOMBINED").unwrap();
        let line = format!("mirror.fsmg.org.nz:443 {OK}");
        let Line::Request(r) = p.parse_line(line.as_bytes()) else {
            panic!()
        };
        assert_eq!(r.vhost.as_deref(), Some(&b"mirror.fsmg.org.nz"[..]));
        assert_eq!(r.bytes, 1234);
    }
}
