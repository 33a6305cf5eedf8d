//! What the fuzz targets check, one function per target. Shared by `fuzz_targets/` (cargo-fuzz,
//! nightly) and by the stable test suite (`tests/integration/fuzz_corpus.rs`), which replays
//! the committed corpus and mutations of it on every CI run.
//!
//! The fast targets each test one parser ([`lines`], [`time`], [`config`], the format
//! compilers of [`log_format`], the gzip reader of [`gzip_reader`], damaged Parquet parts of
//! [`parquet_part`]); [`parse_line`] and
//! [`store::damaged_store`] run the whole pipeline or store for depth.

mod config;
mod lines;
mod store;
mod time;

pub use config::config_file;
pub use lines::{line_apache, line_goaccess, line_json, line_nginx, same_request};
pub use store::{damaged_store, parquet_part};
pub use time::strftime;

use std::sync::{LazyLock, Mutex};

use fsmg_stats::aggregate::{Aggregate, Context};
use fsmg_stats::enrich::geo::Geo;
use fsmg_stats::enrich::project::Projects;
use fsmg_stats::input::{Chunks, Source};
use fsmg_stats::parse::format::{Program, compile, compile_log_format};
use fsmg_stats::parse::nginx;
use fsmg_stats::parse::sniff::Formats;
use fsmg_stats::parse::time::{Parts, TimeFormat};
use fsmg_stats::report::{Meta, Period, Report};

static PROGRAMS: LazyLock<Vec<Program>> = LazyLock::new(|| {
    [
        "COMBINED",
        "COMMON",
        "VCOMBINED",
        r#"%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i" %D %v"#,
        "CADDY",
        "JSON",
    ]
    .iter()
    .map(|f| compile(f).expect("built-in formats compile"))
    .chain([nginx::compile(nginx::COMBINED).expect("nginx's combined compiles")])
    .collect()
});

/// Any bytes as log lines of every built-in format and a custom one with serve time, through
/// parse, enrich and aggregate, then the report as JSON, text and HTML: no panic, every line
/// accounted, the JSON parses; and the report of two chunks merged is the report of the
/// whole read as one.
pub fn parse_line(data: &[u8]) {
    let projects = Projects::default();
    let geo = Geo::default();
    for program in PROGRAMS.iter() {
        let formats = Formats::one(program.clone());
        let ctx = Context::whole(&formats, &projects, &geo);
        // Two chunks, merged: the merge path sees the same garbage.
        let cut = data
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| i + 1);
        let mut a = Aggregate::default();
        a.add_chunk(&ctx, 0, 0, &data[..cut]);
        let mut b = Aggregate::default();
        b.add_chunk(&ctx, 0, 1, &data[cut..]);
        let agg = a.merge(b);
        let l = agg.lines();
        assert_eq!(
            l.lines,
            l.valid + l.failed + l.blank + l.comment + l.excluded
        );
        let report = report_of(program, &agg, data.len());
        let json = fsmg_stats::output::Format::Json.render(&report);
        let merged = serde_json::from_str::<serde_json::Value>(&json).expect("valid JSON");
        let _ = fsmg_stats::output::Format::Text.render(&report);
        let _ = fsmg_stats::output::Format::Html.render(&report);

        let mut whole = Aggregate::default();
        whole.add_chunk(&ctx, 0, 0, data);
        let whole = report_of(program, &whole, data.len());
        assert_eq!(serde_json::to_value(&whole).expect("a report"), merged);
    }
}

/// A temporary directory for a check's files: in memory (`/dev/shm`) where there is one, as
/// a target writes files on every run.
fn scratch() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    match shm.is_dir() {
        true => tempfile::tempdir_in(shm),
        false => tempfile::tempdir(),
    }
    .expect("a temporary directory")
}

fn report_of(program: &Program, agg: &Aggregate, size: usize) -> Report {
    let sources = [Source::Stdin];
    Report::build(
        agg,
        &Meta {
            log_format: &program.name,
            period: Period {
                since: None,
                until: None,
            },
            sources: &sources,
            sizes: &[size as u64],
            errors: &[],
            input_formats: &[],
            logs: Default::default(),
            top: 10,
            geo: &[],
            nodes: &["-".to_string()],
            show_ips: false,
            title: None,
            timed: program.has_serve_time(),
        },
    )
}

/// Any string as a log format in every language (a name, an Apache LogFormat, a GoAccess
/// format plain or JSON, with itself as date and time format too, an nginx log_format) and
/// as a strftime format: compiling never panics, and a compiled format parses a line (and
/// its own text) without panicking.
pub fn log_format(data: &[u8]) {
    let (spec, line) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"203.0.113.9 - - [31/Dec/2018:10:00:00 +1300] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\" 17"[..]),
    };
    let Ok(spec) = std::str::from_utf8(spec) else {
        return;
    };
    let programs = [
        compile(spec),
        compile_log_format(spec, Some(spec), Some(spec)),
        nginx::compile(spec),
    ];
    for program in programs.into_iter().flatten() {
        let _ = program.parse_line(line);
        let _ = program.parse_line(spec.as_bytes());
    }
    if let Ok(time) = TimeFormat::compile(spec) {
        let mut parts = Parts::default();
        let _ = time.parse_prefix(line, &mut parts);
        let _ = parts.resolve();
    }
}

/// Any bytes as an input file (gzip when they start with its magic): reading never panics,
/// chunks hold whole lines, and a plain file's chunks are the file itself.
pub fn gzip_reader(data: &[u8]) {
    let dir = scratch();
    let path = dir.path().join("access.log");
    std::fs::write(&path, data).expect("write");
    let sources = [Source::File(path)];
    let errors = Mutex::new(Vec::new());
    let mut chunks = Chunks::new(&sources, &errors, None);
    chunks.chunk_bytes = 64;
    let pieces: Vec<Vec<u8>> = chunks.map(|c| c.data).collect();
    if let Some((_, whole)) = pieces.split_last() {
        assert!(
            whole.iter().all(|p| p.ends_with(b"\n")),
            "a chunk split a line"
        );
    }
    let all = pieces.concat();
    if !data.starts_with(&[0x1f, 0x8b]) {
        assert_eq!(all, data);
    }
}
