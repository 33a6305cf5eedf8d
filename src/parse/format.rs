//! Log formats: the built-in names and Apache `LogFormat` strings, compiled once (with nom)
//! into a [`Program`] of steps that the line matcher runs.
//!
//! The matcher follows GoAccess's semantics, which decide what counts as a failed line:
//! a field ends at the next unescaped occurrence of the byte that follows it in the
//! format; literal bytes are stepped over, not compared; a line that ends before a field
//! is fine as long as host, date and request were seen. The built-in formats are the
//! exact programs of GoAccess's `COMBINED`, `COMMON` and `VCOMBINED`, so that the numbers
//! agree on the same hostile input.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{is_not, tag, take_while1},
    character::complete::{anychar, char, one_of},
    combinator::{all_consuming, map, opt, recognize},
    multi::many0,
    sequence::{delimited, preceded},
};

/// What a field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Host,
    /// `%d/%b/%Y` as in `[10/Oct/2018:13:55:36 +1300]`.
    Date,
    /// `%H:%M:%S`.
    Time,
    /// A `%{...}t` timestamp with its strftime format; `spaces` is how many spaces the
    /// formatted time contains, so the field spans that many delimiters more.
    DateTime {
        format: String,
        spaces: usize,
    },
    Request,
    Method,
    Path,
    Query,
    Protocol,
    Status,
    Size,
    Referer,
    Agent,
    Vhost,
    ServeMicros,
    ServeMillis,
    ServeSeconds,
}

/// One step of the matcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A literal byte of the format: step over one byte of input.
    Skip,
    /// Advance to the next occurrence of the byte (GoAccess's `%^`, and fields we do not
    /// keep, like Apache's `%l %u`); stays put if there is none.
    SkipTo(Option<u8>),
    /// As `SkipTo`, over the zone of `[%d:%t %^]`: GoAccess ignores it, and so does the
    /// matching, but a well-formed `+hhmm` is kept for UTC timestamps in request rows.
    ZoneTo(u8),
    /// Read a field up to the delimiter (`None`: to the end of the line).
    Field { field: Field, delim: Option<u8> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub steps: Vec<Step>,
    /// The format as the user named it, for reports.
    pub name: String,
}

impl Program {
    /// Whether lines carry the serve time (`%D`, `%T`).
    pub fn has_serve_time(&self) -> bool {
        [Field::ServeMicros, Field::ServeMillis, Field::ServeSeconds]
            .iter()
            .any(|f| self.has(f))
    }

    pub fn has(&self, f: &Field) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s, Step::Field { field, .. } if field == f))
    }
}

/// GoAccess's predefined formats, written in its own specifier language.
const GOACCESS_COMMON: &str = r#"%h %^[%d:%t %^] "%r" %s %b"#;
const GOACCESS_COMBINED: &str = r#"%h %^[%d:%t %^] "%r" %s %b "%R" "%u""#;
const GOACCESS_VCOMBINED: &str = r#"%v:%^ %h %^[%d:%t %^] "%r" %s %b "%R" "%u""#;

/// Compiles a `--log-format` value: `COMBINED`, `COMMON`, `VCOMBINED` (any case) or an
/// Apache `LogFormat` string.
pub fn compile(spec: &str) -> Result<Program, String> {
    let builtin = match spec.to_ascii_uppercase().as_str() {
        "COMBINED" => Some(GOACCESS_COMBINED),
        "COMMON" => Some(GOACCESS_COMMON),
        "VCOMBINED" | "VHOST_COMBINED" => Some(GOACCESS_VCOMBINED),
        _ => None,
    };
    let steps = match builtin {
        Some(g) => goaccess_steps(g),
        None => apache_steps(spec)?,
    };
    let program = Program {
        steps,
        name: spec.to_string(),
    };
    for (needed, what) in [(Field::Host, "%h"), (Field::Request, "%r")] {
        let has_alt = match needed {
            Field::Request => program.has(&Field::Path),
            _ => false,
        };
        if !program.has(&needed) && !has_alt {
            return Err(format!("log format {spec:?} has no {what} field"));
        }
    }
    let has_date = program.has(&Field::Date)
        || program.steps.iter().any(|s| {
            matches!(
                s,
                Step::Field {
                    field: Field::DateTime { .. },
                    ..
                }
            )
        });
    if !has_date {
        return Err(format!("log format {spec:?} has no %t time field"));
    }
    Ok(program)
}

/// The built-ins, in GoAccess's language: every `%x` is a field whose delimiter is the
/// next format byte; `%^` skips to it; any other byte is stepped over.
fn goaccess_steps(fmt: &str) -> Vec<Step> {
    let b = fmt.as_bytes();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 1 < b.len() {
            let delim = b.get(i + 2).copied();
            let field = match b[i + 1] {
                b'h' => Some(Field::Host),
                b'd' => Some(Field::Date),
                b't' => Some(Field::Time),
                b'r' => Some(Field::Request),
                b's' => Some(Field::Status),
                b'b' => Some(Field::Size),
                b'R' => Some(Field::Referer),
                b'u' => Some(Field::Agent),
                b'v' => Some(Field::Vhost),
                _ => None,
            };
            steps.push(match (field, delim) {
                (Some(field), _) => Step::Field { field, delim },
                (None, Some(b']')) => Step::ZoneTo(b']'),
                (None, _) => Step::SkipTo(delim),
            });
            i += 2;
        } else {
            steps.push(Step::Skip);
            i += 1;
        }
    }
    steps
}

/// A parsed piece of an Apache `LogFormat` string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Literal(Vec<u8>),
    Directive { arg: Option<String>, letter: char },
}

fn directive(i: &str) -> IResult<&str, Item> {
    // `%[!]200,304{arg}<>x`: conditions and `<`/`>` modifiers do not change parsing.
    let condition = recognize((
        opt(char('!')),
        take_while1(|c: char| c.is_ascii_digit() || c == ','),
    ));
    map(
        preceded(
            char('%'),
            (
                opt(condition),
                opt(one_of("<>")),
                opt(delimited(char('{'), is_not("}"), char('}'))),
                opt(one_of("<>")),
                anychar,
            ),
        ),
        |(_, _, arg, _, letter)| Item::Directive {
            arg: arg.map(str::to_string),
            letter,
        },
    )
    .parse(i)
}

fn escape(i: &str) -> IResult<&str, Item> {
    map(preceded(char('\\'), anychar), |c| {
        let b = match c {
            'n' => b'\n',
            't' => b'\t',
            other => return Item::Literal(other.to_string().into_bytes()),
        };
        Item::Literal(vec![b])
    })
    .parse(i)
}

fn items(i: &str) -> IResult<&str, Vec<Item>> {
    all_consuming(many0(alt((
        map(tag("%%"), |_| Item::Literal(b"%".to_vec())),
        directive,
        escape,
        map(is_not("%\\"), |s: &str| {
            Item::Literal(s.as_bytes().to_vec())
        }),
    ))))
    .parse(i)
}

fn apache_steps(spec: &str) -> Result<Vec<Step>, String> {
    let (_, items) = items(spec).map_err(|_| format!("cannot parse log format {spec:?}"))?;
    // Merge adjacent literals so that "the byte after a field" is well defined.
    let mut merged: Vec<Item> = Vec::new();
    for it in items {
        match (merged.last_mut(), it) {
            (Some(Item::Literal(prev)), Item::Literal(next)) => prev.extend(next),
            (_, it) => merged.push(it),
        }
    }
    // `%U%q` (path then query string, no separator) is one field: the URL.
    let mut i = 0;
    while i + 1 < merged.len() {
        let is = |it: &Item, l: char| matches!(it, Item::Directive { letter, .. } if *letter == l);
        if is(&merged[i], 'U') && is(&merged[i + 1], 'q') {
            merged.remove(i + 1);
        }
        i += 1;
    }
    let mut steps = Vec::new();
    for (idx, it) in merged.iter().enumerate() {
        let (arg, letter) = match it {
            Item::Literal(bytes) => {
                steps.extend(bytes.iter().map(|_| Step::Skip));
                continue;
            }
            Item::Directive { arg, letter } => (arg.as_deref(), *letter),
        };
        let delim = match merged.get(idx + 1) {
            Some(Item::Literal(b)) => Some(b[0]),
            Some(Item::Directive { .. }) => {
                return Err(format!(
                    "log format {spec:?}: %{letter} must be followed by a literal separator"
                ));
            }
            None => None,
        };
        let field = |field| Step::Field { field, delim };
        match (letter, arg) {
            ('h' | 'a', _) => steps.push(field(Field::Host)),
            ('t', None) => {
                // `[10/Oct/2018:13:55:36 +1300]`, read as GoAccess reads `[%d:%t %^]`.
                if delim.is_some_and(|d| d != b' ' && d != b'"') {
                    return Err(format!("log format {spec:?}: unexpected byte after %t"));
                }
                steps.extend([
                    Step::Skip,
                    Step::Field {
                        field: Field::Date,
                        delim: Some(b':'),
                    },
                    Step::Skip,
                    Step::Field {
                        field: Field::Time,
                        delim: Some(b' '),
                    },
                    Step::Skip,
                    Step::ZoneTo(b']'),
                    Step::Skip,
                ]);
            }
            ('t', Some(arg)) => {
                let format = arg
                    .trim_start_matches("begin:")
                    .trim_start_matches("end:")
                    .to_string();
                crate::parse::time::check_time_format(&format)
                    .map_err(|e| format!("log format {spec:?}: %{{{arg}}}t: {e}"))?;
                let spaces = format.bytes().filter(|&b| b == b' ').count();
                steps.push(field(Field::DateTime { format, spaces }));
            }
            ('r', _) => steps.push(field(Field::Request)),
            ('m', _) => steps.push(field(Field::Method)),
            ('U', _) => steps.push(field(Field::Path)),
            ('q', _) => steps.push(field(Field::Query)),
            ('H', _) => steps.push(field(Field::Protocol)),
            ('s', _) => steps.push(field(Field::Status)),
            ('b' | 'B' | 'O', _) => steps.push(field(Field::Size)),
            ('v' | 'V', _) => steps.push(field(Field::Vhost)),
            ('D', _) => steps.push(field(Field::ServeMicros)),
            ('T', None | Some("s")) => steps.push(field(Field::ServeSeconds)),
            ('T', Some("ms")) => steps.push(field(Field::ServeMillis)),
            ('T', Some("us")) => steps.push(field(Field::ServeMicros)),
            ('i', Some(h)) if h.eq_ignore_ascii_case("referer") => {
                steps.push(field(Field::Referer))
            }
            ('i', Some(h)) if h.eq_ignore_ascii_case("user-agent") => {
                steps.push(field(Field::Agent))
            }
            // Fields we read past: ident, user, ports, pids, other headers, cookies, ...
            (
                'l' | 'u' | 'e' | 'p' | 'P' | 'k' | 'X' | 'L' | 'f' | 'n' | 'o' | 'R' | 'I' | 'S'
                | 'i' | 'C' | 'A' | 'M' | '^',
                _,
            ) => steps.push(Step::SkipTo(delim)),
            (other, _) => {
                return Err(format!(
                    "log format {spec:?}: unsupported directive %{other}"
                ));
            }
        }
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_compile() {
        for name in ["COMBINED", "common", "VCOMBINED"] {
            let p = compile(name).unwrap();
            assert!(p.has(&Field::Host) && p.has(&Field::Request));
        }
        assert!(compile("COMBINED").unwrap().has(&Field::Agent));
        assert!(!compile("COMMON").unwrap().has(&Field::Agent));
    }

    #[test]
    fn apache_combined_string() {
        let p = compile(r#"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\""#).unwrap();
        let fields: Vec<_> = p
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Field { field, delim } => Some((field.clone(), *delim)),
                _ => None,
            })
            .collect();
        assert_eq!(
            fields,
            vec![
                (Field::Host, Some(b' ')),
                (Field::Date, Some(b':')),
                (Field::Time, Some(b' ')),
                (Field::Request, Some(b'"')),
                (Field::Status, Some(b' ')),
                (Field::Size, Some(b' ')),
                (Field::Referer, Some(b'"')),
                (Field::Agent, Some(b'"')),
            ]
        );
    }

    #[test]
    fn custom_time_and_serve_time() {
        let p = compile(r#"%h [%{%Y-%m-%d %H:%M:%S %z}t] "%r" %>s %O %D"#).unwrap();
        assert!(p.steps.contains(&Step::Field {
            field: Field::DateTime {
                format: "%Y-%m-%d %H:%M:%S %z".into(),
                spaces: 2
            },
            delim: Some(b']')
        }));
        assert!(p.has(&Field::ServeMicros));
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
        assert!(compile(r#"%h %{%s}t "%r""#).unwrap_err().contains("%s"));
    }
}
