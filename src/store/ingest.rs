//! `fsmg-stats ingest --store DIR --node NAME [PATHS]`: adds the log lines not yet in the
//! store, exactly once, as Parquet request rows partitioned by logged date and node
//! (`DIR/requests/date=YYYY-MM-DD/node=NAME/part-NNNNNN.parquet`, schema in docs/store.md).
//!
//! Exactly once. Each log stream is known by its first bytes (up to 256, decompressed), so
//! `access.log` renamed to `access.log.1`, then compressed to `access.log.2.gz`, is still
//! the same stream; `DIR/state.json` records how many bytes of each stream are in the store.
//! A run resumes every stream there, reads only complete lines of a live file (a partial
//! last line waits for the next run), writes its parts under temporary names, renames them,
//! and only then commits the state, which lists every committed part. Parts the state does
//! not list (a run killed before its commit) are deleted by the next run, which then reads
//! those lines again. One run at a time: `DIR/.lock` is held (flock) for the whole run.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use arrow_array::RecordBatch;
use serde::{Deserialize, Serialize};

use rayon::iter::{IntoParallelRefIterator, ParallelIterator};
use siphasher::sip::SipHasher13;

use super::{ParquetSink, daily, rollup};
use crate::aggregate::LineCounts;
use crate::config::{Config, Target};
use crate::input::{self, InputError, Source};
use crate::parse::Failure;
use crate::parse::logged::Logs;
use crate::parse::time::{Day, day_to_string};
use crate::pipeline::{self, Reading};
use crate::rows::RowSink;

/// Bytes of a stream's start that identify it.
const PREFIX: usize = 256;
const STATE_VERSION: u32 = 1;

/// Why an ingest did not run at all.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("{0}: another ingest is running on this store")]
    Busy(PathBuf),
    /// The store is in a format this release does not write (or not a store at all).
    #[error(transparent)]
    Format(anyhow::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct State {
    version: u32,
    /// The secret SipHash key of visitor hashes in the daily tables (hex, 16 bytes), made
    /// at the store's first run: the same visitor hashes alike in every part, and a hash
    /// cannot be turned back into an address without it.
    visitor_key: String,
    /// Committed runs (and compactions); the next one's parts are named after `runs + 1`.
    pub(super) runs: u64,
    streams: Vec<Stream>,
    /// Every committed part, relative to the store.
    pub(super) parts: BTreeSet<String>,
    /// What each committed run counted, for reports from the store.
    #[serde(default)]
    log: Vec<RunRecord>,
}

/// One committed run: its node, line counts (failed lines are not stored as rows) and the
/// geo databases it located clients with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRecord {
    pub run: u64,
    pub node: String,
    pub lines: LineCounts,
    /// Failed lines by reason name.
    pub failed: BTreeMap<String, u64>,
    pub geoip: Vec<StoredDb>,
    /// The formats the run's inputs were read with (absent from stores before formats
    /// were sniffed).
    #[serde(default)]
    pub log_formats: Vec<String>,
    /// Which optional fields those formats log (absent from older stores: none).
    #[serde(default)]
    pub logs: Logs,
    /// Of `failed`, the lines that still show a date, by that day (YYYYMMDD) and reason:
    /// a store report narrows these to its window, as a report of logs does, and counts
    /// the rest in every window. Absent from older stores: none narrowed.
    #[serde(default)]
    pub failed_days: BTreeMap<Day, BTreeMap<String, u64>>,
}

/// A geo database as a run recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDb {
    pub source: String,
    pub kind: String,
    pub database_type: String,
    pub build_date: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stream {
    /// The stream's first bytes, hex-encoded (fewer than 256 while the file is short).
    prefix: String,
    /// Bytes of the stream (decompressed) whose lines are in the store.
    consumed: u64,
    /// The file it was last read from, for people reading the state.
    last_path: String,
    /// That file's size on disk (compressed, if it is): a store report's log size is
    /// its streams' sizes as last seen, as a report of the same files would give.
    /// Absent from older stores: 0.
    #[serde(default)]
    size: u64,
    /// The node that ingested it (absent from older stores).
    #[serde(default)]
    node: String,
}

/// What one ingest did.
#[derive(Debug)]
pub struct Ingested {
    /// Inputs none of whose lines is a request, or no access-log lines at all (exit 1).
    pub problems: Vec<String>,
    /// Inputs with more failed lines than requests, inputs passed over.
    pub warnings: Vec<String>,
    pub requests: u64,
    pub failed: u64,
    pub parts: Vec<String>,
    /// (input, bytes already in the store, bytes added).
    pub inputs: Vec<(String, u64, u64)>,
    /// Inputs that could not be read, wholly or partly; the rest was ingested.
    pub errors: Vec<InputError>,
    /// Months rolled up (`YYYY-MM`).
    pub rolled_up: Vec<String>,
}

/// Counts by failure reason, by reason name (as state.json keeps them).
fn failure_names(counts: &[u64; Failure::ALL.len()]) -> BTreeMap<String, u64> {
    (Failure::ALL.iter())
        .filter(|f| counts[f.index()] > 0)
        .map(|f| (f.name().to_string(), counts[f.index()]))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn visitor_hasher(key: &str) -> anyhow::Result<SipHasher13> {
    let key = unhex(key)
        .filter(|k| k.len() == 16)
        .context("state.json: visitor_key is not 16 hex bytes")?;
    let half = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("8 bytes"));
    Ok(SipHasher13::new_with_keys(half(&key[..8]), half(&key[8..])))
}

/// What the open day parts of a run may hold in memory, together.
const OPEN_PARTS_BYTES: usize = 128 << 20;

/// One Parquet part per logged day, created when the day's first rows arrive.
struct Partitions {
    store: PathBuf,
    node: String,
    run: u64,
    sinks: Mutex<BTreeMap<Day, Arc<ParquetSink>>>,
    error: Mutex<Option<anyhow::Error>>,
}

impl Partitions {
    fn relative(&self, day: Day) -> String {
        format!(
            "requests/date={}/node={}/part-{:06}.parquet",
            day_to_string(day),
            self.node,
            self.run
        )
    }

    /// The part of `day`, and how many parts are open.
    fn sink(&self, day: Day) -> anyhow::Result<(Arc<ParquetSink>, usize)> {
        let mut sinks = self.sinks.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = sinks.get(&day) {
            return Ok((s.clone(), sinks.len()));
        }
        let path = self.store.join(self.relative(day));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
        }
        let sink = Arc::new(ParquetSink::create(&path)?);
        sinks.insert(day, sink.clone());
        Ok((sink, sinks.len()))
    }

    /// Closes every part; their paths relative to the store.
    fn finish(&self) -> anyhow::Result<Vec<String>> {
        if let Some(e) = self.error.lock().unwrap_or_else(|e| e.into_inner()).take() {
            return Err(e);
        }
        let sinks = std::mem::take(&mut *self.sinks.lock().unwrap_or_else(|e| e.into_inner()));
        let mut parts = Vec::new();
        for (day, sink) in sinks {
            sink.finish()?;
            parts.push(self.relative(day));
        }
        Ok(parts)
    }
}

impl RowSink for Partitions {
    fn write(&self, day: Day, batch: &RecordBatch) {
        match self.sink(day) {
            // A writer holds its row group in memory until it is full; a backlog of a year
            // has 365 of them open, so they share one budget and flush early when over it.
            Ok((sink, open)) => {
                sink.append(batch);
                sink.flush_above(OPEN_PARTS_BYTES / open);
            }
            Err(e) => {
                let mut err = self.error.lock().unwrap_or_else(|e| e.into_inner());
                err.get_or_insert(e);
            }
        }
    }
}

/// Deletes files under `requests/` and `daily/` that no committed state lists: parts of a
/// killed run (or compaction), parts a compaction replaced, and temporary files.
pub(super) fn remove_uncommitted(store: &Path, state: &State) -> anyhow::Result<()> {
    let mut dirs: Vec<PathBuf> = (["requests", "daily"].iter())
        .map(|d| store.join(d))
        .filter(|d| d.exists())
        .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| dir.display().to_string())? {
            let entry = entry?;
            let path = entry.path();
            // The entry itself, not what a symbolic link points at: a link to a directory
            // outside the store is removed like any other stray file, never walked.
            if entry.file_type()?.is_dir() {
                dirs.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(store)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !state.parts.contains(&rel) {
                std::fs::remove_file(&path).with_context(|| path.display().to_string())?;
            }
        }
    }
    Ok(())
}

/// What a store has committed: its runs and parts, and its streams' sizes.
pub struct Committed {
    pub log: Vec<RunRecord>,
    pub parts: BTreeSet<String>,
    streams: Vec<Stream>,
}

impl Committed {
    /// The size on disk of the inputs ingested (of one node's), as last seen.
    pub fn log_size(&self, node: Option<&str>) -> u64 {
        (self.streams.iter())
            .filter(|s| node.is_none_or(|n| n == s.node))
            .map(|s| s.size)
            .sum()
    }
}

/// A store's committed state, for reports from it.
pub fn committed(store: &Path) -> anyhow::Result<Committed> {
    super::version::check(store)?;
    let path = store.join("state.json");
    if !path.exists() {
        bail!(
            "{}: not a store (no state.json; run `fsmg-stats ingest` first)",
            store.display()
        );
    }
    let state = load_state(&path)?;
    Ok(Committed {
        log: state.log,
        parts: state.parts,
        streams: state.streams,
    })
}

pub(super) fn load_state(path: &Path) -> anyhow::Result<State> {
    match std::fs::read(path) {
        Ok(bytes) => {
            let state: State = serde_json::from_slice(&bytes)
                .with_context(|| format!("{}: not a store state file", path.display()))?;
            // Parts are read, replaced and removed by these names: none may lead out of the
            // store.
            if let Some(p) = state.parts.iter().find(|p| !inside(p)) {
                bail!(
                    "{}: part {p:?} is not a path inside the store",
                    path.display()
                );
            }
            if state.version != STATE_VERSION {
                bail!(
                    "{}: state version {} not supported",
                    path.display(),
                    state.version
                );
            }
            Ok(state)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; 16];
            getrandom::fill(&mut key).map_err(|e| anyhow::anyhow!("no random key: {e}"))?;
            Ok(State {
                version: STATE_VERSION,
                visitor_key: hex(&key),
                ..State::default()
            })
        }
        Err(e) => Err(e).with_context(|| path.display().to_string()),
    }
}

/// Whether a part's name is a path below `requests/` or `daily/` that stays there.
fn inside(part: &str) -> bool {
    let path = Path::new(part);
    path.components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
        && (path.starts_with("requests") || path.starts_with("daily"))
}

/// Holds `DIR/.lock` (flock) while the returned file is open: one writer at a time.
pub(super) fn lock(store: &Path) -> Result<File, Refused> {
    let lock_path = store.join(".lock");
    // Not truncated, and never through a symbolic link: a `.lock` link to a file outside
    // the store would otherwise empty that file.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&lock_path)
        .with_context(|| lock_path.display().to_string())?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(Refused::Busy(store.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(anyhow::Error::from(e)
            .context(lock_path.display().to_string())
            .into()),
    }
}

pub fn run(cfg: &Config, target: &Target) -> Result<Ingested, Refused> {
    let store = &target.store;
    std::fs::create_dir_all(store).with_context(|| store.display().to_string())?;
    let _lock = lock(store)?;

    super::version::claim(store).map_err(Refused::Format)?;
    let state_path = store.join("state.json");
    let mut state = load_state(&state_path)?;
    remove_uncommitted(store, &state)?;

    let found = input::discover(&cfg.paths);
    let formats = pipeline::formats(cfg, &found);
    let (sources, mut errors) = (found.sources, found.errors);
    if sources.iter().any(|s| matches!(s, Source::Stdin)) {
        return Err(anyhow::anyhow!("ingest reads files, not standard input").into());
    }
    // Each source: its first bytes and the stream it continues, if any.
    let mut prefixes = Vec::with_capacity(sources.len());
    let mut matched = Vec::with_capacity(sources.len());
    for source in &sources {
        let first = input::head(source, PREFIX).unwrap_or_default();
        let stream = state
            .streams
            .iter()
            .enumerate()
            .filter(|(_, s)| unhex(&s.prefix).is_some_and(|p| first.starts_with(&p)))
            .max_by_key(|(_, s)| s.prefix.len())
            .map(|(i, _)| i);
        prefixes.push(first);
        matched.push(stream);
    }
    let sizes = input::sizes(&sources);
    let skip: Vec<u64> = matched
        .iter()
        .map(|m| m.map_or(0, |i| state.streams[i].consumed))
        .collect();

    let consumed = Mutex::new(vec![0u64; sources.len()]);
    let partitions = Partitions {
        store: store.clone(),
        node: target.node.clone(),
        run: state.runs + 1,
        sinks: Mutex::new(BTreeMap::new()),
        error: Mutex::new(None),
    };
    let reading = Reading {
        skip: skip.clone(),
        whole_lines_only: true,
        consumed: Some(&consumed),
        rows_only: true,
        ..Reading::default()
    };
    let (agg, read_errors) =
        pipeline::aggregate(cfg, &formats, &sources, reading, None, Some(&partitions));
    let checked = pipeline::check_inputs(&formats, &agg, &sources, &cfg.paths, cfg.show_ips);
    errors.extend(read_errors);
    let mut parts = partitions.finish()?;
    let hasher = visitor_hasher(&state.visitor_key)?;
    let summarize = || -> anyhow::Result<Vec<Vec<String>>> {
        parts
            .par_iter()
            .map(|part| daily::summarize(store, part, &hasher))
            .collect()
    };
    let daily = match cfg.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_or_else(|_| summarize(), |pool| pool.install(summarize)),
        None => summarize(),
    }?;
    parts.extend(daily.into_iter().flatten());

    // Commit: the data is in place, now the state that refers to it.
    let consumed = consumed.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut inputs = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        let now = consumed.get(i).copied().unwrap_or(0).max(skip[i]);
        inputs.push((source.to_string(), skip[i], now - skip[i]));
        if now == 0 {
            continue;
        }
        let stream = Stream {
            prefix: hex(&prefixes[i]),
            consumed: now,
            last_path: source.to_string(),
            size: sizes[i],
            node: target.node.clone(),
        };
        match matched[i] {
            Some(m) => state.streams[m] = stream,
            None => state.streams.push(stream),
        }
    }
    state.runs += 1;
    state.parts.extend(parts.iter().cloned());
    let lines = agg.lines();
    state.log.push(RunRecord {
        run: state.runs,
        node: target.node.clone(),
        lines,
        failed: failure_names(&agg.failures),
        geoip: cfg
            .geo
            .infos
            .iter()
            .map(|d| StoredDb {
                source: d.source.clone(),
                kind: d.kind.to_string(),
                database_type: d.database_type.clone(),
                build_date: d.build_date.clone(),
            })
            .collect(),
        log_formats: formats.names(),
        logs: Logs::of_all((0..sources.len()).map(|i| formats.program(i))),
        failed_days: (agg.failed_days.iter())
            .map(|(&day, counts)| (day, failure_names(counts)))
            .collect(),
    });
    let json = serde_json::to_vec_pretty(&state).context("state")?;
    crate::output::write_atomic(&state_path, &json)?;
    // Derived from committed data only: a failure here loses nothing, the next run retries.
    // The run's aggregate goes first: a roll-up builds one of its own.
    drop(agg);
    let rolled_up = rollup::refresh(store, &state.parts)?;

    // Nothing new to read is a quiet night (a log emptied by rotation, or read before),
    // not a problem; paths with no log file at all are.
    let known = skip.iter().any(|&s| s > 0);
    let no_lines = checked
        .no_lines
        .filter(|(_, empty_files)| !known && !empty_files)
        .map(|(m, _)| m);
    Ok(Ingested {
        problems: checked.problems.into_iter().chain(no_lines).collect(),
        warnings: checked.warnings,
        requests: lines.valid,
        failed: lines.failed,
        parts,
        inputs,
        errors,
        rolled_up: rolled_up.into_iter().map(rollup::month_name).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let b = [0u8, 1, 0xab, 0xff];
        assert_eq!(unhex(&hex(&b)).unwrap(), b);
        assert_eq!(unhex("zz"), None);
    }
}
