//! Apache `LogFormat` strings, every directive of mod_log_config (and mod_logio's and
//! mod_ssl's): each is read into its field or skipped as opaque. Modifiers are honoured:
//! `<` and `>` (original or final request: the final status wins over the original), and
//! status conditions (`%400,501{User-agent}i`, `%!200r`), whose unmet form Apache writes as
//! `-`, which then counts as absent. `%{...}t` takes the full strftime set plus `sec`,
//! `msec`, `usec`, `msec_frac`, `usec_frac` and `begin:`/`end:`; its pieces combine into
//! one time. Parsed with nom.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{is_not, tag, take_while},
    character::complete::{anychar, char, satisfy},
    combinator::{map, opt, recognize},
    multi::many0,
    sequence::{delimited, preceded},
};

use super::escape::Escapes;
use super::fields::{Field, Pick, QueryJoin, ServeUnit};
use super::format::{Matcher, Program, Step};
use super::goaccess;
use super::time::{EpochUnit, TimeFormat};

/// A parsed piece of a `LogFormat` string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Literal(Vec<u8>),
    Directive(Directive),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    /// Status conditions were given: Apache may write `-` instead.
    conditional: bool,
    /// The last of `<` (`Some(false)`: original request) and `>` (`Some(true)`: final).
    last: Option<bool>,
    arg: Option<String>,
    /// One letter, or `^` and two (`^ti`, `^to`, `^FB`).
    name: String,
}

/// `%[mods]{arg}[mods]x`: modifiers are digits, `,`, `!`, `<` and `>`, before and after
/// the argument (apachelogs' grammar, which is Apache's).
fn directive(i: &str) -> IResult<&str, Item> {
    let mods = || take_while(|c: char| c.is_ascii_digit() || ",!<>".contains(c));
    let name = alt((
        recognize((
            char('^'),
            satisfy(|c| c.is_ascii_alphabetic() || c == '%'),
            satisfy(|c| c.is_ascii_alphabetic() || c == '%'),
        )),
        recognize(satisfy(|c| c.is_ascii_alphabetic())),
    ));
    map(
        preceded(
            char('%'),
            (
                mods(),
                opt(delimited(char('{'), opt(is_not("}")), char('}'))),
                mods(),
                name,
            ),
        ),
        |(before, arg, after, name): (&str, Option<Option<&str>>, &str, &str)| {
            let mods = format!("{before}{after}");
            Item::Directive(Directive {
                conditional: mods.bytes().any(|b| b.is_ascii_digit()),
                last: mods
                    .bytes()
                    .rev()
                    .find(|b| *b == b'<' || *b == b'>')
                    .map(|b| b == b'>'),
                arg: arg.map(|a| a.unwrap_or_default().to_string()),
                name: name.to_string(),
            })
        },
    )
    .parse(i)
}

fn escape(i: &str) -> IResult<&str, Item> {
    map(preceded(char('\\'), anychar), |c| {
        let b = match c {
            'n' => b'\n',
            't' => b'\t',
            'r' => b'\r',
            other => return Item::Literal(other.to_string().into_bytes()),
        };
        Item::Literal(vec![b])
    })
    .parse(i)
}

fn item(i: &str) -> IResult<&str, Item> {
    alt((
        map(tag("%%"), |_| Item::Literal(b"%".to_vec())),
        directive,
        escape,
        map(is_not("%\\"), |s: &str| {
            Item::Literal(s.as_bytes().to_vec())
        }),
    ))
    .parse(i)
}

/// What a directive reads.
enum Meaning {
    Field(Field),
    /// A time of the request: CLF `[...]` (`None`) or a format.
    Time(Option<TimeFormat>),
    /// Read past (ports, pids, cookies, other headers, ...).
    Skip,
}

fn meaning(d: &Directive) -> Result<Meaning, String> {
    use Meaning::Skip;
    let f = |field| Ok(Meaning::Field(field));
    let arg = d.arg.as_deref();
    let lower = arg.map(str::to_ascii_lowercase);
    let unknown = || {
        Err(match arg {
            Some(a) => format!("unknown directive %{{{a}}}{}", d.name),
            None => format!("unknown directive %{}", d.name),
        })
    };
    match (d.name.as_str(), lower.as_deref()) {
        ("h" | "a", None) => f(Field::Host),
        ("h" | "a", Some("c")) => f(Field::Host),
        ("t", _) => time_meaning(arg),
        ("r", None) => f(Field::Request),
        ("m", None) => f(Field::Method),
        ("U", None) => f(Field::Path),
        ("q", None) => f(Field::Query(QueryJoin::IfAny)),
        ("H", None) => f(Field::Protocol),
        ("s", None) => f(Field::Status),
        ("b" | "B" | "O", None) => f(Field::Size),
        ("u", None) => f(Field::User),
        ("v" | "V", None) => f(Field::Vhost),
        ("D", None) => f(Field::Serve(ServeUnit::Micros)),
        ("T", None | Some("s")) => f(Field::Serve(ServeUnit::Seconds)),
        ("T", Some("ms")) => f(Field::Serve(ServeUnit::Millis)),
        ("T", Some("us")) => f(Field::Serve(ServeUnit::Micros)),
        ("i", Some("referer")) => f(Field::Referer),
        ("i", Some("user-agent")) => f(Field::Agent),
        ("i", Some("host")) => f(Field::Vhost),
        ("o", Some("content-type")) => f(Field::Mime),
        ("x" | "c", Some("ssl_protocol")) => f(Field::TlsVersion),
        ("x" | "c", Some("ssl_cipher")) => f(Field::TlsCipher),
        ("C" | "e" | "i" | "n" | "o" | "x" | "c" | "^ti" | "^to", Some(_)) => Ok(Skip),
        ("A" | "f" | "I" | "k" | "l" | "R" | "S" | "X" | "^FB", None) => Ok(Skip),
        ("L", None | Some("c")) => Ok(Skip),
        ("p", None | Some("canonical" | "local" | "remote")) => Ok(Skip),
        ("P", None | Some("pid" | "tid" | "hextid")) => Ok(Skip),
        _ => unknown(),
    }
}

fn time_meaning(arg: Option<&str>) -> Result<Meaning, String> {
    let Some(arg) = arg else {
        return Ok(Meaning::Time(None));
    };
    let fmt = arg
        .strip_prefix("begin:")
        .or_else(|| arg.strip_prefix("end:"))
        .unwrap_or(arg);
    let format = match fmt {
        "" | "begin" | "end" => return Ok(Meaning::Time(None)),
        "sec" => TimeFormat::epoch(EpochUnit::Seconds),
        "msec" => TimeFormat::epoch(EpochUnit::Millis),
        "usec" => TimeFormat::epoch(EpochUnit::Micros),
        "msec_frac" => TimeFormat::fraction(3),
        "usec_frac" => TimeFormat::fraction(6),
        strftime => TimeFormat::compile(strftime).map_err(|e| format!("%{{{arg}}}t: {e}"))?,
    };
    Ok(Meaning::Time(Some(format)))
}

/// The rank of a directive among others of its field: the final request's value over the
/// original's (`%>s` over `%s` over `%<s`), the more exact over the less (`%a` over `%h`,
/// `%D` over `%T`, the body size over the size with headers).
fn rank(d: &Directive, field: &Field) -> u8 {
    // `%s` has no rival but `%<s` and `%>s`: the modifier alone ranks it.
    let base = match (d.name.as_str(), d.arg.as_deref()) {
        ("a", None) | ("b" | "B", _) | ("v", _) => 4,
        ("D", _) => 5,
        ("T", Some(u)) if u.eq_ignore_ascii_case("us") => 5,
        ("T", Some(u)) if u.eq_ignore_ascii_case("ms") => 4,
        ("i", Some(_)) if matches!(field, Field::Vhost) => 1,
        ("a" | "h", Some(_)) => 1,
        _ => 3,
    };
    match d.last {
        Some(true) => base + 2,
        Some(false) => base.saturating_sub(1),
        None => base + 1,
    }
}

/// Compiles an Apache `LogFormat` string.
pub fn compile(spec: &str) -> Result<Program, String> {
    // Every item consumes input, so reading stops where none can be read.
    let (rest, items) = many0(item).parse(spec).unwrap_or((spec, Vec::new()));
    if !rest.is_empty() {
        let at: String = rest.chars().take(12).collect();
        return Err(format!("log format {spec:?}: invalid directive at {at:?}"));
    }
    let mut merged: Vec<Item> = Vec::new();
    for it in items {
        match (merged.last_mut(), it) {
            (Some(Item::Literal(prev)), Item::Literal(next)) => prev.extend(next),
            (_, it) => merged.push(it),
        }
    }
    // `%U%q` (path then query string, no separator) is one field: the URL.
    let is = |it: &Item, l: &str| matches!(it, Item::Directive(d) if d.name == l);
    let mut i = 0;
    while i + 1 < merged.len() {
        if is(&merged[i], "U") && is(&merged[i + 1], "q") {
            merged.remove(i + 1);
        }
        i += 1;
    }
    let mut steps = Vec::new();
    for (idx, it) in merged.iter().enumerate() {
        let d = match it {
            Item::Literal(bytes) => {
                steps.extend(bytes.iter().map(|_| Step::Skip));
                continue;
            }
            Item::Directive(d) => d,
        };
        let meaning = meaning(d).map_err(|e| format!("log format {spec:?}: {e}"))?;
        let next_literal = match merged.get(idx + 1) {
            Some(Item::Literal(b)) => Some(b[0]),
            _ => None,
        };
        let adjacent = matches!(merged.get(idx + 1), Some(Item::Directive(_)));
        let pick = |field: &Field| Pick {
            rank: rank(d, field),
            dash_absent: d.conditional,
            ..Pick::PLAIN
        };
        match meaning {
            Meaning::Time(None)
                if !d.conditional && matches!(next_literal, None | Some(b' ' | b'"')) =>
            {
                // `[10/Oct/2018:13:55:36 +1300]`, read as GoAccess reads `[%d:%t %^]`.
                let clf = goaccess::steps("[%d:%t %^]", goaccess::CLF_DATE, goaccess::CLF_TIME);
                steps.extend(clf.expect("valid"));
            }
            Meaning::Time(format) => {
                let format = format.unwrap_or_else(|| {
                    TimeFormat::compile("[%d/%b/%Y:%H:%M:%S %z]").expect("valid")
                });
                steps.push(Step::TimeHere {
                    time: Field::Time(format),
                    then: next_literal,
                    dash_absent: d.conditional,
                });
            }
            _ if adjacent => {
                return Err(format!(
                    "log format {spec:?}: %{} must be followed by a literal separator",
                    d.name
                ));
            }
            Meaning::Field(field) => {
                let pick = pick(&field);
                steps.push(Step::Field {
                    field,
                    delim: next_literal,
                    count: 1,
                    pick,
                });
            }
            Meaning::Skip => steps.push(Step::SkipTo(next_literal)),
        }
    }
    Ok(Program {
        matcher: Matcher::Steps(steps),
        name: spec.to_string(),
        escapes: Escapes::Backslash,
        shortcut: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Line;

    fn request(format: &str, line: &str) -> crate::parse::Request<'static> {
        let p = compile(format).unwrap();
        let line: &'static str = Box::leak(line.to_string().into_boxed_str());
        match p.parse_line(line.as_bytes()) {
            Line::Request(r) => r,
            other => panic!("{format}: {line}: {other:?}"),
        }
    }

    #[test]
    fn conditions_and_modifiers() {
        let base = r#"1.2.3.4 [10/Oct/2018:13:55:36 +1300] "#;
        for (fmt, tail) in [
            (r#"%h %t "%400r" "%r""#, r#""-" "GET /a HTTP/1.1""#),
            (r#"%h %t "%r" "%400r""#, r#""GET /a HTTP/1.1" "-""#),
            (r#"%h %t "%r" "%!400r""#, r#""GET /a HTTP/1.1" "-""#),
        ] {
            let r = request(fmt, &format!("{base}{tail}"));
            assert_eq!(&*r.url, b"/a", "{fmt}");
        }
        let r = request(
            r#"%h %t "%r" %<s %s %>s"#,
            &format!(r#"{base}"GET / HTTP/1.1" 201 202 203"#),
        );
        assert_eq!(r.status, 203);
        let r = request(
            r#"%h %t "%r" %{ms}T %T %{MS}T"#,
            &format!(r#"{base}"GET / HTTP/1.1" 1042 1 1042"#),
        );
        assert_eq!(r.serve_micros, Some(1_042_000));
    }

    #[test]
    fn time_pieces() {
        let r = request(
            r#"%h %>{%Y-%m-%dT%H:%M:%S}t.%>{usec_frac}t%>{%z}t "%r""#,
            r#"1.2.3.4 2019-05-06T12:09:43.123456-0400 "GET / HTTP/1.1""#,
        );
        assert_eq!(
            (r.day, r.time.hour, r.time.micros, r.time.utc_offset_min),
            (20190506, 12, 123456, Some(-240))
        );
        let r = request(
            r#"%h %{%s}t@%{%z}t "%r""#,
            r#"1.2.3.4 1511642826@-0500 "GET / HTTP/1.1""#,
        );
        assert_eq!((r.day, r.time.hour), (20171125, 15));
        let r = request(
            r#"%h [%{msec}t] "%r""#,
            r#"1.2.3.4 [1511642826123] "GET / HTTP/1.1""#,
        );
        assert_eq!((r.time.second, r.time.micros), (6, 123_000));
    }

    /// Each directive that names a field reads it; the others are read past.
    #[test]
    fn directives_read_their_fields() {
        let base = r#"1.2.3.4 [10/Oct/2018:13:55:36 +1300] "GET /a?b=1 HTTP/1.1" "#;
        let r = |piece: &str, value: &str| {
            request(
                &format!(r#"%h %t "%r" {piece} %>s"#),
                &format!("{base}{value} 200"),
            )
        };
        let text = |v: Option<std::borrow::Cow<'_, [u8]>>| v.map(|v| v.into_owned());
        assert_eq!(&*r("%{c}a", "5.6.7.8").host, b"1.2.3.4");
        assert_eq!(&*r("%{c}h", "5.6.7.8").host, b"1.2.3.4");
        assert_eq!(r("%{us}T", "1500").serve_micros, Some(1500));
        assert_eq!(r("%{US}T", "1500").serve_micros, Some(1500));
        assert_eq!(
            text(r("%{Host}i", "m.example").vhost),
            Some(b"m.example".to_vec())
        );
        assert_eq!(
            text(r("%{Content-Type}o", "text/html").mime),
            Some(b"text/html".to_vec())
        );
        for letter in ["x", "c"] {
            let v = r(&format!("%{{SSL_PROTOCOL}}{letter}"), "TLSv1.3").tls_version;
            assert_eq!(text(v), Some(b"TLSv1.3".to_vec()));
            let v = r(&format!("%{{SSL_CIPHER}}{letter}"), "AES").tls_cipher;
            assert_eq!(text(v), Some(b"AES".to_vec()));
        }
        for skipped in [
            "%{Cookie}C",
            "%{X}e",
            "%{Accept}i",
            "%{note}n",
            "%{Vary}o",
            "%{HTTPS}x",
            "%{errcode}c",
            "%{X}^ti",
            "%{X}^to",
            "%L",
            "%{c}L",
            "%p",
            "%{canonical}p",
            "%{local}p",
            "%{remote}p",
            "%P",
            "%{pid}P",
            "%{tid}P",
            "%{hextid}P",
            "%^FB",
        ] {
            let r = r(skipped, "x");
            assert_eq!((&*r.url, r.status), (&b"/a?b=1"[..], 200), "{skipped}");
        }
        let r = request(
            r#"%h %t "%m %U%q %H" %s"#,
            r#"1.2.3.4 [10/Oct/2018:13:55:36 +1300] "GET /a?b=1 HTTP/1.1" 200"#,
        );
        assert_eq!(&*r.url, b"/a?b=1");
        let r = request(
            r#"%h %t "%m %U %H" %q %s"#,
            r#"1.2.3.4 [10/Oct/2018:13:55:36 +1300] "GET /a HTTP/1.1" ?b=1 200"#,
        );
        assert_eq!(&*r.url, b"/a?b=1");
        let r = request(
            r#"%h %t "%m %U %H" %s %<U"#,
            r#"1.2.3.4 [10/Oct/2018:13:55:36 +1300] "GET /a HTTP/1.1" 200 /b"#,
        );
        assert_eq!(
            (&*r.url, r.protocol.map(|p| p.name())),
            (&b"/a"[..], Some("HTTP/1.1"))
        );
    }

    /// Two directives for one field: the final request's over the original's, the more
    /// exact over the less, in either order.
    #[test]
    fn the_better_of_two_directives_wins() {
        let base = r#"1.2.3.4 [10/Oct/2018:13:55:36 +1300] "GET / HTTP/1.1" "#;
        let r = |pieces: &str, values: &str| {
            request(
                &format!(r#"%h %t "%r" {pieces}"#),
                &format!("{base}{values}"),
            )
        };
        for (a, b, winner) in [
            ("%<s", "%s", "%s"),
            ("%s", "%>s", "%>s"),
            ("%<s", "%>s", "%>s"),
            ("%O", "%b", "%b"),
            ("%O", "%B", "%B"),
            ("%I", "%>b", "%>b"),
            ("%<b", "%O", "%O"),
            ("%T", "%D", "%D"),
            ("%{ms}T", "%{us}T", "%{us}T"),
            ("%T", "%{ms}T", "%{ms}T"),
            ("%{s}T", "%{ms}T", "%{ms}T"),
            ("%>T", "%{us}T", "%{us}T"),
        ] {
            for (first, second) in [(a, b), (b, a)] {
                let won = if first == winner { "201" } else { "202" };
                let line = r(&format!("{first} {second} %>s"), "201 202 299");
                let (size, serve) = (line.bytes.to_string(), line.serve_micros.unwrap_or(0));
                let got = match &a[a.len() - 1..] {
                    "s" => r(&format!("{first} {second}"), "201 202")
                        .status
                        .to_string(),
                    "T" | "D" => {
                        let unit = if winner.contains("us") || winner.ends_with('D') {
                            1
                        } else if winner.contains("ms") {
                            1000
                        } else {
                            1_000_000
                        };
                        (serve / unit).to_string()
                    }
                    _ => size,
                };
                assert_eq!(got, won, "{first} {second}: {winner} wins");
            }
        }
        let host = |pieces: &str| {
            let line = r#"1.2.3.4 [10/Oct/2018:13:55:36 +1300] "GET / HTTP/1.1" 5.6.7.8 200"#;
            request(&format!(r#"%h %t "%r" {pieces} %s"#), line)
                .host
                .into_owned()
        };
        assert_eq!(host("%a"), b"5.6.7.8");
        assert_eq!(host("%{c}a"), b"1.2.3.4");
        let vhost = |pieces: &str, values: &str| {
            text_vhost(r(&format!("{pieces} %>s"), &format!("{values} 200")).vhost)
        };
        assert_eq!(vhost("%v %{Host}i", "a b"), b"a");
        assert_eq!(vhost("%{Host}i %v", "a b"), b"b");
        assert_eq!(vhost("%{Host}i %V", "a b"), b"b");
        assert_eq!(vhost("%V %{Host}i", "a b"), b"a");
    }

    fn text_vhost(v: Option<std::borrow::Cow<'_, [u8]>>) -> Vec<u8> {
        v.map(|v| v.into_owned()).unwrap_or_default()
    }

    /// A `[...]` time is read as GoAccess reads it only where a space, a quote or the end
    /// follows and no condition allows `-`.
    #[test]
    fn clf_times_and_others() {
        let r = request(
            r#"%t|%h|"%r""#,
            r#"[10/Oct/2018:13:55:36 +1300]|1.2.3.4|"GET / HTTP/1.1""#,
        );
        assert_eq!(
            (r.day, r.time.hour, &*r.host),
            (20181010, 13, &b"1.2.3.4"[..])
        );
        let r = request(
            r#"%200t %h "%r""#,
            r#"[10/Oct/2018:13:55:36 +1300] 1.2.3.4 "GET / HTTP/1.1""#,
        );
        assert_eq!(r.day, 20181010);
    }

    #[test]
    fn refused_formats() {
        for (fmt, why) in [
            ("%", "invalid"),
            ("% ", "invalid"),
            ("%^x", "invalid"),
            ("%{param", "invalid"),
            ("%x", "%x"),
            ("%^xx", "%^xx"),
            ("%{param}z", "%{param}z"),
            ("%{x}a", "%{x}a"),
            ("%{x}b", "%{x}b"),
            ("%C", "%C"),
            ("%{%}t", "lone %"),
            ("%{% }t", "time conversion"),
            ("%^t1", "invalid directive at"),
            ("%^1t", "invalid directive at"),
            ("%{%<a}t", "time conversion"),
        ] {
            let e = compile(fmt).unwrap_err();
            assert!(e.contains(why), "{fmt}: {e}");
        }
    }
}
