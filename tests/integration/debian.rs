//! The Debian package's files (debian/, packaged by `cargo deb`): the generated manual
//! pages and completions are what the binary prints, the shipped configuration parses,
//! and the systemd units' command lines run.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use fsmg_stats::config::FileConfig;

use crate::util::*;

const REGENERATE: &str = "run scripts/deb-assets to rewrite debian/generated/";

/// Every file of debian/generated/ and the arguments that print it.
fn generated() -> Vec<(String, Vec<String>)> {
    let mut files = vec![("fsmg-stats.1".to_string(), vec!["man".to_string()])];
    for sub in fsmg_stats::cli::Cli::command().get_subcommands() {
        let name = sub.get_name();
        files.push((
            format!("fsmg-stats-{name}.1"),
            vec!["man".into(), name.into()],
        ));
    }
    for (file, shell) in [
        ("fsmg-stats.bash", "bash"),
        ("_fsmg-stats", "zsh"),
        ("fsmg-stats.fish", "fish"),
    ] {
        files.push((file.into(), vec!["completions".into(), shell.into()]));
    }
    files
}

#[test]
fn generated_manual_pages_and_completions_are_what_the_binary_prints() {
    let dir = repo().join("debian/generated");
    let mut stale = Vec::new();
    let expected = generated();
    for (file, args) in &expected {
        let out = fsmg().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "fsmg-stats {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "fsmg-stats {}", args.join(" "));
        if std::fs::read(dir.join(file)).ok().as_deref() != Some(&out.stdout[..]) {
            stale.push(format!("{file} (fsmg-stats {})", args.join(" ")));
        }
    }
    let mut present: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    present.retain(|f| !expected.iter().any(|(e, _)| e == f));
    for f in present {
        stale.push(format!("{f} (printed by no command: remove it)"));
    }
    assert!(
        stale.is_empty(),
        "debian/generated/ differs from what fsmg-stats prints: {}; {REGENERATE} \
         (it lists the subcommands in its loop too)",
        stale.join(", ")
    );
}

fn shipped_config() -> String {
    std::fs::read_to_string(repo().join("debian/config.toml")).unwrap()
}

/// The example lines (`# key = value`) of the shipped configuration, uncommented, with
/// their keys.
fn examples(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let line = l.strip_prefix("# ")?;
            let (key, _) = line.split_once(" = ")?;
            let is_key = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            is_key.then(|| (key.to_string(), line.to_string()))
        })
        .collect()
}

#[test]
fn shipped_config_parses_and_changes_nothing() {
    let c: FileConfig = toml::from_str(&shipped_config()).expect("debian/config.toml");
    // Every key is commented out: as installed, the file is the defaults.
    assert_eq!(format!("{c:?}"), format!("{:?}", FileConfig::default()));
    fsmg()
        .args(["--config", "debian/config.toml", "-q", "--format", "json"])
        .arg(repo().join("sample-logs/hlz"))
        .current_dir(repo())
        .assert()
        .success();
}

#[test]
fn every_key_of_the_shipped_config_has_an_example_that_parses() {
    let examples = examples(&shipped_config());
    for (key, line) in &examples {
        toml::from_str::<FileConfig>(line)
            .unwrap_or_else(|e| panic!("debian/config.toml, uncommented: {line}\n{e}"));
        assert!(
            examples.iter().filter(|(k, _)| k == key).count() == 1,
            "debian/config.toml: {key} has more than one example"
        );
    }
    // All of them at once, too.
    let all: Vec<&str> = examples.iter().map(|(_, l)| l.as_str()).collect();
    let c: FileConfig = toml::from_str(&all.join("\n")).expect("all examples uncommented");
    assert!(c.ignore_crawlers && c.top.is_some() && c.title.is_some());
    // FileConfig's keys (it denies unknown ones): each documented with an example.
    let mut keys: Vec<&str> = examples.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort();
    let mut want = [
        "paths",
        "log_format",
        "date_format",
        "time_format",
        "nginx_format",
        "json_fields",
        "goaccess_config",
        "projects",
        "top",
        "geoip",
        "exclude_ip",
        "ignore_status",
        "ignore_referrer",
        "ignore_crawlers",
        "title",
    ];
    want.sort();
    assert_eq!(
        keys, want,
        "debian/config.toml: one `# key = value` example per FileConfig key"
    );
}

/// A unit file's `ExecStart=`, continuation lines joined.
fn exec_start(unit: &str) -> String {
    let text = std::fs::read_to_string(repo().join("debian").join(unit)).unwrap();
    let joined = text.replace("\\\n", " ");
    let line = joined
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .unwrap_or_else(|| panic!("{unit}: no ExecStart="));
    line.to_string()
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_fsmg-stats")
}

/// Runs `command` (a unit's ExecStart, after systemd's expansion) with sh.
fn sh(command: &str, env: &[(&str, &Path)]) -> std::process::Output {
    let mut c = std::process::Command::new("sh");
    c.args(["-c", command])
        .env_remove("FSMG_STATS_CONFIG")
        .env("FSMG_STATS_GEOIP_DIRS", "/nonexistent")
        .env("HOME", "/nonexistent");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn the_units_command_lines_run() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let state: PathBuf = tmp.path().join("state");
    std::fs::create_dir(&state).unwrap();

    // Ingest: systemd expands ${VAR} as one word and $VAR as words; sh does the same
    // for "${VAR}" and $VAR.
    let ingest = exec_start("fsmg-stats-ingest.service")
        .replace("/usr/bin/fsmg-stats", bin())
        .replace("${FSMG_STORE}", "\"$FSMG_STORE\"")
        .replace("${FSMG_NODE}", "\"$FSMG_NODE\"");
    assert!(ingest.contains(" ingest "), "{ingest}");
    let logs = repo().join("sample-logs/hlz");
    let out = sh(
        &ingest,
        &[
            ("FSMG_STORE", &store),
            ("FSMG_NODE", Path::new("hlz")),
            ("FSMG_LOGS", &logs),
            ("FSMG_INGEST_ARGS", Path::new("")),
        ],
    );
    assert!(
        out.status.success(),
        "{ingest}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(store.join("requests").is_dir());

    // Sponsor: the unit's own sh -c, $$ and %% unescaped, of the previous month.
    let exec = exec_start("fsmg-stats-sponsor.service");
    let script = exec
        .strip_prefix("/bin/sh -c '")
        .and_then(|s| s.strip_suffix('\''))
        .unwrap_or_else(|| panic!("fsmg-stats-sponsor.service: ExecStart=/bin/sh -c '...'"))
        .replace("$$", "$")
        .replace("%%", "%")
        .replace("/usr/bin/fsmg-stats", bin())
        .replace("/var/lib/fsmg-stats/", &format!("{}/", state.display()));
    let out = sh(
        &script,
        &[("FSMG_STORE", &store), ("FSMG_SPONSOR_ARGS", Path::new(""))],
    );
    // The sample logs are of 2018-19: last month is an empty period, which fails
    // loudly (the unit's journal says it) and writes no page; the dates show the unit's
    // arithmetic is right.
    let today = jiff::ZonedDateTime::now().date();
    let month = today.first_of_month().yesterday().unwrap();
    let page = state.join(format!("sponsor-{}.html", month.strftime("%Y-%m")));
    let said = format!(
        "fsmg-stats: no requests between {} and {month}; the store covers 2018-12-31 to 2019-01-03\n",
        month.first_of_month()
    );
    assert!(
        out.status.code() == Some(1) && !page.exists(),
        "{script}: {}",
        out.status
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with(&said),
        "{script}"
    );
}
