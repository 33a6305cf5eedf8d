//! Enrich: what a request is about, beyond what the log line says. Projects (which mirrored
//! distribution), file kinds, clients (which program asked) and country, continent and
//! network (geo).

pub mod agents;
pub mod client;
pub mod files;
pub mod geo;
pub mod project;
