//! Reports from a store: `fsmg-stats report --store DIR [--since] [--until] [--node NAME]`
//! (or `--store` on the default command). Only the daily tables of the chosen days and
//! nodes are read, from committed parts only, and replayed into an aggregate
//! ([`crate::aggregate::replay`]); the report is then built exactly as from logs.
//!
//! Failed, blank and comment lines are not rows: they come from the runs' records, per node
//! but not per day, so `--since`/`--until` do not narrow them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use arrow_array::ArrayAccessor;
use arrow_array::types::{UInt8Type, UInt16Type, UInt32Type, UInt64Type};
use arrow_array::{RecordBatch, UInt32Array, UInt64Array};

use super::ingest::RunRecord;
use super::read::{Columns, DictIds, NULL, batches, opt};
use super::rollup::{self, Month, TrafficRow};
use super::{daily, ingest};
use crate::aggregate::panels::StoredKey;
use crate::aggregate::{
    Aggregate, Counts, Download, LineCounts, Transfer, grow, grow_with, node_id,
};
pub use crate::config::Query;
use crate::enrich::geo::{DbInfo, Location, kind_name};
use crate::parse::Failure;
use crate::parse::logged::Logs;
use crate::parse::time::{Day, day_key};

fn date(s: &str) -> Option<Day> {
    Some(day_key(s.parse().ok()?))
}

pub(super) fn day_of(dir: &str) -> Option<Day> {
    date(dir.strip_prefix("date=")?)
}

/// The day and node of a committed daily part (`daily/TABLE/date=D/node=N/part-R.parquet`).
pub fn daily_part(rel: &str) -> Option<(Day, &str)> {
    let mut dirs = rel.strip_prefix("daily/")?.split('/').skip(1);
    let day = day_of(dirs.next()?)?;
    Some((day, dirs.next()?.strip_prefix("node=")?))
}

/// A committed daily part of one table: its day, node, name below the table's directory
/// (`date=D/node=N/part-R.parquet`, the same for every table of a run's day and node) and
/// path.
struct Part<'a> {
    day: Day,
    node: &'a str,
    name: &'a str,
    path: PathBuf,
}

/// The committed parts of a daily table inside the window and node, but for days of
/// rolled-up months.
fn parts<'a>(
    q: &Query,
    committed: &'a BTreeSet<String>,
    table: &str,
    window: (Day, Day),
    rolled: &BTreeMap<Month, PathBuf>,
) -> Vec<Part<'a>> {
    let prefix = format!("daily/{table}/");
    committed
        .iter()
        .filter_map(|rel| {
            let name = rel.strip_prefix(&prefix)?;
            let (day, node) = daily_part(rel)?;
            let in_node = q.node.as_ref().is_none_or(|n| n == node);
            let inside = day >= window.0 && day <= window.1 && !rolled.contains_key(&(day / 100));
            (inside && in_node).then(|| Part {
                day,
                node,
                name,
                path: q.store.join(rel),
            })
        })
        .collect()
}

impl<'a> Columns<'a> {
    /// Each row's `country`, `continent`, `asn` and `ip_version` (0 if the part has no
    /// such column: visitors tables written before it was added).
    fn locations(&self) -> anyhow::Result<impl Fn(usize) -> Location + 'a> {
        let (country, continent) = (self.str("country")?, self.str("continent")?);
        let asn = self.int::<UInt32Type>("asn")?;
        let version = self.int::<UInt8Type>("ip_version").ok();
        Ok(move |i| Location {
            country: code(country.value(i)),
            continent: code(continent.value(i)),
            asn: asn.value(i),
            ip_version: version.map_or(0, |v| v.value(i)),
        })
    }
    /// Each row's panel key (`panels`, `panel_visitors`).
    fn panel_keys(&self) -> anyhow::Result<impl Fn(usize) -> StoredKey<'a> + 'a> {
        let (panel, key, item) = (self.str("panel")?, self.str("key")?, self.str("item")?);
        let (method, protocol) = (self.str("method")?, self.str("protocol")?);
        Ok(move |i| StoredKey {
            panel: panel.value(i),
            key: key.value(i).as_bytes(),
            item: opt(&item, i).map(str::as_bytes),
            method: opt(&method, i).map(Into::into),
            protocol: opt(&protocol, i),
        })
    }

    /// Each row's `requests` and `bytes`.
    fn counts(&self) -> anyhow::Result<impl Fn(usize) -> Counts + 'a> {
        let (requests, bytes) = (
            self.int::<UInt64Type>("requests")?,
            self.int::<UInt64Type>("bytes")?,
        );
        Ok(move |i| Counts {
            requests: requests.value(i),
            bytes: bytes.value(i),
        })
    }
}

fn code(s: &str) -> [u8; 2] {
    match s.as_bytes() {
        &[a, b] => [a, b],
        _ => *b"--",
    }
}

/// Each row's visitor, of a daily part's `file_visitors`, `panel_visitors` or `downloads`.
enum Visitors<'a> {
    /// By its number in the part, through the part's numbers → ids of the aggregate.
    Numbered(&'a UInt32Array, &'a [u32]),
    /// By its key and day: parts written before visitors were numbered (2026-12-02).
    Keyed(&'a UInt64Array, Day),
}

impl<'a> Visitors<'a> {
    fn of(c: &Columns<'a>, day: Day, ids: Option<&'a Vec<u32>>) -> anyhow::Result<Self> {
        Ok(match c.int::<UInt32Type>("vid") {
            Ok(vid) => Visitors::Numbered(vid, ids.map_or(&[], Vec::as_slice)),
            Err(_) => Visitors::Keyed(c.int::<UInt64Type>("visitor")?, day),
        })
    }

    /// Row `i`'s visitor id in `agg`, if its `visitors` row was replayed.
    fn id(&self, agg: &Aggregate, i: usize) -> Option<u32> {
        match self {
            Visitors::Numbered(vid, ids) => ids
                .get(vid.value(i) as usize)
                .copied()
                .filter(|&v| v != NULL),
            Visitors::Keyed(key, day) => agg.replayed_visitor(*day, key.value(i)),
        }
    }
}

/// Where a replayed file's rows come from.
enum From<'n> {
    /// A daily part of a day and node id: the part's number (the same for every table of
    /// a run's day and node) and the rows of this table's file.
    Part {
        day: Day,
        node: u32,
        number: usize,
        rows: usize,
    },
    /// A month's roll-up, whose rows name nodes by name: ids are given from these.
    Month(&'n mut Vec<String>),
}

/// The daily tables of a query's window and node (and the roll-ups of its whole months),
/// replayed one table at a time.
struct Tables<'a> {
    q: &'a Query,
    committed: &'a BTreeSet<String>,
    window: (Day, Day),
    rolled: BTreeMap<Month, PathBuf>,
    /// Node names as the parts name them; a part's node id is its index.
    nodes: Vec<String>,
    /// Part numbers by part name (below the table's directory).
    numbers: BTreeMap<&'a str, usize>,
}

impl Tables<'_> {
    /// Replays one table's daily parts, then its roll-ups, with `each`.
    fn replay(
        &mut self,
        agg: &mut Aggregate,
        table: &str,
        mut each: impl FnMut(&mut Aggregate, From<'_>, &Columns<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let (q, nodes, numbers) = (self.q, &mut self.nodes, &mut self.numbers);
        // A daily part's day, node id and number; a roll-up's none.
        type At = Option<(Day, u32, usize)>;
        let mut files: Vec<(At, PathBuf)> =
            parts(q, self.committed, table, self.window, &self.rolled)
                .into_iter()
                .map(|p| {
                    let node = node_id(nodes, p.node.to_string()) as u32;
                    let next = numbers.len();
                    let number = *numbers.entry(p.name).or_insert(next);
                    (Some((p.day, node, number)), p.path)
                })
                .collect();
        files.extend(
            self.rolled
                .values()
                .map(|dir| (None, dir.join(format!("{table}.parquet"))))
                .filter(|(_, path)| path.exists()),
        );
        // Files are decoded on a second thread while this one replays the previous ones.
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel(2);
            scope.spawn(move || {
                for (part, path) in files {
                    let decoded = batches(&path);
                    if tx.send((part, path, decoded)).is_err() {
                        break;
                    }
                }
            });
            for (part, path, decoded) in rx {
                let decoded = decoded?;
                let rows = decoded.iter().map(RecordBatch::num_rows).sum();
                for batch in decoded {
                    let from = match part {
                        Some((day, node, number)) => From::Part {
                            day,
                            node,
                            number,
                            rows,
                        },
                        None => From::Month(nodes),
                    };
                    each(agg, from, &Columns(&batch, &path))?;
                }
            }
            Ok(())
        })
    }
}

/// A store's aggregate of a window and node.
pub struct Replayed {
    pub agg: Aggregate,
    /// The geo databases its runs used.
    pub geo: Vec<DbInfo>,
    /// Node names by node id.
    pub nodes: Vec<String>,
    /// Why roll-ups that should have served were not (the daily tables did).
    pub warning: Option<String>,
    /// The formats the runs read their logs with, as a log report names them.
    pub log_format: String,
    /// Which optional fields the runs' formats logged.
    pub logs: Logs,
    /// The size on disk of the inputs ingested (of the node's), as last seen.
    pub log_size: u64,
    /// The first and last day the store (the node) has traffic of, in the window or not.
    pub covers: Option<(Day, Day)>,
    /// Daily tables that days of the window lack.
    pub gaps: Vec<Gap>,
}

/// A daily table that some days of a report's window lack: days ingested before the
/// table existed (docs/store.md, "Formats").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub table: &'static str,
    /// The days with committed request rows (of the node asked for) but, for some part of
    /// the day, not this table's.
    pub missing: Vec<Day>,
    /// Whether that is every day of the window with request rows.
    pub all: bool,
}

/// The committed parts of request rows (as `date=D/node=N/part-R.parquet`) that have no
/// part of daily `table`: days ingested before it existed.
pub(super) fn lacking<'a>(
    committed: &'a BTreeSet<String>,
    table: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    (committed.iter())
        .filter_map(|rel| rel.strip_prefix("requests/"))
        .filter(move |part| !committed.contains(&format!("daily/{table}/{part}")))
}

/// The daily tables that committed request-rows parts of the window (and node) lack.
fn gaps(q: &Query, committed: &BTreeSet<String>, window: (Day, Day)) -> Vec<Gap> {
    // The day of a part of request rows, if of the window and node.
    let day = |part: &str| -> Option<Day> {
        let mut dirs = part.split('/');
        let day = day_of(dirs.next()?)?;
        let node = dirs.next()?.strip_prefix("node=")?;
        let wanted = q.node.as_ref().is_none_or(|n| n == node);
        (wanted && day >= window.0 && day <= window.1).then_some(day)
    };
    let days: BTreeSet<Day> = (committed.iter())
        .filter_map(|rel| rel.strip_prefix("requests/"))
        .filter_map(day)
        .collect();
    (daily::TABLES.iter())
        .filter_map(|&table| {
            let missing: BTreeSet<Day> = lacking(committed, table).filter_map(day).collect();
            (!missing.is_empty()).then(|| Gap {
                table,
                all: missing.len() == days.len(),
                missing: missing.into_iter().collect(),
            })
        })
        .collect()
}

/// The first and last day of the `committed` traffic parts (of `q`'s node).
fn covers(q: &Query, committed: &BTreeSet<String>) -> Option<(Day, Day)> {
    let all = (Day::MIN, Day::MAX);
    let days = parts(q, committed, "traffic", all, &BTreeMap::new());
    let first = days.iter().map(|p| p.day).min()?;
    let last = days.iter().map(|p| p.day).max()?;
    Some((first, last))
}

/// Before a store report: `q.store` is a store and has `q.node`, else what to give
/// instead (a usage error: nothing is read).
pub fn check(q: &Query) -> anyhow::Result<()> {
    let log = ingest::committed(&q.store)?.log;
    let Some(node) = &q.node else {
        return Ok(());
    };
    let nodes: BTreeSet<&str> = log.iter().map(|r| r.node.as_str()).collect();
    if !nodes.contains(node.as_str()) {
        let known: Vec<&str> = nodes.into_iter().collect();
        anyhow::bail!(
            "--node {node}: {} has no such node; it has {}",
            q.store.display(),
            if known.is_empty() {
                "none yet".to_string()
            } else {
                known.join(", ")
            }
        );
    }
    Ok(())
}

/// The aggregate of a store's window and node, from the roll-ups of the whole months it
/// covers and the daily tables of its other days. Only the visitors of the `top` files are
/// replayed from daily tables (the only ones a report shows).
pub fn aggregate(q: &Query, window: (Day, Day), top: usize) -> anyhow::Result<Replayed> {
    let c = ingest::committed(&q.store)?;
    let (log, committed) = (&c.log, &c.parts);
    let rolled = rollup::usable(&q.store, committed, window, q.node.as_deref());
    let any_rolled = !rolled.is_empty();
    let mut r = match replay(q, window, top, log, committed, rolled) {
        // Roll-ups are derived: one damaged, or replaced by an ingest while we read it,
        // costs time, not numbers.
        Err(e) if any_rolled => {
            let mut r = replay(q, window, top, log, committed, BTreeMap::new())?;
            r.warning = Some(format!("{e:#}; read the daily tables instead"));
            r
        }
        r => r?,
    };
    r.log_size = c.log_size(q.node.as_deref());
    r.covers = covers(q, committed);
    r.gaps = gaps(q, committed, window);
    Ok(r)
}

/// [`aggregate`] of the `committed` parts, from daily tables only: what a roll-up is built
/// from (without the runs' line counts and geo databases, which roll-ups do not keep).
pub fn aggregate_days(
    q: &Query,
    committed: &BTreeSet<String>,
    window: (Day, Day),
    top: usize,
) -> anyhow::Result<Replayed> {
    replay(q, window, top, &[], committed, BTreeMap::new())
}

/// The `traffic` rows of a window's daily parts, with their day and node.
pub fn traffic_rows(
    q: &Query,
    committed: &BTreeSet<String>,
    window: (Day, Day),
) -> anyhow::Result<Vec<TrafficRow>> {
    let mut rows = Vec::new();
    for Part {
        day, node, path, ..
    } in parts(q, committed, "traffic", window, &BTreeMap::new())
    {
        for batch in batches(&path)? {
            let c = Columns(&batch, &path);
            let (location, counts) = (c.locations()?, c.counts()?);
            let (project, org) = (c.str("project")?, c.str("as_org")?);
            for i in 0..c.rows() {
                let n = counts(i);
                rows.push(TrafficRow {
                    day,
                    node: node.to_string(),
                    project: project.value(i).to_string(),
                    location: location(i),
                    as_org: opt(&org, i).map(str::to_string),
                    requests: n.requests,
                    bytes: n.bytes,
                });
            }
        }
    }
    Ok(rows)
}

fn replay(
    q: &Query,
    window: (Day, Day),
    top: usize,
    log: &[RunRecord],
    committed: &BTreeSet<String>,
    rolled: BTreeMap<Month, PathBuf>,
) -> anyhow::Result<Replayed> {
    let mut agg = Aggregate::default();
    agg.replayed = true;
    let mut t = Tables {
        q,
        committed,
        window,
        rolled,
        nodes: Vec::new(),
        numbers: BTreeMap::new(),
    };
    // Each daily part's visitor numbers (`vid`) → the aggregate's visitor ids.
    let mut vids: Vec<Vec<u32>> = Vec::new();
    let (mut projects, mut urls) = (DictIds::default(), DictIds::default());
    let (mut clients, mut addresses) = (DictIds::default(), DictIds::default());
    let (mut dates, mut node_names) = (DictIds::default(), DictIds::default());
    let mut valid = 0;
    t.replay(&mut agg, "traffic", |agg, from, c| {
        let (location, counts) = (c.locations()?, c.counts()?);
        let org = c.str("as_org")?;
        let p = projects.rows(agg, c.dict("project")?, Aggregate::project_id);
        // One row a project and place: a daily part's are its day's, a roll-up's its month's.
        let mut total = Counts::default();
        for (i, p) in p.into_iter().enumerate() {
            total.merge(counts(i));
            agg.replay_place(p, location(i), opt(&org, i), counts(i));
        }
        // A roll-up's days are in its `days` table.
        if let From::Part { day, node, .. } = from {
            valid += total.requests;
            agg.replay_day((day, node), total);
        }
        Ok(())
    })?;
    t.replay(&mut agg, "days", |agg, from, c| {
        // Only roll-ups have this table.
        let From::Month(nodes) = from else {
            return Ok(());
        };
        let counts = c.counts()?;
        let days = dates.rows(&mut (), c.dict("date")?, |_, d| date(d).unwrap_or(0));
        let ids = node_names.rows(nodes, c.dict("node")?, |n, name| {
            node_id(n, name.to_string()) as u32
        });
        for (i, at) in days.into_iter().zip(ids).enumerate() {
            valid += counts(i).requests;
            agg.replay_day(at, counts(i));
        }
        Ok(())
    })?;
    agg.replay_valid(valid);
    t.replay(&mut agg, "visitors", |agg, from, c| {
        // Only daily parts have this table.
        let From::Part {
            day,
            node,
            number: part,
            rows,
        } = from
        else {
            return Ok(());
        };
        let vid = c.int::<UInt32Type>("vid").ok();
        let (location, visitor, hours) = (
            c.locations()?,
            c.int::<UInt64Type>("visitor")?,
            c.int::<UInt32Type>("hours")?,
        );
        let p = projects.rows(agg, c.dict("project")?, Aggregate::project_id);
        // Each client's pseudo agent, once per dictionary value; stores written before
        // clients were kept say nothing of them.
        let agents = match c.dict("client") {
            Ok(d) => clients.rows(agg, d, Aggregate::client_agent),
            Err(_) => vec![agg.client_agent("unknown"); c.rows()],
        };
        for (i, (p, agent)) in p.into_iter().zip(agents).enumerate() {
            let v = visitor.value(i);
            let id = agg.replay_visitor((day, node), v, p, location(i), hours.value(i), agent);
            if let Some(vid) = vid {
                // Numbers are 0, 1, 2, … over the part's visitors: a larger one is damage,
                // and would size the vector.
                let vid = vid.value(i) as usize;
                if vid >= rows {
                    anyhow::bail!("{}: visitor number {vid} of {rows} rows", c.1.display());
                }
                *grow_with(grow(&mut vids, part), vid, NULL) = id;
            }
        }
        Ok(())
    })?;
    t.replay(&mut agg, "visitor_counts", |agg, from, c| {
        // Only roll-ups have this table.
        let From::Month(nodes) = from else {
            return Ok(());
        };
        let (dimension, key) = (c.str("dimension")?, c.str("key")?);
        let n = c.int::<UInt64Type>("visitors")?;
        for i in 0..c.rows() {
            let (key, n) = (key.value(i), n.value(i));
            let counted = &mut agg.counted;
            match dimension.value(i) {
                "day" => *counted.days.entry(date(key).unwrap_or(0)).or_default() += n,
                "hour" => counted.hours[key.parse::<usize>().unwrap_or(0).min(23)] += n,
                "node" => *grow(&mut counted.nodes, node_id(nodes, key.to_string())) += n,
                "client" => {
                    let id = agg.clients.intern(key.as_bytes()) as usize;
                    *grow(&mut agg.counted.clients, id) += n;
                }
                "url" => {
                    let id = agg.url_id(key);
                    *agg.counted.urls.entry(id).or_default() += n;
                }
                other => anyhow::bail!("{}: unknown dimension {other:?}", c.1.display()),
            }
        }
        Ok(())
    })?;
    t.replay(&mut agg, "location_visitors", |agg, _, c| {
        let (location, n) = (c.locations()?, c.int::<UInt64Type>("visitors")?);
        let p = projects.rows(agg, c.dict("project")?, Aggregate::project_id);
        for (i, p) in p.into_iter().enumerate() {
            let (l, n) = (location(i), n.value(i));
            match p {
                NULL => *agg.counted.locations.entry(l).or_default() += n,
                p => *agg.counted.location_projects.entry((l, p)).or_default() += n,
            }
        }
        Ok(())
    })?;
    t.replay(&mut agg, "clients", |agg, _, c| {
        let (client, counts) = (c.str("client")?, c.counts()?);
        for i in 0..c.rows() {
            agg.replay_client(client.value(i), counts(i));
        }
        Ok(())
    })?;
    t.replay(&mut agg, "content", |agg, _, c| {
        let (kind, counts) = (c.str("kind")?, c.counts()?);
        let p = projects.rows(agg, c.dict("project")?, Aggregate::project_id);
        for (i, p) in p.into_iter().enumerate() {
            agg.replay_content(p, kind.value(i), counts(i));
        }
        Ok(())
    })?;
    t.replay(&mut agg, "addresses", |agg, _, c| {
        let (location, counts) = (c.locations()?, c.counts()?);
        let not_found = c.int::<UInt64Type>("not_found")?;
        let ips = addresses.rows(agg, c.dict("ip")?, Aggregate::address_id);
        for (i, ip) in ips.into_iter().enumerate() {
            agg.replay_address(ip, location(i), counts(i), not_found.value(i));
        }
        Ok(())
    })?;
    t.replay(&mut agg, "transfers", |agg, _, c| {
        // Any such part: the rows had serve times, so speeds are reported (even none).
        agg.timed = true;
        let asn = c.int::<UInt32Type>("asn")?;
        let (version, rate) = (
            c.int::<UInt8Type>("ip_version")?,
            c.int::<UInt64Type>("rate")?,
        );
        for i in 0..c.rows() {
            agg.transfers.push(Transfer {
                asn: asn.value(i),
                ip_version: version.value(i),
                rate: rate.value(i),
            });
        }
        Ok(())
    })?;
    t.replay(&mut agg, "status", |agg, _, c| {
        let (status, counts) = (c.int::<UInt16Type>("status")?, c.counts()?);
        for i in 0..c.rows() {
            agg.status
                .entry(status.value(i))
                .or_default()
                .merge(counts(i));
        }
        Ok(())
    })?;
    t.replay(&mut agg, "hours", |agg, _, c| {
        let (hour, counts) = (c.int::<UInt8Type>("hour")?, c.counts()?);
        for i in 0..c.rows() {
            agg.hours[usize::from(hour.value(i).min(23))].merge(counts(i));
        }
        Ok(())
    })?;
    t.replay(&mut agg, "files", |agg, _, c| {
        let counts = c.counts()?;
        let u = urls.rows(agg, c.dict("url")?, Aggregate::url_id);
        for (i, u) in u.into_iter().enumerate() {
            agg.replay_file(u, counts(i));
        }
        Ok(())
    })?;
    let wanted = agg.top_file_candidates(top);
    t.replay(&mut agg, "file_visitors", |agg, from, c| {
        let From::Part {
            day, number: part, ..
        } = from
        else {
            return Ok(());
        };
        let visitor = Visitors::of(c, day, vids.get(part))?;
        // A URL missing from `files` (a damaged store) is not wanted.
        let u = urls.rows(agg, c.dict("url")?, |agg, url| {
            agg.urls.lookup(url.as_bytes()).unwrap_or(u32::MAX)
        });
        for (i, u) in u.into_iter().enumerate() {
            if wanted.get(u as usize).copied().unwrap_or(false)
                && let Some(v) = visitor.id(agg, i)
            {
                agg.replay_file_visitor(u, v);
            }
        }
        Ok(())
    })?;
    t.replay(&mut agg, "downloads", |agg, from, c| {
        let (largest, sent) = (
            c.int::<UInt64Type>("largest")?,
            c.int::<UInt64Type>("sent")?,
        );
        // A roll-up's rows are each one visitor's, whose key it dropped.
        let visitor = match from {
            From::Part {
                day, number: part, ..
            } => Some(Visitors::of(c, day, vids.get(part))?),
            From::Month(_) => None,
        };
        let at_largest = c.int::<UInt32Type>("at_largest")?;
        let u = urls.rows(agg, c.dict("url")?, Aggregate::url_id);
        let p = projects.rows(agg, c.dict("project")?, Aggregate::project_id);
        for (i, (u, p)) in u.into_iter().zip(p).enumerate() {
            agg.replay_url_project(u, p);
            let d = Download {
                largest: largest.value(i),
                at_largest: at_largest.value(i),
                sent: sent.value(i),
            };
            match &visitor {
                Some(v) => {
                    if let Some(v) = v.id(agg, i) {
                        agg.replay_download(u, v, d);
                    }
                }
                None => agg.counted.downloads.push((u, d)),
            }
        }
        Ok(())
    })?;
    t.replay(&mut agg, "panels", |agg, _, c| {
        let keys = c.panel_keys()?;
        let counts = c.counts()?;
        // Roll-ups count each key's visitors; daily parts list them in `panel_visitors`.
        let visitors = c.int::<UInt64Type>("visitors").ok();
        for i in 0..c.rows() {
            agg.replay_panel(&keys(i), counts(i), visitors.map(|v| v.value(i)));
        }
        Ok(())
    })?;
    let wanted: Vec<Vec<bool>> = (agg.panels.tables().iter())
        .map(|t| t.top_candidates(top))
        .collect();
    t.replay(&mut agg, "panel_visitors", |agg, from, c| {
        let From::Part {
            day, number: part, ..
        } = from
        else {
            return Ok(());
        };
        let (keys, visitor) = (c.panel_keys()?, Visitors::of(c, day, vids.get(part))?);
        // A key's visitors are consecutive rows: its key is looked up once.
        let mut last: Option<(StoredKey, Option<(usize, u32)>)> = None;
        for i in 0..c.rows() {
            let k = keys(i);
            let target = match &last {
                Some((seen, target)) if *seen == k => *target,
                _ => {
                    let target = agg.wanted_panel_key(&k, &wanted);
                    last = Some((k, target));
                    target
                }
            };
            if let Some(target) = target
                && let Some(v) = visitor.id(agg, i)
            {
                agg.replay_panel_visitor(target, v);
            }
        }
        Ok(())
    })?;
    t.replay(&mut agg, "requested_files", |agg, _, c| {
        let (method, protocol) = (c.str("method")?, c.str("protocol")?);
        let u = urls.rows(agg, c.dict("url")?, Aggregate::url_id);
        for (i, u) in u.into_iter().enumerate() {
            agg.replay_requested_file(u, opt(&method, i), opt(&protocol, i));
        }
        Ok(())
    })?;

    let mut dbs: Vec<DbInfo> = Vec::new();
    let mut formats: Vec<&str> = Vec::new();
    let mut read_requests = 0;
    let mut logs = Logs::default();
    for run in log
        .iter()
        .filter(|r| q.node.as_ref().is_none_or(|n| *n == r.node))
    {
        // Failed lines of days outside the window are left out, as a report of logs
        // leaves them out; their requests outside it likewise (below).
        let mut failed = run.failed.clone();
        let mut outside = 0;
        for (_, reasons) in
            (run.failed_days.iter()).filter(|(d, _)| **d < window.0 || **d > window.1)
        {
            for (reason, n) in reasons {
                if let Some(count) = failed.get_mut(reason) {
                    *count = count.saturating_sub(*n);
                }
                outside += n;
            }
        }
        let failures: Vec<(Failure, u64)> = Failure::ALL
            .iter()
            .filter_map(|f| failed.get(f.name()).map(|&n| (*f, n)))
            .filter(|&(_, n)| n > 0)
            .collect();
        let lines = LineCounts {
            valid: 0,
            failed: run.lines.failed.saturating_sub(outside),
            excluded: run.lines.excluded + outside,
            ..run.lines
        };
        agg.replay_lines(lines, &failures);
        read_requests += run.lines.valid;
        formats.extend(run.log_formats.iter().map(String::as_str));
        logs = logs.union(run.logs);
        for d in &run.geoip {
            let info = DbInfo {
                source: d.source.clone(),
                kind: kind_name(d.kind.contains("country"), d.kind.contains("asn")),
                database_type: d.database_type.clone(),
                build_date: d.build_date.clone(),
            };
            if !dbs.contains(&info) {
                dbs.push(info);
            }
        }
    }
    let outside = LineCounts {
        excluded: read_requests.saturating_sub(valid),
        ..LineCounts::default()
    };
    agg.replay_lines(outside, &[]);
    Ok(Replayed {
        agg,
        geo: dbs,
        nodes: t.nodes,
        warning: None,
        log_format: crate::parse::sniff::run_name(formats),
        logs,
        log_size: 0,
        covers: None,
        gaps: Vec::new(),
    })
}
