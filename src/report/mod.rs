//! Report: the one model every output renders, built from the merged aggregate. Field names
//! here are the JSON contract documented in `docs/json.md`; add fields, never rename.

pub mod geo;
pub mod insights;
pub mod panels;

use serde::Serialize;

pub use geo::GeoTables;
use insights::{ClientRow, ContentRow, DownloadRow, HeavyHitters, NodeRow, TransferSpeed};

use crate::aggregate::panels::{NAMES, NOT_FOUND, REFERRERS, STATIC_FILES};
use crate::aggregate::{Aggregate, Counts, LineCounts};
use crate::input::{InputError, Source};
use crate::parse::Failure;
use crate::parse::time::day_to_string;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// `--title`, for the HTML and sponsor pages (not a JSON field).
    #[serde(skip)]
    pub title: Option<String>,
    /// `--top`: rows the HTML tables show before "show all" (not a JSON field).
    #[serde(skip)]
    pub top: usize,
    pub generator: Generator,
    pub log_format: String,
    pub period: Period,
    pub summary: Summary,
    pub days: Vec<DayRow>,
    pub projects: Vec<NamedRow>,
    pub status_codes: Vec<StatusRow>,
    pub files: Vec<FileRow>,
    pub hours: Vec<HourRow>,
    pub ip_versions: Vec<IpVersionRow>,
    /// `null` (as `content`, `downloads`, `heavy_hitters` and GoAccess's panels) when a
    /// store has no table for any day of the period: see [`Report::coverage`].
    pub clients: Option<Vec<ClientRow>>,
    pub nodes: Vec<NodeRow>,
    pub content: Option<Vec<ContentRow>>,
    pub downloads: Option<Vec<DownloadRow>>,
    pub heavy_hitters: Option<HeavyHitters>,
    /// `null` unless the log format has the serve time (`%D`, `%T`).
    pub transfer_speed: Option<TransferSpeed>,
    pub failed: Failed,
    pub inputs: Vec<InputRow>,
    /// A store's daily tables that some days of the period lack (ingested before the
    /// table existed): the fields they give, and those days. Empty for logs.
    pub coverage: Vec<Coverage>,
    /// Geo databases and tables, inline in the JSON.
    #[serde(flatten)]
    pub geo: GeoTables,
    /// GoAccess's other panels (vhosts, referrers, 404s, static files, browsers...).
    #[serde(flatten)]
    pub panels: panels::PanelTables,
    /// `--by-node`: the same report for each node's inputs alone.
    pub by_node: Vec<NodeReport>,
}

/// A store's daily table that some days of a report's period lack.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Coverage {
    pub table: String,
    /// The report's fields that come from it (JSON paths, `[]` for each row's).
    pub fields: Vec<String>,
    /// The days of the period with requests but without the table: the fields count
    /// only the other days, and are `null` when that leaves none.
    pub missing_dates: Vec<String>,
    /// Whether that is every day of the period with requests.
    #[serde(skip)]
    pub all: bool,
}

/// The fields each of a store's daily tables gives (docs/store.md, "Daily tables").
fn fields_of(table: &str) -> Vec<String> {
    let fields: &[&str] = match table {
        "traffic" => &[
            "summary.bandwidth_bytes",
            "days[].requests",
            "days[].bytes",
            "projects",
            "countries",
            "continents",
            "asns",
            "ip_versions",
            "nodes",
        ],
        "visitors" => &[
            "summary.unique_visitors",
            "days[].visitors",
            "projects[].visitors",
            "countries[].visitors",
            "continents[].visitors",
            "asns[].visitors",
            "ip_versions[].visitors",
            "nodes[].visitors",
        ],
        "status" => &["status_codes"],
        "hours" => &["hours"],
        "files" => &["files"],
        "file_visitors" => &["files[].visitors"],
        "requested_files" => &["summary.requested_files"],
        "clients" => &["clients"],
        "content" => &["content"],
        "addresses" => &["heavy_hitters"],
        "downloads" => &["downloads"],
        "panels" => {
            let summary = [
                "unique_referrers",
                "unique_not_found",
                "unique_static_files",
            ];
            let summary = summary.iter().map(|f| format!("summary.{f}"));
            return summary.chain(NAMES.iter().map(|p| p.to_string())).collect();
        }
        "panel_visitors" => return NAMES.iter().map(|p| format!("{p}[].visitors")).collect(),
        _ => &[],
    };
    fields.iter().map(|f| f.to_string()).collect()
}

impl Report {
    /// A store's `table` lacks the `missing` days of the period (`all`: every day with
    /// requests): says so in [`Report::coverage`], and when it lacks them all, the fields
    /// that come from it alone are `null` rather than counts of nothing.
    pub fn withhold(&mut self, table: &str, missing: Vec<String>, all: bool) {
        if all {
            let p = &mut self.panels;
            match table {
                "clients" => self.clients = None,
                "content" => self.content = None,
                "downloads" => self.downloads = None,
                "addresses" => self.heavy_hitters = None,
                "panels" => {
                    let s = &mut self.summary;
                    (
                        s.unique_referrers,
                        s.unique_not_found,
                        s.unique_static_files,
                    ) = (None, None, None);
                    (p.vhosts, p.referrers, p.referring_sites) = (None, None, None);
                    (p.not_found, p.static_files) = (None, None);
                    (p.operating_systems, p.browsers, p.remote_users) = (None, None, None);
                    (p.mime_types, p.tls, p.cache_status) = (None, None, None);
                }
                _ => {}
            }
        }
        self.coverage.push(Coverage {
            table: table.to_string(),
            fields: fields_of(table),
            missing_dates: missing,
            all,
        });
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NodeReport {
    pub node: String,
    #[serde(flatten)]
    pub report: Report,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Generator {
    pub name: &'static str,
    pub version: &'static str,
}

/// The `--since` / `--until` window, if any.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Period {
    pub since: Option<String>,
    pub until: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub total_requests: u64,
    pub valid_requests: u64,
    pub failed_requests: u64,
    pub blank_lines: u64,
    pub comment_lines: u64,
    /// Lines outside the `--since`/`--until` window.
    pub excluded_requests: u64,
    pub unique_visitors: u64,
    pub requested_files: u64,
    /// Distinct referrers (`-` is one), not-found requests and static requests; `null`
    /// when a store has no `panels` table for any day of the period.
    pub unique_referrers: Option<u64>,
    pub unique_not_found: Option<u64>,
    pub unique_static_files: Option<u64>,
    pub bandwidth_bytes: u64,
    pub log_size_bytes: u64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DayRow {
    pub date: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NamedRow {
    pub name: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
    /// Of which over IPv6.
    pub ipv6_requests: u64,
    pub ipv6_bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StatusRow {
    pub code: u16,
    pub requests: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileRow {
    pub path: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HourRow {
    pub hour: u8,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

/// Requests by IP version: 4 (v4-mapped IPv6 included), 6, or 0 for unknown (a store
/// written before versions were kept per visitor).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IpVersionRow {
    pub version: u8,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failed {
    pub count: u64,
    pub reasons: Vec<ReasonRow>,
    pub samples: Vec<SampleRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReasonRow {
    pub reason: &'static str,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SampleRow {
    pub file: String,
    pub line: u64,
    pub reason: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InputRow {
    pub path: String,
    pub bytes: u64,
    /// The format the input was read with (given, or sniffed from its first lines);
    /// `null` when it was not read.
    pub log_format: Option<String>,
    /// Why the input was passed over (an error log, no known format), else `null`.
    pub skipped: Option<String>,
    /// lines, valid, failed, blank, comment, excluded.
    #[serde(flatten)]
    pub lines: LineCounts,
    /// Why the input could not be read (completely), if it could not.
    pub error: Option<String>,
}

/// Log bytes as text: valid UTF-8 always; invalid bytes become U+FFFD.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What the report is built from, besides the aggregate.
pub struct Meta<'a> {
    pub log_format: &'a str,
    pub period: Period,
    pub sources: &'a [Source],
    /// Size on disk of each input (as read, for standard input).
    pub sizes: &'a [u64],
    pub errors: &'a [InputError],
    /// How each input was read.
    pub input_formats: &'a [crate::parse::sniff::InputFormat],
    /// Which optional fields the formats log (which panels they can fill).
    pub logs: crate::parse::logged::Logs,
    pub top: usize,
    pub geo: &'a [crate::enrich::geo::DbInfo],
    /// Node names, by node id.
    pub nodes: &'a [String],
    /// `--show-ips`: client addresses in heavy hitters and failed-line samples.
    pub show_ips: bool,
    /// `--title`.
    pub title: Option<&'a str>,
    /// The log format has the serve time: transfer speeds are measured.
    pub timed: bool,
}

/// `text` with every token that is an IP address replaced by `[ip]`, for published
/// outputs (failed-line samples are raw log lines).
pub fn mask_ips(text: &str) -> String {
    let is_part = |c: char| c.is_ascii_hexdigit() || c == '.' || c == ':';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_part) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find(|c: char| !is_part(c)).unwrap_or(tail.len());
        let token = &tail[..end];
        match token.parse::<std::net::IpAddr>() {
            Ok(_) => out.push_str("[ip]"),
            Err(_) => out.push_str(token),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Rows sorted by requests, then bytes, then name, so that output is reproducible.
fn by_requests<T, K: Ord>(rows: &mut [T], key: impl Fn(&T) -> (u64, u64, K)) {
    rows.sort_by(|a, b| {
        let (ra, ba, na) = key(a);
        let (rb, bb, nb) = key(b);
        rb.cmp(&ra).then(bb.cmp(&ba)).then(na.cmp(&nb))
    });
}

/// Ids of the `top` items by `rank` (lowest first), among ids `0..n`, in no particular
/// order. Ties at the cut are settled by name, so the same input always gives the same
/// rows. Only the cut is selected, not everything sorted: items are as many as URLs or
/// client addresses.
fn top_ids<K: Ord, N: Ord>(
    n: u32,
    top: usize,
    key: impl Fn(u32) -> K,
    name: impl Fn(u32) -> N,
) -> Vec<u32> {
    let mut ids: Vec<u32> = (0..n).collect();
    if ids.len() <= top {
        return ids;
    }
    if top == 0 {
        return Vec::new();
    }
    ids.select_nth_unstable_by_key(top - 1, |&i| key(i));
    let cut = key(ids[top - 1]);
    let mut chosen: Vec<u32> = ids.iter().copied().filter(|&i| key(i) < cut).collect();
    let mut ties: Vec<u32> = ids.into_iter().filter(|&i| key(i) == cut).collect();
    ties.sort_by_key(|&i| name(i));
    ties.truncate(top - chosen.len());
    chosen.append(&mut ties);
    chosen
}

impl Report {
    pub fn build(agg: &Aggregate, meta: &Meta<'_>) -> Report {
        let lines = agg.lines();
        let failed_count: u64 = agg.failures.iter().sum();
        let day_visitors = agg.day_visitors();
        let mut days: Vec<DayRow> = agg
            .days
            .iter()
            .map(|(&d, c)| DayRow {
                date: day_to_string(d),
                requests: c.requests,
                visitors: day_visitors.get(&d).copied().unwrap_or(0),
                bytes: c.bytes,
            })
            .collect();
        days.sort_by(|a, b| a.date.cmp(&b.date));

        let lv = agg.location_visitors();
        let pv = lv.per_project(agg.projects.len());
        let mut projects: Vec<NamedRow> = (0..agg.projects.len())
            .map(|i| {
                let c = agg.project_counts.get(i).copied().unwrap_or_default();
                let v6 = agg.project_ipv6.get(i).copied().unwrap_or_default();
                NamedRow {
                    name: text(agg.projects.get(i as u32)),
                    requests: c.requests,
                    visitors: pv[i],
                    bytes: c.bytes,
                    ipv6_requests: v6.requests,
                    ipv6_bytes: v6.bytes,
                }
            })
            .collect();
        by_requests(&mut projects, |r| (r.requests, r.bytes, r.name.clone()));

        // Only the top N files are needed: rank on counts, then turn N ids into text.
        let counts = |i: u32| agg.url_stats[i as usize].counts;
        let rank = |i: u32| {
            let c = counts(i);
            (std::cmp::Reverse(c.requests), std::cmp::Reverse(c.bytes))
        };
        let ids = top_ids(agg.urls.len() as u32, meta.top, rank, |i| agg.urls.get(i));
        let fv = agg.url_visitors_of(&ids);
        let mut files: Vec<FileRow> = ids
            .iter()
            .zip(fv)
            .map(|(&i, visitors)| FileRow {
                path: text(agg.urls.get(i)),
                requests: counts(i).requests,
                visitors,
                bytes: counts(i).bytes,
            })
            .collect();
        by_requests(&mut files, |r| (r.requests, r.bytes, r.path.clone()));

        let mut status_codes: Vec<StatusRow> = agg
            .status
            .iter()
            .map(|(&code, c)| StatusRow {
                code,
                requests: c.requests,
                bytes: c.bytes,
            })
            .collect();
        status_codes.sort_by_key(|r| r.code);

        let hv = agg.hour_visitors();
        let hours = (0..24u8)
            .map(|h| HourRow {
                hour: h,
                requests: agg.hours[h as usize].requests,
                visitors: hv[h as usize],
                bytes: agg.hours[h as usize].bytes,
            })
            .collect();

        let reasons = Failure::ALL
            .iter()
            .filter(|f| agg.failures[f.index()] > 0)
            .map(|f| ReasonRow {
                reason: f.name(),
                count: agg.failures[f.index()],
            })
            .collect();
        let samples = agg
            .samples
            .iter()
            .map(|s| SampleRow {
                file: meta.sources[s.pos.input as usize].to_string(),
                line: agg.line_number(s.pos),
                reason: s.reason.name(),
                text: match meta.show_ips {
                    true => text(&s.text),
                    false => mask_ips(&text(&s.text)),
                },
            })
            .collect();

        let inputs = meta
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let c = agg.inputs.get(i).copied().unwrap_or_default();
                let name = s.to_string();
                let error = meta
                    .errors
                    .iter()
                    .filter(|e| e.source == name)
                    .map(|e| e.message.clone())
                    .reduce(|a, b| format!("{a}; {b}"));
                let format = meta.input_formats.get(i).cloned().unwrap_or_default();
                InputRow {
                    path: name,
                    bytes: meta.sizes.get(i).copied().unwrap_or(0),
                    log_format: format.log_format,
                    skipped: format.skipped,
                    lines: c,
                    error,
                }
            })
            .collect();

        let mut by_version: std::collections::BTreeMap<u8, Counts> = Default::default();
        for ip in &agg.ip_stats {
            by_version
                .entry(ip.location.ip_version)
                .or_default()
                .merge(ip.counts);
        }
        let version_visitors = lv.by(|l| l.ip_version);
        let ip_versions = by_version
            .into_iter()
            .filter(|(_, c)| c.requests > 0)
            .map(|(version, c)| IpVersionRow {
                version,
                requests: c.requests,
                visitors: version_visitors.get(&version).copied().unwrap_or(0),
                bytes: c.bytes,
            })
            .collect();

        let geo = geo::build(agg, &lv, meta.geo, meta.top);
        let panel_keys = |panel: usize| agg.panels.tables()[panel].len() as u64;
        Report {
            generator: Generator {
                name: env!("CARGO_PKG_NAME"),
                version: env!("CARGO_PKG_VERSION"),
            },
            log_format: meta.log_format.to_string(),
            period: meta.period.clone(),
            summary: Summary {
                total_requests: lines.valid + failed_count,
                valid_requests: lines.valid,
                failed_requests: failed_count,
                blank_lines: lines.blank,
                comment_lines: lines.comment,
                excluded_requests: lines.excluded,
                unique_visitors: agg.unique_visitors(),
                requested_files: agg.requested_files(),
                unique_referrers: Some(panel_keys(REFERRERS)),
                unique_not_found: Some(panel_keys(NOT_FOUND)),
                unique_static_files: Some(panel_keys(STATIC_FILES)),
                bandwidth_bytes: agg.bandwidth,
                log_size_bytes: meta.sizes.iter().sum(),
                first_date: agg.first_day.map(day_to_string),
                last_date: agg.last_day.map(day_to_string),
            },
            days,
            projects,
            status_codes,
            files,
            hours,
            ip_versions,
            clients: Some(insights::clients(agg)),
            nodes: insights::nodes(agg, meta.nodes),
            content: Some(insights::content(agg)),
            downloads: Some(insights::downloads(agg, meta.top)),
            heavy_hitters: Some(insights::heavy_hitters(agg, meta)),
            transfer_speed: meta.timed.then(|| insights::transfer_speed(agg, meta.top)),
            failed: Failed {
                count: failed_count,
                reasons,
                samples,
            },
            inputs,
            coverage: Vec::new(),
            geo,
            panels: panels::build(agg, meta.logs, meta.top),
            by_node: Vec::new(),
            title: meta.title.map(str::to_string),
            top: meta.top,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ips_are_masked_in_published_text() {
        assert_eq!(
            mask_ips(
                "203.0.113.9 - - [31/Dec/2018:10:00:00 +1300] \"GET /a.deb\" 2404:1::2 ::ffff:1.2.3.4"
            ),
            "[ip] - - [31/Dec/2018:10:00:00 +1300] \"GET /a.deb\" [ip] [ip]"
        );
        assert_eq!(
            mask_ips("no address, 1.2.3 or cafe:"),
            "no address, 1.2.3 or cafe:"
        );
    }

    #[test]
    fn top_ids_settle_ties_at_the_cut_by_name() {
        let names: [&[u8]; 6] = [b"f", b"e", b"d", b"c", b"b", b"a"];
        let reqs = [5, 1, 3, 3, 3, 9];
        let rank = |i: u32| std::cmp::Reverse(reqs[i as usize]);
        let name = |i: u32| names[i as usize];
        let mut top = top_ids(6, 3, rank, name);
        top.sort_unstable();
        // 9 (a) and 5 (f), then of the three 3s the first by name: b.
        assert_eq!(top, vec![0, 4, 5]);
        assert_eq!(top_ids(6, 0, rank, name), Vec::<u32>::new());
        assert_eq!(top_ids(6, 9, rank, name).len(), 6);
    }
}
