//! What became of each line: counts per input, and the failed lines kept as examples.

use std::collections::BTreeMap;

use crate::parse::Failure;
use crate::parse::time::Day;

/// Line accounting of one input (serialised into the report's `inputs` rows).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LineCounts {
    pub lines: u64,
    pub valid: u64,
    pub failed: u64,
    pub blank: u64,
    pub comment: u64,
    pub excluded: u64,
}

impl LineCounts {
    pub fn merge(&mut self, o: LineCounts) {
        self.lines += o.lines;
        self.valid += o.valid;
        self.failed += o.failed;
        self.blank += o.blank;
        self.comment += o.comment;
        self.excluded += o.excluded;
    }
}

/// Where a line is: input index, chunk number within the input, line within the chunk
/// (0-based). Ordered as the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LinePos {
    pub input: u32,
    pub chunk: u32,
    pub line: u64,
}

/// A failed line kept as an example.
#[derive(Debug, Clone)]
pub struct Sample {
    pub pos: LinePos,
    pub reason: Failure,
    pub text: Vec<u8>,
}

/// Why one input's lines failed: counts per reason and its first failed line.
#[derive(Debug, Clone, Default)]
pub struct InputFailures {
    pub reasons: [u64; Failure::ALL.len()],
    pub first: Option<Sample>,
    /// Of them, those that still show a date, by that day (see
    /// [`super::Aggregate::failed_days`]).
    pub days: BTreeMap<Day, [u64; Failure::ALL.len()]>,
}

impl InputFailures {
    pub fn merge(&mut self, o: InputFailures) {
        for (a, b) in self.reasons.iter_mut().zip(o.reasons) {
            *a += b;
        }
        for (day, reasons) in o.days {
            let mine = self.days.entry(day).or_insert([0; Failure::ALL.len()]);
            for (a, b) in mine.iter_mut().zip(reasons) {
                *a += b;
            }
        }
        if let Some(s) = o.first
            && self.first.as_ref().is_none_or(|f| s.pos < f.pos)
        {
            self.first = Some(s);
        }
    }

    /// The most frequent reason, if any line failed.
    pub fn top(&self) -> Option<(Failure, u64)> {
        Failure::ALL
            .iter()
            .map(|&f| (f, self.reasons[f.index()]))
            .filter(|(_, n)| *n > 0)
            .max_by_key(|&(f, n)| (n, std::cmp::Reverse(f)))
    }
}

/// How many failed lines are kept as examples, the earliest in input order.
pub const MAX_SAMPLES: usize = 10;
pub const SAMPLE_BYTES: usize = 300;
