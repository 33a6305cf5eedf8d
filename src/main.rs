//! The `fsmg-stats` binary: parse flags, run, map the outcome to an exit status.

#![deny(clippy::unwrap_used)]

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use fsmg_stats::cli::{self, Cli, Run};
use fsmg_stats::config::{Config, Dashboard};
use fsmg_stats::input::InputError;
use fsmg_stats::output::{Format, sponsor, text, write_atomic};
use fsmg_stats::pipeline;
use fsmg_stats::store::{self, ingest};

const EXIT_PARTIAL: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_BUSY: u8 = 3;

/// glibc's allocator keeps what each thread's arena frees, and raises the threshold above
/// which it gives freed memory back as large blocks come and go: the tables that parsing
/// threads grow and the merge then drops stayed resident. One arena, trimmed once 1 MiB
/// is free at its top, takes a 2M-line report from ~245 MB peak RSS to ~192 MB for ~4%
/// more time (BENCHMARKS.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: mallopt only sets allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

fn main() -> ExitCode {
    tune_allocator();
    let args = match Cli::parse().run() {
        Ok(Run::Args(args)) => *args,
        Ok(Run::Completions(shell)) => return print(&cli::completions(shell)),
        Ok(Run::StoreCheck(dir)) => return store_check(&dir),
        Ok(Run::StoreCompact(dir, month)) => return store_compact(&dir, month),
        Ok(Run::Man(sub)) => match cli::man_page(sub.as_deref()) {
            Ok(page) => return print(&page),
            Err(e) => {
                eprintln!("fsmg-stats: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        },
        Err(e) => {
            eprintln!("fsmg-stats: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut cfg = match Config::resolve(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fsmg-stats: {e:#}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if let Some(target) = &cfg.ingest {
        return ingest(&cfg, target);
    }
    if let Some(dashboard) = &cfg.dashboard {
        let result = match dashboard {
            Dashboard::Top => fsmg_stats::live::top::run(&cfg),
            Dashboard::Serve(serve) => fsmg_stats::live::serve::run(&cfg, serve),
        };
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("fsmg-stats: {e}");
                ExitCode::from(EXIT_USAGE)
            }
        };
    }
    if let Some(Err(e)) = cfg.store.as_ref().map(store::report::check) {
        eprintln!("fsmg-stats: {e:#}");
        return ExitCode::from(EXIT_USAGE);
    }
    let outcome = match &cfg.store {
        Some(query) => match pipeline::run_store(&cfg, query) {
            Ok(outcome) => outcome,
            Err(e) => {
                eprintln!("fsmg-stats: {e:#}");
                return ExitCode::from(EXIT_PARTIAL);
            }
        },
        None => pipeline::run(&cfg),
    };
    let read: u64 = outcome.report.inputs.iter().map(|i| i.lines.lines).sum();
    if read == 0 && !outcome.errors.is_empty() {
        // Every path failed: a usage error (a typo, a missing mount), not a partial run.
        diagnose(&outcome.errors, &[], [], cfg.quiet);
        eprintln!("fsmg-stats: nothing read; no report written");
        return ExitCode::from(EXIT_USAGE);
    }
    let geo_warnings = (outcome.report.geo.geoip.iter()).filter_map(|d| d.warning.as_ref());
    let warnings = outcome.warnings.iter().chain(geo_warnings);
    diagnose(&outcome.errors, &outcome.problems, warnings, cfg.quiet);
    let mut failed = !outcome.errors.is_empty() || !outcome.problems.is_empty();
    if outcome.empty() && !outcome.problems.is_empty() {
        // Nothing was read as a request: leave the last good report where it is.
        eprintln!("fsmg-stats: no report written");
        return ExitCode::from(EXIT_PARTIAL);
    }
    if let Some(line) = outcome.empty_period(&cfg) {
        // One line, not a report of empty tables; a cron job sees a failure, not zeros.
        eprintln!("fsmg-stats: {line}");
        eprintln!("fsmg-stats: no report written");
        return ExitCode::from(EXIT_PARTIAL);
    }
    if let Some(e) = &outcome.rows_error {
        eprintln!("fsmg-stats: {e:#}");
        failed = true;
    }
    let sponsor = cfg.sponsor.then(|| {
        let before = pipeline::previous_period(&mut cfg, &outcome.report);
        sponsor::blocks(&outcome.report, before.as_ref())
    });
    for (format, path) in &cfg.outputs {
        let text = match (&sponsor, format) {
            (Some(blocks), Format::Html) => sponsor::html(blocks, &outcome.report),
            (Some(blocks), _) => sponsor::markdown(blocks),
            (None, Format::Text) if path.is_none() => {
                text::render(&outcome.report, text::Layout::stdout())
            }
            (None, format) => format.render(&outcome.report),
        };
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

/// `bytes` on standard output; a closed pipe (`| head`) is not an error.
fn print(bytes: &[u8]) -> ExitCode {
    match std::io::stdout().lock().write_all(bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fsmg-stats: standard output: {e}");
            ExitCode::from(EXIT_PARTIAL)
        }
    }
}

/// Unreadable inputs and problems always, then warnings unless `quiet`, on stderr.
fn diagnose<'a>(
    errors: &[InputError],
    problems: &[String],
    warnings: impl IntoIterator<Item = &'a String>,
    quiet: bool,
) {
    for e in errors {
        eprintln!("fsmg-stats: {e}");
    }
    for p in problems {
        eprintln!("fsmg-stats: {p}");
    }
    if !quiet {
        for w in warnings {
            eprintln!("fsmg-stats: warning: {w}");
        }
    }
}

/// `store check DIR`: findings on stdout, one a line; exit 1 if any is a problem.
fn store_check(dir: &std::path::Path) -> ExitCode {
    let checked = match store::check::run(dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fsmg-stats: {e:#}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut out = String::new();
    for (kind, findings) in [("problem", &checked.problems), ("note", &checked.notes)] {
        for f in findings {
            out.push_str(&format!("{kind}: {}: {}\n", f.path.display(), f.what));
        }
    }
    let count = |n: usize, what: &str| match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    };
    out.push_str(&format!(
        "{}: {} read; {}, {}\n",
        dir.display(),
        count(checked.parts, "committed part"),
        count(checked.problems.len(), "problem"),
        count(checked.notes.len(), "note"),
    ));
    match (print(out.as_bytes()), checked.problems.is_empty()) {
        (code, true) => code,
        (_, false) => ExitCode::from(EXIT_PARTIAL),
    }
}

/// Why a command that writes to a store did not run, and its exit status.
fn refused(e: ingest::Refused) -> ExitCode {
    eprintln!("fsmg-stats: {e:#}");
    ExitCode::from(match e {
        ingest::Refused::Busy(_) => EXIT_BUSY,
        ingest::Refused::Format(_) => EXIT_USAGE,
        ingest::Refused::Other(_) => EXIT_PARTIAL,
    })
}

/// `store compact DIR`: a summary line on stderr.
fn store_compact(dir: &std::path::Path, month: Option<u32>) -> ExitCode {
    match store::compact::run(dir, month) {
        Ok(done) => {
            eprintln!(
                "fsmg-stats: compacted {} parts into {} in {}",
                done.merged,
                done.written,
                dir.display()
            );
            for day in &done.skipped {
                eprintln!(
                    "fsmg-stats: {day}: parts written by different releases; left as they are"
                );
            }
            if !done.rolled_up.is_empty() {
                eprintln!("fsmg-stats: rolled up {}", done.rolled_up.join(", "));
            }
            ExitCode::SUCCESS
        }
        Err(e) => refused(e),
    }
}

fn ingest(cfg: &Config, target: &fsmg_stats::config::Target) -> ExitCode {
    match ingest::run(cfg, target) {
        Ok(done) => {
            diagnose(&done.errors, &done.problems, &done.warnings, cfg.quiet);
            if !cfg.quiet {
                let added: u64 = done.inputs.iter().map(|i| i.2).sum();
                eprintln!(
                    "fsmg-stats: ingested {} requests ({} failed lines, {added} new bytes from {} inputs) into {} parts of {}",
                    done.requests,
                    done.failed,
                    done.inputs.len(),
                    done.parts.len(),
                    target.store.display()
                );
                if !done.rolled_up.is_empty() {
                    eprintln!("fsmg-stats: rolled up {}", done.rolled_up.join(", "));
                }
            }
            if done.errors.is_empty() && done.problems.is_empty() {
                ExitCode::SUCCESS
            } else if done.inputs.is_empty() && !done.errors.is_empty() {
                // No path could be read: a usage error, as for a report.
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::from(EXIT_PARTIAL)
            }
        }
        Err(e) => refused(e),
    }
}
