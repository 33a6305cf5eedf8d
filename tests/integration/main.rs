//! Integration tests: the real binaries in fresh temporary directories.

mod cli;
mod geo;
mod html;
mod ingest;
mod parallel;
mod snapshots;
mod store;
mod truth;
mod util;
