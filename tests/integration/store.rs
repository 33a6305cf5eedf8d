//! Request rows as Parquet: one row per counted request, numbers equal to the report's.

use std::collections::HashSet;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, TimestampMicrosecondType, UInt16Type, UInt64Type};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::util::*;

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
