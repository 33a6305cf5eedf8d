//! Hostile inputs a mirror's cron job meets: each is named or counted, never a panic, and
//! every line read is accounted for (`lines = valid + failed + blank + comment + excluded`).

use crate::util::*;

/// A request in COMMON (no referrer or agent).
const COMMON: &str =
    "203.0.113.1 - - [31/Dec/2018:10:00:00 +1300] \"GET /a.deb HTTP/1.1\" 200 100\n";
const LINE: &str = "203.0.113.1 - - [31/Dec/2018:10:00:00 +1300] \"GET /debian/a.deb HTTP/1.1\" 200 100 \"-\" \"APT\"\n";

/// Runs on `files` (written to a temp dir) and returns (exit code, report, stderr).
fn run(files: &[(&str, &[u8])], extra: &[&str]) -> (i32, serde_json::Value, String) {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = fsmg();
    cmd.args(["--format", "json", "--no-geoip"]).args(extra);
    for (name, data) in files {
        let p = tmp.path().join(name);
        std::fs::write(&p, data).unwrap();
        cmd.arg(p);
    }
    let out = cmd.output().unwrap();
    // No report at all when not one line was a request (see `wrong_format...` below).
    let report = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap(),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every input's lines add up.
fn accounted(r: &serde_json::Value) {
    for i in r["inputs"].as_array().unwrap() {
        let n = |k: &str| i[k].as_u64().unwrap();
        assert_eq!(
            n("lines"),
            n("valid") + n("failed") + n("blank") + n("comment") + n("excluded"),
            "{i}"
        );
    }
}

#[test]
fn random_binary_named_log_is_counted_as_failed_lines() {
    let mut rng = fastrand::Rng::with_seed(8);
    let junk: Vec<u8> = (0..200_000).map(|_| rng.u8(..)).collect();
    let (code, r, stderr) = run(
        &[("binary.log", &junk), ("access.log", LINE.as_bytes())],
        &[],
    );
    // Named on the command line, so read (as COMBINED: no format reads it) and its
    // failure said; the run fails, the other input is still reported.
    assert_eq!(code, 1);
    assert!(stderr.contains("binary.log: none of its"), "{stderr}");
    assert!(
        stderr.contains("no known format reads its first lines"),
        "{stderr}"
    );
    accounted(&r);
    assert_eq!(r["summary"]["valid_requests"], 1);
    let lines = r["inputs"][0]["lines"].as_u64().unwrap();
    assert_eq!(lines, junk.split(|&b| b == b'\n').count() as u64);
    assert!(r["summary"]["failed_requests"].as_u64().unwrap() > 0);
}

#[test]
fn a_5_mb_line_is_one_line() {
    let mut data = LINE.as_bytes().to_vec();
    data.extend(std::iter::repeat_n(b'x', 5 << 20));
    data.push(b'\n');
    data.extend_from_slice(LINE.as_bytes());
    let (code, r, _) = run(&[("access.log", &data)], &[]);
    assert_eq!(code, 0);
    accounted(&r);
    assert_eq!(r["inputs"][0]["lines"], 3);
    assert_eq!(r["summary"]["valid_requests"], 2);
    assert_eq!(r["summary"]["failed_requests"], 1);
    // The sample is cut, the report stays small.
    assert!(r["failed"]["samples"][0]["text"].as_str().unwrap().len() <= 300);
}

#[test]
fn nul_bytes_and_cr_only_line_ends() {
    let nul = format!("\0{LINE}{}", LINE.replace("GET", "G\0ET"));
    // Classic Mac line ends: no `\n`, so the whole file is one line: its first request, the
    // rest ignored after the format's last field (as GoAccess, which splits on `\n` too).
    let cr_only = LINE.replace('\n', "\r").repeat(3);
    let crlf = LINE.replace('\n', "\r\n").repeat(3);
    let (code, r, stderr) = run(
        &[
            ("nul.log", nul.as_bytes()),
            ("cr.log", cr_only.as_bytes()),
            ("crlf.log", crlf.as_bytes()),
        ],
        &[],
    );
    // Not one of nul.log's lines is a request: said, and the run fails.
    assert_eq!(code, 1);
    assert!(
        stderr.contains("nul.log: none of its 2 lines is a request"),
        "{stderr}"
    );
    accounted(&r);
    let i = &r["inputs"];
    assert_eq!(
        (i[0]["lines"].as_u64(), i[0]["failed"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        (i[1]["lines"].as_u64(), i[1]["valid"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        (i[2]["lines"].as_u64(), i[2]["valid"].as_u64()),
        (Some(3), Some(3))
    );
}

#[test]
fn a_log_in_another_format_fails_line_by_line_with_a_reason() {
    let mixed = format!("{}{}", COMMON.repeat(12), LINE.repeat(8));
    let (code, r, stderr) = run(
        &[("access.log", mixed.as_bytes())],
        &["--log-format", "COMBINED"],
    );
    // More failed than read: a warning, the report, exit 0.
    assert_eq!(code, 0);
    assert!(stderr.contains("warning: "), "{stderr}");
    accounted(&r);
    assert!(
        stderr.contains("access.log: 12 of its 20 lines are not requests in format COMBINED"),
        "{stderr}"
    );
    assert_eq!(r["summary"]["failed_requests"], 12);
    assert_eq!(r["failed"]["reasons"].as_array().unwrap().len(), 1);
}

/// A wrong `--log-format` on a cron job: every line fails. The run fails, says why (file,
/// format, commonest reason, a sample with its address masked, what the lines sniff as)
/// and writes no report, so the last good one stays published.
#[test]
fn wrong_format_fails_the_run_and_says_which_format_fits() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("access.log");
    std::fs::write(&log, COMMON.repeat(20)).unwrap();
    let out_file = tmp.path().join("report.json");
    std::fs::write(&out_file, "previous").unwrap();
    let out = fsmg()
        .args(["-q", "--log-format", "VCOMBINED", "-o"])
        .arg(&out_file)
        .arg(&log)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for part in [
        "access.log: none of its 20 lines is a request in format VCOMBINED",
        "20 of them invalid_client_ip",
        "e.g. line 1: [ip] - - [31/Dec/2018",
        "try --log-format COMMON",
        "no report written",
    ] {
        assert!(stderr.contains(part), "{part:?} in {stderr}");
    }
    assert!(!stderr.contains("203.0.113.1"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "previous");
}

#[test]
fn dates_out_of_order_are_all_counted_in_their_days() {
    let lines: String = ["03/Jan/2019", "31/Dec/2018", "02/Jan/2019", "31/Dec/2018"]
        .iter()
        .map(|d| LINE.replace("31/Dec/2018", d))
        .collect();
    let (code, r, _) = run(
        &[("access.log", lines.as_bytes())],
        &["--since", "2018-12-31", "--until", "2019-01-02"],
    );
    assert_eq!(code, 0);
    accounted(&r);
    let days: Vec<(&str, u64)> = r["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["date"].as_str().unwrap(), d["requests"].as_u64().unwrap()))
        .collect();
    assert_eq!(days, [("2018-12-31", 2), ("2019-01-02", 1)]);
    assert_eq!(r["summary"]["excluded_requests"], 1);
}

/// A file that opens but fails to read (as a disk error would): named, exit 1, the other
/// inputs reported.
#[cfg(target_os = "linux")]
#[test]
fn a_read_error_is_named_and_the_rest_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let ok = tmp.path().join("access.log");
    std::fs::write(&ok, LINE).unwrap();
    let out = fsmg()
        .args(["--format", "json", "--no-geoip", "/proc/self/mem"])
        .arg(&ok)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/proc/self/mem"));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["summary"]["valid_requests"], 1);
    assert!(r["inputs"][0]["error"].is_string());
}

#[test]
fn a_directory_loop_is_walked_once() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("hlz");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("access.log"), LINE).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(tmp.path(), d.join("loop")).unwrap();
    let r = report(&["--no-geoip", tmp.path().to_str().unwrap()]);
    assert_eq!(r["summary"]["valid_requests"], 1);
    assert_eq!(r["inputs"].as_array().unwrap().len(), 1);
}

/// A disk that fills while the report is written (a file-size limit, `EFBIG`): the run
/// fails naming the file, and the previous report is untouched, with no temporary left.
#[cfg(unix)]
#[test]
fn a_full_disk_leaves_the_previous_report() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("report.json");
    std::fs::write(&json, "previous").unwrap();
    let script = format!(
        "trap '' XFSZ; ulimit -f 8; exec '{}' --no-geoip -q '{}' -o '{}'",
        env!("CARGO_BIN_EXE_fsmg-stats"),
        repo().join("sample-logs").display(),
        json.display()
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("FSMG_STATS_GEOIP_DIRS", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("report.json"));
    assert_eq!(std::fs::read_to_string(&json).unwrap(), "previous");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

/// An input the user may not read: named with the reason, the rest counted, exit 1. Tests
/// often run as root, which reads anything: then the binary (copied where anyone may run
/// it) runs as `nobody`.
#[cfg(unix)]
#[test]
fn permission_denied_is_named_and_the_rest_counted() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    let mode = |p: &std::path::Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
    };
    mode(tmp.path(), 0o755);
    let (ok, secret) = (tmp.path().join("access.log"), tmp.path().join("secret.log"));
    for p in [&ok, &secret] {
        std::fs::write(p, LINE).unwrap();
    }
    mode(&ok, 0o644);
    mode(&secret, 0o000);
    let bin = tmp.path().join("fsmg-stats");
    std::fs::copy(env!("CARGO_BIN_EXE_fsmg-stats"), &bin).unwrap();
    mode(&bin, 0o755);
    let mut cmd = std::process::Command::new(&bin);
    cmd.args(["--format", "json", "--no-geoip"])
        .arg(&secret)
        .arg(&ok)
        .env_clear()
        .env("HOME", "/nonexistent")
        .env("FSMG_STATS_GEOIP_DIRS", "/nonexistent");
    if std::fs::read(&secret).is_ok() {
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("secret.log") && stderr.contains("ermission denied"),
        "{stderr}"
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["summary"]["valid_requests"], 1);
}
