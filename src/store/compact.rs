//! `fsmg-stats store compact DIR [--month YYYY-MM]`: merges the parts that several runs
//! wrote for one day and node (a live log read every night splits each day in two) into
//! one, for every month but the newest (which still grows), or for the month named. Every
//! report stays the same: a day's parts are read together anyway (counts add up, visitors
//! and files are distinct over them), and a merged part holds exactly their rows.
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

use anyhow::Context;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::ingest::{self, Refused};
use super::rollup::{self, Month};
use super::{PAGE_BYTES, ParquetSink, version};
use crate::parse::time::day_key;

/// What one compaction did.
#[derive(Debug, Default)]
pub struct Compacted {
    /// Parts merged, and the parts they became.
    pub merged: usize,
    pub written: usize,
    /// Days whose parts differ in columns (written by different releases): left as they are.
    pub skipped: Vec<String>,
    /// Months rolled up again.
    pub rolled_up: Vec<String>,
}

/// The month of a part (`.../date=YYYY-MM-DD/...`).
fn month_of(rel: &str) -> Option<Month> {
    let date = rel.split('/').find_map(|d| d.strip_prefix("date="))?;
    Some(day_key(date.parse().ok()?) / 100)
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
    // Each day's and node's directory (of request rows, or of one daily table) → its parts.
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for rel in &state.parts {
        if let (Some(m), Some((dir, _))) = (month_of(rel), rel.rsplit_once('/'))
            && wanted(m)
        {
            groups.entry(dir).or_default().push(rel);
        }
    }
    let run = state.runs + 1;
    let mut done = Compacted::default();
    let (mut gone, mut new) = (Vec::new(), Vec::new());
    for (dir, parts) in groups.into_iter().filter(|(_, p)| p.len() > 1) {
        let target = format!("{dir}/part-{run:06}.parquet");
        if merge(store, &parts, &target)? {
            done.merged += parts.len();
            done.written += 1;
            gone.extend(parts.iter().map(|p| p.to_string()));
            new.push(target);
        } else {
            done.skipped.push(dir.to_string());
        }
    }
    if new.is_empty() {
        return Ok(done);
    }
    // Commit: the merged parts in place of theirs, then delete those.
    for p in &gone {
        state.parts.remove(p);
    }
    state.parts.extend(new);
    state.runs = run;
    let json = serde_json::to_vec_pretty(&state).context("state")?;
    crate::output::write_atomic(&state_path, &json)?;
    ingest::remove_uncommitted(store, &state)?;
    let rolled = rollup::refresh(store, &state.parts)?;
    done.rolled_up = rolled.into_iter().map(rollup::month_name).collect();
    Ok(done)
}

/// Writes the rows of `parts` (relative to `store`), in order, to `target`; `false` if
/// their columns differ.
fn merge(store: &Path, parts: &[&str], target: &str) -> anyhow::Result<bool> {
    let open = |rel: &str| -> anyhow::Result<_> {
        let path = store.join(rel);
        let file = File::open(&path).with_context(|| path.display().to_string())?;
        ParquetRecordBatchReaderBuilder::try_new(file).with_context(|| path.display().to_string())
    };
    let schema = open(parts[0])?.schema().clone();
    for rel in &parts[1..] {
        if *open(rel)?.schema() != schema {
            return Ok(false);
        }
    }
    // As ingest writes them.
    let dictionary = match target.starts_with("requests/") {
        true => PAGE_BYTES,
        false => super::daily::DICTIONARY_BYTES,
    };
    let sink = ParquetSink::create_with_schema(&store.join(target), schema, dictionary)?;
    for rel in parts {
        for batch in open(rel)?.build()? {
            let batch = batch.with_context(|| store.join(rel).display().to_string())?;
            sink.append(&batch);
        }
    }
    sink.finish()?;
    Ok(true)
}
