//! Integration tests: the real binaries in fresh temporary directories.

mod cli;
mod debian;
mod first_hour;
mod formats;
mod fuzz_corpus;
mod geo;
mod hostile;
mod html;
mod ingest;
mod insights;
mod live;
mod logformat_cases;
mod panels;
mod parallel;
mod snapshots;
mod sponsor;
mod store;
mod store_check;
mod store_compact;
mod store_copy;
mod store_format;
mod store_hostile;
mod truth;
mod util;
