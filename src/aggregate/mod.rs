//! Aggregate: the per-thread state one chunk of lines is folded into, and the merge that
//! combines two of them. One thread is N threads with N = 1: results do not depend on how
//! input was split (tested in `tests/`).
//!
//! Unique visitors are exact: a visitor is an interned (day, client IP text, agent) triple,
//! and per-item visitor counts are sets of (item, visitor) pairs. Memory grows with the
//! number of distinct keys, never with the number of lines.

pub mod intern;

use foldhash::fast::RandomState;
use hashbrown::{HashMap, HashSet};

use crate::enrich::{files, project::Projects};
use crate::parse::time::Day;
use crate::parse::{Failure, Line, Program, Request};
use intern::Interner;

/// Requests and bytes of one row of a table.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub requests: u64,
    pub bytes: u64,
}

impl Counts {
    fn add(&mut self, bytes: u64) {
        self.requests += 1;
        self.bytes += bytes;
    }

    fn merge(&mut self, o: Counts) {
        self.requests += o.requests;
        self.bytes += o.bytes;
    }
}

/// Line accounting of one input.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LineCounts {
    pub lines: u64,
    pub valid: u64,
    pub failed: u64,
    pub blank: u64,
    pub comment: u64,
    pub excluded: u64,
}

impl LineCounts {
    fn merge(&mut self, o: LineCounts) {
        self.lines += o.lines;
        self.valid += o.valid;
        self.failed += o.failed;
        self.blank += o.blank;
        self.comment += o.comment;
        self.excluded += o.excluded;
    }
}

/// Where a line is: input index, chunk number within the input, line within the chunk
/// (0-based). Ordered as the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LinePos {
    pub input: u32,
    pub chunk: u32,
    pub line: u64,
}

/// A failed line kept as an example.
#[derive(Debug, Clone)]
pub struct Sample {
    pub pos: LinePos,
    pub reason: Failure,
    pub text: Vec<u8>,
}

/// How many failed lines are kept as examples, the earliest in input order.
pub const MAX_SAMPLES: usize = 10;
const SAMPLE_BYTES: usize = 300;

/// What every chunk needs to read its lines: immutable, shared by all threads.
pub struct Context<'a> {
    pub program: &'a Program,
    pub projects: &'a Projects,
    /// Inclusive window of days; lines outside it are `excluded`.
    pub window: (Day, Day),
}

type Set<T> = HashSet<T, RandomState>;
type Map<K, V> = HashMap<K, V, RandomState>;

fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

fn unpair(p: u64) -> (u32, u32) {
    ((p >> 32) as u32, p as u32)
}

#[derive(Default, Clone)]
pub struct Aggregate {
    pub ips: Interner,
    pub agents: Interner,
    pub urls: Interner,
    pub projects: Interner,
    /// (day, ip, agent) → visitor id.
    pub visitors: Map<(Day, u32, u32), u32>,
    pub days: Map<Day, Counts>,
    pub project_counts: Vec<Counts>,
    pub project_visitors: Set<u64>,
    pub url_counts: Vec<Counts>,
    pub url_visitors: Set<u64>,
    /// GoAccess's "requested files": (url, method, protocol) of non-404, non-static requests.
    pub requested_files: Set<(u32, u8, u8)>,
    pub status: Map<u16, Counts>,
    pub hours: [Counts; 24],
    pub hour_visitors: Set<u64>,
    pub failures: [u64; Failure::ALL.len()],
    pub samples: Vec<Sample>,
    pub bandwidth: u64,
    /// Per input (indexed by input number).
    pub inputs: Vec<LineCounts>,
    /// Lines per (input, chunk), to turn chunk-relative line numbers into real ones.
    pub chunk_lines: Vec<(u32, u32, u64)>,
    /// First and last day seen among counted requests.
    pub first_day: Option<Day>,
    pub last_day: Option<Day>,
}

fn grow<T: Default + Clone>(v: &mut Vec<T>, idx: usize) -> &mut T {
    if v.len() <= idx {
        v.resize(idx + 1, T::default());
    }
    &mut v[idx]
}

impl Aggregate {
    /// Folds one chunk (complete lines; the last may lack its `\n`) into this state.
    pub fn add_chunk(&mut self, ctx: &Context<'_>, input: u32, chunk: u32, data: &[u8]) {
        let mut counts = LineCounts::default();
        let mut line_no = 0u64;
        for line in data.split_inclusive(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            let pos = LinePos {
                input,
                chunk,
                line: line_no,
            };
            line_no += 1;
            match ctx.program.parse_line(line) {
                Line::Blank => counts.blank += 1,
                Line::Comment => counts.comment += 1,
                Line::Failed(why) => {
                    if outside_window(line, ctx.window) {
                        counts.excluded += 1;
                    } else {
                        counts.failed += 1;
                        self.fail(pos, why, line);
                    }
                }
                Line::Request(r) => {
                    if r.day < ctx.window.0 || r.day > ctx.window.1 {
                        counts.excluded += 1;
                    } else {
                        counts.valid += 1;
                        self.add_request(ctx, &r);
                    }
                }
            }
        }
        counts.lines = line_no;
        grow(&mut self.inputs, input as usize).merge(counts);
        self.chunk_lines.push((input, chunk, line_no));
    }

    fn fail(&mut self, pos: LinePos, reason: Failure, line: &[u8]) {
        self.failures[reason.index()] += 1;
        if self.samples.len() < MAX_SAMPLES || self.samples.last().is_some_and(|s| pos < s.pos) {
            let text = line[..line.len().min(SAMPLE_BYTES)].to_vec();
            let at = self.samples.partition_point(|s| s.pos < pos);
            self.samples.insert(at, Sample { pos, reason, text });
            self.samples.truncate(MAX_SAMPLES);
        }
    }

    fn add_request(&mut self, ctx: &Context<'_>, r: &Request<'_>) {
        self.bandwidth += r.bytes;
        self.first_day = Some(self.first_day.map_or(r.day, |d| d.min(r.day)));
        self.last_day = Some(self.last_day.map_or(r.day, |d| d.max(r.day)));
        self.days.entry(r.day).or_default().add(r.bytes);
        self.status.entry(r.status).or_default().add(r.bytes);
        let hour = r.time.hour.min(23) as usize;
        self.hours[hour].add(r.bytes);

        let project = ctx.projects.classify(&r.url, r.well_formed);
        let project = self.projects.intern(project);
        grow(&mut self.project_counts, project as usize).add(r.bytes);
        let url = self.urls.intern(&r.url);
        grow(&mut self.url_counts, url as usize).add(r.bytes);
        if !r.not_found && !files::is_static(&r.url) {
            let m = r.method.map_or(u8::MAX, |m| m.index());
            let p = r.protocol.map_or(u8::MAX, |p| p.index());
            self.requested_files.insert((url, m, p));
        }

        // 4xx responses count for hits and bytes but make no visitor (GoAccess's rule).
        if r.client_error {
            return;
        }
        let ip = self.ips.intern(r.host);
        let agent = self.agents.intern(&r.agent);
        let next = self.visitors.len() as u32;
        let visitor = *self.visitors.entry((r.day, ip, agent)).or_insert(next);
        self.project_visitors.insert(pair(project, visitor));
        self.url_visitors.insert(pair(url, visitor));
        self.hour_visitors.insert(pair(hour as u32, visitor));
    }

    /// Combines two states. The smaller is folded into the larger, renumbering its ids.
    pub fn merge(mut self, mut other: Aggregate) -> Aggregate {
        if other.visitors.len() + other.urls.len() > self.visitors.len() + self.urls.len() {
            std::mem::swap(&mut self, &mut other);
        }
        let ips = self.ips.absorb(&other.ips);
        let agents = self.agents.absorb(&other.agents);
        let urls = self.urls.absorb(&other.urls);
        let projects = self.projects.absorb(&other.projects);

        let mut visitors = vec![0u32; other.visitors.len()];
        for (&(day, ip, agent), &v) in &other.visitors {
            let next = self.visitors.len() as u32;
            let key = (day, ips[ip as usize], agents[agent as usize]);
            visitors[v as usize] = *self.visitors.entry(key).or_insert(next);
        }
        let remap = |set: &Set<u64>, items: &[u32], out: &mut Set<u64>| {
            for &p in set {
                let (item, v) = unpair(p);
                out.insert(pair(items[item as usize], visitors[v as usize]));
            }
        };
        remap(
            &other.project_visitors,
            &projects,
            &mut self.project_visitors,
        );
        remap(&other.url_visitors, &urls, &mut self.url_visitors);
        let hours: Vec<u32> = (0..24).collect();
        remap(&other.hour_visitors, &hours, &mut self.hour_visitors);

        for (i, c) in other.project_counts.iter().enumerate() {
            grow(&mut self.project_counts, projects[i] as usize).merge(*c);
        }
        for (i, c) in other.url_counts.iter().enumerate() {
            grow(&mut self.url_counts, urls[i] as usize).merge(*c);
        }
        for &(u, m, p) in &other.requested_files {
            self.requested_files.insert((urls[u as usize], m, p));
        }
        for (d, c) in other.days {
            self.days.entry(d).or_default().merge(c);
        }
        for (s, c) in other.status {
            self.status.entry(s).or_default().merge(c);
        }
        for (a, b) in self.hours.iter_mut().zip(other.hours) {
            a.merge(b);
        }
        for (a, b) in self.failures.iter_mut().zip(other.failures) {
            *a += b;
        }
        self.samples.append(&mut other.samples);
        self.samples.sort_by_key(|s| s.pos);
        self.samples.truncate(MAX_SAMPLES);
        self.bandwidth += other.bandwidth;
        for (i, c) in other.inputs.iter().enumerate() {
            grow(&mut self.inputs, i).merge(*c);
        }
        self.chunk_lines.append(&mut other.chunk_lines);
        self.first_day = self.first_day.into_iter().chain(other.first_day).min();
        self.last_day = self.last_day.into_iter().chain(other.last_day).max();
        self
    }

    /// Real 1-based line number of a position, once every chunk has been counted.
    pub fn line_number(&self, pos: LinePos) -> u64 {
        let before: u64 = self
            .chunk_lines
            .iter()
            .filter(|&&(i, c, _)| i == pos.input && c < pos.chunk)
            .map(|&(_, _, n)| n)
            .sum();
        before + pos.line + 1
    }

    pub fn lines(&self) -> LineCounts {
        let mut total = LineCounts::default();
        for c in &self.inputs {
            total.merge(*c);
        }
        total
    }

    /// Visitors per day.
    pub fn day_visitors(&self) -> Map<Day, u64> {
        let mut m: Map<Day, u64> = Map::default();
        for &(day, _, _) in self.visitors.keys() {
            *m.entry(day).or_default() += 1;
        }
        m
    }

    /// Count of visitors per item of a (item, visitor) set, indexed by item id.
    pub fn visitors_per_item(set: &Set<u64>, items: usize) -> Vec<u64> {
        let mut v = vec![0u64; items];
        for &p in set {
            v[unpair(p).0 as usize] += 1;
        }
        v
    }
}

/// For a failed line: whether a date we can still find in it (`[dd/Mon/yyyy:`) lies
/// outside the window. Lines with no readable date are always counted.
fn outside_window(line: &[u8], window: (Day, Day)) -> bool {
    if window == (Day::MIN, Day::MAX) {
        return false;
    }
    let Some(open) = memchr::memchr(b'[', line) else {
        return false;
    };
    let rest = &line[open + 1..];
    let Some(colon) = memchr::memchr(b':', rest) else {
        return false;
    };
    match crate::parse::time::parse_clf_date(&rest[..colon]) {
        Some(tm) => {
            let d = tm.day_key();
            d < window.0 || d > window.1
        }
        None => false,
    }
}
