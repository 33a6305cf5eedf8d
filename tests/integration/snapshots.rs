//! Snapshot tests of the reports on the bundled sample logs: the text layout and the whole
//! JSON document (field names are a contract; a rename shows up here).

use crate::util::*;

fn sample_output(format: &str) -> String {
    let out = fsmg()
        .current_dir(repo())
        .args(["--format", format, "-q", "sample-logs"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn text_report() {
    insta::assert_snapshot!(sample_output("text"));
}

#[test]
fn json_report() {
    let mut v: serde_json::Value = serde_json::from_str(&sample_output("json")).unwrap();
    v["generator"]["version"] = "[version]".into();
    insta::assert_json_snapshot!(v);
}
