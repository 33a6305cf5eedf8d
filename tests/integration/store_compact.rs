//! `fsmg-stats store compact`: a day's parts merged into one leave every report as it was,
//! and so does a compaction killed at any moment (as ingest's SIGKILL test, for compact).

use std::path::Path;

use serde_json::Value;

use crate::util::*;

fn store_report(store: &Path) -> Value {
    report(&["report", "--store", store.to_str().unwrap()])
}

fn parquet_files(store: &Path) -> usize {
    let mut n = 0;
    let mut dirs = vec![store.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            match p.is_dir() {
                true => dirs.push(p),
                false => n += usize::from(p.extension().is_some_and(|x| x == "parquet")),
            }
        }
    }
    n
}

fn check_is_clean(store: &Path) {
    let out = fsmg().args(["store", "check"]).arg(store).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains(" 0 problems, 0 notes"),
        "{text}"
    );
}

#[test]
fn compacting_merges_each_days_parts_and_changes_no_report() {
    let tmp = tempfile::tempdir().unwrap();
    let store = split_store(tmp.path());
    let before = store_report(&store);
    let january = report(&[
        "report",
        "--store",
        store.to_str().unwrap(),
        "--since",
        "2019-01-05",
    ]);
    let files = parquet_files(&store);

    // By default, every month but the newest: December's one day.
    fsmg()
        .args(["store", "compact"])
        .arg(&store)
        .assert()
        .success();
    let after_december = parquet_files(&store);
    assert!(after_december < files, "{files} → {after_december}");
    fsmg()
        .args(["store", "compact", "--month", "2019-01"])
        .arg(&store)
        .assert()
        .success();
    let after = parquet_files(&store);
    // 13 January days: 14 tables and the rows, two parts each → one.
    assert!(
        after <= after_december - 13 * 14,
        "{after_december} → {after}"
    );
    assert_eq!(store_report(&store), before);
    let now = report(&[
        "report",
        "--store",
        store.to_str().unwrap(),
        "--since",
        "2019-01-05",
    ]);
    assert_eq!(now, january);
    check_is_clean(&store);

    // Nothing left to merge: a second run changes nothing.
    let out = fsmg()
        .args(["store", "compact", "--month", "2019-01"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("compacted 0 parts into 0"));
    assert_eq!(parquet_files(&store), after);
}

#[test]
fn a_compaction_killed_at_any_moment_changes_no_report() {
    let tmp = tempfile::tempdir().unwrap();
    let prepared = split_store(tmp.path());
    let before = store_report(&prepared);
    let compact = |store: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_fsmg-stats"))
            .args(["store", "compact", "--month", "2019-01"])
            .arg(store)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long one takes here, to spread the kill points over one (not a timing test).
    let clean = tmp.path().join("clean");
    copy_dir(&prepared, &clean);
    let started = std::time::Instant::now();
    assert!(compact(&clean).wait().unwrap().success());
    let run = started.elapsed();

    let (mut killed, mut tries) = (0, 0);
    while killed < 12 {
        tries += 1;
        assert!(
            tries <= 40,
            "only {killed} of {tries} compactions were killed before finishing"
        );
        let store = tmp.path().join(format!("try-{tries}"));
        copy_dir(&prepared, &store);
        let mut child = compact(&store);
        // Kill points spread over a run: startup, merging, the commit, deletions, roll-ups.
        std::thread::sleep(run * (tries % 12) / 12);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();
        assert_eq!(store_report(&store), before, "killed after {tries}");
        // The next compaction finishes the job, and leaves nothing behind.
        assert!(compact(&store).wait().unwrap().success());
        assert_eq!(store_report(&store), before);
        check_is_clean(&store);
        std::fs::remove_dir_all(&store).unwrap();
    }
}

#[test]
fn a_day_whose_tables_come_from_different_runs_is_left_whole() {
    // The first run of 2019-01-05 had no `panels` table (written by a release before it):
    // merging the day's other parts would leave its panels named after neither. The same
    // for `addresses`, the first table by name.
    for table in ["panels", "addresses"] {
        left_whole_without(table);
    }
}

fn left_whole_without(table: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let store = split_store(tmp.path());
    let part = format!("daily/{table}/date=2019-01-05/node=hlz/part-000001.parquet");
    let state_path = store.join("state.json");
    let mut state: Value = serde_json::from_slice(&std::fs::read(&state_path).unwrap()).unwrap();
    state["parts"]
        .as_array_mut()
        .unwrap()
        .retain(|p| *p != part);
    std::fs::write(&state_path, serde_json::to_vec(&state).unwrap()).unwrap();
    std::fs::remove_file(store.join(&part)).unwrap();
    let before = store_report(&store);
    assert_eq!(
        before["coverage"][0]["missing_dates"],
        serde_json::json!(["2019-01-05"])
    );

    let out = fsmg()
        .args(["store", "compact", "--month", "2019-01"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("date=2019-01-05/node=hlz: "), "{err}");
    assert_eq!(store_report(&store), before);
    let day = store.join("requests/date=2019-01-05/node=hlz");
    assert_eq!(std::fs::read_dir(day).unwrap().count(), 2);
}
