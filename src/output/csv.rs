//! `--format csv` / `-o report.csv`: one row per item of every panel of the JSON report
//! that counts requests (days, files, countries, referrers, browsers...), under the
//! panel's JSON name, for spreadsheets:
//!
//! `panel,key,detail,requests,requests_share,visitors,visitors_share,bytes,bytes_share`
//!
//! `key` is the item's first field (a date, a path, a name), `detail` its other text
//! fields (a version, a method and protocol); shares are percentages of the summary's
//! valid requests, unique visitors and bandwidth; a panel without visitors (status codes)
//! leaves them empty. The summary comes first, as `summary` rows of requests (`valid`,
//! `failed`, `excluded`) and one `total` row of the three counts. Quoting is RFC 4180's
//! (CRLF line ends), and a text cell a spreadsheet would read as a formula (starting with
//! `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'`, but for the lone `-` logs
//! write for "none".

use serde_json::Value;

use crate::report::Report;

const HEADER: [&str; 9] = [
    "panel",
    "key",
    "detail",
    "requests",
    "requests_share",
    "visitors",
    "visitors_share",
    "bytes",
    "bytes_share",
];

/// The fields that are an item's numbers, not its name.
const COUNTS: [&str; 3] = ["requests", "visitors", "bytes"];

/// A text cell as a spreadsheet cannot take it for a formula.
fn cell(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text != "-";
    if formula {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `part` of `whole` as a percentage, two decimals.
fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        return String::new();
    }
    format!("{:.2}", part as f64 * 100.0 / whole as f64)
}

pub fn render(r: &Report) -> String {
    let s = &r.summary;
    let totals = [s.valid_requests, s.unique_visitors, s.bandwidth_bytes];
    let mut rows: Vec<Vec<String>> = vec![HEADER.map(str::to_string).to_vec()];
    for (key, n) in [
        ("valid", s.valid_requests),
        ("failed", s.failed_requests),
        ("excluded", s.excluded_requests),
    ] {
        // Failed and excluded lines are not shares of the valid ones.
        let mut r = vec![
            "summary".to_string(),
            key.to_string(),
            String::new(),
            n.to_string(),
        ];
        r.resize(HEADER.len(), String::new());
        rows.push(r);
    }
    let mut row = |panel: &str, key: String, detail: String, counts: [Option<u64>; 3]| {
        let mut out = vec![panel.to_string(), cell(&key), cell(&detail)];
        for (n, whole) in counts.into_iter().zip(totals) {
            out.push(n.map(|n| n.to_string()).unwrap_or_default());
            out.push(n.map(|n| share(n, whole)).unwrap_or_default());
        }
        rows.push(out);
    };
    let total = totals.map(Some);
    row("summary", "total".into(), String::new(), total);
    let json = serde_json::to_value(r).unwrap_or_default();
    let Value::Object(panels) = json else {
        return String::new();
    };
    for (panel, items) in &panels {
        let Value::Array(items) = items else { continue };
        for item in items {
            let Value::Object(fields) = item else { break };
            if !fields.contains_key("requests") || !fields.contains_key("bytes") {
                break;
            }
            // The first field names the item whatever its type (a status code, an
            // hour); the other names are its text fields.
            let mut names = fields.iter().enumerate().filter_map(|(i, (k, v))| {
                let name = !COUNTS.contains(&k.as_str()) && (i == 0 || !v.is_number());
                name.then(|| text(v))
            });
            let key = names.next().unwrap_or_default();
            let detail = names.collect::<Vec<_>>().join(" ");
            let count = |k: &str| fields.get(k).and_then(Value::as_u64);
            row(panel, key, detail, COUNTS.map(count));
        }
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for r in &rows {
        // Writing to memory fails only on a bug of ours.
        w.write_record(r).expect("csv to memory");
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-"), "-");
        assert_eq!(cell("/debian/a.deb"), "/debian/a.deb");
    }
}
