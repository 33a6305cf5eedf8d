//! Numbers as GoAccess formats them, for every human-facing output.

use crate::report::Report;

/// Bytes in binary units as GoAccess prints them (`6.96 TiB`).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.2} {}", UNITS[unit])
}

/// `8535441` → `8,535,441`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `part` as a share of `whole`, two decimals as GoAccess shows them.
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0.00%".into();
    }
    format!("{:.2}%", part as f64 * 100.0 / whole as f64)
}

/// What a number counts: the dashboard's "others" rows add up requests and bytes, never
/// visitors (a visitor can be in several rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Requests,
    Visitors,
    Bytes,
    /// Any other count (completed downloads, responses): shown, not added up.
    Other,
}

/// A table cell: what it shows, and for the dashboard what it sorts by.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A count, bytes shown in binary units.
    Count(Metric, u64),
    /// `part` as a share of `whole`.
    Share(Metric, u64, u64),
    /// Bytes per second.
    Rate(u64),
}

impl Cell {
    pub fn requests(n: u64) -> Cell {
        Cell::Count(Metric::Requests, n)
    }
    pub fn visitors(n: u64) -> Cell {
        Cell::Count(Metric::Visitors, n)
    }
    pub fn bytes(n: u64) -> Cell {
        Cell::Count(Metric::Bytes, n)
    }
    pub fn count(n: u64) -> Cell {
        Cell::Count(Metric::Other, n)
    }

    /// The number the cell stands for (a share as a fraction), or none for text.
    pub fn value(&self) -> Option<f64> {
        match *self {
            Cell::Text(_) => None,
            Cell::Count(_, n) | Cell::Rate(n) => Some(n as f64),
            Cell::Share(_, _, 0) => Some(0.0),
            Cell::Share(_, part, whole) => Some(part as f64 / whole as f64),
        }
    }
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Cell::Text(ref s) => f.write_str(s),
            Cell::Count(Metric::Bytes, n) => f.write_str(&human_bytes(n)),
            Cell::Count(_, n) => f.write_str(&thousands(n)),
            Cell::Share(_, part, whole) => f.write_str(&percent(part, whole)),
            Cell::Rate(n) => write!(f, "{}/s", human_bytes(n)),
        }
    }
}

/// A row of a panel like GoAccess's: the `labels` cells, then requests, visitors and
/// bandwidth, each with its share of the report's whole.
pub fn shares(
    r: &Report,
    labels: Vec<String>,
    requests: u64,
    visitors: u64,
    bytes: u64,
) -> Vec<Cell> {
    let s = &r.summary;
    let mut cells: Vec<Cell> = labels.into_iter().map(Cell::Text).collect();
    cells.extend([
        Cell::requests(requests),
        Cell::Share(Metric::Requests, requests, s.valid_requests),
        Cell::visitors(visitors),
        Cell::Share(Metric::Visitors, visitors, s.unique_visitors),
        Cell::bytes(bytes),
        Cell::Share(Metric::Bytes, bytes, s.bandwidth_bytes),
    ]);
    cells
}

/// The header of [`shares`] rows with `labels` first.
pub fn shares_header(labels: &[&'static str]) -> Vec<&'static str> {
    [
        labels,
        &["Requests", "%", "Visitors", "%", "Bandwidth", "%"][..],
    ]
    .concat()
}

/// GoAccess's "Traffic insights" numbers, labelled as it labels them but in plain words
/// ("Data Sent" for its "Tx. Amount").
pub fn headline(r: &Report) -> Vec<(&'static str, String)> {
    let s = &r.summary;
    vec![
        ("Total Requests", thousands(s.total_requests)),
        ("Valid Requests", thousands(s.valid_requests)),
        ("Failed Requests", thousands(s.failed_requests)),
        ("Unique Visitors", thousands(s.unique_visitors)),
        ("Requested Files", thousands(s.requested_files)),
        ("Log Size", human_bytes(s.log_size_bytes)),
        ("Data Sent", human_bytes(s.bandwidth_bytes)),
    ]
}

/// The days a report covers, as its heading shows them.
pub fn period(r: &Report) -> String {
    match (&r.summary.first_date, &r.summary.last_date) {
        (Some(a), Some(b)) if a == b => a.clone(),
        (Some(a), Some(b)) => format!("{a} — {b}"),
        _ => "no requests".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_like_goaccess() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1024), "1.00 KiB");
        assert_eq!(human_bytes(7_652_412_030_000), "6.96 TiB");
        assert_eq!(thousands(8_535_441), "8,535,441");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
    }
}
