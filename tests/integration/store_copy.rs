//! Copying a live store (docs/store.md, "Copying a store"): parts never change once they
//! have their name, so a copy that takes `state.json` first, then the parts it lacks, then
//! puts that `state.json` in place, reports exactly the committed days of that state,
//! whatever an ingest running meanwhile does.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

use crate::util::*;

/// One copy by the documented rule; returns the `state.json` it installed, if any.
fn copy_store(from: &Path, to: &Path) -> Option<Vec<u8>> {
    let state = std::fs::read(from.join("state.json")).ok()?;
    std::fs::create_dir_all(to).unwrap();
    let mut dirs = vec![from.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        // A directory may vanish while we walk it (an old roll-up, pruned): skip it.
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = e.path();
            let rel = path.strip_prefix(from).unwrap();
            let name = rel.to_string_lossy();
            if name == "state.json" || name == ".lock" {
                continue;
            }
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let target = to.join(rel);
            if !target.exists() {
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                // Copied under a temporary name and renamed, as a sync tool does.
                let tmp = target.with_extension("copying");
                if std::fs::copy(&path, &tmp).is_ok() {
                    std::fs::rename(&tmp, &target).unwrap();
                }
            }
        }
    }
    std::fs::write(to.join("state.json.new"), &state).unwrap();
    std::fs::rename(to.join("state.json.new"), to.join("state.json")).unwrap();
    Some(state)
}

fn store_report(store: &Path) -> Value {
    report(&["report", "--store", store.to_str().unwrap(), "--by-node"])
}

#[test]
fn a_copy_taken_while_ingest_runs_reports_its_committed_days() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("source");
    let logs = repo().join("sample-logs");
    let runs: Vec<(&str, Vec<std::path::PathBuf>)> = vec![
        ("hlz", vec![logs.join("hlz/access.log.3.gz")]),
        (
            "wlg",
            vec![
                logs.join("wlg/access.log.3.gz"),
                logs.join("wlg/access.log.2.gz"),
            ],
        ),
        ("hlz", vec![logs.join("hlz")]),
        ("wlg", vec![logs.join("wlg")]),
    ];
    let done = AtomicBool::new(false);
    // The report of each committed state, by its state.json.
    let mut committed: BTreeMap<Vec<u8>, Value> = BTreeMap::new();
    let copies = std::thread::scope(|s| {
        let copier = s.spawn(|| {
            let mut copies = Vec::new();
            for n in 0.. {
                // The copy that starts after the last commit is the last one.
                let last = done.load(Ordering::SeqCst);
                let to = tmp.path().join(format!("copy-{n}"));
                if let Some(state) = copy_store(&source, &to) {
                    copies.push((state, store_report(&to)));
                }
                if last {
                    break;
                }
            }
            copies
        });
        for (node, paths) in &runs {
            fsmg()
                .args([
                    "ingest",
                    "-q",
                    "--store",
                    source.to_str().unwrap(),
                    "--node",
                    node,
                ])
                .args(paths)
                .assert()
                .success();
            let state = std::fs::read(source.join("state.json")).unwrap();
            committed.insert(state, store_report(&source));
        }
        done.store(true, Ordering::SeqCst);
        copier.join().unwrap()
    });
    assert_eq!(committed.len(), runs.len());
    assert!(copies.len() >= 2, "{} copies", copies.len());
    for (i, (state, copy)) in copies.iter().enumerate() {
        let want = committed
            .get(state)
            .expect("a copy installs a committed state");
        assert!(
            copy == want,
            "copy {i} differs from the report of its state"
        );
    }
    // The last copies saw the last state: the whole store.
    let last = &copies.last().unwrap().1;
    assert!(
        last["summary"]["valid_requests"].as_u64() == Some(4099),
        "{}",
        last["summary"]
    );
}

#[test]
fn a_state_read_after_the_parts_may_name_parts_the_copy_lacks() {
    // The rule's reason: parts copied, then an ingest commits, then its state.json is
    // copied: the copy's state lists parts it does not have.
    let tmp = tempfile::tempdir().unwrap();
    let (source, copy) = (tmp.path().join("source"), tmp.path().join("copy"));
    let logs = repo().join("sample-logs/hlz");
    let ingest = |paths: &[std::path::PathBuf]| {
        fsmg()
            .args([
                "ingest",
                "-q",
                "--store",
                source.to_str().unwrap(),
                "--node",
                "hlz",
            ])
            .args(paths)
            .assert()
            .success();
    };
    ingest(&[logs.join("access.log.3.gz")]);
    copy_store(&source, &copy);
    ingest(std::slice::from_ref(&logs));
    std::fs::copy(source.join("state.json"), copy.join("state.json")).unwrap();
    let out = fsmg().args(["store", "check"]).arg(&copy).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("listed in state.json, but missing"));
}
