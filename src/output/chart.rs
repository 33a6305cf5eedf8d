//! The bar-and-line charts of the dashboard and the sponsor page, as inline SVG: requests
//! as bars on the left axis, visitors as a line on the right axis, each with labelled ticks
//! on shared gridlines, a dated x-axis that stays readable from one day to years, and a
//! hover title on every bar and point.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use super::fmt::{human_bytes, thousands};
use crate::report::{DayRow, HourRow};

/// Size of the SVG in user units, and the plot area within it.
pub const WIDTH: f64 = 1000.0;
pub const HEIGHT: f64 = 250.0;
const LEFT: f64 = 62.0;
const RIGHT: f64 = 62.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;
/// Intervals between gridlines; both axes use as many, so they share the lines.
const INTERVALS: u64 = 4;
/// Points beyond this many get no dot of their own (their bar has the title).
const MAX_DOTS: usize = 62;
/// Widest bar, so that a single day is a bar and not a wall.
const MAX_BAR: f64 = 60.0;

/// One bar or point: its label, numbers and hover text.
pub struct Point {
    pub label: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

pub struct Bar {
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    pub tip: String,
}

pub struct Dot {
    pub cx: String,
    pub cy: String,
    pub tip: String,
}

/// A gridline with its two labels (requests left, visitors right).
pub struct Grid {
    pub y: String,
    pub left: String,
    pub right: String,
}

pub struct XTick {
    pub x: String,
    pub label: String,
}

pub struct Chart {
    pub title: String,
    pub bars: Vec<Bar>,
    /// `x,y` pairs of the visitors line (none for a single point: its dot shows it).
    pub line: String,
    pub dots: Vec<Dot>,
    pub grid: Vec<Grid>,
    pub xticks: Vec<XTick>,
    /// Geometry for the template.
    pub left: String,
    pub right: String,
    pub bottom: String,
    pub tick_y: String,
    pub label_y: String,
}

/// The smallest "nice" step (1, 2, 2.5 or 5 times a power of ten, whole numbers) that
/// reaches `max` in [`INTERVALS`] steps.
fn nice_step(max: u64) -> u64 {
    let raw = max.div_ceil(INTERVALS).max(1);
    let mut magnitude = 1u64;
    while magnitude * 10 <= raw {
        magnitude *= 10;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * magnitude)
        .chain((magnitude >= 10).then_some(magnitude * 5 / 2))
        .filter(|&s| s >= raw)
        .min()
        .unwrap_or(magnitude * 10)
}

/// A tick label that fits the axis: `950`, `9,500`, `95k`, `9.5M`.
fn compact(n: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1_000_000_000_000, "T"),
        (1_000_000_000, "G"),
        (1_000_000, "M"),
        (1_000, "k"),
    ];
    if n < 10_000 {
        return thousands(n);
    }
    let (size, unit) = UNITS.into_iter().find(|u| n >= u.0).unwrap_or((1, ""));
    let v = format!("{:.2}", n as f64 / size as f64);
    format!("{}{unit}", v.trim_end_matches('0').trim_end_matches('.'))
}

fn num(v: f64) -> String {
    format!("{v:.1}")
}

/// A chart of `points` with x-axis `ticks` (point index, label).
fn chart(title: String, points: &[Point], ticks: Vec<(usize, String)>) -> Chart {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_h;
    let step_r = nice_step(points.iter().map(|p| p.requests).max().unwrap_or(0));
    let step_v = nice_step(points.iter().map(|p| p.visitors).max().unwrap_or(0));
    let (top_r, top_v) = ((step_r * INTERVALS) as f64, (step_v * INTERVALS) as f64);
    let slot = plot_w / points.len().max(1) as f64;
    let center = |i: usize| LEFT + (i as f64 + 0.5) * slot;
    let bar_w = (slot * 0.8).min(MAX_BAR);
    let tip = |p: &Point| {
        format!(
            "{}: {} requests, {} visitors, {}",
            p.label,
            thousands(p.requests),
            thousands(p.visitors),
            human_bytes(p.bytes)
        )
    };
    let bars = (points.iter().enumerate())
        .filter(|(_, p)| p.requests > 0)
        .map(|(i, p)| {
            let h = p.requests as f64 / top_r * plot_h;
            Bar {
                x: num(center(i) - bar_w / 2.0),
                y: num(base - h),
                w: num(bar_w),
                h: num(h),
                tip: tip(p),
            }
        })
        .collect();
    let y_v = |p: &Point| base - p.visitors as f64 / top_v * plot_h;
    let line = match points.len() {
        0 | 1 => String::new(),
        _ => (points.iter().enumerate())
            .map(|(i, p)| format!("{},{}", num(center(i)), num(y_v(p))))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let dots = match points.len() {
        n if n > MAX_DOTS => Vec::new(),
        _ => (points.iter().enumerate())
            .map(|(i, p)| Dot {
                cx: num(center(i)),
                cy: num(y_v(p)),
                tip: tip(p),
            })
            .collect(),
    };
    let grid = (0..=INTERVALS)
        .map(|k| Grid {
            y: num(base - k as f64 / INTERVALS as f64 * plot_h),
            left: compact(k * step_r),
            right: compact(k * step_v),
        })
        .collect();
    let xticks = ticks
        .into_iter()
        .map(|(i, label)| XTick {
            x: num(center(i)),
            label,
        })
        .collect();
    Chart {
        title,
        bars,
        line,
        dots,
        grid,
        xticks,
        left: num(LEFT),
        right: num(WIDTH - RIGHT),
        bottom: num(base),
        tick_y: num(base + 5.0),
        label_y: num(base + 18.0),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month(d: Date) -> &'static str {
    MONTHS[d.month() as usize - 1]
}

/// Which days of a span of `n` days get a labelled tick, and their labels: every day up
/// to two weeks, Mondays up to three months, months up to two years, then years.
fn day_ticks(days: &[Date]) -> Vec<(usize, String)> {
    let n = days.len();
    let first = days.first().copied();
    (days.iter().enumerate())
        .filter_map(|(i, &d)| {
            let label = match n {
                0..=16 => format!("{} {}", d.day(), month(d)),
                17..=93 if d.weekday() == Weekday::Monday => format!("{} {}", d.day(), month(d)),
                94..=731 if d.day() == 1 && (d.month() == 1 || Some(d) == first) => {
                    format!("{} {}", month(d), d.year())
                }
                94..=731 if d.day() == 1 => month(d).to_string(),
                732.. if d.day() == 1 && d.month() == 1 => d.year().to_string(),
                _ => return None,
            };
            Some((i, label))
        })
        .collect()
}

/// Requests and visitors of every day from the first to the last (days without requests
/// included, as zeros: the axis is time).
pub fn days(title: &str, rows: &[DayRow]) -> Chart {
    let parsed: Vec<(Date, &DayRow)> = rows
        .iter()
        .filter_map(|r| Some((r.date.parse::<Date>().ok()?, r)))
        .collect();
    let (mut dates, mut points) = (Vec::new(), Vec::new());
    if let (Some(&(first, _)), Some(&(last, _))) = (parsed.first(), parsed.last()) {
        let mut rows = parsed.iter().peekable();
        let mut d = first;
        while d <= last {
            let row = rows.next_if(|r| r.0 == d).map(|r| r.1);
            points.push(Point {
                label: format!("{d} ({})", &d.strftime("%a")),
                requests: row.map_or(0, |r| r.requests),
                visitors: row.map_or(0, |r| r.visitors),
                bytes: row.map_or(0, |r| r.bytes),
            });
            dates.push(d);
            match d.checked_add(1.day()) {
                Ok(next) => d = next,
                Err(_) => break,
            }
        }
    }
    chart(title.to_string(), &points, day_ticks(&dates))
}

/// Requests and visitors by hour of the day, every three hours labelled.
pub fn hours(title: &str, rows: &[HourRow]) -> Chart {
    let points: Vec<Point> = (0..24u8)
        .map(|h| {
            let row = rows.iter().find(|r| r.hour == h);
            Point {
                label: format!("{h:02}:00–{h:02}:59"),
                requests: row.map_or(0, |r| r.requests),
                visitors: row.map_or(0, |r| r.visitors),
                bytes: row.map_or(0, |r| r.bytes),
            }
        })
        .collect();
    let ticks = (0..24)
        .step_by(3)
        .map(|h| (h, format!("{h:02}:00")))
        .collect();
    chart(title.to_string(), &points, ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, requests: u64) -> DayRow {
        DayRow {
            date: date.into(),
            requests,
            visitors: requests / 2,
            bytes: requests * 10,
        }
    }

    #[test]
    fn steps_are_nice_and_reach_the_maximum() {
        for (max, step) in [
            (0, 1),
            (1, 1),
            (4, 1),
            (5, 2),
            (9, 5),
            (39, 10),
            (41, 20),
            (97, 25),
            (1_234, 500),
            (8_535_441, 2_500_000),
        ] {
            assert_eq!(nice_step(max), step, "{max}");
            assert!(step * INTERVALS >= max);
        }
    }

    #[test]
    fn labels_fit_an_axis() {
        assert_eq!(compact(950), "950");
        assert_eq!(compact(9_500), "9,500");
        assert_eq!(compact(25_000), "25k");
        assert_eq!(compact(2_500_000), "2.5M");
        assert_eq!(compact(12_500_000_000), "12.5G");
    }

    #[test]
    fn a_single_day_is_a_bar_and_a_dot() {
        let c = days("t", &[day("2018-12-31", 40)]);
        assert_eq!(c.bars.len(), 1);
        assert_eq!(c.bars[0].w, num(MAX_BAR));
        assert_eq!(c.dots.len(), 1);
        assert!(c.line.is_empty());
        assert_eq!(c.xticks.len(), 1);
        assert_eq!(c.xticks[0].label, "31 Dec");
        assert!(
            c.bars[0]
                .tip
                .starts_with("2018-12-31 (Mon): 40 requests, 20 visitors")
        );
        // Gridlines 0, 10, 20, 30, 40 on the left; 0, 5, 10, 15, 20 visitors on the right.
        let left: Vec<&str> = c.grid.iter().map(|g| g.left.as_str()).collect();
        let right: Vec<&str> = c.grid.iter().map(|g| g.right.as_str()).collect();
        assert_eq!(left, ["0", "10", "20", "30", "40"]);
        assert_eq!(right, ["0", "5", "10", "15", "20"]);
    }

    #[test]
    fn missing_days_are_zeros_on_a_time_axis() {
        let c = days("t", &[day("2018-12-30", 10), day("2019-01-02", 20)]);
        assert_eq!(c.dots.len(), 4);
        assert_eq!(c.bars.len(), 2);
        let labels: Vec<&str> = c.xticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["30 Dec", "31 Dec", "1 Jan", "2 Jan"]);
        assert_eq!(c.line.split(' ').count(), 4);
    }

    #[test]
    fn a_year_is_labelled_by_month() {
        let rows: Vec<DayRow> = ["2019-01-01", "2019-12-31"]
            .iter()
            .map(|d| day(d, 5))
            .collect();
        let c = days("t", &rows);
        let labels: Vec<&str> = c.xticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels.len(), 12);
        assert_eq!(labels[0], "Jan 2019");
        assert_eq!(labels[1], "Feb");
        assert!(c.dots.is_empty(), "a dot per day of a year is noise");
        // Ten weeks: Mondays.
        let c = days("t", &[day("2019-01-01", 1), day("2019-03-11", 1)]);
        assert_eq!(c.xticks.len(), 10);
        assert_eq!(c.xticks[0].label, "7 Jan");
        // Three years: years.
        let c = days("t", &[day("2018-06-01", 1), day("2021-06-01", 1)]);
        let labels: Vec<&str> = c.xticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["2019", "2020", "2021"]);
    }
}
