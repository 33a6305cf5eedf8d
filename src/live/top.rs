//! `fsmg-stats top`: a full-screen terminal dashboard of the followed logs.
//!
//! Usage: `fsmg-stats top [PATHS]... [--since DATE]`
//!
//! One thread follows the logs and publishes snapshots ([`super::follow`]); another
//! reads keys; this one draws, when either sends something (and once a second, for the
//! throughput of a quiet log), so an idle dashboard sleeps.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Sparkline, Table, Tabs};
use ratatui::{DefaultTerminal, Frame};

use super::{Live, Snapshot, Throughput};
use crate::aggregate::Counts;
use crate::config::Config;
use crate::input::follow::Follower;
use crate::output::fmt::{human_bytes, percent, thousands};
use crate::parse::time::day_to_string;
use crate::report::Report;

/// The panels, in the order of their keys (1 to 8).
const PANELS: [&str; 8] = [
    "Projects",
    "Files",
    "Countries",
    "Networks",
    "Clients",
    "Status",
    "Nodes",
    "IP",
];

/// What the panels rank and the sparkline shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Requests,
    Bytes,
    Visitors,
}

impl Metric {
    fn next(self) -> Metric {
        match self {
            Metric::Requests => Metric::Bytes,
            Metric::Bytes => Metric::Visitors,
            Metric::Visitors => Metric::Requests,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Metric::Requests => "requests",
            Metric::Bytes => "bytes",
            Metric::Visitors => "visitors",
        }
    }
}

/// What is on screen.
pub struct View {
    pub snapshot: Option<Snapshot>,
    pub panel: usize,
    pub metric: Metric,
    pub paused: bool,
    pub help: bool,
    /// What is followed, for the title.
    pub what: String,
}

enum Message {
    Snapshot(Box<Snapshot>),
    Input(Event),
}

const KEYS: &[(&str, &str)] = &[
    ("Tab, →, l", "next panel"),
    ("Shift-Tab, ←, h", "previous panel"),
    ("1 … 8", "panel by number"),
    ("m", "metric: requests, bytes, visitors"),
    ("p, space", "pause (reading goes on)"),
    ("?", "these keys"),
    ("q, Esc, Ctrl-C", "quit"),
];

/// Runs the dashboard until `q`.
pub fn run(cfg: &Config) -> Result<(), String> {
    let followed = super::followed(cfg)?;
    let follower = Follower::new(&followed.sources).map_err(|e| e.to_string())?;
    let live = Live::new(cfg, &followed, super::ROWS);
    let what = match followed.sources.as_slice() {
        [one] => one.to_string(),
        many => format!("{} logs", many.len()),
    };
    let mut terminal = ratatui::try_init().map_err(|e| format!("terminal: {e}"))?;
    let (tx, rx) = mpsc::channel();
    let stop = AtomicBool::new(false);
    let keys = tx.clone();
    // Not joined: it blocks reading the terminal, and ends with the process.
    std::thread::spawn(move || {
        while let Ok(e) = event::read() {
            if keys.send(Message::Input(e)).is_err() {
                break;
            }
        }
    });
    let result = std::thread::scope(|s| {
        s.spawn(|| {
            super::follow(live, follower, &stop, Duration::from_millis(500), |snap| {
                let _ = tx.send(Message::Snapshot(Box::new(snap)));
            })
        });
        let mut view = View {
            snapshot: None,
            panel: 0,
            metric: Metric::Requests,
            paused: false,
            help: false,
            what,
        };
        let result = event_loop(&mut terminal, &mut view, &rx);
        // The terminal is given back at once; the reader stops within a second.
        ratatui::restore();
        stop.store(true, Ordering::Relaxed);
        result
    });
    result.map_err(|e| format!("terminal: {e}"))
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    view: &mut View,
    rx: &mpsc::Receiver<Message>,
) -> std::io::Result<()> {
    loop {
        terminal.draw(|f| draw(f, view))?;
        let Ok(message) = rx.recv() else {
            return Ok(());
        };
        match message {
            Message::Snapshot(s) if !view.paused => view.snapshot = Some(*s),
            Message::Snapshot(_) => {}
            Message::Input(Event::Key(k)) if k.kind == KeyEventKind::Press => {
                let ctrl_c =
                    k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c');
                if ctrl_c || matches!(k.code, KeyCode::Char('q') | KeyCode::Esc) {
                    return Ok(());
                }
                key(view, k.code);
            }
            Message::Input(_) => {}
        }
    }
}

/// What a key does to the view.
pub fn key(view: &mut View, code: KeyCode) {
    let n = PANELS.len();
    match code {
        KeyCode::Tab | KeyCode::Right | KeyCode::Char('l') => view.panel = (view.panel + 1) % n,
        KeyCode::BackTab | KeyCode::Left | KeyCode::Char('h') => {
            view.panel = (view.panel + n - 1) % n
        }
        KeyCode::Char(c @ '1'..='8') => view.panel = c as usize - '1' as usize,
        KeyCode::Char('m') => view.metric = view.metric.next(),
        KeyCode::Char('p' | ' ') => view.paused = !view.paused,
        KeyCode::Char('?') => view.help = !view.help,
        _ => view.help = false,
    }
}

/// One row of a panel.
struct PanelRow {
    name: String,
    requests: u64,
    visitors: Option<u64>,
    bytes: u64,
}

fn panel_rows(r: &Report, panel: usize) -> Vec<PanelRow> {
    let row = |name: String, requests, visitors, bytes| PanelRow {
        name,
        requests,
        visitors,
        bytes,
    };
    match panel {
        0 => (r.projects.iter())
            .map(|p| row(p.name.clone(), p.requests, Some(p.visitors), p.bytes))
            .collect(),
        1 => (r.files.iter())
            .map(|f| row(f.path.clone(), f.requests, Some(f.visitors), f.bytes))
            .collect(),
        2 => (r.geo.countries.iter())
            .map(|c| {
                let name = format!("{} {}", c.code, c.name);
                row(name, c.requests, Some(c.visitors), c.bytes)
            })
            .collect(),
        3 => (r.geo.asns.iter())
            .map(|a| {
                let name = match a.asn {
                    0 => "unknown".to_string(),
                    n => format!("AS{n} {}", a.org),
                };
                row(name, a.requests, Some(a.visitors), a.bytes)
            })
            .collect(),
        4 => (r.clients.iter().flatten())
            .map(|c| {
                let name = match &c.version {
                    Some(v) => format!("{}/{v}", c.name),
                    None => c.name.clone(),
                };
                row(name, c.requests, Some(c.visitors), c.bytes)
            })
            .collect(),
        5 => (r.status_codes.iter())
            .map(|s| row(s.code.to_string(), s.requests, None, s.bytes))
            .collect(),
        6 => (r.nodes.iter())
            .map(|n| row(n.name.clone(), n.requests, Some(n.visitors), n.bytes))
            .collect(),
        _ => (r.ip_versions.iter())
            .map(|v| {
                let name = match v.version {
                    0 => "unknown".to_string(),
                    n => format!("IPv{n}"),
                };
                row(name, v.requests, Some(v.visitors), v.bytes)
            })
            .collect(),
    }
}

fn rate(c: Counts, seconds: u64) -> String {
    let per_second = c.requests as f64 / seconds as f64;
    let mbit = c.bytes as f64 * 8.0 / seconds as f64 / 1e6;
    format!("{per_second:.2} req/s {mbit:.2} Mbit/s")
}

/// `s` cut to `width` characters from the left, where paths and names differ least.
fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width || width == 0 {
        return s.to_string();
    }
    let tail: String = s.chars().skip(n - width + 1).collect();
    format!("…{tail}")
}

fn right(s: String) -> ratatui::widgets::Cell<'static> {
    ratatui::widgets::Cell::from(Line::from(s).right_aligned())
}

pub fn draw(f: &mut Frame, view: &View) {
    let [header, speed, tabs, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(6),
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let Some(snap) = &view.snapshot else {
        f.render_widget(
            Paragraph::new(format!("fsmg-stats top: reading {} …", view.what)),
            header,
        );
        return;
    };
    let r = &snap.report;
    let s = &r.summary;
    let period = match snap.day {
        Some(d) => format!("{} (the newest day)", day_to_string(d)),
        None => crate::output::fmt::period(r),
    };
    let mut title = vec![
        Span::from("fsmg-stats top").bold(),
        Span::from(format!("  {}  ·  {period}  ·  {}", view.what, r.log_format)),
    ];
    if view.paused {
        title.push(Span::from("  PAUSED").reversed());
    }
    let totals = format!(
        "requests {}  ·  visitors {}  ·  sent {}  ·  failed lines {}  ·  files {}",
        thousands(s.total_requests),
        thousands(s.unique_visitors),
        human_bytes(s.bandwidth_bytes),
        thousands(s.failed_requests),
        thousands(s.requested_files),
    );
    f.render_widget(
        Paragraph::new(vec![Line::from(title), Line::from(totals)]),
        header,
    );
    draw_speed(f, speed, &snap.throughput, view.metric);
    f.render_widget(
        Tabs::new(
            PANELS
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{} {p}", i + 1)),
        )
        .select(view.panel)
        .highlight_style(Style::new().reversed()),
        tabs,
    );
    let [main, side] =
        Layout::horizontal([Constraint::Percentage(68), Constraint::Percentage(32)]).areas(body);
    draw_panel(f, main, r, view);
    draw_side(f, side, r);
    let hint = match snap.problems.first() {
        Some(p) => Line::from(p.clone()).yellow(),
        None => Line::from(format!(
            "q quit  ·  ? keys  ·  Tab panel  ·  m metric: {}  ·  p pause",
            view.metric.name()
        )),
    };
    f.render_widget(Paragraph::new(hint), footer);
    if view.help {
        draw_help(f);
    }
}

fn draw_speed(f: &mut Frame, area: Rect, t: &Throughput, metric: Metric) {
    let block = Block::bordered().title(" Throughput ");
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [numbers, spark] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    f.render_widget(
        Paragraph::new(format!(
            "1 min: {}  ·  5 min: {}  ·  1 hour: {}",
            rate(t.minute, 60),
            rate(t.five_minutes, 300),
            rate(t.hour, 3600)
        )),
        numbers,
    );
    // The newest seconds that fit, by the metric (visitors: requests).
    let n = (spark.width as usize).min(t.series.len());
    let values: Vec<u64> = t.series[t.series.len() - n..]
        .iter()
        .map(|c| match metric {
            Metric::Bytes => c.bytes,
            _ => c.requests,
        })
        .collect();
    f.render_widget(Sparkline::default().data(&values), spark);
}

fn draw_panel(f: &mut Frame, area: Rect, r: &Report, view: &View) {
    let mut rows = panel_rows(r, view.panel);
    let key = |p: &PanelRow| match view.metric {
        Metric::Requests => (p.requests, p.bytes),
        Metric::Bytes => (p.bytes, p.requests),
        Metric::Visitors => (p.visitors.unwrap_or(p.requests), p.requests),
    };
    rows.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.name.cmp(&b.name)));
    let total = |m: fn(&PanelRow) -> u64| -> u64 { rows.iter().map(m).sum() };
    let (all_requests, all_bytes) = (total(|p| p.requests), total(|p| p.bytes));
    let widths = [
        Constraint::Min(16),
        Constraint::Length(11),
        Constraint::Length(8),
        Constraint::Length(9),
        Constraint::Length(11),
    ];
    // The name column: what the numbers and the borders leave.
    let name_width = (area.width as usize).saturating_sub(2 + 11 + 8 + 9 + 11 + 4);
    let share_name = match view.metric {
        Metric::Bytes => "% sent",
        _ => "% req.",
    };
    let header = Row::new([
        ratatui::widgets::Cell::from(""),
        right("requests".into()),
        right(share_name.into()),
        right("visitors".into()),
        right("sent".into()),
    ])
    .style(Style::new().add_modifier(Modifier::BOLD));
    let table_rows = rows.iter().map(|p| {
        let share = match view.metric {
            Metric::Bytes => percent(p.bytes, all_bytes),
            _ => percent(p.requests, all_requests),
        };
        Row::new([
            ratatui::widgets::Cell::from(fit(&p.name, name_width)),
            right(thousands(p.requests)),
            right(share),
            right(p.visitors.map(thousands).unwrap_or_default()),
            right(human_bytes(p.bytes)),
        ])
    });
    let title = format!(" {} by {} ", PANELS[view.panel], view.metric.name());
    f.render_widget(
        Table::new(table_rows, widths)
            .header(header)
            .block(Block::bordered().title(title)),
        area,
    );
}

/// Status classes, nodes' shares and the IPv6 share, always in view.
fn draw_side(f: &mut Frame, area: Rect, r: &Report) {
    let requests: u64 = r.status_codes.iter().map(|s| s.requests).sum();
    let mut lines = vec![Line::from("Status").bold()];
    for class in 1..=5u16 {
        let n: u64 = (r.status_codes.iter())
            .filter(|s| s.code / 100 == class)
            .map(|s| s.requests)
            .sum();
        if n > 0 {
            lines.push(Line::from(format!(
                "  {class}xx {:>12} {:>8}",
                thousands(n),
                percent(n, requests)
            )));
        }
    }
    let node_total: u64 = r.nodes.iter().map(|n| n.requests).sum();
    lines.push(Line::from("Nodes").bold());
    for n in &r.nodes {
        lines.push(Line::from(format!(
            "  {:<8} {:>8}",
            n.name,
            percent(n.requests, node_total)
        )));
    }
    let v6 = r.ip_versions.iter().find(|v| v.version == 6);
    let (v6_requests, v6_bytes) = v6.map_or((0, 0), |v| (v.requests, v.bytes));
    let all_bytes: u64 = r.ip_versions.iter().map(|v| v.bytes).sum();
    let all_requests: u64 = r.ip_versions.iter().map(|v| v.requests).sum();
    lines.push(Line::from("IPv6").bold());
    lines.push(Line::from(format!(
        "  {:>8} of requests",
        percent(v6_requests, all_requests)
    )));
    lines.push(Line::from(format!(
        "  {:>8} of bytes sent",
        percent(v6_bytes, all_bytes)
    )));
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Mix ")),
        area,
    );
}

fn draw_help(f: &mut Frame) {
    let area = f.area();
    let width = 60.min(area.width);
    let height = (KEYS.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| Line::from(format!("{k:<18} {what}")))
        .collect();
    f.render_widget(Clear, popup);
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Keys ")),
        popup,
    );
}
