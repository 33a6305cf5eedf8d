//! The fuzz targets' checks (`fuzz/checks.rs`) on every test run, on stable: the committed
//! corpus, then a fixed number of seeded mutations of it. Coverage-guided fuzzing proper is
//! `cargo +nightly fuzz run TARGET` (docs/reliability.md).

#[path = "../../fuzz/checks.rs"]
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

fn run(target: &str, check: fn(&[u8]), mutations: usize) {
    let seeds = corpus(target);
    assert!(!seeds.is_empty(), "{target}: no corpus");
    for s in &seeds {
        check(s);
    }
    let mut rng = fastrand::Rng::with_seed(2019);
    for _ in 0..mutations {
        let (a, b) = (rng.choice(&seeds).unwrap(), rng.choice(&seeds).unwrap());
        check(&mutate(&mut rng, a, b));
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
