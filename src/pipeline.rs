//! The run: inputs → chunks → parse and aggregate on all cores → one merged state → report.
//! Reading happens inside the parallel iterator's `next`, so one thread reads or
//! decompresses while the others parse.

use std::path::Path;
use std::sync::Mutex;

use rayon::iter::{ParallelBridge, ParallelIterator};

use crate::aggregate::{Aggregate, Context, node_id};
use crate::config::Config;
use crate::input::{self, Chunks, Found, InputError, Source};
use crate::output::fmt::thousands;
use crate::output::text::{printable, shorten};
use crate::parse::logged::Logs;
use crate::parse::sniff::{self, Formats, InputFormat, Sniffed};
use crate::parse::time::{Day, day_key, day_to_string};
use crate::report::{Meta, NodeReport, Period, Report, mask_ips, text};
use crate::rows::RowSink;
use crate::store::{self, ParquetSink};

pub struct Outcome {
    pub report: Report,
    /// Inputs that could not be read, wholly or partly.
    pub errors: Vec<InputError>,
    /// The request-rows file could not be written.
    pub rows_error: Option<anyhow::Error>,
    /// Inputs none of whose lines are requests, or no access-log lines at all: the run
    /// fails (exit 1) saying so.
    pub problems: Vec<String>,
    /// Inputs with more failed lines than requests, inputs passed over.
    pub warnings: Vec<String>,
    /// The first and last day of every request read, in the window or not.
    pub covers: Option<(Day, Day)>,
}

impl Outcome {
    /// Not one line was read as a request: there is no report worth writing.
    pub fn empty(&self) -> bool {
        let s = &self.report.summary;
        s.valid_requests + s.excluded_requests == 0
    }

    /// With `--since`/`--until`: the period has no request although the data has some,
    /// said in one line with the days the data does cover.
    pub fn empty_period(&self, cfg: &Config) -> Option<String> {
        let (first, last) = self.covers?;
        if self.report.summary.valid_requests > 0 || (cfg.since.is_none() && cfg.until.is_none()) {
            return None;
        }
        let period = match (cfg.since, cfg.until) {
            (Some(a), Some(b)) if a == b => format!("on {a}"),
            (Some(a), Some(b)) => format!("between {a} and {b}"),
            (Some(a), None) => format!("on or after {a}"),
            (None, b) => format!(
                "on or before {}",
                b.map(|b| b.to_string()).unwrap_or_default()
            ),
        };
        let what = if cfg.store.is_some() {
            "the store covers"
        } else {
            "the logs cover"
        };
        Some(format!(
            "no requests {period}; {what} {} to {}",
            day_to_string(first),
            day_to_string(last)
        ))
    }
}

/// How inputs are read: chunk size (tests make it small) and, for ingest, where each
/// input resumes and where to count what was consumed.
pub struct Reading<'a> {
    pub chunk_bytes: usize,
    pub skip: Vec<u64>,
    pub whole_lines_only: bool,
    pub consumed: Option<&'a Mutex<Vec<u64>>>,
    /// Only line counts and request rows are wanted (ingest), no visitors.
    pub rows_only: bool,
    /// Node id of each input (empty: all node 0).
    pub nodes: Vec<u32>,
    /// Each input's number among the formats' inputs (empty: the same).
    pub input_ids: Vec<usize>,
}

impl Default for Reading<'_> {
    fn default() -> Self {
        Reading {
            chunk_bytes: input::chunks::CHUNK_BYTES,
            skip: Vec::new(),
            whole_lines_only: false,
            consumed: None,
            rows_only: false,
            nodes: Vec::new(),
            input_ids: Vec::new(),
        }
    }
}

/// Reads and aggregates `sources` in their `formats`, handing request rows to `rows` if
/// given.
pub fn aggregate(
    cfg: &Config,
    formats: &Formats,
    sources: &[Source],
    reading: Reading<'_>,
    progress: Option<indicatif::ProgressBar>,
    rows: Option<&dyn RowSink>,
) -> (Aggregate, Vec<InputError>) {
    let errors = Mutex::new(Vec::new());
    let ctx = Context {
        formats,
        input_ids: &reading.input_ids,
        projects: &cfg.projects,
        window: cfg.window,
        geo: &cfg.geo,
        rows,
        anonymize_ip: cfg.anonymize_ip,
        report: !reading.rows_only,
        filters: &cfg.filters,
        nodes: &reading.nodes,
        per_second: false,
    };
    let wanted = |i: usize| formats.wanted(ctx.input_id(i as u32));
    let choose = |i: usize, first: &[u8]| formats.choose(ctx.input_id(i as u32), first);
    let mut chunks = Chunks::new(sources, &errors, progress);
    chunks.chunk_bytes = reading.chunk_bytes;
    chunks.skip = reading.skip;
    chunks.whole_lines_only = reading.whole_lines_only;
    chunks.consumed = reading.consumed;
    chunks.wanted = Some(&wanted);
    chunks.choose = Some(&choose);
    let work = || {
        chunks
            .par_bridge()
            .fold(Aggregate::default, |mut agg, c| {
                agg.add_chunk(&ctx, c.input, c.seq, &c.data);
                agg
            })
            .reduce(Aggregate::default, Aggregate::merge)
    };
    let agg = on_threads(cfg.threads, work);
    (agg, errors.into_inner().unwrap_or_default())
}

/// Runs `work` on `threads` threads (`-j`), or rayon's default of all cores.
pub(crate) fn on_threads<T: Send>(threads: Option<usize>, work: impl FnOnce() -> T + Send) -> T {
    match threads.map(|n| rayon::ThreadPoolBuilder::new().num_threads(n).build()) {
        Some(Ok(pool)) => pool.install(work),
        _ => work(),
    }
}

/// Node names and each input's node id, `--node` overriding what the arguments say.
pub(crate) fn node_ids(cfg: &Config, found: Vec<String>) -> (Vec<String>, Vec<u32>) {
    let mut names: Vec<String> = Vec::new();
    let mut ids = Vec::with_capacity(found.len());
    for name in found {
        let name = cfg.node.clone().unwrap_or(name);
        ids.push(node_id(&mut names, name) as u32);
    }
    (names, ids)
}

/// The formats of a run's inputs: the given format, or sniffing; error logs found in
/// directories passed over.
pub fn formats(cfg: &Config, found: &Found) -> Formats {
    Formats::new(cfg.program.clone(), cfg.format_spec.clone(), &found.names())
}

pub fn run(cfg: &Config) -> Outcome {
    let found = input::discover(&cfg.paths);
    let formats = formats(cfg, &found);
    let Found {
        sources,
        nodes: found_nodes,
        mut errors,
        ..
    } = found;
    let (nodes, node_of) = node_ids(cfg, found_nodes);
    let sizes = input::sizes(&sources);
    let progress = cfg.progress.then(|| {
        let bar = indicatif::ProgressBar::new(sizes.iter().sum());
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {bytes}/{total_bytes} {bytes_per_sec} [{wide_bar}] {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let (sink, mut rows_error) = match cfg.request_rows.as_deref().map(ParquetSink::create) {
        Some(Ok(sink)) => (Some(sink), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let rows = sink.as_ref().map(|s| s as &dyn RowSink);
    // --by-node: each node's inputs on their own, for its report, then merged (exactly,
    // visitors too) into the total.
    let groups: Vec<Vec<usize>> = match cfg.by_node {
        true => (0..nodes.len() as u32)
            .map(|n| (0..sources.len()).filter(|&i| node_of[i] == n).collect())
            .collect(),
        false => vec![(0..sources.len()).collect()],
    };
    let mut total: Option<Aggregate> = None;
    let mut by_node = Vec::new();
    for group in groups {
        let pick = |i: &usize| sources[*i].clone();
        let (part_sources, part_sizes): (Vec<Source>, Vec<u64>) =
            group.iter().map(|i| (pick(i), sizes[*i])).unzip();
        let reading = Reading {
            nodes: group.iter().map(|&i| node_of[i]).collect(),
            input_ids: group.clone(),
            ..Reading::default()
        };
        let (mut agg, read_errors) = aggregate(
            cfg,
            &formats,
            &part_sources,
            reading,
            progress.clone(),
            rows,
        );
        if cfg.by_node {
            let input_formats: Vec<InputFormat> =
                group.iter().map(|&i| formats.describe(i)).collect();
            let name = formats.name_of(group.iter().copied());
            let meta = log_meta(
                cfg,
                &name,
                &part_sources,
                &part_sizes,
                &read_errors,
                &input_formats,
                &nodes,
                group.iter().map(|&i| formats.program(i)),
            );
            by_node.push(NodeReport {
                node: nodes[node_of[group[0]] as usize].clone(),
                report: Report::build(&agg, &meta),
            });
        }
        agg.renumber_inputs(&group);
        errors.extend(read_errors);
        total = Some(match total {
            Some(t) => t.merge(agg),
            None => agg,
        });
    }
    let agg = total.unwrap_or_default();
    if let Some(sink) = sink {
        rows_error = sink.finish().err();
    }
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let read = (&sources[..], &sizes[..], &errors[..]);
    let mut report = log_report(cfg, &formats, &agg, read, &nodes, cfg.top);
    report.by_node = by_node;
    let checked = check_inputs(&formats, &agg, &sources, &cfg.paths, cfg.show_ips);
    Outcome {
        report,
        errors,
        rows_error,
        problems: checked
            .problems
            .into_iter()
            .chain(checked.no_lines.map(|(m, _)| m))
            .collect(),
        warnings: checked.warnings,
        covers: agg.seen,
    }
}

/// What [`check_inputs`] found.
#[derive(Debug, Default)]
pub struct Checked {
    /// Inputs none of whose lines is a request.
    pub problems: Vec<String>,
    /// Not one access-log line was read (why), and whether that is because every file
    /// read was empty (rather than none found, or all passed over).
    pub no_lines: Option<(String, bool)>,
    pub warnings: Vec<String>,
}

/// Inputs whose lines are not in their format, and runs that read no access-log line at
/// all: a cron job must not publish an empty report without a word. An input none of
/// whose lines is a request is a problem (exit 1); one with more failed lines than
/// requests a warning. Each message names the file, its format, the commonest reason, a
/// sample line (addresses masked unless `show_ips`) and what its first lines sniff as.
pub fn check_inputs(
    formats: &Formats,
    agg: &Aggregate,
    sources: &[Source],
    args: &[String],
    show_ips: bool,
) -> Checked {
    let mut out = Checked::default();
    let mut read_any = false;
    let mut skipped: Vec<(String, String)> = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        let described = formats.describe(i);
        if let Some(why) = described.skipped {
            skipped.push((source.to_string(), why));
            continue;
        }
        let c = agg.inputs.get(i).copied().unwrap_or_default();
        let lines = c.valid + c.failed + c.excluded;
        read_any |= lines > 0;
        if c.failed == 0 || c.failed * 2 <= lines {
            continue;
        }
        let format = described.log_format.unwrap_or_default();
        let failures = agg.input_failures.get(i).cloned().unwrap_or_default();
        let mut why = String::new();
        if let Some((reason, n)) = failures.top() {
            why += &format!("; {} of them {}", thousands(n), reason.name());
        }
        if let Some(s) = &failures.first {
            let line = text(&s.text);
            let line = if show_ips { line } else { mask_ips(&line) };
            // Fit for a terminal: a binary file's bytes escaped, one line.
            let line = shorten(&printable(&line), 120);
            why += &format!(", e.g. line {}: {line}", agg.line_number(s.pos));
        }
        let hint = sniff_hint(source, &format, formats.sniffed(i));
        if c.valid + c.excluded == 0 {
            out.problems.push(format!(
                "{source}: none of its {} lines is a request in format {format}{why}; {hint}",
                thousands(lines)
            ));
        } else {
            out.warnings.push(format!(
                "{source}: {} of its {} lines are not requests in format {format}{why}; {hint}",
                thousands(c.failed),
                thousands(lines)
            ));
        }
    }
    let by_reason = |out: &mut Vec<String>, prefix: &str| {
        let mut reasons: Vec<&String> = skipped.iter().map(|(_, w)| w).collect();
        reasons.sort();
        reasons.dedup();
        for reason in reasons {
            let files: Vec<&str> = skipped
                .iter()
                .filter(|(_, w)| w == reason)
                .map(|(f, _)| f.as_str())
                .collect();
            // A few names say enough; `inputs[]` in the JSON lists them all.
            let mut named = files[..files.len().min(3)].join(", ");
            if files.len() > 3 {
                named += &format!(" and {} more", files.len() - 3);
            }
            out.push(format!("{prefix}{named} ({reason})"));
        }
    };
    if !read_any {
        let mut what = match (sources.is_empty(), skipped.is_empty()) {
            (true, _) => vec!["no files there".to_string()],
            (false, true) => vec!["every file is empty".to_string()],
            (false, false) => Vec::new(),
        };
        by_reason(&mut what, "passed over ");
        // A store given as a log path: say how it is read.
        for store in args
            .iter()
            .filter(|a| Path::new(a).join("state.json").is_file())
        {
            what.push(format!(
                "{store} is a store: read it with `fsmg-stats report --store {store}`"
            ));
        }
        let message = format!(
            "no access-log lines in {}: {}",
            args.join(" "),
            what.join("; ")
        );
        out.no_lines = Some((message, !sources.is_empty() && skipped.is_empty()));
    } else {
        by_reason(&mut out.warnings, "passed over ");
    }
    out
}

/// What an input's first lines sniff as, said for a message about its format.
fn sniff_hint(source: &Source, format: &str, sniffed: bool) -> String {
    let head = match source {
        Source::File(_) => input::head(source, input::chunks::SNIFF_BYTES).unwrap_or_default(),
        Source::Stdin => return "standard input cannot be read twice to sniff its format".into(),
    };
    match sniff::sniff(&head) {
        Sniffed::Format(p) if p.name == format && sniffed => {
            "it was sniffed as that; if it is another format, give --log-format".into()
        }
        Sniffed::Format(p) if p.name == format => "its first lines read as that format".into(),
        Sniffed::Format(p) => format!("its first lines read as {0}: try --log-format {0}", p.name),
        Sniffed::ErrorLog => "its first lines look like an error log, not an access log".into(),
        Sniffed::Unknown => {
            "no known format reads its first lines: give --log-format (or --nginx-format)".into()
        }
    }
}

/// The report of `agg`, whose lines `sources` (with their sizes and read errors) gave in
/// `formats`, with `top` rows of the top-N tables.
pub(crate) fn log_report(
    cfg: &Config,
    formats: &Formats,
    agg: &Aggregate,
    (sources, sizes, errors): (&[Source], &[u64], &[InputError]),
    nodes: &[String],
    top: usize,
) -> Report {
    let input_formats: Vec<InputFormat> = (0..sources.len()).map(|i| formats.describe(i)).collect();
    let name = formats.name();
    let programs = (0..sources.len()).map(|i| formats.program(i));
    let meta = log_meta(
        cfg,
        &name,
        sources,
        sizes,
        errors,
        &input_formats,
        nodes,
        programs,
    );
    Report::build(agg, &Meta { top, ..meta })
}

/// A report's `Meta`: what the configuration gives, with the run's format name, geo
/// databases, node names, logged panel fields and whether serve times are logged; no inputs.
fn meta<'a>(
    cfg: &'a Config,
    log_format: &'a str,
    geo: &'a [crate::enrich::geo::DbInfo],
    nodes: &'a [String],
    (logs, timed): (Logs, bool),
) -> Meta<'a> {
    Meta {
        log_format,
        period: Period {
            since: cfg.since.map(|d| d.to_string()),
            until: cfg.until.map(|d| d.to_string()),
        },
        sources: &[],
        sizes: &[],
        errors: &[],
        input_formats: &[],
        logs,
        top: cfg.top,
        geo,
        nodes,
        show_ips: cfg.show_ips,
        title: cfg.title.as_deref(),
        timed,
    }
}

/// The `Meta` of a report of logs: `sources` (with their sizes, read errors and formats)
/// read with `programs`.
#[allow(clippy::too_many_arguments)]
fn log_meta<'a: 'p, 'p>(
    cfg: &'a Config,
    log_format: &'a str,
    sources: &'a [Source],
    sizes: &'a [u64],
    errors: &'a [InputError],
    input_formats: &'a [InputFormat],
    nodes: &'a [String],
    programs: impl Iterator<Item = &'p crate::parse::Program>,
) -> Meta<'a> {
    let programs: Vec<&crate::parse::Program> = programs.chain(cfg.program.iter()).collect();
    let timed = programs.iter().any(|p| p.has_serve_time());
    let logs = Logs::of_all(programs.iter().copied());
    Meta {
        sources,
        sizes,
        errors,
        input_formats,
        ..meta(cfg, log_format, &cfg.geo.infos, nodes, (logs, timed))
    }
}

/// The report of a store's daily tables (`report --store`).
pub fn run_store(cfg: &Config, query: &store::report::Query) -> anyhow::Result<Outcome> {
    type Replay = (Report, Vec<String>, Option<(Day, Day)>);
    let replay = |query: &store::report::Query| -> anyhow::Result<Replay> {
        let r = store::report::aggregate(query, cfg.window, cfg.top)?;
        if let (Some(w), false) = (&r.warning, cfg.quiet) {
            eprintln!("fsmg-stats: warning: {w}");
        }
        let mut meta = meta(cfg, &r.log_format, &r.geo, &r.nodes, (r.logs, r.agg.timed));
        meta.sizes = std::slice::from_ref(&r.log_size);
        let mut report = Report::build(&r.agg, &meta);
        for gap in r.gaps {
            let missing = gap.missing.into_iter().map(day_to_string).collect();
            report.withhold(gap.table, missing, gap.all);
        }
        Ok((report, r.nodes, r.covers))
    };
    let (mut report, mut nodes, covers) = replay(query)?;
    if !cfg.quiet {
        for c in &report.coverage {
            let how = match c.all {
                true => "is not reported",
                false => "counts the other days only",
            };
            eprintln!(
                "fsmg-stats: note: {}: no `{}` table for {} days of this period ({}: ingested before it existed); what comes from it {how} (JSON: `coverage`)",
                query.store.display(),
                c.table,
                c.missing_dates.len(),
                c.missing_dates.join(", "),
            );
        }
    }
    if cfg.by_node {
        // Ids follow the order files were read in, roll-ups or not: sort for a stable order.
        nodes.sort();
        for node in nodes {
            let one = store::report::Query {
                node: Some(node.clone()),
                ..query.clone()
            };
            let (of_node, _, _) = replay(&one)?;
            report.by_node.push(NodeReport {
                node,
                report: of_node,
            });
        }
    }
    Ok(Outcome {
        report,
        errors: Vec::new(),
        rows_error: None,
        problems: Vec::new(),
        warnings: Vec::new(),
        covers,
    })
}

/// The report of the period of the same length just before `now`'s (its --since/--until,
/// else its first and last days), if the data covers all of it; `cfg`'s window is moved.
pub fn previous_period(cfg: &mut Config, now: &Report) -> Option<Report> {
    let date = |s: &Option<String>| s.as_deref()?.parse::<jiff::civil::Date>().ok();
    let start = cfg.since.or_else(|| date(&now.summary.first_date))?;
    let end = cfg.until.or_else(|| date(&now.summary.last_date))?;
    let prev_end = start.yesterday().ok()?;
    let prev_start = prev_end.checked_sub(end - start).ok()?;
    cfg.since = Some(prev_start);
    cfg.until = Some(prev_end);
    cfg.window = (day_key(prev_start), day_key(prev_end));
    let before = match &cfg.store {
        Some(query) => run_store(cfg, query).ok()?.report,
        None => run(cfg).report,
    };
    let covered = before.summary.first_date == Some(prev_start.to_string())
        && before.summary.last_date == Some(prev_end.to_string());
    covered.then_some(before)
}
