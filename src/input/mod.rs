//! Input: which files to read (paths, directories, globs, `-`), and reading them as
//! newline-aligned chunks, decompressing gzip (found by its magic bytes, multi-member
//! too) on the way. Chunks are handed to the parser threads; one unreadable file is
//! reported and skipped, never the end of the run.

pub mod chunks;
pub mod follow;

pub use chunks::{Chunk, Chunks};

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// One input: a file or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Stdin,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::File(p) => write!(f, "{}", p.display()),
            Source::Stdin => f.write_str("-"),
        }
    }
}

/// A problem with one input, named by its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub source: String,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

/// Each input's size on disk (0 for standard input, or a file gone since).
pub fn sizes(sources: &[Source]) -> Vec<u64> {
    (sources.iter())
        .map(|s| match s {
            Source::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
            Source::Stdin => 0,
        })
        .collect()
}

/// The first `n` bytes of an input (decompressed), to look at its lines again.
pub fn head(source: &Source, n: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let (reader, _) = chunks::open(source, None)?;
    let mut out = Vec::with_capacity(n);
    reader.take(n as u64).read_to_end(&mut out)?;
    Ok(out)
}

fn has_glob_chars(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// The inputs a run's arguments name.
#[derive(Debug, Default)]
pub struct Found {
    pub sources: Vec<Source>,
    /// Each source's node (see [`discover`]).
    pub nodes: Vec<String>,
    /// Each source: named on the command line itself (not found in a directory or by a
    /// glob).
    pub named: Vec<bool>,
    pub errors: Vec<InputError>,
}

impl Found {
    /// Each source's file name and whether it was named, for choosing its format.
    pub fn names(&self) -> Vec<(Option<String>, bool)> {
        self.sources
            .iter()
            .zip(&self.named)
            .map(|(s, &named)| {
                let name = match s {
                    Source::File(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()),
                    Source::Stdin => None,
                };
                (name, named)
            })
            .collect()
    }
}

/// `NAME=PATH`: an argument naming its node, unless a file of that name exists.
fn split_node(arg: &str) -> Option<(&str, &str)> {
    let (name, path) = arg.split_once('=')?;
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    (valid && !path.is_empty() && !Path::new(arg).exists()).then_some((name, path))
}

/// The directory `path` is in: `.` for a bare file name.
pub fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// The node of a file nobody named one for: its parent directory's name (`hlz/access.log`
/// is node `hlz`).
fn parent_name(source: &Source) -> String {
    let Source::File(path) = source else {
        return "-".into();
    };
    let parent = dir_of(path);
    let parent = parent.canonicalize().unwrap_or(parent.to_path_buf());
    parent
        .file_name()
        .map_or_else(|| "-".into(), |n| n.to_string_lossy().into_owned())
}

/// Expands the command-line paths into inputs: globs are expanded, directories walked
/// recursively (hidden entries skipped, symlink loops detected), files kept as given.
/// Each file appears once, however it was named. Each input's node is from a
/// `NAME=PATH` argument, else its parent directory's name.
pub fn discover(args: &[String]) -> Found {
    let mut found = Found::default();
    let mut seen = HashSet::new();
    for arg in args {
        let before = found.sources.len();
        let (node, arg) = match split_node(arg) {
            Some((node, path)) => (Some(node), path),
            None => (None, arg.as_str()),
        };
        let named = expand(arg, &mut found.sources, &mut found.errors, &mut seen);
        for s in &found.sources[before..] {
            found
                .nodes
                .push(node.map_or_else(|| parent_name(s), str::to_string));
            found.named.push(named);
        }
    }
    found
}

/// Adds the inputs of one argument; whether they were named by it (a file or `-`, not
/// a directory or a pattern).
fn expand(
    arg: &str,
    out: &mut Vec<Source>,
    errors: &mut Vec<InputError>,
    seen: &mut HashSet<(u64, u64, PathBuf)>,
) -> bool {
    if arg == "-" {
        out.push(Source::Stdin);
        return true;
    }
    if has_glob_chars(arg) && !Path::new(arg).exists() {
        match glob::glob(arg) {
            Ok(paths) => {
                let mut any = false;
                for p in paths {
                    any = true;
                    match p {
                        Ok(p) => add_path(&p, out, errors, seen),
                        Err(e) => errors.push(err(e.path(), e.error())),
                    }
                }
                if !any {
                    errors.push(InputError {
                        source: arg.to_string(),
                        message: "no file matches this pattern".into(),
                    });
                }
            }
            Err(e) => errors.push(InputError {
                source: arg.to_string(),
                message: format!("bad pattern: {e}"),
            }),
        }
        false
    } else {
        add_path(Path::new(arg), out, errors, seen);
        !Path::new(arg).is_dir()
    }
}

fn err(path: &Path, e: &dyn fmt::Display) -> InputError {
    InputError {
        source: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Identity of a file or directory, to read each once and to stop directory loops.
fn file_id(meta: &std::fs::Metadata, path: &Path) -> (u64, u64, PathBuf) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = path;
        (meta.dev(), meta.ino(), PathBuf::new())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        (
            0,
            0,
            path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
        )
    }
}

fn add_path(
    path: &Path,
    out: &mut Vec<Source>,
    errors: &mut Vec<InputError>,
    seen: &mut HashSet<(u64, u64, PathBuf)>,
) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return errors.push(err(path, &e)),
    };
    if !seen.insert(file_id(&meta, path)) {
        return;
    }
    if !meta.is_dir() {
        out.push(Source::File(path.to_path_buf()));
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(rd) => rd,
        Err(e) => return errors.push(err(path, &e)),
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) if !e.file_name().to_string_lossy().starts_with('.') => children.push(e.path()),
            Ok(_) => {}
            Err(e) => errors.push(err(path, &e)),
        }
    }
    // Sorted, so that runs, line numbers in messages and sample order are reproducible.
    children.sort();
    for child in children {
        add_path(&child, out, errors, seen);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_directories_once_each() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("hlz")).unwrap();
        std::fs::write(d.join("hlz/access.log"), "x\n").unwrap();
        std::fs::write(d.join("hlz/access.log.1"), "x\n").unwrap();
        std::fs::write(d.join("hlz/.hidden"), "x\n").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(d, d.join("hlz/loop")).unwrap();
        let args = vec![
            d.display().to_string(),
            d.join("hlz/access.log").display().to_string(),
            d.join("nope").display().to_string(),
        ];
        let Found {
            sources,
            errors,
            named,
            ..
        } = discover(&args);
        assert_eq!(named, [false, false]);
        let names: Vec<String> = sources
            .iter()
            .map(|s| s.to_string().rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(names, vec!["access.log", "access.log.1"]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].source.ends_with("nope"));
    }

    #[test]
    fn nodes_from_arguments_or_parent_directories() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in ["hlz/access.log", "wlg/access.log", "x/a=b"] {
            std::fs::create_dir_all(d.join(f).parent().unwrap()).unwrap();
            std::fs::write(d.join(f), "x\n").unwrap();
        }
        let arg = |s: &str| d.join(s).display().to_string();
        let args = vec![
            arg("hlz"),
            format!("akl={}", arg("wlg/access.log")),
            arg("x/a=b"),
        ];
        let found = discover(&args);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        assert_eq!(found.sources.len(), 3);
        assert_eq!(found.nodes, vec!["hlz", "akl", "x"]);
        assert_eq!(found.named, [false, true, true]);
    }

    #[test]
    fn globs() {
        let dir = tempfile::tempdir().unwrap();
        for n in ["access.log", "access.log.1", "error.log"] {
            std::fs::write(dir.path().join(n), "x\n").unwrap();
        }
        let pat = dir.path().join("access.log*").display().to_string();
        let found = discover(&[pat]);
        assert_eq!((found.sources.len(), found.named), (2, vec![false, false]));
        assert!(found.errors.is_empty());
        let found = discover(&[dir.path().join("nothing*").display().to_string()]);
        assert_eq!(found.errors[0].message, "no file matches this pattern");
    }
}
