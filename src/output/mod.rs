//! Output: renderings of the [`Report`] (text, JSON, HTML) and writing them atomically, so that
//! a killed run or a full disk leaves the previous report in place.

pub mod chart;
pub mod csv;
pub mod fmt;
pub mod html;
pub mod insights;
pub mod json;
pub mod map;
pub mod sponsor;
pub mod text;

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::report::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Html,
    /// The headline numbers as Markdown (the sponsor report without a comparison).
    Markdown,
    /// One row per item of every panel, for spreadsheets.
    Csv,
}

impl Format {
    /// The format a file name asks for, by its extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "txt" | "text" => Some(Format::Text),
            "html" | "htm" => Some(Format::Html),
            "md" | "markdown" => Some(Format::Markdown),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn render(self, report: &Report) -> String {
        match self {
            Format::Text => text::render(report),
            Format::Json => json::render(report),
            Format::Html => html::render(report),
            Format::Markdown => sponsor::markdown(&sponsor::blocks(report, None)),
            Format::Csv => csv::render(report),
        }
    }
}

/// A temporary file in `path`'s directory, to be renamed over it once complete; readable
/// by all like a file created normally (reports are often served to sponsors).
pub fn temp_beside(path: &Path) -> anyhow::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".fsmg-stats-");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    builder
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot create a temporary file", dir.display()))
}

/// Writes `contents` to `path` through a temporary file in the same directory, synced and
/// renamed over the target.
pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let mut tmp = temp_beside(path)?;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("{}: write failed", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("{}: cannot replace", path.display()))?;
    Ok(())
}
