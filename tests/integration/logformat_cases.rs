//! A peer's LogFormat test suite: the parse cases of the Python package `apachelogs` (MIT),
//! collected in `../shared/data/real-logs/logformat-cases.jsonl` (see its SOURCES.md).
//! Each case is a format, a line and the fields apachelogs reads from it. A case that is
//! not a whole request is completed to one the way a log would have it (a client, a time,
//! a request line and a status added where it lacks them), then every field we read is
//! compared. Cases that cannot be a request are listed below with the reason; the
//! `bad_format` cases must be refused, naming what is wrong.

use fsmg_stats::parse::format::compile;
use fsmg_stats::parse::{Line, Request, apache};
use serde_json::Value;

use crate::util::real_logs;

/// Cases that describe no request, with why (format, line).
const NOT_REQUESTS: &[(&str, &str, &str)] = &[
    (
        "%s",
        "000",
        "000 is not an HTTP status; GoAccess fails the line too",
    ),
    (
        "%200{%Y-%m-%d}t",
        "-",
        "the time was not logged (an unmet condition)",
    ),
    ("%200t", "-", "the time was not logged (an unmet condition)"),
    (
        "%200{}t",
        "-",
        "the time was not logged (an unmet condition)",
    ),
    ("%200{%I:%M:%S %p}t", "-", "a time of day with no date"),
    (
        "%200{%I:%M:%S %p}t",
        "12:34:56 ",
        "a time of day with no date",
    ),
    (
        "%{%a %b %d}t %r",
        "Sat Nov 25 GET / HTTP/1.1",
        "a date with no year",
    ),
    (
        "%{%A %B %d}t %r",
        "Saturday November 25 GET / HTTP/1.1",
        "a date with no year",
    ),
    (
        "%{%w (%u) %m/%d}t %r",
        "6 (6) 11/25 GET / HTTP/1.1",
        "a date with no year",
    ),
];

fn has(format: &str, letters: &str) -> bool {
    let b = format.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        i += 1;
        if b.get(i) == Some(&b'%') {
            i += 1;
            continue;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b",!<>".contains(&b[i])) {
            i += 1;
        }
        if b.get(i) == Some(&b'{') {
            i += b[i..].iter().position(|&c| c == b'}').unwrap_or(0) + 1;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b",!<>".contains(&b[i])) {
            i += 1;
        }
        if b.get(i).is_some_and(|c| letters.as_bytes().contains(c)) {
            return true;
        }
    }
    false
}

/// The case's format and line made into a loggable request.
fn completed(format: &str, line: &[u8]) -> (String, Vec<u8>) {
    let (mut f, mut l) = (String::new(), Vec::new());
    if !has(format, "ha") {
        f += "%h ";
        l.extend(b"192.0.2.1 ");
    }
    if !has(format, "t") {
        f += "%t ";
        l.extend(b"[01/Jan/2020:00:00:00 +0000] ");
    }
    if !has(format, "rU") {
        f += "\"%r\" ";
        l.extend(b"\"GET / HTTP/1.1\" ");
    }
    // Before the case's own fields, so that a last field still runs to the line's end.
    if !has(format, "s") {
        f += "%>s ";
        l.extend(b"200 ");
    }
    f += format;
    l.extend(line);
    (f, l)
}

/// A text value of the case as the bytes the log holds (apachelogs decodes them as
/// Latin-1 or UTF-8, as the case says).
fn bytes(v: &str, encoding: &str) -> Vec<u8> {
    match encoding {
        // `bytes` cases are written as Latin-1 too (SOURCES.md).
        "iso-8859-1" | "bytes" => v.chars().map(|c| c as u32 as u8).collect(),
        _ => v.as_bytes().to_vec(),
    }
}

/// The first of `keys` the expected fields have.
fn first<'v>(e: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    keys.iter().find_map(|k| e.get(*k))
}

/// Compares what we read with what apachelogs read; returns the differences.
fn compare(r: &Request<'_>, e: &Value, enc: &str) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut check = |what: &str, ours: Vec<u8>, want: Vec<u8>| {
        if ours != want {
            diffs.push(format!(
                "{what}: ours {:?}, apachelogs {:?}",
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&want)
            ));
        }
    };
    let text = |v: &Value| v.as_str().map(|s| bytes(s, enc));
    let logged = r.logged();
    if let Some(h) = first(e, &["remote_address", "remote_host"]).and_then(text) {
        check("host", r.host.to_vec(), h);
    }
    let times = [
        "final_request_time",
        "request_time",
        "original_request_time",
        "begin_request_time",
        "end_request_time",
        "original_end_request_time",
    ];
    match first(e, &times) {
        Some(Value::String(t)) => check(
            "time",
            r.time.iso8601().into_bytes(),
            t.clone().into_bytes(),
        ),
        _ => {
            // No whole time: the date pieces must still be the request's day.
            let fields = e
                .as_object()
                .into_iter()
                .flatten()
                .find(|(k, _)| k.ends_with("time_fields"))
                .map(|(_, v)| v);
            if let Some(f) = fields
                && let (Some(y), Some(m), Some(d)) =
                    (f["year"].as_u64(), f["mon"].as_u64(), f["mday"].as_u64())
            {
                let want = format!("{y:04}{m:02}{d:02}");
                check("day", r.day.to_string().into_bytes(), want.into_bytes());
            }
        }
    }
    if let Some(line) = e.get("request_line").and_then(text) {
        let ours = match (r.method, r.protocol) {
            (Some(m), Some(p)) => [
                m.name().as_bytes(),
                b" ",
                &r.logged_url(),
                b" ",
                p.name().as_bytes(),
            ]
            .concat(),
            _ => r.logged_url().to_vec(),
        };
        check("request line", ours, line);
    }
    if let Some(m) = e.get("request_method").and_then(text) {
        check(
            "method",
            r.method.map(|m| m.name()).unwrap_or_default().into_bytes(),
            m,
        );
    }
    if let Some(u) = e.get("request_uri").and_then(text) {
        check("path", logged.path.clone(), u);
    }
    if let Some(q) = e.get("request_query").and_then(text) {
        let ours = logged
            .query
            .clone()
            .map(|q| [b"?".to_vec(), q].concat())
            .unwrap_or_default();
        check("query", ours, q);
    }
    if let Some(p) = e.get("request_protocol").and_then(text) {
        check(
            "protocol",
            r.protocol
                .map(|p| p.name())
                .unwrap_or_default()
                .as_bytes()
                .to_vec(),
            p,
        );
    }
    if let Some(s) =
        first(e, &["final_status", "status", "original_status"]).and_then(Value::as_u64)
    {
        check(
            "status",
            r.status.to_string().into_bytes(),
            s.to_string().into_bytes(),
        );
    }
    if let Some(b) = first(e, &["bytes_sent", "bytes_out"]) {
        check(
            "bytes",
            r.bytes.to_string().into_bytes(),
            b.as_u64().unwrap_or(0).to_string().into_bytes(),
        );
    }
    let header = |name: &str| {
        ["final_headers_in", "headers_in", "original_headers_in"]
            .iter()
            .find_map(|k| e.get(*k).and_then(|h| h.get(name)))
    };
    if let Some(v) = header("Referer") {
        let want = text(v).unwrap_or_default();
        check("referer", logged.referer.clone().unwrap_or_default(), want);
    }
    if let Some(v) = header("User-Agent") {
        let want = text(v).unwrap_or_else(|| b"-".to_vec());
        check("user agent", logged.user_agent.clone(), want);
    }
    if let Some(v) = e.get("virtual_host").and_then(text) {
        check("vhost", r.vhost.as_deref().unwrap_or_default().to_vec(), v);
    }
    if let Some(v) = e.get("remote_user") {
        // Apache writes an empty user as `""`, and no user as `-`.
        let ours = match r.user.as_deref() {
            None | Some(b"-") => None,
            Some(b"\"\"") => Some(Vec::new()),
            Some(u) => Some(u.to_vec()),
        };
        check(
            "user",
            ours.unwrap_or_else(|| b"(none)".to_vec()),
            text(v).unwrap_or_else(|| b"(none)".to_vec()),
        );
    }
    let serve = [
        ("request_duration_microseconds", 1),
        ("request_duration_milliseconds", 1_000),
        ("request_duration_seconds", 1_000_000),
    ]
    .iter()
    .find_map(|(k, scale)| e.get(*k).and_then(Value::as_u64).map(|v| v * scale));
    if let Some(us) = serve {
        check(
            "serve time",
            format!("{:?}", r.serve_micros).into_bytes(),
            format!("{:?}", Some(us)).into_bytes(),
        );
    }
    diffs
}

#[test]
fn apachelogs_parse_cases() {
    let Some(dir) = real_logs() else { return };
    let text = std::fs::read_to_string(dir.join("logformat-cases.jsonl")).unwrap();
    let (mut requests, mut refused, mut not_requests, mut timestamps) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for line in text.lines() {
        let case: Value = serde_json::from_str(line).unwrap();
        let format = case["format"].as_str().unwrap_or_default();
        match case["kind"].as_str().unwrap() {
            "bad_format" => {
                // Each is refused by the Apache compiler naming the directive, and by
                // --log-format (which may read it as GoAccess's language) too.
                let e = apache::compile(format).unwrap_err();
                assert!(
                    e.contains("invalid directive")
                        || e.contains("unknown directive")
                        || e.contains("time"),
                    "{format}: {e}"
                );
                assert!(compile(format).is_err(), "{format}");
                refused += 1;
            }
            "parse" => {
                let enc = case["encoding"].as_str().unwrap_or("utf-8");
                let raw = case["line"].as_str().unwrap();
                let line = bytes(raw, enc);
                if let Some((_, _, why)) = NOT_REQUESTS
                    .iter()
                    .find(|(f, l, _)| *f == format && *l == raw)
                {
                    let (f, l) = completed(format, &line);
                    let read = compile(&f).map(|p| matches!(p.parse_line(&l), Line::Request(_)));
                    assert!(
                        !matches!(read, Ok(true)),
                        "{format} {raw:?} ({why}) was read as a request"
                    );
                    not_requests += 1;
                    continue;
                }
                let (f, l) = completed(format, &line);
                let program = compile(&f).unwrap_or_else(|e| panic!("{format}: {e}"));
                match program.parse_line(&l) {
                    Line::Request(r) => {
                        let diffs = compare(&r, &case["expected"], enc);
                        if !diffs.is_empty() {
                            failures.push(format!("{format} | {raw}: {}", diffs.join("; ")));
                        }
                        requests += 1;
                    }
                    other => failures.push(format!("{format} | {raw}: {other:?}")),
                }
            }
            // `%t` bodies: each valid one is read as the same time (brackets are the
            // format's); the invalid ones are about the zone, which GoAccess (and so the
            // matching) does not check.
            "apache_timestamp" => {
                let body = case["line"].as_str().unwrap().trim_matches(['[', ']']);
                let program = compile(r#"%h %t "%r""#).unwrap();
                let line = format!(r#"192.0.2.1 [{body}] "GET / HTTP/1.1""#);
                match program.parse_line(line.as_bytes()) {
                    Line::Request(r) => {
                        let want = case["expected"]["request_time"].as_str().unwrap();
                        if r.time.iso8601() != want {
                            failures.push(format!(
                                "%t {body}: ours {}, apachelogs {want}",
                                r.time.iso8601()
                            ));
                        }
                        timestamps += 1;
                    }
                    other => failures.push(format!("%t {body}: {other:?}")),
                }
            }
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 81 parse cases (77 of combined-log directives), 21 bad formats.
    assert_eq!((requests + not_requests, refused, timestamps), (81, 21, 64));
    assert_eq!(not_requests, NOT_REQUESTS.len());
}
