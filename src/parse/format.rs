//! Log formats: what the user names (`--log-format`, `--nginx-format`, `--json-field`,
//! a goaccess.conf) compiled once into a [`Program`] that the line matcher runs.
//!
//! Four languages compile to the same [`Field`]s: Apache `LogFormat` strings
//! ([`super::apache`]), GoAccess's specifiers and predefined names ([`super::goaccess`]),
//! nginx `log_format` strings ([`super::nginx`]) and JSON field maps ([`super::json`]).
//!
//! The delimited matcher follows GoAccess's semantics, which decide what counts as a
//! failed line: a field ends at the next unescaped occurrence of the byte that follows it
//! in the format; literal bytes are stepped over, not compared; a line that ends before a
//! field is fine as long as host, date and request were seen. The built-in formats are the
//! exact programs of GoAccess's predefined names, so that the numbers agree on the same
//! hostile input.

use std::borrow::Cow;

use super::Failure;
use super::clf::Clf;
use super::escape::Escapes;
use super::fields::{Fields, Pick};
use super::json::JsonSpec;
use super::request::trim;

pub use super::fields::{Field, QueryJoin, ServeUnit};

/// One step of the delimited matcher.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// A literal byte of the format: step over one byte of input.
    Skip,
    /// Advance to the next occurrence of the byte (GoAccess's `%^`, and fields we do not
    /// keep, like Apache's `%l`); stays put if there is none.
    SkipTo(Option<u8>),
    /// GoAccess's `%~`: step over white space.
    SkipSpace,
    /// As `SkipTo`, over the zone of `[%d:%t %^]`: GoAccess ignores it, and so does the
    /// matching, but a well-formed `+hhmm` is kept for UTC timestamps in request rows.
    ZoneTo(u8),
    /// Read a field up to the `count`-th delimiter (`None`: to the end of the line).
    Field {
        field: Field,
        delim: Option<u8>,
        count: usize,
        pick: Pick,
    },
    /// A time read straight from the line, as far as its format goes (Apache's
    /// `%{...}t`, whose pieces may touch: `%{%T}t.%{msec_frac}t%{%z}t`); the format's next
    /// literal byte, if any, must follow it.
    TimeHere {
        /// Always a [`Field::Time`].
        time: Field,
        then: Option<u8>,
        /// A `-` followed by `then` stands for no time (Apache's unmet condition).
        dash_absent: bool,
    },
}

/// How a line is taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matcher {
    Steps(Vec<Step>),
    Json(JsonSpec),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub matcher: Matcher,
    /// The format as the user named it, for reports.
    pub name: String,
    /// How text fields are escaped in lines of this format.
    pub escapes: Escapes,
    /// A straight reader of the same lines, for the common formats (set by
    /// [`Program::check`]).
    pub shortcut: Option<Clf>,
}

impl Program {
    /// Every field the format reads.
    pub fn fields(&self) -> Vec<&Field> {
        match &self.matcher {
            Matcher::Steps(steps) => step_fields(steps).collect(),
            Matcher::Json(spec) => spec.fields().collect(),
        }
    }

    /// Whether lines carry the serve time (`%D`, `%T`, `$request_time`, `duration`).
    pub fn has_serve_time(&self) -> bool {
        self.fields().iter().any(|f| matches!(f, Field::Serve(_)))
    }

    pub fn has(&self, f: &Field) -> bool {
        self.fields().contains(&f)
    }

    /// Checks that the format can make a request: a client address, a day and a request;
    /// marks the fields that occur more than once as contested, and gives the common
    /// formats their straight reader.
    pub fn check(self) -> Result<Program, String> {
        let mut program = self.marked();
        let fields = program.fields();
        let host = fields
            .iter()
            .any(|f| matches!(f, Field::Host | Field::HostPort));
        let date = fields.iter().any(|f| f.has_date());
        let request = fields
            .iter()
            .any(|f| matches!(f, Field::Request | Field::Path));
        let missing = [
            (host, "the client address (%h)"),
            (date, "the date (%t)"),
            (request, "the request (%r, or %U)"),
        ];
        if let Some((_, what)) = missing.iter().find(|(has, _)| !has) {
            return Err(format!(
                "log format {:?} does not log {what}, which every request needs",
                program.name
            ));
        }
        program.shortcut = match &program.matcher {
            Matcher::Steps(steps) => Clf::of(steps),
            Matcher::Json(_) => None,
        };
        Ok(program)
    }

    /// Marks the fields that occur more than once as contested.
    pub(crate) fn marked(mut self) -> Program {
        let mut seen = [0u8; super::fields::SLOTS];
        for f in self.fields() {
            if let Some(s) = f.slot() {
                seen[s] = seen[s].saturating_add(1);
            }
        }
        let contested = |f: &Field| f.slot().is_some_and(|s| seen[s] > 1);
        match &mut self.matcher {
            Matcher::Steps(steps) => mark_contested(steps, &contested),
            Matcher::Json(spec) => {
                spec.for_each_steps(&mut |steps| mark_contested(steps, &contested))
            }
        }
        self
    }

    /// The same program reading every line with the general matcher: what the shortcut
    /// is checked against.
    pub fn without_shortcut(mut self) -> Program {
        self.shortcut = None;
        self
    }

    /// Classifies one line (without its `\n`).
    #[inline]
    pub fn parse_line<'a>(&self, line: &'a [u8]) -> super::Line<'a> {
        use super::Line;
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
        let mut f = Fields::default();
        let shortcut = self.shortcut.and_then(|clf| match clf.read(line, &mut f) {
            Some(()) => Some(Ok(())),
            None => {
                f = Fields::default();
                None
            }
        });
        let read = shortcut.unwrap_or_else(|| match &self.matcher {
            Matcher::Steps(steps) => run(steps, line, &mut f, Cow::Borrowed).map(|_| ()),
            Matcher::Json(spec) => spec.read(line, &mut f),
        });
        match read.and_then(|()| f.finish(self.escapes)) {
            Ok(req) => {
                // `finish` took every token out: there is nothing left to drop, and
                // checking a dozen empty fields on every line costs 1% of a run.
                std::mem::forget(f);
                Line::Request(req)
            }
            Err(why) => Line::Failed(why),
        }
    }
}

fn mark_contested(steps: &mut [Step], contested: &dyn Fn(&Field) -> bool) {
    for step in steps {
        if let Step::Field { field, pick, .. } = step {
            pick.contested = contested(field);
            // A field taken once is only ever set once when nothing else can set it.
            pick.once &= pick.contested;
        }
    }
}

pub(crate) fn step_fields(steps: &[Step]) -> impl Iterator<Item = &Field> {
    steps.iter().filter_map(|s| match s {
        Step::Field { field, .. } | Step::TimeHere { time: field, .. } => Some(field),
        _ => None,
    })
}

/// Splits off one field the way GoAccess's `parse_string` does: up to the `count`-th
/// occurrence of `delim` not preceded by a backslash, or to the end of the line when there
/// is no delimiter. `None` when the delimiter does not occur at all.
fn take_field<'b>(rest: &mut &'b [u8], delim: Option<u8>, count: usize) -> Option<&'b [u8]> {
    let s = *rest;
    let Some(d) = delim else {
        *rest = &s[s.len()..];
        return Some(trim(s));
    };
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
    // Too few delimiters: the field runs to the end if one occurs at all, escaped or not
    // (asked only now: most fields end at their first delimiter, found above).
    if seen == 0 {
        memchr::memchr(d, s)?;
    }
    *rest = &s[s.len()..];
    Some(trim(s))
}

/// Runs delimited steps over `input`; `own` turns a piece of the input into a token that
/// lives as long as the request (the line itself, or a copy of a decoded JSON value).
/// `Ok(false)`: the input ended before the steps did (fine for GoAccess, not for sniffing).
pub(crate) fn run<'a, 'b>(
    steps: &[Step],
    input: &'b [u8],
    f: &mut Fields<'a>,
    own: impl Fn(&'b [u8]) -> Cow<'a, [u8]>,
) -> Result<bool, Failure> {
    let mut rest = input;
    for step in steps {
        match step {
            Step::Skip => rest = rest.get(1..).unwrap_or_default(),
            Step::SkipTo(d) => {
                if rest.is_empty() {
                    return Ok(false);
                }
                if let Some(i) = d.and_then(|d| memchr::memchr(d, rest)) {
                    rest = &rest[i..];
                } else if d.is_none() {
                    rest = &rest[rest.len()..];
                }
            }
            Step::SkipSpace => {
                let n = rest
                    .iter()
                    .take_while(|b| super::request::is_space(**b))
                    .count();
                rest = &rest[n..];
            }
            Step::ZoneTo(d) => {
                if rest.is_empty() {
                    return Ok(false);
                }
                if let Some(i) = memchr::memchr(*d, rest) {
                    if let Some(z) = super::time::parse_offset(&rest[..i]) {
                        f.time.set_offset(z);
                    }
                    rest = &rest[i..];
                }
            }
            Step::Field {
                field,
                delim,
                count,
                pick,
            } => {
                if rest.is_empty() {
                    return Ok(false);
                }
                if pick.once && f.is_set(field) {
                    continue;
                }
                // `[2001:db8::1]:443`: GoAccess reads a bracketed address to its `]`.
                let (delim, count) = match (field, rest.first()) {
                    (Field::Host, Some(b'[')) => {
                        rest = &rest[1..];
                        (Some(b']'), 1)
                    }
                    _ => (*delim, *count),
                };
                let tok = take_field(&mut rest, delim, count);
                f.store(field, *pick, tok.map(&own))?;
            }
            Step::TimeHere {
                time,
                then,
                dash_absent,
            } => {
                if rest.is_empty() {
                    return Ok(false);
                }
                let Field::Time(format) = time else {
                    continue;
                };
                if *dash_absent && rest.first() == Some(&b'-') && rest.get(1).copied() == *then {
                    rest = &rest[1..];
                    continue;
                }
                f.timed = true;
                let n = format
                    .parse_prefix(rest, &mut f.time)
                    .ok_or(Failure::BadDate)?;
                rest = &rest[n..];
                if then.is_some_and(|t| rest.first() != Some(&t)) {
                    return Err(Failure::BadDate);
                }
            }
        }
    }
    Ok(true)
}

/// What the user gave to describe the log, from flags, the config file or a goaccess.conf.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    /// A predefined name, an Apache `LogFormat`, a GoAccess format (plain or JSON).
    pub log_format: Option<String>,
    /// GoAccess's `--date-format` and `--time-format`, for its specifiers.
    pub date_format: Option<String>,
    pub time_format: Option<String>,
    /// An nginx `log_format` string (its variables, JSON ones included).
    pub nginx_format: Option<String>,
    /// `NAME=PATH`: more JSON fields to read (on top of the format's, or the sniffed one).
    pub json_fields: Vec<String>,
}

impl FormatSpec {
    /// The program for this description; `None` when nothing was given.
    pub fn compile(&self) -> Result<Option<Program>, String> {
        if self.log_format.is_some() && self.nginx_format.is_some() {
            return Err("give either --log-format or --nginx-format, not both".into());
        }
        let program = if let Some(nginx) = &self.nginx_format {
            super::nginx::compile(nginx)?
        } else if let Some(spec) = &self.log_format {
            compile_log_format(
                spec,
                self.date_format.as_deref(),
                self.time_format.as_deref(),
            )?
        } else {
            return Ok(None);
        };
        self.with_json_fields(program).map(Some)
    }

    /// Adds `--json-field` mappings to a JSON program (an error for any other).
    pub fn with_json_fields(&self, program: Program) -> Result<Program, String> {
        if self.json_fields.is_empty() {
            return Ok(program);
        }
        match program.matcher {
            Matcher::Json(spec) => Program {
                matcher: Matcher::Json(spec.with_fields(&self.json_fields)?),
                ..program
            }
            .check(),
            Matcher::Steps(_) => Err(format!(
                "--json-field applies to JSON logs; {:?} is not a JSON format",
                program.name
            )),
        }
    }
}

/// Compiles a `--log-format` value: a predefined name (GoAccess's, any case), a GoAccess
/// format string (with its date and time formats), or an Apache `LogFormat` string.
pub fn compile_log_format(
    spec: &str,
    date: Option<&str>,
    time: Option<&str>,
) -> Result<Program, String> {
    if let Some(p) = super::goaccess::predefined(spec, date, time)? {
        return p.check();
    }
    if spec.trim_start().starts_with('{') {
        return super::goaccess::compile_json(spec, date, time)?.check();
    }
    match super::goaccess::language(spec) {
        Language::GoAccess => super::goaccess::compile(spec, date, time),
        Language::Apache if date.is_some() || time.is_some() => {
            super::goaccess::compile(spec, date, time)
        }
        Language::Apache => super::apache::compile(spec),
        Language::Mixed(why) => Err(format!("log format {spec:?}: {why}")),
    }?
    .check()
}

/// Which format language a string is written in, by the specifiers only one has.
pub enum Language {
    Apache,
    GoAccess,
    Mixed(String),
}

/// Compiles a `--log-format` value with no GoAccess date or time format.
pub fn compile(spec: &str) -> Result<Program, String> {
    compile_log_format(spec, None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::parse::time::TimeFormat;

    /// `take_field` written the plain way, a byte at a time, as the reference.
    fn take_field_bytewise<'b>(rest: &mut &'b [u8], d: u8, count: usize) -> Option<&'b [u8]> {
        let s = *rest;
        if !s.contains(&d) {
            return None;
        }
        let (mut seen, mut i) = (0, 0);
        while i < s.len() {
            if s[i] == d {
                seen += 1;
                if seen == count {
                    *rest = &s[i..];
                    return Some(trim(&s[..i]));
                }
            }
            // A backslash hides the next byte (even when it is the delimiter itself).
            if s[i] == b'\\' {
                i += 1;
            }
            i += 1;
        }
        *rest = &s[s.len()..];
        Some(trim(s))
    }

    #[test]
    fn take_field_splits_as_a_bytewise_scan_does() {
        let alphabet = b"ab \\\"]x";
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..100_000 {
            let s = crate::parse::random_bytes(&mut rng, alphabet, 12);
            let d = [b' ', b'"', b'\\', b']'][rng.usize(..4)];
            let count = rng.usize(1..4);
            let (mut a, mut b) = (&s[..], &s[..]);
            let got = take_field(&mut a, Some(d), count);
            assert_eq!(
                got,
                take_field_bytewise(&mut b, d, count),
                "{s:?} {d} {count}"
            );
            assert_eq!(a, b);
        }
    }

    fn fields(p: &Program) -> Vec<(Field, Option<u8>)> {
        match &p.matcher {
            Matcher::Steps(steps) => steps
                .iter()
                .filter_map(|s| match s {
                    Step::Field { field, delim, .. } => Some((field.clone(), *delim)),
                    _ => None,
                })
                .collect(),
            Matcher::Json(_) => Vec::new(),
        }
    }

    #[test]
    fn builtins_compile() {
        for name in [
            "COMBINED",
            "common",
            "VCOMBINED",
            "vcommon",
            "W3C",
            "CLOUDFRONT",
            "CADDY",
        ] {
            let p = compile(name).unwrap();
            assert!(
                p.fields().iter().any(|f| matches!(f, Field::Host)),
                "{name}"
            );
        }
        assert!(compile("COMBINED").unwrap().has(&Field::Agent));
        assert!(!compile("COMMON").unwrap().has(&Field::Agent));
    }

    #[test]
    fn apache_combined_string() {
        let p = compile(r#"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\""#).unwrap();
        let clf = |f: &str| Field::Time(TimeFormat::compile(f).unwrap());
        assert_eq!(
            fields(&p),
            vec![
                (Field::Host, Some(b' ')),
                (Field::User, Some(b' ')),
                (clf("%d/%b/%Y"), Some(b':')),
                (clf("%H:%M:%S"), Some(b' ')),
                (Field::Request, Some(b'"')),
                (Field::Status, Some(b' ')),
                (Field::Size, Some(b' ')),
                (Field::Referer, Some(b'"')),
                (Field::Agent, Some(b'"')),
            ]
        );
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(compile("%h %t %r %Z").unwrap_err().contains("%Z"));
        assert!(compile("%h %t").unwrap_err().contains("%r"));
        assert!(
            compile("%h%r %t")
                .unwrap_err()
                .contains("literal separator")
        );
        assert!(compile(r#"%h %{%Q}t "%r""#).unwrap_err().contains("%Q"));
        assert!(
            compile(r#"%h %{%H:%M}t "%r""#)
                .unwrap_err()
                .contains("date")
        );
    }
}
