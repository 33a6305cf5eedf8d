//! GoAccess's other panels, its filters, CSV and the page title, on a hand-made log whose
//! numbers are known line by line.

use serde_json::{Value, json};

use crate::util::*;

const FORMAT: &str = r#"%v %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#;
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0";
const APT: &str = "Debian APT-HTTP/1.3 (2.2.4)";
const BOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const GOOGLE: &str = "https://www.google.com/search?q=debian+iso&ie=utf-8";
const FORMULA: &str = "=cmd|' /C calc'!A0";

/// Five requests: one visitor twice from a Google search (its `&ie` cut, as GoAccess cuts
/// it), a 404, an apt client from a wiki, a crawler's 403.
fn log(dir: &std::path::Path) -> String {
    let lines = [
        (
            "a.example",
            "203.0.113.1",
            "alice",
            "/a.iso",
            200,
            1000,
            GOOGLE,
            FIREFOX,
        ),
        (
            "a.example",
            "203.0.113.1",
            "alice",
            "/a.iso",
            200,
            1000,
            GOOGLE,
            FIREFOX,
        ),
        (
            "b.example",
            "203.0.113.2",
            "-",
            "/missing",
            404,
            10,
            "-",
            "curl/8.5.0",
        ),
        (
            "b.example",
            "198.51.100.7",
            "-",
            "/b.deb",
            200,
            500,
            "https://wiki.debian.org/Mirrors",
            APT,
        ),
        (
            "a.example",
            "2001:db8::5",
            "bob",
            "/a.iso",
            403,
            0,
            FORMULA,
            BOT,
        ),
    ];
    let text: String = lines
        .iter()
        .map(|(v, ip, user, path, status, bytes, referer, agent)| {
            format!(
                "{v} {ip} - {user} [31/Dec/2018:10:00:00 +1300] \"GET {path} HTTP/1.1\" {status} {bytes} \"{referer}\" \"{agent}\"\n"
            )
        })
        .collect();
    let path = dir.join("access.log");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn run(log: &str, extra: &[&str]) -> Value {
    report(&[&["--log-format", FORMAT, log], extra].concat())
}

/// A panel's rows as (key, requests, visitors, bytes).
fn rows(r: &Value, panel: &str, key: &str) -> Vec<(String, u64, u64, u64)> {
    let n = |row: &Value, k: &str| row[k].as_u64().unwrap();
    (r[panel].as_array().unwrap().iter())
        .map(|row| {
            let k = row[key].as_str().unwrap().to_string();
            (k, n(row, "requests"), n(row, "visitors"), n(row, "bytes"))
        })
        .collect()
}

fn row(key: &str, requests: u64, visitors: u64, bytes: u64) -> (String, u64, u64, u64) {
    (key.to_string(), requests, visitors, bytes)
}

#[test]
fn panels_count_as_goaccess_defines_them() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(&log(tmp.path()), &[]);
    // 4xx requests count, but bring no visitor.
    assert_eq!(
        rows(&r, "vhosts", "name"),
        [row("a.example", 3, 1, 2000), row("b.example", 2, 1, 510)]
    );
    assert_eq!(
        rows(&r, "referrers", "url"),
        [
            row("https://www.google.com/search?q=debian+iso", 2, 1, 2000),
            row("https://wiki.debian.org/Mirrors", 1, 1, 500),
            row("-", 1, 0, 10),
            row(FORMULA, 1, 0, 0),
        ]
    );
    assert_eq!(
        rows(&r, "referring_sites", "site"),
        [
            row("www.google.com", 2, 1, 2000),
            row("wiki.debian.org", 1, 1, 500)
        ]
    );
    assert_eq!(
        r["not_found"],
        json!([{"path": "/missing", "method": "GET", "protocol": "HTTP/1.1",
                "requests": 1, "visitors": 0, "bytes": 10}])
    );
    // .iso is static, .deb is not (GoAccess's list).
    assert_eq!(
        r["static_files"],
        json!([{"path": "/a.iso", "method": "GET", "protocol": "HTTP/1.1",
                "requests": 3, "visitors": 1, "bytes": 2000}])
    );
    assert_eq!(
        rows(&r, "remote_users", "name"),
        [
            row("alice", 2, 1, 2000),
            row("-", 2, 1, 510),
            row("bob", 1, 0, 0)
        ]
    );
    let names = |panel: &str| -> Vec<(String, String, u64)> {
        (r[panel].as_array().unwrap().iter())
            .map(|x| {
                let s = |k: &str| x[k].as_str().unwrap().to_string();
                (s("name"), s("version"), x["requests"].as_u64().unwrap())
            })
            .collect()
    };
    assert_eq!(
        names("browsers"),
        [
            ("Firefox".into(), "Firefox/115.0".into(), 2),
            ("Others".into(), "APT-HTTP/1.3".into(), 1),
            ("Others".into(), "curl/8.5.0".into(), 1),
            ("Crawlers".into(), "Googlebot/2.1".into(), 1),
        ]
    );
    assert_eq!(
        names("operating_systems")[0],
        ("Linux".into(), "Linux".into(), 2)
    );
    let s = &r["summary"];
    assert_eq!(
        [
            &s["unique_referrers"],
            &s["unique_not_found"],
            &s["unique_static_files"]
        ],
        [4, 1, 1]
    );
    // Panels of fields this format does not log are not in the JSON.
    for panel in ["mime_types", "tls", "cache_status"] {
        assert!(r.get(panel).is_none(), "{panel}");
    }
}

#[test]
fn filters_leave_requests_out_as_goaccess_does() {
    let tmp = tempfile::tempdir().unwrap();
    let log = log(tmp.path());
    // (flags, requests left, their bytes)
    let cases: [(&[&str], u64, u64); 9] = [
        (&["--exclude-ip", "203.0.113.0/24"], 2, 500),
        (&["--exclude-ip", "198.51.100.1-198.51.100.9"], 4, 2010),
        (
            &["--exclude-ip", "203.0.113.1", "--exclude-ip", "2001:db8::5"],
            2,
            510,
        ),
        (
            &["--ignore-status", "404", "--ignore-status", "403"],
            3,
            2500,
        ),
        // The referrer as GoAccess keys it: a Google search cut at its `&`.
        (
            &[
                "--ignore-referrer",
                "https://www.google.com/search?q=debian*",
            ],
            3,
            510,
        ),
        // A `*` skips to the first `i` after it, and does not try the next (GoAccess's).
        (
            &["--ignore-referrer", "https://www.google.com/search?q=*iso"],
            5,
            2510,
        ),
        (&["--ignore-referrer", "-"], 4, 2500),
        (&["--ignore-referrer", "*wiki*"], 4, 2010),
        (&["--ignore-crawlers"], 4, 2510),
    ];
    for (flags, valid, bytes) in cases {
        let r = run(&log, flags);
        let s = &r["summary"];
        assert_eq!(
            (
                s["valid_requests"].as_u64(),
                s["excluded_requests"].as_u64()
            ),
            (Some(valid), Some(5 - valid)),
            "{flags:?}"
        );
        assert_eq!(s["bandwidth_bytes"], bytes, "{flags:?}");
        assert_eq!(s["total_requests"], valid, "{flags:?}");
        let in_vhosts: u64 = rows(&r, "vhosts", "name").iter().map(|r| r.1).sum();
        assert_eq!(in_vhosts, valid, "{flags:?}");
    }
    // The config file's filters and the flags add up.
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        "exclude_ip = [\"2001:db8::/32\"]\nignore_status = [404]\n",
    )
    .unwrap();
    let r = run(
        &log,
        &[
            "--config",
            config.to_str().unwrap(),
            "--exclude-ip",
            "198.51.100.7",
        ],
    );
    assert_eq!(r["summary"]["valid_requests"], 2);
    // A goaccess.conf's too.
    let conf = tmp.path().join("goaccess.conf");
    std::fs::write(&conf, "exclude-ip 203.0.113.1\nignore-referrer *wiki*\n").unwrap();
    let r = run(&log, &["--goaccess-config", conf.to_str().unwrap()]);
    assert_eq!(r["summary"]["valid_requests"], 2);
}

#[test]
fn filters_refuse_what_they_cannot_read() {
    let tmp = tempfile::tempdir().unwrap();
    let log = log(tmp.path());
    for bad in ["10.0.0", "10.0.0.1-::1", "10.0.0.0/33", "mirror.example"] {
        fsmg()
            .args(["--exclude-ip", bad, &log])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(format!("--exclude-ip \"{bad}\"")));
    }
    fsmg()
        .args(["--ignore-status", "four-oh-four", &log])
        .assert()
        .code(2);
    fsmg()
        .args([
            "--exclude-ip",
            "10.0.0.1",
            "--ignore-referrer",
            "-",
            "--store",
        ])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--exclude-ip, --ignore-referrer need log paths",
        ));
}

#[test]
fn csv_has_a_row_per_panel_item_and_no_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let log = log(tmp.path());
    let out = tmp.path().join("report.csv");
    fsmg()
        .args(["-q", "--log-format", FORMAT, "-o"])
        .arg(&out)
        .arg(&log)
        .assert()
        .success()
        .stdout("");
    let bytes = std::fs::read(&out).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with(
        "panel,key,detail,requests,requests_share,visitors,visitors_share,bytes,bytes_share\r\n"
    ));
    assert_eq!(text.matches("\r\n").count(), text.lines().count());
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let find = |panel: &str, key: &str| {
        (records.iter())
            .find(|r| &r[0] == panel && &r[1] == key)
            .unwrap_or_else(|| panic!("{panel} {key}: {text}"))
    };
    let total = find("summary", "total");
    assert_eq!(
        &total.iter().collect::<Vec<_>>()[3..],
        ["5", "100.00", "2", "100.00", "2510", "100.00"]
    );
    // The referrer that would be a formula starts with a quote; the lone `-` does not.
    let formula = find("referrers", &format!("'{FORMULA}"));
    assert_eq!(&formula[3], "1");
    assert_eq!(&find("referrers", "-")[3], "1");
    let stat = find("static_files", "/a.iso");
    assert_eq!(
        stat.iter().collect::<Vec<_>>(),
        [
            "static_files",
            "/a.iso",
            "GET HTTP/1.1",
            "3",
            "60.00",
            "1",
            "50.00",
            "2000",
            "79.68"
        ]
    );
    // No visitors in the status codes panel: empty cells.
    assert_eq!(&find("status_codes", "404")[5], "");
    // The same with --format csv on standard output.
    let stdout = fsmg()
        .args(["-q", "--format", "csv", "--log-format", FORMAT, &log])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(stdout, text.as_bytes());
}

#[test]
fn the_title_names_the_dashboard_and_the_sponsor_report() {
    let tmp = tempfile::tempdir().unwrap();
    let log = log(tmp.path());
    let html = tmp.path().join("r.html");
    fsmg()
        .args([
            "-q",
            "--log-format",
            FORMAT,
            "--title",
            "FSMG <mirrors>",
            "-o",
        ])
        .arg(&html)
        .arg(&log)
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<h1>FSMG &#60;mirrors&#62;</h1>"), "{page}");
    assert!(!page.contains("<mirrors>"));
    // GoAccess's name for it, and the config file's key.
    let md = fsmg()
        .args([
            "-q",
            "sponsor",
            "--log-format",
            FORMAT,
            "--html-report-title",
            "Our mirrors",
            &log,
        ])
        .output()
        .unwrap()
        .stdout;
    assert!(
        String::from_utf8(md)
            .unwrap()
            .starts_with("# Our mirrors, 2018-12-31 to 2018-12-31")
    );
    let config = tmp.path().join("config.toml");
    std::fs::write(&config, "title = \"From the config\"\n").unwrap();
    fsmg()
        .args([
            "-q",
            "--log-format",
            FORMAT,
            "--config",
            config.to_str().unwrap(),
            "-o",
        ])
        .arg(&html)
        .arg(&log)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .contains("<h1>From the config</h1>")
    );
}
