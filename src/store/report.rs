//! Reports from a store: `fsmg-stats report --store DIR [--since] [--until] [--node NAME]`
//! (or `--store` on the default command). Only the daily tables of the chosen days and
//! nodes are read, from committed parts only, and replayed into an aggregate
//! ([`crate::aggregate::replay`]); the report is then built exactly as from logs.
//!
//! Failed, blank and comment lines are not rows: they come from the runs' records, per node
//! but not per day, so `--since`/`--until` do not narrow them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use arrow_array::types::{UInt8Type, UInt16Type, UInt32Type, UInt64Type};
use arrow_array::{Array, ArrayAccessor};

use super::ingest;
use super::read::{Columns, DictIds, Strings, batches};
use crate::aggregate::{Aggregate, Counts, Download, LineCounts, Transfer, node_id};
use crate::enrich::geo::{DbInfo, Location, kind_name};
use crate::parse::Failure;
use crate::parse::time::{Day, day_key};

/// Which part of a store a report covers.
#[derive(Debug, Clone)]
pub struct Query {
    pub store: PathBuf,
    pub node: Option<String>,
}

fn day_of(dir: &str) -> Option<Day> {
    let date: jiff::civil::Date = dir.strip_prefix("date=")?.parse().ok()?;
    Some(day_key(date))
}

/// The committed parts of a daily table inside the window and node: day, node, path.
fn parts(
    q: &Query,
    committed: &BTreeSet<String>,
    table: &str,
    window: (Day, Day),
) -> Vec<(Day, String, PathBuf)> {
    let node = q.node.as_ref().map(|n| format!("node={n}/"));
    let prefix = format!("daily/{table}/");
    committed
        .iter()
        .filter_map(|rel| {
            let rest = rel.strip_prefix(&prefix)?;
            let (date_dir, rest) = rest.split_once('/')?;
            let day = day_of(date_dir)?;
            let in_node = node.as_ref().is_none_or(|n| rest.starts_with(n.as_str()));
            let name = rest.strip_prefix("node=")?.split('/').next()?.to_string();
            (day >= window.0 && day <= window.1 && in_node).then(|| (day, name, q.store.join(rel)))
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

fn opt<'a>(a: &Strings<'a>, i: usize) -> Option<&'a str> {
    a.is_valid(i).then(|| a.value(i))
}

/// The daily tables of a query's window and node, replayed one table at a time.
struct Tables<'a> {
    q: &'a Query,
    committed: &'a BTreeSet<String>,
    window: (Day, Day),
    /// Node names as the parts name them; a part's node id is its index.
    nodes: Vec<String>,
}

impl Tables<'_> {
    /// Replays one daily table's parts with `each`, given each part's day and node id.
    fn replay(
        &mut self,
        agg: &mut Aggregate,
        table: &str,
        mut each: impl FnMut(&mut Aggregate, (Day, u32), &Columns<'_>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let (q, committed, window, nodes) = (self.q, self.committed, self.window, &mut self.nodes);
        // Parts are decoded on a second thread while this one replays the previous ones.
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel(2);
            scope.spawn(move || {
                for (day, node, path) in parts(q, committed, table, window) {
                    let decoded = batches(&path);
                    if tx.send((day, node, path, decoded)).is_err() {
                        break;
                    }
                }
            });
            for (day, node, path, decoded) in rx {
                let id = node_id(nodes, node);
                for batch in decoded? {
                    each(agg, (day, id as u32), &Columns(&batch, &path))?;
                }
            }
            Ok(())
        })
    }
}

/// The aggregate of a store's window and node, and the geo databases its runs used. Only
/// the visitors of the `top` files are replayed (the only ones a report shows).
pub fn aggregate(
    q: &Query,
    window: (Day, Day),
    top: usize,
) -> anyhow::Result<(Aggregate, Vec<DbInfo>, Vec<String>)> {
    let (log, committed) = ingest::committed(&q.store)?;
    let mut agg = Aggregate::default();
    agg.replayed = true;
    let mut t = Tables {
        q,
        committed: &committed,
        window,
        nodes: Vec::new(),
    };
    let (mut projects, mut urls) = (DictIds::default(), DictIds::default());
    let (mut clients, mut addresses) = (DictIds::default(), DictIds::default());
    let mut valid = 0;
    t.replay(&mut agg, "traffic", |agg, (day, node), c| {
        let (location, counts) = (c.locations()?, c.counts()?);
        let org = c.str("as_org")?;
        let p = projects.rows(agg, c.dict("project")?, Aggregate::project_id);
        for (i, p) in p.into_iter().enumerate() {
            valid += counts(i).requests;
            agg.replay_traffic((day, node), p, location(i), opt(&org, i), counts(i));
        }
        Ok(())
    })?;
    agg.replay_valid(valid);
    t.replay(&mut agg, "visitors", |agg, (day, node), c| {
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
            agg.replay_visitor((day, node), v, p, location(i), hours.value(i), agent);
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
    t.replay(&mut agg, "file_visitors", |agg, (day, _), c| {
        let visitor = c.int::<UInt64Type>("visitor")?;
        // A URL missing from `files` (a damaged store) is not wanted.
        let u = urls.rows(agg, c.dict("url")?, |agg, url| {
            agg.urls.lookup(url.as_bytes()).unwrap_or(u32::MAX)
        });
        for (i, u) in u.into_iter().enumerate() {
            if wanted.get(u as usize).copied().unwrap_or(false) {
                agg.replay_file_visitor(day, u, visitor.value(i));
            }
        }
        Ok(())
    })?;
    t.replay(&mut agg, "downloads", |agg, (day, _), c| {
        let (visitor, largest, sent) = (
            c.int::<UInt64Type>("visitor")?,
            c.int::<UInt64Type>("largest")?,
            c.int::<UInt64Type>("sent")?,
        );
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
            agg.replay_download(day, u, visitor.value(i), d);
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
    for run in log
        .iter()
        .filter(|r| q.node.as_ref().is_none_or(|n| *n == r.node))
    {
        let failures: Vec<(Failure, u64)> = Failure::ALL
            .iter()
            .filter_map(|f| run.failed.get(f.name()).map(|&n| (*f, n)))
            .collect();
        let lines = LineCounts {
            valid: 0,
            ..run.lines
        };
        agg.replay_lines(lines, &failures);
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
    Ok((agg, dbs, t.nodes))
}
