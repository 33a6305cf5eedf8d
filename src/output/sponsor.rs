//! Sponsor report (`fsmg-stats sponsor ... -o FILE.md|.html`): the headline numbers of a
//! period in short sentences and small tables, to paste into a newsletter. Every number is
//! taken from the same [`Report`] as the main report of that period, so they agree.
//!
//! The content is built once as blocks and rendered as Markdown (log text escaped for
//! Markdown and its inline HTML) or as HTML (askama, auto-escaped), which adds the days
//! chart and the world map of the dashboard, under the same Content-Security-Policy.

use std::collections::BTreeMap;

use askama::Template;

use super::chart::{self, Chart};
use super::fmt::{human_bytes, percent, thousands};
use super::html::assets::{FIGURES_CSS, SPONSOR_CSS};
use super::html::{FIGURES, csp};
use super::map::{self, WorldMap};
use crate::report::Report;

/// Countries the Pacific mirror group calls out to its sponsors, in this order.
const PACIFIC: [&str; 7] = ["NZ", "AU", "VU", "TL", "SB", "FJ", "PG"];
const TOP: usize = 10;

pub enum Block {
    Heading(String),
    Para(String),
    Table {
        head: Vec<&'static str>,
        rows: Vec<Vec<String>>,
    },
    /// The requests and visitors per day (HTML only).
    Days,
    /// The world map (HTML only).
    Map,
}

/// Bytes in TiB, as sponsors read "data served".
fn tib(bytes: u64) -> String {
    format!("{:.2} TiB", bytes as f64 / (1u64 << 40) as f64)
}

fn change(now: u64, before: u64) -> String {
    if before == 0 {
        return "n/a".into();
    }
    format!(
        "{:+.1}%",
        (now as f64 - before as f64) * 100.0 / before as f64
    )
}

fn period(r: &Report) -> (String, String, u64) {
    let first = r.summary.first_date.clone().unwrap_or_default();
    let last = r.summary.last_date.clone().unwrap_or_default();
    let days = match (
        first.parse::<jiff::civil::Date>(),
        last.parse::<jiff::civil::Date>(),
    ) {
        (Ok(a), Ok(b)) => (b - a).get_days().unsigned_abs() as u64 + 1,
        _ => 0,
    };
    (first, last, days)
}

/// The blocks of the sponsor report of `now`, compared with `before` (the previous period
/// of the same length) when given.
pub fn blocks(now: &Report, before: Option<&Report>) -> Vec<Block> {
    let s = &now.summary;
    let mut out = Vec::new();
    let (first, last, days) = period(now);
    let title = now.title.as_deref().unwrap_or("Mirror traffic");
    out.push(Block::Heading(format!("{title}, {first} to {last}")));
    let v6 = now.ip_versions.iter().find(|v| v.version == 6);
    let v6_share = percent(v6.map_or(0, |v| v.requests), s.valid_requests);
    out.push(Block::Para(format!(
        "In {days} days the mirrors answered {} requests from {} unique visitors and served {} \
         of data. {v6_share} of requests came over IPv6.",
        thousands(s.valid_requests),
        thousands(s.unique_visitors),
        tib(s.bandwidth_bytes),
    )));
    if let Some(b) = before {
        let (bf, bl, _) = period(b);
        out.push(Block::Para(format!(
            "Compared with the previous {days} days ({bf} to {bl}): requests {}, unique \
             visitors {}, data served {}.",
            change(s.valid_requests, b.summary.valid_requests),
            change(s.unique_visitors, b.summary.unique_visitors),
            change(s.bandwidth_bytes, b.summary.bandwidth_bytes),
        )));
    }
    out.push(Block::Table {
        head: vec![
            "",
            "Requests",
            "Unique visitors",
            "Data served",
            "IPv6 requests",
        ],
        rows: [
            Some(("This period", now)),
            before.map(|b| ("Previous period", b)),
        ]
        .into_iter()
        .flatten()
        .map(|(label, r)| {
            let v6 = r.ip_versions.iter().find(|v| v.version == 6);
            vec![
                label.to_string(),
                thousands(r.summary.valid_requests),
                thousands(r.summary.unique_visitors),
                human_bytes(r.summary.bandwidth_bytes),
                percent(v6.map_or(0, |v| v.requests), r.summary.valid_requests),
            ]
        })
        .collect(),
    });

    out.push(Block::Days);

    out.push(Block::Heading("Projects".into()));
    out.push(Block::Table {
        head: vec!["Project", "Requests", "Share", "Data served", "Share"],
        rows: now
            .projects
            .iter()
            .take(TOP)
            .map(|p| {
                vec![
                    p.name.clone(),
                    thousands(p.requests),
                    percent(p.requests, s.valid_requests),
                    human_bytes(p.bytes),
                    percent(p.bytes, s.bandwidth_bytes),
                ]
            })
            .collect(),
    });

    if !now.geo.countries.is_empty() {
        out.push(Block::Heading("Where the traffic went".into()));
        out.push(Block::Map);
        let oc = now.geo.continents.iter().find(|c| c.code == "OC");
        let called: Vec<String> = PACIFIC
            .iter()
            .filter_map(|code| now.geo.countries.iter().find(|c| c.code == *code))
            .map(|c| {
                format!(
                    "{} {} requests ({})",
                    c.name,
                    thousands(c.requests),
                    percent(c.requests, s.valid_requests)
                )
            })
            .collect();
        out.push(Block::Para(format!(
            "Oceania and the Pacific: {} of requests and {} of data served. {}",
            percent(oc.map_or(0, |c| c.requests), s.valid_requests),
            percent(oc.map_or(0, |c| c.bytes), s.bandwidth_bytes),
            match called.is_empty() {
                true => String::new(),
                false => called.join("; ") + ".",
            }
        )));
        out.push(Block::Table {
            head: vec![
                "Country",
                "Requests",
                "Share",
                "Unique visitors",
                "Data served",
            ],
            rows: now
                .geo
                .countries
                .iter()
                .take(TOP)
                .map(|c| {
                    vec![
                        format!("{} {}", c.code, c.name),
                        thousands(c.requests),
                        percent(c.requests, s.valid_requests),
                        thousands(c.visitors),
                        human_bytes(c.bytes),
                    ]
                })
                .collect(),
        });
    }

    if !now.geo.asns.is_empty() {
        // An organisation may announce several ASNs: requests and bytes add up (visitors
        // would not, so they are not shown).
        let mut orgs: BTreeMap<&str, (u64, u64, usize)> = BTreeMap::new();
        for a in now.geo.asns.iter().filter(|a| a.asn != 0) {
            let e = orgs.entry(a.org.as_str()).or_default();
            (e.0, e.1, e.2) = (e.0 + a.requests, e.1 + a.bytes, e.2 + 1);
        }
        let mut orgs: Vec<_> = orgs.into_iter().collect();
        orgs.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(b.1.1.cmp(&a.1.1)).then(a.0.cmp(b.0)));
        out.push(Block::Heading("Networks".into()));
        out.push(Block::Table {
            head: vec!["Organisation", "ASNs", "Requests", "Share", "Data served"],
            rows: orgs
                .iter()
                .take(TOP)
                .map(|(org, (requests, bytes, n))| {
                    vec![
                        org.to_string(),
                        n.to_string(),
                        thousands(*requests),
                        percent(*requests, s.valid_requests),
                        human_bytes(*bytes),
                    ]
                })
                .collect(),
        });
    }
    let sources: Vec<String> = now
        .geo
        .geoip
        .iter()
        .map(|d| format!("{} ({}, built {})", d.source, d.database_type, d.build_date))
        .collect();
    let mut note = "Unique visitors are distinct (day, address, user agent), 4xx responses \
                    excluded, as GoAccess counts them."
        .to_string();
    if !sources.is_empty() {
        note.push_str(&format!(" Locations: {}.", sources.join("; ")));
    }
    out.push(Block::Para(note));
    out
}

/// Text from a log or a database as Markdown text: table pipes, emphasis, links and
/// inline HTML are escaped.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading(h) if out.is_empty() => out.push_str(&format!("# {}\n\n", md(h))),
            Block::Heading(h) => out.push_str(&format!("## {}\n\n", md(h))),
            Block::Para(p) => out.push_str(&format!("{}\n\n", md(p))),
            Block::Table { head, rows } => {
                let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
                out.push_str(&line(head.iter().map(|h| md(h)).collect()));
                out.push_str(&line(
                    (0..head.len())
                        .map(|i| if i == 0 { "---" } else { "---:" }.to_string())
                        .collect(),
                ));
                for r in rows {
                    out.push_str(&line(r.iter().map(|c| md(c)).collect()));
                }
                out.push('\n');
            }
            Block::Days | Block::Map => {}
        }
    }
    out
}

const STYLE: &str = include_str!("../../templates/sponsor.css");

#[derive(Template)]
#[template(path = "sponsor.html")]
struct Page<'a> {
    title: &'a str,
    csp: String,
    figures: &'static str,
    style: &'static str,
    blocks: &'a [Block],
    chart: Chart,
    map: Option<WorldMap>,
}

/// The sponsor page of `blocks`, with the days chart and the map of `report`.
pub fn html(blocks: &[Block], report: &Report) -> String {
    let title = match blocks.first() {
        Some(Block::Heading(h)) => h.as_str(),
        _ => "Mirror traffic",
    };
    let page = Page {
        title,
        csp: csp(&[FIGURES_CSS, SPONSOR_CSS], &[], false),
        figures: FIGURES,
        style: STYLE,
        blocks,
        chart: chart::days("Requests and visitors per day", &report.days),
        map: (!report.geo.geoip.is_empty()).then(|| map::build(report)),
    };
    // Rendering into a String only fails if a value's Display fails; ours cannot.
    page.render()
        .unwrap_or_else(|e| format!("<!doctype html><title>error</title>{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_log_text() {
        assert_eq!(
            md("a|b <script> *x* [l](u)"),
            r"a\|b &lt;script&gt; \*x\* \[l\](u)"
        );
    }

    #[test]
    fn changes_are_signed_percentages() {
        assert_eq!(change(110, 100), "+10.0%");
        assert_eq!(change(90, 100), "-10.0%");
        assert_eq!(change(5, 0), "n/a");
        assert_eq!(tib(1 << 40), "1.00 TiB");
    }
}
