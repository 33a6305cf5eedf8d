//! `ingest`: every line of rotating, compressed, growing logs lands in the store exactly
//! once, whatever order runs, rotations and crashes come in.

use std::io::Write;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use predicates::prelude::*;

use crate::util::*;

/// Line `i` of a log; its size field is `i`, so the sum of sizes says which lines arrived.
fn line(i: u64) -> String {
    format!(
        "198.51.100.{} - - [{:02}/Jan/2019:10:00:00 +1300] \"GET /debian/f{i}.deb HTTP/1.1\" 200 {i} \"-\" \"APT\"\n",
        i % 250,
        1 + i % 3
    )
}

fn lines(r: std::ops::Range<u64>) -> String {
    r.map(line).collect()
}

/// (rows, sum of sizes, parts) in the store.
fn store_rows(store: &Path) -> (u64, u64, usize) {
    let (mut rows, mut sum, mut parts) = (0, 0, 0);
    let mut dirs = vec![store.join("requests")];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
                continue;
            }
            parts += 1;
            let file = std::fs::File::open(&p).unwrap();
            for batch in ParquetRecordBatchReaderBuilder::try_new(file)
                .unwrap()
                .build()
                .unwrap()
            {
                let batch = batch.unwrap();
                rows += batch.num_rows() as u64;
                let bytes = batch.column_by_name("bytes").unwrap();
                sum += bytes
                    .as_primitive::<UInt64Type>()
                    .iter()
                    .flatten()
                    .sum::<u64>();
            }
        }
    }
    (rows, sum, parts)
}

fn ingest(store: &Path, logs: &Path) {
    ingest_as(store, logs, "hlz", &[]);
}

fn sum(r: std::ops::Range<u64>) -> u64 {
    r.sum()
}

#[test]
fn rotation_compression_and_growth_are_ingested_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (logs, store) = (tmp.path().join("logs"), tmp.path().join("store"));
    std::fs::create_dir(&logs).unwrap();
    let live = logs.join("access.log");

    // A live log whose last line is still being written.
    let half = line(10);
    std::fs::write(&live, lines(0..10) + &half[..20]).unwrap();
    ingest(&store, &logs);
    assert_eq!(store_rows(&store).0, 10);
    ingest(&store, &logs);
    assert_eq!(store_rows(&store).0, 10, "a rerun adds nothing");

    // The line is finished and more follow.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&live)
        .unwrap();
    f.write_all(&half.as_bytes()[20..]).unwrap();
    f.write_all(lines(11..15).as_bytes()).unwrap();
    drop(f);
    ingest(&store, &logs);
    assert_eq!(store_rows(&store).0, 15);

    // logrotate: access.log -> access.log.1 (with two late lines), a new access.log.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&live)
        .unwrap();
    f.write_all(lines(15..17).as_bytes()).unwrap();
    drop(f);
    std::fs::rename(&live, logs.join("access.log.1")).unwrap();
    std::fs::write(&live, lines(17..20)).unwrap();
    ingest(&store, &logs);
    assert_eq!(store_rows(&store).0, 20);

    // Next rotation: .1 is compressed to .2.gz, access.log becomes .1, a new one starts.
    let old = std::fs::read(logs.join("access.log.1")).unwrap();
    std::fs::write(logs.join("access.log.2.gz"), gzip(&old)).unwrap();
    std::fs::remove_file(logs.join("access.log.1")).unwrap();
    std::fs::rename(&live, logs.join("access.log.1")).unwrap();
    std::fs::write(&live, lines(20..21)).unwrap();
    ingest(&store, &logs);
    let (rows, total, _) = store_rows(&store);
    assert_eq!((rows, total), (21, sum(0..21)));

    // The same logs again, in any order of paths: nothing new.
    fsmg()
        .args(["ingest", "-q", "--node", "hlz", "--store"])
        .arg(&store)
        .arg(logs.join("access.log.2.gz"))
        .arg(&live)
        .arg(logs.join("access.log.1"))
        .assert()
        .success();
    assert_eq!(store_rows(&store).0, 21);
}

#[test]
fn a_run_killed_before_its_commit_is_redone_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (logs, store) = (tmp.path().join("logs"), tmp.path().join("store"));
    std::fs::create_dir(&logs).unwrap();
    std::fs::write(logs.join("access.log"), lines(0..30)).unwrap();
    ingest(&store, &logs);
    let committed = std::fs::read(store.join("state.json")).unwrap();
    let before = store_rows(&store);

    // A run that wrote its parts but died before committing its state: simulated by
    // putting the old state back, plus a temporary file left mid-write.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(logs.join("access.log"))
        .unwrap();
    f.write_all(lines(30..45).as_bytes()).unwrap();
    drop(f);
    ingest(&store, &logs);
    std::fs::write(store.join("state.json"), &committed).unwrap();
    let day = store.join("requests/date=2019-01-02/node=hlz");
    std::fs::write(day.join(".fsmg-stats-x.parquet.tmp"), b"half a file").unwrap();
    assert!(store_rows_raw_files(&store) > before.2);

    ingest(&store, &logs);
    let (rows, total, _) = store_rows(&store);
    assert_eq!((rows, total), (45, sum(0..45)));
    assert!(!day.join(".fsmg-stats-x.parquet.tmp").exists());
}

/// Files under requests/, whatever their names.
fn store_rows_raw_files(store: &Path) -> usize {
    let mut n = 0;
    let mut dirs = vec![store.join("requests")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn one_ingest_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    std::fs::create_dir(&store).unwrap();
    let log = tmp.path().join("access.log");
    std::fs::write(&log, lines(0..3)).unwrap();
    let held = std::fs::File::create(store.join(".lock")).unwrap();
    held.lock().unwrap();
    fsmg()
        .args(["ingest", "--node", "hlz", "--store"])
        .arg(&store)
        .arg(&log)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("another ingest is running"));
    drop(held);
    ingest(&store, &log);
    assert_eq!(store_rows(&store).0, 3);
}

#[test]
fn report_flags_are_refused_with_ingest() {
    fsmg()
        .args([
            "--since",
            "2019-01-01",
            "ingest",
            "--node",
            "a",
            "--store",
            "/nonexistent",
            "x",
        ])
        .assert()
        .code(2)
        // Flags before a subcommand's name count only when it takes them.
        .stderr(predicate::str::contains("see `fsmg-stats ingest --help`"));
    fsmg()
        .args([
            "ingest",
            "--node",
            "../x",
            "--store",
            "/tmp/nonexistent-store",
            "x",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--node"));
}

#[test]
fn killed_at_any_moment_then_rerun_gives_the_rows_of_one_clean_run() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("access.log");
    generate(&log, 150_000, 5);
    let clean = tmp.path().join("clean");
    // How long a run takes here, to spread the kill points over one (not a timing test).
    let started = std::time::Instant::now();
    ingest(&clean, &log);
    let run = started.elapsed();
    let want = store_rows(&clean);

    let store = tmp.path().join("store");
    let (mut killed, mut tries) = (0, 0);
    // At least 20 kills. A kill that comes too late finds the run finished: its store must
    // then be the clean one, and the next tries start from an empty store again.
    while killed < 20 {
        tries += 1;
        assert!(
            tries <= 60,
            "only {killed} of {tries} runs were killed before finishing"
        );
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fsmg-stats"))
            .args(["ingest", "-q", "--node", "hlz", "--store"])
            .arg(&store)
            .arg(&log)
            .env("FSMG_STATS_GEOIP_DIRS", "/nonexistent")
            .spawn()
            .unwrap();
        // Kill points spread over a run: startup, parsing, writing parts, committing.
        std::thread::sleep(run * (tries % 20) / 24);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
            child.wait().unwrap();
        } else {
            let (rows, sum, _) = store_rows(&store);
            assert_eq!((rows, sum), (want.0, want.1));
            std::fs::remove_dir_all(&store).unwrap();
        }
    }
    ingest(&store, &log);
    let (rows, sum, _) = store_rows(&store);
    assert_eq!((rows, sum), (want.0, want.1));
}

/// The report of logs, without what only logs have (input files, their sizes, failed-line
/// samples) or what differs by design.
/// A report without what only a report of logs can show: failed-line samples (a store
/// keeps no raw lines) and the inputs table (it keeps no file list).
fn comparable(mut r: serde_json::Value) -> serde_json::Value {
    r["failed"]["samples"] = serde_json::json!([]);
    r["inputs"] = serde_json::json!([]);
    r
}

fn json(args: &[&std::ffi::OsStr]) -> serde_json::Value {
    json_of(
        fsmg()
            .args(["--format", "json", "-q", "--top", "25"])
            .args(args),
    )
}

#[test]
fn store_reports_equal_log_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let (hlz, wlg) = (
        repo().join("sample-logs/hlz"),
        repo().join("sample-logs/wlg"),
    );
    for (node, logs) in [("hlz", &hlz), ("wlg", &wlg)] {
        ingest_as(&store, logs, node, &[]);
    }
    let s = store.as_os_str();
    let from_logs = comparable(json(&[hlz.as_os_str(), wlg.as_os_str()]));
    let from_store = json(&["report".as_ref(), "--store".as_ref(), s]);
    assert_eq!(from_store, from_logs);
    // `--store` without the word `report`, one node.
    let node = json(&["--store".as_ref(), s, "--node".as_ref(), "wlg".as_ref()]);
    assert_eq!(node, comparable(json(&[wlg.as_os_str()])));
    // --by-node: each node's report as from its logs alone.
    let by_node = json(&["--store".as_ref(), s, "--by-node".as_ref()]);
    let logs = json(&[hlz.as_os_str(), wlg.as_os_str(), "--by-node".as_ref()]);
    let (a, b) = (
        by_node["by_node"].as_array().unwrap(),
        logs["by_node"].as_array().unwrap(),
    );
    assert_eq!(a.len(), 2);
    for (a, b) in a.iter().zip(b) {
        assert_eq!(*a, comparable(b.clone()));
    }
    // A window narrows requests, visitors and failed lines as it does for logs: every
    // field is equal, the lines outside the window counted as excluded on both sides.
    let window = ["--since", "2019-01-01", "--until", "2019-01-02"].map(std::ffi::OsStr::new);
    let from_store = comparable(json(&[&window[..], &["--store".as_ref(), s]].concat()));
    let from_logs = comparable(json(
        &[&window[..], &[hlz.as_os_str(), wlg.as_os_str()]].concat(),
    ));
    for k in ["failed_requests", "excluded_requests", "log_size_bytes"] {
        assert!(from_store["summary"][k].as_u64().unwrap() > 0, "{k}");
    }
    assert_eq!(from_store, from_logs);
    assert!(from_store["summary"]["valid_requests"].as_u64().unwrap() > 0);
}

/// The panels only some formats fill (vhosts, remote users, MIME types, TLS, cache
/// status), through a store, by format: each store's report equals its log's.
#[test]
fn store_reports_equal_log_reports_in_every_panel() {
    let tmp = tempfile::tempdir().unwrap();
    let users = r#"%v:%^ %h %^ %e [%d:%t %^] "%r" %s %b "%R" "%u""#;
    for (generated, format) in [
        ("caddy", "CADDY"),
        ("cloudfront", "CLOUDFRONT"),
        ("vcombined", users),
    ] {
        let log = tmp.path().join(format!("{generated}.log"));
        let log_arg = log.to_str().unwrap();
        loggen(&[
            "--seed", "11", "single", "--lines", "4000", "--format", generated, log_arg,
        ]);
        let store = tmp.path().join(format!("{generated}-store"));
        ingest_as(&store, &log, "n", &["--log-format", format]);
        let from_logs = comparable(json(&[
            "--log-format".as_ref(),
            format.as_ref(),
            format!("n={}", log.display()).as_ref(),
        ]));
        let from_store = json(&["--store".as_ref(), store.as_os_str()]);
        for panel in fsmg_stats::aggregate::panels::NAMES {
            assert_eq!(from_store[panel], from_logs[panel], "{generated}: {panel}");
        }
        assert_eq!(from_store, from_logs, "{generated}");
        let filled = |p: &str| from_logs[p].as_array().is_some_and(|a| !a.is_empty());
        let expected: &[&str] = match generated {
            "caddy" => &["vhosts", "mime_types"],
            "cloudfront" => &["vhosts", "tls", "cache_status"],
            _ => &["vhosts", "remote_users", "referring_sites"],
        };
        for p in expected {
            assert!(filled(p), "{generated}: {p} is empty");
        }
    }
}

/// Every roll-up directory of a store: `month=YYYY-MM/FINGERPRINT` (all nodes) and
/// `month=YYYY-MM/node=NAME/FINGERPRINT`.
fn rollups(store: &Path) -> Vec<String> {
    fn walk(dir: &Path, rel: &str, found: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = format!("{rel}{}", e.file_name().to_string_lossy());
            if name.ends_with(".parquet") {
                found.push(rel.trim_end_matches('/').to_string());
                return;
            }
            walk(&e.path(), &format!("{name}/"), found);
        }
    }
    let mut found = Vec::new();
    walk(&store.join("rollup"), "", &mut found);
    found.sort();
    found
}

/// A store report's JSON, and the same report read from the daily tables only (roll-ups
/// moved away for it).
fn with_and_without_rollups(store: &Path, args: &[&str]) -> (serde_json::Value, serde_json::Value) {
    let run = || {
        json_of(
            fsmg()
                .args(["--format", "json", "-q", "--top", "25", "--store"])
                .arg(store)
                .args(args),
        )
    };
    let with = run();
    let aside = store.with_extension("rollup-aside");
    std::fs::rename(store.join("rollup"), &aside).unwrap();
    let without = run();
    std::fs::rename(&aside, store.join("rollup")).unwrap();
    (with, without)
}

#[test]
fn month_rollups_report_what_the_daily_tables_do() {
    let tmp = tempfile::tempdir().unwrap();
    let all = tmp.path().join("all.log");
    let truth = tmp.path().join("truth.json");
    // 75 days from 2018-12-31: December (one day), January, February and March (the
    // newest month, still growing) are rolled up.
    loggen(&[
        "--truth".as_ref(),
        truth.as_os_str(),
        "single".as_ref(),
        "--lines".as_ref(),
        "20000".as_ref(),
        "--days".as_ref(),
        "75".as_ref(),
        all.as_os_str(),
    ]);
    let truth: serde_json::Value = serde_json::from_slice(&std::fs::read(&truth).unwrap()).unwrap();
    // Alternate lines to two nodes, so that visitors span both.
    let text = std::fs::read(&all).unwrap();
    let (mut hlz, mut wlg) = (Vec::new(), Vec::new());
    for (i, line) in text.split_inclusive(|&b| b == b'\n').enumerate() {
        let node = if i % 2 == 0 { &mut hlz } else { &mut wlg };
        node.extend_from_slice(line);
    }
    let store = tmp.path().join("store");
    let ingest = |node: &str, log: &[u8]| {
        let path = tmp.path().join(format!("{node}.log"));
        std::fs::write(&path, log).unwrap();
        ingest_as(&store, &path, node, &[]);
    };

    ingest("hlz", &hlz);
    let hlz_only = rollups(&store);
    let months: Vec<&str> = hlz_only.iter().map(|r| &r[..13]).collect();
    assert_eq!(
        months,
        [
            "month=2018-12",
            "month=2019-01",
            "month=2019-02",
            "month=2019-03"
        ]
    );
    let (with, without) = with_and_without_rollups(&store, &["--node", "hlz"]);
    assert_eq!(with, without);
    let old = tmp.path().join("hlz-rollups");
    copy_dir(&store.join("rollup"), &old);

    ingest("wlg", &wlg);
    // Each month's roll-up rebuilt from both nodes' parts, the old ones gone.
    // Each month: both nodes' roll-up, and each node's.
    let both = rollups(&store);
    assert_eq!(both.len(), 12, "{both:?}");
    assert!(both.iter().all(|r| !hlz_only.contains(r)), "{both:?}");
    for args in [
        &[][..],
        &["--since", "2019-01-01", "--until", "2019-02-28"],
        &["--since", "2019-01-10"],
        &["--node", "wlg"],
        &["--by-node"],
    ] {
        let (with, without) = with_and_without_rollups(&store, args);
        assert_eq!(with, without, "{args:?}");
    }
    let (from_store, _) = with_and_without_rollups(&store, &[]);
    // As from the two nodes' logs (and so as the generator's truth, but for its one node).
    let logs: Vec<std::ffi::OsString> = ["hlz", "wlg"]
        .map(|n| format!("{n}={}", tmp.path().join(format!("{n}.log")).display()).into())
        .into();
    let logs = comparable(json(
        &logs.iter().map(|s| s.as_os_str()).collect::<Vec<_>>(),
    ));
    assert!(
        from_store == logs,
        "the store's report differs from the logs'"
    );
    let mut one_node = from_store.clone();
    one_node["nodes"] = comparable(json(&[all.as_os_str()]))["nodes"].take();
    assert_matches_truth(&one_node, &truth);

    // Roll-ups of other parts (hlz's alone) are never used: the numbers stay both nodes'.
    for r in &both {
        std::fs::remove_dir_all(store.join("rollup").join(r)).unwrap();
    }
    for r in &hlz_only {
        copy_dir(&old.join(r), &store.join("rollup").join(r));
    }
    let stale = json(&["--store".as_ref(), store.as_os_str()]);
    assert_eq!(stale, from_store);

    // A damaged roll-up costs time, not numbers: the daily tables serve, with a warning.
    // (Which shows that both reports read the roll-up meant for them.)
    ingest("wlg", b"");
    let current = rollups(&store);
    assert_eq!(current, both, "the next ingest rebuilds what was stale");
    let wlg_alone = json(&[
        "--store".as_ref(),
        store.as_os_str(),
        "--node".as_ref(),
        "wlg".as_ref(),
    ]);
    for (prefix, args) in [
        ("month=2019-01/", &[][..]),
        ("month=2019-01/node=wlg/", &["--node", "wlg"]),
    ] {
        let damaged = (current.iter())
            .find(|r| r.strip_prefix(prefix).is_some_and(|fp| !fp.contains('/')))
            .unwrap();
        std::fs::write(
            store.join("rollup").join(damaged).join("files.parquet"),
            b"not parquet",
        )
        .unwrap();
        let out = fsmg()
            .args(["--format", "json", "--top", "25", "--store"])
            .arg(&store)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("warning") && stderr.contains("files.parquet"),
            "{stderr}"
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            &report,
            if args.is_empty() {
                &from_store
            } else {
                &wlg_alone
            }
        );
    }
}
