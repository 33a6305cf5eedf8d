//! Stores written by earlier releases keep reporting as they did: the fixture in
//! `tests/data/store-2026-12-02` (how it was made: its README) and its reports then.

use std::path::Path;
use std::sync::Arc;

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

/// Drops the committed parts of `tables` for `days` from the store at `dir` (parts and
/// state), as a store written before those tables existed has them, and its roll-ups.
fn drop_tables(dir: &std::path::Path, tables: &[&str], days: &[&str]) {
    let state_path = dir.join("state.json");
    let mut state: Value = serde_json::from_slice(&std::fs::read(&state_path).unwrap()).unwrap();
    let parts = state["parts"].as_array_mut().unwrap();
    parts.retain(|p| {
        let p = p.as_str().unwrap();
        let gone = tables.iter().any(|t| p.starts_with(&format!("daily/{t}/")))
            && days.iter().any(|d| p.contains(&format!("/date={d}/")));
        if gone {
            std::fs::remove_file(dir.join(p)).unwrap();
        }
        !gone
    });
    std::fs::write(&state_path, serde_json::to_vec_pretty(&state).unwrap()).unwrap();
    if dir.join("rollup").exists() {
        std::fs::remove_dir_all(dir.join("rollup")).unwrap();
    }
}

#[test]
fn days_without_a_table_are_named_and_never_counted_as_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    copy_dir(&repo().join("tests/data/store-2026-12-02/store"), &dir);
    let store = dir.to_str().unwrap();
    // A store that got its panels on 2019-01-02, and content a day later.
    drop_tables(
        &dir,
        &["panels", "panel_visitors"],
        &["2018-12-31", "2019-01-01"],
    );
    drop_tables(
        &dir,
        &["content"],
        &["2018-12-31", "2019-01-01", "2019-01-02"],
    );
    let report_of = |args: &[&str]| report(&[&["report", "--store", store][..], args].concat());

    // Some days lack them: the fields count the others, and say which days they lack.
    let all = report_of(&[]);
    let coverage = all["coverage"].as_array().unwrap();
    let tables: Vec<&str> = coverage
        .iter()
        .map(|c| c["table"].as_str().unwrap())
        .collect();
    assert_eq!(
        tables,
        ["content", "panels", "panel_visitors"],
        "{coverage:?}"
    );
    assert_eq!(
        coverage[1]["missing_dates"],
        serde_json::json!(["2018-12-31", "2019-01-01"])
    );
    assert!(
        coverage[1]["fields"]
            .as_array()
            .unwrap()
            .contains(&"referrers".into())
    );
    let covered = report_of(&["--since", "2019-01-02"]);
    let partly = covered["coverage"].as_array().unwrap();
    assert_eq!(partly.len(), 1, "{partly:?}");
    assert_eq!(partly[0]["table"], "content");
    assert_eq!(
        partly[0]["missing_dates"],
        serde_json::json!(["2019-01-02"])
    );
    for field in ["referrers", "static_files", "not_found", "browsers"] {
        assert_eq!(all[field], covered[field], "{field}");
        assert!(!all[field].as_array().unwrap().is_empty(), "{field}");
    }
    assert_eq!(
        all["summary"]["unique_referrers"],
        covered["summary"]["unique_referrers"]
    );
    // Other fields are the whole period's, as before.
    let then: Value = serde_json::from_slice(
        &std::fs::read(repo().join("tests/data/store-2026-12-02/report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        all["summary"]["valid_requests"],
        then["summary"]["valid_requests"]
    );
    assert_eq!(
        all["summary"]["unique_visitors"],
        then["summary"]["unique_visitors"]
    );

    // No day of the period has them: null, not empty lists and zeros.
    let early = report_of(&["--until", "2019-01-01"]);
    for field in [
        "vhosts",
        "referrers",
        "referring_sites",
        "not_found",
        "static_files",
    ] {
        assert!(early[field].is_null(), "{field}: {}", early[field]);
    }
    for field in ["operating_systems", "browsers", "remote_users", "content"] {
        assert!(early[field].is_null(), "{field}: {}", early[field]);
    }
    for field in [
        "unique_referrers",
        "unique_not_found",
        "unique_static_files",
    ] {
        assert!(early["summary"][field].is_null(), "{field}");
    }
    assert!(early["clients"].as_array().is_some_and(|c| !c.is_empty()));
    assert!(early["summary"]["unique_visitors"].as_u64() > Some(0));

    // The text report says so too.
    let out = fsmg()
        .args(["report", "--store", store, "--until", "2019-01-01"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no `panels` table for 2 days") && err.contains("2018-12-31"),
        "{err}"
    );
}

/// Removes the visitor numbers (`vid`) from the daily parts of `store` whose name ends
/// with `suffix`, as parts written before 2026-12-02 have none; returns how many.
fn strip_visitor_numbers(store: &Path, suffix: &str) -> usize {
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let mut stripped = 0;
    for path in tree(&store.join("daily")).into_keys() {
        if !path.to_str().unwrap().ends_with(suffix) {
            continue;
        }
        let file = std::fs::File::open(&path).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
        let schema = reader.schema().clone();
        let Ok(vid) = schema.index_of("vid") else {
            continue;
        };
        let keep: Vec<usize> = (0..schema.fields().len()).filter(|&i| i != vid).collect();
        let batches: Vec<_> = reader
            .build()
            .unwrap()
            .map(|b| b.unwrap().project(&keep).unwrap())
            .collect();
        let file = std::fs::File::create(&path).unwrap();
        let mut w =
            ArrowWriter::try_new(file, Arc::new(schema.project(&keep).unwrap()), None).unwrap();
        for b in &batches {
            w.write(b).unwrap();
        }
        w.close().unwrap();
        stripped += 1;
    }
    stripped
}

#[test]
fn parts_without_visitor_numbers_report_as_numbered_parts() {
    let tmp = tempfile::tempdir().unwrap();
    // Every day in two parts (two runs), so that a day can have one of each kind.
    let store = split_store(tmp.path());
    let s = store.to_str().unwrap();
    let reports = || {
        [
            report(&["report", "--store", s, "--by-node"]),
            json_of(
                fsmg()
                    .args(["report", "--store", s, "--since", "2019-01-05"])
                    .args(["--top", "3", "--format", "json", "-q"]),
            ),
        ]
    };
    let numbered = reports();
    // Visitors, file visitors, panel visitors, downloads: a table each, per part.
    assert_eq!(strip_visitor_numbers(&store, "part-000001.parquet"), 4 * 14);
    assert!(reports() == numbered, "one part of each day keyed");
    assert_eq!(strip_visitor_numbers(&store, ".parquet"), 4 * 14);
    assert!(reports() == numbered, "every part keyed");
}
