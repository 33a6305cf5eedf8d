//! The formats a mirror's logs come in, through the binary: generated logs in each format
//! read with its name and sniffed without one, nginx and GoAccess format strings, JSON
//! logs and `--json-field`, a goaccess.conf, a log directory as Debian's Apache keeps it,
//! and what a new user gets wrong (a wrong format, a binary, empty directories).

use crate::util::*;

fn summary(r: &serde_json::Value) -> (u64, u64, u64, u64, u64) {
    let s = &r["summary"];
    let n = |k: &str| s[k].as_u64().unwrap();
    (
        n("valid_requests"),
        n("failed_requests"),
        n("unique_visitors"),
        n("requested_files"),
        n("bandwidth_bytes"),
    )
}

/// Each generated format is sniffed as itself, and its name reads it the same; the
/// formats that log every counted field give the generator's numbers.
#[test]
fn every_format_sniffed_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let combined = tmp.path().join("combined.log");
    let truth = generate_as(&combined, "combined", 6000, 3);
    let want = report(&["--no-geoip", combined.to_str().unwrap()]);
    assert_matches_truth(&want, &truth);
    for (format, name, sniffed) in [
        ("vcombined", "VCOMBINED", true),
        ("common", "COMMON", true),
        ("vcommon", "VCOMMON", true),
        ("caddy", "CADDY", true),
        ("nginx-json", "JSON", true),
        ("w3c", "W3C", false),
        ("cloudfront", "CLOUDFRONT", false),
    ] {
        let path = tmp.path().join(format!("{format}.log"));
        generate_as(&path, format, 6000, 3);
        let named = report(&["--no-geoip", "--log-format", name, path.to_str().unwrap()]);
        assert_eq!(named["inputs"][0]["log_format"], name);
        assert!(
            named["summary"]["valid_requests"].as_u64().unwrap() > 5000,
            "{format}"
        );
        if sniffed {
            let r = report(&["--no-geoip", path.to_str().unwrap()]);
            assert_eq!(r["inputs"][0]["log_format"], name, "{format} sniffed");
            assert_eq!(summary(&r), summary(&named), "{format}");
        }
        // The same requests: what the format logs is counted as in combined.
        if matches!(format, "vcombined" | "nginx-json") {
            let (v, _, u, f, b) = summary(&named);
            let (wv, _, wu, wf, wb) = summary(&want);
            assert_eq!((v, u, f, b), (wv, wu, wf, wb), "{format}");
        }
    }
}

/// `--by-node` with a different sniffed format per node: each node's report names its own
/// format and shows the panels and speeds its format logs (they were the first inputs').
#[test]
fn by_node_reports_name_each_nodes_format() {
    let tmp = tempfile::tempdir().unwrap();
    for (node, format) in [("hlz", "combined"), ("wlg", "caddy")] {
        std::fs::create_dir(tmp.path().join(node)).unwrap();
        generate_as(&tmp.path().join(node).join("access.log"), format, 500, 3);
    }
    let r = report(&["--no-geoip", "--by-node", tmp.path().to_str().unwrap()]);
    assert_eq!(r["log_format"], "mixed: CADDY, COMBINED");
    assert!(r["mime_types"].is_array());
    let nodes: Vec<_> = (r["by_node"].as_array().unwrap().iter())
        .map(|n| {
            let node = n["node"].as_str().unwrap().to_string();
            let format = n["log_format"].as_str().unwrap().to_string();
            (
                node,
                format,
                n["mime_types"].is_array(),
                n["transfer_speed"].is_null(),
            )
        })
        .collect();
    let owned = |n: &str, f: &str, mime, no_speeds| (n.to_string(), f.to_string(), mime, no_speeds);
    assert_eq!(
        nodes,
        [
            owned("hlz", "COMBINED", false, true),
            owned("wlg", "CADDY", true, false),
        ]
    );
}

/// `%{sec}t` and friends are read (they used to make every line fail, silently).
#[test]
fn epoch_times_and_pieces() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("access.log");
    std::fs::write(
        &log,
        "203.0.113.1 1546167688.274 \"GET /debian/a.deb HTTP/1.1\" 200 100\n\
         203.0.113.2 1546254088.5 \"GET /debian/b.deb HTTP/1.1\" 200 100\n",
    )
    .unwrap();
    let r = report(&[
        "--no-geoip",
        "--log-format",
        r#"%h %{sec}t.%{msec_frac}t "%r" %>s %b"#,
        log.to_str().unwrap(),
    ]);
    assert_eq!(summary(&r).0, 2);
    assert_eq!(dates(&r), ["2018-12-30", "2018-12-31"]);
}

#[test]
fn nginx_format_strings_and_directives() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("access.log");
    std::fs::write(
        &log,
        "mirror.example 203.0.113.1 - - [31/Dec/2018:10:00:00 +1300] \"GET /debian/a\\x22b HTTP/1.1\" 200 100 \"-\" \"APT \\x22x\\x22\" 0.250\n\
         - 2001:db8::1 - bob [31/Dec/2018:10:00:01 +1300] \"GET /ubuntu/c.iso HTTP/2.0\" 206 50 \"-\" \"curl/8\" 1.000\n",
    )
    .unwrap();
    let conf = tmp.path().join("nginx.conf");
    std::fs::write(
        &conf,
        r#"log_format mirror '$host $remote_addr - $remote_user [$time_local] '
                  '"$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time';"#,
    )
    .unwrap();
    let directive = std::fs::read_to_string(&conf).unwrap();
    for format in [
        directive.as_str(),
        directive
            .split('\'')
            .skip(1)
            .step_by(2)
            .collect::<String>()
            .as_str(),
    ] {
        let r = report(&[
            "--no-geoip",
            "--nginx-format",
            format,
            log.to_str().unwrap(),
        ]);
        assert_eq!(summary(&r).0, 2, "{format}");
        assert!(
            r["log_format"]
                .as_str()
                .unwrap()
                .starts_with("nginx: $host")
        );
        assert!(
            r["transfer_speed"].is_object(),
            "request_time is a serve time"
        );
    }
    // Request rows hold the bytes: nginx's \x22 is a quote there.
    let rows = tmp.path().join("rows.parquet");
    fsmg()
        .args(["-q", "--no-geoip", "--nginx-format", &directive, "-o"])
        .arg(&rows)
        .arg(&log)
        .assert()
        .success();
    assert!(rows.metadata().unwrap().len() > 0);
}

#[test]
fn json_lines_with_extra_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("access.json");
    std::fs::write(
        &log,
        r#"{"@timestamp":"2019-01-02T03:04:05+13:00","client":{"ip":"203.0.113.1"},"req":"GET /debian/a.deb HTTP/1.1","code":200,"size":12}
{"@timestamp":"2019-01-02T03:04:06+13:00","client":{"ip":"203.0.113.2"},"req":"GET /debian/b.deb HTTP/1.1","code":404,"size":3}
"#,
    )
    .unwrap();
    let r = report(&[
        "--no-geoip",
        "--log-format",
        "JSON",
        "--json-field",
        "host=client.ip",
        "--json-field",
        "request=req",
        "--json-field",
        "status=code",
        log.to_str().unwrap(),
    ]);
    assert_eq!(summary(&r), (2, 0, 1, 1, 15));
    let out = fsmg()
        .args(["--log-format", "JSON", "--json-field", "nope=x"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field \"nope\""));
}

/// An existing goaccess.conf gives the format (here a custom one with its own date and
/// time formats) and GoAccess's shared options.
#[test]
fn goaccess_config_file() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("access.log");
    std::fs::write(
        &log,
        "2019-01-02|03:04:05|203.0.113.1|GET /debian/a.deb HTTP/1.1|200|100\n\
         2019-01-02|03:04:06|203.0.113.2|GET /debian/b.deb HTTP/1.1|200|50\n",
    )
    .unwrap();
    let conf = tmp.path().join("goaccess.conf");
    std::fs::write(
        &conf,
        "# as GoAccess reads it\nlog-format %d|%t|%h|%r|%s|%b\ndate-format %Y-%m-%d\ntime_format %H:%M:%S\nignore-crawlers false\n",
    )
    .unwrap();
    let r = report(&[
        "--no-geoip",
        "--goaccess-config",
        conf.to_str().unwrap(),
        log.to_str().unwrap(),
    ]);
    assert_eq!(summary(&r), (2, 0, 2, 2, 150));
    assert_eq!(r["log_format"], "%d|%t|%h|%r|%s|%b");
}

/// `/var/log/apache2/` as Debian keeps it: error logs passed over (by name and by their
/// lines) and listed with the reason; the vhost log read in its own format.
#[test]
fn an_apache_log_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let line = "203.0.113.1 - - [31/Dec/2018:10:00:00 +1300] \"GET /debian/a.deb HTTP/1.1\" 200 100 \"-\" \"APT\"\n";
    let error = "[Mon Dec 31 10:00:00.123456 2018] [core:error] [pid 1234] [client 203.0.113.1:5678] AH00126: Invalid URI in request\n";
    std::fs::write(d.join("access.log"), line.repeat(3)).unwrap();
    std::fs::write(d.join("access.log.1"), line.repeat(2)).unwrap();
    std::fs::write(d.join("error.log"), error.repeat(4)).unwrap();
    std::fs::write(d.join("error.log.1"), error).unwrap();
    // An error log by its lines only.
    std::fs::write(
        d.join("ssl.log"),
        "2018/12/31 10:00:00 [error] 12#12: *1 open() failed\n",
    )
    .unwrap();
    std::fs::write(
        d.join("other_vhosts_access.log"),
        format!("mirror.example:443 {line}"),
    )
    .unwrap();
    let out = fsmg()
        .args(["--format", "json", "--no-geoip"])
        .arg(d)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary(&r).0, 6);
    assert_eq!(
        summary(&r).1,
        0,
        "no error-log line counted as a failed request"
    );
    let by_name = |n: &str| {
        r["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(n))
            .cloned()
            .unwrap()
    };
    assert_eq!(
        by_name("/error.log")["skipped"],
        "an error log (by its name)"
    );
    assert_eq!(
        by_name("/ssl.log")["skipped"],
        "an error log (by its lines)"
    );
    assert_eq!(
        by_name("/other_vhosts_access.log")["log_format"],
        "VCOMBINED"
    );
    assert_eq!(by_name("/access.log")["log_format"], "COMBINED");
    assert!(
        stderr.contains("passed over") && stderr.contains("error.log.1"),
        "{stderr}"
    );
}

/// What a new user gets wrong ends in exit 1 and a sentence saying what happened.
#[test]
fn nothing_to_read_fails_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let readme = tmp.path().join("docs");
    std::fs::create_dir(&readme).unwrap();
    std::fs::write(
        readme.join("README"),
        "These are not logs.\nSee the wiki.\n",
    )
    .unwrap();
    for (args, said) in [
        (vec![empty.to_str().unwrap()], "no files there"),
        (vec![readme.to_str().unwrap()], "README (not an access log"),
        (vec!["/bin/ls"], "/bin/ls: none of its"),
    ] {
        let out = fsmg()
            .args(["--format", "json"])
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "no report");
    }
}

/// Ingest, the nightly job, fails the same way on a log in the wrong format.
#[test]
fn ingest_of_a_wrong_format_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("access.log");
    generate_as(&log, "vcombined", 500, 3);
    let out = fsmg()
        .args([
            "ingest",
            "-q",
            "--node",
            "hlz",
            "--log-format",
            "COMBINED",
            "--store",
        ])
        .arg(tmp.path().join("store"))
        .arg(&log)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("lines is a request in format COMBINED"),
        "{stderr}"
    );
    assert!(stderr.contains("try --log-format VCOMBINED"), "{stderr}");
}
