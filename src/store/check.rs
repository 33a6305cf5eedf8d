//! `fsmg-stats store check DIR`: verifies a store and says what is wrong, changing nothing.
//!
//! Problems (exit 1):
//! - `state.json` does not parse;
//! - a part the state lists is missing, or is not a whole Parquet file (no footer, or, for
//!   daily tables, a page that does not decode);
//! - a roll-up was built from other parts than those committed now (stale: reports skip
//!   it, the next ingest deletes it), or one of its tables does not read.
//!
//! Notes (exit 0): files no state lists (left by a killed run or compaction: reports ignore
//! them, the next `ingest` or `store compact` deletes them), days
//! ingested before a daily table existed, months not rolled up yet or rolled up in an older
//! release's tables.
//!
//! A store newer than this release, or a directory that is not a store, is a usage error
//! (exit 2): nothing is checked.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::bail;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};

use super::{daily, ingest, read, report, rollup, version};

/// One thing found, about one file or directory.
#[derive(Debug, PartialEq, Eq)]
pub struct Finding {
    pub path: PathBuf,
    pub what: String,
}

#[derive(Debug, Default)]
pub struct Checked {
    pub problems: Vec<Finding>,
    pub notes: Vec<Finding>,
    /// Committed parts read (those that exist).
    pub parts: usize,
}

impl Checked {
    fn problem(&mut self, path: PathBuf, what: impl Into<String>) {
        let what = what.into();
        self.problems.push(Finding { path, what });
    }

    fn note(&mut self, path: PathBuf, what: impl Into<String>) {
        let what = what.into();
        self.notes.push(Finding { path, what });
    }
}

/// Checks the store at `store`; `Err` if it is not one this release can check.
pub fn run(store: &Path) -> anyhow::Result<Checked> {
    version::check(store)?;
    if !store.join("state.json").is_file() {
        bail!(
            "{}: not a store (no state.json; run `fsmg-stats ingest` first)",
            store.display()
        );
    }
    let mut c = Checked::default();
    let committed = match ingest::committed(store) {
        Ok(committed) => committed.parts,
        Err(e) => {
            c.problem(store.join("state.json"), format!("{e:#}"));
            return Ok(c);
        }
    };
    for rel in &committed {
        let path = store.join(rel);
        if !path.is_file() {
            c.problem(path, "listed in state.json, but missing");
            continue;
        }
        c.parts += 1;
        // Request rows are most of a store: their footers are read, not every page.
        let read = match rel.starts_with("requests/") {
            true => footer(&path),
            false => read::batches(&path).map(drop),
        };
        if let Err(e) = read {
            c.problem(path, format!("not a whole Parquet file: {}", cause(&e)));
        }
    }
    for dir in ["requests", "daily"] {
        for path in files(&store.join(dir)) {
            let rel = path.strip_prefix(store).unwrap_or(&path);
            if !committed.contains(rel.to_string_lossy().as_ref()) {
                c.note(
                    path,
                    "not in state.json: left by a killed run; reports ignore it",
                );
            }
        }
    }
    missing_tables(store, &committed, &mut c);
    rollups(store, &committed, &mut c);
    Ok(c)
}

/// The innermost error message (the outer ones name the file, given with the finding).
fn cause(e: &anyhow::Error) -> String {
    e.root_cause().to_string()
}

fn footer(path: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::open(path)?;
    ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())?;
    Ok(())
}

/// Every file under `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.file_type().is_ok_and(|t| t.is_dir()) {
                true => dirs.push(e.path()),
                false => out.push(e.path()),
            }
        }
    }
    out.sort();
    out
}

/// Notes request-rows parts without a daily table: days ingested before it existed.
fn missing_tables(store: &Path, committed: &BTreeSet<String>, c: &mut Checked) {
    for table in daily::TABLES {
        let lacking: Vec<&str> = report::lacking(committed, table).collect();
        if let (Some(first), Some(last)) = (lacking.first(), lacking.last()) {
            let day = |p: &str| p.split('/').next().unwrap_or_default().to_string();
            let parts = match lacking.len() {
                1 => "1 part".to_string(),
                n => format!("{n} parts"),
            };
            c.note(
                store.join("daily").join(table),
                format!(
                    "{parts} of request rows ({} to {}) have no `{table}` table: ingested before it existed",
                    day(first).trim_start_matches("date="),
                    day(last).trim_start_matches("date="),
                ),
            );
        }
    }
}

/// Checks the roll-ups there are against those the committed parts call for.
fn rollups(store: &Path, committed: &BTreeSet<String>, c: &mut Checked) {
    let wanted = rollup::wanted(store, committed);
    let older: BTreeSet<PathBuf> = (wanted.iter())
        .flat_map(|w| w.older.iter().map(|fp| w.dir.join(fp)))
        .collect();
    let mut expected = BTreeSet::new();
    for w in &wanted {
        let dir = w.dir.join(&w.fingerprint);
        if !dir.is_dir() {
            let month = rollup::month_name(w.month);
            let whose = w
                .node
                .map_or("all nodes".to_string(), |n| format!("node {n}"));
            c.note(
                dir,
                format!("{month} ({whose}) is not rolled up: reports read its daily tables; the next ingest rolls it up"),
            );
            continue;
        }
        for path in files(&dir) {
            if let Err(e) = read::batches(&path) {
                c.problem(path, format!("not a whole Parquet file: {}", cause(&e)));
            }
        }
        for table in ["traffic.parquet", "days.parquet"] {
            if !dir.join(table).is_file() {
                c.problem(dir.join(table), "missing from its roll-up");
            }
        }
        expected.insert(dir);
    }
    // Any other directory holding tables is a roll-up of parts not committed now.
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for path in files(&store.join("rollup")) {
        if let Some(dir) = path.parent() {
            dirs.insert(dir.to_path_buf());
        }
    }
    for dir in dirs.into_iter().filter(|d| !expected.contains(d)) {
        let killed = dir
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".tmp-"));
        match killed {
            true => c.note(dir, "a roll-up build that was killed; the next ingest deletes it"),
            false if older.contains(&dir) => c.note(
                dir,
                "a roll-up of the committed parts in an older release's tables: reports skip it and the next ingest rebuilds it",
            ),
            false => c.problem(
                dir,
                "stale roll-up: built from other daily parts than those committed now; reports skip it and the next ingest deletes it",
            ),
        }
    }
}
