//! Mirror insights on hand-made logs whose numbers are known line by line: transfer speed
//! (serve time in the format), --ignore-crawlers, --by-node.

use crate::util::*;

const TIMED: &str = r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D"#;

fn line(ip: &str, path: &str, status: u16, bytes: u64, agent: &str, micros: u64) -> String {
    format!(
        "{ip} - - [31/Dec/2018:10:00:00 +1300] \"GET {path} HTTP/1.1\" {status} {bytes} \"-\" \"{agent}\" {micros}\n"
    )
}

#[test]
fn transfer_speed_median_and_p95_per_ip_version() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("access.log");
    let mut text = String::new();
    // IPv4: 23 MB/s and faster; IPv6: 300 KB/s. Responses of 1 MB or less are not measured.
    for (i, mbps) in [23, 24, 25, 26, 100].iter().enumerate() {
        text += &line(
            &format!("203.0.113.{i}"),
            "/x.iso",
            200,
            50_000_000,
            "curl/7.64.0",
            50_000_000 * 1_000_000 / (mbps * 1_000_000),
        );
    }
    for i in 0..3 {
        text += &line(
            &format!("2001:db8::{i}"),
            "/x.iso",
            206,
            3_000_000,
            "curl/7.64.0",
            10_000_000,
        );
    }
    text += &line(
        "203.0.113.9",
        "/small.deb",
        200,
        1_000_000,
        "curl/7.64.0",
        1,
    );
    std::fs::write(&log, text).unwrap();
    let r = report(&["--log-format", TIMED, "--no-geoip", log.to_str().unwrap()]);
    let t = &r["transfer_speed"];
    assert_eq!(t["min_bytes"], 1_000_000);
    let v: Vec<_> = t["ip_versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_u64().unwrap(),
                v["responses"].as_u64().unwrap(),
                v["median_bytes_per_sec"].as_u64().unwrap(),
                v["p95_bytes_per_sec"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        v,
        vec![(4, 5, 25_000_000, 100_000_000), (6, 3, 300_000, 300_000)]
    );
    // The same from a store: its rows keep the serve time.
    let store = tmp.path().join("store");
    fsmg()
        .args([
            "ingest",
            "-q",
            "--node",
            "a",
            "--no-geoip",
            "--log-format",
            TIMED,
            "--store",
        ])
        .arg(&store)
        .arg(&log)
        .assert()
        .success();
    let s = report(&["--store", store.to_str().unwrap()]);
    assert_eq!(s["transfer_speed"], r["transfer_speed"]);
    // Without serve time in the format there is nothing to measure.
    let plain = tmp.path().join("plain.log");
    std::fs::write(
        &plain,
        line("203.0.113.1", "/x.iso", 200, 5_000_000, "curl/7.64.0", 1)
            .rsplit_once(' ')
            .unwrap()
            .0
            .to_string()
            + "\n",
    )
    .unwrap();
    assert!(report(&[plain.to_str().unwrap()])["transfer_speed"].is_null());
    let untimed = tmp.path().join("untimed");
    fsmg()
        .args(["ingest", "-q", "--node", "a", "--store"])
        .arg(&untimed)
        .arg(&plain)
        .assert()
        .success();
    assert!(report(&["--store", untimed.to_str().unwrap()])["transfer_speed"].is_null());
}

#[test]
fn ignore_crawlers_moves_them_to_excluded() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("access.log");
    let bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    let text = [
        line(
            "203.0.113.1",
            "/a.deb",
            200,
            10,
            "Debian APT-HTTP/1.3 (2.2.4)",
            1,
        ),
        line("203.0.113.2", "/b.deb", 200, 20, bot, 1),
        line("203.0.113.2", "/c.deb", 404, 30, bot, 1),
    ]
    .concat();
    std::fs::write(&log, text).unwrap();
    let all = report(&["--log-format", TIMED, log.to_str().unwrap()]);
    assert_eq!(all["summary"]["valid_requests"], 3);
    assert_eq!(all["clients"][0]["name"], "crawler");
    let some = report(&[
        "--log-format",
        TIMED,
        "--ignore-crawlers",
        log.to_str().unwrap(),
    ]);
    assert_eq!(some["summary"]["valid_requests"], 1);
    assert_eq!(some["summary"]["excluded_requests"], 2);
    assert_eq!(some["summary"]["bandwidth_bytes"], 10);
    let c = &some["clients"][0];
    assert_eq!(
        (
            c["name"].as_str(),
            c["version"].as_str(),
            c["visitors"].as_u64()
        ),
        (Some("apt"), Some("2.2.4"), Some(1))
    );
    assert_eq!(some["clients"].as_array().unwrap().len(), 1);
}

#[test]
fn by_node_splits_every_table_and_totals_merge_exactly() {
    let dir = repo().join("sample-logs");
    let r = report(&["--by-node", dir.to_str().unwrap()]);
    let parts = r["by_node"].as_array().unwrap();
    let names: Vec<&str> = parts.iter().map(|p| p["node"].as_str().unwrap()).collect();
    assert_eq!(names, ["hlz", "wlg"]);
    for (p, node) in parts.iter().zip(["hlz", "wlg"]) {
        // Each node's report is the report of its directory alone.
        let alone = report(&[dir.join(node).to_str().unwrap()]);
        for k in [
            "summary",
            "days",
            "projects",
            "clients",
            "countries",
            "downloads",
            "heavy_hitters",
        ] {
            assert_eq!(p[k], alone[k], "{node} {k}");
        }
        let row = r["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["name"] == node)
            .unwrap();
        assert_eq!(row["visitors"], alone["summary"]["unique_visitors"]);
        assert_eq!(row["requests"], alone["summary"]["valid_requests"]);
    }
    // Totals are the same with and without --by-node.
    let mut plain = report(&[dir.to_str().unwrap()]);
    plain["by_node"] = r["by_node"].clone();
    assert_eq!(plain, r);
    // NAME=PATH and --node name nodes too.
    let named = report(&[
        &format!("north={}", dir.join("hlz").display()),
        dir.join("wlg").to_str().unwrap(),
    ]);
    let names: Vec<&str> = named["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["wlg", "north"]);
    let one = report(&["--node", "akl", dir.to_str().unwrap()]);
    assert_eq!(one["nodes"][0]["name"], "akl");
    assert_eq!(one["nodes"].as_array().unwrap().len(), 1);
}

#[test]
fn ignore_crawlers_is_refused_with_a_store() {
    let tmp = tempfile::tempdir().unwrap();
    fsmg()
        .args(["--ignore-crawlers", "--store"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--ignore-crawlers needs log paths",
        ));
}

/// Ten nodes: the first eight are bits of each visitor, the rest pairs; every node's
/// visitors equal its own report's, whatever the thread count.
#[test]
fn more_nodes_than_visitor_bits_stay_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let mut args = Vec::new();
    for n in 0..10 {
        let dir = tmp.path().join(format!("n{n}"));
        std::fs::create_dir(&dir).unwrap();
        // Clients 0..20 shared by every node, and n+1 of each node's own.
        let mut text = String::new();
        for c in (0..20).chain(100 * (n + 1)..100 * (n + 1) + n + 1) {
            text += &line(
                &format!("203.0.{}.{}", c / 250, c % 250),
                "/a.deb",
                200,
                10,
                "curl/7.64.0",
                1,
            );
        }
        std::fs::write(dir.join("access.log"), text).unwrap();
        args.push(dir.to_str().unwrap().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    for threads in ["1", "2"] {
        let r = report(&[&["--log-format", TIMED, "-j", threads], &args[..]].concat());
        let mut nodes: Vec<(String, u64)> = r["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["name"].as_str().unwrap().to_string(),
                    n["visitors"].as_u64().unwrap(),
                )
            })
            .collect();
        nodes.sort();
        let want: Vec<(String, u64)> = (0..10).map(|n| (format!("n{n}"), 20 + n + 1)).collect();
        assert_eq!(nodes, want);
        assert_eq!(r["summary"]["unique_visitors"], 20 + (1..=10).sum::<u64>());
    }
}
