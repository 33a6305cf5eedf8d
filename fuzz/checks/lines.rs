//! The line parsers alone, one target per format family, fast enough for millions of
//! inputs; and a differential check: one request written as each format writes it parses
//! to the same request.

use std::net::IpAddr;
use std::sync::LazyLock;

use fsmg_stats::parse::format::{Program, compile, compile_log_format};
use fsmg_stats::parse::{Line, Request, goaccess, nginx};

fn programs(compile: impl Fn(&str) -> Result<Program, String>, formats: &[&str]) -> Vec<Program> {
    formats
        .iter()
        .map(|f| compile(f).unwrap_or_else(|e| panic!("{f}: {e}")))
        .collect()
}

/// Apache `LogFormat` strings: the common ones, and ones with every kind of directive
/// (times in pieces, `%{sec}t`, conditions, original and final status, ports, serve times).
static APACHE: LazyLock<Vec<Program>> = LazyLock::new(|| {
    programs(
        compile,
        &[
            r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#,
            r#"%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#,
            r#"%a %l %u [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] "%r" %<s %s %>s %B %D %{Host}i"#,
            r#"%{sec}t %h "%m %U%q %H" %s %I %O %T %{ms}T %400r "%{Content-Type}o""#,
            r#"%{%Y-%m-%dT%H:%M:%S%z}t %{c}a %X %k %L "%r" %>s %b %{SSL_PROTOCOL}x %{SSL_CIPHER}x"#,
        ],
    )
});

/// GoAccess's predefined formats and strings in its language, with date and time formats.
static GOACCESS: LazyLock<Vec<Program>> = LazyLock::new(|| {
    let mut p = programs(
        compile,
        &[
            "COMBINED",
            "VCOMBINED",
            "COMMON",
            "VCOMMON",
            "W3C",
            "CLOUDFRONT",
            "CLOUDSTORAGE",
            "AWSELB",
            "AWSS3",
            "SQUID",
            "TRAEFIKCLF",
            r#"%v %h %^[%d:%t %^] "%r" %s %b "%R" "%u" %^"#,
        ],
    );
    for (fmt, date, time) in [
        (
            r#"%h [%x] "%m %U %q %H" %s %b %L %e %C %K %k %M"#,
            "%Y-%m-%dT%H:%M:%S%z",
            "%Y-%m-%dT%H:%M:%S%z",
        ),
        (r#"%x %~%h %^"%r" %s %b %T"#, "%s", "%s"),
        (r#"%d %t %h "%r" %s %b %D"#, "%e.%m.%y", "%I:%M:%S %p"),
    ] {
        p.push(goaccess::compile(fmt, Some(date), Some(time)).expect(fmt));
    }
    p
});

/// nginx `log_format` strings (JSON ones are [`JSON`]'s).
static NGINX: LazyLock<Vec<Program>> = LazyLock::new(|| {
    programs(
        nginx::compile,
        &[
            "combined",
            r#"$host $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $server_port"#,
            r#"$remote_addr [$time_iso8601] "$request_method $scheme://$host$request_uri $server_protocol" $status $bytes_sent $request_time"#,
            r#"$msec $realip_remote_addr "$request_method $uri?$args $server_protocol" $status $body_bytes_sent $upstream_cache_status $ssl_protocol/$ssl_cipher "$sent_http_content_type""#,
        ],
    )
});

/// JSON lines: nginx style, Caddy, an nginx `escape=json` format and a GoAccess JSON format.
static JSON: LazyLock<Vec<Program>> = LazyLock::new(|| {
    let mut p = programs(compile, &["JSON", "CADDY"]);
    p.push(
        nginx::compile(
            r#"log_format j escape=json '{"t":"$time_iso8601","ip":"$remote_addr","r":{"m":"$request_method","u":"$request_uri","p":"$server_protocol"},"s":$status,"b":$body_bytes_sent,"rt":$request_time,"ua":"$http_user_agent"}';"#,
        )
        .expect("nginx JSON format"),
    );
    p.push(
        compile_log_format(
            r#"{"ts": "%x.%^", "request": {"client_ip": "%h", "method": "%m", "uri": "%U", "proto": "%H", "headers": {"User-Agent": ["%u"]}}, "status": "%s", "size": "%b", "duration": "%T"}"#,
            None,
            Some("%s"),
        )
        .expect("GoAccess JSON format"),
    );
    p
});

/// Each line of `data` through each program: no panic, and what a request holds is
/// consistent (see [`consistent`]).
fn each_line(programs: &[Program], data: &[u8]) {
    for line in data.split(|&b| b == b'\n') {
        for p in programs {
            if let Line::Request(r) = p.parse_line(line) {
                consistent(&r);
            }
        }
    }
}

pub fn line_apache(data: &[u8]) {
    each_line(&APACHE, data)
}

/// For COMBINED and VCOMMON in [`GOACCESS`], the same program without its shortcut
/// (the common formats' straight reader). The two take every branch of it (a vhost or
/// not, an agent or not); comparing all four members halved the target's rate.
static GENERAL: LazyLock<Vec<Option<Program>>> = LazyLock::new(|| {
    let general: Vec<Option<Program>> = (GOACCESS.iter())
        .map(|p| {
            let compared = p.shortcut.is_some() && matches!(&p.name[..], "COMBINED" | "VCOMMON");
            compared.then(|| p.clone().without_shortcut())
        })
        .collect();
    assert_eq!(general.iter().flatten().count(), 2, "COMBINED and VCOMMON");
    general
});

/// As [`each_line`]; and the common formats' shortcut reads each line as the general
/// matcher does. Only a request can differ: a line the shortcut does not take goes to
/// the general matcher anyway, and one it takes is a request.
pub fn line_goaccess(data: &[u8]) {
    for line in data.split(|&b| b == b'\n') {
        for (p, general) in GOACCESS.iter().zip(GENERAL.iter()) {
            let Line::Request(r) = p.parse_line(line) else {
                continue;
            };
            consistent(&r);
            if let Some(general) = general {
                assert_eq!(general.parse_line(line), Line::Request(r), "{}", p.name);
            }
        }
    }
}

pub fn line_nginx(data: &[u8]) {
    each_line(&NGINX, data)
}

pub fn line_json(data: &[u8]) {
    each_line(&JSON, data)
}

/// What every parsed request must satisfy, whatever the line.
fn consistent(r: &Request<'_>) {
    assert!(r.static_len <= r.url.len(), "static_len past the URL");
    assert!(
        r.status == 0 || (100..=599).contains(&r.status),
        "status {}",
        r.status
    );
    assert!(!r.client_error || (400..500).contains(&r.status));
    assert!(!r.not_found || r.status == 404);
    let t = r.time;
    assert_eq!(r.day, t.day_key());
    // Seconds to 61, as glibc's strptime (and so GoAccess) reads `%S`.
    assert!(t.hour < 24 && t.minute < 60 && t.second <= 61, "{t:?}");
    assert!(
        (1..=12).contains(&t.month) && (1..=31).contains(&t.day),
        "{t:?}"
    );
    let host = std::str::from_utf8(&r.host).expect("an address is ASCII");
    assert_eq!(
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .ok(),
        Some(r.ip)
    );
    // Request rows' text: an empty URL or an agent that decodes to nothing stay empty.
    let _ = r.logged();
}

/// Reads the fuzzer's bytes as choices; zeros once they run out.
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        let (&b, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        b
    }

    fn below(&mut self, n: usize) -> usize {
        usize::from(u16::from_le_bytes([self.byte(), self.byte()])) % n
    }

    fn pick<'t, T>(&mut self, of: &'t [T]) -> &'t T {
        &of[self.below(of.len())]
    }

    /// Text of up to `max` characters from `alphabet`.
    fn text(&mut self, alphabet: &[&str], max: usize) -> String {
        let n = self.below(max + 1);
        (0..n).map(|_| *self.pick(alphabet)).collect()
    }
}

/// Characters of URLs and agents: the ones each format escapes (`"`, `\`, a tab, non-ASCII),
/// percent escapes and the query's `?`, among plain ones.
const URL_CHARS: &[&str] = &[
    "a", "Z", "0", "/", ".", "-", "_", "~", "?", "=", "&", "%", "%2F", "%41", "%zz", "\"", "\\",
    "é", "中", "+", ":", "[", "]", "#", "'", "{", "$",
];
const AGENT_CHARS: &[&str] = &[
    "M", "o", "z", "/", "5", ".", " ", "(", ")", ";", "\"", "\\", "\t", "é", "%20", "-", "\\x",
];

/// One request, as each format family writes it.
struct Written {
    combined: Vec<u8>,
    nginx: Vec<u8>,
    json: Vec<u8>,
}

/// Apache's `ap_escape_logitem`: `"` and `\` escaped, control and non-ASCII bytes as `\xhh`
/// (`\t` and the like by name).
fn apache_escape(s: &str, out: &mut Vec<u8>) {
    for &b in s.as_bytes() {
        match b {
            b'"' => out.extend(br#"\""#),
            b'\\' => out.extend(br"\\"),
            b'\t' => out.extend(br"\t"),
            0..0x20 | 0x7f.. => out.extend(format!("\\x{b:02x}").as_bytes()),
            _ => out.push(b),
        }
    }
}

/// nginx's `escape=default`: `"`, `\`, control and non-ASCII bytes as `\xHH`.
fn nginx_escape(s: &str, out: &mut Vec<u8>) {
    for &b in s.as_bytes() {
        match b {
            b'"' | b'\\' | 0..0x20 | 0x7f.. => out.extend(format!("\\x{b:02X}").as_bytes()),
            _ => out.push(b),
        }
    }
}

fn json_string(s: &str, out: &mut Vec<u8>) {
    out.extend(serde_json::to_string(s).expect("a string").as_bytes());
}

fn write(c: &mut Choices<'_>) -> Written {
    let ip: IpAddr = if c.byte().is_multiple_of(4) {
        let mut a = [0u8; 16];
        a.iter_mut().for_each(|b| *b = c.byte());
        a.into()
    } else {
        [c.byte(), c.byte(), c.byte(), c.byte()].into()
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let when = format!(
        "{:02}/{}/{}:{:02}:{:02}:{:02} {}",
        1 + c.below(28),
        c.pick(&MONTHS),
        1990 + c.below(60),
        c.below(24),
        c.below(60),
        c.below(60),
        c.pick(&["+0000", "+1300", "-0530", "+1245", "-1200"]),
    );
    let method = *c.pick(&["GET", "HEAD", "POST", "OPTIONS", "PUT", "PROPFIND"]);
    let protocol = *c.pick(&["HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/3"]);
    let url = format!("/{}", c.text(URL_CHARS, 24));
    let status = 100 + c.below(500);
    let size = match c.below(4) {
        0 => 0,
        1 => c.below(1000) as u64,
        _ => u64::from_le_bytes([c.byte(), c.byte(), c.byte(), c.byte(), c.byte(), 0, 0, 0]),
    };
    let referer = match c.below(3) {
        0 => "-".to_string(),
        _ => format!("https://example.org/{}", c.text(URL_CHARS, 12)),
    };
    let agent = c
        .text(AGENT_CHARS, 40)
        .trim_matches([' ', '\t'])
        .to_string();
    let request = format!("{method} {url} {protocol}");
    // Both servers' combined format; Apache writes a size of 0 as `-`.
    let combined = |escape: fn(&str, &mut Vec<u8>), size: &str| {
        let mut line = format!("{ip} - - [{when}] \"").into_bytes();
        escape(&request, &mut line);
        line.extend(format!("\" {status} {size} \"").as_bytes());
        escape(&referer, &mut line);
        line.extend(b"\" \"");
        escape(&agent, &mut line);
        line.push(b'"');
        line
    };
    let size_nginx = size.to_string();
    let apache = combined(apache_escape, if size == 0 { "-" } else { &size_nginx });
    let nginx = combined(nginx_escape, &size_nginx);

    let mut json =
        format!(r#"{{"time_local":"{when}","remote_addr":"{ip}","request":"#).into_bytes();
    json_string(&request, &mut json);
    json.extend(
        format!(r#","status":"{status}","body_bytes_sent":"{size_nginx}","http_referer":"#)
            .as_bytes(),
    );
    json_string(&referer, &mut json);
    json.extend(br#","http_user_agent":"#);
    json_string(&agent, &mut json);
    json.push(b'}');
    Written {
        combined: apache,
        nginx,
        json,
    }
}

/// Which of a request's written lines a program reads.
type Reads = fn(&Written) -> &[u8];

static SAME: LazyLock<[(Program, Reads); 4]> = LazyLock::new(|| {
    [
        (compile("COMBINED").expect("COMBINED"), |w| &w.combined),
        (APACHE[0].clone(), |w| &w.combined),
        (nginx::compile("combined").expect("nginx"), |w| &w.nginx),
        (compile("JSON").expect("JSON"), |w| &w.json),
    ]
});

/// The fuzzer's bytes choose a request; it is written as Apache's `combined` (read with
/// GoAccess's COMBINED and with the Apache LogFormat), as nginx's `combined` and as an
/// nginx-style JSON line. All four parse, to the same request: the same address, time,
/// method, protocol, status and size, and the same text as the client sent it.
pub fn same_request(data: &[u8]) {
    let written = write(&mut Choices(data));
    let parsed: Vec<Request<'_>> = SAME
        .iter()
        .map(|(p, line)| match p.parse_line(line(&written)) {
            Line::Request(r) => r,
            other => panic!(
                "{}: {other:?} for {}",
                p.name,
                String::from_utf8_lossy(line(&written))
            ),
        })
        .collect();
    let first = &parsed[0];
    consistent(first);
    for (r, (p, line)) in parsed.iter().zip(SAME.iter()).skip(1) {
        let what = || format!("{} on {}", p.name, String::from_utf8_lossy(line(&written)));
        assert_eq!((r.ip, &r.host), (first.ip, &first.host), "{}", what());
        assert_eq!(r.time, first.time, "{}", what());
        assert_eq!(
            (r.method, r.protocol, r.well_formed),
            (first.method, first.protocol, first.well_formed),
            "{}",
            what()
        );
        assert_eq!(
            (r.status, r.client_error, r.not_found, r.bytes),
            (
                first.status,
                first.client_error,
                first.not_found,
                first.bytes
            ),
            "{}",
            what()
        );
        assert_eq!(r.logged(), first.logged(), "{}", what());
    }
}
