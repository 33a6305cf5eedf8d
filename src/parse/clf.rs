//! The common log format family, read in one straight pass: GoAccess's COMBINED,
//! VCOMBINED, COMMON and VCOMMON, the formats most mirrors log in.
//!
//! The general matcher ([`super::format`]) interprets a format's steps for every field of
//! every line, and that interpreting was a third of a run's instructions. Here the same
//! steps are written out for these four formats. A line this pass is not sure of (a
//! backslash anywhere, a field without its delimiter, a line that ends early, a date or
//! an address not in its usual form) gives `None`, and the general matcher reads it as
//! before. So a line means the same either way: the tests below and the `line_goaccess`
//! fuzz target compare the two on every input.

use std::borrow::Cow;
use std::sync::LazyLock;

use super::fields::{Fields, parse_ip, parse_size, status};
use super::format::Step;
use super::goaccess;
use super::request::trim;
use super::time::{clf_date, clf_time, parse_offset};

/// Which member of the family a program is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clf {
    /// `%v:%^ ` first (VCOMBINED, VCOMMON).
    vhost: bool,
    /// `"%R" "%u"` after the size (COMBINED, VCOMBINED).
    agent: bool,
}

const MEMBERS: [(&str, Clf); 4] = [
    (
        "COMBINED",
        Clf {
            vhost: false,
            agent: true,
        },
    ),
    (
        "VCOMBINED",
        Clf {
            vhost: true,
            agent: true,
        },
    ),
    (
        "COMMON",
        Clf {
            vhost: false,
            agent: false,
        },
    ),
    (
        "VCOMMON",
        Clf {
            vhost: true,
            agent: false,
        },
    ),
];

/// The members' steps as [`super::format::Program::check`] leaves them (it asks
/// [`Clf::of`], so the steps are marked here as it marks them).
static STEPS: LazyLock<Vec<(Vec<Step>, Clf)>> = LazyLock::new(|| {
    MEMBERS
        .iter()
        .map(|(name, clf)| {
            let program = goaccess::predefined(name, None, None)
                .ok()
                .flatten()
                .map(|p| p.marked())
                .expect("a predefined format");
            match program.matcher {
                super::format::Matcher::Steps(steps) => (steps, *clf),
                super::format::Matcher::Json(_) => unreachable!("{name} is not JSON"),
            }
        })
        .collect()
});

impl Clf {
    /// The member whose steps these are, if any (a user's own date or time format makes
    /// other steps, and those stay with the general matcher).
    pub(crate) fn of(steps: &[Step]) -> Option<Clf> {
        STEPS.iter().find(|(s, _)| s == steps).map(|(_, clf)| *clf)
    }

    /// Reads `line` into `f` the way the general matcher would; `None` when the line is
    /// not of the plain shape (then `f` may hold some fields and must be discarded).
    pub(crate) fn read<'a>(self, line: &'a [u8], f: &mut Fields<'a>) -> Option<()> {
        // Without backslashes, a field ends at the first occurrence of its delimiter.
        if memchr::memchr(b'\\', line).is_some() {
            return None;
        }
        let mut rest = line;
        if self.vhost {
            // `%v:%^ `
            f.vhost = Some(Cow::Borrowed(field(&mut rest, b':')?));
            skip(&mut rest, 1);
            rest = &rest[memchr::memchr(b' ', rest)?..];
            skip(&mut rest, 1);
        }
        // `%h %^[`; an address in brackets is read to its `]`, by the general matcher.
        if rest.first() == Some(&b'[') {
            return None;
        }
        let host = field(&mut rest, b' ')?;
        f.host = Some((Cow::Borrowed(host), parse_ip(host)?));
        skip(&mut rest, 1);
        rest = &rest[memchr::memchr(b'[', rest)?..];
        skip(&mut rest, 1);
        // `%d:%t %^] "`
        f.timed = true;
        let (year, month, day) = clf_date(field(&mut rest, b':')?)?;
        (f.time.year, f.time.month, f.time.day) = (Some(year), Some(month), Some(day));
        skip(&mut rest, 1);
        let (hour, minute, second) = clf_time(field(&mut rest, b' ')?)?;
        (f.time.hour, f.time.minute, f.time.second) = (Some(hour), Some(minute), Some(second));
        skip(&mut rest, 1);
        let end = memchr::memchr(b']', rest)?;
        if let Some(offset) = parse_offset(&rest[..end]) {
            f.time.set_offset(offset);
        }
        rest = &rest[end..];
        skip(&mut rest, 3);
        // `%r" %s %b`
        f.request = Some(Cow::Borrowed(field(&mut rest, b'"')?));
        skip(&mut rest, 2);
        f.status = Some(status(field(&mut rest, b' ')?)?);
        skip(&mut rest, 1);
        if !self.agent {
            // The size is the last field: the rest of the line.
            if rest.is_empty() {
                return None;
            }
            f.bytes = parse_size(trim(rest));
            return Some(());
        }
        f.bytes = parse_size(field(&mut rest, b' ')?);
        // ` "%R" "%u"`
        skip(&mut rest, 2);
        let referer = field(&mut rest, b'"')?;
        f.referer_seen = true;
        f.referer = (!referer.is_empty()).then_some(Cow::Borrowed(referer));
        skip(&mut rest, 3);
        f.agent = Some(Cow::Borrowed(field(&mut rest, b'"')?));
        Some(())
    }
}

/// A field up to the first `delim`, trimmed; the rest starts at the delimiter. `None`
/// where the general matcher would stop: at the end of the line, or with no delimiter.
fn field<'a>(rest: &mut &'a [u8], delim: u8) -> Option<&'a [u8]> {
    let s = *rest;
    if s.is_empty() {
        return None;
    }
    let end = memchr::memchr(delim, s)?;
    *rest = &s[end..];
    Some(trim(&s[..end]))
}

/// Steps over `n` bytes (fewer at the end of the line), whatever they are, as the general
/// matcher steps over a format's literal bytes.
fn skip(rest: &mut &[u8], n: usize) {
    *rest = &rest[n.min(rest.len())..];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::format::compile;

    #[test]
    fn only_the_family_has_it() {
        for name in [
            "COMBINED",
            "vcombined",
            "Common",
            "VCOMMON",
            "VHOST_COMBINED",
        ] {
            assert!(compile(name).unwrap().shortcut.is_some(), "{name}");
        }
        for name in [
            "W3C",
            "CLOUDFRONT",
            r#"%h %^[%d:%t %^] "%r" %s %b "%R" "%u" %^"#,
        ] {
            assert!(compile(name).unwrap().shortcut.is_none(), "{name}");
        }
        let own_date = crate::parse::format::compile_log_format("COMBINED", Some("%d/%m/%Y"), None);
        assert!(own_date.unwrap().shortcut.is_none());
    }

    /// Lines of every shape near the plain one (the GoAccess outcome tests of
    /// `parse::tests` hold for both paths too): both paths agree on each.
    #[test]
    fn agrees_with_the_general_matcher() {
        let plain = [
            r#"1.2.3.4 - - [10/Oct/2018:13:55:36 +1300] "GET /debian/a.deb HTTP/1.1" 200 1234 "-" "APT-HTTP/1.3 (2.6.1)""#,
            r#"2001:db8::1 - bob [01/Jan/2019:00:00:00 -0530] "HEAD /x?y=1 HTTP/2" 404 - "http://r/" "curl/8""#,
            r#"mirror.example:443 10.0.0.1 - - [31/Dec/2018:23:59:61 +0000] "GET / HTTP/1.0" 304 0 "" """#,
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        let alphabet = b" \"[]:-/\\0123456789abcGET+\r\t%";
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for p in plain {
            let p = p.as_bytes();
            lines.push(p.to_vec());
            for cut in 0..p.len() {
                lines.push(p[..cut].to_vec());
            }
            for _ in 0..3000 {
                let mut l = p.to_vec();
                for _ in 0..rng.usize(1..4) {
                    let at = rng.usize(..l.len());
                    match rng.u8(..3) {
                        0 => l[at] = alphabet[rng.usize(..alphabet.len())],
                        1 => {
                            l.remove(at);
                        }
                        _ => l.insert(at, alphabet[rng.usize(..alphabet.len())]),
                    }
                }
                lines.push(l);
            }
        }
        let mut shortcut = 0;
        for name in ["COMBINED", "VCOMBINED", "COMMON", "VCOMMON"] {
            let program = compile(name).unwrap();
            let clf = program.shortcut.expect("a member of the family");
            let general = program.clone().without_shortcut();
            for line in &lines {
                let (fast, slow) = (program.parse_line(line), general.parse_line(line));
                assert_eq!(fast, slow, "{name}: {}", String::from_utf8_lossy(line));
                shortcut += usize::from(clf.read(line, &mut Fields::default()).is_some());
            }
        }
        // Both paths are taken: a fifth of the reads by the shortcut (a line with a vhost
        // is not a COMBINED line, nor the reverse), the rest by the fallback.
        let reads = 4 * lines.len();
        assert!(
            shortcut * 6 > reads && shortcut * 2 < reads,
            "{shortcut} of {reads}"
        );
    }
}
