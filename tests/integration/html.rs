//! The HTML dashboard: self-contained, and log text in it stays text.

use crate::util::*;

fn html_of(args: &[&str]) -> String {
    // Relative paths from the repository, so the snapshot holds wherever it is cloned.
    let out = fsmg()
        .current_dir(repo())
        .args(["--format", "html", "-q"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("the page is UTF-8")
}

/// The page with its inline style and script, their hashes and the map's shapes elided:
/// they are files of the repository (or made from one), not what the report says.
fn elided(page: &str) -> String {
    let version = format!("fsmg-stats {}", env!("CARGO_PKG_VERSION"));
    let mut out = page.replace(&version, "fsmg-stats [version]");
    for (open, close) in [
        ("<style>", "</style>"),
        ("<script>", "</script>"),
        (" d=\"", "\""),
        ("'sha256-", "'"),
    ] {
        let mut rest = out.as_str();
        let mut kept = String::new();
        while let Some(at) = rest.find(open) {
            kept.push_str(&rest[..at + open.len()]);
            rest = &rest[at + open.len()..];
            let end = rest.find(close).expect("closed");
            kept.push('…');
            rest = &rest[end..];
        }
        kept.push_str(rest);
        out = kept;
    }
    out
}

#[test]
fn sample_dashboard() {
    let page = html_of(&["sample-logs"]);
    insta::assert_snapshot!(elided(&page));
}

#[test]
fn page_refers_to_nothing_outside_itself() {
    let page = html_of(&[repo().join("sample-logs").to_str().unwrap()]);
    for external in ["src=", "url(", "@import", "<link", "<iframe", "<object"] {
        assert!(!page.contains(external), "{external} in the page");
    }
    // One inline script, links only within the page, and a policy that would stop
    // anything else from loading or running.
    assert_eq!(page.matches("<script").count(), 1);
    assert!(page.contains("<script>"));
    for link in page.split("href=\"").skip(1) {
        assert!(
            link.starts_with('#'),
            "a link out: {}",
            &link[..40.min(link.len())]
        );
    }
    let csp = page
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a Content-Security-Policy");
    assert!(
        csp.starts_with("default-src 'none'; style-src 'sha256-"),
        "{csp}"
    );
    assert!(
        csp.contains("script-src 'sha256-") && !csp.contains("unsafe"),
        "{csp}"
    );
    // The headline numbers are there, formatted like GoAccess's.
    let r = report(&[repo().join("sample-logs").to_str().unwrap()]);
    let valid = r["summary"]["valid_requests"].as_u64().unwrap();
    assert!(valid >= 1000);
    let formatted = format!("{},{:03}", valid / 1000, valid % 1000);
    assert!(page.contains(&format!(r#"<div class="value">{formatted}</div>"#)));
}

#[test]
fn log_strings_are_inert() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("access.log");
    let hostile = [
        r#"/<script>alert(1)</script>.deb"#,
        r#"/x"><img src=x onerror=alert(2)>"#,
        r#"/</title><svg onload=alert(3)>"#,
        r#"/a'b&c"#,
    ];
    let mut text = String::new();
    for (i, path) in hostile.iter().enumerate() {
        text.push_str(&format!(
            "203.0.113.{i} - - [31/Dec/2018:10:00:0{i} +1300] \"GET {path} HTTP/1.1\" 200 10 \"\"><script>alert(4)</script>\" \"</title><script>alert(5)</script>\"\n"
        ));
    }
    // A failed line is quoted in the page too.
    text.push_str("<script>alert(6)</script> not a log line\n");
    std::fs::write(&log, text).unwrap();
    let page = html_of(&["--top", "50", log.to_str().unwrap()]);
    for raw in ["<img", "<svg onload", "'b&c"] {
        assert!(!page.contains(raw), "{raw} is raw in the page");
    }
    assert_eq!(
        page.matches("<script").count(),
        1,
        "the page's own script only"
    );
    // ... but all there as text.
    let text = unescape(&page);
    for shown in [
        hostile[0],
        hostile[2],
        hostile[3],
        "<img src=x onerror=alert(2)>",
        "<script>alert(6)",
    ] {
        assert!(text.contains(shown), "{shown} is missing");
    }
    // Every element the page closes it opened itself.
    assert_eq!(
        page.matches("<title>").count(),
        page.matches("</title>").count()
    );
}

/// The text of HTML character references (numeric or the five named ones).
fn unescape(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').unwrap_or(0);
        let c = match &rest[1..end.max(1)] {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n if n.starts_with('#') => n[1..].parse::<u32>().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
