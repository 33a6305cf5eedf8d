//! The run: inputs → chunks → parse and aggregate on all cores → one merged state → report.
//! Reading happens inside the parallel iterator's `next`, so one thread reads or
//! decompresses while the others parse.

use std::sync::Mutex;

use rayon::iter::{ParallelBridge, ParallelIterator};

use crate::aggregate::{Aggregate, Context};
use crate::config::Config;
use crate::input::{self, Chunks, InputError, Source};
use crate::parse::time::day_key;
use crate::report::{Meta, Period, Report};
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
}

impl Default for Reading<'_> {
    fn default() -> Self {
        Reading {
            chunk_bytes: input::chunks::CHUNK_BYTES,
            skip: Vec::new(),
            whole_lines_only: false,
            consumed: None,
            rows_only: false,
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
        visitors: !reading.rows_only,
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

pub fn run(cfg: &Config) -> Outcome {
    let (sources, mut errors) = input::discover(&cfg.paths);
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
    let (agg, read_errors) = aggregate(
        cfg,
        &sources,
        Reading::default(),
        progress.clone(),
        sink.as_ref().map(|s| s as &dyn RowSink),
    );
    if let Some(sink) = sink {
        rows_error = sink.finish().err();
    }
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    errors.extend(read_errors);
    let report = build(cfg, &agg, &sources, &sizes, &errors, &cfg.geo.infos);
    Outcome {
        report,
        errors,
        rows_error,
    }
}

fn build(
    cfg: &Config,
    agg: &Aggregate,
    sources: &[Source],
    sizes: &[u64],
    errors: &[InputError],
    geo: &[crate::enrich::geo::DbInfo],
) -> Report {
    Report::build(
        agg,
        &Meta {
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
        },
    )
}

/// The report of a store's daily tables (`report --store`).
pub fn run_store(cfg: &Config, query: &store::report::Query) -> anyhow::Result<Outcome> {
    let (agg, geo) = store::report::aggregate(query, cfg.window, cfg.top)?;
    Ok(Outcome {
        report: build(cfg, &agg, &[], &[], &[], &geo),
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
