//! Stores written by earlier releases keep reporting as they did: the fixture in
//! `tests/data/store-2026-12-02` (how it was made: its README) and its reports then.

use serde_json::Value;

use crate::util::*;

/// Every field of `then` is in `now` with the same value (fields may be added, never
/// changed or removed), but the generator's version.
fn assert_keeps(then: &Value, now: &Value, at: &str) {
    match (then, now) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let here = format!("{at}.{k}");
                let new = b
                    .get(k)
                    .unwrap_or_else(|| panic!("{here}: no longer reported"));
                if k == "generator" {
                    assert_eq!(v["name"], new["name"], "{here}");
                    continue;
                }
                assert_keeps(v, new, &here);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(
                a.len(),
                b.len(),
                "{at}: {} rows then, {} now",
                a.len(),
                b.len()
            );
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                assert_keeps(x, y, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(then, now, "{at}"),
    }
}

#[test]
fn the_store_of_2026_12_02_reports_as_it_did() {
    let fixture = repo().join("tests/data/store-2026-12-02");
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    copy_dir(&fixture.join("store"), &store);
    let store = store.to_str().unwrap();
    let window = [
        "--node",
        "wlg",
        "--since",
        "2019-01-01",
        "--until",
        "2019-01-02",
    ];
    for (args, file) in [
        (&["--by-node"][..], "report.json"),
        (&window[..], "report-wlg-window.json"),
    ] {
        let now = report(&[&["report", "--store", store][..], args].concat());
        let then: Value =
            serde_json::from_slice(&std::fs::read(fixture.join(file)).unwrap()).unwrap();
        assert!(then["summary"]["valid_requests"].as_u64() > Some(0));
        assert_keeps(&then, &now, file);
    }
}

#[test]
fn a_changed_field_is_caught() {
    let then: Value =
        serde_json::json!({"a": {"b": [1, 2]}, "generator": {"name": "x", "version": "1"}});
    let same: Value =
        serde_json::json!({"a": {"b": [1, 2], "c": 3}, "generator": {"name": "x", "version": "2"}});
    assert_keeps(&then, &same, "");
    for changed in [
        serde_json::json!({"a": {"b": [1, 3]}, "generator": {"name": "x"}}),
        serde_json::json!({"a": {"b": [1]}, "generator": {"name": "x"}}),
        serde_json::json!({"a": {}, "generator": {"name": "x"}}),
    ] {
        let caught = std::panic::catch_unwind(|| assert_keeps(&then, &changed, ""));
        assert!(caught.is_err(), "{changed}");
    }
}

/// Every file under `dir` with its bytes.
fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            files.extend(tree(&path));
        } else {
            files.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    files
}

#[test]
fn an_older_store_is_upgraded_and_a_newer_one_refused() {
    let fixture = repo().join("tests/data/store-2026-12-02");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&fixture.join("store"), &dir);
    let store = dir.to_str().unwrap();
    let hlz = repo().join("sample-logs/hlz");

    // Written before formats were numbered: ingest records the format and goes on (the
    // logs are all in already: a quiet night), and the store reports as before.
    assert!(!dir.join("store.json").exists());
    fsmg()
        .args(["ingest", "-q", "--store", store, "--node", "hlz"])
        .arg(&hlz)
        .assert()
        .success();
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("store.json")).unwrap()).unwrap();
    assert_eq!(file["format"], 1, "{file}");
    let then: Value =
        serde_json::from_slice(&std::fs::read(fixture.join("report.json")).unwrap()).unwrap();
    assert_keeps(
        &then,
        &report(&["report", "--store", store, "--by-node"]),
        "upgraded",
    );

    // Newer than this release: every command refuses it, names the file and the release
    // that wrote it, and changes nothing.
    let newer = r#"{"format": 99, "written_by": "fsmg-stats 99.0.0"}"#;
    std::fs::write(dir.join("store.json"), newer).unwrap();
    let before = tree(&dir);
    let ingest = ["ingest", "--store", store, "--node", "hlz"];
    let mut runs: Vec<Vec<&str>> = vec![
        ingest.to_vec(),
        vec!["report", "--store", store],
        vec!["--store", store],
        vec!["sponsor", "--store", store],
    ];
    runs[0].push(hlz.to_str().unwrap());
    for args in runs {
        let out = fsmg().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("store.json") && err.contains("format 99") && err.contains("99.0.0"),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert!(tree(&dir) == before, "a refused store was changed");
}
