//! Log timestamps, parsed the way glibc's `strptime` parses them, because that is what
//! GoAccess uses: a date written `1/oct/2018` or `10/October/2018` is valid there, `31/Feb`
//! is accepted as written, and a token must be consumed whole (`13:55:36]` is invalid).
//!
//! The common `dd/Mon/yyyy` and `HH:MM:SS` shapes take a fast path; everything else goes
//! through a small interpreter of the strftime conversions access logs use.

/// A calendar day as logged, packed as `yyyymmdd` so that it sorts and compares as a date.
/// Not validated against the calendar (GoAccess keeps `31/Feb/2018` too).
pub type Day = u32;

/// Broken-down time as written in the log; fields missing from the format stay zero.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tm {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// UTC offset in minutes, when the format carries one (`%z`).
    pub utc_offset_min: Option<i16>,
}

impl Tm {
    pub fn day_key(&self) -> Day {
        self.year as u32 * 10_000 + self.month as u32 * 100 + self.day as u32
    }
}

/// The day of a calendar date.
pub fn day_key(d: jiff::civil::Date) -> Day {
    d.year() as u32 * 10_000 + d.month() as u32 * 100 + d.day() as u32
}

/// Formats a [`Day`] as `YYYY-MM-DD`.
pub fn day_to_string(day: Day) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day / 10_000,
        day / 100 % 100,
        day % 100
    )
}

const MONTHS: [&[u8]; 12] = [
    b"january",
    b"february",
    b"march",
    b"april",
    b"may",
    b"june",
    b"july",
    b"august",
    b"september",
    b"october",
    b"november",
    b"december",
];

fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some((a - b'0') * 10 + (c - b'0')),
        _ => None,
    }
}

/// Month from an exact three-letter abbreviation, any case.
fn month_abbr(b: &[u8]) -> Option<u8> {
    let lower = [b[0] | 0x20, b[1] | 0x20, b[2] | 0x20];
    MONTHS
        .iter()
        .position(|m| m[..3] == lower)
        .map(|i| i as u8 + 1)
}

/// `dd/Mon/yyyy` (the `%d/%b/%Y` of common and combined logs).
pub fn parse_clf_date(tok: &[u8]) -> Option<Tm> {
    if let [d0, d1, b'/', m0, m1, m2, b'/', y0, y1, y2, y3] = *tok {
        let day = two_digits(&[d0, d1]);
        let month = month_abbr(&[m0, m1, m2]);
        let year = two_digits(&[y0, y1]).zip(two_digits(&[y2, y3]));
        if let (Some(day), Some(month), Some((hi, lo))) = (day, month, year) {
            if (1..=31).contains(&day) {
                return Some(Tm {
                    year: hi as u16 * 100 + lo as u16,
                    month,
                    day,
                    ..Tm::default()
                });
            }
            return None;
        }
    }
    strptime(tok, b"%d/%b/%Y")
}

/// `HH:MM:SS` (the `%H:%M:%S` of common and combined logs).
pub fn parse_clf_time(tok: &[u8]) -> Option<Tm> {
    if let [h0, h1, b':', m0, m1, b':', s0, s1] = *tok
        && let (Some(h), Some(m), Some(s)) = (
            two_digits(&[h0, h1]),
            two_digits(&[m0, m1]),
            two_digits(&[s0, s1]),
        )
    {
        if h <= 23 && m <= 59 && s <= 61 {
            return Some(Tm {
                hour: h,
                minute: m,
                second: s,
                ..Tm::default()
            });
        }
        return None;
    }
    strptime(tok, b"%H:%M:%S")
}

fn is_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

/// glibc's `get_number`: skip white space, then read at most `digits` digits, stopping
/// early once another digit would exceed `max`; the value must lie in `min..=max`.
fn number(s: &mut &[u8], min: u32, max: u32, digits: usize) -> Option<u32> {
    while let [c, rest @ ..] = *s {
        if !is_space(*c) {
            break;
        }
        *s = rest;
    }
    let mut val = 0u32;
    let mut n = 0;
    while n < digits {
        match s.first() {
            Some(c @ b'0'..=b'9') if n == 0 || val * 10 <= max => {
                val = val * 10 + u32::from(c - b'0');
                *s = &s[1..];
                n += 1;
            }
            _ => break,
        }
    }
    (n > 0 && (min..=max).contains(&val)).then_some(val)
}

fn month_name(s: &mut &[u8]) -> Option<u8> {
    for (i, name) in MONTHS.iter().enumerate() {
        // The full name first, so that `October` is not read as `Oct` + `ober`.
        for cand in [*name, &name[..3]] {
            if s.len() >= cand.len() && s[..cand.len()].eq_ignore_ascii_case(cand) {
                *s = &s[cand.len()..];
                return Some(i as u8 + 1);
            }
        }
    }
    None
}

/// A whole token that is a UTC offset (`+1300`, `-05:30`), in minutes.
pub fn parse_offset(tok: &[u8]) -> Option<i16> {
    let mut s = tok;
    utc_offset(&mut s).filter(|_| s.is_empty())
}

fn utc_offset(s: &mut &[u8]) -> Option<i16> {
    let sign = match s.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    *s = &s[1..];
    let hh = two_digits(s.get(..2)?)? as i16;
    *s = &s[2..];
    if s.first() == Some(&b':') {
        *s = &s[1..];
    }
    let mm = two_digits(s.get(..2)?)? as i16;
    *s = &s[2..];
    (hh <= 23 && mm <= 59).then_some(sign * (hh * 60 + mm))
}

/// A strptime for the conversions access logs use: `%d %e %m %b %h %B %y %Y %H %M %S %z
/// %T %F %%`. White space in the format matches any run of white space; the whole input
/// must be consumed. Returns `None` on anything else.
pub fn strptime(input: &[u8], fmt: &[u8]) -> Option<Tm> {
    let mut tm = Tm::default();
    let mut s = input;
    let mut f = fmt;
    while let [c, rest @ ..] = f {
        f = rest;
        if is_space(*c) {
            while s.first().is_some_and(|&b| is_space(b)) {
                s = &s[1..];
            }
            continue;
        }
        if *c != b'%' {
            if s.first() != Some(c) {
                return None;
            }
            s = &s[1..];
            continue;
        }
        let (&conv, rest) = f.split_first()?;
        f = rest;
        match conv {
            b'd' | b'e' => tm.day = number(&mut s, 1, 31, 2)? as u8,
            b'm' => tm.month = number(&mut s, 1, 12, 2)? as u8,
            b'b' | b'h' | b'B' => tm.month = month_name(&mut s)?,
            b'Y' => tm.year = number(&mut s, 0, 9999, 4)? as u16,
            b'y' => {
                let y = number(&mut s, 0, 99, 2)? as u16;
                tm.year = if y < 69 { 2000 + y } else { 1900 + y };
            }
            b'H' => tm.hour = number(&mut s, 0, 23, 2)? as u8,
            b'M' => tm.minute = number(&mut s, 0, 59, 2)? as u8,
            b'S' => tm.second = number(&mut s, 0, 61, 2)? as u8,
            b'z' => tm.utc_offset_min = Some(utc_offset(&mut s)?),
            b'T' => {
                let t = strptime_prefix(&mut s, b"%H:%M:%S")?;
                (tm.hour, tm.minute, tm.second) = (t.hour, t.minute, t.second);
            }
            b'F' => {
                let d = strptime_prefix(&mut s, b"%Y-%m-%d")?;
                (tm.year, tm.month, tm.day) = (d.year, d.month, d.day);
            }
            b'%' => {
                if s.first() != Some(&b'%') {
                    return None;
                }
                s = &s[1..];
            }
            _ => return None,
        }
    }
    s.is_empty().then_some(tm)
}

/// `strptime` on a prefix of `s`, advancing `s` past what it consumed.
fn strptime_prefix(s: &mut &[u8], fmt: &[u8]) -> Option<Tm> {
    // Try the longest prefix that parses: the conversions here are fixed-width enough
    // (at most 10 bytes) that this stays cheap, and it keeps one implementation.
    (1..=s.len().min(10)).rev().find_map(|n| {
        let tm = strptime(&s[..n], fmt)?;
        *s = &s[n..];
        Some(tm)
    })
}

/// Validates a user-supplied `%{...}t` format: only the conversions [`strptime`] knows.
pub fn check_time_format(fmt: &str) -> Result<(), String> {
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            match chars.next() {
                Some(
                    'd' | 'e' | 'm' | 'b' | 'h' | 'B' | 'y' | 'Y' | 'H' | 'M' | 'S' | 'z' | 'T'
                    | 'F' | '%',
                ) => {}
                Some(other) => return Err(format!("unsupported time conversion %{other}")),
                None => return Err("time format ends with a lone %".into()),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clf_date_fast_and_slow_paths_agree() {
        let want = Tm {
            year: 2018,
            month: 10,
            day: 1,
            ..Tm::default()
        };
        assert_eq!(parse_clf_date(b"01/Oct/2018"), Some(want));
        assert_eq!(parse_clf_date(b"1/Oct/2018"), Some(want));
        assert_eq!(parse_clf_date(b"01/oct/2018"), Some(want));
        assert_eq!(parse_clf_date(b"01/October/2018"), Some(want));
        assert_eq!(strptime(b"01/Oct/2018", b"%d/%b/%Y"), Some(want));
    }

    #[test]
    fn clf_date_rejections_match_glibc() {
        for bad in [
            &b"99/Foo/2018"[..],
            b"10/Oct/20188",
            b"00/Oct/2018",
            b"32/Oct/2018",
            b"10/Octo/2018",
            b"",
            b"10-Oct-2018",
        ] {
            assert_eq!(
                parse_clf_date(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        // Not validated against the calendar, as GoAccess does not.
        assert_eq!(
            parse_clf_date(b"31/Feb/2018").map(|t| t.day_key()),
            Some(20180231)
        );
    }

    #[test]
    fn clf_time() {
        assert_eq!(parse_clf_time(b"13:55:36").map(|t| t.hour), Some(13));
        assert_eq!(parse_clf_time(b"13:55:61").map(|t| t.second), Some(61));
        assert_eq!(parse_clf_time(b"25:61:61"), None);
        assert_eq!(parse_clf_time(b"13:55:36]"), None);
        assert_eq!(
            parse_clf_time(b"1:2:3").map(|t| (t.hour, t.minute, t.second)),
            Some((1, 2, 3))
        );
    }

    #[test]
    fn custom_formats() {
        let tm = strptime(b"2018-12-31 23:59:01 +1300", b"%Y-%m-%d %H:%M:%S %z").unwrap();
        assert_eq!(
            (tm.day_key(), tm.hour, tm.utc_offset_min),
            (20181231, 23, Some(780))
        );
        let tm = strptime(b"2018-12-31T23:59:01-05:30", b"%FT%T%z").unwrap();
        assert_eq!(
            (tm.day_key(), tm.second, tm.utc_offset_min),
            (20181231, 1, Some(-330))
        );
        assert_eq!(strptime(b"2018-12-31", b"%F%%"), None);
        assert!(check_time_format("%d/%b/%Y:%H:%M:%S %z").is_ok());
        assert!(check_time_format("%s").is_err());
    }

    #[test]
    fn day_string() {
        assert_eq!(day_to_string(20190104), "2019-01-04");
    }

    proptest::proptest! {
        /// The fast path and the strptime interpreter agree on every input of the fast
        /// path's shape.
        #[test]
        fn fast_path_equals_interpreter(d in 0u8..=99, m in 0usize..14, y in 0u16..=9999, case in 0u8..3) {
            let names = ["Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec","Foo","Ja1"];
            let name = match case { 0 => names[m].to_string(), 1 => names[m].to_lowercase(), _ => names[m].to_uppercase() };
            let tok = format!("{d:02}/{name}/{y:04}");
            proptest::prop_assert_eq!(parse_clf_date(tok.as_bytes()), strptime(tok.as_bytes(), b"%d/%b/%Y"));
        }

        #[test]
        fn time_fast_path_equals_interpreter(h in 0u8..=99, m in 0u8..=99, s in 0u8..=99) {
            let tok = format!("{h:02}:{m:02}:{s:02}");
            proptest::prop_assert_eq!(parse_clf_time(tok.as_bytes()), strptime(tok.as_bytes(), b"%H:%M:%S"));
        }
    }
}
