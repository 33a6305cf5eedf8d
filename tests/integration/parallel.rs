//! One thread is N threads with N = 1: the report does not depend on chunk size or thread
//! count (per-thread aggregates merge exactly, including visitors and sample order).

use clap::Parser;
use fsmg_stats::cli::{Args, Cli, Run};
use fsmg_stats::config::Config;
use fsmg_stats::input;
use fsmg_stats::pipeline;
use fsmg_stats::report::{Meta, Period, Report};

fn build(cfg: &Config, found: &input::Found, nodes: &[u32], chunk: usize) -> Report {
    // Formats sniffed afresh each time: the choice must not depend on the chunk size.
    let formats = pipeline::formats(cfg, found);
    let sources = &found.sources;
    let (agg, errors) = pipeline::aggregate(
        cfg,
        &formats,
        sources,
        pipeline::Reading {
            chunk_bytes: chunk,
            nodes: nodes.to_vec(),
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
            logs: Default::default(),
            input_formats: &(0..sources.len())
                .map(|i| formats.describe(i))
                .collect::<Vec<_>>(),
            top: 25,
            geo: &cfg.geo.infos,
            nodes: &["hlz".into(), "wlg".into(), "tmp".into()],
            show_ips: true,
            title: None,
            timed: false,
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
    let found = input::discover(&[sample, path.clone()]);
    let nodes: Vec<u32> = found
        .nodes
        .iter()
        .map(|n| match n.as_str() {
            "hlz" => 0,
            "wlg" => 1,
            _ => 2,
        })
        .collect();
    let args = |j: &str| -> Args {
        match Cli::parse_from(["fsmg-stats", "-j", j, &path]).run() {
            Ok(Run::Args(args)) => *args,
            _ => panic!("a report's flags"),
        }
    };
    let one = Config::resolve(args("1")).unwrap();
    let two = Config::resolve(args("2")).unwrap();
    let reference = build(&one, &found, &nodes, 1 << 30);
    for (cfg, chunk) in [(&one, 4096), (&two, 4096), (&two, 65_536), (&two, 1 << 21)] {
        assert_eq!(
            build(cfg, &found, &nodes, chunk),
            reference,
            "chunk {chunk}"
        );
    }
    assert_eq!(reference.nodes.len(), 3);
    assert!(reference.summary.unique_visitors > 1000);
    assert_eq!(reference.failed.samples.len(), 10);
    assert!(
        reference
            .inputs
            .iter()
            .all(|i| i.log_format.as_deref() == Some("COMBINED"))
    );
}
