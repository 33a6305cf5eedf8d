//! fsmg-stats: access-log analytics for public download mirrors.
//!
//! The modules follow the pipeline: [`input`] (files, gzip, chunks) → [`parse`] (log
//! format → request) → [`enrich`] (project, file kind, geo) → [`aggregate`] (mergeable
//! per-thread state) → [`report`] (one model) → [`output`] (text, JSON); [`store`] writes
//! request rows as Parquet; [`live`] follows growing logs for the live dashboards.

pub mod aggregate;
pub mod cli;
pub mod config;
pub mod enrich;
pub mod input;
pub mod live;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod report;
pub mod rows;
pub mod store;
