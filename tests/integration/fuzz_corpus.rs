//! The fuzz targets' checks (`fuzz/checks/`) on every test run, on stable: the committed
//! corpus, then a fixed number of seeded mutations of it. Coverage-guided fuzzing proper is
//! `cargo +nightly fuzz run TARGET` (docs/reliability.md).

#[path = "../../fuzz/checks/mod.rs"]
mod checks;

use crate::util::repo;

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = repo().join("fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

/// A mutation of `seed` as a fuzzer makes them: flipped, inserted, deleted and duplicated
/// bytes, interesting bytes (`\n`, `"`, `[`, `%`, NUL, 0xff) and splices with `other`.
fn mutate(rng: &mut fastrand::Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut d = seed.to_vec();
    for _ in 0..rng.usize(1..8) {
        let at = rng.usize(..=d.len());
        match rng.u8(..6) {
            0 if at < d.len() => d[at] ^= 1 << rng.u8(..8),
            1 => d.insert(at, *rng.choice(b"\n\"[]%\0\xff -:/".iter()).unwrap()),
            2 if at < d.len() => {
                d.remove(at);
            }
            3 => {
                let n = rng.usize(..=other.len());
                d.splice(at..at, other[..n].iter().copied());
            }
            4 if at < d.len() => {
                let end = (at + rng.usize(1..64)).min(d.len());
                let piece = d[at..end].to_vec();
                d.splice(at..at, piece);
            }
            _ => d.truncate(at),
        }
    }
    d
}

/// Runs `check` on `input`; a failure shows the input, to reproduce it with `cargo fuzz run
/// TARGET FILE` once written to a file.
fn checked(target: &str, check: fn(&[u8]), input: &[u8]) {
    if std::panic::catch_unwind(|| check(input)).is_err() {
        panic!("{target} failed on {:?}", input.escape_ascii().to_string());
    }
}

fn run(target: &str, check: fn(&[u8]), mutations: usize) {
    let seeds = corpus(target);
    assert!(!seeds.is_empty(), "{target}: no corpus");
    for s in &seeds {
        checked(target, check, s);
    }
    let mut rng = fastrand::Rng::with_seed(2019);
    for _ in 0..mutations {
        let (a, b) = (rng.choice(&seeds).unwrap(), rng.choice(&seeds).unwrap());
        checked(target, check, &mutate(&mut rng, a, b));
    }
}

#[test]
fn parse_line_corpus_and_mutations() {
    run("parse_line", checks::parse_line, 1500);
}

#[test]
fn log_format_corpus_and_mutations() {
    run("log_format", checks::log_format, 20_000);
}

#[test]
fn gzip_reader_corpus_and_mutations() {
    run("gzip_reader", checks::gzip_reader, 1500);
}

#[test]
fn line_apache_corpus_and_mutations() {
    run("line_apache", checks::line_apache, 20_000);
}

#[test]
fn line_goaccess_corpus_and_mutations() {
    run("line_goaccess", checks::line_goaccess, 20_000);
}

#[test]
fn line_nginx_corpus_and_mutations() {
    run("line_nginx", checks::line_nginx, 20_000);
}

#[test]
fn line_json_corpus_and_mutations() {
    run("line_json", checks::line_json, 20_000);
}

#[test]
fn same_request_corpus_and_mutations() {
    run("same_request", checks::same_request, 20_000);
}

#[test]
fn strftime_corpus_and_mutations() {
    run("strftime", checks::strftime, 20_000);
}

#[test]
fn config_file_corpus_and_mutations() {
    run("config_file", checks::config_file, 2_000);
}

#[test]
fn damaged_store_corpus_and_mutations() {
    run("damaged_store", checks::damaged_store, 300);
}

#[test]
fn parquet_part_corpus_and_mutations() {
    run("parquet_part", checks::parquet_part, 5_000);
}
