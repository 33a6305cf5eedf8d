//! One thread is N threads with N = 1: the report does not depend on chunk size or thread
//! count (per-thread aggregates merge exactly, including visitors and sample order).

use clap::Parser;
use fsmg_stats::cli::Args;
use fsmg_stats::config::Config;
use fsmg_stats::input;
use fsmg_stats::pipeline;
use fsmg_stats::report::{Meta, Period, Report};

fn build(cfg: &Config, sources: &[input::Source], chunk: usize) -> Report {
    let (agg, errors) = pipeline::aggregate(
        cfg,
        sources,
        pipeline::Reading {
            chunk_bytes: chunk,
            ..Default::default()
        },
        None,
        None,
    );
    let sizes = vec![0; sources.len()];
    Report::build(
        &agg,
        &Meta {
            log_format: "COMBINED",
            period: Period {
                since: None,
                until: None,
            },
            sources,
            sizes: &sizes,
            errors: &errors,
            top: 25,
            geo: &cfg.geo.infos,
        },
    )
}

#[test]
fn chunking_and_threads_do_not_change_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("access.log");
    crate::util::generate(&log, 20_000, 11);
    let path = log.to_str().unwrap().to_string();
    let sample = crate::util::repo()
        .join("sample-logs")
        .display()
        .to_string();
    let (sources, _) = input::discover(&[sample, path.clone()]);
    let one = Config::resolve(Args::parse_from(["fsmg-stats", "-j", "1", &path])).unwrap();
    let two = Config::resolve(Args::parse_from(["fsmg-stats", "-j", "2", &path])).unwrap();
    let reference = build(&one, &sources, 1 << 30);
    for (cfg, chunk) in [(&one, 4096), (&two, 4096), (&two, 65_536), (&two, 1 << 21)] {
        assert_eq!(build(cfg, &sources, chunk), reference, "chunk {chunk}");
    }
    assert!(reference.summary.unique_visitors > 1000);
    assert_eq!(reference.failed.samples.len(), 10);
}
