//! A store damaged the ways disks, people and killed runs damage one: a file truncated,
//! overwritten in part or whole, removed, replaced by a directory or by a symbolic link to a
//! file outside the store. `store check`, reports and an ingest read it: no panic, errors
//! name a file of the store, nothing outside the store changes.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use fsmg_stats::cli::{Args, Mode};
use fsmg_stats::config::{Config, Query};
use fsmg_stats::store::{check, ingest, read, report};

use super::scratch;

/// A store of two days of one node (daily tables, request rows and the month's roll-up),
/// made once per process: its files, relative, with their bytes.
struct Template {
    /// Keeps the directories alive.
    _dir: tempfile::TempDir,
    files: Vec<(PathBuf, Vec<u8>)>,
    /// A file outside every store, which damaged stores point at.
    outside: PathBuf,
    /// A log with one more day, for an ingest into the damaged store.
    more: PathBuf,
}

fn config(mode: Mode, store: &Path, paths: Vec<String>) -> Config {
    let mut args = Args {
        mode,
        paths,
        ..Args::default()
    };
    args.store = Some(store.to_path_buf());
    args.node = Some("hlz".into());
    args.common.quiet = true;
    Config::resolve(args).expect("a valid configuration")
}

fn log(days: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, day) in days.iter().cycle().take(60).enumerate() {
        out.extend(
            format!(
                "203.0.113.{} - - [{day:02}/Jan/2019:10:{:02}:00 +1300] \"GET /debian/pool/{}.deb HTTP/1.1\" {} {} \"-\" \"Debian APT-HTTP/1.3 ({i})\"\n",
                i % 7,
                i % 60,
                i % 5,
                [200, 200, 404, 206][i % 4],
                1000 + i,
            )
            .as_bytes(),
        );
    }
    out
}

static TEMPLATE: LazyLock<Template> = LazyLock::new(|| {
    let dir = scratch();
    let (store, logs) = (dir.path().join("store"), dir.path().join("logs"));
    std::fs::create_dir_all(&logs).expect("logs");
    let first = logs.join("access.log");
    std::fs::write(&first, log(&[1, 2])).expect("log");
    let more = logs.join("more.log");
    std::fs::write(&more, log(&[3])).expect("log");
    let outside = dir.path().join("outside");
    std::fs::write(&outside, b"not part of any store\n").expect("outside");
    let cfg = config(Mode::Ingest, &store, vec![first.display().to_string()]);
    let target = cfg.ingest.clone().expect("an ingest");
    ingest::run(&cfg, &target)
        .map_err(|e| format!("{e:?}"))
        .expect("ingest");
    let mut files = Vec::new();
    let mut dirs = vec![store.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let path = e.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let rel = path.strip_prefix(&store).expect("inside").to_path_buf();
                files.push((rel, std::fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    Template {
        _dir: dir,
        files,
        outside,
        more,
    }
});

/// Reads a little-endian number from `data` at `at` (zeros past its end).
fn number(data: &[u8], at: usize) -> usize {
    let b = |i: usize| data.get(at + i).copied().unwrap_or(0) as usize;
    b(0) | b(1) << 8 | b(2) << 16
}

/// `bytes` damaged: cut at `at` (0), `payload` written over them at `at` (1), or replaced
/// by `payload` (2).
fn damage(bytes: &[u8], how: u8, at: usize, payload: &[u8]) -> Vec<u8> {
    let at = at % (bytes.len() + 1);
    match how {
        0 => bytes[..at].to_vec(),
        1 => {
            let mut b = bytes.to_vec();
            let end = (at + payload.len()).min(b.len());
            b[at..end].copy_from_slice(&payload[..end - at]);
            b
        }
        _ => payload.to_vec(),
    }
}

/// `data[0]` picks a file, `data[1]` the damage, `data[2..5]` an offset; the rest is the
/// bytes written. `data[1] & 0x80`: an ingest into the damaged store too.
pub fn damaged_store(data: &[u8]) {
    let t = &*TEMPLATE;
    let dir = scratch();
    let store = dir.path().join("store");
    for (rel, bytes) in &t.files {
        let path = store.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("dirs");
        std::fs::write(&path, bytes).expect("write");
    }
    let (rel, bytes) = &t.files[number(data, 0) % t.files.len()];
    let path = store.join(rel);
    let (how, at, payload) = (
        data.get(1).copied().unwrap_or(0),
        number(data, 2),
        data.get(5..).unwrap_or_default(),
    );
    let damaged = match how & 0x7f {
        0..=19 => damage(bytes, 0, at, payload),
        20..=69 => damage(bytes, 1, at, payload),
        70..=89 => damage(bytes, 2, at, payload),
        90..=99 => {
            std::fs::remove_file(&path).expect("remove");
            std::fs::create_dir(&path).expect("a directory instead");
            Vec::new()
        }
        100..=109 => {
            std::fs::remove_file(&path).expect("remove");
            std::os::unix::fs::symlink(&t.outside, &path).expect("symlink");
            Vec::new()
        }
        _ => {
            std::fs::remove_file(&path).expect("remove");
            Vec::new()
        }
    };
    if path.is_file() && !path.is_symlink() {
        std::fs::write(&path, &damaged).expect("damage");
    }
    let named = |e: &anyhow::Error| {
        let text = format!("{e:#}");
        assert!(
            text.contains(&*store.to_string_lossy()) || text.contains("state.json"),
            "an error that names no file of the store: {text}"
        );
    };
    if let Err(e) = check::run(&store) {
        named(&e);
    }
    let days = (20190101, 20190131);
    for node in [None, Some("hlz".to_string())] {
        let q = Query {
            store: store.clone(),
            node,
        };
        if let Err(e) = report::check(&q).and_then(|()| report::aggregate(&q, days, 10)) {
            named(&e);
        }
    }
    if how & 0x80 != 0 {
        let cfg = config(Mode::Ingest, &store, vec![t.more.display().to_string()]);
        let target = cfg.ingest.clone().expect("an ingest");
        match ingest::run(&cfg, &target) {
            Err(ingest::Refused::Format(e) | ingest::Refused::Other(e)) => named(&e),
            Err(ingest::Refused::Busy(_)) => panic!("no other ingest runs"),
            Ok(_) => {}
        }
    }
    assert_eq!(
        std::fs::read(&t.outside).expect("outside"),
        b"not part of any store\n",
        "a write outside the store"
    );
}

/// A part's bytes damaged in memory and decoded as reports decode parts: the Parquet
/// reader alone, fast. `data[0]` picks one of the template store's parts, `data[1]` the
/// damage (truncation, bytes overwritten at `data[2..5]`, or the rest as the whole file).
pub fn parquet_part(data: &[u8]) {
    let parts: Vec<&(PathBuf, Vec<u8>)> = (TEMPLATE.files.iter())
        .filter(|(rel, _)| rel.extension().is_some_and(|e| e == "parquet"))
        .collect();
    let (rel, bytes) = parts[number(data, 0) % parts.len()];
    let (how, at, payload) = (
        data.get(1).copied().unwrap_or(0),
        number(data, 2),
        data.get(5..).unwrap_or_default(),
    );
    let damaged = damage(bytes, how % 3, at, payload);
    let intact = damaged == *bytes;
    match read::decode(bytes::Bytes::from(damaged), rel) {
        Ok(batches) => {
            let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
            assert!(rows < 1 << 20, "{rows} rows in a part of a few kilobytes");
        }
        Err(e) => {
            assert!(!intact, "an intact part fails: {e:#}");
            assert!(format!("{e:#}").contains(&*rel.to_string_lossy()));
        }
    }
}
