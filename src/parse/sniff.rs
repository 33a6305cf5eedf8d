//! Format sniffing: with no format given anywhere, an input's first lines choose among the
//! formats a mirror's logs usually have. Each candidate reads the sample; the one that
//! reads the most lines completely (every field present, not just a prefix of the line)
//! wins, the more specific first on a tie (VCOMBINED before COMBINED before COMMON).
//! Error logs, told by their line shape, are recognised so that they can be skipped.

use std::sync::{LazyLock, OnceLock};

use super::format::{FormatSpec, Matcher, Program, compile};
use super::{Line, fields::Fields};

/// How each input of a run is read: the given format, or the one its first lines chose,
/// or not at all (an error log, a file in no known format).
pub struct Formats {
    given: Option<Program>,
    /// For `--json-field` on sniffed JSON formats.
    spec: FormatSpec,
    chosen: Vec<OnceLock<Choice>>,
    /// Inputs named on the command line: read even in no known format, so that their
    /// failed lines are counted and reported rather than the file passed over.
    named: Vec<bool>,
}

/// What was decided for one input.
#[derive(Debug, Clone)]
pub enum Choice {
    Read { program: Program, sniffed: bool },
    Skip(String),
}

/// What an input was read with, for reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputFormat {
    pub log_format: Option<String>,
    pub skipped: Option<String>,
}

/// A file name that says "error log" (`error.log.1`, `ssl_error_log`, `site-error.log`).
pub fn is_error_log_name(name: &str) -> bool {
    name.to_ascii_lowercase().contains("error")
}

impl Formats {
    /// `given`: the format every input is read with, if the user gave one. `inputs`: for
    /// each input, its file name and whether it was named on the command line (files found
    /// in directories and by globs whose names say "error" are skipped).
    pub fn new(
        given: Option<Program>,
        spec: FormatSpec,
        inputs: &[(Option<String>, bool)],
    ) -> Formats {
        let chosen = inputs
            .iter()
            .map(|(name, named)| {
                let cell = OnceLock::new();
                if !named && name.as_deref().is_some_and(is_error_log_name) {
                    let _ = cell.set(Choice::Skip("an error log (by its name)".into()));
                }
                cell
            })
            .collect();
        Formats {
            given,
            spec,
            chosen,
            named: inputs.iter().map(|(_, n)| *n).collect(),
        }
    }

    /// Every input read with `program`.
    pub fn one(program: Program) -> Formats {
        Formats {
            given: Some(program),
            spec: FormatSpec::default(),
            chosen: Vec::new(),
            named: Vec::new(),
        }
    }

    /// Whether input `i` is to be opened at all.
    pub fn wanted(&self, i: usize) -> bool {
        !matches!(
            self.chosen.get(i).and_then(OnceLock::get),
            Some(Choice::Skip(_))
        )
    }

    /// Decides how input `i` is read from its first bytes; whether it is read.
    pub fn choose(&self, i: usize, first: &[u8]) -> bool {
        let Some(cell) = self.chosen.get(i) else {
            return true;
        };
        let choice = cell.get_or_init(|| match &self.given {
            Some(p) => Choice::Read {
                program: p.clone(),
                sniffed: false,
            },
            None => match sniff(first) {
                Sniffed::Format(p) => Choice::Read {
                    program: self.spec.with_json_fields(p.clone()).unwrap_or(p),
                    sniffed: true,
                },
                Sniffed::ErrorLog => Choice::Skip("an error log (by its lines)".into()),
                Sniffed::Unknown if self.named.get(i).copied().unwrap_or(true) => Choice::Read {
                    program: PROGRAMS[1].clone(),
                    sniffed: true,
                },
                Sniffed::Unknown => Choice::Skip(
                    "not an access log: no known format reads its first lines (give --log-format)"
                        .into(),
                ),
            },
        });
        matches!(choice, Choice::Read { .. })
    }

    /// The program input `i` is read with.
    pub fn program(&self, i: usize) -> &Program {
        match self.chosen.get(i).and_then(OnceLock::get) {
            Some(Choice::Read { program, .. }) => program,
            _ => self.given.as_ref().unwrap_or(&PROGRAMS[1]),
        }
    }

    /// How input `i` was read.
    pub fn describe(&self, i: usize) -> InputFormat {
        match self.chosen.get(i).and_then(OnceLock::get) {
            Some(Choice::Read { program, .. }) => InputFormat {
                log_format: Some(program.name.clone()),
                skipped: None,
            },
            Some(Choice::Skip(why)) => InputFormat {
                log_format: None,
                skipped: Some(why.clone()),
            },
            None => InputFormat {
                log_format: self.given.as_ref().map(|p| p.name.clone()),
                skipped: None,
            },
        }
    }

    /// Whether input `i`'s format was sniffed (not given).
    pub fn sniffed(&self, i: usize) -> bool {
        matches!(
            self.chosen.get(i).and_then(OnceLock::get),
            Some(Choice::Read { sniffed: true, .. })
        )
    }

    /// The format the whole run was read with: the given one, else the one every input
    /// sniffed as, else `mixed: ...`.
    pub fn name(&self) -> String {
        self.name_of(0..self.chosen.len())
    }

    /// As [`Formats::name`], for inputs `inputs` alone (a node's).
    pub fn name_of(&self, inputs: impl IntoIterator<Item = usize>) -> String {
        if let Some(p) = &self.given {
            return p.name.clone();
        }
        let names: Vec<String> = (inputs.into_iter())
            .filter_map(|i| self.describe(i).log_format)
            .collect();
        run_name(names.iter().map(String::as_str))
    }

    /// The distinct formats inputs were read with, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = (0..self.chosen.len())
            .filter_map(|i| self.describe(i).log_format)
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

/// One name for a run read in `formats`.
pub fn run_name<'a>(formats: impl IntoIterator<Item = &'a str>) -> String {
    let distinct: std::collections::BTreeSet<&str> = formats.into_iter().collect();
    match Vec::from_iter(distinct).as_slice() {
        [] => "none".into(),
        [one] => one.to_string(),
        many => format!("mixed: {}", many.join(", ")),
    }
}

/// What an input's first lines are.
#[derive(Debug, Clone)]
pub enum Sniffed {
    Format(Program),
    /// An Apache or nginx error log.
    ErrorLog,
    /// No candidate reads them.
    Unknown,
}

/// The candidates, most specific first.
pub const CANDIDATES: [&str; 6] = [
    "VCOMBINED",
    "COMBINED",
    "VCOMMON",
    "COMMON",
    "CADDY",
    "JSON",
];

static PROGRAMS: LazyLock<Vec<Program>> = LazyLock::new(|| {
    CANDIDATES
        .iter()
        .map(|n| compile(n).expect("built-in formats compile"))
        .collect()
});

/// How many lines of an input are looked at.
const SAMPLE_LINES: usize = 100;

/// Chooses a format for `data`, the first bytes of an input.
pub fn sniff(data: &[u8]) -> Sniffed {
    let sample: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace) && !l.starts_with(b"#"))
        .take(SAMPLE_LINES)
        .collect();
    if sample.is_empty() {
        return Sniffed::Unknown;
    }
    let scores: Vec<usize> = PROGRAMS
        .iter()
        .map(|p| sample.iter().filter(|l| reads_whole(p, l)).count())
        .collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    if best > 0 && best * 4 >= sample.len() {
        let at = scores.iter().position(|&s| s == best).unwrap_or(0);
        return Sniffed::Format(PROGRAMS[at].clone());
    }
    let errors = sample.iter().filter(|l| is_error_line(l)).count();
    if errors * 2 >= sample.len() {
        Sniffed::ErrorLog
    } else {
        Sniffed::Unknown
    }
}

/// Whether `program` reads `line` as a request with every field of the format present.
fn reads_whole(program: &Program, line: &[u8]) -> bool {
    match &program.matcher {
        Matcher::Steps(steps) => {
            let mut f = Fields::default();
            matches!(
                super::format::run(steps, line, &mut f, std::borrow::Cow::Borrowed),
                Ok(true)
            ) && f.finish(program.escapes).is_ok()
        }
        Matcher::Json(_) => matches!(program.parse_line(line), Line::Request(_)),
    }
}

/// An Apache error-log line (`[Tue Oct 10 13:55:36.123456 2023] [core:error] ...`) or an
/// nginx one (`2023/10/10 13:55:36 [error] 1234#1234: ...`).
pub fn is_error_line(line: &[u8]) -> bool {
    const DAYS: [&[u8]; 7] = [
        b"Mon ", b"Tue ", b"Wed ", b"Thu ", b"Fri ", b"Sat ", b"Sun ",
    ];
    const LEVELS: [&[u8]; 8] = [
        b"[debug]",
        b"[info]",
        b"[notice]",
        b"[warn]",
        b"[error]",
        b"[crit]",
        b"[alert]",
        b"[emerg]",
    ];
    if let Some(rest) = line.strip_prefix(b"[") {
        return DAYS.iter().any(|d| rest.starts_with(d))
            && memchr::memmem::find(rest, b"] [").is_some();
    }
    let shape = |i: usize, c: u8| {
        line.get(i).is_some_and(|&b| {
            if c == b'9' {
                b.is_ascii_digit()
            } else {
                b == c
            }
        })
    };
    let stamp = b"9999/99/99 99:99:99 ";
    stamp.iter().enumerate().all(|(i, &c)| shape(i, c))
        && LEVELS.iter().any(|l| line[stamp.len()..].starts_with(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(data: &str) -> String {
        match sniff(data.as_bytes()) {
            Sniffed::Format(p) => p.name,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn picks_the_format() {
        let combined =
            r#"1.2.3.4 - - [10/Oct/2018:13:55:36 +1300] "GET / HTTP/1.1" 200 5 "-" "curl/8""#;
        let common = r#"1.2.3.4 - - [10/Oct/2018:13:55:36 +1300] "GET / HTTP/1.1" 200 5"#;
        assert_eq!(name(&format!("{combined}\n{combined}\n")), "COMBINED");
        assert_eq!(name(&format!("{common}\r\n{common}\r\n")), "COMMON");
        assert_eq!(name(&format!("mirror.x:443 {combined}\n")), "VCOMBINED");
        assert_eq!(name(&format!("mirror.x:80 {common}\n")), "VCOMMON");
        // Two lines of junk among ten keep the choice.
        let mixed = format!("{}junk\n\\x16\\x03\n", format!("{combined}\n").repeat(8));
        assert_eq!(name(&mixed), "COMBINED");
        let caddy = r#"{"level":"info","ts":1696946136.52,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"192.168.0.1","proto":"HTTP/2.0","method":"GET","host":"x","uri":"/","headers":{}},"size":1,"status":200}"#;
        assert_eq!(name(caddy), "CADDY");
        let nginx = r#"{"time_iso8601":"2019-04-01T06:25:09+00:00","remote_addr":"1.2.3.4","request":"GET / HTTP/1.1","status":"200","body_bytes_sent":"5"}"#;
        assert_eq!(name(nginx), "JSON");
    }

    #[test]
    fn error_logs_and_prose() {
        let apache = "[Tue Oct 10 13:55:36.123456 2023] [core:error] [pid 1234] [client 1.2.3.4:5678] AH00126: Invalid URI\n";
        let nginx = "2023/10/10 13:55:36 [error] 1234#1234: *1 open() failed\n";
        assert_eq!(name(&apache.repeat(3)), "ErrorLog");
        assert_eq!(name(&nginx.repeat(3)), "ErrorLog");
        assert_eq!(name("This is a README.\nIt is not a log.\n"), "Unknown");
        assert_eq!(name(""), "Unknown");
    }
}
