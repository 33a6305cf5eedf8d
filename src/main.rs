//! The `fsmg-stats` binary: parse flags, run, map the outcome to an exit status.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use fsmg_stats::cli::Args;
use fsmg_stats::config::Config;
use fsmg_stats::output::write_atomic;
use fsmg_stats::pipeline;

const EXIT_PARTIAL: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let args = Args::parse();
    let cfg = match Config::resolve(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fsmg-stats: {e:#}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let outcome = pipeline::run(&cfg);
    for e in &outcome.errors {
        eprintln!("fsmg-stats: {e}");
    }
    if !cfg.quiet {
        for w in outcome
            .report
            .geo
            .geoip
            .iter()
            .filter_map(|d| d.warning.as_ref())
        {
            eprintln!("fsmg-stats: warning: {w}");
        }
    }
    let mut failed = !outcome.errors.is_empty();
    if let Some(e) = &outcome.rows_error {
        eprintln!("fsmg-stats: {e:#}");
        failed = true;
    }
    for (format, path) in &cfg.outputs {
        let text = format.render(&outcome.report);
        let result = match path {
            Some(p) => write_atomic(p, text.as_bytes()),
            None => match std::io::stdout().lock().write_all(text.as_bytes()) {
                // A closed pipe (`| head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(anyhow::Error::from),
            },
        };
        if let Err(e) = result {
            eprintln!("fsmg-stats: {e:#}");
            failed = true;
        }
    }
    if failed {
        ExitCode::from(EXIT_PARTIAL)
    } else {
        ExitCode::SUCCESS
    }
}
