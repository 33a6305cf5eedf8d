//! HTML dashboard (`-o report.html`, `--format html`): one self-contained page in the
//! spirit of GoAccess's, with inline CSS and SVG and no request to anywhere, readable with
//! scripts off, from `file://`, mailed or printed.
//!
//! The page is rendered by askama from `templates/dashboard.html`, which escapes every
//! value: paths, user agents, AS names and failed lines come from the log, i.e. from anyone,
//! and must stay text. Numbers are formatted here, as in the terminal report.

use askama::Template;

use super::fmt::{headline, human_bytes, percent, period, shares, shares_header, thousands};
use crate::report::Report;

/// One table row: its cells (the first is a label) and a CSS class.
pub struct Row {
    pub cells: Vec<String>,
    pub class: &'static str,
}

impl Row {
    fn new(cells: Vec<String>) -> Row {
        Row { cells, class: "" }
    }
    fn class(mut self, class: &'static str) -> Row {
        self.class = class;
        self
    }
}

pub struct Table {
    pub id: &'static str,
    pub title: &'static str,
    pub head: Vec<&'static str>,
    pub rows: Vec<Row>,
    /// Lines under the table (failed-line samples).
    pub notes: Vec<String>,
}

impl Table {
    fn new(id: &'static str, title: &'static str, head: &[&'static str]) -> Table {
        Table {
            id,
            title,
            head: head.to_vec(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// A bar chart of requests with a line of visitors, in SVG user units.
pub struct Chart {
    pub title: &'static str,
    pub bars: Vec<Bar>,
    /// `x,y` pairs of the visitors line.
    pub line: String,
    pub max_label: String,
    pub first_label: String,
    pub last_label: String,
}

pub struct Bar {
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    pub tip: String,
}

pub const CHART_W: f64 = 1000.0;
pub const CHART_H: f64 = 200.0;

/// Points: (label, requests, visitors).
fn chart(title: &'static str, points: &[(String, u64, u64)]) -> Chart {
    let max_r = points.iter().map(|p| p.1).max().unwrap_or(0).max(1) as f64;
    let max_v = points.iter().map(|p| p.2).max().unwrap_or(0).max(1) as f64;
    let step = CHART_W / points.len().max(1) as f64;
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, (label, requests, visitors))| {
            let h = *requests as f64 / max_r * CHART_H;
            Bar {
                x: format!("{:.1}", i as f64 * step + step * 0.1),
                y: format!("{:.1}", CHART_H - h),
                w: format!("{:.1}", step * 0.8),
                h: format!("{h:.1}"),
                tip: format!(
                    "{label}: {} requests, {} visitors",
                    thousands(*requests),
                    thousands(*visitors)
                ),
            }
        })
        .collect();
    let line = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = i as f64 * step + step / 2.0;
            let y = CHART_H - p.2 as f64 / max_v * CHART_H * 0.95;
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    Chart {
        title,
        bars,
        line,
        max_label: thousands(max_r as u64),
        first_label: points.first().map(|p| p.0.clone()).unwrap_or_default(),
        last_label: points.last().map(|p| p.0.clone()).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard<'a> {
    title: &'a str,
    period: String,
    cards: Vec<(&'static str, String)>,
    charts: Vec<Chart>,
    tables: Vec<Table>,
    sources: Vec<String>,
    version: &'a str,
}

/// "Others": what the rows shown leave of the totals (visitors do not add up, so none).
fn others(r: &Report, requests: u64, bytes: u64, label: &str) -> Row {
    let (s, mut cells) = (&r.summary, vec![label.to_string()]);
    let (requests, bytes) = (
        s.valid_requests.saturating_sub(requests),
        s.bandwidth_bytes.saturating_sub(bytes),
    );
    cells.extend([
        thousands(requests),
        percent(requests, s.valid_requests),
        "—".into(),
        String::new(),
        human_bytes(bytes),
        percent(bytes, s.bandwidth_bytes),
    ]);
    Row::new(cells).class("others")
}

fn tables(r: &Report) -> Vec<Table> {
    let s = &r.summary;
    let mut out = Vec::new();

    let mut t = Table::new(
        "days",
        "Requests per day",
        &["Date", "Requests", "Visitors", "Bandwidth"],
    );
    t.rows = r
        .days
        .iter()
        .map(|d| {
            Row::new(vec![
                d.date.clone(),
                thousands(d.requests),
                thousands(d.visitors),
                human_bytes(d.bytes),
            ])
        })
        .collect();
    out.push(t);

    let mut t = Table::new("projects", "Projects", &shares_header(&["Project"]));
    for p in &r.projects {
        let label = vec![p.name.clone()];
        let cells = shares(r, label, p.requests, p.visitors, p.bytes);
        t.rows.push(Row::new(cells));
    }
    out.push(t);

    if !r.geo.geoip.is_empty() {
        let mut t = Table::new(
            "geo",
            "Geo location",
            &shares_header(&["Continent / country"]),
        );
        for c in &r.geo.continents {
            let label = vec![format!("{} {}", c.code, c.name)];
            let cells = shares(r, label, c.requests, c.visitors, c.bytes);
            t.rows.push(Row::new(cells).class("group"));
            for k in r.geo.countries_of(&c.code) {
                let label = vec![format!("{} {}", k.code, k.name)];
                let cells = shares(r, label, k.requests, k.visitors, k.bytes);
                t.rows.push(Row::new(cells).class("sub"));
            }
        }
        out.push(t);

        let mut t = Table::new("networks", "Networks", &shares_header(&["Network"]));
        let (top, rest) = r.geo.asns.split_at(r.geo.top_asns());
        for a in top {
            let name = match a.asn {
                0 => a.org.clone(),
                n => format!("AS{n} {}", a.org),
            };
            let label = vec![name];
            let cells = shares(r, label, a.requests, a.visitors, a.bytes);
            t.rows.push(Row::new(cells));
        }
        if !rest.is_empty() {
            let shown = |f: fn(&crate::report::geo::AsnRow) -> u64| top.iter().map(f).sum();
            let label = format!("{} other networks", thousands(rest.len() as u64));
            t.rows
                .push(others(r, shown(|a| a.requests), shown(|a| a.bytes), &label));
        }
        out.push(t);
    }

    let mut t = Table::new(
        "status",
        "Status codes",
        &["Status", "Requests", "%", "Bandwidth"],
    );
    t.rows = r
        .status_codes
        .iter()
        .map(|c| {
            Row::new(vec![
                c.code.to_string(),
                thousands(c.requests),
                percent(c.requests, s.valid_requests),
                human_bytes(c.bytes),
            ])
        })
        .collect();
    out.push(t);

    let mut t = Table::new("files", "Top requested files", &shares_header(&["Path"]));
    for f in &r.files {
        let label = vec![f.path.clone()];
        let cells = shares(r, label, f.requests, f.visitors, f.bytes);
        t.rows.push(Row::new(cells));
    }
    let shown_requests: u64 = r.files.iter().map(|f| f.requests).sum();
    if shown_requests < s.valid_requests {
        let shown_bytes = r.files.iter().map(|f| f.bytes).sum();
        t.rows
            .push(others(r, shown_requests, shown_bytes, "Other files"));
    }
    out.push(t);

    let mut t = Table::new(
        "hours",
        "Hours",
        &["Hour", "Requests", "Visitors", "Bandwidth"],
    );
    t.rows = r
        .hours
        .iter()
        .filter(|h| h.requests > 0)
        .map(|h| {
            Row::new(vec![
                format!("{:02}", h.hour),
                thousands(h.requests),
                thousands(h.visitors),
                human_bytes(h.bytes),
            ])
        })
        .collect();
    out.push(t);

    let mut t = Table::new("ip-versions", "IP versions", &shares_header(&["Version"]));
    for v in &r.ip_versions {
        let name = match v.version {
            0 => "unknown".to_string(),
            n => format!("IPv{n}"),
        };
        let label = vec![name];
        let cells = shares(r, label, v.requests, v.visitors, v.bytes);
        t.rows.push(Row::new(cells));
    }
    out.push(t);

    for p in super::insights::panels(r) {
        let mut t = Table::new(p.id, p.title, &p.head);
        t.rows = p.rows.into_iter().map(Row::new).collect();
        out.push(t);
    }

    if r.failed.count > 0 {
        let mut t = Table::new("failed", "Failed lines", &["Reason", "Lines"]);
        t.rows = r
            .failed
            .reasons
            .iter()
            .map(|f| Row::new(vec![f.reason.to_string(), thousands(f.count)]))
            .collect();
        t.notes = r
            .failed
            .samples
            .iter()
            .map(|f| format!("{}:{}: {}: {}", f.file, f.line, f.reason, f.text))
            .collect();
        out.push(t);
    }
    out
}

pub fn render(r: &Report) -> String {
    let cards = headline(r);
    let days: Vec<(String, u64, u64)> = r
        .days
        .iter()
        .map(|d| (d.date.clone(), d.requests, d.visitors))
        .collect();
    let hours: Vec<(String, u64, u64)> = r
        .hours
        .iter()
        .map(|h| (format!("{:02}h", h.hour), h.requests, h.visitors))
        .collect();
    let mut sources: Vec<String> = r
        .geo
        .geoip
        .iter()
        .map(|d| {
            let mut line = format!(
                "{} data: {} ({}, built {})",
                d.kind, d.source, d.database_type, d.build_date
            );
            if let Some(w) = &d.warning {
                line.push_str(&format!(" — {w}"));
            }
            line
        })
        .collect();
    sources.extend(r.inputs.iter().map(|i| {
        let mut line = format!(
            "Input {}: {} lines, {} valid, {} failed",
            i.path,
            thousands(i.lines.lines),
            thousands(i.lines.valid),
            thousands(i.lines.failed)
        );
        if let Some(e) = &i.error {
            line.push_str(&format!(" — {e}"));
        }
        line
    }));
    let page = Dashboard {
        title: r.title.as_deref().unwrap_or("Traffic insights"),
        period: period(r),
        cards,
        charts: vec![
            chart("Requests and visitors per day", &days),
            chart("Requests and visitors per hour", &hours),
        ],
        tables: tables(r),
        sources,
        version: r.generator.version,
    };
    // Rendering into a String only fails if a value's Display fails; ours cannot.
    page.render()
        .unwrap_or_else(|e| format!("<!doctype html><title>error</title>{e}"))
}
