//! JSON output: the report model through serde. Valid UTF-8 by construction: every string
//! from the log went through a lossy conversion in the model.

use crate::report::Report;

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("the report model always serialises");
    s.push('\n');
    s
}
