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

use crate::input::dir_of;
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

    /// The report in this format, text laid out as for a file.
    pub fn render(self, report: &Report) -> String {
        match self {
            Format::Text => text::render(report, text::Layout::default()),
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
    let dir = dir_of(path);
    temp_in(dir).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot write in {} ({})",
            path.display(),
            dir.display(),
            os_reason(&e)
        )
    })
}

fn temp_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".fsmg-stats-");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    builder.tempfile_in(dir)
}

/// What the operating system said, without the paths and temporary names that libraries
/// wrap around it: "Permission denied (os error 13)".
pub fn os_reason(e: &std::io::Error) -> String {
    if let Some(code) = e.raw_os_error() {
        return std::io::Error::from_raw_os_error(code).to_string();
    }
    // tempfile's errors hide the OS error's code behind `{error} at path "{temp name}"`.
    let text = e.to_string();
    match text.split_once(" at path \"") {
        Some((reason, _)) => reason.to_string(),
        None => text,
    }
}

/// Whether a report can be written to `path`, checked before any log is read: a
/// directory, a missing directory or one we may not write in is refused with what to do.
pub fn check_output(path: &Path) -> anyhow::Result<()> {
    let shown = path.display();
    if path.is_dir() {
        anyhow::bail!(
            "-o {shown}: is a directory; give a file name in it, e.g. {shown}/report.html"
        );
    }
    let dir = dir_of(path);
    if !dir.is_dir() {
        anyhow::bail!(
            "-o {shown}: directory {} does not exist; create it first",
            dir.display()
        );
    }
    writable(dir)
        .map_err(|why| anyhow::anyhow!("-o {shown}: cannot write in {} ({why})", dir.display()))
}

/// Whether files can be made in `dir`, by making one (removed at once): what writing
/// a report or a store needs, tried before any log is read. The reason if not.
pub fn writable(dir: &Path) -> Result<(), String> {
    temp_in(dir).map(drop).map_err(|e| os_reason(&e))
}

/// Writes `contents` to `path` through a temporary file in the same directory, synced and
/// renamed over the target.
pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let mut tmp = temp_beside(path)?;
    tmp.write_all(contents)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| anyhow::anyhow!("{}: cannot write ({})", path.display(), os_reason(&e)))?;
    tmp.persist(path).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot replace ({})",
            path.display(),
            os_reason(&e.error)
        )
    })?;
    Ok(())
}
