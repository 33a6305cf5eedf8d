//! Reports from a store: `fsmg-stats report --store DIR [--since] [--until] [--node NAME]`
//! (or `--store` on the default command). Only the daily tables of the chosen days and
//! nodes are read, from committed parts only, and replayed into an aggregate
//! ([`crate::aggregate::replay`]); the report is then built exactly as from logs.
//!
//! Failed, blank and comment lines are not rows: they come from the runs' records, per node
//! but not per day, so `--since`/`--until` do not narrow them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Context;
use arrow_array::cast::AsArray;
use arrow_array::types::{UInt8Type, UInt16Type, UInt32Type, UInt64Type};
use arrow_array::{Array, RecordBatch, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::ingest;
use crate::aggregate::{Aggregate, Counts, LineCounts};
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

/// The committed parts of a daily table inside the window and node, by day.
fn parts(
    q: &Query,
    committed: &BTreeSet<String>,
    table: &str,
    window: (Day, Day),
) -> Vec<(Day, PathBuf)> {
    let node = q.node.as_ref().map(|n| format!("node={n}/"));
    let prefix = format!("daily/{table}/");
    committed
        .iter()
        .filter_map(|rel| {
            let rest = rel.strip_prefix(&prefix)?;
            let (date_dir, rest) = rest.split_once('/')?;
            let day = day_of(date_dir)?;
            let in_node = node.as_ref().is_none_or(|n| rest.starts_with(n.as_str()));
            (day >= window.0 && day <= window.1 && in_node).then(|| (day, q.store.join(rel)))
        })
        .collect()
}

fn batches(path: &Path) -> anyhow::Result<Vec<RecordBatch>> {
    let file = std::fs::File::open(path).with_context(|| path.display().to_string())?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .with_context(|| path.display().to_string())?
        .map(|b| b.with_context(|| path.display().to_string()))
        .collect()
}

/// Typed access to a batch's columns by name, with the file named in errors.
struct Columns<'a>(&'a RecordBatch, &'a Path);

impl<'a> Columns<'a> {
    fn get(&self, name: &str) -> anyhow::Result<&'a dyn Array> {
        self.0
            .column_by_name(name)
            .map(|c| c.as_ref())
            .with_context(|| format!("{}: no `{name}` column", self.1.display()))
    }
    fn str(&self, name: &str) -> anyhow::Result<&'a StringArray> {
        Ok(self.get(name)?.as_string::<i32>())
    }
    fn u64(&self, name: &str) -> anyhow::Result<&'a arrow_array::UInt64Array> {
        Ok(self.get(name)?.as_primitive::<UInt64Type>())
    }
    fn u32(&self, name: &str) -> anyhow::Result<&'a arrow_array::UInt32Array> {
        Ok(self.get(name)?.as_primitive::<UInt32Type>())
    }
    /// Row `i`'s `country`, `continent` and `asn`.
    fn location(&self, i: usize) -> anyhow::Result<Location> {
        Ok(Location {
            country: code(self.str("country")?.value(i)),
            continent: code(self.str("continent")?.value(i)),
            asn: self.u32("asn")?.value(i),
        })
    }
    /// Row `i`'s `requests` and `bytes`.
    fn counts(&self, i: usize) -> anyhow::Result<Counts> {
        Ok(Counts {
            requests: self.u64("requests")?.value(i),
            bytes: self.u64("bytes")?.value(i),
        })
    }
}

fn code(s: &str) -> [u8; 2] {
    match s.as_bytes() {
        &[a, b] => [a, b],
        _ => *b"--",
    }
}

fn opt(a: &StringArray, i: usize) -> Option<&str> {
    a.is_valid(i).then(|| a.value(i))
}

/// Replays every row of one table's parts with `row(agg, day, columns, i)`.
fn replay(
    agg: &mut Aggregate,
    q: &Query,
    committed: &BTreeSet<String>,
    table: &str,
    window: (Day, Day),
    mut row: impl FnMut(&mut Aggregate, Day, &Columns<'_>, usize) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    for (day, path) in parts(q, committed, table, window) {
        for batch in batches(&path)? {
            let cols = Columns(&batch, &path);
            for i in 0..batch.num_rows() {
                row(agg, day, &cols, i)?;
            }
        }
    }
    Ok(())
}

/// The aggregate of a store's window and node, and the geo databases its runs used.
pub fn aggregate(q: &Query, window: (Day, Day)) -> anyhow::Result<(Aggregate, Vec<DbInfo>)> {
    let (log, committed) = ingest::committed(&q.store)?;
    let mut agg = Aggregate::default();
    let mut valid = 0;
    replay(
        &mut agg,
        q,
        &committed,
        "traffic",
        window,
        |agg, day, c, i| {
            let location = c.location(i)?;
            let counts = c.counts(i)?;
            valid += counts.requests;
            let org = opt(c.str("as_org")?, i);
            agg.replay_traffic(day, c.str("project")?.value(i), location, org, counts);
            Ok(())
        },
    )?;
    agg.replay_valid(valid);
    replay(
        &mut agg,
        q,
        &committed,
        "visitors",
        window,
        |agg, day, c, i| {
            let location = c.location(i)?;
            let visitor = c.u64("visitor")?.value(i);
            let hours = c.u32("hours")?.value(i);
            agg.replay_visitor(day, visitor, c.str("project")?.value(i), location, hours);
            Ok(())
        },
    )?;
    replay(&mut agg, q, &committed, "status", window, |agg, _, c, i| {
        let status = c.get("status")?.as_primitive::<UInt16Type>().value(i);
        let counts = c.counts(i)?;
        agg.status.entry(status).or_default().merge(counts);
        Ok(())
    })?;
    replay(&mut agg, q, &committed, "hours", window, |agg, _, c, i| {
        let hour = c.get("hour")?.as_primitive::<UInt8Type>().value(i);
        let counts = c.counts(i)?;
        agg.hours[usize::from(hour.min(23))].merge(counts);
        Ok(())
    })?;
    replay(&mut agg, q, &committed, "files", window, |agg, _, c, i| {
        let counts = c.counts(i)?;
        agg.replay_file(c.str("url")?.value(i), counts);
        Ok(())
    })?;
    replay(
        &mut agg,
        q,
        &committed,
        "file_visitors",
        window,
        |agg, day, c, i| {
            agg.replay_file_visitor(day, c.str("url")?.value(i), c.u64("visitor")?.value(i));
            Ok(())
        },
    )?;
    replay(
        &mut agg,
        q,
        &committed,
        "requested_files",
        window,
        |agg, _, c, i| {
            let (method, protocol) = (c.str("method")?, c.str("protocol")?);
            agg.replay_requested_file(c.str("url")?.value(i), opt(method, i), opt(protocol, i));
            Ok(())
        },
    )?;

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
    Ok((agg, dbs))
}
