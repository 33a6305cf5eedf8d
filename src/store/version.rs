//! `DIR/store.json`: the store's format version, so that a store outlives releases.
//!
//! Every reader checks it before reading anything else: a store whose format is newer than
//! this release knows is refused with a message saying so. A store without the file was
//! written before formats were numbered: format 1, which this release reads. `ingest`
//! records its format before it writes a part, which upgrades an older store in place:
//! the file is written atomically, and every format so far only adds tables, so the days
//! ingested before keep their parts as they are (a report says which tables each day
//! has; docs/store.md, "Formats").

use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

/// The format this release writes, and the newest it reads.
pub const FORMAT: u32 = 1;

/// A store with no `store.json`: written before formats were numbered.
const UNNUMBERED: u32 = 1;

const FILE: &str = "store.json";

#[derive(Debug, Serialize, Deserialize)]
struct StoreFile {
    format: u32,
    /// The release that recorded this format, for people reading the file.
    written_by: String,
}

/// The format of the store at `dir`, if this release can read it.
pub fn check(dir: &Path) -> anyhow::Result<u32> {
    let path = dir.join(FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(UNNUMBERED),
        Err(e) => return Err(e).with_context(|| path.display().to_string()),
    };
    let file: StoreFile = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{}: not a store format file (expected {{\"format\": N, ...}})",
            path.display()
        )
    })?;
    if file.format > FORMAT {
        bail!(
            "{}: the store is in format {} (written by {}); this fsmg-stats {} reads formats up to {FORMAT}: use a newer release",
            path.display(),
            file.format,
            file.written_by,
            env!("CARGO_PKG_VERSION")
        );
    }
    Ok(file.format)
}

/// Before `ingest` writes to the store at `dir`: records this release's format (creating
/// the file, or upgrading an older store), or refuses a newer store.
pub fn claim(dir: &Path) -> anyhow::Result<()> {
    let path = dir.join(FILE);
    if check(dir)? == FORMAT && path.exists() {
        return Ok(());
    }
    let file = StoreFile {
        format: FORMAT,
        written_by: format!("fsmg-stats {}", env!("CARGO_PKG_VERSION")),
    };
    let json = serde_json::to_vec_pretty(&file).context("store.json")?;
    crate::output::write_atomic(&path, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unnumbered_stores_are_format_1_and_newer_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(check(dir.path()).unwrap(), 1);
        claim(dir.path()).unwrap();
        let written: StoreFile =
            serde_json::from_slice(&std::fs::read(dir.path().join(FILE)).unwrap()).unwrap();
        assert_eq!(written.format, FORMAT);
        assert_eq!(check(dir.path()).unwrap(), FORMAT);

        let newer = format!(
            r#"{{"format": {}, "written_by": "fsmg-stats 9.0.0"}}"#,
            FORMAT + 1
        );
        std::fs::write(dir.path().join(FILE), newer).unwrap();
        for e in [
            check(dir.path()).unwrap_err(),
            claim(dir.path()).unwrap_err(),
        ] {
            let e = format!("{e:#}");
            assert!(
                e.contains("store.json") && e.contains("fsmg-stats 9.0.0"),
                "{e}"
            );
        }
        std::fs::write(dir.path().join(FILE), "{").unwrap();
        let e = format!("{:#}", check(dir.path()).unwrap_err());
        assert!(e.contains("not a store format file"), "{e}");
    }
}
