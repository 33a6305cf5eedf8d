//! Enrich: what a request is about, beyond what the log line says. Projects (which mirrored
//! distribution) and file kinds now; geo, ASN and client classes join here.

pub mod files;
pub mod project;
