//! HTML dashboard (`-o report.html`, `--format html`): one self-contained page in the
//! spirit of GoAccess's, with inline CSS, SVG charts and map and one small script, no
//! request to anywhere, complete with scripts off, from `file://`, mailed or printed.
//!
//! The page is rendered by askama from `templates/dashboard.html`, which escapes every
//! value: paths, user agents, AS names and failed lines come from the log, i.e. from anyone,
//! and must stay text. A Content-Security-Policy allows only the page's own style and
//! script (by their hashes, computed by `build.rs`), so that nothing else could run or load
//! even if escaping failed somewhere. Numbers are formatted here, as in the terminal.
//!
//! Every table shows its top `--top` rows and an "others" row; the rest of the rows the
//! report has are one click away (a checkbox, so it works without the script). The script
//! only makes headers sort.

use askama::Template;

use super::chart::{self, Chart};
use super::fmt::{Cell, Metric, headline, human_bytes, percent, period, thousands};
use super::insights::{self, Panel, shares_panel};
use super::map::{self, WorldMap};
use super::text::printable;
use crate::report::Report;
use crate::report::panels::Whole;

/// The pages' scripts and styles, and their CSP hashes (`build.rs`).
pub mod assets {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}
const SCRIPT: &str = include_str!("../../templates/dashboard.js");
const STYLE: &str = include_str!("../../templates/dashboard.css");
/// The style of the charts and the map, shared with the sponsor page.
pub const FIGURES: &str = include_str!("../../templates/figures.css");

/// A cell as shown, with the number it sorts by.
pub struct HtmlCell {
    pub text: String,
    pub value: Option<String>,
}

pub struct HtmlRow {
    pub cells: Vec<HtmlCell>,
    /// Beyond the top rows: shown with "show all".
    pub more: bool,
}

pub struct HtmlTable {
    pub id: &'static str,
    pub title: &'static str,
    /// Header cells, and whether the column is numeric (sorts largest first).
    pub head: Vec<(&'static str, bool)>,
    pub rows: Vec<HtmlRow>,
    pub top: usize,
    /// Rows beyond the top ones.
    pub more: usize,
    /// Too many columns to share a row of the grid.
    pub wide: bool,
    /// What the top rows leave of the panel's whole, and what all its rows here leave.
    pub others_top: Option<Vec<String>>,
    pub others_all: Option<Vec<String>>,
    /// Lines under the table (failed-line samples).
    pub notes: Vec<String>,
}

/// The "others" row of a panel of which `shown` rows are on screen: the rest of its
/// whole, requests and bytes (visitors do not add up), or none when nothing is left.
fn others(p: &Panel, shown: usize) -> Option<Vec<String>> {
    let w: Whole = p.whole?;
    let rows = &p.rows[..shown.min(p.rows.len())];
    let column = |j: usize, m: Metric| -> u64 {
        (rows.iter())
            .map(|row| match row.get(j) {
                Some(&Cell::Count(k, n)) if k == m => n,
                _ => 0,
            })
            .sum()
    };
    let first = p.rows.first()?;
    let (mut requests, mut bytes) = (w.requests, w.bytes);
    for (j, c) in first.iter().enumerate() {
        match c {
            Cell::Count(Metric::Requests, _) => {
                requests = requests.saturating_sub(column(j, Metric::Requests))
            }
            Cell::Count(Metric::Bytes, _) => bytes = bytes.saturating_sub(column(j, Metric::Bytes)),
            _ => {}
        }
    }
    let keys = w.keys.map(|k| k.saturating_sub(rows.len() as u64));
    if requests == 0 && bytes == 0 || keys == Some(0) {
        return None;
    }
    let cells = first.iter().enumerate().map(|(j, c)| match (j, c) {
        (0, _) => match keys {
            Some(k) => format!("Others ({})", thousands(k)),
            None => "Others".into(),
        },
        (_, Cell::Count(Metric::Requests, _)) => thousands(requests),
        (_, Cell::Count(Metric::Bytes, _)) => human_bytes(bytes),
        (_, Cell::Share(Metric::Requests, _, whole)) => percent(requests, *whole),
        (_, Cell::Share(Metric::Bytes, _, whole)) => percent(bytes, *whole),
        (_, Cell::Count(Metric::Visitors, _) | Cell::Share(Metric::Visitors, ..)) => "—".into(),
        _ => String::new(),
    });
    Some(cells.collect())
}

/// Tables with more columns than this take a whole row of the grid (their numbers would
/// not fit half of a 1280 px screen).
const WIDE_COLUMNS: usize = 7;

fn table(p: Panel, top: usize) -> HtmlTable {
    let numeric = |j: usize| {
        (p.rows.first())
            .and_then(|r| r.get(j))
            .is_some_and(|c| c.value().is_some())
    };
    let head = (p.head.iter().enumerate())
        .map(|(j, h)| (*h, numeric(j)))
        .collect();
    let more = p.rows.len().saturating_sub(top);
    let others_top = others(&p, top);
    let others_all = match more {
        0 => None,
        _ => others(&p, p.rows.len()),
    };
    let rows = (p.rows.iter().enumerate())
        .map(|(i, row)| HtmlRow {
            cells: row
                .iter()
                .map(|c| HtmlCell {
                    text: c.to_string(),
                    value: c.value().map(|v| v.to_string()),
                })
                .collect(),
            more: i >= top,
        })
        .collect();
    HtmlTable {
        id: p.id,
        title: p.title,
        head,
        rows,
        top,
        more,
        wide: p.head.len() > WIDE_COLUMNS,
        others_top,
        others_all,
        notes: Vec::new(),
    }
}

/// A part of the page with its place in the navigation.
pub struct Section {
    pub id: &'static str,
    pub nav: &'static str,
    pub charts: Vec<Chart>,
    pub map: Option<WorldMap>,
    pub tables: Vec<HtmlTable>,
}

impl Section {
    fn new(id: &'static str, nav: &'static str) -> Section {
        Section {
            id,
            nav,
            charts: Vec::new(),
            map: None,
            tables: Vec::new(),
        }
    }
}

/// The report's own tables (the insight panels come from [`insights::panels`]).
fn base_panels(r: &Report) -> Vec<Panel> {
    let s = &r.summary;
    let mut out = Vec::new();
    let whole = |keys: usize| Some(Whole::of(r, Some(keys as u64)));

    // Most recent first, as GoAccess lists them.
    let mut p = insights::panel(
        "days",
        "Requests per day",
        &["Date", "Requests", "Visitors", "Bandwidth"],
    );
    p.rows = (r.days.iter().rev())
        .map(|d| {
            vec![
                Cell::Text(d.date.clone()),
                Cell::requests(d.requests),
                Cell::visitors(d.visitors),
                Cell::bytes(d.bytes),
            ]
        })
        .collect();
    p.whole = whole(r.days.len());
    out.push(p);

    // The hours the most requests came in; the chart shows them in order.
    let mut p = insights::panel(
        "hours",
        "Busiest hours",
        &["Hour", "Requests", "Visitors", "Bandwidth"],
    );
    let mut hours: Vec<_> = r.hours.iter().filter(|h| h.requests > 0).collect();
    hours.sort_by(|a, b| b.requests.cmp(&a.requests).then(a.hour.cmp(&b.hour)));
    p.rows = (hours.iter())
        .map(|h| {
            vec![
                Cell::Text(format!("{:02}:00", h.hour)),
                Cell::requests(h.requests),
                Cell::visitors(h.visitors),
                Cell::bytes(h.bytes),
            ]
        })
        .collect();
    p.whole = whole(hours.len());
    out.push(p);

    let projects =
        (r.projects.iter()).map(|x| (vec![x.name.clone()], [x.requests, x.visitors, x.bytes]));
    out.push(shares_panel(
        r,
        ("projects", "Projects"),
        &["Project"],
        projects,
        whole(r.projects.len()),
    ));

    if !r.geo.geoip.is_empty() {
        let g = &r.geo;
        let continents = (g.continents.iter()).map(|c| {
            (
                vec![format!("{} {}", c.code, c.name)],
                [c.requests, c.visitors, c.bytes],
            )
        });
        let id = ("continents", "Continents");
        out.push(shares_panel(
            r,
            id,
            &["Continent"],
            continents,
            whole(g.continents.len()),
        ));
        let countries = (g.countries.iter()).map(|c| {
            (
                vec![format!("{} {}", c.code, c.name)],
                [c.requests, c.visitors, c.bytes],
            )
        });
        let id = ("countries", "Countries");
        out.push(shares_panel(
            r,
            id,
            &["Country"],
            countries,
            whole(g.countries.len()),
        ));
        let asns = (g.asns.iter()).map(|a| {
            (
                vec![insights::network(a.asn, &a.org)],
                [a.requests, a.visitors, a.bytes],
            )
        });
        let id = ("networks", "Networks");
        out.push(shares_panel(r, id, &["Network"], asns, whole(g.asns.len())));
    }

    let mut p = insights::panel(
        "status",
        "Status codes",
        &["Status", "Requests", "%", "Bandwidth"],
    );
    p.rows = (r.status_codes.iter())
        .map(|c| {
            vec![
                Cell::Text(c.code.to_string()),
                Cell::requests(c.requests),
                Cell::Share(Metric::Requests, c.requests, s.valid_requests),
                Cell::bytes(c.bytes),
            ]
        })
        .collect();
    p.whole = whole(r.status_codes.len());
    out.push(p);

    // Requested files count (path, method, protocol) keys and rows are paths: how many
    // other paths there are is not known.
    let files = (r.files.iter()).map(|f| (vec![f.path.clone()], [f.requests, f.visitors, f.bytes]));
    let id = ("files", "Requested files");
    let all = Some(Whole::of(r, None));
    out.push(shares_panel(r, id, &["Path"], files, all));

    let versions = r.ip_versions.iter().map(|v| {
        let name = match v.version {
            0 => "unknown".to_string(),
            n => format!("IPv{n}"),
        };
        (vec![name], [v.requests, v.visitors, v.bytes])
    });
    let id = ("ip-versions", "IP versions");
    out.push(shares_panel(
        r,
        id,
        &["Version"],
        versions,
        whole(r.ip_versions.len()),
    ));
    out
}

/// The section a panel is shown in, by its id (sections' ids are not panels').
fn section_of(id: &str) -> &'static str {
    match id {
        "days" | "hours" => "by-time",
        "projects" | "content" | "downloads" => "by-project",
        "continents" | "countries" | "ipv6" => "by-place",
        "networks" | "heavy-networks" | "speed" => "by-network",
        "clients" | "operating-systems" | "browsers" | "ip-versions" | "heavy-bytes"
        | "heavy-requests" | "nodes" | "remote-users" => "by-client",
        _ => "by-request",
    }
}

fn sections(r: &Report) -> Vec<Section> {
    let mut out = vec![
        Section::new("by-time", "Days"),
        Section::new("by-place", "Geo"),
        Section::new("by-project", "Projects"),
        Section::new("by-network", "Networks"),
        Section::new("by-client", "Clients"),
        Section::new("by-request", "Requests"),
        Section::new("by-failure", "Failed lines"),
    ];
    out[0].charts = vec![
        chart::days("Requests and visitors per day", &r.days),
        chart::hours("Requests and visitors by hour of day", &r.hours),
    ];
    if !r.geo.geoip.is_empty() {
        out[1].map = Some(map::build(r));
    }
    let top = r.top.max(1);
    for p in base_panels(r).into_iter().chain(insights::panels(r)) {
        if p.rows.is_empty() {
            continue;
        }
        let id = section_of(p.id);
        if let Some(s) = out.iter_mut().find(|s| s.id == id) {
            s.tables.push(table(p, top));
        }
    }
    if r.failed.count > 0 {
        let mut p = insights::panel(
            "failed-reasons",
            "Failed lines by reason",
            &["Reason", "Lines"],
        );
        let mut reasons: Vec<_> = r.failed.reasons.iter().collect();
        reasons.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(b.reason)));
        p.rows = (reasons.iter())
            .map(|f| vec![Cell::Text(f.reason.to_string()), Cell::count(f.count)])
            .collect();
        let mut t = table(p, top);
        t.notes = (r.failed.samples.iter())
            // Control bytes of hostile lines escaped: HTML may not hold them.
            .map(|f| {
                format!(
                    "{}:{}: {}: {}",
                    f.file,
                    f.line,
                    f.reason,
                    printable(&f.text)
                )
            })
            .collect();
        out[6].tables.push(t);
    }
    out.retain(|s| !s.tables.is_empty() || !s.charts.is_empty() || s.map.is_some());
    out
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard<'a> {
    title: &'a str,
    period: String,
    csp: String,
    figures: &'static str,
    style: &'static str,
    script: &'static str,
    cards: Vec<(&'static str, String)>,
    sections: Vec<Section>,
    sources: Vec<String>,
    version: &'a str,
    live: Option<Live>,
}

/// A page's Content-Security-Policy: nothing but its own styles and scripts, by hash,
/// and requests to its own origin when `connect` (the live page). Made of constants only,
/// so templates show it unescaped.
pub fn csp(styles: &[&str], scripts: &[&str], connect: bool) -> String {
    let quoted = |hashes: &[&str]| match hashes {
        [] => "'none'".to_string(),
        _ => (hashes.iter().map(|h| format!("'{h}'")))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let connect = if connect { "connect-src 'self'; " } else { "" };
    format!(
        "default-src 'none'; style-src {}; script-src {}; {connect}img-src 'none'; \
         base-uri 'none'; form-action 'none'",
        quoted(styles),
        quoted(scripts)
    )
}

/// What the live page (`serve`) adds: its script, and the version of the report shown.
pub struct Live {
    pub script: &'static str,
    pub version: u64,
}

/// The script of the live page.
pub const LIVE_SCRIPT: &str = include_str!("../../templates/live.js");

/// Where the numbers come from: databases and inputs.
fn sources(r: &Report) -> Vec<String> {
    let mut out: Vec<String> = (r.geo.geoip.iter())
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
    out.extend(r.inputs.iter().map(|i| {
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
    out
}

pub fn render(r: &Report) -> String {
    render_page(r, None)
}

/// The dashboard of `r` that keeps itself up to date: the live page of `serve`, showing
/// report `version`.
pub fn render_live(r: &Report, version: u64) -> String {
    let live = Live {
        script: LIVE_SCRIPT,
        version,
    };
    render_page(r, Some(live))
}

fn render_page(r: &Report, live: Option<Live>) -> String {
    let scripts: &[&str] = match live {
        Some(_) => &[assets::DASHBOARD_JS, assets::LIVE_JS],
        None => &[assets::DASHBOARD_JS],
    };
    let page = Dashboard {
        title: r.title.as_deref().unwrap_or("Traffic insights"),
        period: period(r),
        csp: csp(
            &[assets::FIGURES_CSS, assets::DASHBOARD_CSS],
            scripts,
            live.is_some(),
        ),
        figures: FIGURES,
        style: STYLE,
        script: SCRIPT,
        cards: headline(r),
        sections: sections(r),
        sources: sources(r),
        version: r.generator.version,
        live,
    };
    // Rendering into a String only fails if a value's Display fails; ours cannot.
    let page =
        (page.render()).unwrap_or_else(|e| format!("<!doctype html><title>error</title>{e}"));
    without_controls(page)
}

/// `page` with the control characters HTML does not allow (logged bytes: NUL, escape
/// sequences) replaced by U+FFFD.
fn without_controls(page: String) -> String {
    let bad = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !page.contains(bad) {
        return page;
    }
    page.replace(bad, "\u{fffd}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(rows: &[(u64, u64)], whole: Option<Whole>) -> Panel {
        let mut p = insights::panel("t", "T", &["Key", "Requests", "%", "Visitors", "Bandwidth"]);
        p.rows = (rows.iter().enumerate())
            .map(|(i, &(r, b))| {
                vec![
                    Cell::Text(format!("k{i}")),
                    Cell::requests(r),
                    Cell::Share(Metric::Requests, r, 100),
                    Cell::visitors(1),
                    Cell::bytes(b),
                ]
            })
            .collect();
        p.whole = whole;
        p
    }

    #[test]
    fn pages_hold_no_control_characters() {
        let page = "a\u{0}b\tc\n\u{1b}[1m\r\n".to_string();
        assert_eq!(without_controls(page), "a\u{fffd}b\tc\n\u{fffd}[1m\r\n");
    }

    #[test]
    fn others_are_what_the_rows_shown_leave() {
        let w = Whole {
            requests: 100,
            bytes: 5000,
            keys: Some(5),
        };
        let p = panel(&[(40, 2000), (30, 1000), (20, 1024)], Some(w));
        assert_eq!(
            others(&p, 2).unwrap(),
            ["Others (3)", "30", "30.00%", "—", "1.95 KiB"]
        );
        assert_eq!(
            others(&p, 3).unwrap(),
            ["Others (2)", "10", "10.00%", "—", "976 B"]
        );
        // Nothing left: no row.
        assert!(others(&panel(&[(100, 5000)], Some(w)), 1).is_none());
        let all = Whole { keys: Some(3), ..w };
        assert!(others(&panel(&[(40, 2000), (30, 1000), (20, 1024)], Some(all)), 3).is_none());
        // No whole (rows that do not add up): no row.
        assert!(others(&panel(&[(1, 1)], None), 0).is_none());
    }

    #[test]
    fn tables_show_the_top_rows_and_keep_the_rest() {
        let w = Whole {
            requests: 100,
            bytes: 5000,
            keys: Some(3),
        };
        let t = table(panel(&[(40, 2000), (30, 1000), (30, 2000)], Some(w)), 2);
        assert_eq!(t.more, 1);
        assert_eq!(t.rows.iter().filter(|r| !r.more).count(), 2);
        assert_eq!(t.others_top.as_ref().unwrap()[0], "Others (1)");
        assert!(t.others_all.is_none(), "all rows shown leave nothing");
        assert_eq!(t.head[0], ("Key", false));
        assert_eq!(t.head[1], ("Requests", true));
        assert_eq!(t.rows[0].cells[2].value.as_deref(), Some("0.4"));
    }
}
