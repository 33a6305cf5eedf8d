//! Helpers: run the binaries, generate logs, compare reports with generator truth.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real logs nobody here wrote (`../shared/data/real-logs/`, or `$FSMG_REAL_LOGS`);
/// `None`, said on stderr, on a machine without them.
pub fn real_logs() -> Option<PathBuf> {
    let dir = std::env::var_os("FSMG_REAL_LOGS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/data/real-logs"));
    if dir.join("SOURCES.md").is_file() {
        return Some(dir);
    }
    eprintln!(
        "real logs not found at {}: set FSMG_REAL_LOGS; skipped",
        dir.display()
    );
    None
}

pub fn fsmg() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fsmg-stats"));
    c.env_remove("FSMG_STATS_CONFIG")
        .env_remove("FSMG_STATS_LOG_FORMAT")
        .env_remove("FSMG_STATS_GEOIP")
        // Only the databases a test names, or the embedded ones: never the machine's.
        .env("FSMG_STATS_GEOIP_DIRS", "/nonexistent")
        .env("HOME", "/nonexistent");
    c
}

/// The dates of a report's `days`.
pub fn dates(r: &Value) -> Vec<String> {
    r["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap().to_string())
        .collect()
}

/// Runs fsmg-stats with `args` and returns its JSON report.
pub fn report(args: &[&str]) -> Value {
    json_of(fsmg().args(["--format", "json", "-q"]).args(args))
}

/// Runs a prepared fsmg-stats command that must succeed and returns its JSON on stdout.
pub fn json_of(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// Runs the log generator (in-process) with these arguments; panics if it fails.
pub fn loggen<S: AsRef<std::ffi::OsStr>>(args: &[S]) {
    let argv = std::iter::once("fsmg-loggen".as_ref()).chain(args.iter().map(AsRef::as_ref));
    fsmg_loggen::run(argv).expect("fsmg-loggen");
}

/// Writes a generated log of `lines` lines to `path`; returns the generator's truth.
pub fn generate(path: &Path, lines: usize, seed: u64) -> Value {
    generate_as(path, "combined", lines, seed)
}

/// As [`generate`], the requests written in the generator's `format`.
pub fn generate_as(path: &Path, format: &str, lines: usize, seed: u64) -> Value {
    let truth = path.with_extension("truth.json");
    let (seed, lines) = (seed.to_string(), lines.to_string());
    loggen(&[
        "--seed".as_ref(),
        seed.as_ref(),
        "--truth".as_ref(),
        truth.as_os_str(),
        "single".as_ref(),
        path.as_os_str(),
        "--lines".as_ref(),
        lines.as_ref(),
        "--hostile-per-mille".as_ref(),
        "30".as_ref(),
        "--format".as_ref(),
        format.as_ref(),
    ]);
    serde_json::from_slice(&std::fs::read(truth).unwrap()).unwrap()
}

fn rows(v: &Value, key: &str) -> Vec<(String, u64, u64, u64)> {
    let mut rows: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let k = match &r[key] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let n = |f: &str| r[f].as_u64().unwrap_or(0);
            (k, n("requests"), n("visitors"), n("bytes"))
        })
        .collect();
    rows.sort();
    rows
}

/// Asserts that a report carries exactly the generator's numbers.
pub fn assert_matches_truth(report: &Value, truth: &Value) {
    let s = &report["summary"];
    for k in [
        "total_requests",
        "valid_requests",
        "failed_requests",
        "blank_lines",
        "comment_lines",
        "unique_visitors",
        "requested_files",
        "bandwidth_bytes",
        "first_date",
        "last_date",
    ] {
        assert_eq!(s[k], truth[k], "summary.{k}");
    }
    assert_eq!(
        rows(&report["days"], "date"),
        rows(&truth["days"], "key"),
        "days"
    );
    assert_eq!(
        rows(&report["projects"], "name"),
        rows(&truth["projects"], "key"),
        "projects"
    );
    let hours: Vec<_> = rows(&report["hours"], "hour")
        .into_iter()
        .filter(|r| r.1 > 0)
        .collect();
    assert_eq!(hours, rows(&truth["hours"], "key"), "hours");
    assert_eq!(
        rows(&report["ip_versions"], "version"),
        rows(&truth["ip_versions"], "key"),
        "ip_versions"
    );
    // Clients as `name/version`.
    let mut clients = report["clients"].clone();
    for c in clients.as_array_mut().unwrap() {
        if let Some(v) = c["version"].as_str() {
            c["name"] = format!("{}/{v}", c["name"].as_str().unwrap()).into();
        }
    }
    assert_eq!(
        rows(&clients, "name"),
        rows(&truth["clients"], "key"),
        "clients"
    );
    // Node names depend on where the log was read from (`-` for standard input).
    let numbers = |v: Vec<(String, u64, u64, u64)>| {
        let mut n: Vec<_> = v.into_iter().map(|r| (r.1, r.2, r.3)).collect();
        n.sort();
        n
    };
    assert_eq!(
        numbers(rows(&report["nodes"], "name")),
        numbers(rows(&truth["nodes"], "key")),
        "nodes"
    );
    let mut content = report["content"].clone();
    for c in content.as_array_mut().unwrap() {
        c["project"] = format!(
            "{}/{}",
            c["project"].as_str().unwrap(),
            c["kind"].as_str().unwrap()
        )
        .into();
    }
    let no_visitors = |v: Vec<(String, u64, u64, u64)>| {
        v.into_iter().map(|r| (r.0, r.1, r.3)).collect::<Vec<_>>()
    };
    assert_eq!(
        no_visitors(rows(&content, "project")),
        no_visitors(rows(&truth["content"], "key")),
        "content"
    );
    let ipv6: Vec<(String, u64, u64)> = report["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["ipv6_requests"].as_u64().unwrap() > 0)
        .map(|p| {
            let n = |f: &str| p[f].as_u64().unwrap();
            (
                p["name"].as_str().unwrap().to_string(),
                n("ipv6_requests"),
                n("ipv6_bytes"),
            )
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        ipv6,
        no_visitors(rows(&truth["projects_ipv6"], "key")),
        "projects' IPv6"
    );
    let downloads = |v: &Value| {
        let mut d: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {}",
                    r["path"], r["size"], r["completed"], r["partial"]
                )
            })
            .collect();
        d.sort();
        d
    };
    assert_eq!(
        downloads(&report["downloads"]),
        downloads(&truth["downloads"]),
        "downloads"
    );
    // Status rows carry no visitors either.
    assert_eq!(
        no_visitors(rows(&report["status_codes"], "code")),
        no_visitors(rows(&truth["status_codes"], "key"))
    );
    let nul = report["failed"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reason"] == "nul_byte")
        .map_or(0, |r| r["count"].as_u64().unwrap());
    assert_eq!(
        nul,
        truth["nul_leading_lines"].as_u64().unwrap(),
        "nul_byte lines"
    );
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes.
pub fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
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

/// A store whose every day has two parts: the odd and the even lines of one generated log
/// (14 days over two months), ingested by two runs as two logs.
pub fn split_store(dir: &Path) -> std::path::PathBuf {
    let log = dir.join("all.log");
    generate(&log, 40_000, 11);
    let bytes = std::fs::read(&log).unwrap();
    let (mut odd, mut even) = (Vec::new(), Vec::new());
    // Lines as bytes: the generator writes hostile ones too.
    for (i, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let half = if i % 2 == 0 { &mut even } else { &mut odd };
        half.extend_from_slice(line);
    }
    let store = dir.join("store");
    for (name, half) in [("even.log", even), ("odd.log", odd)] {
        std::fs::write(dir.join(name), half).unwrap();
        ingest_as(&store, &dir.join(name), "hlz", &[]);
    }
    store
}

/// Ingests `logs` into `store` as node `node`, with `extra` arguments.
pub fn ingest_as(store: &Path, logs: &Path, node: &str, extra: &[&str]) {
    fsmg()
        .args(["ingest", "-q", "--node", node])
        .args(extra)
        .arg("--store")
        .arg(store)
        .arg(logs)
        .assert()
        .success();
}
