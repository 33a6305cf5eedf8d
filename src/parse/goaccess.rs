//! GoAccess's format language: its specifiers (`%h %d %t %x %r %m %U %q %H %s %b %R %u
//! %v %e %C %K %k %M %L %T %D %^ %~`), its date and time formats, its JSON formats and
//! every predefined name GoAccess 1.7 knows, each with the date and time format it implies.
//! Lines are walked exactly as GoAccess walks them (see [`super::format`]), so that the
//! numbers equal its numbers on the same file.

use super::escape::Escapes;
use super::fields::{Field, Pick, QueryJoin, ServeUnit};
use super::format::{Language, Matcher, Program, Step};
use super::json::JsonSpec;
use super::time::TimeFormat;

/// The date and time formats of common and combined logs.
pub const CLF_DATE: &str = "%d/%b/%Y";
pub const CLF_TIME: &str = "%H:%M:%S";
const ISO_DATE: &str = "%Y-%m-%d";

/// GoAccess 1.7's predefined formats (from its binary), with their date and time formats.
/// TRAEFIKCLF is GoAccess 1.9's; the JSON `CADDY` is ours (see [`super::json`]).
const PREDEFINED: &[(&str, &str, &str, &str)] = &[
    (
        "COMBINED",
        r#"%h %^[%d:%t %^] "%r" %s %b "%R" "%u""#,
        CLF_DATE,
        CLF_TIME,
    ),
    (
        "VCOMBINED",
        r#"%v:%^ %h %^[%d:%t %^] "%r" %s %b "%R" "%u""#,
        CLF_DATE,
        CLF_TIME,
    ),
    (
        "COMMON",
        r#"%h %^[%d:%t %^] "%r" %s %b"#,
        CLF_DATE,
        CLF_TIME,
    ),
    (
        "VCOMMON",
        r#"%v:%^ %h %^[%d:%t %^] "%r" %s %b"#,
        CLF_DATE,
        CLF_TIME,
    ),
    (
        "W3C",
        "%d %t %^ %m %U %q %^ %^ %h %u %R %s %^ %^ %L",
        ISO_DATE,
        CLF_TIME,
    ),
    (
        "CLOUDFRONT",
        "%d\t%t\t%^\t%b\t%h\t%m\t%v\t%U\t%s\t%R\t%u\t%q\t%^\t%C\t%^\t%^\t%^\t%^\t%T\t%^\t%K\t%k\t%^\t%H\t%^",
        ISO_DATE,
        CLF_TIME,
    ),
    (
        "CLOUDSTORAGE",
        r#""%x","%h",%^,%^,"%m","%U","%s",%^,"%b","%D",%^,"%R","%u""#,
        "%f",
        "%f",
    ),
    (
        "AWSELB",
        r#"%^ %dT%t.%^ %^ %h:%^ %^ %^ %T %^ %s %^ %^ %b "%r" "%u" %k %K %^ "%^" "%v""#,
        ISO_DATE,
        CLF_TIME,
    ),
    (
        "SQUID",
        "%^ %^ %^ %v %^: %x.%^ %~%L %h %^/%s %b %m %U",
        "%s",
        "%s",
    ),
    (
        "AWSS3",
        r#"%^ %v [%d:%t %^] %h %^"%r" %s %^ %b %^ %L %^ "%R" "%u""#,
        CLF_DATE,
        CLF_TIME,
    ),
    (
        "AWSALB",
        r#"%^ %dT%t.%^ %v %h:%^ %^ %^ %T %^ %s %^ %^ %b "%r" "%u" %k %K %^"#,
        ISO_DATE,
        CLF_TIME,
    ),
    (
        "TRAEFIKCLF",
        r#"%h - %e [%d:%t %^] "%r" %s %b "%R" "%u" %^ "%v" "%U" %Lms"#,
        CLF_DATE,
        CLF_TIME,
    ),
];

/// The program of a predefined name (any case; `VHOST_COMBINED` is Apache's name for
/// VCOMBINED), `None` if `spec` is not one. A `--date-format`/`--time-format` given too
/// replaces the name's, as in GoAccess.
pub fn predefined(
    spec: &str,
    date: Option<&str>,
    time: Option<&str>,
) -> Result<Option<Program>, String> {
    let upper = spec.trim().to_ascii_uppercase();
    let upper = match upper.as_str() {
        "VHOST_COMBINED" => "VCOMBINED",
        other => other,
    };
    match upper {
        "CADDY" => return Ok(Some(super::json::caddy())),
        "JSON" => return Ok(Some(super::json::nginx_style())),
        _ => {}
    }
    let Some((name, fmt, d, t)) = PREDEFINED.iter().find(|p| p.0 == upper) else {
        return Ok(None);
    };
    let steps = steps(fmt, date.unwrap_or(d), time.unwrap_or(t))?;
    Ok(Some(Program {
        matcher: Matcher::Steps(steps),
        name: name.to_string(),
        escapes: Escapes::Backslash,
        shortcut: None,
    }))
}

/// A GoAccess format string of the user's.
pub fn compile(spec: &str, date: Option<&str>, time: Option<&str>) -> Result<Program, String> {
    let fmt = unescape_str(spec);
    let steps = steps(
        &fmt,
        &unescape_str(date.unwrap_or(CLF_DATE)),
        &unescape_str(time.unwrap_or(CLF_TIME)),
    )
    .map_err(|e| format!("log format {spec:?}: {e}"))?;
    Ok(Program {
        matcher: Matcher::Steps(steps),
        name: spec.to_string(),
        escapes: Escapes::Backslash,
        shortcut: None,
    })
}

/// A GoAccess JSON format: its values are formats of their own, matched against the
/// values at the same key paths of each line.
pub fn compile_json(spec: &str, date: Option<&str>, time: Option<&str>) -> Result<Program, String> {
    let date = unescape_str(date.unwrap_or(CLF_DATE));
    let time = unescape_str(time.unwrap_or(CLF_TIME));
    let spec_json = JsonSpec::from_format(spec, |value| steps(&unescape_str(value), &date, &time))
        .map_err(|e| format!("log format {spec:?}: {e}"))?;
    Ok(Program {
        matcher: Matcher::Json(spec_json),
        name: spec.to_string(),
        escapes: Escapes::None,
        shortcut: None,
    })
}

/// Tells the two `%`-languages apart by the specifiers only one of them has. Most formats
/// are plainly one: GoAccess's have `%^ %d %x %~` (and `%e %C %M` without braces);
/// Apache's have `%>s`, `%{...}i`, `%l` or a status condition.
pub fn language(spec: &str) -> Language {
    let b = spec.as_bytes();
    let (mut goaccess, mut apache): (Option<String>, Option<String>) = (None, None);
    let is_mod = |c: &u8| c.is_ascii_digit() || b",!<>".contains(c);
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 1;
        let mut apache_only = false;
        while j < b.len() && is_mod(&b[j]) {
            (j, apache_only) = (j + 1, true);
        }
        // An argument in braces is Apache's, and its contents are not specifiers.
        if b.get(j) == Some(&b'{') {
            j += b[j..]
                .iter()
                .position(|&c| c == b'}')
                .unwrap_or(b.len() - j)
                + 1;
            apache_only = true;
        }
        while j < b.len() && is_mod(&b[j]) {
            (j, apache_only) = (j + 1, true);
        }
        let Some(&letter) = b.get(j) else { break };
        i = j + 1;
        let text = || String::from_utf8_lossy(&b[start..i]).into_owned();
        let apache_name = matches!(b.get(j..j + 3), Some(b"^FB" | b"^ti" | b"^to"));
        if apache_only || matches!(letter, b'l' | b'a' | b'i' | b'O' | b'I' | b'S') || apache_name {
            apache.get_or_insert_with(text);
        } else if matches!(
            letter,
            b'^' | b'd' | b'x' | b'~' | b'e' | b'C' | b'M' | b'K'
        ) {
            goaccess.get_or_insert_with(text);
        }
    }
    match (goaccess, apache) {
        (Some(g), Some(a)) => Language::Mixed(format!(
            "it mixes GoAccess ({g}) and Apache ({a}) specifiers; use one language"
        )),
        (Some(_), None) => Language::GoAccess,
        _ => Language::Apache,
    }
}

/// GoAccess's `unescape_str`: `\n \r \t` become those bytes, `\c` becomes `c`, a trailing
/// lone backslash is dropped.
pub fn unescape_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Compiles specifiers into steps: each field's delimiter is the format byte after it.
pub fn steps(fmt: &str, date: &str, time: &str) -> Result<Vec<Step>, String> {
    let date_fmt = epoch_format(date)
        .map_or_else(|| TimeFormat::compile(date), Ok)
        .map_err(|e| format!("--date-format {date:?}: {e}"))?;
    let time_fmt = epoch_format(time)
        .map_or_else(|| TimeFormat::compile(time), Ok)
        .map_err(|e| format!("--time-format {time:?}: {e}"))?;
    let b = fmt.as_bytes();
    let mut steps = Vec::new();
    let mut i = 0;
    // GoAccess takes a field once: a repeated specifier leaves the line where it is.
    let pick = Pick {
        once: true,
        ..Pick::PLAIN
    };
    while i < b.len() {
        if b[i] != b'%' || i + 1 == b.len() {
            steps.push(Step::Skip);
            i += 1;
            continue;
        }
        let spec = b[i + 1];
        let delim = b.get(i + 2).copied();
        let count = |f: &TimeFormat| f.tokens(delim);
        let field = match spec {
            b'h' => Some((Field::Host, 1)),
            b'd' => Some((Field::Time(date_fmt.clone()), count(&date_fmt))),
            b't' => Some((Field::Time(time_fmt.clone()), count(&time_fmt))),
            // Date and time in one token, read with the time format (GoAccess does so).
            b'x' => Some((Field::Time(time_fmt.clone()), count(&time_fmt))),
            b'r' => Some((Field::Request, 1)),
            b'm' => Some((Field::Method, 1)),
            b'U' => Some((Field::Path, 1)),
            b'q' => Some((Field::Query(QueryJoin::Always), 1)),
            b'H' => Some((Field::Protocol, 1)),
            b's' => Some((Field::Status, 1)),
            b'b' => Some((Field::Size, 1)),
            b'R' => Some((Field::Referer, 1)),
            b'u' => Some((Field::Agent, 1)),
            b'v' => Some((Field::Vhost, 1)),
            b'e' => Some((Field::User, 1)),
            b'C' => Some((Field::Cache, 1)),
            b'K' => Some((Field::TlsVersion, 1)),
            b'k' => Some((Field::TlsCipher, 1)),
            b'M' => Some((Field::Mime, 1)),
            b'T' => Some((Field::Serve(ServeUnit::Seconds), 1)),
            b'L' => Some((Field::Serve(ServeUnit::Millis), 1)),
            b'D' => Some((Field::Serve(ServeUnit::Micros), 1)),
            _ => None,
        };
        steps.push(match (field, spec, delim) {
            (Some((field, count)), _, _) => Step::Field {
                field,
                delim,
                count,
                pick,
            },
            (None, b'~', _) => Step::SkipSpace,
            (None, _, Some(b']')) => Step::ZoneTo(b']'),
            // `%^` and specifiers GoAccess 1.7 does not know: skip to the next format byte.
            (None, _, _) => Step::SkipTo(delim),
        });
        i += 2;
    }
    Ok(steps)
}

/// GoAccess's own date/time formats that are not strftime: `%f` (microseconds since the
/// epoch) and `%*` (milliseconds), valid only as the whole format.
fn epoch_format(fmt: &str) -> Option<TimeFormat> {
    use super::time::EpochUnit;
    match fmt {
        "%f" => Some(TimeFormat::epoch(EpochUnit::Micros)),
        "%*" => Some(TimeFormat::epoch(EpochUnit::Millis)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Line;

    fn parse(
        format: &str,
        date: Option<&str>,
        time: Option<&str>,
        line: &str,
    ) -> crate::parse::Request<'static> {
        let p = super::super::format::compile_log_format(format, date, time).unwrap();
        let line: &'static str = Box::leak(line.to_string().into_boxed_str());
        match p.parse_line(line.as_bytes()) {
            Line::Request(r) => r,
            other => panic!("{format}: {line}: {other:?}"),
        }
    }

    #[test]
    fn languages() {
        assert!(matches!(
            language(r#"%h %^[%d:%t %^] "%r" %s %b"#),
            Language::GoAccess
        ));
        assert!(matches!(
            language(r#"%h %l %u %t "%r" %>s %b"#),
            Language::Apache
        ));
        assert!(matches!(
            language(r#"%h %t "%r" %s %b %^FB"#),
            Language::Apache
        ));
        assert!(matches!(
            language(r#"%h %^[%d:%t %^] "%r" %>s %b"#),
            Language::Mixed(_)
        ));
    }

    /// One line per predefined name, each checked valid by GoAccess 1.7 with that name.
    #[test]
    fn predefined_names() {
        let r = parse(
            "W3C",
            None,
            None,
            "2023-10-10 13:55:36 10.0.0.1 GET /index.html a=1&b=2 443 - 192.168.0.1 Mozilla/5.0+(Windows+NT+10.0) https://www.example.com/ 200 0 0 15",
        );
        assert_eq!(
            (r.day, r.time.hour, &*r.url),
            (20231010, 13, &b"/index.html?a=1&b=2"[..])
        );
        assert_eq!(
            (r.status, r.serve_micros, &*r.agent),
            (200, Some(15_000), &b"Mozilla/5.0+(Windows+NT+10.0)"[..])
        );
        let r = parse(
            "W3C",
            None,
            None,
            "2023-10-10 13:55:36 10.0.0.1 GET /index.html - 443 - 192.168.0.1 - - 404 0 0 15",
        );
        assert_eq!(&*r.url, b"/index.html?-");
        let r = parse(
            "CLOUDFRONT",
            None,
            None,
            "2023-10-10\t13:55:36\tSEA19-C1\t2326\t192.168.0.1\tGET\td111.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(X11;%20Linux%20x86_64)\ta=1\t-\tHit\tSOX4\twww.example.com\thttps\t23\t0.001\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-",
        );
        assert_eq!(
            (&*r.url, r.bytes, r.serve_micros),
            (&b"/index.html?a=1"[..], 2326, Some(1000))
        );
        assert_eq!(&*r.agent, b"Mozilla/5.0 (X11; Linux x86_64)");
        assert_eq!(r.protocol.map(|p| p.name()), Some("HTTP/2"));
        assert_eq!(r.vhost.as_deref(), Some(&b"d111.cloudfront.net"[..]));
        assert_eq!(r.cache.as_deref(), Some(&b"Hit"[..]));
        assert_eq!(r.tls_version.as_deref(), Some(&b"TLSv1.3"[..]));
        let r = parse(
            "VCOMMON",
            None,
            None,
            r#"example.com:443 192.168.0.1 - - [10/Oct/2023:13:55:36 +0000] "GET /a.css HTTP/1.1" 200 2326"#,
        );
        assert_eq!(
            (r.vhost.as_deref(), r.bytes),
            (Some(&b"example.com"[..]), 2326)
        );
        let r = parse(
            "CLOUDSTORAGE",
            None,
            None,
            r#""1696946136123456","192.168.0.1","1","","GET","/storage/v1/b/my-bucket/o/file.txt?alt=media","200","0","2326","15000","storage.googleapis.com","","Mozilla/5.0 (X11; Linux x86_64) Firefox/118.0""#,
        );
        assert_eq!(
            (r.day, r.time.hour, r.bytes, r.serve_micros),
            (20231010, 13, 2326, Some(15_000))
        );
        let alb = r#"https 2023-10-10T13:55:36.186641Z app/my-lb/50dc 192.168.0.1:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 2326 "GET https://www.example.com:443/index.html?a=1 HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:x "Root=1" "www.example.com" "arn:y" 1 2023-10-10T13:55:36.183000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-""#;
        let r = parse("AWSELB", None, None, alb);
        assert_eq!(
            (r.vhost.as_deref(), r.bytes, r.status),
            (Some(&b"www.example.com"[..]), 2326, 200)
        );
        let r = parse("AWSALB", None, None, alb);
        assert_eq!(r.vhost.as_deref(), Some(&b"app/my-lb/50dc"[..]));
        let r = parse(
            "AWSS3",
            None,
            None,
            r#"79a5 DOC-EXAMPLE-BUCKET1 [10/Oct/2023:13:55:36 +0000] 192.168.0.1 79a5 3E57 REST.GET.OBJECT photos/cat.jpg "GET /photos/cat.jpg HTTP/1.1" 200 - 2326 2326 7 6 "https://www.example.com/gallery" "Mozilla/5.0 (X11; Linux x86_64) Firefox/118.0" - s9lz SigV4"#,
        );
        assert_eq!(
            (r.bytes, r.serve_micros, &*r.url),
            (2326, Some(7000), &b"/photos/cat.jpg"[..])
        );
        let r = parse(
            "SQUID",
            None,
            None,
            "Oct 10 13:55:36 proxyhost squid[1234]: 1696946136.586    921 192.168.0.1 TCP_MISS/200 2326 GET http://www.example.com/index.html",
        );
        assert_eq!(
            (r.day, r.status, r.bytes, r.serve_micros),
            (20231010, 200, 2326, Some(921_000))
        );
        assert_eq!(r.vhost.as_deref(), Some(&b"proxyhost"[..]));
    }

    #[test]
    fn custom_formats_and_date_formats() {
        let r = parse(
            r#"%v %h %^[%d:%t %^] "%r" %s %b "%R" "%u" %^"#,
            None,
            None,
            r#" 218.92.0.208 - - [01/Apr/2019:06:25:09 +0000] "SSH-2.0-PUTTY" 400 182 "-" "-" 22"#,
        );
        assert_eq!((&*r.host, r.status), (&b"218.92.0.208"[..], 400));
        let r = parse(
            "%h %d %t %r",
            Some("%d %b %Y"),
            None,
            "1.2.3.4 10 Oct 2023 13:55:36 GET / HTTP/1.1",
        );
        assert_eq!((r.day, r.time.hour), (20231010, 13));
        let r = parse(
            r#"%h [%x] "%r" %s"#,
            None,
            Some("%Y-%m-%dT%H:%M:%S%z"),
            r#"1.2.3.4 [2023-10-10T13:55:36+0200] "GET / HTTP/1.1" 200"#,
        );
        assert_eq!((r.day, r.time.hour), (20231010, 13));
        // A repeated specifier takes nothing: GoAccess keeps the first host.
        let r = parse(
            r#"%h %h %^[%d:%t %^] "%r""#,
            None,
            None,
            r#"1.2.3.4 5.6.7.8 - - [10/Oct/2023:13:55:36 +0000] "GET / HTTP/1.1""#,
        );
        assert_eq!(&*r.host, b"1.2.3.4");
        // `\t` in a format is a tab.
        let r = parse(
            r"%h\t%d\t%t\t%r",
            Some("%Y-%m-%d"),
            None,
            "1.2.3.4\t2023-10-10\t13:55:36\tGET / HTTP/1.1",
        );
        assert_eq!(r.day, 20231010);
    }
}
