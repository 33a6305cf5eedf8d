//! Criterion benches of the hot path: one combined line parsed, and a 2 MiB chunk of
//! generated log parsed and aggregated on one thread.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use fsmg_stats::aggregate::{Aggregate, Context};
use fsmg_stats::enrich::geo::Geo;
use fsmg_stats::enrich::project::Projects;
use fsmg_stats::parse::sniff::Formats;
use fsmg_stats::parse::{Line, format};

const LINE: &[u8] = br#"2404:4408:63a8::2 - - [31/Dec/2018:13:55:36 +1300] "GET /debian/pool/main/g/gcc-8/libstdc++6_8.2.0-13_amd64.deb HTTP/1.1" 200 457964 "-" "Debian APT-HTTP/1.3 (1.8.0~alpha3)""#;

fn chunk() -> Vec<u8> {
    let mut out = Vec::with_capacity(2 << 20);
    let mut i = 0u32;
    while out.len() < 2 << 20 {
        out.extend_from_slice(
            format!(
                "203.0.{}.{} - - [{:02}/Jan/2019:{:02}:00:00 +1300] \"GET /debian/pool/main/p/pkg{}/pkg{}_1.0_amd64.deb HTTP/1.1\" 200 {} \"-\" \"Debian APT-HTTP/1.3 (1.8.{})\"\n",
                i % 200, i % 250 + 1, i % 14 + 1, i % 24, i % 5000, i % 5000, 1000 + i, i % 7
            )
            .as_bytes(),
        );
        i += 1;
    }
    out
}

fn benches(c: &mut Criterion) {
    let program = format::compile("COMBINED").unwrap();
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(LINE.len() as u64));
    g.bench_function("combined_line", |b| {
        b.iter(|| match program.parse_line(black_box(LINE)) {
            Line::Request(r) => r.bytes,
            _ => 0,
        })
    });
    g.finish();

    let data = chunk();
    let projects = Projects::default();
    let geo = Geo::default();
    let formats = Formats::one(program.clone());
    let ctx = Context::whole(&formats, &projects, &geo);
    let mut g = c.benchmark_group("aggregate");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(20);
    g.bench_function("chunk_2MiB", |b| {
        b.iter(|| {
            let mut agg = Aggregate::default();
            agg.add_chunk(&ctx, 0, 0, black_box(&data));
            agg.unique_visitors()
        })
    });
    g.finish();
}

criterion_group!(parse, benches);
criterion_main!(parse);
