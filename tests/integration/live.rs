//! The live dashboards: the followed state against a batch report of the same lines, and
//! `top` driven in tmux while a writer appends and rotates.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fsmg_stats::cli::{Args, Mode};
use fsmg_stats::config::Config;
use fsmg_stats::input::Source;
use fsmg_stats::input::follow::Follower;
use fsmg_stats::live::Live;
use serde_json::Value;

use crate::util::{fsmg, loggen, report};

fn append<L: AsRef<[u8]>>(path: &Path, lines: &[L]) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for l in lines {
        f.write_all(l.as_ref()).unwrap();
        f.write_all(b"\n").unwrap();
    }
}

/// The lines of a generated log (hostile ones are not all UTF-8).
fn read_lines(path: &Path) -> Vec<Vec<u8>> {
    let text = std::fs::read(path).unwrap();
    std::fs::remove_file(path).unwrap();
    text.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

/// `access.log` of `dir` renamed to `access.log.N` and a new one created, as
/// logrotate's `create` does.
fn rotate_create(dir: &Path, n: u32) {
    let log = dir.join("access.log");
    std::fs::rename(&log, dir.join(format!("access.log.{n}"))).unwrap();
    std::fs::File::create(&log).unwrap();
}

/// `access.log` of `dir` copied to `access.log.N` and truncated, as logrotate's
/// `copytruncate` does (nothing is written between the copy and the truncation).
fn rotate_copytruncate(dir: &Path, n: u32) {
    let log = dir.join("access.log");
    std::fs::copy(&log, dir.join(format!("access.log.{n}"))).unwrap();
    std::fs::File::create(&log).unwrap();
}

/// Every file written under `dir`'s node directories (what a batch report of the same
/// lines reads).
fn written(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = ["hlz", "wlg"]
        .iter()
        .flat_map(|n| written_in(&dir.join(n)))
        .collect();
    out.sort();
    out
}

/// Every file in `dir`.
fn written_in(dir: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(dir).unwrap();
    let mut out: Vec<String> = entries
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    out.sort();
    out
}

fn config(mode: Mode, paths: Vec<String>, since: Option<String>) -> Config {
    let mut args = Args {
        mode,
        paths,
        ..Args::default()
    };
    args.period.since = since;
    args.common.quiet = true;
    // As many rows as the dashboards' reports have.
    args.output.top = (mode == Mode::Report).then_some(fsmg_stats::live::ROWS);
    Config::resolve(args).unwrap()
}

/// A report as JSON without what differs between following and a batch run by design:
/// which files were read (rotated files are inputs of the batch run) and the sample
/// lines' file names and numbers.
fn comparable(r: &fsmg_stats::report::Report) -> Value {
    let mut v = serde_json::to_value(r).unwrap();
    let o = v.as_object_mut().unwrap();
    for key in ["inputs", "generator", "period"] {
        o.remove(key);
    }
    o["failed"].as_object_mut().unwrap().remove("samples");
    v
}

/// Generated requests of `days` days (hostile lines among them), split between two
/// nodes' live logs.
fn lines(dir: &Path, days: u32, n: usize) -> Vec<Vec<u8>> {
    let path = dir.join("gen.log");
    std::fs::create_dir_all(dir).unwrap();
    let days = days.to_string();
    let n = n.to_string();
    let file = path.display().to_string();
    loggen(&[
        "--seed", "11", "single", &file, "--lines", &n, "--days", &days,
    ]);
    read_lines(&path)
}

/// Feeds what the follower has until it has nothing more.
fn catch_up(live: &mut Live<'_>, follower: &mut Follower) {
    loop {
        let (batch, errors) = follower.read(1 << 16);
        if batch.is_empty() && errors.is_empty() {
            return;
        }
        live.feed(&batch, errors);
    }
}

#[test]
fn the_live_state_equals_a_batch_report_across_rotations_and_days() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let all = lines(dir, 3, 6000);
    for node in ["hlz", "wlg"] {
        std::fs::create_dir(dir.join(node)).unwrap();
        std::fs::File::create(dir.join(node).join("access.log")).unwrap();
    }
    let (hlz, wlg) = (dir.join("hlz"), dir.join("wlg"));
    let parts: Vec<&[Vec<u8>]> = all.chunks(all.len() / 6 + 1).collect();
    let write = |part: &[Vec<u8>]| {
        let (a, b): (Vec<&Vec<u8>>, Vec<&Vec<u8>>) = part.iter().partition(|l| l.len() % 3 != 0);
        append(&hlz.join("access.log"), &a);
        append(&wlg.join("access.log"), &b);
    };
    write(parts[0]);
    let cfg = config(Mode::Top, vec![dir.display().to_string()], None);
    let followed = fsmg_stats::live::followed(&cfg).unwrap();
    let file = |dir: &Path| Source::File(dir.join("access.log"));
    assert_eq!(followed.sources, [file(&hlz), file(&wlg)]);
    assert_eq!(followed.nodes, ["hlz", "wlg"]);
    let mut follower = Follower::new(&followed.sources).unwrap();
    let mut live = Live::new(&cfg, &followed, fsmg_stats::live::ROWS);
    let check = |live: &Live<'_>, step: &str| {
        let since = live.day().map(fsmg_stats::parse::time::day_to_string);
        let batch = config(Mode::Report, written(dir), since.clone());
        let want = fsmg_stats::pipeline::run(&batch).report;
        let got = live.report();
        let (a, b) = (comparable(&got), comparable(&want));
        let differ: Vec<(&String, &Value, &Value)> = (a.as_object().unwrap().iter())
            .filter(|(k, v)| b.get(k.as_str()) != Some(v))
            .map(|(k, v)| (k, v, &b[k]))
            .collect();
        let keys: Vec<&String> = differ.iter().map(|d| d.0).collect();
        assert!(
            differ.is_empty(),
            "{step}, since {since:?}: {keys:?} differ; summaries {} and {}",
            a["summary"],
            b["summary"]
        );
        got
    };
    catch_up(&mut live, &mut follower);
    let first = check(&live, "first read");
    assert!(first.summary.failed_requests > 0);
    // A rotation of each kind, lines after each, a second rotation, and the days
    // changing on the way: the state starts over at each new day.
    write(parts[1]);
    rotate_create(&hlz, 2);
    rotate_copytruncate(&wlg, 2);
    write(parts[2]);
    catch_up(&mut live, &mut follower);
    check(&live, "after the first rotations");
    write(parts[3]);
    rotate_create(&hlz, 1);
    write(parts[4]);
    rotate_copytruncate(&wlg, 1);
    write(parts[5]);
    catch_up(&mut live, &mut follower);
    let last = check(&live, "at the end");
    let days = crate::util::dates(&report(
        &written(dir).iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    assert_eq!(days.len(), 3);
    // Only the newest day is held, and lines of the days before count as excluded.
    assert_eq!(
        live.day().map(fsmg_stats::parse::time::day_to_string),
        days.last().cloned()
    );
    assert_eq!(last.days.len(), 1);
    assert!(last.summary.excluded_requests > 0);
    let throughput = live.throughput();
    assert!(throughput.hour.requests > 0 && throughput.minute.requests <= throughput.hour.requests);
}

/// tmux, or `None` (said on stderr) on a machine without it, unless
/// `FSMG_STATS_REQUIRE_TMUX` is set (CI sets it).
fn tmux() -> Option<PathBuf> {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("FSMG_STATS_REQUIRE_TMUX").is_some() {
        panic!("tmux is not installed (FSMG_STATS_REQUIRE_TMUX is set)");
    }
    if !found {
        eprintln!("tmux not installed: the terminal dashboard test did not run");
    }
    found.then(|| PathBuf::from("tmux"))
}

/// A tmux server of its own (killed on drop) with one window running `command`.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(command: &str) -> Tmux {
        let socket = format!("fsmg-test-{}", std::process::id());
        let t = Tmux { socket };
        let status = t
            .cmd()
            .args([
                "new-session",
                "-d",
                "-x",
                "150",
                "-y",
                "45",
                "-s",
                "top",
                command,
            ])
            .env("FSMG_STATS_GEOIP_DIRS", "/nonexistent")
            .env("HOME", "/nonexistent")
            .env_remove("FSMG_STATS_CONFIG")
            .env_remove("FSMG_STATS_LOG_FORMAT")
            .status()
            .unwrap();
        assert!(status.success());
        t
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "top"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &str) {
        assert!(
            self.cmd()
                .args(["send-keys", "-t", "top", keys])
                .status()
                .unwrap()
                .success()
        );
    }

    /// Waits (up to a minute: a slow machine under load) until the screen shows every
    /// one of `texts`; the screen then.
    fn wait_for(&self, texts: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if texts.iter().all(|t| screen.contains(t)) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the screen never showed {texts:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

#[test]
fn top_in_tmux_follows_appends_and_rotations_then_quits_cleanly() {
    if tmux().is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // One day: the totals are those of the whole files.
    let all = lines(&tempfile::tempdir().unwrap().keep(), 1, 3000);
    let (hlz, wlg) = (dir.join("hlz"), dir.join("wlg"));
    for node in [&hlz, &wlg] {
        std::fs::create_dir(node).unwrap();
        std::fs::File::create(node.join("access.log")).unwrap();
    }
    let quarter = all.len() / 4 + 1;
    let parts: Vec<&[Vec<u8>]> = all.chunks(quarter).collect();
    let write = |part: &[Vec<u8>]| {
        let (a, b): (Vec<&Vec<u8>>, Vec<&Vec<u8>>) = part.iter().partition(|l| l.len() % 2 == 0);
        append(&hlz.join("access.log"), &a);
        append(&wlg.join("access.log"), &b);
    };
    // The batch report's totals of every line written so far, as `top` shows them.
    let totals = || {
        let files = written(dir);
        let r = report(&files.iter().map(String::as_str).collect::<Vec<_>>());
        let n = |v: &Value| fsmg_stats::output::fmt::thousands(v.as_u64().unwrap());
        (
            format!("requests {}", n(&r["summary"]["total_requests"])),
            format!("visitors {}", n(&r["summary"]["unique_visitors"])),
        )
    };
    write(parts[0]);
    let bin = env!("CARGO_BIN_EXE_fsmg-stats");
    let command = format!(
        "{bin} top {}; echo \"exit status $?\"; stty -a | grep -qw icanon && echo cooked; sleep 600",
        dir.display()
    );
    let t = Tmux::start(&command);
    let (requests, visitors) = totals();
    t.wait_for(&["fsmg-stats top", &requests, &visitors, "1 Projects"]);
    // Lines appended, then both kinds of rotation with lines after them.
    write(parts[1]);
    rotate_create(&hlz, 1);
    rotate_copytruncate(&wlg, 1);
    write(parts[2]);
    let (requests, visitors) = totals();
    t.wait_for(&[&requests, &visitors]);
    write(parts[3]);
    let (requests, visitors) = totals();
    let screen = t.wait_for(&[&requests, &visitors]);
    assert!(screen.contains("hlz") && screen.contains("wlg"), "{screen}");
    // Keys: a panel by number, the metric, the key list, pause.
    t.keys("2");
    t.wait_for(&["Files by requests"]);
    t.keys("m");
    t.wait_for(&["Files by bytes"]);
    t.keys("?");
    t.wait_for(&["Keys", "pause (reading goes on)"]);
    t.keys("?");
    t.keys("Tab");
    t.wait_for(&["Countries by bytes"]);
    t.keys("p");
    t.wait_for(&["PAUSED"]);
    // `q` quits with status 0 and gives the terminal back (off the alternate screen,
    // out of raw mode).
    t.keys("q");
    let screen = t.wait_for(&["exit status 0", "cooked"]);
    assert!(!screen.contains("Throughput"), "{screen}");
}

#[test]
fn top_refuses_what_it_cannot_follow() {
    let tmp = tempfile::tempdir().unwrap();
    let gz = tmp.path().join("access.log.2.gz");
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b"x\n").unwrap();
    std::fs::write(&gz, e.finish().unwrap()).unwrap();
    let out = fsmg().args(["top"]).arg(&gz).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("compressed") && err.contains("access.log.2.gz"),
        "{err}"
    );
    let out = fsmg().args(["top"]).arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no live log"));
    let out = fsmg().args(["top", "-"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard input cannot be followed"));
}

/// A GET over HTTP/1.1: the status code and the body.
fn get(addr: &str, path: &str) -> (u16, String) {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The `data` of each `snapshot` event of `/events`, parsed, as they come.
fn events(addr: &str, query: &str) -> std::sync::mpsc::Receiver<Value> {
    use std::io::BufRead;
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET /events{query} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(s).lines() {
            let Ok(line) = line else { return };
            // Chunked encoding: the data lines are whole within their chunks.
            if let Some(data) = line.strip_prefix("data: ")
                && tx.send(serde_json::from_str(data).unwrap()).is_err()
            {
                return;
            }
        }
    });
    rx
}

#[test]
fn serve_streams_the_logs_growth_and_wants_its_token() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let all = lines(&dir.join("gen"), 1, 2000);
    let hlz = dir.join("logs/hlz");
    std::fs::create_dir_all(&hlz).unwrap();
    let (first, rest) = all.split_at(all.len() / 2);
    append(&hlz.join("access.log"), first);
    let token = "0123456789abcdef-test";
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fsmg-stats"))
        .args(["serve", "--listen", "127.0.0.1:0", "--token", token])
        .arg(dir.join("logs"))
        .env("FSMG_STATS_GEOIP_DIRS", "/nonexistent")
        .env("HOME", "/nonexistent")
        .env_remove("FSMG_STATS_CONFIG")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut err, &mut line).unwrap();
    // fsmg-stats: serving http://127.0.0.1:PORT/?token=... (this machine only); ...
    let addr = line
        .split("http://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    assert!(line.contains(&format!("?token={token}")), "{line}");
    let q = format!("?token={token}");
    // Without the token, or with another, nothing is shown.
    for path in [
        "/",
        "/events",
        "/report.json",
        "/?token=0123456789abcdef-tesT",
    ] {
        assert_eq!(get(&addr, path).0, 401, "{path}");
    }
    let updates = events(&addr, &q);
    let wait_for = |want: &Value| {
        let start = Instant::now();
        loop {
            let e = updates
                .recv_timeout(Duration::from_secs(60))
                .expect("an event");
            if e["requests"] == want["total_requests"] && e["visitors"] == want["unique_visitors"] {
                return e;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "last event {e}, want {want}"
            );
        }
    };
    let files = || written_in(&hlz);
    let batch = |files: Vec<String>| report(&files.iter().map(String::as_str).collect::<Vec<_>>());
    let first_event = wait_for(&batch(files())["summary"]);
    // More lines, a rotation, more lines: the events follow, and the page's version
    // moves on with the report.
    let (a, b) = rest.split_at(rest.len() / 2);
    append(&hlz.join("access.log"), a);
    rotate_create(&hlz, 1);
    append(&hlz.join("access.log"), b);
    let want = batch(files());
    let last_event = wait_for(&want["summary"]);
    assert!(last_event["version"].as_u64() > first_event["version"].as_u64());
    assert!(
        last_event["throughput"]["hour"]["requests"]
            .as_u64()
            .unwrap()
            > 0
    );
    let (status, page) = get(&addr, &format!("/{q}"));
    assert_eq!(status, 200);
    assert!(page.contains("connect-src 'self'") && page.contains("id=\"live\""));
    let (status, json) = get(&addr, &format!("/report.json{q}"));
    assert_eq!(status, 200);
    let served: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(served["countries"], want["countries"]);
    assert_eq!(served["projects"], want["projects"]);
    // SIGINT stops it, the open event stream notwithstanding.
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "serve did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}

#[test]
fn serve_wants_a_token_beyond_loopback() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("access.log");
    std::fs::write(&log, "").unwrap();
    let out = fsmg()
        .args(["serve", "--listen", "0.0.0.0:0"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not a loopback address") && err.contains("--token"),
        "{err}"
    );
    let out = fsmg()
        .args(["serve", "--token", "short"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 16"));
    let out = fsmg()
        .args(["serve", "--listen", "localhost"])
        .arg(&log)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected ADDRESS:PORT"));
}
