//! The command-line contract: exit codes, outputs, windows, defaults.

use predicates::prelude::*;

use crate::util::*;

const LINE: &str = "203.0.113.1 - - [31/Dec/2018:10:00:00 +1300] \"GET /debian/a.deb HTTP/1.1\" 200 100 \"-\" \"APT\"\n";

#[test]
fn unreadable_input_is_named_and_the_rest_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let ok = tmp.path().join("access.log");
    std::fs::write(&ok, LINE).unwrap();
    let out = fsmg()
        .args(["--format", "json"])
        .arg(&ok)
        .arg(tmp.path().join("missing.log"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("missing.log"))
        .get_output()
        .stdout
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(r["summary"]["valid_requests"], 1);
}

#[test]
fn truncated_gzip_counts_what_was_read_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let data = LINE.repeat(50_000);
    let gz = gzip(data.as_bytes());
    let p = tmp.path().join("access.log.2.gz");
    std::fs::write(&p, &gz[..gz.len() / 2]).unwrap();
    let out = fsmg()
        .args(["--format", "json"])
        .arg(&p)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("truncated gzip"))
        .get_output()
        .stdout
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let s = &r["summary"];
    let valid = s["valid_requests"].as_u64().unwrap();
    assert!(valid > 1000 && valid < 50_000, "{valid}");
    let input = &r["inputs"][0];
    assert_eq!(
        input["lines"].as_u64().unwrap(),
        input["valid"].as_u64().unwrap() + input["failed"].as_u64().unwrap()
    );
    assert!(input["error"].as_str().unwrap().contains("truncated"));
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("a.log");
    std::fs::write(&log, LINE).unwrap();
    for args in [
        vec!["--log-format", "%h %Z"],
        vec!["--since", "31/12/2018"],
        vec!["--since", "2019-01-02", "--until", "2019-01-01"],
        vec!["-o", "report.xyz"],
        vec!["--no-such-flag"],
    ] {
        fsmg().args(&args).arg(&log).assert().code(2);
    }
}

#[test]
fn no_paths_and_no_logs_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    std::fs::write(&cfg, "paths = []\n").unwrap();
    fsmg()
        .env("FSMG_STATS_CONFIG", &cfg)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no log files"));
}

#[test]
fn config_file_supplies_paths_and_projects() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("access.log"),
        LINE.replace("/debian/", "/kali-images/"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("projects.toml"),
        "[projects]\n\"/kali-images\" = \"kali\"\n",
    )
    .unwrap();
    let cfg = tmp.path().join("config.toml");
    let glob = tmp.path().join("access.log*");
    std::fs::write(
        &cfg,
        format!(
            "paths = [{:?}]\nprojects = \"projects.toml\"\n",
            glob.display().to_string()
        ),
    )
    .unwrap();
    let out = fsmg()
        .env("FSMG_STATS_CONFIG", &cfg)
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(r["projects"][0]["name"], "kali");
}

#[test]
fn outputs_are_written_atomically_and_stdout_stays_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("report.json");
    let txt = tmp.path().join("report.txt");
    std::fs::write(&json, "previous").unwrap();
    fsmg()
        .current_dir(tmp.path())
        .arg(repo().join("sample-logs"))
        .args(["-q", "-o", "report.json", "-o", "report.txt"])
        .assert()
        .success()
        .stdout("");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(r["summary"]["valid_requests"], 4099);
    assert!(
        std::fs::read_to_string(&txt)
            .unwrap()
            .contains("Unique Visitors")
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')
        })
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn since_until_window_is_inclusive() {
    let dir = repo().join("sample-logs");
    let r = report(&[
        "--since",
        "2019-01-01",
        "--until",
        "2019-01-02",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(dates(&r), ["2019-01-01", "2019-01-02"]);
    let all = report(&[dir.to_str().unwrap()]);
    let s = &r["summary"];
    let total_lines: u64 = all["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["lines"].as_u64().unwrap())
        .sum();
    let accounted = [
        "valid_requests",
        "failed_requests",
        "blank_lines",
        "comment_lines",
        "excluded_requests",
    ]
    .iter()
    .map(|k| s[k].as_u64().unwrap())
    .sum::<u64>();
    assert_eq!(accounted, total_lines, "every line is accounted for");
    assert_eq!(r["period"]["since"], "2019-01-01");
}

#[test]
fn json_is_valid_utf8_for_invalid_input() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("a.log");
    let mut data = LINE.as_bytes().to_vec();
    data.extend(b"203.0.113.2 - - [31/Dec/2018:10:00:00 +1300] \"GET /\xff\xfe/x HTTP/1.1\" 200 1 \"-\" \"\xc3(\"\n\xff\xfe garbage\n");
    std::fs::write(&p, data).unwrap();
    let out = fsmg()
        .args(["--format", "json", "--top", "5"])
        .arg(&p)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("valid UTF-8");
    assert!(text.contains("\u{fffd}"));
    let out = fsmg()
        .arg(&p)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("valid UTF-8 text report");
}
