//! Log timestamps, parsed the way glibc's `strptime` parses them, because that is what
//! GoAccess uses: a date written `1/oct/2018` or `10/October/2018` is valid there, `31/Feb`
//! is accepted as written, and a token must be consumed whole (`13:55:36]` is invalid).
//!
//! A time may come in pieces (`%{%Y-%m-%d}t %{%H:%M:%S}t %{%z}t`, `%{sec}t.%{msec_frac}t`,
//! GoAccess's `%d` and `%t`): every piece writes what it read into one [`Parts`], and
//! [`Parts::resolve`] makes the calendar time of the request at the end of the line. A
//! time with no zone is taken as logged (local), as GoAccess does; an epoch time is UTC
//! unless the line also gives a zone.
//!
//! The common `dd/Mon/yyyy` and `HH:MM:SS` shapes take a fast path; everything else goes
//! through a small interpreter of compiled strftime formats ([`TimeFormat`]).

use std::sync::LazyLock;

/// A calendar day as logged, packed as `yyyymmdd` so that it sorts and compares as a date.
/// Not validated against the calendar (GoAccess keeps `31/Feb/2018` too).
pub type Day = u32;

/// Calendar time of a request as logged.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tm {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Fraction of the second, in microseconds (`%{usec_frac}t`, epoch fractions).
    pub micros: u32,
    /// UTC offset in minutes, when the line carries one (`%z`, a known `%Z`, epoch times).
    pub utc_offset_min: Option<i16>,
}

impl Tm {
    pub fn day_key(&self) -> Day {
        self.year as u32 * 10_000 + self.month as u32 * 100 + self.day as u32
    }

    /// ISO 8601, as logged: `2019-05-06T12:09:43`, then `.123456` when there is a
    /// fraction and `-04:00` when the line gave an offset.
    pub fn iso8601(&self) -> String {
        let mut s = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.micros != 0 {
            s += &format!(".{:06}", self.micros);
        }
        if let Some(o) = self.utc_offset_min {
            let sign = if o < 0 { '-' } else { '+' };
            s += &format!("{sign}{:02}:{:02}", o.abs() / 60, o.abs() % 60);
        }
        s
    }
}

/// The day of a calendar date.
/// `YYYY-MM` as `YYYYMM` (a [`Day`] divided by 100), if it is one.
pub fn month_key(m: &str) -> Option<u32> {
    let (y, mm) = m
        .split_once('-')
        .filter(|(y, mm)| y.len() == 4 && mm.len() == 2)?;
    let (y, mm) = (y.parse::<u32>().ok()?, mm.parse::<u32>().ok()?);
    (1..=12).contains(&mm).then_some(y * 100 + mm)
}

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

/// What the time pieces of one line said. Fields stay `None` until a piece sets them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub year: Option<u16>,
    /// `%C` and `%y` read apart: combined at the end, as glibc does.
    century: Option<u8>,
    year2: Option<u8>,
    pub month: Option<u8>,
    pub day: Option<u8>,
    year_day: Option<u16>,
    /// 0 = Sunday.
    week_day: Option<u8>,
    iso_year: Option<u16>,
    iso_week: Option<u8>,
    pub hour: Option<u8>,
    hour12: Option<u8>,
    pm: Option<bool>,
    pub minute: Option<u8>,
    pub second: Option<u8>,
    micros: Option<u32>,
    offset: Option<i16>,
    epoch: Option<i64>,
}

impl Parts {
    /// The calendar time these parts describe, `None` if they name no date.
    pub fn resolve(&self) -> Option<Tm> {
        // The usual case first: a whole date and time of day, as logged.
        if let (None, Some(year), Some(month), Some(day), Some(hour)) =
            (self.epoch, self.year, self.month, self.day, self.hour)
        {
            return Some(Tm {
                year,
                month,
                day,
                hour,
                minute: self.minute.unwrap_or(0),
                second: self.second.unwrap_or(0),
                micros: self.micros.unwrap_or(0),
                utc_offset_min: self.offset,
            });
        }
        if let Some(epoch) = self.epoch {
            // An epoch is absolute: shown in the logged zone if there is one, else UTC.
            let offset = self.offset.unwrap_or(0);
            let local = epoch.checked_add(i64::from(offset) * 60)?;
            let ts = jiff::Timestamp::from_second(local).ok()?;
            let dt = jiff::tz::TimeZone::UTC.to_datetime(ts);
            return Some(Tm {
                year: u16::try_from(dt.year()).ok()?,
                month: dt.month() as u8,
                day: dt.day() as u8,
                hour: dt.hour() as u8,
                minute: dt.minute() as u8,
                second: dt.second() as u8,
                micros: self.micros.unwrap_or(0),
                utc_offset_min: Some(offset),
            });
        }
        let year = match (self.year, self.century, self.year2) {
            (Some(y), _, _) => Some(y),
            (None, Some(c), Some(y)) => Some(u16::from(c) * 100 + u16::from(y)),
            (None, None, Some(y)) => Some(if y < 69 { 2000 } else { 1900 } + u16::from(y)),
            _ => None,
        };
        let (year, month, day) = match (year, self.month, self.day) {
            (Some(y), Some(m), Some(d)) => (y, m, d),
            (Some(y), _, _) if self.year_day.is_some() => {
                let d = jiff::civil::date(y as i16, 1, 1)
                    .checked_add(jiff::Span::new().days(i64::from(self.year_day? - 1)))
                    .ok()?;
                (y, d.month() as u8, d.day() as u8)
            }
            _ => {
                // `%G-%V` with a week day: the ISO week date.
                let (y, w, wd) = (self.iso_year?, self.iso_week?, self.week_day?);
                let weekday = jiff::civil::Weekday::from_sunday_zero_offset(wd as i8).ok()?;
                let d = jiff::civil::ISOWeekDate::new(y as i16, w as i8, weekday)
                    .ok()?
                    .date();
                (d.year() as u16, d.month() as u8, d.day() as u8)
            }
        };
        let hour = match (self.hour, self.hour12, self.pm) {
            (Some(h), _, _) => h,
            (None, Some(h), pm) => h % 12 + if pm == Some(true) { 12 } else { 0 },
            _ => 0,
        };
        Some(Tm {
            year,
            month,
            day,
            hour,
            minute: self.minute.unwrap_or(0),
            second: self.second.unwrap_or(0),
            micros: self.micros.unwrap_or(0),
            utc_offset_min: self.offset,
        })
    }

    /// A UTC offset read apart from the time (the zone of `[%d:%t %z]`).
    pub fn set_offset(&mut self, minutes: i16) {
        self.offset = Some(minutes);
    }
}

/// Units of an epoch number (`%{sec}t`, `%{msec}t`, `%{usec}t`, nginx's `$msec` and
/// JSON `ts` as seconds with a fraction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EpochUnit {
    /// Whole seconds (`%s`, Apache's `sec`).
    Seconds,
    /// Seconds with an optional `.fraction` (nginx's `$msec`, Caddy's `ts`).
    SecondsFraction,
    Millis,
    Micros,
}

/// One conversion of a compiled format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Conv {
    Day,
    Month,
    MonthName,
    Year,
    Year2,
    Century,
    YearDay,
    WeekDayName,
    /// `%w` (0 = Sunday) or `%u` (1 = Monday .. 7 = Sunday): `true` for `%u`.
    WeekDayNumber(bool),
    /// `%U`/`%W`: read, but a week number alone names no day.
    WeekNumber,
    IsoYear,
    IsoYear2,
    IsoWeek,
    Hour,
    Hour12,
    AmPm,
    Minute,
    Second,
    Offset,
    ZoneName,
    Epoch(EpochUnit),
    /// A fraction of a second of so many digits (`msec_frac` 3, `usec_frac` 6).
    Fraction(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Item {
    Lit(u8),
    /// White space in the format (and `%n`, `%t`): any run of white space, even none.
    Space,
    Conv(Conv),
}

/// A strftime format compiled for parsing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TimeFormat {
    items: Vec<Item>,
    fast: Fast,
}

/// Formats with a hand-written parser (the shapes of common logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Fast {
    None,
    /// `%d/%b/%Y`
    ClfDate,
    /// `%H:%M:%S`
    ClfTime,
    /// `%d/%b/%Y:%H:%M:%S %z`: a CLF time as one token (nginx's `$time_local`).
    ClfFull,
}

impl TimeFormat {
    /// Compiles a strftime format: every conversion Apache's `%{...}t` and GoAccess's
    /// date and time formats take (`%a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %k
    /// %l %m %M %n %p %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %%`). Errors name
    /// the conversion.
    pub fn compile(fmt: &str) -> Result<TimeFormat, String> {
        let mut items = Vec::new();
        push_items(fmt.as_bytes(), &mut items)?;
        let fast = match fmt {
            "%d/%b/%Y" => Fast::ClfDate,
            "%H:%M:%S" | "%T" => Fast::ClfTime,
            "%d/%b/%Y:%H:%M:%S %z" => Fast::ClfFull,
            _ => Fast::None,
        };
        Ok(TimeFormat { items, fast })
    }

    /// One conversion on its own: Apache's `%{sec}t`, `%{msec_frac}t` and the like.
    pub fn epoch(unit: EpochUnit) -> TimeFormat {
        TimeFormat {
            items: vec![Item::Conv(Conv::Epoch(unit))],
            fast: Fast::None,
        }
    }

    pub fn fraction(digits: u8) -> TimeFormat {
        TimeFormat {
            items: vec![Item::Conv(Conv::Fraction(digits))],
            fast: Fast::None,
        }
    }

    /// Whether the format says which day it is, on its own.
    pub fn has_date(&self) -> bool {
        (self.items.iter()).any(|i| {
            matches!(
                i,
                Item::Conv(Conv::Epoch(_) | Conv::Day | Conv::YearDay | Conv::IsoWeek)
            )
        })
    }

    /// How many `delim`-separated tokens a time in this format takes: one more than the
    /// delimiter's occurrences among its literals, as GoAccess counts them (one token
    /// without a delimiter).
    pub fn tokens(&self, delim: Option<u8>) -> usize {
        let Some(b) = delim else { return 1 };
        let count = (self.items.iter())
            .filter(|i| match i {
                Item::Lit(l) => *l == b,
                Item::Space => b == b' ',
                Item::Conv(_) => false,
            })
            .count();
        count + 1
    }

    /// Reads a whole token (nothing may be left over) into `parts`.
    pub fn parse_whole(&self, tok: &[u8], parts: &mut Parts) -> Option<()> {
        match self.fast {
            Fast::ClfDate => {
                if let Some((y, m, d)) = clf_date(tok) {
                    (parts.year, parts.month, parts.day) = (Some(y), Some(m), Some(d));
                    return Some(());
                }
            }
            Fast::ClfTime => {
                if let Some((h, m, s)) = clf_time(tok) {
                    (parts.hour, parts.minute, parts.second) = (Some(h), Some(m), Some(s));
                    return Some(());
                }
            }
            Fast::ClfFull => {
                if let Some([date @ .., b':']) = tok.get(..12)
                    && let Some((y, mo, d)) = clf_date(date)
                    && let Some([time @ .., b' ']) = tok.get(12..21)
                    && let Some((h, mi, sec)) = clf_time(time)
                {
                    let mut zone = &tok[21..];
                    if let Some(offset) = utc_offset(&mut zone).filter(|_| zone.is_empty()) {
                        (parts.year, parts.month, parts.day) = (Some(y), Some(mo), Some(d));
                        (parts.hour, parts.minute, parts.second) = (Some(h), Some(mi), Some(sec));
                        parts.offset = Some(offset);
                        return Some(());
                    }
                }
            }
            Fast::None => {}
        }
        let mut p = *parts;
        let used = run(&self.items, tok, &mut p)?;
        (used == tok.len()).then(|| *parts = p)
    }

    /// Reads as much of `s` as the format needs; returns how many bytes that was.
    pub fn parse_prefix(&self, s: &[u8], parts: &mut Parts) -> Option<usize> {
        let mut p = *parts;
        let used = run(&self.items, s, &mut p)?;
        *parts = p;
        Some(used)
    }
}

fn push_items(fmt: &[u8], items: &mut Vec<Item>) -> Result<(), String> {
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        i += 1;
        if is_space(c) {
            items.push(Item::Space);
            continue;
        }
        if c != b'%' {
            items.push(Item::Lit(c));
            continue;
        }
        let Some(&conv) = fmt.get(i) else {
            return Err("time format ends with a lone %".into());
        };
        i += 1;
        // glibc's `E` and `O` modifiers (alternative numerals) read the same in C.
        let conv = match conv {
            b'E' | b'O' => {
                let Some(&c) = fmt.get(i) else {
                    return Err("time format ends with a lone %".into());
                };
                i += 1;
                c
            }
            c => c,
        };
        let one = |c: Conv| vec![Item::Conv(c)];
        let expanded = match conv {
            b'd' | b'e' => one(Conv::Day),
            b'm' => one(Conv::Month),
            b'b' | b'h' | b'B' => one(Conv::MonthName),
            b'Y' => one(Conv::Year),
            b'y' => one(Conv::Year2),
            b'C' => one(Conv::Century),
            b'j' => one(Conv::YearDay),
            b'a' | b'A' => one(Conv::WeekDayName),
            b'w' => one(Conv::WeekDayNumber(false)),
            b'u' => one(Conv::WeekDayNumber(true)),
            b'U' | b'W' => one(Conv::WeekNumber),
            b'G' => one(Conv::IsoYear),
            b'g' => one(Conv::IsoYear2),
            b'V' => one(Conv::IsoWeek),
            b'H' | b'k' => one(Conv::Hour),
            b'I' | b'l' => one(Conv::Hour12),
            b'p' | b'P' => one(Conv::AmPm),
            b'M' => one(Conv::Minute),
            b'S' => one(Conv::Second),
            b'z' => one(Conv::Offset),
            b'Z' => one(Conv::ZoneName),
            b's' => one(Conv::Epoch(EpochUnit::Seconds)),
            b'n' | b't' => vec![Item::Space],
            b'%' => vec![Item::Lit(b'%')],
            // Composites, as glibc expands them in the C locale.
            b'T' | b'X' => composite(b"%H:%M:%S", items)?,
            b'R' => composite(b"%H:%M", items)?,
            b'r' => composite(b"%I:%M:%S %p", items)?,
            b'D' | b'x' => composite(b"%m/%d/%y", items)?,
            b'F' => composite(b"%Y-%m-%d", items)?,
            b'c' => composite(b"%a %b %e %H:%M:%S %Y", items)?,
            other => {
                return Err(format!(
                    "unsupported time conversion %{}",
                    char::from(other).escape_default()
                ));
            }
        };
        items.extend(expanded);
    }
    Ok(())
}

/// Pushes a composite conversion's expansion; leaves nothing more to push.
fn composite(expansion: &[u8], items: &mut Vec<Item>) -> Result<Vec<Item>, String> {
    push_items(expansion, items)?;
    Ok(Vec::new())
}

/// Runs compiled items over `s`; returns the bytes consumed.
fn run(items: &[Item], s: &[u8], p: &mut Parts) -> Option<usize> {
    let start = s.len();
    let mut s = s;
    for item in items {
        match *item {
            Item::Space => skip_space(&mut s),
            Item::Lit(c) => {
                if s.first() != Some(&c) {
                    return None;
                }
                s = &s[1..];
            }
            Item::Conv(c) => conv(c, &mut s, p)?,
        }
    }
    Some(start - s.len())
}

fn conv(c: Conv, s: &mut &[u8], p: &mut Parts) -> Option<()> {
    let n8 = |s: &mut &[u8], min, max| number(s, min, max, 2).map(|v| v as u8);
    match c {
        Conv::Day => p.day = Some(n8(s, 1, 31)?),
        Conv::Month => p.month = Some(n8(s, 1, 12)?),
        Conv::MonthName => p.month = Some(name(s, &MONTH_NAMES)?),
        Conv::Year => p.year = Some(number(s, 0, 9999, 4)? as u16),
        Conv::Year2 => p.year2 = Some(n8(s, 0, 99)?),
        Conv::Century => p.century = Some(n8(s, 0, 99)?),
        Conv::YearDay => p.year_day = Some(number(s, 1, 366, 3)? as u16),
        Conv::WeekDayName => p.week_day = Some(name(s, &DAY_NAMES)? - 1),
        Conv::WeekDayNumber(iso) => {
            let d = if iso { n8(s, 1, 7)? % 7 } else { n8(s, 0, 6)? };
            p.week_day = Some(d);
        }
        Conv::WeekNumber => {
            n8(s, 0, 53)?;
        }
        Conv::IsoYear => p.iso_year = Some(number(s, 0, 9999, 4)? as u16),
        Conv::IsoYear2 => p.iso_year = Some(2000 + u16::from(n8(s, 0, 99)?)),
        Conv::IsoWeek => p.iso_week = Some(n8(s, 1, 53)?),
        Conv::Hour => p.hour = Some(n8(s, 0, 23)?),
        Conv::Hour12 => p.hour12 = Some(n8(s, 1, 12)?),
        Conv::AmPm => {
            skip_space(s);
            let pm = match s.get(..2).map(|b| [b[0] | 0x20, b[1] | 0x20]) {
                Some([b'a', b'm']) => false,
                Some([b'p', b'm']) => true,
                _ => return None,
            };
            *s = &s[2..];
            p.pm = Some(pm);
        }
        Conv::Minute => p.minute = Some(n8(s, 0, 59)?),
        Conv::Second => p.second = Some(n8(s, 0, 61)?),
        Conv::Offset => {
            skip_space(s);
            p.offset = Some(utc_offset(s)?);
        }
        Conv::ZoneName => {
            skip_space(s);
            let n = s.iter().take_while(|b| b.is_ascii_alphabetic()).count();
            if n == 0 {
                return None;
            }
            if let Some(o) = zone_offset(&s[..n]) {
                p.offset = Some(o);
            }
            *s = &s[n..];
        }
        Conv::Epoch(unit) => {
            skip_space(s);
            let neg = s.first() == Some(&b'-');
            if neg {
                *s = &s[1..];
            }
            let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 || digits > 19 {
                return None;
            }
            let v: i64 = std::str::from_utf8(&s[..digits]).ok()?.parse().ok()?;
            *s = &s[digits..];
            let v = if neg { -v } else { v };
            let (secs, micros) = match unit {
                EpochUnit::Seconds => (v, 0),
                EpochUnit::SecondsFraction => {
                    let mut micros = 0;
                    if s.first() == Some(&b'.') && s.get(1).is_some_and(u8::is_ascii_digit) {
                        *s = &s[1..];
                        micros = fraction(s, 6);
                    }
                    (v, micros)
                }
                EpochUnit::Millis => (v.div_euclid(1_000), (v.rem_euclid(1_000) * 1_000) as u32),
                EpochUnit::Micros => (v.div_euclid(1_000_000), v.rem_euclid(1_000_000) as u32),
            };
            p.epoch = Some(secs);
            p.micros = Some(micros);
        }
        Conv::Fraction(digits) => {
            let n = s
                .iter()
                .take(digits as usize)
                .take_while(|b| b.is_ascii_digit())
                .count();
            if n == 0 {
                return None;
            }
            let v: u32 = std::str::from_utf8(&s[..n]).ok()?.parse().ok()?;
            *s = &s[n..];
            p.micros = Some(v * 10u32.pow(6 - u32::from(digits.min(6))));
        }
    }
    Some(())
}

/// The digits of a decimal fraction (all of them are read), as `digits` digits.
fn fraction(s: &mut &[u8], digits: usize) -> u32 {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut v = 0u32;
    for i in 0..digits {
        v = v * 10
            + s.get(i)
                .filter(|_| i < n)
                .map_or(0, |c| u32::from(c - b'0'));
    }
    *s = &s[n..];
    v
}

fn skip_space(s: &mut &[u8]) {
    while let [c, rest @ ..] = *s {
        if !is_space(*c) {
            break;
        }
        *s = rest;
    }
}

fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some((a - b'0') * 10 + (c - b'0')),
        _ => None,
    }
}

/// Month from an exact three-letter English abbreviation, any case.
fn month_abbr(b: [u8; 3]) -> Option<u8> {
    const ABBR: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let lower = [b[0] | 0x20, b[1] | 0x20, b[2] | 0x20];
    ABBR.iter().position(|m| **m == lower).map(|i| i as u8 + 1)
}

/// `dd/Mon/yyyy` with two-digit day and English month, the shape of nearly every line.
pub(crate) fn clf_date(tok: &[u8]) -> Option<(u16, u8, u8)> {
    let [d0, d1, b'/', m0, m1, m2, b'/', y0, y1, y2, y3] = *tok else {
        return None;
    };
    let day = two_digits(&[d0, d1]).filter(|d| (1..=31).contains(d))?;
    let month = month_abbr([m0, m1, m2])?;
    let (hi, lo) = (two_digits(&[y0, y1])?, two_digits(&[y2, y3])?);
    Some((hi as u16 * 100 + lo as u16, month, day))
}

pub(crate) fn clf_time(tok: &[u8]) -> Option<(u8, u8, u8)> {
    let [h0, h1, b':', m0, m1, b':', s0, s1] = *tok else {
        return None;
    };
    let (h, m, s) = (
        two_digits(&[h0, h1])?,
        two_digits(&[m0, m1])?,
        two_digits(&[s0, s1])?,
    );
    (h <= 23 && m <= 59 && s <= 61).then_some((h, m, s))
}

static CLF_DATE: LazyLock<TimeFormat> =
    LazyLock::new(|| TimeFormat::compile("%d/%b/%Y").expect("valid"));

/// `dd/Mon/yyyy` (the `%d/%b/%Y` of common and combined logs).
pub fn parse_clf_date(tok: &[u8]) -> Option<Tm> {
    let mut p = Parts::default();
    CLF_DATE.parse_whole(tok, &mut p)?;
    Some(Tm {
        year: p.year?,
        month: p.month?,
        day: p.day?,
        ..Tm::default()
    })
}

fn is_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

/// glibc's `get_number`: skip white space, then read at most `digits` digits, stopping
/// early once another digit would exceed `max`; the value must lie in `min..=max`.
fn number(s: &mut &[u8], min: u32, max: u32, digits: usize) -> Option<u32> {
    skip_space(s);
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

/// Month and day names, English first, then the locales a server's `strftime` might
/// have used (German, French, Spanish, Italian, Dutch, Portuguese): each in UTF-8 and,
/// where it differs, Latin-1. Values are 1-based. Longest names first, so that
/// `October` is not read as `Oct` + `ober`.
static MONTH_NAMES: LazyLock<Vec<(Vec<u8>, u8)>> = LazyLock::new(|| {
    names(&[
        "january february march april may june july august september october november december",
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "januar februar märz april mai juni juli august september oktober november dezember",
        "jan feb mär apr mai jun jul aug sep okt nov dez",
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "ene feb mar abr may jun jul ago sep oct nov dic",
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
        "gen feb mar apr mag giu lug ago set ott nov dic",
        "januari februari maart april mei juni juli augustus september oktober november december",
        "jan feb mrt apr mei jun jul aug sep okt nov dec",
        "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
        "jan fev mar abr mai jun jul ago set out nov dez",
    ])
});

static DAY_NAMES: LazyLock<Vec<(Vec<u8>, u8)>> = LazyLock::new(|| {
    names(&[
        "sunday monday tuesday wednesday thursday friday saturday",
        "sun mon tue wed thu fri sat",
        "sonntag montag dienstag mittwoch donnerstag freitag samstag",
        "so mo di mi do fr sa",
        "dimanche lundi mardi mercredi jeudi vendredi samedi",
        "dim. lun. mar. mer. jeu. ven. sam.",
        "domingo lunes martes miércoles jueves viernes sábado",
        "dom lun mar mié jue vie sáb",
        "domenica lunedì martedì mercoledì giovedì venerdì sabato",
        "dom lun mar mer gio ven sab",
        "zondag maandag dinsdag woensdag donderdag vrijdag zaterdag",
        "zo ma di wo do vr za",
    ])
});

fn names(lists: &[&str]) -> Vec<(Vec<u8>, u8)> {
    let mut out: Vec<(Vec<u8>, u8)> = Vec::new();
    for list in lists {
        for (i, name) in list.split(' ').enumerate() {
            let value = i as u8 + 1;
            let latin1: Option<Vec<u8>> = name.chars().map(|c| u8::try_from(c).ok()).collect();
            for spelling in [Some(name.as_bytes().to_vec()), latin1]
                .into_iter()
                .flatten()
            {
                if !out.contains(&(spelling.clone(), value)) {
                    out.push((spelling, value));
                }
            }
        }
    }
    out.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
    out
}

/// A month or day name at the start of `s` (ASCII case ignored).
fn name(s: &mut &[u8], table: &[(Vec<u8>, u8)]) -> Option<u8> {
    skip_space(s);
    let (n, v) = table
        .iter()
        .find(|(n, _)| s.len() >= n.len() && s[..n.len()].eq_ignore_ascii_case(n))?;
    *s = &s[n.len()..];
    Some(*v)
}

/// Offsets of the zone abbreviations `strftime`'s `%Z` writes for common zones. Others
/// (ambiguous ones like `IST`, or unknown) leave the time as logged.
fn zone_offset(name: &[u8]) -> Option<i16> {
    const ZONES: &[(&str, i16)] = &[
        ("UTC", 0),
        ("GMT", 0),
        ("UT", 0),
        ("Z", 0),
        ("WET", 0),
        ("WEST", 60),
        ("BST", 60),
        ("CET", 60),
        ("CEST", 120),
        ("MET", 60),
        ("MEST", 120),
        ("EET", 120),
        ("EEST", 180),
        ("MSK", 180),
        ("JST", 540),
        ("KST", 540),
        ("HKT", 480),
        ("AWST", 480),
        ("ACST", 570),
        ("ACDT", 630),
        ("AEST", 600),
        ("AEDT", 660),
        ("NZST", 720),
        ("NZDT", 780),
        ("HST", -600),
        ("AKST", -540),
        ("AKDT", -480),
        ("PST", -480),
        ("PDT", -420),
        ("MST", -420),
        ("MDT", -360),
        ("CST", -360),
        ("CDT", -300),
        ("EST", -300),
        ("EDT", -240),
        ("AST", -240),
        ("ADT", -180),
        ("NST", -210),
        ("NDT", -150),
    ];
    ZONES
        .iter()
        .find(|(n, _)| n.as_bytes().eq_ignore_ascii_case(name))
        .map(|(_, o)| *o)
}

/// A whole token that is a UTC offset (`+1300`, `-05:30`, `Z`), in minutes.
pub fn parse_offset(tok: &[u8]) -> Option<i16> {
    let mut s = tok;
    utc_offset(&mut s).filter(|_| s.is_empty())
}

/// `Z`, `+hh`, `+hhmm` or `+hh:mm`, as glibc's `%z` reads it.
fn utc_offset(s: &mut &[u8]) -> Option<i16> {
    let sign = match s.first()? {
        b'Z' => {
            *s = &s[1..];
            return Some(0);
        }
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
    let mm = match s.get(..2).and_then(two_digits) {
        Some(mm) => {
            *s = &s[2..];
            mm as i16
        }
        None => 0,
    };
    (hh <= 23 && mm <= 59).then_some(sign * (hh * 60 + mm))
}

/// An ISO 8601 / RFC 3339 time (`2019-01-02T03:04:05.123+13:00`, `...Z`, no zone, or a
/// space for the `T`), as JSON logs write them.
pub fn parse_iso8601(tok: &[u8], parts: &mut Parts) -> Option<()> {
    static ISO: LazyLock<[TimeFormat; 2]> = LazyLock::new(|| {
        ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"].map(|f| TimeFormat::compile(f).expect("valid"))
    });
    let mut p = *parts;
    let used = ISO.iter().find_map(|f| f.parse_prefix(tok, &mut p))?;
    let mut rest = &tok[used..];
    if rest.first() == Some(&b'.') {
        rest = &rest[1..];
        p.micros = Some(fraction(&mut rest, 6));
    }
    if !rest.is_empty() {
        p.offset = Some(utc_offset(&mut rest)?);
    }
    rest.is_empty().then(|| *parts = p)
}

/// A time in whichever form JSON logs write it: epoch seconds (a fraction allowed, as
/// Caddy's `ts` and nginx's `$msec`), ISO 8601 (`$time_iso8601`, Caddy's `iso8601`), or
/// `dd/Mon/yyyy:HH:MM:SS +zzzz` (`$time_local`).
pub fn parse_any(tok: &[u8], parts: &mut Parts) -> Option<()> {
    static EPOCH: LazyLock<TimeFormat> =
        LazyLock::new(|| TimeFormat::epoch(EpochUnit::SecondsFraction));
    static LOCAL: LazyLock<TimeFormat> =
        LazyLock::new(|| TimeFormat::compile("%d/%b/%Y:%H:%M:%S %z").expect("valid"));
    match tok {
        [b'0'..=b'9', ..] if tok.iter().all(|b| b.is_ascii_digit() || *b == b'.') => {
            EPOCH.parse_whole(tok, parts)
        }
        [_, _, _, _, b'-', ..] => parse_iso8601(tok, parts),
        _ => LOCAL.parse_whole(tok, parts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A strptime over format text.
    fn tm(input: &str, fmt: &str) -> Option<Tm> {
        let f = TimeFormat::compile(fmt).ok()?;
        let mut p = Parts::default();
        f.parse_whole(input.as_bytes(), &mut p)?;
        p.resolve()
    }

    static CLF_TIME: LazyLock<TimeFormat> =
        LazyLock::new(|| TimeFormat::compile("%H:%M:%S").expect("valid"));

    /// `HH:MM:SS` (the `%H:%M:%S` of common and combined logs).
    fn parse_clf_time(tok: &[u8]) -> Option<Tm> {
        let mut p = Parts::default();
        CLF_TIME.parse_whole(tok, &mut p)?;
        Some(Tm {
            hour: p.hour?,
            minute: p.minute?,
            second: p.second?,
            ..Tm::default()
        })
    }

    fn check_time_format(fmt: &str) -> Result<(), String> {
        TimeFormat::compile(fmt).map(|_| ())
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
        let t = tm("2018-12-31 23:59:01 +1300", "%Y-%m-%d %H:%M:%S %z").unwrap();
        assert_eq!(t.iso8601(), "2018-12-31T23:59:01+13:00");
        let t = tm("2018-12-31T23:59:01-05:30", "%FT%T%z").unwrap();
        assert_eq!(t.iso8601(), "2018-12-31T23:59:01-05:30");
        assert_eq!(tm("2018-12-31", "%F%%"), None);
        assert!(check_time_format("%d/%b/%Y:%H:%M:%S %z").is_ok());
        assert!(check_time_format("%Q").unwrap_err().contains("%Q"));
        assert!(check_time_format("%").is_err());
    }

    /// Apache's strftime set, with the values apachelogs expects for them.
    #[test]
    fn apache_strftime_set() {
        let cases = [
            ("1511642826", "%s", "2017-11-25T20:47:06+00:00"),
            ("1511642826@-0500", "%s@%z", "2017-11-25T15:47:06-05:00"),
            ("1511642826 EST", "%s %Z", "2017-11-25T15:47:06-05:00"),
            ("1558378254 XXX", "%s %Z", "2019-05-20T18:50:54+00:00"),
            (
                "2019-05-20T14:54:43 EDT",
                "%FT%T %Z",
                "2019-05-20T14:54:43-04:00",
            ),
            ("2019-05-20T14:54:43 XXX", "%FT%T %Z", "2019-05-20T14:54:43"),
            ("05/06/19 13:42:26", "%D %T", "2019-05-06T13:42:26"),
            ("05/06/19%13:42:26", "%D%%%T", "2019-05-06T13:42:26"),
            ("05/06/19\t13:42:26", "%D%t%T", "2019-05-06T13:42:26"),
            ("2019-05-06 13:42:26", "%F %R:%S", "2019-05-06T13:42:26"),
            ("2019 \t 05 \n 19", "%Y%n%m%t%d", "2019-05-19T00:00:00"),
            ("20190519", "%Y%n%m%t%d", "2019-05-19T00:00:00"),
            (
                "2019--20 So 12:34:56",
                "%G--%V %a %H:%M:%S",
                "2019-05-19T12:34:56",
            ),
            (
                "2019--20 Sonntag 12:34:56",
                "%G--%V %A %H:%M:%S",
                "2019-05-19T12:34:56",
            ),
            (
                "19 März 2019 01:39:12 +0000",
                "%d %B %Y %H:%M:%S %z",
                "2019-03-19T01:39:12+00:00",
            ),
            ("Sat Nov 25 20:47:06 2017", "%c", "2017-11-25T20:47:06"),
            ("2017 329 08:47:06 PM", "%Y %j %r", "2017-11-25T20:47:06"),
            ("6 (6) 2017-11-25", "%w (%u) %F", "2017-11-25T00:00:00"),
        ];
        for (input, fmt, want) in cases {
            let t = tm(input, fmt).unwrap_or_else(|| panic!("{input:?} {fmt:?}"));
            assert_eq!(t.iso8601(), want, "{input:?} {fmt:?}");
        }
        // Latin-1 month names too (the log's bytes as a German server wrote them).
        let mut p = Parts::default();
        let f = TimeFormat::compile("%d %b %Y").unwrap();
        f.parse_whole(b"19 M\xe4r 2019", &mut p).unwrap();
        assert_eq!(p.resolve().unwrap().day_key(), 20190319);
        // No year: not a date.
        assert_eq!(tm("Sat Nov 25", "%a %b %d"), None);
    }

    #[test]
    fn pieces_combine() {
        let mut p = Parts::default();
        let secs = TimeFormat::epoch(EpochUnit::SecondsFraction);
        let frac = TimeFormat::fraction(3);
        assert_eq!(secs.parse_prefix(b"1511642826.x", &mut p), Some(10));
        assert_eq!(frac.parse_prefix(b"690]", &mut p), Some(3));
        assert_eq!(
            p.resolve().unwrap().iso8601(),
            "2017-11-25T20:47:06.690000+00:00"
        );
        let mut p = Parts::default();
        TimeFormat::epoch(EpochUnit::Millis)
            .parse_whole(b"1511642826123", &mut p)
            .unwrap();
        assert_eq!(
            p.resolve().unwrap().iso8601(),
            "2017-11-25T20:47:06.123000+00:00"
        );
        let mut p = Parts::default();
        TimeFormat::epoch(EpochUnit::SecondsFraction)
            .parse_whole(b"1646861401.5241024", &mut p)
            .unwrap();
        assert_eq!(
            p.resolve().unwrap().iso8601(),
            "2022-03-09T21:30:01.524102+00:00"
        );
    }

    #[test]
    fn iso8601() {
        for (s, want) in [
            ("2019-04-01T06:25:09+00:00", "2019-04-01T06:25:09+00:00"),
            (
                "2019-04-01T06:25:09.25Z",
                "2019-04-01T06:25:09.250000+00:00",
            ),
            ("2019-04-01 06:25:09", "2019-04-01T06:25:09"),
            ("2019-04-01T06:25:09+1300", "2019-04-01T06:25:09+13:00"),
        ] {
            let mut p = Parts::default();
            parse_iso8601(s.as_bytes(), &mut p).unwrap();
            assert_eq!(p.resolve().unwrap().iso8601(), want);
        }
        assert!(parse_iso8601(b"2019-04-01T06:25:09 junk", &mut Parts::default()).is_none());
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
            let slow = TimeFormat { fast: Fast::None, ..CLF_DATE.clone() };
            let (mut a, mut b) = (Parts::default(), Parts::default());
            proptest::prop_assert_eq!(
                CLF_DATE.parse_whole(tok.as_bytes(), &mut a).map(|_| a),
                slow.parse_whole(tok.as_bytes(), &mut b).map(|_| b)
            );
        }

        /// The same for a whole CLF time in one token, the zone's shapes included.
        #[test]
        fn clf_full_fast_path_equals_interpreter(
            // Mostly in range, so that most tokens take the fast path.
            d in proptest::prop_oneof![3 => 1u8..=31, 1 => 0u8..=99],
            m in proptest::prop_oneof![3 => 0usize..12, 1 => 12usize..14],
            y in 0u16..=9999,
            h in proptest::prop_oneof![3 => 0u8..=23, 1 => 0u8..=99],
            mi in proptest::prop_oneof![3 => 0u8..=59, 1 => 0u8..=99],
            s in proptest::prop_oneof![3 => 0u8..=61, 1 => 0u8..=99],
            zone in proptest::prop_oneof![
                3 => "[+-]([01][0-9]|2[0-3])[0-5][0-9]",
                1 => "(Z|[+-][0-9]{2}:?[0-9]{0,2}|[+-][0-9]{4}|-?[A-Z]{1,3})",
            ],
            sep in proptest::prop_oneof![3 => " ", 1 => "(  |:|)"],
        ) {
            let names = ["Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec","Foo","Ja1"];
            let tok = format!("{d:02}/{}/{y:04}:{h:02}:{mi:02}:{s:02}{sep}{zone}", names[m]);
            let fast = TimeFormat::compile("%d/%b/%Y:%H:%M:%S %z").unwrap();
            let slow = TimeFormat { fast: Fast::None, ..fast.clone() };
            let (mut a, mut b) = (Parts::default(), Parts::default());
            proptest::prop_assert_eq!(
                fast.parse_whole(tok.as_bytes(), &mut a).map(|_| a),
                slow.parse_whole(tok.as_bytes(), &mut b).map(|_| b)
            );
        }

        #[test]
        fn time_fast_path_equals_interpreter(h in 0u8..=99, m in 0u8..=99, s in 0u8..=99) {
            let tok = format!("{h:02}:{m:02}:{s:02}");
            let slow = TimeFormat { fast: Fast::None, ..CLF_TIME.clone() };
            let (mut a, mut b) = (Parts::default(), Parts::default());
            proptest::prop_assert_eq!(
                CLF_TIME.parse_whole(tok.as_bytes(), &mut a).map(|_| a),
                slow.parse_whole(tok.as_bytes(), &mut b).map(|_| b)
            );
        }
    }
}
