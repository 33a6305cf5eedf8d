//! The live dashboards (`top`, `serve`): new lines of the followed logs folded
//! into the same mergeable aggregate a batch report builds, and snapshots of its report,
//! so that what they show equals a batch report of the same lines.
//!
//! Memory stays bounded while following for days: without `--since`, the state holds the
//! newest day only. When a request of a later day arrives, it starts over from the batch
//! of lines that brought it, its window from that day on, and the lines before count as
//! lines outside the window (every request among them had an earlier day): the state is
//! exactly a batch report `--since DAY` of every line read. Throughput keeps the newest
//! hour.

pub mod serve;
pub mod top;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::aggregate::{Aggregate, Context, Counts};
use crate::config::Config;
use crate::input::follow::{Follower, Lines};
use crate::input::{self, Found, InputError, Source};
use crate::parse::sniff::Formats;
use crate::parse::time::Day;
use crate::pipeline;
use crate::report::Report;

/// At most this much of one file is read before the state is updated: the first read of
/// a large log goes in steps of bounded memory.
const BUDGET: usize = 64 << 20;
/// Batches larger than this are parsed on all cores.
const PARALLEL_BYTES: usize = 1 << 20;

/// What the dashboards show: a report of the state, and its throughput.
#[derive(Clone)]
pub struct Snapshot {
    pub report: Arc<Report>,
    pub throughput: Throughput,
    /// Unreadable files and lines not in their format, as a batch report says them.
    pub problems: Vec<String>,
    /// The day the state starts with, when it follows the newest day.
    pub day: Option<Day>,
}

/// Requests and bytes over the last minute, 5 minutes and hour before `now` (log time,
/// seconds since 1970), and each of the last seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Throughput {
    pub now: i64,
    pub minute: Counts,
    pub five_minutes: Counts,
    pub hour: Counts,
    /// The last [`SERIES`] seconds, oldest first (the terminal's sparkline).
    #[serde(skip)]
    pub series: Vec<Counts>,
}

/// Rows of the top-N tables (files, networks) of `top`, which ranks them by requests,
/// bytes or visitors: enough that the ranking by bytes finds the top ones.
pub const ROWS: usize = 1000;

/// Seconds of the sparkline.
pub const SERIES: usize = 600;

/// The followed logs and the state their lines make.
pub struct Live<'a> {
    cfg: &'a Config,
    formats: Formats,
    sources: Vec<Source>,
    nodes: Vec<String>,
    node_of: Vec<u32>,
    agg: Aggregate,
    window: (Day, Day),
    /// No `--since`: the state holds the newest day.
    daily: bool,
    /// The next chunk number of each input.
    chunks: Vec<u32>,
    /// Rows of the report's top-N tables.
    rows: usize,
    /// Bytes read from each input, rotated files' included: the log size.
    read: Vec<u64>,
    errors: Vec<InputError>,
}

/// Files in `paths` that a live dashboard follows: files named, and the live logs of
/// directories (not rotated or compressed ones), each with its node as for a report.
pub fn followed(cfg: &Config) -> Result<Found, String> {
    let found = input::discover(&cfg.paths);
    if let Some(e) = found.errors.first() {
        return Err(e.to_string());
    }
    let mut out = Found::default();
    for ((source, node), named) in found.sources.into_iter().zip(found.nodes).zip(found.named) {
        let Source::File(path) = &source else {
            return Err("standard input cannot be followed: name the log files".into());
        };
        let compressed = input::chunks::open(&source, None).is_ok_and(|(_, plain)| !plain);
        if named && compressed {
            return Err(format!(
                "{}: compressed, so it does not grow: report it with `fsmg-stats {0}`",
                path.display()
            ));
        }
        if !named && (compressed || rotated_name(path)) {
            continue;
        }
        out.sources.push(source);
        out.nodes.push(node);
        out.named.push(named);
    }
    if out.sources.is_empty() {
        return Err(format!(
            "no live log in {}: only rotated or compressed files",
            cfg.paths.join(" ")
        ));
    }
    Ok(out)
}

/// `access.log.1`, `access.log.2.gz`, `access.log-20181231`: a rotated log.
fn rotated_name(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let name = name.trim_end_matches(".gz");
    let last = name.rsplit(['.', '-']).next().unwrap_or("");
    name.len() != last.len() && !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit())
}

impl<'a> Live<'a> {
    /// The state of the files [`followed`] found, before any line is read; its reports
    /// keep `rows` rows of the top-N tables.
    pub fn new(cfg: &'a Config, followed: &Found, rows: usize) -> Self {
        let (nodes, node_of) = pipeline::node_ids(cfg, followed.nodes.clone());
        let n = followed.sources.len();
        Live {
            cfg,
            formats: pipeline::formats(cfg, followed),
            sources: followed.sources.clone(),
            nodes,
            node_of,
            agg: Aggregate::default(),
            window: cfg.window,
            daily: cfg.since.is_none(),
            chunks: vec![0; n],
            rows,
            read: vec![0; n],
            errors: Vec::new(),
        }
    }

    /// Folds new lines into the state.
    pub fn feed(&mut self, batch: &[Lines], errors: Vec<InputError>) {
        self.errors.extend(errors);
        // Each input's format from its first lines; passed-over inputs are not read.
        let mut chunks: Vec<(u32, u32, &[u8])> = Vec::new();
        for l in batch {
            self.read[l.input] += l.data.len() as u64;
            if !self.formats.choose(l.input, &l.data) {
                continue;
            }
            for piece in pieces(&l.data, input::chunks::CHUNK_BYTES) {
                let seq = &mut self.chunks[l.input];
                chunks.push((l.input as u32, *seq, piece));
                *seq += 1;
            }
        }
        if chunks.is_empty() {
            return;
        }
        let fed = self.fold(&chunks, self.window, true);
        let before = newest_day(&self.agg);
        match (self.daily, before, newest_day(&fed)) {
            (true, Some(before), Some(day)) if day > before => {
                // A new day: the state starts over from this batch's lines of that day
                // on. The lines before count as a window from that day counts them, and
                // the throughput stays (its hour spans midnight).
                self.window.0 = day;
                let mut fresh = self.fold(&chunks, self.window, false);
                fresh.seconds = fed.seconds;
                let old = std::mem::take(&mut self.agg);
                let mut carried = old.lines_since(day);
                carried.seconds = old.seconds;
                self.agg = carried.merge(fresh);
            }
            _ => self.agg = std::mem::take(&mut self.agg).merge(fed),
        }
        // What a state fed small batches for days would otherwise keep adding to.
        self.agg.compact_chunk_lines();
        self.agg.url_visitors.settle();
    }

    fn fold(
        &self,
        chunks: &[(u32, u32, &[u8])],
        window: (Day, Day),
        per_second: bool,
    ) -> Aggregate {
        let ctx = Context {
            formats: &self.formats,
            input_ids: &[],
            projects: &self.cfg.projects,
            window,
            geo: &self.cfg.geo,
            rows: None,
            anonymize_ip: self.cfg.anonymize_ip,
            report: true,
            filters: &self.cfg.filters,
            nodes: &self.node_of,
            per_second,
        };
        let add = |mut agg: Aggregate, &(input, seq, data): &(u32, u32, &[u8])| {
            agg.add_chunk(&ctx, input, seq, data);
            agg
        };
        let bytes: usize = chunks.iter().map(|c| c.2.len()).sum();
        if bytes < PARALLEL_BYTES {
            return chunks.iter().fold(Aggregate::default(), add);
        }
        pipeline::on_threads(self.cfg.threads, || {
            (chunks.par_iter())
                .fold(Aggregate::default, add)
                .reduce(Aggregate::default, Aggregate::merge)
        })
    }

    /// The report of the state, as a batch report of the same lines builds it.
    pub fn report(&self) -> Report {
        let read = (&self.sources[..], &self.read[..], &self.errors[..]);
        let mut report = pipeline::log_report(
            self.cfg,
            &self.formats,
            &self.agg,
            read,
            &self.nodes,
            self.rows,
        );
        if let Some(d) = self.day() {
            report.period.since = Some(crate::parse::time::day_to_string(d));
        }
        report
    }

    /// Unreadable files, then inputs whose lines are not in their format.
    pub fn problems(&self) -> Vec<String> {
        let checked = pipeline::check_inputs(
            &self.formats,
            &self.agg,
            &self.sources,
            &self.cfg.paths,
            self.cfg.show_ips,
        );
        (self.errors.iter().map(|e| e.to_string()))
            .chain(checked.problems)
            .chain(checked.warnings)
            .collect()
    }

    /// Throughput up to now: the wall clock while the logs are live (so that a quiet log
    /// shows its rate falling), else the newest request's second.
    pub fn throughput(&self) -> Throughput {
        let seconds = &self.agg.seconds;
        let Some(newest) = seconds.newest() else {
            return Throughput::default();
        };
        let wall = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let now = match wall - newest {
            0..3600 => wall,
            _ => newest,
        };
        Throughput {
            now,
            minute: seconds.sum(now, 60),
            five_minutes: seconds.sum(now, 300),
            hour: seconds.sum(now, 3600),
            series: seconds.series(now, SERIES),
        }
    }

    /// The day the state starts with, when it follows the newest day.
    pub fn day(&self) -> Option<Day> {
        self.daily
            .then_some(self.window.0)
            .filter(|&d| d != Day::MIN)
    }
}

/// The newest day of a state's requests, days after tomorrow (by this machine's clock)
/// aside: a line dated years ahead must not empty the state.
fn newest_day(agg: &Aggregate) -> Option<Day> {
    let tomorrow = jiff::ZonedDateTime::now().date().tomorrow().ok();
    let limit = tomorrow.map_or(Day::MAX, crate::parse::time::day_key);
    agg.days.keys().copied().filter(|&d| d <= limit).max()
}

/// `data` (complete lines) in pieces of about `max` bytes, cut after a `\n`.
fn pieces(data: &[u8], max: usize) -> impl Iterator<Item = &[u8]> {
    let mut rest = data;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let cut = match rest.len() <= max {
            true => rest.len(),
            false => memchr::memrchr(b'\n', &rest[..max]).map_or(rest.len(), |i| i + 1),
        };
        let (piece, tail) = rest.split_at(cut);
        rest = tail;
        Some(piece)
    })
}

/// Follows the logs until `stop`, handing a snapshot to `publish` after new lines (a new
/// report at most every `interval`, and less often when a report and its publication
/// take long, so that they cost at most ~5% of a core) and once a second besides, for
/// the throughput.
pub fn follow(
    mut live: Live<'_>,
    mut follower: Follower,
    stop: &AtomicBool,
    interval: Duration,
    mut publish: impl FnMut(Snapshot),
) {
    let mut report: Option<Arc<Report>> = None;
    let mut built = Instant::now();
    let mut build_cost = Duration::ZERO;
    let mut stale = true;
    let mut problems = Vec::new();
    let mut published = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        loop {
            let (batch, errors) = follower.read(BUDGET);
            if batch.is_empty() && errors.is_empty() {
                break;
            }
            live.feed(&batch, errors);
            stale = true;
            if stop.load(Ordering::Relaxed) {
                return;
            }
        }
        let due = built.elapsed() >= interval.max(build_cost * 20);
        let start = Instant::now();
        let rebuild = report.is_none() || (stale && due);
        if rebuild {
            report = Some(Arc::new(live.report()));
            problems = live.problems();
            built = Instant::now();
            stale = false;
        }
        if let Some(report) = &report
            && (rebuild || published.elapsed() >= Duration::from_secs(1))
        {
            publish(Snapshot {
                report: report.clone(),
                throughput: live.throughput(),
                problems: problems.clone(),
                day: live.day(),
            });
            published = Instant::now();
        }
        if rebuild {
            // What a new report costs, rendering for the viewers included.
            build_cost = start.elapsed();
        }
        // New lines wake the loop; a quiet log still gets its throughput each second. A
        // busy one is read ten times a second at most, not once per write.
        follower.wait(Duration::from_secs(1).min(input::follow::POLL));
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotated_names() {
        for (name, rotated) in [
            ("access.log", false),
            ("access.log.1", true),
            ("access.log.2.gz", true),
            ("access.log-20181231", true),
            ("access.log-20181231.gz", true),
            ("access_log", false),
            ("2019.log", false),
            ("other_vhosts_access.log", false),
        ] {
            assert_eq!(rotated_name(std::path::Path::new(name)), rotated, "{name}");
        }
    }

    #[test]
    fn pieces_end_at_lines() {
        let data = b"aaaa\nbb\ncccccc\nd\n";
        let got: Vec<&[u8]> = pieces(data, 7).collect();
        assert_eq!(got, [&b"aaaa\n"[..], b"bb\n", b"cccccc\n", b"d\n"]);
        assert_eq!(pieces(data, 100).count(), 1);
        assert_eq!(pieces(b"", 5).count(), 0);
        // A line longer than a piece is one piece.
        assert_eq!(pieces(b"0123456789\n", 4).count(), 1);
    }
}
