//! Month roll-ups: what a report needs from a whole month of a store, all nodes, so that a
//! year is read as twelve small sets of tables instead of every daily row (a month of
//! visitor keys becomes a few thousand counts).
//!
//! `ingest` writes one for each month before the newest month it has data of (that one
//! still grows every night) into `DIR/rollup/month=YYYY-MM/FINGERPRINT/`, built by replaying
//! the month's daily tables exactly as a report does. The fingerprint is a hash of the
//! month's committed daily parts: a report uses a roll-up only if it was built from exactly
//! the parts committed now, so a late log that adds a part to an old month, or a kill
//! during a build, falls back to the daily tables until the next ingest rebuilds it.
//!
//! Unique visitors are per day, so every visitor count of a month is a sum over its days and
//! adds exactly to the counts of other months ([`crate::aggregate::Counted`]). Tables:
//!
//! - `traffic`: the month's `traffic` rows with their `date` and `node` as columns
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
use std::sync::Arc;

use anyhow::Context;
use arrow_array::{ArrayRef, StringArray, UInt8Array, UInt16Array};
use arrow_schema::DataType;
use siphasher::sip::SipHasher13;

use super::daily::{U32, U64, UTF8, batch, strings, u32s, u64s, write_table};
use super::report::{self, Query};
use crate::aggregate::Aggregate;
use crate::enrich::geo::Location;
use crate::parse::time::{Day, day_to_string};

/// Changes whenever the tables change, so that older roll-ups are rebuilt.
const VERSION: &str = "rollup-1";

/// A month: `YYYYMM`, the [`Day`] key divided by 100.
pub type Month = u32;

/// The committed daily parts of each month, with the nodes they belong to.
fn months(committed: &BTreeSet<String>) -> BTreeMap<Month, (Vec<&str>, BTreeSet<&str>)> {
    let mut m: BTreeMap<Month, (Vec<&str>, BTreeSet<&str>)> = BTreeMap::new();
    for rel in committed {
        let Some((day, node)) = report::daily_part(rel) else {
            continue;
        };
        let e = m.entry(day / 100).or_default();
        e.0.push(rel);
        e.1.insert(node);
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
fn fingerprint(parts: &[&str]) -> String {
    let mut h = SipHasher13::new();
    h.write(VERSION.as_bytes());
    for p in parts {
        h.write(p.as_bytes());
        h.write_u8(b'\n');
    }
    format!("{:016x}", h.finish())
}

/// The roll-ups a report of `window` (and `node`, if any) can use instead of daily tables:
/// months with every committed part inside the window (and of that node), whose roll-up
/// was built from exactly those parts.
pub fn usable(
    store: &Path,
    committed: &BTreeSet<String>,
    window: (Day, Day),
    node: Option<&str>,
) -> BTreeMap<Month, PathBuf> {
    months(committed)
        .into_iter()
        .filter(|(_, (parts, nodes))| {
            let inside = parts.iter().all(|p| {
                report::daily_part(p).is_some_and(|(d, _)| d >= window.0 && d <= window.1)
            });
            inside && node.is_none_or(|n| nodes.iter().all(|x| *x == n))
        })
        .filter_map(|(month, (parts, _))| {
            let dir = month_dir(store, month).join(fingerprint(&parts));
            dir.is_dir().then_some((month, dir))
        })
        .collect()
}

/// After an ingest's commit: builds the roll-up of every month but the newest whose
/// roll-up is missing or out of date, and deletes out-of-date ones and leftovers of
/// killed builds. Returns the months built.
pub fn refresh(store: &Path, committed: &BTreeSet<String>) -> anyhow::Result<Vec<Month>> {
    let months = months(committed);
    let newest = months.keys().next_back().copied();
    let mut built = Vec::new();
    for (&month, (parts, _)) in &months {
        let dir = month_dir(store, month);
        let fp = fingerprint(parts);
        if Some(month) != newest && !dir.join(&fp).is_dir() {
            build(store, month, &dir, &fp)
                .with_context(|| format!("rolling up {}", dir.display()))?;
            built.push(month);
        }
        // Only the current roll-up stays (the newest month has none).
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_name() != fp.as_str() {
                std::fs::remove_dir_all(e.path())
                    .with_context(|| e.path().display().to_string())?;
            }
        }
    }
    Ok(built)
}

/// Builds a month's roll-up in a temporary directory and renames it into place.
fn build(store: &Path, month: Month, dir: &Path, fp: &str) -> anyhow::Result<()> {
    let q = Query {
        store: store.to_path_buf(),
        node: None,
    };
    let window = (month * 100 + 1, month * 100 + 31);
    let month = report::aggregate_days(&q, window, usize::MAX)?;
    let tmp = dir.join(format!(".tmp-{fp}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).with_context(|| tmp.display().to_string())?;
    }
    let traffic = report::traffic_rows(&q, window)?;
    write_table(&tmp.join("traffic.parquet"), &traffic_batch(&traffic))?;
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

fn u8s(values: impl Iterator<Item = u8>) -> ArrayRef {
    Arc::new(UInt8Array::from_iter_values(values))
}

fn traffic_batch(rows: &[TrafficRow]) -> arrow_array::RecordBatch {
    batch(
        &[
            ("date", UTF8, false),
            ("node", UTF8, false),
            ("project", UTF8, false),
            ("country", UTF8, false),
            ("continent", UTF8, false),
            ("asn", U32, false),
            ("as_org", UTF8, true),
            ("ip_version", DataType::UInt8, false),
            ("requests", U64, false),
            ("bytes", U64, false),
        ],
        vec![
            strings(
                rows.iter()
                    .map(|r| day_to_string(r.day))
                    .collect::<Vec<_>>()
                    .iter()
                    .map(String::as_str),
            ),
            strings(rows.iter().map(|r| r.node.as_str())),
            strings(rows.iter().map(|r| r.project.as_str())),
            strings(rows.iter().map(|r| code(&r.location.country))),
            strings(rows.iter().map(|r| code(&r.location.continent))),
            u32s(rows.iter().map(|r| r.location.asn)),
            Arc::new(StringArray::from_iter(
                rows.iter().map(|r| r.as_org.as_deref()),
            )),
            u8s(rows.iter().map(|r| r.location.ip_version)),
            u64s(rows.iter().map(|r| r.requests)),
            u64s(rows.iter().map(|r| r.bytes)),
        ],
    )
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// The month's tables but `traffic`, from its aggregate (`nodes`: names by node id).
fn tables(agg: &Aggregate, nodes: &[String]) -> Vec<(&'static str, arrow_array::RecordBatch)> {
    let counts = [("requests", U64, false), ("bytes", U64, false)];
    let with_counts = |key: &[(&'static str, DataType, bool)]| [key, &counts[..]].concat();

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

    let mut lv: Vec<(Location, Option<&str>, u64)> = (agg.visitors_by(|l| *l).into_iter())
        .map(|(l, n)| (l, None, n))
        .collect();
    for ((l, p), n) in agg.visitors_by_project(|l| *l) {
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
            Arc::new(StringArray::from_iter(lv.iter().map(|v| v.1))),
            u64s(lv.iter().map(|v| v.2)),
        ],
    );

    let url = |id: u32| text(agg.urls.get(id));
    let files = batch(
        &with_counts(&[("url", UTF8, false)]),
        vec![
            strings(urls.iter().map(|&u| url(u))),
            u64s(agg.url_stats.iter().map(|s| s.counts.requests)),
            u64s(agg.url_stats.iter().map(|s| s.counts.bytes)),
        ],
    );
    let rq: Vec<_> = agg.requested_kinds().collect();
    let requested_files = batch(
        &[
            ("url", UTF8, false),
            ("method", UTF8, true),
            ("protocol", UTF8, true),
        ],
        vec![
            strings(rq.iter().map(|r| url(r.0))),
            Arc::new(StringArray::from_iter(rq.iter().map(|r| r.1.as_deref()))),
            Arc::new(StringArray::from_iter(rq.iter().map(|r| r.2))),
        ],
    );
    let st: Vec<_> = agg.status.iter().collect();
    let status = batch(
        &with_counts(&[("status", DataType::UInt16, false)]),
        vec![
            Arc::new(UInt16Array::from_iter_values(st.iter().map(|s| *s.0))),
            u64s(st.iter().map(|s| s.1.requests)),
            u64s(st.iter().map(|s| s.1.bytes)),
        ],
    );
    let hours = batch(
        &with_counts(&[("hour", DataType::UInt8, false)]),
        vec![
            u8s(0..24),
            u64s(agg.hours.iter().map(|c| c.requests)),
            u64s(agg.hours.iter().map(|c| c.bytes)),
        ],
    );
    let cl = &agg.client_counts;
    let clients = batch(
        &with_counts(&[("client", UTF8, false)]),
        vec![
            strings((0..cl.len() as u32).map(|i| text(agg.clients.get(i)))),
            u64s(cl.iter().map(|c| c.requests)),
            u64s(cl.iter().map(|c| c.bytes)),
        ],
    );
    let ct: Vec<_> = agg.content.iter().collect();
    let content = batch(
        &with_counts(&[("project", UTF8, false), ("kind", UTF8, false)]),
        vec![
            strings(ct.iter().map(|c| text(agg.projects.get(c.0.0)))),
            strings(ct.iter().map(|c| c.0.1.name())),
            u64s(ct.iter().map(|c| c.1.requests)),
            u64s(ct.iter().map(|c| c.1.bytes)),
        ],
    );
    let ad = &agg.address_stats;
    let addresses = batch(
        &[
            ("ip", UTF8, false),
            ("country", UTF8, false),
            ("continent", UTF8, false),
            ("asn", U32, false),
            ("ip_version", DataType::UInt8, false),
            ("requests", U64, false),
            ("bytes", U64, false),
            ("not_found", U64, false),
        ],
        vec![
            strings((0..ad.len() as u32).map(|i| text(agg.addresses.get(i)))),
            strings(ad.iter().map(|a| code(&a.location.country))),
            strings(ad.iter().map(|a| code(&a.location.continent))),
            u32s(ad.iter().map(|a| a.location.asn)),
            u8s(ad.iter().map(|a| a.location.ip_version)),
            u64s(ad.iter().map(|a| a.counts.requests)),
            u64s(ad.iter().map(|a| a.counts.bytes)),
            u64s(ad.iter().map(|a| a.not_found)),
        ],
    );
    let dl: Vec<_> = agg.download_states().collect();
    let downloads = batch(
        &[
            ("url", UTF8, false),
            ("project", UTF8, false),
            ("largest", U64, false),
            ("at_largest", U32, false),
            ("sent", U64, false),
        ],
        vec![
            strings(dl.iter().map(|d| url(d.0))),
            strings(
                dl.iter()
                    .map(|d| agg.url_project(d.0))
                    .collect::<Vec<_>>()
                    .iter()
                    .map(String::as_str),
            ),
            u64s(dl.iter().map(|d| d.1.largest)),
            u32s(dl.iter().map(|d| d.1.at_largest)),
            u64s(dl.iter().map(|d| d.1.sent)),
        ],
    );
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
    ];
    if agg.timed {
        let tr = &agg.transfers;
        let transfers = batch(
            &[
                ("asn", U32, false),
                ("ip_version", DataType::UInt8, false),
                ("rate", U64, false),
            ],
            vec![
                u32s(tr.iter().map(|t| t.asn)),
                u8s(tr.iter().map(|t| t.ip_version)),
                u64s(tr.iter().map(|t| t.rate)),
            ],
        );
        t.push(("transfers", transfers));
    }
    t
}
