//! nginx `log_format` strings: `$variables` and literal text, as in nginx.conf (the whole
//! `log_format name [escape=...] '...' '...';` directive may be pasted too). Strings that
//! are JSON (`escape=json` formats) become JSON field maps. Variables nginx writes as `-`
//! when unset count as absent.

use super::escape::Escapes;
use super::fields::{Field, Pick, QueryJoin, ServeUnit};
use super::format::{Matcher, Program, Step};
use super::json::JsonSpec;
use super::time::{EpochUnit, TimeFormat};

/// nginx's predefined `combined`.
pub const COMBINED: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#;

/// The field of a variable, with its rank among variables of the same field.
fn variable(name: &str) -> Option<(Field, u8)> {
    let time = |f: &str| Field::Time(TimeFormat::compile(f).expect("valid"));
    Some(match name {
        "remote_addr" => (Field::Host, 4),
        "realip_remote_addr" => (Field::Host, 3),
        "time_local" => (time("%d/%b/%Y:%H:%M:%S %z"), 2),
        "time_iso8601" => (time("%Y-%m-%dT%H:%M:%S%z"), 2),
        "msec" => (
            Field::Time(TimeFormat::epoch(EpochUnit::SecondsFraction)),
            2,
        ),
        "request" => (Field::Request, 2),
        "request_method" => (Field::Method, 2),
        "request_uri" => (Field::Path, 4),
        "uri" | "document_uri" => (Field::Path, 3),
        "args" | "query_string" => (Field::Query(QueryJoin::IfAny), 2),
        "server_protocol" => (Field::Protocol, 2),
        "status" => (Field::Status, 2),
        "body_bytes_sent" => (Field::Size, 4),
        "bytes_sent" => (Field::Size, 3),
        "http_referer" => (Field::Referer, 2),
        "http_user_agent" => (Field::Agent, 2),
        "host" => (Field::Vhost, 4),
        "server_name" => (Field::Vhost, 3),
        "http_host" => (Field::Vhost, 2),
        "remote_user" => (Field::User, 2),
        "request_time" => (Field::Serve(ServeUnit::Seconds), 2),
        "ssl_protocol" => (Field::TlsVersion, 2),
        "ssl_cipher" => (Field::TlsCipher, 2),
        "upstream_cache_status" => (Field::Cache, 2),
        "sent_http_content_type" => (Field::Mime, 2),
        _ => return None,
    })
}

/// A piece of a format: literal bytes or a variable name.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Literal(Vec<u8>),
    Var(String),
}

fn pieces(fmt: &str) -> Result<Vec<Piece>, String> {
    let b = fmt.as_bytes();
    let mut out: Vec<Piece> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            match out.last_mut() {
                Some(Piece::Literal(l)) => l.push(b[i]),
                _ => out.push(Piece::Literal(vec![b[i]])),
            }
            i += 1;
            continue;
        }
        let name_ok = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
        let name = if b.get(i + 1) == Some(&b'{') {
            let end = b[i + 2..]
                .iter()
                .position(|&c| c == b'}')
                .ok_or("the closing bracket of a ${variable} is missing")?;
            let name = &fmt[i + 2..i + 2 + end];
            i += end + 3;
            name
        } else {
            let n = b[i + 1..].iter().take_while(|c| name_ok(c)).count();
            if n == 0 {
                return Err("a $ with no variable name".into());
            }
            let name = &fmt[i + 1..i + 1 + n];
            i += n + 1;
            name
        };
        out.push(Piece::Var(name.to_string()));
    }
    Ok(out)
}

/// The format string of a pasted `log_format` directive (its quoted strings joined), and
/// its escaping; a bare format string is returned as it is.
fn directive(text: &str) -> Result<(String, Escapes), String> {
    let t = text.trim();
    let Some(rest) = t.strip_prefix("log_format") else {
        return Ok((t.to_string(), Escapes::Backslash));
    };
    let mut strings = Vec::new();
    let mut escapes = Escapes::Backslash;
    let mut chars = rest.trim_end().trim_end_matches(';').chars().peekable();
    let mut words = 0;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => {
                            if let Some(e) = chars.next() {
                                s.push(match e {
                                    'n' => '\n',
                                    't' => '\t',
                                    other => other,
                                });
                            }
                        }
                        Some(q) if q == c => break,
                        Some(other) => s.push(other),
                        None => return Err("an unclosed quote in the log_format directive".into()),
                    }
                }
                strings.push(s);
            }
            c if c.is_whitespace() => {}
            _ => {
                let mut word = String::from(c);
                while chars.peek().is_some_and(|c| !c.is_whitespace()) {
                    word.extend(chars.next());
                }
                words += 1;
                // The first word is the format's name; `escape=` may follow it.
                match word.as_str() {
                    "escape=json" | "escape=none" if strings.is_empty() => escapes = Escapes::None,
                    "escape=default" if strings.is_empty() => {}
                    w if words > 1 || w.starts_with("escape=") => strings.push(word),
                    _ => {}
                }
            }
        }
    }
    Ok((strings.concat(), escapes))
}

/// Steps of a format: each variable is a field delimited by the literal after it.
fn steps(fmt: &str) -> Result<Vec<Step>, String> {
    let pieces = pieces(fmt)?;
    let mut steps = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        let name = match piece {
            Piece::Literal(l) => {
                steps.extend(l.iter().map(|_| Step::Skip));
                continue;
            }
            Piece::Var(name) => name,
        };
        let delim = match pieces.get(i + 1) {
            Some(Piece::Literal(l)) => Some(l[0]),
            // `$host$request_uri`: the URL starts at its `/`.
            Some(Piece::Var(next)) if matches!(next.as_str(), "request_uri" | "uri") => Some(b'/'),
            // `$uri$is_args$args` and other pairs with nothing between.
            Some(Piece::Var(next)) if next == "is_args" || name == "is_args" => None,
            Some(Piece::Var(next)) => {
                return Err(format!(
                    "${name}${next}: variables need a separator between them"
                ));
            }
            None => None,
        };
        match (name.as_str(), variable(name)) {
            // `$uri$is_args$args`: path and query are one field, as Apache's `%U%q`.
            ("is_args", _) => {}
            ("args" | "query_string", _)
                if i >= 2 && pieces[i - 1] == Piece::Var("is_args".into()) => {}
            (_, Some((field, rank))) => {
                let time_count = match &field {
                    Field::Time(f) => f.tokens(delim),
                    _ => 1,
                };
                let joined = matches!(pieces.get(i + 1), Some(Piece::Var(n)) if n == "is_args");
                // Unset variables are `-`, where `-` cannot be a value.
                let dash_absent = field.dash_is_unset();
                steps.push(Step::Field {
                    field,
                    delim: if joined {
                        next_literal(&pieces, i)
                    } else {
                        delim
                    },
                    count: time_count,
                    pick: Pick {
                        rank,
                        dash_absent,
                        ..Pick::PLAIN
                    },
                });
            }
            (_, None) => steps.push(Step::SkipTo(delim)),
        }
    }
    Ok(steps)
}

/// The first literal byte after piece `i` (past joined variables).
fn next_literal(pieces: &[Piece], i: usize) -> Option<u8> {
    pieces[i + 1..].iter().find_map(|p| match p {
        Piece::Literal(l) => Some(l[0]),
        Piece::Var(_) => None,
    })
}

/// Compiles an nginx `log_format` string (or directive); `combined` is nginx's own.
pub fn compile(text: &str) -> Result<Program, String> {
    let (fmt, escapes) = if text.trim() == "combined" {
        (COMBINED.to_string(), Escapes::Backslash)
    } else {
        directive(text)?
    };
    let name = format!("nginx: {fmt}");
    let program = if fmt.trim_start().starts_with('{') {
        // Unquoted variables (`"status": $status`) are not JSON: quote them to read it.
        let quoted = quote_bare_variables(&fmt);
        let spec = JsonSpec::from_format(&quoted, steps)
            .map_err(|e| format!("nginx format {fmt:?}: {e}"))?;
        Program {
            matcher: Matcher::Json(spec),
            name,
            escapes: Escapes::None,
            shortcut: None,
        }
    } else {
        Program {
            matcher: Matcher::Steps(steps(&fmt).map_err(|e| format!("nginx format {fmt:?}: {e}"))?),
            name,
            escapes,
            shortcut: None,
        }
    };
    program.check()
}

fn quote_bare_variables(fmt: &str) -> String {
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut in_string = false;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => in_string = !in_string,
            '\\' if in_string => {
                out.push(c);
                out.extend(chars.next());
                continue;
            }
            '$' if !in_string => {
                out.push_str("\"$");
                while chars
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    out.extend(chars.next());
                }
                out.push('"');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Line;

    fn request<'a>(p: &Program, line: &'a str) -> crate::parse::Request<'a> {
        match p.parse_line(line.as_bytes()) {
            Line::Request(r) => r,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn combined_and_custom() {
        let p = compile("combined").unwrap();
        let r = request(
            &p,
            r#"127.0.0.1 - - [01/Dec/2026:07:08:01 +0000] "GET /x\x22y HTTP/1.1" 404 153 "" "Mozilla \x22q\x22""#,
        );
        assert_eq!(
            (r.day, r.status, &*r.url),
            (20261201, 404, &br"/x\x22y"[..])
        );
        assert_eq!(&*r.referer, b"-");
        // The honeypot's format: `$host` empty on most lines.
        let p = compile(r#"$host $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $server_port"#).unwrap();
        let r = request(
            &p,
            r#" 218.92.0.208 - - [01/Apr/2019:06:25:09 +0000] "SSH-2.0-PUTTY" 400 182 "-" "-" 22"#,
        );
        assert_eq!(
            (&*r.host, r.status, r.bytes),
            (&b"218.92.0.208"[..], 400, 182)
        );
        let p = compile(r#"$remote_addr [$time_iso8601] "$request_method $scheme://$host$request_uri $server_protocol" $status $bytes_sent $request_time"#).unwrap();
        let r = request(&p, r#"2001:db8::1 [2019-04-01T06:25:09+13:00] "GET https://mirror.example$request_uri HTTP/2.0" 200 5 0.250"#.replace("$request_uri", "/debian/a.deb?x=1").leak());
        assert_eq!(
            (&*r.url, r.serve_micros, r.time.utc_offset_min),
            (&b"/debian/a.deb?x=1"[..], Some(250_000), Some(780))
        );
        assert_eq!(r.vhost.as_deref(), Some(&b"mirror.example"[..]));
        let p = compile(
            r#"$remote_addr [$msec] "$request_method $uri$is_args$args $server_protocol" $status"#,
        )
        .unwrap();
        let r = request(&p, r#"1.2.3.4 [1554099909.123] "GET /a?b=1 HTTP/1.1" 200"#);
        assert_eq!((&*r.url, r.time.micros), (&b"/a?b=1"[..], 123_000));
    }

    #[test]
    fn pasted_directive_and_json() {
        let p = compile(
            r#"log_format json_combined escape=json
  '{'
    '"time_local":"$time_local",'
    '"remote_addr":"$remote_addr",'
    '"request":"$request",'
    '"status": $status,'
    '"body_bytes_sent":"$body_bytes_sent",'
    '"http_user_agent":"$http_user_agent"'
  '}';"#,
        )
        .unwrap();
        let r = request(
            &p,
            r#"{"time_local":"01/Dec/2026:07:07:49 +0000","remote_addr":"127.0.0.1","request":"GET /a.txt HTTP/1.1","status": 200,"body_bytes_sent":"100","http_user_agent":"curl \"x\""}"#,
        );
        assert_eq!(
            (r.status, r.bytes, &*r.agent),
            (200, 100, &br#"curl "x""#[..])
        );
        assert!(compile("$remote_addr$status").is_err());
        assert!(
            compile("$remote_addr $status")
                .unwrap_err()
                .contains("date")
        );
    }
}
