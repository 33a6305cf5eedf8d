//! Month roll-ups: what a report needs from a whole month of a store, so that a year is read
//! as twelve small sets of tables instead of every daily row (a month of visitor keys
//! becomes a few thousand counts).
//!
//! `ingest` writes them for each month it has data of, the newest too (rebuilt by every
//! ingest that adds to it, so that this month's and this year's reports read roll-ups
//! only): all nodes' into `DIR/rollup/month=YYYY-MM/FINGERPRINT/` and,
//! when the month has several nodes, each node's into `month=YYYY-MM/node=NAME/FINGERPRINT/`
//! (for `--node` and `--by-node`), built by replaying the month's daily tables exactly as a
//! report does. The fingerprint is a hash of the daily parts a roll-up was built from: a
//! report uses one only if those are exactly the parts committed now, so a late log that
//! adds a part to an old month, or a kill during a build, falls back to the daily tables
//! until the next ingest rebuilds it.
//!
//! Unique visitors are per day, so every visitor count of a month is a sum over its days and
//! adds exactly to the counts of other months ([`crate::aggregate::Counted`]). Tables:
//!
//! - `traffic`: the month's `traffic` rows summed over its days and nodes
//! - `days`: date, node → requests, bytes
//! - `visitor_counts`: dimension (`day`, `hour`, `node`, `client`, `url`), key → visitors
//! - `location_visitors`: country, continent, asn, ip_version, project (null: any) →
//!   visitors
//! - `files`, `requested_files`, `status`, `hours`, `clients`, `content`, `addresses`,
//!   `transfers`: as the daily tables, merged over the month
//! - `downloads`: url, project → largest, at_largest, sent, one row per visitor-day and
//!   image (the visitor itself is dropped: it only joins one day's rows)

use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use anyhow::Context;
use arrow_schema::DataType;
use siphasher::sip::SipHasher13;

use super::daily::{
    U32, U64, UTF8, batch, optional, shared, strings, u8s, u32s, u64s, write_table,
};
use super::report::{self, Query};
use crate::aggregate::{Aggregate, Counts, Map};
use crate::enrich::geo::Location;
use crate::parse::time::{Day, day_to_string, month_key};

/// Changes whenever the tables change, so that older roll-ups are rebuilt.
const VERSION: &str = "rollup-3";

/// The versions before: `store check` names their roll-ups as older, not as stale.
const OLDER: [&str; 1] = ["rollup-2"];

/// A month: `YYYYMM`, the [`Day`] key divided by 100.
pub type Month = u32;

/// One committed daily part: its path, day and node.
type Part<'a> = (&'a str, Day, &'a str);

/// The committed daily parts of each month.
fn months(committed: &BTreeSet<String>) -> BTreeMap<Month, Vec<Part<'_>>> {
    let mut m: BTreeMap<Month, Vec<Part<'_>>> = BTreeMap::new();
    for rel in committed {
        if let Some((day, node)) = report::daily_part(rel) {
            m.entry(day / 100).or_default().push((rel, day, node));
        }
    }
    m
}

/// `YYYY-MM`.
pub fn month_name(month: Month) -> String {
    format!("{:04}-{:02}", month / 100, month % 100)
}

fn month_dir(store: &Path, month: Month) -> PathBuf {
    store
        .join("rollup")
        .join(format!("month={}", month_name(month)))
}

/// Hex of a hash of the parts (sorted, as a `BTreeSet` holds them) and the table version.
fn fingerprint(version: &str, parts: &[&str]) -> String {
    let mut h = SipHasher13::new();
    h.write(version.as_bytes());
    for p in parts {
        h.write(p.as_bytes());
        h.write_u8(b'\n');
    }
    format!("{:016x}", h.finish())
}

/// Where the roll-up of a month's parts of `node` (`None`: all nodes) lives, and the parts
/// its fingerprint is of: all nodes' in `month=YYYY-MM/FP`, one node's in
/// `month=YYYY-MM/node=N/FP` (or the all-nodes one, when the month has no other node's
/// parts); none if the node has no parts that month.
fn location<'a>(
    store: &Path,
    month: Month,
    parts: &[Part<'a>],
    node: Option<&str>,
) -> Option<(PathBuf, Vec<&'a str>)> {
    let mine: Vec<&str> = (parts.iter())
        .filter(|p| node.is_none_or(|n| p.2 == n))
        .map(|p| p.0)
        .collect();
    if mine.is_empty() {
        return None;
    }
    let mut dir = month_dir(store, month);
    if mine.len() < parts.len() {
        dir = dir.join(format!("node={}", node?));
    }
    Some((dir, mine))
}

/// The roll-ups a report of `window` (and `node`, if any) can use instead of daily tables:
/// months with every committed part (of that node) inside the window, whose roll-up was
/// built from exactly those parts.
pub fn usable(
    store: &Path,
    committed: &BTreeSet<String>,
    window: (Day, Day),
    node: Option<&str>,
) -> BTreeMap<Month, PathBuf> {
    months(committed)
        .into_iter()
        .filter_map(|(month, parts)| {
            let mut mine = parts.iter().filter(|p| node.is_none_or(|n| p.2 == n));
            if !mine.all(|p| p.1 >= window.0 && p.1 <= window.1) {
                return None;
            }
            let (dir, mine) = location(store, month, &parts, node)?;
            let dir = dir.join(fingerprint(VERSION, &mine));
            dir.is_dir().then_some((month, dir))
        })
        .collect()
}

/// One roll-up a store's committed parts call for: a month, the node (`None`: all nodes),
/// the directory it goes in and its fingerprint there (and those that older releases gave
/// it).
pub(super) struct Wanted<'a> {
    pub month: Month,
    pub node: Option<&'a str>,
    pub dir: PathBuf,
    pub fingerprint: String,
    pub older: Vec<String>,
}

/// Every roll-up of the `committed` parts: all nodes', and each node's when a month has
/// several.
pub(super) fn wanted<'a>(store: &Path, committed: &'a BTreeSet<String>) -> Vec<Wanted<'a>> {
    let mut out = Vec::new();
    for (month, parts) in months(committed) {
        let nodes: BTreeSet<&str> = parts.iter().map(|p| p.2).collect();
        let mut each = vec![None];
        if nodes.len() > 1 {
            each.extend(nodes.iter().map(|n| Some(*n)));
        }
        for node in each {
            if let Some((dir, mine)) = location(store, month, &parts, node) {
                out.push(Wanted {
                    month,
                    node,
                    dir,
                    fingerprint: fingerprint(VERSION, &mine),
                    older: OLDER.iter().map(|v| fingerprint(v, &mine)).collect(),
                });
            }
        }
    }
    out
}

/// After an ingest's commit: builds every missing or out-of-date roll-up (all nodes', and
/// each node's when a month has several), and deletes older ones and leftovers of killed
/// builds. Returns the months built.
pub fn refresh(store: &Path, committed: &BTreeSet<String>) -> anyhow::Result<Vec<Month>> {
    let mut built = Vec::new();
    // Month → directory → the roll-up to keep in it.
    let mut keep: BTreeMap<Month, BTreeMap<PathBuf, String>> = BTreeMap::new();
    for w in wanted(store, committed) {
        if !w.dir.join(&w.fingerprint).is_dir() {
            build(store, committed, w.month, (&w.dir, &w.fingerprint), w.node)
                .with_context(|| format!("rolling up {}", w.dir.display()))?;
            if built.last() != Some(&w.month) {
                built.push(w.month);
            }
        }
        keep.entry(w.month)
            .or_default()
            .insert(w.dir, w.fingerprint);
    }
    // Months with no roll-up to keep (their parts are gone) lose theirs.
    let all: BTreeSet<Month> = months(committed)
        .into_keys()
        .chain(rolled_months(store))
        .collect();
    for month in all {
        prune(
            &month_dir(store, month),
            keep.get(&month).unwrap_or(&BTreeMap::new()),
        )?;
    }
    Ok(built)
}

/// The months that have a directory under `DIR/rollup`.
fn rolled_months(store: &Path) -> Vec<Month> {
    let Ok(entries) = std::fs::read_dir(store.join("rollup")) else {
        return Vec::new();
    };
    (entries.flatten())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            month_key(name.strip_prefix("month=")?)
        })
        .collect()
}

/// Deletes everything under `dir` but the roll-ups `keep` names (and the node directories
/// holding them).
fn prune(dir: &Path, keep: &BTreeMap<PathBuf, String>) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let path = e.path();
        if keep.contains_key(&path) {
            prune(&path, keep)?;
        } else if keep.get(dir).is_none_or(|fp| e.file_name() != fp.as_str()) {
            std::fs::remove_dir_all(&path).with_context(|| path.display().to_string())?;
        }
    }
    Ok(())
}

/// Builds a month's roll-up in a temporary directory and renames it into place.
fn build(
    store: &Path,
    committed: &BTreeSet<String>,
    month: Month,
    (dir, fp): (&Path, &str),
    node: Option<&str>,
) -> anyhow::Result<()> {
    let q = Query {
        store: store.to_path_buf(),
        node: node.map(str::to_string),
    };
    let window = (month * 100 + 1, month * 100 + 31);
    let month = report::aggregate_days(&q, committed, window, usize::MAX)?;
    let tmp = dir.join(format!(".tmp-{fp}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).with_context(|| tmp.display().to_string())?;
    }
    let (places, days) = traffic_sums(report::traffic_rows(&q, committed, window)?);
    write_table(&tmp.join("traffic.parquet"), &traffic_batch(&places))?;
    write_table(&tmp.join("days.parquet"), &days_batch(&days))?;
    for (name, batch) in tables(&month.agg, &month.nodes) {
        write_table(&tmp.join(format!("{name}.parquet")), &batch)?;
    }
    let target = dir.join(fp);
    std::fs::rename(&tmp, &target).with_context(|| target.display().to_string())
}

/// One `traffic` row of a day and node.
pub struct TrafficRow {
    pub day: Day,
    pub node: String,
    pub project: String,
    pub location: Location,
    pub as_org: Option<String>,
    pub requests: u64,
    pub bytes: u64,
}

fn code(c: &[u8; 2]) -> &str {
    std::str::from_utf8(c).unwrap_or("--")
}

/// Counts summed per key, in the order the keys first came (`.0`).
struct Sums<K>(Vec<(K, Counts)>, Map<K, usize>);

impl<K> Default for Sums<K> {
    fn default() -> Self {
        Sums(Vec::new(), Map::default())
    }
}

impl<K: std::hash::Hash + Eq + Clone> Sums<K> {
    fn add(&mut self, key: K, n: Counts) {
        let next = self.0.len();
        let i = *self.1.entry(key.clone()).or_insert(next);
        if i == next {
            self.0.push((key, Counts::default()));
        }
        self.0[i].1.merge(n);
    }
}

/// A project and place of `traffic` rows: project, location, AS organisation.
type Place = (String, Location, Option<String>);

/// A month's `traffic` rows summed over its days and nodes (places), and per day and node
/// (days), each in the order the rows first show them (so that an ASN's organisation is
/// the first its rows name, as a report of the daily tables takes it).
fn traffic_sums(rows: Vec<TrafficRow>) -> (Sums<Place>, Sums<(Day, String)>) {
    let (mut places, mut days) = (Sums::default(), Sums::default());
    for r in rows {
        let n = Counts {
            requests: r.requests,
            bytes: r.bytes,
        };
        days.add((r.day, r.node), n);
        places.add((r.project, r.location, r.as_org), n);
    }
    (places, days)
}

/// `traffic`: the month's requests and bytes per project and place.
fn traffic_batch(places: &Sums<Place>) -> arrow_array::RecordBatch {
    let t: Vec<shared::Traffic> = (places.0.iter())
        .map(|((project, l, org), n)| {
            let (country, continent) = (code(&l.country), code(&l.continent));
            let counts = (n.requests, n.bytes);
            (
                project.as_str(),
                country,
                continent,
                l.asn,
                org.as_deref(),
                l.ip_version,
                counts,
            )
        })
        .collect();
    shared::traffic(&t)
}

/// `days`: the month's requests and bytes per day and node.
fn days_batch(days: &Sums<(Day, String)>) -> arrow_array::RecordBatch {
    let rows = &days.0;
    let dates: Vec<String> = rows.iter().map(|((d, _), _)| day_to_string(*d)).collect();
    batch(
        &[
            ("date", UTF8, false),
            ("node", UTF8, false),
            ("requests", U64, false),
            ("bytes", U64, false),
        ],
        vec![
            strings(dates.iter().map(String::as_str)),
            strings(rows.iter().map(|((_, node), _)| node.as_str())),
            u64s(rows.iter().map(|(_, n)| n.requests)),
            u64s(rows.iter().map(|(_, n)| n.bytes)),
        ],
    )
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// The month's tables but `traffic`, from its aggregate (`nodes`: names by node id).
fn tables(agg: &Aggregate, nodes: &[String]) -> Vec<(&'static str, arrow_array::RecordBatch)> {
    // Visitors per dimension.
    let mut vc: Vec<(&str, String, u64)> = Vec::new();
    for (&day, &n) in &agg.day_visitors() {
        vc.push(("day", day_to_string(day), n));
    }
    for (h, &n) in agg.hour_visitors().iter().enumerate() {
        vc.push(("hour", h.to_string(), n));
    }
    for (name, &n) in nodes.iter().zip(&agg.node_visitors()) {
        vc.push(("node", name.clone(), n));
    }
    for (id, &n) in agg.client_visitors().iter().enumerate() {
        vc.push(("client", text(agg.clients.get(id as u32)).to_string(), n));
    }
    let urls: Vec<u32> = (0..agg.urls.len() as u32).collect();
    for (&id, n) in urls.iter().zip(agg.url_visitors_of(&urls)) {
        vc.push(("url", text(agg.urls.get(id)).to_string(), n));
    }
    vc.retain(|v| v.2 > 0);
    let visitor_counts = batch(
        &[
            ("dimension", UTF8, false),
            ("key", UTF8, false),
            ("visitors", U64, false),
        ],
        vec![
            strings(vc.iter().map(|v| v.0)),
            strings(vc.iter().map(|v| v.1.as_str())),
            u64s(vc.iter().map(|v| v.2)),
        ],
    );

    let tally = agg.location_visitors();
    let mut lv: Vec<(Location, Option<&str>, u64)> = (tally.locations.into_iter())
        .map(|(l, n)| (l, None, n))
        .collect();
    for ((l, p), n) in tally.projects {
        lv.push((l, Some(text(agg.projects.get(p))), n));
    }
    let location_visitors = batch(
        &[
            ("country", UTF8, false),
            ("continent", UTF8, false),
            ("asn", U32, false),
            ("ip_version", DataType::UInt8, false),
            ("project", UTF8, true),
            ("visitors", U64, false),
        ],
        vec![
            strings(lv.iter().map(|v| code(&v.0.country))),
            strings(lv.iter().map(|v| code(&v.0.continent))),
            u32s(lv.iter().map(|v| v.0.asn)),
            u8s(lv.iter().map(|v| v.0.ip_version)),
            optional(lv.iter().map(|v| v.1)),
            u64s(lv.iter().map(|v| v.2)),
        ],
    );

    let url = |id: u32| text(agg.urls.get(id));
    let pair = |c: &Counts| (c.requests, c.bytes);
    let f: Vec<_> = (urls.iter().zip(&agg.url_stats))
        .map(|(&u, st)| (url(u), pair(&st.counts)))
        .collect();
    let files = shared::named("url", &f);
    let rq: Vec<_> = agg.requested_kinds().collect();
    let rq: Vec<_> = rq.iter().map(|r| (url(r.0), r.1.as_deref(), r.2)).collect();
    let requested_files = shared::requested(&rq);
    let st: Vec<_> = agg.status.iter().map(|(k, c)| (*k, pair(c))).collect();
    let status = shared::status(&st);
    let h: Vec<_> = (0..24u8).zip(agg.hours.iter().map(pair)).collect();
    let hours = shared::hours(&h);
    let cl: Vec<_> = (agg.client_counts.iter().enumerate())
        .map(|(i, c)| (text(agg.clients.get(i as u32)), pair(c)))
        .collect();
    let clients = shared::named("client", &cl);
    let ct: Vec<_> = (agg.content.iter())
        .map(|(k, c)| (text(agg.projects.get(k.0)), k.1, pair(c)))
        .collect();
    let content = shared::content(&ct);
    let ad: Vec<shared::Address> = (agg.address_stats.iter().enumerate())
        .map(|(i, a)| {
            let l = &a.location;
            let ip = text(agg.addresses.get(i as u32));
            let (country, continent) = (code(&l.country), code(&l.continent));
            (
                ip,
                country,
                continent,
                l.asn,
                l.ip_version,
                pair(&a.counts),
                a.not_found,
            )
        })
        .collect();
    let addresses = shared::addresses(&ad);
    let dl: Vec<_> = agg.download_states().collect();
    let projects: Vec<String> = dl.iter().map(|d| agg.url_project(d.0)).collect();
    let dl: Vec<_> = (dl.iter().zip(&projects))
        .map(|(d, p)| (url(d.0), p.as_str(), *d.1))
        .collect();
    let downloads = shared::downloads(&dl, None);
    let keys = agg.panels.stored(|id| agg.urls.get(id));
    let p: Vec<_> = (keys.into_iter())
        .map(|(k, t, id)| (k, pair(&t.counts[id as usize]), Some(t.visitors_of(id))))
        .collect();
    let panels = shared::panels(&p);
    let mut t = vec![
        ("visitor_counts", visitor_counts),
        ("location_visitors", location_visitors),
        ("files", files),
        ("requested_files", requested_files),
        ("status", status),
        ("hours", hours),
        ("clients", clients),
        ("content", content),
        ("addresses", addresses),
        ("downloads", downloads),
        ("panels", panels),
    ];
    if agg.timed {
        t.push(("transfers", shared::transfers(&agg.transfers)));
    }
    t
}
