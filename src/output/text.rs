//! Text output for the terminal: GoAccess's summary block, then tables (comfy-table).
//! Strings from the log are shown with control characters escaped, so a hostile path
//! cannot move the cursor or recolour the terminal.

use comfy_table::{
    Attribute, Cell, CellAlignment, ColumnConstraint, ContentArrangement, Table, presets,
};

use super::fmt::{headline, human_bytes, percent, period, shares, shares_header, thousands};
use crate::report::Report;

/// Escapes control characters (and DEL) so that log text is inert in a terminal.
pub fn printable(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                format!("\\x{:02x}", c as u32).chars().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect()
}

/// `s` cut after `max` characters, with `…` if it was longer.
pub fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

/// Where the text goes: a terminal (its width; bold headings unless `NO_COLOR` is set)
/// or a file or pipe (tables as wide as their content, no escape codes).
#[derive(Debug, Clone, Copy, Default)]
pub struct Layout {
    pub width: Option<u16>,
    pub bold: bool,
}

/// Below this many columns, tables keep only their first share column: the widest
/// tables (eight columns) then fit 80.
const NARROW: u16 = 100;

impl Layout {
    /// Standard output's layout: a terminal's, else a file's.
    pub fn stdout() -> Layout {
        use std::io::IsTerminal;
        if !std::io::stdout().is_terminal() {
            return Layout::default();
        }
        Layout {
            width: Table::new().width(),
            bold: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

fn table(title: &str, header: &[&str]) -> (String, Table) {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    for i in 1..header.len() {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    (format!("\n{title}\n"), t)
}

fn push(out: &mut String, (title, mut t): (String, Table), layout: Layout) {
    match layout.width {
        Some(width) => {
            t.set_width(width);
        }
        None => {
            t.force_no_tty();
        }
    }
    let header: Vec<String> = (t.header().into_iter())
        .flat_map(|h| h.cell_iter().map(Cell::content))
        .collect();
    if layout.width.is_some_and(|w| w < NARROW) {
        // Every share column after the first (requests'): the numbers stay.
        let shares = header.iter().enumerate().filter(|(_, h)| *h == "%");
        for (i, _) in shares.skip(1) {
            if let Some(col) = t.column_mut(i) {
                col.set_constraint(ColumnConstraint::Hidden);
            }
        }
    }
    if layout.bold {
        t.enforce_styling();
        let bold = header
            .iter()
            .map(|h| Cell::new(h).add_attribute(Attribute::Bold));
        t.set_header(bold.collect::<Vec<_>>());
        out.push_str(&format!("\n\x1b[1m{}\x1b[0m\n", title.trim()));
    } else {
        out.push_str(&title);
    }
    out.push_str(&t.to_string());
    out.push('\n');
}

/// Continents, each followed by its countries.
fn geo_panel(r: &Report) -> (String, Table) {
    let mut t = table("Geo location", &shares_header(&["Continent / country"]));
    for c in &r.geo.continents {
        let label = vec![format!("{} {}", c.code, c.name)];
        t.1.add_row(shares(r, label, c.requests, c.visitors, c.bytes));
        for k in r.geo.countries_of(&c.code) {
            let label = vec![format!("  {} {}", k.code, k.name)];
            t.1.add_row(shares(r, label, k.requests, k.visitors, k.bytes));
        }
    }
    t
}

/// The top N autonomous systems (those `asn_projects` breaks down).
fn networks(r: &Report) -> (String, Table) {
    let mut t = table("Networks", &shares_header(&["ASN", "Network"]));
    if let Some(col) = t.1.column_mut(1) {
        col.set_cell_alignment(CellAlignment::Left);
    }
    for a in &r.geo.asns[..r.geo.top_asns()] {
        let labels = vec![
            if a.asn == 0 {
                "-".into()
            } else {
                format!("AS{}", a.asn)
            },
            printable(&a.org),
        ];
        t.1.add_row(shares(r, labels, a.requests, a.visitors, a.bytes));
    }
    t
}

pub fn render(r: &Report, layout: Layout) -> String {
    let mut out = report(r, layout);
    // --by-node: each node's whole report after the totals.
    for n in &r.by_node {
        out.push_str(&format!("\n\n══ Node {} ══\n\n", printable(&n.node)));
        out.push_str(&report(&n.report, layout));
    }
    out
}

fn report(r: &Report, layout: Layout) -> String {
    let s = &r.summary;
    let mut out = String::new();
    out.push_str(&format!("Traffic insights  {}\n\n", period(r)));
    for (k, v) in headline(r) {
        out.push_str(&format!("  {k:<16} {v:>14}\n"));
    }
    if s.excluded_requests > 0 {
        out.push_str(&format!(
            "  {:<16} {:>14}  (outside the period, or crawlers with --ignore-crawlers)\n",
            "Excluded",
            thousands(s.excluded_requests)
        ));
    }

    let mut t = table(
        "Requests per day",
        &["Date", "Requests", "Visitors", "Bandwidth"],
    );
    for d in &r.days {
        t.1.add_row(vec![
            d.date.clone(),
            thousands(d.requests),
            thousands(d.visitors),
            human_bytes(d.bytes),
        ]);
    }
    push(&mut out, t, layout);

    let mut t = table(
        "Projects",
        &["Project", "Requests", "%", "Visitors", "Bandwidth", "%"],
    );
    for p in &r.projects {
        t.1.add_row(vec![
            printable(&p.name),
            thousands(p.requests),
            percent(p.requests, s.valid_requests),
            thousands(p.visitors),
            human_bytes(p.bytes),
            percent(p.bytes, s.bandwidth_bytes),
        ]);
    }
    push(&mut out, t, layout);

    let mut t = table("Top files", &["Path", "Requests", "Visitors", "Bandwidth"]);
    for f in &r.files {
        t.1.add_row(vec![
            printable(&f.path),
            thousands(f.requests),
            thousands(f.visitors),
            human_bytes(f.bytes),
        ]);
    }
    push(&mut out, t, layout);

    let mut t = table("Status codes", &["Status", "Requests", "%", "Bandwidth"]);
    for c in &r.status_codes {
        t.1.add_row(vec![
            c.code.to_string(),
            thousands(c.requests),
            percent(c.requests, s.valid_requests),
            human_bytes(c.bytes),
        ]);
    }
    push(&mut out, t, layout);

    if !r.geo.geoip.is_empty() {
        push(&mut out, geo_panel(r), layout);
        push(&mut out, networks(r), layout);
        for db in &r.geo.geoip {
            out.push_str(&format!(
                "  {} data: {} ({}, built {})\n",
                db.kind, db.source, db.database_type, db.build_date
            ));
        }
    }

    for p in super::insights::panels(r) {
        let mut t = table(p.title, &p.head);
        for row in p.rows {
            t.1.add_row(
                row.iter()
                    .map(|c| printable(&c.to_string()))
                    .collect::<Vec<_>>(),
            );
        }
        push(&mut out, t, layout);
    }

    let mut t = table("Hours", &["Hour", "Requests", "Visitors", "Bandwidth"]);
    for h in r.hours.iter().filter(|h| h.requests > 0) {
        t.1.add_row(vec![
            format!("{:02}", h.hour),
            thousands(h.requests),
            thousands(h.visitors),
            human_bytes(h.bytes),
        ]);
    }
    push(&mut out, t, layout);

    if r.failed.count > 0 {
        let mut t = table("Failed lines", &["Reason", "Lines"]);
        for f in &r.failed.reasons {
            t.1.add_row(vec![f.reason.to_string(), thousands(f.count)]);
        }
        push(&mut out, t, layout);
        if let Some(first) = r.failed.samples.first() {
            let line = format!(
                "  first: {}:{}: {}: {}",
                printable(&first.file),
                first.line,
                first.reason,
                printable(&first.text)
            );
            // One line on a terminal: the JSON has the whole sample.
            let fit = layout.width.map_or(usize::MAX, |w| usize::from(w) - 1);
            out.push_str(&shorten(&line, fit));
            out.push('\n');
        }
    }

    // Which format each input was read with (given, or sniffed), or why it was not read.
    if !r.inputs.is_empty() {
        let mut t = table("Inputs", &["File", "Format", "Lines", "Valid", "Failed"]);
        if let Some(col) = t.1.column_mut(1) {
            col.set_cell_alignment(CellAlignment::Left);
        }
        for i in &r.inputs {
            let format = match (&i.log_format, &i.skipped) {
                (_, Some(why)) => format!("passed over: {why}"),
                (Some(f), None) => printable(f),
                (None, None) => "-".into(),
            };
            t.1.add_row(vec![
                printable(&i.path),
                format,
                thousands(i.lines.lines),
                thousands(i.lines.valid),
                thousands(i.lines.failed),
            ]);
        }
        push(&mut out, t, layout);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\u{1b}[31mb\u{7f}"), "a\\x1b[31mb\\x7f");
    }
}
