//! `fsmg-stats store compact DIR [--month YYYY-MM]`: merges the parts that several runs
//! wrote for one day and node (a live log read every night splits each day in two) into
//! one, for every month but the newest (which still grows), or for the month named. Every
//! report stays the same: a day's parts are read together anyway (counts add up, visitors
//! and files are distinct over them), and a merged part holds exactly their rows. A day is
//! merged whole (its request rows and every daily table) or not at all: not when its
//! tables' parts come from different runs (a table that did not exist yet) or differ in
//! columns. Each part numbers its visitors from 0 (`vid`): a merged part's numbers are
//! shifted past the parts' before it, so they stay distinct.
//!
//! Crash-safe as `ingest` is, and under the same lock: the merged parts are written under
//! new names (those of a new run number) and renamed into place; the state then commits
//! them in place of the parts they merge; only then are those deleted. Killed before the
//! commit, the store is as it was, plus uncommitted parts; after it, the store is
//! compacted, plus uncommitted old parts. Reports ignore uncommitted parts, and the next
//! `ingest` or `compact` deletes them. Roll-ups of the months compacted are rebuilt (their
//! fingerprints name the parts).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use arrow_array::cast::AsArray;
use arrow_array::types::UInt32Type;
use arrow_array::{RecordBatch, UInt32Array};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::ingest::{self, Refused};
use super::rollup::{self, Month};
use super::{PAGE_BYTES, ParquetSink, report, version};

/// What one compaction did.
#[derive(Debug, Default)]
pub struct Compacted {
    /// Parts merged, and the parts they became.
    pub merged: usize,
    pub written: usize,
    /// Days (`date=D/node=N`) left as they are: their tables' parts are not all from the
    /// same runs, or differ in columns (written by different releases).
    pub skipped: Vec<String>,
    /// Months rolled up again.
    pub rolled_up: Vec<String>,
}

/// The month of a part (`.../date=YYYY-MM-DD/...`).
fn month_of(rel: &str) -> Option<Month> {
    Some(rel.split('/').find_map(report::day_of)? / 100)
}

/// Compacts the months before the newest, or `month` only.
pub fn run(store: &Path, month: Option<Month>) -> Result<Compacted, Refused> {
    version::check(store).map_err(Refused::Format)?;
    let state_path = store.join("state.json");
    if !state_path.is_file() {
        let e = anyhow::anyhow!("{}: not a store (no state.json)", store.display());
        return Err(Refused::Format(e));
    }
    let _lock = ingest::lock(store)?;
    let mut state = ingest::load_state(&state_path)?;
    ingest::remove_uncommitted(store, &state)?;

    let months: BTreeSet<Month> = state.parts.iter().filter_map(|p| month_of(p)).collect();
    let wanted = |m: Month| match month {
        Some(only) => m == only,
        None => months.last() != Some(&m),
    };
    // Day and node (`date=D/node=N`) → directory (request rows, or one daily table) →
    // the names of its parts.
    type Dirs<'a> = BTreeMap<&'a str, Vec<&'a str>>;
    let mut days: BTreeMap<&str, Dirs<'_>> = BTreeMap::new();
    for rel in &state.parts {
        let Some((dir, name)) = rel.rsplit_once('/') else {
            continue;
        };
        let day = dir.find("date=").map(|i| &dir[i..]);
        if let (Some(m), Some(day)) = (month_of(rel), day)
            && wanted(m)
        {
            days.entry(day)
                .or_default()
                .entry(dir)
                .or_default()
                .push(name);
        }
    }
    let run = state.runs + 1;
    let mut done = Compacted::default();
    let (mut gone, mut new) = (Vec::new(), Vec::new());
    for (day, dirs) in days {
        // A day's tables are known by the name of its request rows' part (a report finds
        // the days a table lacks that way): merged all at once, or not at all.
        if dirs.values().all(|names| names.len() < 2) {
            continue;
        }
        let runs = dirs.values().next().cloned().unwrap_or_default();
        let parts = |dir: &str, names: &[&str]| -> Vec<String> {
            names.iter().map(|n| format!("{dir}/{n}")).collect()
        };
        let alike = dirs.values().all(|names| *names == runs);
        if !alike
            || !dirs
                .iter()
                .all(|(d, n)| same_columns(store, &parts(d, n)).unwrap_or(false))
        {
            done.skipped.push(day.to_string());
            continue;
        }
        let visitors = dirs.iter().find(|(d, _)| d.starts_with("daily/visitors/"));
        let shifts = match visitors {
            Some((d, n)) => vid_shifts(store, &parts(d, n))?,
            None => vec![0; runs.len()],
        };
        for (dir, names) in &dirs {
            let target = format!("{dir}/part-{run:06}.parquet");
            let old = parts(dir, names);
            merge(store, &old, &shifts, &target)?;
            done.merged += old.len();
            done.written += 1;
            gone.extend(old);
            new.push(target);
        }
    }
    if !new.is_empty() {
        // Commit: the merged parts in place of theirs, then delete those.
        for p in &gone {
            state.parts.remove(p);
        }
        state.parts.extend(new);
        state.runs = run;
        let json = serde_json::to_vec_pretty(&state).context("state")?;
        crate::output::write_atomic(&state_path, &json)?;
        ingest::remove_uncommitted(store, &state)?;
    }
    // Even with nothing to merge: a compaction killed after its commit left roll-ups to
    // rebuild.
    let rolled = rollup::refresh(store, &state.parts)?;
    done.rolled_up = rolled.into_iter().map(rollup::month_name).collect();
    Ok(done)
}

fn open(store: &Path, rel: &str) -> anyhow::Result<ParquetRecordBatchReaderBuilder<File>> {
    let path = store.join(rel);
    let file = File::open(&path).with_context(|| path.display().to_string())?;
    ParquetRecordBatchReaderBuilder::try_new(file).with_context(|| path.display().to_string())
}

/// Whether `parts` (relative to `store`) have the same columns (not so when written by
/// releases that differ in them).
fn same_columns(store: &Path, parts: &[String]) -> anyhow::Result<bool> {
    let schema = open(store, &parts[0])?.schema().clone();
    for rel in &parts[1..] {
        if *open(store, rel)?.schema() != schema {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What to add to each of a day's parts' visitor numbers (`vid`) in the merged part: each
/// part numbers its visitors from 0, so each one's numbers go past those before it.
/// `visitors` are the day's `visitors` parts (every visitor number has a row there).
fn vid_shifts(store: &Path, visitors: &[String]) -> anyhow::Result<Vec<u32>> {
    let mut shifts = Vec::with_capacity(visitors.len());
    let mut next = 0u32;
    for rel in visitors {
        shifts.push(next);
        let named = || store.join(rel).display().to_string();
        let reader = open(store, rel)?;
        // The numbers alone: the part's other columns are read when it is merged.
        let Ok(i) = reader.schema().index_of(VID) else {
            continue;
        };
        let only = ProjectionMask::roots(reader.parquet_schema(), [i]);
        for batch in reader.with_projection(only).build()? {
            let batch = batch.with_context(named)?;
            let vid = batch
                .column(0)
                .as_primitive_opt::<UInt32Type>()
                .with_context(named)?;
            if let Some(max) = vid.values().iter().max() {
                next = next.max(shifts[shifts.len() - 1] + max + 1);
            }
        }
    }
    Ok(shifts)
}

/// The visitor number column of daily tables.
const VID: &str = "vid";

/// `batch` with `shift` added to its visitor numbers, if it has them.
fn shift_vids(batch: RecordBatch, shift: u32) -> anyhow::Result<RecordBatch> {
    let Some(i) = batch.schema().index_of(VID).ok().filter(|_| shift > 0) else {
        return Ok(batch);
    };
    let vid = batch
        .column(i)
        .as_primitive_opt::<UInt32Type>()
        .context("vid")?;
    let shifted: UInt32Array = vid.unary(|v| v + shift);
    let mut columns = batch.columns().to_vec();
    columns[i] = Arc::new(shifted);
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}

/// Writes the rows of `parts` (relative to `store`, with the same columns), in order, to
/// `target`, their visitor numbers shifted by `shifts` (one per part).
fn merge(store: &Path, parts: &[String], shifts: &[u32], target: &str) -> anyhow::Result<()> {
    let schema = open(store, &parts[0])?.schema().clone();
    // As ingest writes them.
    let dictionary = match target.starts_with("requests/") {
        true => PAGE_BYTES,
        false => super::daily::DICTIONARY_BYTES,
    };
    let sink = ParquetSink::create_with_schema(&store.join(target), schema, dictionary)?;
    for (rel, &shift) in parts.iter().zip(shifts) {
        for batch in open(store, rel)?.build()? {
            let batch = batch.with_context(|| store.join(rel).display().to_string())?;
            sink.append(&shift_vids(batch, shift)?);
        }
    }
    sink.finish()
}
