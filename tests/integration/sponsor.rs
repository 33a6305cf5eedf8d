//! The sponsor report: the main report's numbers for the same period, the previous period
//! when the data covers it, the same from a store, and log text kept inert.

use fsmg_stats::output::fmt::thousands;

use crate::util::*;

fn sponsor(args: &[&str]) -> String {
    let out = fsmg().args(["sponsor", "-q"]).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The start of a report's row in the summary table, and its IPv6 share.
fn summary_row(label: &str, r: &serde_json::Value) -> (String, String) {
    let n = |k: &str| r["summary"][k].as_u64().unwrap();
    let v6 = r["ip_versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == 6)
        .map_or(0, |v| v["requests"].as_u64().unwrap());
    (
        format!(
            "| {label} | {} | {} |",
            thousands(n("valid_requests")),
            thousands(n("unique_visitors"))
        ),
        format!("| {:.2}% |", v6 as f64 * 100.0 / n("valid_requests") as f64),
    )
}

#[test]
fn numbers_are_the_reports_and_the_previous_period_is_compared() {
    let logs = repo().join("sample-logs");
    let logs = logs.to_str().unwrap();
    let md = sponsor(&["--since", "2019-01-02", "--until", "2019-01-03", logs]);
    let now = report(&["--since", "2019-01-02", "--until", "2019-01-03", logs]);
    let before = report(&["--since", "2018-12-31", "--until", "2019-01-01", logs]);
    for (label, r) in [("This period", &now), ("Previous period", &before)] {
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| {label} |")))
            .unwrap();
        let (head, v6) = summary_row(label, r);
        assert!(
            row.starts_with(&head) && row.ends_with(&v6),
            "{row} vs {head} … {v6}"
        );
    }
    let top = &now["projects"][0];
    let row = format!(
        "| {} | {} |",
        top["name"].as_str().unwrap(),
        thousands(top["requests"].as_u64().unwrap())
    );
    assert!(md.contains(&row), "{row}");
    assert!(md.contains("Compared with the previous 2 days (2018-12-31 to 2019-01-01)"));

    // The first two days have nothing before them: no comparison.
    let md = sponsor(&["--since", "2018-12-31", "--until", "2019-01-01", logs]);
    assert!(!md.contains("Previous period") && !md.contains("Compared with"));
}

#[test]
fn a_store_gives_the_same_report() {
    let store = tempfile::tempdir().unwrap();
    let s = store.path().to_str().unwrap();
    for node in ["hlz", "wlg"] {
        let logs = repo().join("sample-logs").join(node);
        fsmg()
            .args([
                "ingest",
                "-q",
                "--store",
                s,
                "--node",
                node,
                logs.to_str().unwrap(),
            ])
            .assert()
            .success();
    }
    let logs = repo().join("sample-logs");
    let period = ["--since", "2019-01-02", "--until", "2019-01-03"];
    let from_logs = sponsor(&[&period[..], &[logs.to_str().unwrap()]].concat());
    let from_store = sponsor(&[&period[..], &["--store", s]].concat());
    assert_eq!(from_logs, from_store);
    assert!(from_store.contains("Previous period"));
}

#[test]
fn html_and_markdown_keep_log_text_inert() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("access.log");
    std::fs::write(
        &log,
        "203.0.113.1 - - [31/Dec/2018:10:00:00 +1300] \"GET /*a*|<script>x</script>/f.deb HTTP/1.1\" 200 10 \"-\" \"a\"\n",
    )
    .unwrap();
    let html = dir.path().join("s.html");
    let md = dir.path().join("s.md");
    fsmg()
        .args(["sponsor", "-q", "-o"])
        .arg(&html)
        .arg("-o")
        .arg(&md)
        .arg(&log)
        .assert()
        .success();
    let html = std::fs::read_to_string(html).unwrap();
    let md = std::fs::read_to_string(md).unwrap();
    assert!(!html.contains("<script") && !md.contains("<script"));
    // The page has the days chart and the map, under a policy that runs no script at all;
    // the Markdown has neither.
    assert!(html.contains("script-src 'none'") && html.contains("default-src 'none'"));
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 1);
    assert!(html.contains("<path data-cc=\"NZ\""));
    assert!(!md.contains("<svg"));
    // The project is the first path segment.
    assert!(md.contains(r"| \*a\*\|&lt;script&gt;x&lt; |"), "{md}");
    fsmg()
        .args(["sponsor", "-q", "--format", "json"])
        .arg(&log)
        .assert()
        .code(2);
}
