//! Hostile stores: damaged parts and state, links out of the store, numbers no release
//! writes. Reports, `store check` and ingests give an error naming the file, never panic,
//! and never write outside the store; `--node` names that are paths are refused.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, UInt32Array};

use crate::util::*;

const FILES: &str = "daily/files/date=2019-01-02/node=hlz/part-000003.parquet";

/// A copy of the fixture store, with a log of one more day beside it and a file outside it
/// (holding `OUTSIDE`) for damage to point at.
struct Hostile {
    _tmp: tempfile::TempDir,
    store: PathBuf,
    log: PathBuf,
    outside: PathBuf,
}

const OUTSIDE: &[u8] = b"not part of any store\n";

fn hostile() -> Hostile {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    copy_dir(&repo().join("tests/data/store-2026-12-02/store"), &store);
    let log = tmp.path().join("more.log");
    std::fs::write(
        &log,
        "203.0.113.9 - - [04/Jan/2019:10:00:00 +1300] \"GET /debian/ls-lR.gz HTTP/1.1\" 200 512 \"-\" \"curl/8.5\"\n",
    )
    .unwrap();
    let outside = tmp.path().join("outside");
    std::fs::write(&outside, OUTSIDE).unwrap();
    Hostile {
        _tmp: tmp,
        store,
        log,
        outside,
    }
}

/// The report of the store, `store check` and an ingest into it: each output.
fn read_and_ingest(h: &Hostile) -> [(&'static str, Output); 3] {
    let report = fsmg()
        .args(["report", "-q", "--format", "json", "--store"])
        .arg(&h.store)
        .output()
        .unwrap();
    let check = fsmg()
        .args(["store", "check"])
        .arg(&h.store)
        .output()
        .unwrap();
    [
        ("report", report),
        ("store check", check),
        ("ingest", ingest(h)),
    ]
}

fn ingest(h: &Hostile) -> Output {
    fsmg()
        .args(["ingest", "-q", "--node", "hlz", "--store"])
        .arg(&h.store)
        .arg(&h.log)
        .output()
        .unwrap()
}

/// Each command failed (exit 1 or 2, no panic) and named `file`; the file outside is intact.
fn refused_naming(h: &Hostile, file: &Path, outputs: &[(&str, Output)]) {
    for (what, out) in outputs {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{what}: {:?}\n{text}",
            out.status
        );
        assert!(!text.contains("panicked"), "{what}: {text}");
        assert!(
            text.contains(&*file.to_string_lossy()),
            "{what} does not name {}: {text}",
            file.display()
        );
    }
    assert_eq!(std::fs::read(&h.outside).unwrap(), OUTSIDE);
}

#[test]
fn a_damaged_footer_is_named() {
    let h = hostile();
    let part = h.store.join(FILES);
    let mut bytes = std::fs::read(&part).unwrap();
    // The footer's length, just before the closing magic: now past the file's start.
    let n = bytes.len();
    bytes[n - 8..n - 4].copy_from_slice(&u32::MAX.to_le_bytes());
    std::fs::write(&part, bytes).unwrap();
    // The ingest commits its day, then fails to roll up January, which has this part.
    refused_naming(&h, &part, &read_and_ingest(&h));
}

/// A footer with a field no reader knows: a list of 2^31 - 1 booleans in a few bytes. The
/// Parquet reader skips it an element at a time, no byte each, for seconds (a few such
/// lists: minutes) and then reads the part; it is refused at once, by name.
#[test]
fn a_footer_declaring_billions_of_nothing_is_refused() {
    let h = hostile();
    let part = h.store.join(FILES);
    let mut bytes = std::fs::read(&part).unwrap();
    let n = bytes.len();
    let len = u32::from_le_bytes(bytes[n - 8..n - 4].try_into().unwrap()) as usize;
    // The footer's closing stop byte, then its length and the magic.
    assert_eq!(bytes[n - 9], 0);
    bytes.truncate(n - 9);
    // Field 100 (zigzag 200), a list; 0xf1: a long count of booleans, 2^31 - 1; then stop.
    let field = [0x09, 0xc8, 0x01, 0xf1, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00];
    bytes.extend(field);
    bytes.extend(((len + field.len() - 1) as u32).to_le_bytes());
    bytes.extend(b"PAR1");
    std::fs::write(&part, bytes).unwrap();
    let outputs = read_and_ingest(&h);
    refused_naming(&h, &part, &outputs);
    for (what, out) in &outputs {
        let text = String::from_utf8_lossy(&out.stderr) + String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("a damaged footer (2147483647 elements declared, 1 bytes left)"),
            "{what}: {text}"
        );
    }
}

#[test]
fn a_malformed_state_is_named() {
    let h = hostile();
    let state = h.store.join("state.json");
    let text = std::fs::read_to_string(&state).unwrap();
    std::fs::write(&state, &text[..text.len() / 2]).unwrap();
    refused_naming(&h, &state, &read_and_ingest(&h));
}

/// A state that lists a part outside the store: nothing reads, replaces or removes it.
#[test]
fn parts_named_outside_the_store_are_refused() {
    let h = hostile();
    let state = h.store.join("state.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    let parts = v["parts"].as_array_mut().unwrap();
    parts.push("daily/files/../../../outside".into());
    std::fs::write(&state, serde_json::to_vec(&v).unwrap()).unwrap();
    let outputs = read_and_ingest(&h);
    refused_naming(&h, &state, &outputs);
    for (_, out) in &outputs {
        let text = String::from_utf8_lossy(&out.stderr) + String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("is not a path inside the store"), "{text}");
    }
}

/// A part and the lock file replaced by links to a file outside: the part is refused by
/// name, and the file outside is neither read as a part nor emptied by the lock.
#[test]
fn links_out_of_the_store_are_refused_and_never_written_through() {
    let h = hostile();
    let part = h.store.join(FILES);
    std::fs::remove_file(&part).unwrap();
    std::os::unix::fs::symlink(&h.outside, &part).unwrap();
    let outputs = read_and_ingest(&h);
    refused_naming(&h, &part, &outputs[..2]);
    let text = String::from_utf8_lossy(&outputs[0].1.stderr);
    assert!(
        text.contains("a symbolic link, not a part of the store"),
        "{text}"
    );

    let lock = h.store.join(".lock");
    let _ = std::fs::remove_file(&lock);
    std::os::unix::fs::symlink(&h.outside, &lock).unwrap();
    refused_naming(&h, &lock, &[("ingest", ingest(&h))]);

    // A stray directory link (not in state.json) is removed as a link; what it points at
    // is not walked for strays to delete.
    std::fs::remove_file(&lock).unwrap();
    std::fs::remove_file(&part).unwrap();
    let elsewhere = h.outside.with_file_name("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("part-000001.parquet"), OUTSIDE).unwrap();
    let link = h.store.join("daily/files/date=2019-01-09");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    std::fs::copy(
        repo().join("tests/data/store-2026-12-02/store").join(FILES),
        &part,
    )
    .unwrap();
    ingest_as(&h.store, &h.log, "hlz", &[]);
    assert!(!link.exists(), "the stray link stays");
    assert_eq!(
        std::fs::read(elsewhere.join("part-000001.parquet")).unwrap(),
        OUTSIDE
    );
}

/// A daily part whose visitor numbers no release writes (one far past its rows): an error
/// naming the part, not an allocation of gigabytes.
#[test]
fn visitor_numbers_past_a_parts_rows_are_refused() {
    // The fixture's parts were written before visitors were numbered: a store of today's.
    let h = hostile();
    std::fs::remove_dir_all(&h.store).unwrap();
    let log = h.outside.with_file_name("access.log");
    generate(&log, 3000, 5);
    ingest_as(&h.store, &log, "hlz", &[]);
    let day = std::fs::read_dir(h.store.join("daily/visitors"))
        .unwrap()
        .next()
        .unwrap();
    let day = day.unwrap().path();
    let part = day.join("node=hlz/part-000001.parquet");
    // That day alone: read from its daily tables, not from a roll-up.
    let date = day.file_name().unwrap().to_str().unwrap()["date=".len()..].to_string();
    let file = std::fs::File::open(&part).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    let schema = batches[0].schema();
    let vid = schema.index_of("vid").unwrap();
    let damaged: Vec<RecordBatch> = batches
        .iter()
        .map(|b| {
            let mut columns: Vec<ArrayRef> = b.columns().to_vec();
            let n = b.num_rows() as u32;
            columns[vid] = Arc::new(UInt32Array::from_iter_values(
                (0..n).map(|i| if i == n / 2 { u32::MAX - 1 } else { i }),
            ));
            RecordBatch::try_new(schema.clone(), columns).unwrap()
        })
        .collect();
    let mut w =
        parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&part).unwrap(), schema, None)
            .unwrap();
    for b in &damaged {
        w.write(b).unwrap();
    }
    w.close().unwrap();
    let out = fsmg()
        .args([
            "report", "-q", "--format", "json", "--since", &date, "--until", &date,
        ])
        .arg("--store")
        .arg(&h.store)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    refused_naming(&h, &part, &[("report", out)]);
    assert!(text.contains("visitor number 4294967294 of"), "{text}");
}

#[test]
fn node_names_that_are_paths_are_refused() {
    let h = hostile();
    for node in ["../wlg", "a/b", "/tmp/x", "..", ".", ""] {
        for args in [
            vec!["ingest", "-q", "--node", node, "--store"],
            vec!["report", "-q", "--node", node, "--store"],
        ] {
            let out = fsmg().args(&args).arg(&h.store).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let text = String::from_utf8_lossy(&out.stderr);
            assert!(
                text.contains("a node name has only letters"),
                "{args:?}: {text}"
            );
        }
    }
    assert!(!h.store.with_file_name("wlg").exists());
}
