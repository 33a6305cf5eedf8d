//! Criterion benches of the hot path, per line: one line parsed (COMBINED, nginx JSON,
//! Caddy), and 2 MiB of log parsed and aggregated on one thread, as lines per second
//! (criterion's `elem/s`; a line's cost is its inverse): a chunk of few distinct keys,
//! and a chunk of the generator's mirror log (many distinct URLs and addresses, hostile
//! lines), whose tables outgrow the caches as a real run's do.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

use fsmg_stats::aggregate::{Aggregate, Context};
use fsmg_stats::enrich::geo::Geo;
use fsmg_stats::enrich::project::Projects;
use fsmg_stats::parse::sniff::Formats;
use fsmg_stats::parse::{Line, format};

const LINE: &[u8] = br#"2404:4408:63a8::2 - - [31/Dec/2018:13:55:36 +1300] "GET /debian/pool/main/g/gcc-8/libstdc++6_8.2.0-13_amd64.deb HTTP/1.1" 200 457964 "-" "Debian APT-HTTP/1.3 (1.8.0~alpha3)""#;

/// The same request as nginx's `escape=json` logs it, and as Caddy does.
const NGINX_JSON: &[u8] = br#"{"time_local":"31/Dec/2018:13:55:36 +1300","remote_addr":"2404:4408:63a8::2","remote_user":"","request":"GET /debian/pool/main/g/gcc-8/libstdc++6_8.2.0-13_amd64.deb HTTP/1.1","status":"200","body_bytes_sent":"457964","request_time":"0.250","http_referer":"-","http_user_agent":"Debian APT-HTTP/1.3 (1.8.0~alpha3)"}"#;
const CADDY: &[u8] = br#"{"level":"info","ts":1546217736.274190,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"2404:4408:63a8::2","remote_port":"46593","client_ip":"2404:4408:63a8::2","proto":"HTTP/1.1","method":"GET","host":"mirror.fsmg.org.nz","uri":"/debian/pool/main/g/gcc-8/libstdc++6_8.2.0-13_amd64.deb","headers":{"Accept":["*/*"],"User-Agent":["Debian APT-HTTP/1.3 (1.8.0~alpha3)"]}},"bytes_read":0,"user_id":"","duration":0.250000,"size":457964,"status":200,"resp_headers":{"Server":["Caddy"],"Content-Type":["application/octet-stream"]}}"#;

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
    for (name, format, line) in [
        ("combined_line", "COMBINED", LINE),
        ("nginx_json_line", "JSON", NGINX_JSON),
        ("caddy_line", "CADDY", CADDY),
    ] {
        let program = format::compile(format).unwrap();
        g.throughput(Throughput::Bytes(line.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| match program.parse_line(black_box(line)) {
                Line::Request(r) => r.bytes,
                _ => 0,
            })
        });
    }
    g.finish();

    let projects = Projects::default();
    let geo = Geo::default();
    let formats = Formats::one(program.clone());
    let ctx = Context::whole(&formats, &projects, &geo);
    let mut g = c.benchmark_group("aggregate");
    g.sample_size(20);
    for (name, data) in [("chunk_2MiB", chunk()), ("mirror_2MiB", mirror_chunk())] {
        let lines = memchr::memchr_iter(b'\n', &data).count();
        g.throughput(Throughput::Elements(lines as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut agg = Aggregate::default();
                agg.add_chunk(&ctx, 0, 0, black_box(&data));
                agg.unique_visitors()
            })
        });
    }
    g.finish();
}

/// The first 2 MiB (whole lines) of a generated mirror log of 20,000 lines.
fn mirror_chunk() -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let log = dir.path().join("mirror.log");
    fsmg_loggen::run([
        "fsmg-loggen".as_ref(),
        "--seed".as_ref(),
        "7".as_ref(),
        "single".as_ref(),
        log.as_os_str(),
        "--lines".as_ref(),
        "20000".as_ref(),
        "--hostile-per-mille".as_ref(),
        "30".as_ref(),
    ])
    .expect("fsmg-loggen");
    let mut data = std::fs::read(&log).expect("generated log");
    data.truncate(2 << 20);
    let end = memchr::memrchr(b'\n', &data).map_or(0, |i| i + 1);
    data.truncate(end);
    data
}

criterion_group!(parse, benches);
criterion_main!(parse);
