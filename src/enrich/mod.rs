//! Enrich: what a request is about, beyond what the log line says. Projects (which mirrored
//! distribution), file kinds, and country, continent and network (geo).

pub mod files;
pub mod geo;
pub mod project;
