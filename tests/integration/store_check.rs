//! `fsmg-stats store check`: each kind of damage found alone, with its file named and a
//! non-zero exit; a sound store passes; nothing is ever changed.

use std::path::Path;

use crate::util::*;

/// A fresh copy of the fixture store, brought up to date by an ingest (of nothing: its
/// newest month, January, is rolled up now) and damaged by `damage`; the check's exit
/// code and output, with the store checked unchanged by it.
fn check_after(damage: impl FnOnce(&Path)) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&repo().join("tests/data/store-2026-12-02/store"), &dir);
    let empty = tmp.path().join("empty.log");
    std::fs::write(&empty, b"").unwrap();
    ingest_as(&dir, &empty, "hlz", &[]);
    damage(&dir);
    let before = tree(&dir);
    let out = fsmg().args(["store", "check"]).arg(&dir).output().unwrap();
    assert!(tree(&dir) == before, "store check changed the store");
    let text = String::from_utf8_lossy(&out.stdout).replace(dir.to_str().unwrap(), "DIR");
    (out.status.code(), text)
}

/// Drops `part` from the state's committed list.
fn uncommit(dir: &Path, part: &str) {
    let path = dir.join("state.json");
    let mut state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let parts = state["parts"].as_array_mut().unwrap();
    let n = parts.len();
    parts.retain(|p| p != part);
    assert_eq!(parts.len(), n - 1, "{part} was committed");
    std::fs::write(&path, serde_json::to_vec(&state).unwrap()).unwrap();
}

#[test]
fn a_sound_store_passes() {
    let (code, out) = check_after(|_| {});
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out, "DIR: 112 committed parts read; 0 problems, 0 notes\n");
}

#[test]
fn roll_ups_of_an_older_release_are_notes() {
    // As the fixture was written: by a release that left the newest month to daily tables
    // and rolled up December in the tables of its day.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&repo().join("tests/data/store-2026-12-02/store"), &dir);
    let out = fsmg().args(["store", "check"]).arg(&dir).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let notes = |what: &str| {
        (text.lines())
            .filter(|l| l.starts_with("note: ") && l.contains(what))
            .count()
    };
    // All nodes' December and January, and each node's.
    assert_eq!(notes("2018-12 ("), 3, "{text}");
    assert_eq!(notes("2019-01 ("), 3, "{text}");
    assert_eq!(notes("is not rolled up"), 6, "{text}");
    assert_eq!(notes("in an older release's tables"), 3, "{text}");
    assert!(text.ends_with(" 0 problems, 9 notes\n"), "{text}");
}

#[test]
fn a_deleted_part_is_found() {
    let part = "daily/files/date=2019-01-02/node=hlz/part-000003.parquet";
    let (code, out) = check_after(|dir| std::fs::remove_file(dir.join(part)).unwrap());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "problem: DIR/{part}: listed in state.json, but missing"
        )),
        "{out}"
    );
    assert!(out.ends_with("1 problem, 0 notes\n"), "{out}");
}

#[test]
fn truncated_parts_are_found() {
    for part in [
        "requests/date=2019-01-01/node=wlg/part-000002.parquet",
        "daily/visitors/date=2019-01-03/node=hlz/part-000003.parquet",
    ] {
        let (code, out) = check_after(|dir| {
            let bytes = std::fs::read(dir.join(part)).unwrap();
            std::fs::write(dir.join(part), &bytes[..bytes.len() / 2]).unwrap();
        });
        assert_eq!(code, Some(1), "{out}");
        assert!(
            out.contains(&format!("problem: DIR/{part}: not a whole Parquet file")),
            "{out}"
        );
        assert!(out.ends_with("1 problem, 0 notes\n"), "{out}");
    }
}

#[test]
fn a_stale_roll_up_is_found() {
    // December's parts change after its roll-up was built (as when an ingest is killed
    // between its commit and the roll-up): the roll-ups no longer match.
    let part = "daily/hours/date=2018-12-31/node=wlg/part-000002.parquet";
    let (code, out) = check_after(|dir| uncommit(dir, part));
    assert_eq!(code, Some(1), "{out}");
    let stale: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("stale roll-up"))
        .collect();
    // All nodes' December and wlg's; hlz's own is still built from its committed parts.
    assert_eq!(stale.len(), 2, "{out}");
    assert!(
        stale
            .iter()
            .all(|l| l.starts_with("problem: DIR/rollup/month=2018-12/")),
        "{out}"
    );
    assert!(
        out.contains(&format!("note: DIR/{part}: not in state.json")),
        "{out}"
    );
    assert!(out.contains("is not rolled up"), "{out}");
}

#[test]
fn a_damaged_state_is_a_problem_and_a_non_store_a_usage_error() {
    let (code, out) = check_after(|dir| std::fs::write(dir.join("state.json"), "{").unwrap());
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("problem: DIR/state.json: "), "{out}");

    let tmp = tempfile::tempdir().unwrap();
    let out = fsmg()
        .args(["store", "check"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a store"));
    std::fs::write(
        tmp.path().join("store.json"),
        r#"{"format": 99, "written_by": "x"}"#,
    )
    .unwrap();
    let out = fsmg()
        .args(["store", "check"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("format 99"));
}
