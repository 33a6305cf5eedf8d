//! A new operator's first hour: help that lists what each command takes, messages that
//! say what to do (one sentence, naming the path, no temporary names or library wording),
//! exit statuses that tell a cron job what happened, and text that fits a terminal.

use std::path::Path;

use predicates::prelude::*;
use predicates::str::contains;

use crate::util::*;

/// Runs fsmg-stats with `args`; asserts `code` and returns stderr.
fn fails(args: &[&std::ffi::OsStr], code: i32) -> String {
    let out = fsmg().args(args).assert().code(code).stdout("");
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    // Never a temporary name, a repeated cause or a library's own wording.
    for leak in [
        ".fsmg-stats-",
        "at path",
        "os error 17",
        "parameter '",
        "persist",
    ] {
        assert!(!err.contains(leak), "{leak:?} in {err}");
    }
    err
}

fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
    args.iter().map(Into::into).collect()
}

fn refs(args: &[std::ffi::OsString]) -> Vec<&std::ffi::OsStr> {
    args.iter().map(AsRef::as_ref).collect()
}

fn sample() -> String {
    repo().join("sample-logs").display().to_string()
}

#[test]
fn each_command_lists_only_its_own_flags_with_defaults_and_every_exit_status() {
    let help = |args: &[&str]| {
        let out = fsmg().args(args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let ingest = help(&["ingest", "--help"]);
    for flag in [
        "--store",
        "--node",
        "--anonymize-ip",
        "--log-format",
        "--geoip-db",
    ] {
        assert!(ingest.contains(flag), "ingest --help lacks {flag}");
    }
    for flag in [
        "--output",
        "--format",
        "--top",
        "--by-node",
        "--since",
        "--exclude-ip",
    ] {
        assert!(!ingest.contains(flag), "ingest --help shows {flag}");
    }
    let report = help(&["report", "--help"]);
    assert!(report.contains("--since") && report.contains("--top"));
    assert!(!report.contains("--log-format") && !report.contains("--geoip-db"));
    let main = help(&["--help"]);
    assert!(main.contains("else 10"), "--top's default");
    for h in [&ingest, &report, &main, &help(&["sponsor", "-h"])] {
        for status in ["0  success", "1  partial", "2  usage", "3  (ingest)"] {
            assert!(h.contains(status), "{status:?} missing from\n{h}");
        }
    }
}

#[test]
fn completions_and_manual_pages() {
    for (shell, mark) in [
        ("bash", "complete -F _fsmg__stats"),
        ("zsh", "#compdef fsmg-stats"),
        ("fish", "complete -c fsmg-stats"),
    ] {
        fsmg()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(contains(mark).and(contains("ingest")));
    }
    fsmg()
        .arg("man")
        .assert()
        .success()
        .stdout(contains(".TH fsmg-stats 1").and(contains("ingest")));
    fsmg()
        .args(["man", "ingest"])
        .assert()
        .success()
        .stdout(contains(".TH fsmg-stats-ingest 1").and(contains("anonymize")));
    let err = fails(&refs(&os(&["man", "nope"])), 2);
    assert!(err.contains("ingest, report, sponsor"), "{err}");
}

#[test]
fn outputs_are_checked_before_reading_and_refused_with_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().display().to_string();
    let cases = [
        (
            format!("{dir}/missing/report.json"),
            "does not exist; create it first",
        ),
        (dir.clone(), "is a directory; give a file name in it"),
        ("/proc/report.json".to_string(), "cannot write in /proc"),
    ];
    for (output, says) in cases {
        let err = fails(&refs(&os(&["-o", &output, &sample()])), 2);
        assert!(
            err.starts_with(&format!("fsmg-stats: -o {output}: ")),
            "{err}"
        );
        assert!(err.contains(says), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let file = tmp.path().join("file");
    std::fs::write(&file, "").unwrap();
    let store = file.display().to_string();
    let err = fails(
        &refs(&os(&[
            "ingest",
            "--node",
            "hlz",
            "--store",
            &store,
            &sample(),
        ])),
        2,
    );
    assert!(
        err.contains("is a file, not a store; give a directory"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_and_partial_runs_exit_1() {
    let err = fails(&refs(&os(&["--since", "2019-13-45", &sample()])), 2);
    assert_eq!(
        err,
        "fsmg-stats: \"2019-13-45\" is not a date: use YYYY-MM-DD, today, yesterday or Nd\n"
    );
    let err = fails(&refs(&os(&["--node", "a/b", &sample()])), 2);
    assert!(
        err.contains("--node \"a/b\": a node name has only"),
        "{err}"
    );
    // Nothing read: a typo, not a partial run.
    let err = fails(&refs(&os(&["/nonexistent/access.log"])), 2);
    assert!(
        err.contains("/nonexistent/access.log: No such file"),
        "{err}"
    );
    assert!(err.contains("nothing read; no report written"), "{err}");
    // Something read, something missing: partial.
    fsmg()
        .args(["-q", "/nonexistent/access.log", &sample()])
        .assert()
        .code(1)
        .stdout(contains("Valid Requests"));
}

#[test]
fn store_reports_name_the_nodes_a_store_has() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    for node in ["hlz", "wlg"] {
        fsmg()
            .args(["ingest", "-q", "--node", node, "--store"])
            .arg(&store)
            .arg(repo().join("sample-logs").join(node))
            .assert()
            .success();
    }
    let s = store.display().to_string();
    let err = fails(&refs(&os(&["report", "--store", &s, "--node", "nope"])), 2);
    assert_eq!(
        err,
        format!("fsmg-stats: --node nope: {s} has no such node; it has hlz, wlg\n")
    );
    let err = fails(&refs(&os(&["report", "--store", "/nonexistent"])), 2);
    assert!(err.contains("not a store"), "{err}");
    // The order earlier versions took: flags before the subcommand's name.
    let old = json_of(fsmg().args(["--store", &s, "--node", "wlg", "report", "--format", "json"]));
    let new = json_of(fsmg().args(["report", "--store", &s, "--node", "wlg", "--format", "json"]));
    assert_eq!(old, new);
    // Given as a log path, a store says how to read it.
    let err = fails(&refs(&os(&[&s])), 1);
    assert!(
        err.contains(&format!(
            "{s} is a store: read it with `fsmg-stats report --store {s}`"
        )),
        "{err}"
    );
    // An empty period, from the store too.
    let err = fails(
        &refs(&os(&["report", "--store", &s, "--since", "2020-01-01"])),
        1,
    );
    assert!(
        err.starts_with("fsmg-stats: no requests on or after 2020-01-01; the store covers 2018-12-31 to 2019-01-03\n"),
        "{err}"
    );
}

#[test]
fn an_empty_period_is_one_line_and_keeps_the_last_report() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report.json");
    std::fs::write(&out, "last night's").unwrap();
    let err = fails(
        &refs(&os(&[
            "--since",
            "2019-02-01",
            "--until",
            "2019-02-28",
            "-o",
            &out.display().to_string(),
            &sample(),
        ])),
        1,
    );
    assert_eq!(
        err,
        "fsmg-stats: no requests between 2019-02-01 and 2019-02-28; the logs cover 2018-12-31 to 2019-01-03\nfsmg-stats: no report written\n"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "last night's");
}

#[test]
fn ingest_can_keep_networks_instead_of_addresses() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    fsmg()
        .args(["ingest", "-q", "--anonymize-ip", "--node", "hlz", "--store"])
        .arg(&store)
        .arg(repo().join("sample-logs/hlz"))
        .assert()
        .success();
    let mut seen = 0;
    for entry in walk(&store.join("requests")) {
        let file = std::fs::File::open(&entry).unwrap();
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            let batch = batch.unwrap();
            let ip =
                arrow_array::cast::AsArray::as_string::<i32>(batch.column_by_name("ip").unwrap())
                    .clone();
            for a in ip.iter().flatten() {
                seen += 1;
                assert!(a.ends_with(".0") || a.ends_with("::"), "{a}");
            }
        }
    }
    assert!(seen > 1000, "{seen}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|e| e == "parquet") {
            out.push(p);
        }
    }
    out
}

#[test]
fn tables_fit_an_80_column_terminal() {
    use fsmg_stats::cli::{Cli, Run};
    use fsmg_stats::config::Config;
    use fsmg_stats::output::text::{Layout, render};
    let args =
        match <Cli as clap::Parser>::parse_from(["fsmg-stats", "--no-geoip", &sample()]).run() {
            Ok(Run::Args(a)) => *a,
            _ => panic!("a report's flags"),
        };
    let cfg = Config::resolve(args).unwrap();
    let report = fsmg_stats::pipeline::run(&cfg).report;
    let wide = render(&report, Layout::default());
    let narrow = render(
        &report,
        Layout {
            width: Some(80),
            bold: false,
        },
    );
    assert!(
        wide.lines().any(|l| l.chars().count() > 80),
        "the file layout is wider"
    );
    let mut tables = 0;
    for line in narrow
        .lines()
        .filter(|l| l.starts_with(['│', '┌', '╞', '└']))
    {
        tables += 1;
        assert!(line.chars().count() <= 80, "{line}");
    }
    assert!(tables > 100);
    // Every header on one line: not wrapped mid-word.
    let lines: Vec<&str> = narrow.lines().collect();
    for (i, _) in lines.iter().enumerate().filter(|(_, l)| l.starts_with('┌')) {
        assert!(
            lines[i + 2].starts_with('╞'),
            "{}\n{}",
            lines[i + 1],
            lines[i + 2]
        );
    }
    // Bold headings for a terminal, none for a file.
    let bold = render(
        &report,
        Layout {
            width: Some(120),
            bold: true,
        },
    );
    assert!(bold.contains("\x1b[1mProjects\x1b[0m"));
    assert!(!wide.contains('\x1b'));
}
