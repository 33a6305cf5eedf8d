//! The run: inputs → chunks → parse and aggregate on all cores → one merged state → report.
//! Reading happens inside the parallel iterator's `next`, so one thread reads or
//! decompresses while the others parse.

use std::sync::Mutex;

use rayon::iter::{ParallelBridge, ParallelIterator};

use crate::aggregate::{Aggregate, Context, node_id};
use crate::config::Config;
use crate::input::{self, Chunks, InputError, Source};
use crate::parse::time::day_key;
use crate::report::{Meta, NodeReport, Period, Report};
use crate::store::{self, ParquetSink, RowSink};

pub struct Outcome {
    pub report: Report,
    /// Inputs that could not be read, wholly or partly.
    pub errors: Vec<InputError>,
    /// The request-rows file could not be written.
    pub rows_error: Option<anyhow::Error>,
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
        }
    }
}

/// Reads and aggregates `sources`, handing request rows to `rows` if given.
pub fn aggregate(
    cfg: &Config,
    sources: &[Source],
    reading: Reading<'_>,
    progress: Option<indicatif::ProgressBar>,
    rows: Option<&dyn RowSink>,
) -> (Aggregate, Vec<InputError>) {
    let errors = Mutex::new(Vec::new());
    let ctx = Context {
        program: &cfg.program,
        projects: &cfg.projects,
        window: cfg.window,
        geo: &cfg.geo,
        rows,
        report: !reading.rows_only,
        ignore_crawlers: cfg.ignore_crawlers,
        nodes: &reading.nodes,
    };
    let mut chunks = Chunks::new(sources, &errors, progress);
    chunks.chunk_bytes = reading.chunk_bytes;
    chunks.skip = reading.skip;
    chunks.whole_lines_only = reading.whole_lines_only;
    chunks.consumed = reading.consumed;
    let work = || {
        chunks
            .par_bridge()
            .fold(Aggregate::default, |mut agg, c| {
                agg.add_chunk(&ctx, c.input, c.seq, &c.data);
                agg
            })
            .reduce(Aggregate::default, Aggregate::merge)
    };
    let agg = match cfg.threads {
        Some(n) => match rayon::ThreadPoolBuilder::new().num_threads(n).build() {
            Ok(pool) => pool.install(work),
            Err(_) => work(),
        },
        None => work(),
    };
    (agg, errors.into_inner().unwrap_or_default())
}

/// Node names and each input's node id, `--node` overriding what the arguments say.
fn node_ids(cfg: &Config, found: Vec<String>) -> (Vec<String>, Vec<u32>) {
    let mut names: Vec<String> = Vec::new();
    let mut ids = Vec::with_capacity(found.len());
    for name in found {
        let name = cfg.node.clone().unwrap_or(name);
        ids.push(node_id(&mut names, name) as u32);
    }
    (names, ids)
}

pub fn run(cfg: &Config) -> Outcome {
    let (sources, found, mut errors) = input::discover_nodes(&cfg.paths);
    let (nodes, node_of) = node_ids(cfg, found);
    let sizes: Vec<u64> = sources
        .iter()
        .map(|s| match s {
            Source::File(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            Source::Stdin => 0,
        })
        .collect();
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
    let timed = cfg.program.has_serve_time();
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
            ..Reading::default()
        };
        let (mut agg, read_errors) = aggregate(cfg, &part_sources, reading, progress.clone(), rows);
        if cfg.by_node {
            let meta = meta(
                cfg,
                &part_sources,
                &part_sizes,
                &read_errors,
                &cfg.geo.infos,
                &nodes,
                timed,
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
    let mut report = Report::build(
        &agg,
        &meta(
            cfg,
            &sources,
            &sizes,
            &errors,
            &cfg.geo.infos,
            &nodes,
            timed,
        ),
    );
    report.by_node = by_node;
    Outcome {
        report,
        errors,
        rows_error,
    }
}

fn meta<'a>(
    cfg: &'a Config,
    sources: &'a [Source],
    sizes: &'a [u64],
    errors: &'a [InputError],
    geo: &'a [crate::enrich::geo::DbInfo],
    nodes: &'a [String],
    timed: bool,
) -> Meta<'a> {
    Meta {
        log_format: &cfg.program.name,
        period: Period {
            since: cfg.since.map(|d| d.to_string()),
            until: cfg.until.map(|d| d.to_string()),
        },
        sources,
        sizes,
        errors,
        top: cfg.top,
        geo,
        nodes,
        show_ips: cfg.show_ips,
        timed,
    }
}

/// The report of a store's daily tables (`report --store`).
pub fn run_store(cfg: &Config, query: &store::report::Query) -> anyhow::Result<Outcome> {
    let replay = |query: &store::report::Query| -> anyhow::Result<(Report, Vec<String>)> {
        let r = store::report::aggregate(query, cfg.window, cfg.top)?;
        if let (Some(w), false) = (&r.warning, cfg.quiet) {
            eprintln!("fsmg-stats: warning: {w}");
        }
        let meta = meta(cfg, &[], &[], &[], &r.geo, &r.nodes, r.agg.timed);
        Ok((Report::build(&r.agg, &meta), r.nodes))
    };
    let (mut report, mut nodes) = replay(query)?;
    if cfg.by_node {
        // Ids follow the order files were read in, roll-ups or not: sort for a stable order.
        nodes.sort();
        for node in nodes {
            let one = store::report::Query {
                node: Some(node.clone()),
                ..query.clone()
            };
            let (of_node, _) = replay(&one)?;
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
