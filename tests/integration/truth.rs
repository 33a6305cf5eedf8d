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

/// Nodes by directory name, and heavy hitters (addresses shown on request) with the
/// generator's per-address numbers, ranked correctly.
#[test]
fn sample_nodes_and_heavy_hitters_match_their_truth() {
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("tests/data/sample-logs.truth.json")).unwrap(),
    )
    .unwrap();
    let r = report(&["--show-ips", repo().join("sample-logs").to_str().unwrap()]);
    let names: Vec<&str> = r["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["wlg", "hlz"]);
    let mut by_ip = std::collections::HashMap::new();
    for a in truth["addresses"].as_array().unwrap() {
        by_ip.insert(a["ip"].as_str().unwrap().to_string(), a);
    }
    for (table, key) in [
        ("clients_by_bytes", "bytes"),
        ("clients_by_requests", "requests"),
    ] {
        let rows = r["heavy_hitters"][table].as_array().unwrap();
        assert_eq!(rows.len(), 10, "{table}");
        for row in rows {
            let t = by_ip[row["ip"].as_str().unwrap()];
            for f in ["requests", "bytes", "not_found"] {
                assert_eq!(row[f], t[f], "{table} {f}");
            }
        }
        // Nobody left out has more than the last one shown.
        let last = rows.last().unwrap()[key].as_u64().unwrap();
        let shown: Vec<&str> = rows.iter().map(|r| r["ip"].as_str().unwrap()).collect();
        let above = by_ip
            .iter()
            .filter(|(ip, t)| !shown.contains(&ip.as_str()) && t[key].as_u64().unwrap() > last)
            .count();
        assert_eq!(above, 0, "{table}");
    }
    // Without --show-ips, no address anywhere in the report.
    let hidden = report(&[repo().join("sample-logs").to_str().unwrap()]);
    let text = hidden.to_string();
    for ip in by_ip.keys() {
        assert!(!text.contains(&format!("\"{ip}\"")), "{ip} shown");
        assert!(!text.contains(&format!("{ip} -")), "{ip} shown in a sample");
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
