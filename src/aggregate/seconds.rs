//! Requests and bytes per second of log time, for the live dashboards' throughput. Only
//! the newest hour is kept, so a state that follows a log for days holds at most 3,600
//! entries here.

use std::collections::BTreeMap;

use super::Counts;
use crate::parse::time::Tm;

/// Seconds kept, the newest included.
pub const KEPT: i64 = 3600;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seconds {
    by_second: BTreeMap<i64, Counts>,
}

impl Seconds {
    /// One request logged at `time`.
    pub fn add(&mut self, time: &Tm, bytes: u64) {
        self.add_counts(epoch_second(time), Counts { requests: 1, bytes });
    }

    fn add_counts(&mut self, second: i64, counts: Counts) {
        let newest = self.newest();
        if newest.is_some_and(|n| second <= n - KEPT) {
            return;
        }
        self.by_second.entry(second).or_default().merge(counts);
        if newest.is_some_and(|n| second > n) {
            let cut = second - KEPT;
            while let Some(e) = self.by_second.first_entry() {
                if *e.key() > cut {
                    break;
                }
                e.remove();
            }
        }
    }

    pub fn merge(&mut self, other: Seconds) {
        for (s, c) in other.by_second {
            self.add_counts(s, c);
        }
    }

    /// The newest second with a request.
    pub fn newest(&self) -> Option<i64> {
        self.by_second.last_key_value().map(|(&s, _)| s)
    }

    /// Requests and bytes of the `n` seconds that end with `end`.
    pub fn sum(&self, end: i64, n: i64) -> Counts {
        let mut total = Counts::default();
        for c in self.by_second.range(end - n + 1..=end).map(|(_, c)| c) {
            total.merge(*c);
        }
        total
    }

    /// Each of the `n` seconds that end with `end`, oldest first.
    pub fn series(&self, end: i64, n: usize) -> Vec<Counts> {
        let first = end - n as i64 + 1;
        let mut out = vec![Counts::default(); n];
        for (&s, c) in self.by_second.range(first..=end) {
            out[(s - first) as usize] = *c;
        }
        out
    }
}

/// Seconds since 1970 of a logged time: UTC when the line has an offset, else the time
/// as logged.
pub fn epoch_second(t: &Tm) -> i64 {
    let days = days_from_civil(t.year as i64, t.month as i64, t.day as i64);
    let local = days * 86_400 + t.hour as i64 * 3600 + t.minute as i64 * 60 + t.second as i64;
    local - t.utc_offset_min.unwrap_or(0) as i64 * 60
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tm(h: u8, m: u8, s: u8) -> Tm {
        Tm {
            year: 2018,
            month: 8,
            day: 21,
            hour: h,
            minute: m,
            second: s,
            micros: 0,
            utc_offset_min: Some(720),
        }
    }

    #[test]
    fn epoch_seconds_agree_with_jiff() {
        for (y, mo, d) in [(1970, 1, 1), (2000, 2, 29), (2018, 8, 21), (2100, 12, 31)] {
            let t = Tm {
                year: y,
                month: mo,
                day: d,
                hour: 13,
                minute: 5,
                second: 9,
                micros: 0,
                utc_offset_min: Some(-330),
            };
            let dt = jiff::civil::date(y as i16, mo as i8, d as i8).at(13, 5, 9, 0);
            let ts = (jiff::tz::TimeZone::UTC.to_timestamp(dt).unwrap()).as_second() + 330 * 60;
            assert_eq!(epoch_second(&t), ts);
        }
    }

    #[test]
    fn keeps_the_newest_hour() {
        let mut s = Seconds::default();
        s.add(&tm(10, 0, 0), 5);
        s.add(&tm(10, 0, 0), 7);
        s.add(&tm(10, 30, 0), 1);
        let end = epoch_second(&tm(10, 30, 0));
        assert_eq!(
            s.sum(end, KEPT),
            Counts {
                requests: 3,
                bytes: 13
            }
        );
        assert_eq!(
            s.sum(end, 60),
            Counts {
                requests: 1,
                bytes: 1
            }
        );
        // An hour after the first second, it is gone; older lines are not taken.
        s.add(&tm(11, 0, 0), 0);
        s.add(&tm(9, 59, 0), 100);
        let end = epoch_second(&tm(11, 0, 0));
        assert_eq!(s.sum(end, KEPT).requests, 2);
        assert_eq!(s.by_second.len(), 2);
        let mut other = Seconds::default();
        other.add(&tm(11, 0, 0), 4);
        other.add(&tm(10, 59, 59), 2);
        s.merge(other);
        let series = s.series(end, 3);
        assert_eq!(
            series.iter().map(|c| c.requests).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(series[2].bytes, 4);
    }
}
