//! Aggregate: the per-thread state one chunk of lines is folded into, and the merge that
//! combines two of them. One thread is N threads with N = 1: results do not depend on how
//! input was split (tested in `tests/`).
//!
//! Unique visitors are exact: a visitor is a day and an interned (client IP text, agent)
//! pair. Visitors per hour and per project are bits kept on each visitor; visitors per file
//! are (file, visitor) pairs. Memory grows with the number of distinct keys, never with the
//! number of lines.

pub mod counts;
pub mod filter;
pub mod intern;
pub mod keyed;
pub mod lines;
pub mod panels;
pub mod replay;
pub mod seconds;
pub mod transfers;

use std::collections::BTreeMap;

use foldhash::fast::RandomState;
use hashbrown::{HashMap, HashSet};
use rayon::prelude::*;

use crate::enrich::files::{self, Content};
use crate::enrich::geo::{Geo, GeoCache, Location};
use crate::enrich::{client, project::Projects};
use crate::parse::logged::{Logs, OptionalFields};
use crate::parse::sniff::Formats;
use crate::parse::time::Day;
use crate::parse::{Failure, Line, Program, Request};
use crate::rows::{self, RowSink, Rows};
use filter::Filters;
use intern::Interner;
use panels::{Panels, Visit};

pub use counts::{Counts, PairLog, grow, grow_with, top_candidates};
use counts::{pair, unpair};
use lines::SAMPLE_BYTES;
pub use lines::{InputFailures, LineCounts, LinePos, MAX_SAMPLES, Sample};
pub use seconds::Seconds;
pub use transfers::{Download, SPEED_MIN_BYTES, Transfer};

/// What every chunk needs to read its lines: immutable, shared by all threads.
pub struct Context<'a> {
    /// The format of each input.
    pub formats: &'a Formats,
    /// Input numbers of this run among the formats' (a node's inputs under `--by-node`);
    /// empty: the same numbers.
    pub input_ids: &'a [usize],
    pub projects: &'a Projects,
    /// Inclusive window of days; lines outside it are `excluded`.
    pub window: (Day, Day),
    pub geo: &'a Geo,
    /// Where request rows go, when they are wanted.
    pub rows: Option<&'a dyn RowSink>,
    /// `--anonymize-ip`: request rows hold each client's network, not its address.
    pub anonymize_ip: bool,
    /// Whether the report is counted: not when only request rows and line counts are
    /// wanted (ingest), as it is most of a run's time and memory.
    pub report: bool,
    /// GoAccess's filters: what they match is `excluded`, as GoAccess's options do.
    pub filters: &'a Filters,
    /// The node (anycast site) of each input, by input number: an id into the run's node
    /// names.
    pub nodes: &'a [u32],
    /// Requests and bytes per second of the newest hour ([`Aggregate::seconds`]), for
    /// the live dashboards.
    pub per_second: bool,
}

impl<'a> Context<'a> {
    /// The formats' number of input `input` of this run.
    pub fn input_id(&self, input: u32) -> usize {
        self.input_ids
            .get(input as usize)
            .copied()
            .unwrap_or(input as usize)
    }

    /// The program input `input` is read with.
    pub fn program(&self, input: u32) -> &'a Program {
        self.formats.program(self.input_id(input))
    }

    /// A report of every day, with no request rows, no filters and every input on
    /// node 0 (tests, benchmarks and fuzzing).
    pub fn whole(formats: &'a Formats, projects: &'a Projects, geo: &'a Geo) -> Context<'a> {
        Context {
            formats,
            input_ids: &[],
            projects,
            window: (Day::MIN, Day::MAX),
            geo,
            rows: None,
            anonymize_ip: false,
            report: true,
            filters: &filter::NONE,
            nodes: &[],
            per_second: false,
        }
    }
}

/// Nodes below this are kept as bits 24 to 31 of a visitor's `hours` (per-node visitors
/// stay exact at no memory cost); further nodes as (node, visitor) pairs.
const MASK_NODES: u32 = 8;
/// The hour bits of `Visitor::hours`.
const HOUR_BITS: u32 = 0x00ff_ffff;

/// The id of node `name` among `names`, added if new: its index.
pub fn node_id(names: &mut Vec<String>, name: String) -> usize {
    match names.iter().position(|n| *n == name) {
        Some(i) => i,
        None => {
            names.push(name);
            names.len() - 1
        }
    }
}

/// Hash sets and maps with a seeded fast hash (foldhash): keys that come from the log
/// cannot be chosen to collide, and it costs far less than std's SipHash.
pub type Set<T> = HashSet<T, RandomState>;
pub type Map<K, V> = HashMap<K, V, RandomState>;

/// No such id (a URL's project before a well-formed request names it, its last visitor
/// before it has one).
const NONE: u32 = u32::MAX;

/// Projects with an id below this are kept as bits of the visitor; the rest, only possible
/// when hostile paths invent hundreds of first segments, as (project, visitor) pairs.
const MASK_PROJECTS: u32 = 32;

/// One unique visitor and the hours, (first 32) projects and (first 8) nodes it was seen
/// in, so that per-hour, per-project and per-node visitor counts need no (item, visitor)
/// sets.
#[derive(Debug, Clone, Copy)]
pub struct Visitor {
    pub id: u32,
    /// Bit h (0-23): seen in hour h; bit 24 + n: seen on node n.
    pub hours: u32,
    pub projects: u32,
    /// The referrer (an id of the referrers panel) the visitor was last recorded under,
    /// `NONE` before: a visitor's requests mostly share one, and most are `-`.
    pub referrer: u32,
}

/// How a URL counts among GoAccess's "requested files": never (static by extension), not
/// yet, or with one (method, protocol) kind; further kinds go to `Aggregate::more_files`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKinds {
    Static,
    None,
    One(u16),
}

/// Everything kept per distinct URL. Per-URL facts (static or not, project) are worked out
/// once, when the URL is first seen.
#[derive(Debug, Clone, Copy)]
pub struct UrlStats {
    pub counts: Counts,
    project: u32,
    /// Consecutive requests of one URL by one visitor (range requests for an ISO) log
    /// one pair.
    last_visitor: u32,
    files: FileKinds,
    pub content: Content,
    /// A disk or install image: its downloads are counted.
    pub image: bool,
}

impl UrlStats {
    /// A URL first seen, static or not; its content kind only when `classify` (a store
    /// replays them from its own tables; ingest needs neither).
    fn new(url: &[u8], classify: bool, is_static: bool) -> UrlStats {
        let (content, image) = match classify {
            true => files::kind(url),
            false => (Content::Other, false),
        };
        UrlStats {
            counts: Counts::default(),
            project: NONE,
            last_visitor: NONE,
            files: if is_static {
                FileKinds::Static
            } else {
                FileKinds::None
            },
            content,
            image,
        }
    }
}

#[derive(Default, Clone)]
pub struct Aggregate {
    pub ips: Interner,
    pub agents: Interner,
    pub urls: Interner,
    pub projects: Interner,
    /// Day → (ip, agent) → visitor. One map per day, so that merging two states only
    /// ever grows one day's map at a time (the merge sets the peak memory of a run).
    visitors: Map<Day, Map<(u32, u32), Visitor>>,
    /// Visitors so far: the next visitor's id.
    visitor_count: u32,
    pub days: Map<Day, Counts>,
    pub project_counts: Vec<Counts>,
    /// (project, visitor) for projects from `MASK_PROJECTS` on.
    project_visitors: Set<u64>,
    /// (node, visitor) for nodes from `MASK_NODES` on.
    node_visitors: Set<u64>,
    /// Indexed by URL id.
    pub url_stats: Vec<UrlStats>,
    pub url_visitors: PairLog,
    /// (URL, kind) requested-file kinds beyond each URL's first.
    more_files: Set<(u32, u16)>,
    pub status: Map<u16, Counts>,
    /// Indexed by client address id: where it is, what it asked for. Each address is
    /// looked up once per thread.
    pub ip_stats: Vec<IpStats>,
    /// Clients by name (`apt`), or name and version (`apt/2.2.4`); names have no `/`.
    pub clients: Interner,
    /// Client id of each agent id.
    agent_clients: Vec<u32>,
    /// Indexed by client id.
    pub client_counts: Vec<Counts>,
    /// Indexed by node id.
    pub node_counts: Vec<Counts>,
    /// IPv6 requests and bytes, indexed by project id.
    pub project_ipv6: Vec<Counts>,
    /// Requests and bytes per (project, content kind) of a store's `content` tables; from
    /// logs they are folded from the URLs at the end ([`Aggregate::content_counts`]).
    pub content: Map<(u32, Content), Counts>,
    /// (URL, visitor) → GET responses of images.
    pub downloads: Map<u64, Download>,
    /// Large responses' speeds, when the format logs serve time (`%D`, `%T`).
    pub transfers: Vec<Transfer>,
    /// Country and AS names the databases gave, by code and number.
    pub country_names: Map<[u8; 2], String>,
    pub asn_orgs: Map<u32, String>,
    /// Requests and bytes per (country, project) and (ASN, project).
    pub country_projects: Map<([u8; 2], u32), Counts>,
    pub asn_projects: Map<(u32, u32), Counts>,
    /// Rebuilt from a store's daily tables: client addresses are stand-ins, and the real
    /// ones (for heavy hitters) are here.
    pub replayed: bool,
    pub addresses: Interner,
    /// The store has serve times (`transfers` tables), so transfer speeds are reported.
    pub timed: bool,
    pub address_stats: Vec<IpStats>,
    /// The pseudo agent (its client's) of each replayed visitor, by its pseudo address id.
    replay_agents: Vec<u32>,
    /// This thread's decoded geo records; not merged.
    geo_cache: GeoCache,
    pub hours: [Counts; 24],
    pub failures: [u64; Failure::ALL.len()],
    pub samples: Vec<Sample>,
    pub bandwidth: u64,
    /// Per input (indexed by input number).
    pub inputs: Vec<LineCounts>,
    /// Per input: why its lines failed.
    pub input_failures: Vec<InputFailures>,
    /// Lines per (input, chunk), to turn chunk-relative line numbers into real ones.
    pub chunk_lines: Vec<(u32, u32, u64)>,
    /// First and last day seen among counted requests.
    pub first_day: Option<Day>,
    pub last_day: Option<Day>,
    /// First and last day of every request read, in the window or not: what the logs
    /// cover, for the message of a period with no requests.
    pub seen: Option<(Day, Day)>,
    /// Failed lines that still show a date (`[dd/Mon/yyyy:`), by that day and reason: a
    /// store keeps them so that its reports narrow failed lines to a window as reports of
    /// logs do. The other failed lines count in every window.
    pub failed_days: BTreeMap<Day, [u64; Failure::ALL.len()]>,
    /// Visitors of a store's rolled-up months, as counts only.
    pub counted: Counted,
    /// GoAccess's other panels: vhosts, referrers, 404s, static files, browsers...
    pub panels: Panels,
    /// Requests and bytes per second of the newest hour, when the context asks.
    pub seconds: Seconds,
}

/// Visitors counted before: a store's roll-up of a month keeps only how many visitors
/// each day, hour, node, client, location (and project) and URL had, and each visitor's
/// image downloads without the visitor. Days are never both counted here and kept one by
/// one in `Aggregate::visitors`, and every visitor count is a sum over days (a visitor is
/// a day's), so the two add up exactly. Only a store's report has any (never merged).
#[derive(Default, Clone)]
pub struct Counted {
    pub days: Map<Day, u64>,
    pub hours: [u64; 24],
    /// By node id.
    pub nodes: Vec<u64>,
    /// By client id.
    pub clients: Vec<u64>,
    /// Visitors per location (each visitor has one) and per (location, project id).
    pub locations: Map<Location, u64>,
    pub location_projects: Map<(Location, u32), u64>,
    /// By URL id.
    pub urls: Map<u32, u64>,
    /// (URL id, one visitor's responses) per visitor and image.
    pub downloads: Vec<(u32, Download)>,
}

/// Visitors per location (each visitor has one) and per (location, project id): what
/// [`Aggregate::location_visitors`] counts once for a report.
#[derive(Default)]
pub struct LocationVisitors {
    pub locations: Map<Location, u64>,
    pub projects: Map<(Location, u32), u64>,
}

impl LocationVisitors {
    /// Visitors per key of their location (country, continent, ASN...).
    pub fn by<K: std::hash::Hash + Eq>(&self, key: impl Fn(&Location) -> K) -> Map<K, u64> {
        let mut m: Map<K, u64> = Map::default();
        for (l, &n) in &self.locations {
            *m.entry(key(l)).or_default() += n;
        }
        m
    }

    /// Visitors per (location key, project id).
    pub fn by_project<K: std::hash::Hash + Eq>(
        &self,
        key: impl Fn(&Location) -> K,
    ) -> Map<(K, u32), u64> {
        let mut m: Map<(K, u32), u64> = Map::default();
        for ((l, p), &n) in &self.projects {
            *m.entry((key(l), *p)).or_default() += n;
        }
        m
    }

    /// Visitors per project, indexed by project id (`projects` of them).
    pub fn per_project(&self, projects: usize) -> Vec<u64> {
        let mut counts = vec![0u64; projects];
        for (((), p), n) in self.by_project(|_| ()) {
            counts[p as usize] = n;
        }
        counts
    }
}

/// The visitor `key` of one day, added with the next id if new.
fn new_or_known<'a>(
    day: &'a mut Map<(u32, u32), Visitor>,
    key: (u32, u32),
    count: &mut u32,
) -> &'a mut Visitor {
    day.entry(key).or_insert_with(|| {
        *count += 1;
        Visitor {
            id: *count - 1,
            hours: 0,
            projects: 0,
            referrer: NONE,
        }
    })
}

/// One client address: its location and its requests.
#[derive(Debug, Clone, Copy)]
pub struct IpStats {
    pub location: Location,
    pub counts: Counts,
    /// Requests answered 404.
    pub not_found: u64,
}

impl IpStats {
    /// An address at `location` with nothing counted yet.
    fn at(location: Location) -> IpStats {
        IpStats {
            location,
            counts: Counts::default(),
            not_found: 0,
        }
    }
}

/// Records that `visitor` was seen in `project`.
fn add_project(visitor: &mut Visitor, project: u32, overflow: &mut Set<u64>) {
    if project < MASK_PROJECTS {
        visitor.projects |= 1 << project;
    } else {
        overflow.insert(pair(project, visitor.id));
    }
}

/// Records that `visitor` was seen on node `node`.
fn add_node(visitor: &mut Visitor, node: u32, overflow: &mut Set<u64>) {
    if node < MASK_NODES {
        visitor.hours |= 1 << (24 + node);
    } else {
        overflow.insert(pair(node, visitor.id));
    }
}

/// Records a requested-file kind of URL `url`.
fn add_file(stats: &mut UrlStats, url: u32, kind: u16, more: &mut Set<(u32, u16)>) {
    match stats.files {
        FileKinds::Static => {}
        FileKinds::None => stats.files = FileKinds::One(kind),
        FileKinds::One(k) if k == kind => {}
        FileKinds::One(_) => {
            more.insert((url, kind));
        }
    }
}

/// The lines of a chunk, without their `\n` (the last may lack one), found with
/// `memchr`: a byte-at-a-time split was a twentieth of a run's instructions.
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = data;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        Some(line)
    })
}

/// The set bits of a mask, lowest first.
fn bits(mut mask: u32) -> impl Iterator<Item = u32> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let b = mask.trailing_zeros();
            mask &= mask - 1;
            b
        })
    })
}

impl Aggregate {
    /// Folds one chunk (complete lines; the last may lack its `\n`) into this state.
    pub fn add_chunk(&mut self, ctx: &Context<'_>, input: u32, chunk: u32, data: &[u8]) {
        let program = ctx.program(input);
        let logs = Logs::of(program);
        let mut counts = LineCounts::default();
        let mut line_no = 0u64;
        // Request rows by logged day: the store partitions by it.
        let mut rows: Map<Day, Rows> = Map::default();
        for line in lines(data) {
            let pos = LinePos {
                input,
                chunk,
                line: line_no,
            };
            line_no += 1;
            match program.parse_line(line) {
                Line::Blank => counts.blank += 1,
                Line::Comment => counts.comment += 1,
                Line::Failed(why) => {
                    let day = failed_day(line);
                    if day.is_some_and(|d| d < ctx.window.0 || d > ctx.window.1) {
                        counts.excluded += 1;
                    } else {
                        counts.failed += 1;
                        self.fail(pos, why, line, day);
                    }
                }
                Line::Request(r) => {
                    self.seen = Some(
                        self.seen
                            .map_or((r.day, r.day), |(a, b)| (a.min(r.day), b.max(r.day))),
                    );
                    if r.day < ctx.window.0 || r.day > ctx.window.1 {
                        counts.excluded += 1;
                        continue;
                    }
                    let fields = OptionalFields::of(&r, logs);
                    let filters = ctx.filters;
                    if filters.any() && filters.excludes(&r, &fields) {
                        counts.excluded += 1;
                        continue;
                    }
                    // Agents are only needed for visitors, clients and crawlers.
                    let agent = (ctx.report || filters.crawlers).then(|| self.agent_id(&r.agent));
                    if filters.crawlers
                        && agent.is_some_and(|a| self.panels.is_crawler(a, &r.agent))
                    {
                        counts.excluded += 1;
                        continue;
                    }
                    counts.valid += 1;
                    if ctx.per_second {
                        self.seconds.add(&r.time, r.bytes);
                    }
                    let day_rows = ctx.rows.map(|_| rows.entry(r.day).or_default());
                    let node = ctx.nodes.get(input as usize).copied().unwrap_or(0);
                    self.add_request(ctx, (&r, &fields), agent, node, day_rows);
                }
            }
        }
        counts.lines = line_no;
        if let Some(sink) = ctx.rows {
            for (day, mut day_rows) in rows {
                sink.write(day, &day_rows.finish());
            }
        }
        grow(&mut self.inputs, input as usize).merge(counts);
        self.chunk_lines.push((input, chunk, line_no));
    }

    /// The id of a user agent, classified into a client when first seen.
    pub fn agent_id(&mut self, agent: &[u8]) -> u32 {
        self.agent_with_client(agent, || client::key(agent))
    }

    /// The id of `agent`; a new one gets the client `key()` names, so that every agent id
    /// has its client.
    fn agent_with_client(&mut self, agent: &[u8], key: impl FnOnce() -> String) -> u32 {
        let id = self.agents.intern(agent);
        if id as usize == self.agent_clients.len() {
            let client = self.clients.intern(key().as_bytes());
            self.agent_clients.push(client);
        }
        id
    }

    fn fail(&mut self, pos: LinePos, reason: Failure, line: &[u8], day: Option<Day>) {
        self.failures[reason.index()] += 1;
        if let Some(day) = day {
            self.failed_days
                .entry(day)
                .or_insert([0; Failure::ALL.len()])[reason.index()] += 1;
        }
        let of_input = grow(&mut self.input_failures, pos.input as usize);
        of_input.reasons[reason.index()] += 1;
        if let Some(day) = day {
            of_input.days.entry(day).or_insert([0; Failure::ALL.len()])[reason.index()] += 1;
        }
        let sample = || Sample {
            pos,
            reason,
            text: line[..line.len().min(SAMPLE_BYTES)].to_vec(),
        };
        if of_input.first.as_ref().is_none_or(|f| pos < f.pos) {
            of_input.first = Some(sample());
        }
        if self.samples.len() < MAX_SAMPLES || self.samples.last().is_some_and(|s| pos < s.pos) {
            let at = self.samples.partition_point(|s| s.pos < pos);
            self.samples.insert(at, sample());
            self.samples.truncate(MAX_SAMPLES);
        }
    }

    /// Requests and bytes of one day, project and location: what a log line adds, and what
    /// a store's `traffic` row replays.
    fn count_traffic(&mut self, day: Day, project: u32, location: Location, counts: Counts) {
        self.count_day(day, counts);
        self.count_place(project, location, counts);
    }

    /// The part of [`Self::count_traffic`] that depends on the day only.
    fn count_day(&mut self, day: Day, counts: Counts) {
        self.bandwidth += counts.bytes;
        self.first_day = Some(self.first_day.map_or(day, |d| d.min(day)));
        self.last_day = Some(self.last_day.map_or(day, |d| d.max(day)));
        self.days.entry(day).or_default().merge(counts);
    }

    /// The part of [`Self::count_traffic`] that depends on the project and location only.
    fn count_place(&mut self, project: u32, location: Location, counts: Counts) {
        grow(&mut self.project_counts, project as usize).merge(counts);
        if location.ip_version == 6 {
            grow(&mut self.project_ipv6, project as usize).merge(counts);
        }
        let by_country = self.country_projects.entry((location.country, project));
        by_country.or_default().merge(counts);
        let by_asn = self.asn_projects.entry((location.asn, project));
        by_asn.or_default().merge(counts);
    }

    fn add_request(
        &mut self,
        ctx: &Context<'_>,
        (r, f): (&Request<'_>, &OptionalFields<'_>),
        agent: Option<u32>,
        node: u32,
        rows: Option<&mut Rows>,
    ) {
        let url = self.urls.intern(&r.url);
        if url as usize == self.url_stats.len() {
            self.url_stats.push(UrlStats::new(
                &r.url,
                ctx.report,
                ctx.report && files::is_static_request(r),
            ));
        }
        let stats = &mut self.url_stats[url as usize];
        let project = if !r.well_formed {
            self.projects.intern(ctx.projects.classify(&r.url, false))
        } else {
            if stats.project == NONE {
                stats.project = self.projects.intern(ctx.projects.classify(&r.url, true));
            }
            stats.project
        };
        let ip = self.ips.intern(&r.host);
        if ip as usize == self.ip_stats.len() {
            let (location, country, org) = ctx.geo.locate(r.ip, &mut self.geo_cache);
            if let Some(name) = country {
                self.country_names
                    .entry(location.country)
                    .or_insert_with(|| name.to_owned());
            }
            if let Some(org) = org {
                self.asn_orgs
                    .entry(location.asn)
                    .or_insert_with(|| org.to_owned());
            }
            self.ip_stats.push(IpStats::at(location));
        }
        let location = self.ip_stats[ip as usize].location;
        if let Some(rows) = rows {
            let org = self.asn_orgs.get(&location.asn).map(String::as_str);
            let host = ctx
                .anonymize_ip
                .then(|| rows::network_of(&r.host))
                .flatten();
            let host = host.as_deref().map_or(&r.host[..], str::as_bytes);
            rows.push((r, host), f, self.projects.get(project), &location, org);
        }
        if !ctx.report {
            return;
        }

        self.status.entry(r.status).or_default().add(r.bytes);
        let hour = r.time.hour.min(23);
        self.hours[hour as usize].add(r.bytes);
        let stats = &mut self.url_stats[url as usize];
        stats.counts.add(r.bytes);
        let kind = crate::parse::request::kind(r.method, r.protocol);
        let is_static = stats.files == FileKinds::Static;
        if !r.not_found {
            add_file(stats, url, kind, &mut self.more_files);
        }
        let client = &mut self.ip_stats[ip as usize];
        client.counts.add(r.bytes);
        client.not_found += u64::from(r.status == 404);
        let one = Counts {
            requests: 1,
            bytes: r.bytes,
        };
        self.count_traffic(r.day, project, location, one);
        grow(&mut self.node_counts, node as usize).add(r.bytes);
        if let Some(us) = r.serve_micros
            && let Some(t) = Transfer::measured(r.bytes, us, location.asn, location.ip_version)
        {
            self.transfers.push(t);
        }

        // 4xx responses count for hits and bytes but make no visitor (GoAccess's rule).
        let Some(agent) = agent else { return };
        let client = self.agent_clients[agent as usize];
        grow(&mut self.client_counts, client as usize).add(r.bytes);
        if r.client_error {
            self.panels
                .add(f, (url, kind, is_static), Some(agent), None);
            return;
        }
        let known = self.visitor_count;
        let visitor = new_or_known(
            self.visitors.entry(r.day).or_default(),
            (ip, agent),
            &mut self.visitor_count,
        );
        visitor.hours |= 1 << hour;
        add_node(visitor, node, &mut self.node_visitors);
        add_project(visitor, project, &mut self.project_visitors);
        let (visitor, referrer) = (visitor.id, &mut visitor.referrer);
        let first = self.visitor_count != known;
        let visit = Visit {
            id: visitor,
            first,
            referrer: Some(referrer),
        };
        self.panels
            .add(f, (url, kind, is_static), Some(agent), Some(visit));
        let stats = &mut self.url_stats[url as usize];
        if stats.last_visitor != visitor {
            stats.last_visitor = visitor;
            self.url_visitors.push(url, visitor);
        }
        if stats.image && matches!(r.status, 200 | 206) && r.method.is_some_and(|m| m.is_get()) {
            let d = self.downloads.entry(pair(url, visitor)).or_default();
            d.add(r.status == 200, r.bytes);
        }
    }

    /// Combines two states. The smaller is folded into the larger, renumbering its ids.
    pub fn merge(mut self, mut other: Aggregate) -> Aggregate {
        if other.visitor_count as usize + other.urls.len()
            > self.visitor_count as usize + self.urls.len()
        {
            std::mem::swap(&mut self, &mut other);
        }
        // Each part of `other` is freed once folded in, to keep the peak low.
        for (code, name) in std::mem::take(&mut other.country_names) {
            self.country_names.entry(code).or_insert(name);
        }
        for (asn, org) in std::mem::take(&mut other.asn_orgs) {
            self.asn_orgs.entry(asn).or_insert(org);
        }
        let clients = self.clients.absorb(&other.clients);
        let agents = self.agents.absorb(&std::mem::take(&mut other.agents));
        for (i, &a) in agents.iter().enumerate() {
            if a as usize == self.agent_clients.len() {
                self.agent_clients
                    .push(clients[other.agent_clients[i] as usize]);
            }
        }
        for (i, c) in other.client_counts.iter().enumerate() {
            grow(&mut self.client_counts, clients[i] as usize).merge(*c);
        }
        for (i, c) in other.node_counts.iter().enumerate() {
            grow(&mut self.node_counts, i).merge(*c);
        }
        self.transfers.append(&mut other.transfers);
        let projects = self.projects.absorb(&other.projects);

        // Addresses then visitors, beside URLs: the two largest folds touch disjoint
        // parts of the state, so they run on two threads.
        let (visitors, urls) = rayon::join(
            || {
                let ips = self.ips.absorb(&std::mem::take(&mut other.ips));
                for (i, o) in std::mem::take(&mut other.ip_stats).iter().enumerate() {
                    let ip = ips[i] as usize;
                    if ip == self.ip_stats.len() {
                        self.ip_stats.push(IpStats::at(o.location));
                    }
                    self.ip_stats[ip].counts.merge(o.counts);
                    self.ip_stats[ip].not_found += o.not_found;
                }
                // Visitors: renumber, OR in their hours and projects.
                let mut visitors = vec![0u32; other.visitor_count as usize];
                for (day, theirs) in std::mem::take(&mut other.visitors) {
                    let ours = self.visitors.entry(day).or_default();
                    for ((ip, agent), o) in theirs {
                        let key = (ips[ip as usize], agents[agent as usize]);
                        let v = new_or_known(ours, key, &mut self.visitor_count);
                        v.hours |= o.hours;
                        for b in bits(o.projects) {
                            add_project(v, projects[b as usize], &mut self.project_visitors);
                        }
                        visitors[o.id as usize] = v.id;
                    }
                }
                visitors
            },
            || {
                let urls = self.urls.absorb(&std::mem::take(&mut other.urls));
                for (i, o) in std::mem::take(&mut other.url_stats).iter().enumerate() {
                    let url = urls[i];
                    if url as usize == self.url_stats.len() {
                        self.url_stats.push(UrlStats {
                            counts: Counts::default(),
                            project: NONE,
                            last_visitor: NONE,
                            files: match o.files {
                                FileKinds::Static => FileKinds::Static,
                                _ => FileKinds::None,
                            },
                            content: o.content,
                            image: o.image,
                        });
                    }
                    let s = &mut self.url_stats[url as usize];
                    s.counts.merge(o.counts);
                    if s.project == NONE && o.project != NONE {
                        s.project = projects[o.project as usize];
                    }
                    if let FileKinds::One(kind) = o.files {
                        add_file(s, url, kind, &mut self.more_files);
                    }
                }
                for &(u, kind) in &other.more_files {
                    let url = urls[u as usize];
                    add_file(
                        &mut self.url_stats[url as usize],
                        url,
                        kind,
                        &mut self.more_files,
                    );
                }
                urls
            },
        );
        // Pairs of `other` whose project got a low id here become bits, in one pass.
        let mut late_bits: Vec<(u32, u32)> = Vec::new();
        for &p in &other.project_visitors {
            let (project, v) = unpair(p);
            let (project, v) = (projects[project as usize], visitors[v as usize]);
            if project < MASK_PROJECTS {
                late_bits.push((v, project));
            } else {
                self.project_visitors.insert(pair(project, v));
            }
        }
        if !late_bits.is_empty() {
            let mut masks = vec![0u32; self.visitor_count as usize];
            for (v, project) in late_bits {
                masks[v as usize] |= 1 << project;
            }
            for v in self.visitors.values_mut().flat_map(|m| m.values_mut()) {
                v.projects |= masks[v.id as usize];
            }
        }

        // Node ids are the run's: only the visitor is renumbered.
        for &p in &other.node_visitors {
            let (node, v) = unpair(p);
            self.node_visitors.insert(pair(node, visitors[v as usize]));
        }
        let other_panels = std::mem::take(&mut other.panels);
        rayon::join(
            || self.panels.merge(&other_panels, &urls, &agents, &visitors),
            || {
                let pairs = std::mem::take(&mut other.url_visitors);
                self.url_visitors.absorb(pairs, &urls, &visitors);
                for (&p, &d) in &std::mem::take(&mut other.downloads) {
                    let (u, v) = unpair(p);
                    let key = pair(urls[u as usize], visitors[v as usize]);
                    self.downloads.entry(key).or_default().merge(d);
                }
            },
        );
        for (i, c) in other.project_counts.iter().enumerate() {
            grow(&mut self.project_counts, projects[i] as usize).merge(*c);
        }
        for (i, c) in other.project_ipv6.iter().enumerate() {
            grow(&mut self.project_ipv6, projects[i] as usize).merge(*c);
        }
        for (d, c) in other.days {
            self.days.entry(d).or_default().merge(c);
        }
        for ((country, p), c) in other.country_projects {
            let key = (country, projects[p as usize]);
            self.country_projects.entry(key).or_default().merge(c);
        }
        for ((asn, p), c) in other.asn_projects {
            let key = (asn, projects[p as usize]);
            self.asn_projects.entry(key).or_default().merge(c);
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
        for (i, f) in std::mem::take(&mut other.input_failures)
            .into_iter()
            .enumerate()
        {
            grow(&mut self.input_failures, i).merge(f);
        }
        self.chunk_lines.append(&mut other.chunk_lines);
        self.seconds.merge(std::mem::take(&mut other.seconds));
        self.replayed |= other.replayed;
        self.first_day = self.first_day.into_iter().chain(other.first_day).min();
        self.last_day = self.last_day.into_iter().chain(other.last_day).max();
        self.seen = match (self.seen, other.seen) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (one, other) => one.or(other),
        };
        for (day, counts) in other.failed_days {
            let mine = self
                .failed_days
                .entry(day)
                .or_insert([0; Failure::ALL.len()]);
            for (a, b) in mine.iter_mut().zip(counts) {
                *a += b;
            }
        }
        self
    }

    /// Renumbers inputs: input `i` of this state becomes input `to[i]` (a node's inputs
    /// among all of a run's, for `--by-node`).
    pub fn renumber_inputs(&mut self, to: &[usize]) {
        let mut inputs = Vec::new();
        for (i, c) in std::mem::take(&mut self.inputs).into_iter().enumerate() {
            *grow(&mut inputs, to[i]) = c;
        }
        self.inputs = inputs;
        let mut failures = Vec::new();
        for (i, mut f) in std::mem::take(&mut self.input_failures)
            .into_iter()
            .enumerate()
        {
            if let Some(s) = &mut f.first {
                s.pos.input = to[i] as u32;
            }
            *grow(&mut failures, to[i]) = f;
        }
        self.input_failures = failures;
        for c in &mut self.chunk_lines {
            c.0 = to[c.0 as usize] as u32;
        }
        for s in &mut self.samples {
            s.pos.input = to[s.pos.input as usize] as u32;
        }
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

    /// The lines of this state as a window from `since` on would count them, for a state
    /// whose requests are all of earlier days (a live dashboard's new day): requests
    /// and failed lines dated before `since` become excluded lines; no request is kept.
    pub fn lines_since(&self, since: Day) -> Aggregate {
        let before = |days: &BTreeMap<Day, [u64; Failure::ALL.len()]>| {
            let mut sum = [0u64; Failure::ALL.len()];
            for reasons in days.range(..since).map(|(_, r)| r) {
                for (a, b) in sum.iter_mut().zip(reasons) {
                    *a += b;
                }
            }
            sum
        };
        let kept = |text: &[u8]| failed_day(text).is_none_or(|d| d >= since);
        let mut out = Aggregate {
            chunk_lines: self.chunk_lines.clone(),
            seen: self.seen,
            failed_days: self
                .failed_days
                .range(since..)
                .map(|(&d, r)| (d, *r))
                .collect(),
            samples: (self.samples.iter())
                .filter(|s| kept(&s.text))
                .cloned()
                .collect(),
            ..Aggregate::default()
        };
        for (i, c) in self.inputs.iter().enumerate() {
            let f = self.input_failures.get(i).cloned().unwrap_or_default();
            let gone = before(&f.days);
            let n: u64 = gone.iter().sum();
            out.inputs.push(LineCounts {
                valid: 0,
                failed: c.failed - n,
                excluded: c.excluded + c.valid + n,
                ..*c
            });
            let mut reasons = f.reasons;
            for (a, b) in reasons.iter_mut().zip(gone) {
                *a -= b;
            }
            for (a, b) in out.failures.iter_mut().zip(reasons) {
                *a += b;
            }
            out.input_failures.push(InputFailures {
                reasons,
                first: f.first.filter(|s| kept(&s.text)),
                days: f.days.range(since..).map(|(&d, r)| (d, *r)).collect(),
            });
        }
        out
    }

    /// Folds together the line counts of chunks that no sample or first failure lies
    /// in or between, keeping every line number: a state fed small chunks for days (the
    /// live dashboards) keeps a few entries per input.
    pub fn compact_chunk_lines(&mut self) {
        let mut marks: Vec<(u32, u32)> = (self.samples.iter().map(|s| s.pos))
            .chain(
                self.input_failures
                    .iter()
                    .filter_map(|f| f.first.as_ref())
                    .map(|s| s.pos),
            )
            .map(|p| (p.input, p.chunk))
            .collect();
        marks.sort_unstable();
        self.chunk_lines.sort_unstable();
        // Entries between the same two marks of an input sum into the last of them.
        let group = |&(i, c, _): &(u32, u32, u64)| (i, marks.partition_point(|&m| m <= (i, c)));
        let mut out: Vec<(u32, u32, u64)> = Vec::new();
        let mut last = None;
        for e in std::mem::take(&mut self.chunk_lines) {
            let g = group(&e);
            match out.last_mut() {
                Some(o) if last == Some(g) => *o = (e.0, e.1, o.2 + e.2),
                _ => out.push(e),
            }
            last = Some(g);
        }
        self.chunk_lines = out;
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
        let mut m = self.counted.days.clone();
        for (&day, visitors) in &self.visitors {
            m.insert(day, visitors.len() as u64);
        }
        m
    }

    pub fn unique_visitors(&self) -> u64 {
        u64::from(self.visitor_count) + self.counted.days.values().sum::<u64>()
    }

    fn all_visitors(&self) -> impl Iterator<Item = &Visitor> {
        self.visitors.values().flat_map(|m| m.values())
    }

    /// Visitors per hour of the day.
    pub fn hour_visitors(&self) -> [u64; 24] {
        let mut h = self.counted.hours;
        for v in self.all_visitors() {
            for b in bits(v.hours & HOUR_BITS) {
                h[b as usize] += 1;
            }
        }
        h
    }

    /// Visitors per node, indexed by node id.
    pub fn node_visitors(&self) -> Vec<u64> {
        let mut n = vec![0u64; self.node_counts.len().max(MASK_NODES as usize)];
        for (c, &counted) in n.iter_mut().zip(&self.counted.nodes) {
            *c += counted;
        }
        for v in self.all_visitors() {
            for b in bits(v.hours >> 24) {
                n[b as usize] += 1;
            }
        }
        for &p in &self.node_visitors {
            if let Some(c) = n.get_mut(unpair(p).0 as usize) {
                *c += 1;
            }
        }
        n
    }

    /// Visitors per client id.
    pub fn client_visitors(&self) -> Vec<u64> {
        let mut n = vec![0u64; self.clients.len()];
        for (c, &counted) in n.iter_mut().zip(&self.counted.clients) {
            *c += counted;
        }
        for day in self.visitors.values() {
            for &(_, agent) in day.keys() {
                n[self.agent_clients[agent as usize] as usize] += 1;
            }
        }
        n
    }

    /// Visitors per location and per (location, project), in one pass over the visitors
    /// (one day per task): every breakdown by country, continent, network, IP version or
    /// project folds these small maps instead of walking the visitors again.
    pub fn location_visitors(&self) -> LocationVisitors {
        // Locations are numbered once per address, so that each visitor adds to dense
        // arrays (its location's count, and one per project bit) instead of hash maps.
        let mut numbers: Map<Location, u32> = Map::default();
        let mut locations: Vec<Location> = Vec::new();
        let of_ip: Vec<u32> = (self.ip_stats.iter())
            .map(|s| {
                *numbers.entry(s.location).or_insert_with(|| {
                    locations.push(s.location);
                    locations.len() as u32 - 1
                })
            })
            .collect();
        let width = (self.projects.len() as u32).min(MASK_PROJECTS) as usize;
        let zero = || {
            (
                vec![0u64; locations.len()],
                vec![0u64; locations.len() * width],
            )
        };
        let days: Vec<&Map<(u32, u32), Visitor>> = self.visitors.values().collect();
        let (per_location, per_project) = (days.par_iter())
            .fold(zero, |(mut n, mut p), day| {
                for (&(ip, _), v) in day.iter() {
                    let l = of_ip[ip as usize] as usize;
                    n[l] += 1;
                    for b in bits(v.projects) {
                        p[l * width + b as usize] += 1;
                    }
                }
                (n, p)
            })
            .reduce(zero, |(mut n, mut p), (m, q)| {
                n.iter_mut().zip(m).for_each(|(a, b)| *a += b);
                p.iter_mut().zip(q).for_each(|(a, b)| *a += b);
                (n, p)
            });
        let mut t = LocationVisitors {
            locations: self.counted.locations.clone(),
            projects: self.counted.location_projects.clone(),
        };
        for (l, &n) in locations.iter().zip(&per_location).filter(|(_, n)| **n > 0) {
            *t.locations.entry(*l).or_default() += n;
        }
        for (i, &n) in per_project.iter().enumerate().filter(|(_, n)| **n > 0) {
            let key = (locations[i / width], (i % width) as u32);
            *t.projects.entry(key).or_default() += n;
        }
        let location = |ip: u32| self.ip_stats[ip as usize].location;
        // Projects beyond the bit mask are kept as (project, visitor id) pairs: rare.
        if !self.project_visitors.is_empty() {
            let mut by_id: Vec<Option<Location>> = vec![None; self.visitor_count as usize];
            for (&(ip, _), v) in self.visitors.values().flatten() {
                by_id[v.id as usize] = Some(location(ip));
            }
            for &p in &self.project_visitors {
                let (project, v) = unpair(p);
                if let Some(l) = by_id[v as usize] {
                    *t.projects.entry((l, project)).or_default() += 1;
                }
            }
        }
        t
    }

    /// Distinct visitors of each URL in `ids`.
    pub fn url_visitors_of(&self, ids: &[u32]) -> Vec<u64> {
        let mut n = self.url_visitors.visitors_of(ids);
        for (c, id) in n.iter_mut().zip(ids) {
            *c += self.counted.urls.get(id).copied().unwrap_or(0);
        }
        n
    }

    /// Each visitor's responses of an image: (URL id, responses).
    pub fn download_states(&self) -> impl Iterator<Item = (u32, &Download)> {
        let kept = self.downloads.iter().map(|(&k, d)| (unpair(k).0, d));
        kept.chain(self.counted.downloads.iter().map(|(u, d)| (*u, d)))
    }

    /// Requests and bytes per (project, content kind).
    pub fn content_counts(&self) -> Map<(u32, Content), Counts> {
        if self.replayed {
            return self.content.clone();
        }
        let invalid = self.projects.lookup(crate::enrich::project::INVALID);
        let mut m: Map<(u32, Content), Counts> = Map::default();
        for s in &self.url_stats {
            // URLs of request lines that could not be split have no project of their own.
            let Some(p) = (if s.project == NONE {
                invalid
            } else {
                Some(s.project)
            }) else {
                continue;
            };
            m.entry((p, s.content)).or_default().merge(s.counts);
        }
        m
    }

    /// The AS organisation of `asn` as the databases named it ("Unknown" for no AS).
    pub fn asn_org(&self, asn: u32) -> String {
        match self.asn_orgs.get(&asn) {
            Some(org) => org.clone(),
            None if asn == 0 => "Unknown".into(),
            None => String::new(),
        }
    }

    /// The project name of URL `url`.
    pub fn url_project(&self, url: u32) -> String {
        match self.url_stats[url as usize].project {
            NONE => String::from_utf8_lossy(crate::enrich::project::INVALID).into_owned(),
            p => String::from_utf8_lossy(self.projects.get(p)).into_owned(),
        }
    }

    /// GoAccess's "requested files": distinct (URL, method, protocol) of non-404,
    /// non-static requests.
    pub fn requested_files(&self) -> u64 {
        let first = self
            .url_stats
            .iter()
            .filter(|s| matches!(s.files, FileKinds::One(_)))
            .count();
        (first + self.more_files.len()) as u64
    }
}

/// For a failed line: the day of a date we can still find in it (`[dd/Mon/yyyy:`). A
/// window leaves out failed lines of other days; lines with no readable date always count.
fn failed_day(line: &[u8]) -> Option<Day> {
    let open = memchr::memchr(b'[', line)?;
    let rest = &line[open + 1..];
    let colon = memchr::memchr(b':', rest)?;
    crate::parse::time::parse_clf_date(&rest[..colon]).map(|tm| tm.day_key())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::format;
    use proptest::prelude::*;

    #[test]
    fn lines_are_split_as_split_inclusive_would() {
        for data in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "a\n\nb\n",
            "\n\n",
            "a\r\n b\n",
        ] {
            let data = data.as_bytes();
            let want: Vec<&[u8]> = (data.split_inclusive(|&b| b == b'\n'))
                .map(|l| l.strip_suffix(b"\n").unwrap_or(l))
                .collect();
            assert_eq!(lines(data).collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn compacted_chunk_lines_keep_line_numbers() {
        let program = format::compile("COMBINED").unwrap();
        let (projects, geo) = (Projects::default(), Geo::default());
        let formats = Formats::one(program);
        let ctx = Context::whole(&formats, &projects, &geo);
        let good = line(&(1, 1, 1, 1, 1, 200, false));
        let mut agg = Aggregate::default();
        // Two inputs fed one or two lines a chunk, a bad line now and then.
        for chunk in 0..400u32 {
            for input in 0..2 {
                let text = match (chunk + input) % 37 {
                    0 => format!("{good}bad {chunk}\n"),
                    _ => good.clone(),
                };
                agg.add_chunk(&ctx, input, chunk, text.as_bytes());
            }
        }
        let numbers = |agg: &Aggregate| -> Vec<u64> {
            let firsts = agg.input_failures.iter().filter_map(|f| f.first.as_ref());
            (agg.samples.iter().chain(firsts))
                .map(|s| agg.line_number(s.pos))
                .collect()
        };
        let before = numbers(&agg);
        assert!(before.len() > 5 && agg.chunk_lines.len() == 800);
        agg.compact_chunk_lines();
        assert_eq!(numbers(&agg), before);
        assert!(
            agg.chunk_lines.len() <= 2 * before.len() + 2,
            "{}",
            agg.chunk_lines.len()
        );
        // A position after the compacted chunks counts every line before it.
        for input in 0..2 {
            let next = LinePos {
                input,
                chunk: 400,
                line: 0,
            };
            assert_eq!(agg.line_number(next), agg.inputs[input as usize].lines + 1);
        }
    }

    /// One generated request: (ip, agent, project, file, hour, status, method).
    type Spec = (u8, u8, u8, u8, u8, u16, bool);

    fn line(&(ip, agent, project, file, hour, status, head): &Spec) -> String {
        format!(
            "10.0.0.{ip} - - [0{}/Jan/2019:{hour:02}:00:00 +1300] \"{} /p{project}/f{file}{} HTTP/1.1\" {status} 10 \"-\" \"agent{agent}\"\n",
            1 + hour % 2,
            if head { "HEAD" } else { "GET" },
            if file % 5 == 0 { ".iso" } else { "" },
        )
    }

    /// Unique visitors, requested files, visitors per project, per hour and per URL.
    type Numbers = (
        usize,
        usize,
        Map<String, usize>,
        [u64; 24],
        Map<String, usize>,
    );

    /// What the aggregate must report, counted the slow, obvious way.
    fn naive(specs: &[Spec]) -> Numbers {
        let mut visitors = Set::default();
        let mut files = Set::default();
        let mut projects: Set<(u8, (u8, u8, u8))> = Set::default();
        let mut hours: Set<(u8, (u8, u8, u8))> = Set::default();
        let mut urls: Set<(String, (u8, u8, u8))> = Set::default();
        for &(ip, agent, project, file, hour, status, head) in specs {
            let url = format!(
                "/p{project}/f{file}{}",
                if file % 5 == 0 { ".iso" } else { "" }
            );
            if status != 404 && file % 5 != 0 {
                files.insert((url.clone(), head));
            }
            if (400..500).contains(&status) {
                continue;
            }
            let v = (1 + hour % 2, ip, agent);
            visitors.insert(v);
            projects.insert((project, v));
            hours.insert((hour, v));
            urls.insert((url, v));
        }
        let mut per_project: Map<String, usize> = Map::default();
        for (p, _) in projects {
            *per_project.entry(format!("p{p}")).or_default() += 1;
        }
        let mut per_hour = [0u64; 24];
        for (h, _) in hours {
            per_hour[h as usize] += 1;
        }
        let mut per_url: Map<String, usize> = Map::default();
        for (u, _) in urls {
            *per_url.entry(u).or_default() += 1;
        }
        (visitors.len(), files.len(), per_project, per_hour, per_url)
    }

    fn observed(agg: &Aggregate) -> Numbers {
        let pv = agg.location_visitors().per_project(agg.projects.len());
        let per_project = (0..agg.projects.len())
            .filter(|&i| pv[i] > 0)
            .map(|i| {
                (
                    String::from_utf8_lossy(agg.projects.get(i as u32)).into_owned(),
                    pv[i] as usize,
                )
            })
            .collect();
        let ids: Vec<u32> = (0..agg.urls.len() as u32).collect();
        let per_url = ids
            .iter()
            .zip(agg.url_visitors.visitors_of(&ids))
            .filter(|&(_, n)| n > 0)
            .map(|(&i, n)| {
                (
                    String::from_utf8_lossy(agg.urls.get(i)).into_owned(),
                    n as usize,
                )
            })
            .collect();
        (
            agg.unique_visitors() as usize,
            agg.requested_files() as usize,
            per_project,
            agg.hour_visitors(),
            per_url,
        )
    }

    fn spec() -> impl Strategy<Value = Spec> {
        // 70 projects: ids beyond the 32 kept as bits go through the pair set.
        (
            0..6u8,
            0..3u8,
            0..70u8,
            0..8u8,
            0..24u8,
            prop::sample::select(vec![200u16, 206, 304, 404, 403]),
            any::<bool>(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Split anywhere into up to four parts, aggregated separately and merged in any
        /// order, the counts equal the obvious ones.
        #[test]
        fn split_and_merged_equals_naive(
            specs in prop::collection::vec(spec(), 1..300),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..3),
            reverse in any::<bool>(),
        ) {
            let program = format::compile("COMBINED").unwrap();
            let projects = Projects::default();
            let geo = Geo::default();
            let formats = Formats::one(program.clone());
            let ctx = Context::whole(&formats, &projects, &geo);
            let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(specs.len())).collect();
            bounds.extend([0, specs.len()]);
            bounds.sort_unstable();
            let mut parts: Vec<Aggregate> = bounds
                .windows(2)
                .enumerate()
                .map(|(i, w)| {
                    let text: String = specs[w[0]..w[1]].iter().map(line).collect();
                    let mut agg = Aggregate::default();
                    agg.add_chunk(&ctx, 0, i as u32, text.as_bytes());
                    agg
                })
                .collect();
            if reverse {
                parts.reverse();
            }
            let agg = parts.into_iter().reduce(Aggregate::merge).unwrap();
            prop_assert_eq!(observed(&agg), naive(&specs));
        }
    }
}
