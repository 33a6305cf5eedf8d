//! Reports equal the generator's independently computed truth, for every way of feeding
//! the same lines: plain, gzip, multi-member gzip, standard input, 1 or 2 threads.

use crate::util::*;

#[test]
fn bundled_sample_logs_match_their_truth() {
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("tests/data/sample-logs.truth.json")).unwrap(),
    )
    .unwrap();
    let dir = repo().join("sample-logs");
    for threads in ["1", "2"] {
        let r = report(&["-j", threads, dir.to_str().unwrap()]);
        assert_matches_truth(&r, &truth);
        assert_eq!(r["inputs"].as_array().unwrap().len(), 8);
    }
}

#[test]
fn generated_log_in_every_encoding() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("access.log");
    let truth = generate(&plain, 30_000, 7);
    let data = std::fs::read(&plain).unwrap();

    let gz = tmp.path().join("access.log.gz");
    std::fs::write(&gz, gzip(&data)).unwrap();
    let multi = tmp.path().join("access.log.multi.gz");
    let cut = data.len() / 3 + 17; // mid-line: members need not end on a line
    let mut m = gzip(&data[..cut]);
    m.extend(gzip(&data[cut..]));
    std::fs::write(&multi, m).unwrap();

    for path in [&plain, &gz, &multi] {
        for threads in ["1", "2"] {
            let r = report(&["-j", threads, path.to_str().unwrap()]);
            assert_matches_truth(&r, &truth);
        }
    }
    // Standard input, gzip detected by its magic bytes.
    let out = fsmg()
        .args(["--format", "json", "-"])
        .write_stdin(std::fs::read(&gz).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_matches_truth(&serde_json::from_slice(&out.stdout).unwrap(), &truth);
}
