//! Request rows as Parquet: one row per counted request, numbers equal to the report's.

use std::collections::HashSet;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, TimestampMicrosecondType, UInt16Type, UInt64Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::util::*;

/// Every `ip` of a request-rows file.
fn addresses(path: &std::path::Path) -> Vec<String> {
    let file = std::fs::File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let ip = batch
            .column_by_name("ip")
            .unwrap()
            .as_string::<i32>()
            .clone();
        out.extend(ip.iter().map(|a| a.unwrap().to_string()));
    }
    out
}

#[test]
fn anonymized_rows_hold_networks_and_the_report_stays_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = repo().join("sample-logs");
    let (plain, anon) = (
        tmp.path().join("plain.parquet"),
        tmp.path().join("anon.parquet"),
    );
    let exact = json_of(
        fsmg()
            .args(["--format", "json"])
            .arg("-o")
            .arg(&plain)
            .arg(&sample),
    );
    let report = json_of(
        fsmg()
            .args(["--format", "json", "--anonymize-ip"])
            .arg("-o")
            .arg(&anon)
            .arg(&sample),
    );
    assert_eq!(report["summary"], exact["summary"]);
    let (plain, mut anon) = (addresses(&plain), addresses(&anon));
    // Rows come in no fixed order: compare each file's networks, sorted.
    let mut expected: Vec<String> = plain
        .iter()
        .map(|p| match p.parse::<std::net::IpAddr>().unwrap() {
            std::net::IpAddr::V4(ip) => {
                let [a, b, c, _] = ip.octets();
                format!("{a}.{b}.{c}.0")
            }
            std::net::IpAddr::V6(ip) => {
                std::net::Ipv6Addr::from(u128::from(ip) & !((1u128 << 64) - 1)).to_string()
            }
        })
        .collect();
    expected.sort();
    anon.sort();
    assert_eq!(anon, expected);
    assert!(
        anon.iter().any(|a| a.ends_with("::")),
        "the sample logs have IPv6 clients"
    );
    // Without request rows the flag has nothing to do: a usage error.
    fsmg()
        .arg("--anonymize-ip")
        .arg(&sample)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("-o FILE.parquet"));
}

#[test]
fn request_rows_add_up_to_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let rows_path = tmp.path().join("requests.parquet");
    let json_path = tmp.path().join("report.json");
    let sample = repo().join("sample-logs");
    fsmg()
        .arg("-o")
        .arg(&rows_path)
        .arg("-o")
        .arg(&json_path)
        .arg(&sample)
        .assert()
        .success()
        .stdout("");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();

    let file = std::fs::File::open(&rows_path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let (mut rows, mut bytes) = (0u64, 0u64);
    let mut visitors = HashSet::new();
    let mut first = None;
    for batch in reader {
        let batch = batch.unwrap();
        let col = |name: &str| batch.column_by_name(name).unwrap().clone();
        let (date, ip, agent) = (col("date"), col("ip"), col("user_agent"));
        let (status, size, ts) = (col("status"), col("bytes"), col("ts"));
        let offset = col("utc_offset_min");
        for i in 0..batch.num_rows() {
            rows += 1;
            bytes += size.as_primitive::<UInt64Type>().value(i);
            let st = status.as_primitive::<UInt16Type>().value(i);
            if !(400..500).contains(&st) {
                visitors.insert((
                    date.as_primitive::<Date32Type>().value(i),
                    ip.as_string::<i32>().value(i).to_string(),
                    agent.as_string::<i32>().value(i).to_string(),
                ));
            }
            let t = ts.as_primitive::<TimestampMicrosecondType>().value(i);
            let d = date.as_primitive::<Date32Type>().value(i);
            let o = offset
                .as_primitive::<arrow_array::types::Int16Type>()
                .value(i);
            first.get_or_insert((t, d, o));
            // The UTC instant plus the logged offset falls on the logged date.
            assert_eq!(
                (t / 1_000_000 + i64::from(o) * 60).div_euclid(86_400),
                i64::from(d)
            );
        }
    }
    let s = &report["summary"];
    assert_eq!(rows, s["valid_requests"].as_u64().unwrap());
    assert_eq!(bytes, s["bandwidth_bytes"].as_u64().unwrap());
    assert_eq!(
        visitors.len() as u64,
        s["unique_visitors"].as_u64().unwrap()
    );
    assert!(
        first.is_some_and(|(_, _, o)| o == 780),
        "{first:?}: sample logs are +1300"
    );
}

#[test]
fn one_parquet_output_per_run() {
    let tmp = tempfile::tempdir().unwrap();
    fsmg()
        .args(["-o", "a.parquet", "-o", "b.parquet"])
        .arg(repo().join("sample-logs"))
        .current_dir(tmp.path())
        .assert()
        .code(2);
}
