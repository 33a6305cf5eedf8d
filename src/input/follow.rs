//! Following log files as they grow, as `tail -F` does: by name, across rotation (the
//! file renamed and a new one created, or copied and truncated in place), several files
//! at once. A file notification wakes the reader; a slow poll covers file systems that
//! send none.

use std::fs::File;
use std::io::{Read as _, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use notify::Watcher;

use super::{InputError, Source};

/// How long a renamed-away file is still read: a server writes to it until it reopens
/// its logs (Apache after a graceful restart, nginx after USR1).
pub const ROTATED_GRACE: Duration = Duration::from_secs(30);

/// The most a file's check waits for when no notification comes (network file systems,
/// or a watch that could not be set).
pub const POLL: Duration = Duration::from_secs(2);

/// New complete lines of one followed input.
#[derive(Debug, PartialEq, Eq)]
pub struct Lines {
    pub input: usize,
    pub data: Vec<u8>,
}

/// Bytes kept of what was read last, to tell a file truncated and written again from
/// one that grew, and to find its copy.
const TAIL: usize = 4096;

/// An open file and how far it has been read.
struct Open {
    file: File,
    id: (u64, u64),
    pos: u64,
    /// A last line still without its `\n`.
    partial: Vec<u8>,
    /// The last bytes read (up to [`TAIL`]), ending at `pos`.
    tail: Vec<u8>,
}

struct Followed {
    path: PathBuf,
    current: Option<Open>,
    /// Files renamed away from `path`, read until quiet for [`ROTATED_GRACE`].
    rotated: Vec<(Open, Instant)>,
}

/// Log files followed by name.
pub struct Follower {
    files: Vec<Followed>,
    /// Kept alive: dropping it stops the notifications.
    _watcher: Option<notify::RecommendedWatcher>,
    wake: Receiver<()>,
}

#[cfg(unix)]
fn id_of(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn id_of(meta: &std::fs::Metadata) -> (u64, u64) {
    // No inode: a file whose creation time changed was replaced.
    let created = meta
        .created()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    (0, created.map_or(0, |d| d.as_nanos() as u64))
}

fn open(path: &Path) -> std::io::Result<Open> {
    let file = File::open(path)?;
    let id = id_of(&file.metadata()?);
    Ok(Open {
        file,
        id,
        pos: 0,
        partial: Vec::new(),
        tail: Vec::new(),
    })
}

impl Open {
    /// Reads on from `pos`, at most `budget` bytes; appends the complete lines to `out`.
    /// `last`: the file will not grow any more, so a partial last line is a line.
    fn read(&mut self, budget: usize, last: bool, out: &mut Vec<u8>) -> std::io::Result<()> {
        self.file.seek(SeekFrom::Start(self.pos))?;
        let start = self.partial.len();
        let n = (&mut self.file)
            .take(budget as u64)
            .read_to_end(&mut self.partial)?;
        self.pos += n as u64;
        keep_tail(&mut self.tail, &self.partial[start..]);
        let cut = match memchr::memrchr(b'\n', &self.partial[start..]) {
            Some(i) => start + i + 1,
            None if last => self.partial.len(),
            None => return Ok(()),
        };
        let rest = self.partial.split_off(cut);
        out.append(&mut self.partial);
        self.partial = rest;
        if last && !self.partial.is_empty() {
            out.append(&mut self.partial);
        }
        Ok(())
    }

    /// Whether the file no longer holds what was read: shorter than what was read, or
    /// other bytes before `pos` (copied, truncated and written again meanwhile).
    fn truncated(&mut self, len: u64) -> std::io::Result<bool> {
        if len < self.pos {
            return Ok(true);
        }
        if self.tail.is_empty() {
            return Ok(false);
        }
        let mut now = vec![0; self.tail.len()];
        self.file
            .seek(SeekFrom::Start(self.pos - self.tail.len() as u64))?;
        self.file.read_exact(&mut now)?;
        Ok(now != self.tail)
    }

    /// After a truncation: the lines its copy holds past what was read (found among
    /// the files beside it named after it, by the bytes before `pos`), then the partial
    /// last line as a line, as a report of the copy reads them. Reading starts over.
    fn restart(&mut self, path: &Path, out: &mut Vec<u8>) {
        let mut data = std::mem::take(&mut self.partial);
        data.extend(copy_rest(path, self.pos, &self.tail).unwrap_or_default());
        if !data.is_empty() && !data.ends_with(b"\n") {
            data.push(b'\n');
        }
        out.append(&mut data);
        self.pos = 0;
        self.tail.clear();
    }
}

/// Keeps the last [`TAIL`] bytes of `tail` followed by `new`.
fn keep_tail(tail: &mut Vec<u8>, new: &[u8]) {
    if new.len() >= TAIL {
        tail.clear();
        tail.extend_from_slice(&new[new.len() - TAIL..]);
    } else {
        tail.extend_from_slice(new);
        let extra = tail.len().saturating_sub(TAIL);
        tail.drain(..extra);
    }
}

/// What a copy of `path` (`access.log.1`, `access.log-20181231`, gzip too: the newest
/// first) holds after `pos`, if one holds `tail` just before `pos`.
fn copy_rest(path: &Path, pos: u64, tail: &[u8]) -> Option<Vec<u8>> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let mut copies: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(super::dir_of(path))
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.len() > name.len() + 1
                && n.starts_with(&name)
                && matches!(n.as_bytes()[name.len()], b'.' | b'-' | b'_')
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    copies.sort_by(|a, b| b.cmp(a));
    copies.iter().take(4).find_map(|(_, copy)| {
        let (mut reader, _) = super::chunks::open(&super::Source::File(copy.clone()), None).ok()?;
        let skip = pos - tail.len() as u64;
        let skipped = std::io::copy(&mut (&mut reader).take(skip), &mut std::io::sink()).ok()?;
        let mut before = vec![0; tail.len()];
        (skipped == skip && reader.read_exact(&mut before).is_ok() && before == tail)
            .then_some(())?;
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).ok()?;
        Some(rest)
    })
}

impl Follower {
    /// Follows `sources` (files) from their first byte. A file that cannot be opened is
    /// an error naming it, and so is standard input.
    pub fn new(sources: &[Source]) -> Result<Follower, InputError> {
        let mut files = Vec::new();
        let mut paths = Vec::new();
        for source in sources {
            let Source::File(path) = source else {
                return Err(InputError {
                    source: source.to_string(),
                    message: "standard input cannot be followed".into(),
                });
            };
            paths.push(path.clone());
            let current = open(path).map_err(|e| super::err(path, &e))?;
            files.push(Followed {
                path: path.clone(),
                current: Some(current),
                rotated: Vec::new(),
            });
        }
        let (tx, wake) = sync_channel(1);
        let watcher = watch(&paths, tx);
        Ok(Follower {
            files,
            _watcher: watcher,
            wake,
        })
    }

    /// Waits until a followed file's directory changes or `timeout` passes.
    pub fn wait(&self, timeout: Duration) {
        if self.wake.recv_timeout(timeout).is_ok() {
            // Notifications that came meanwhile are one wake-up.
            while self.wake.try_recv().is_ok() {}
        }
    }

    /// The complete lines written since the last call, up to about `budget` bytes a
    /// file (call again while any is returned: more may be waiting). Lines of a
    /// rotated-away file come before those of its successor. Read errors name the file.
    pub fn read(&mut self, budget: usize) -> (Vec<Lines>, Vec<InputError>) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let now = Instant::now();
        for (input, f) in self.files.iter_mut().enumerate() {
            let mut data = Vec::new();
            let mut fail = |what: &Path, e: std::io::Error| errors.push(super::err(what, &e));
            f.rotated.retain_mut(|(old, quiet_since)| {
                let before = old.pos;
                let expired = now.duration_since(*quiet_since) >= ROTATED_GRACE;
                if let Err(e) = old.read(budget, expired, &mut data) {
                    fail(&f.path, e);
                    return false;
                }
                if old.pos != before {
                    *quiet_since = now;
                }
                !expired
            });
            match std::fs::metadata(&f.path) {
                Ok(meta) => {
                    let id = id_of(&meta);
                    if f.current.as_ref().is_none_or(|c| c.id != id) {
                        // Renamed away (or removed) and a new file in its place.
                        if let Some(mut old) = f.current.take() {
                            if let Err(e) = old.read(budget, false, &mut data) {
                                fail(&f.path, e);
                            }
                            f.rotated.push((old, now));
                        }
                        match open(&f.path) {
                            Ok(new) => f.current = Some(new),
                            Err(e) => fail(&f.path, e),
                        }
                    } else if let Some(c) = &mut f.current {
                        // Copied and truncated: what the copy has past what was read,
                        // then the file from its start.
                        match c.truncated(meta.len()) {
                            Ok(true) => c.restart(&f.path, &mut data),
                            Ok(false) => {}
                            Err(e) => fail(&f.path, e),
                        }
                    }
                }
                // Renamed or removed, no new file yet: what is open is read as rotated,
                // so that a new file is opened even if it gets the same inode.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if let Some(old) = f.current.take() {
                        f.rotated.push((old, now));
                    }
                }
                Err(e) => fail(&f.path, e),
            }
            if let Some(c) = &mut f.current
                && let Err(e) = c.read(budget, false, &mut data)
            {
                fail(&f.path, e);
            }
            if !data.is_empty() {
                out.push(Lines { input, data });
            }
        }
        (out, errors)
    }
}

/// Watches the directories of `paths` (renames and creations happen there), waking
/// `tx`; `None` when notifications are not available, and polling alone serves.
fn watch(paths: &[PathBuf], tx: SyncSender<()>) -> Option<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok() {
            // Full: a wake-up is pending already.
            let _ = tx.try_send(());
        }
    })
    .ok()?;
    let mut dirs: Vec<&Path> = paths.iter().map(|p| super::dir_of(p)).collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        watcher.watch(d, notify::RecursiveMode::NonRecursive).ok()?;
    }
    Some(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn append(path: &Path, text: &str) {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    fn follow(paths: &[&Path]) -> Follower {
        let sources: Vec<Source> = paths
            .iter()
            .map(|p| Source::File(p.to_path_buf()))
            .collect();
        Follower::new(&sources).unwrap()
    }

    fn read_all(f: &mut Follower) -> Vec<(usize, String)> {
        let (lines, errors) = f.read(1 << 20);
        assert!(errors.is_empty(), "{errors:?}");
        lines
            .into_iter()
            .map(|l| (l.input, String::from_utf8(l.data).unwrap()))
            .collect()
    }

    #[test]
    fn follows_growth_partial_lines_and_both_rotations() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("access.log");
        let b = dir.path().join("other.log");
        append(&a, "1\n2\npart");
        append(&b, "");
        let mut f = follow(&[&a, &b]);
        assert_eq!(read_all(&mut f), [(0, "1\n2\n".to_string())]);
        assert_eq!(read_all(&mut f), []);
        append(&a, "ial\n3");
        append(&b, "b1\n");
        assert_eq!(
            read_all(&mut f),
            [(0, "partial\n".to_string()), (1, "b1\n".to_string())]
        );
        // Renamed away, still written to, then a new file: the old one's lines first.
        std::fs::rename(&a, dir.path().join("access.log.1")).unwrap();
        append(&dir.path().join("access.log.1"), "\n4\n");
        append(&a, "5\n");
        assert_eq!(read_all(&mut f), [(0, "3\n4\n5\n".to_string())]);
        append(&dir.path().join("access.log.1"), "late\n");
        append(&a, "6\n");
        assert_eq!(read_all(&mut f), [(0, "late\n6\n".to_string())]);
        // Copied and truncated in place: the partial line was copied, so it is a line.
        append(&b, "b2\nb3");
        assert_eq!(read_all(&mut f), [(1, "b2\n".to_string())]);
        std::fs::copy(&b, dir.path().join("other.log.1")).unwrap();
        std::fs::File::create(&b).unwrap();
        append(&b, "b4\n");
        assert_eq!(read_all(&mut f), [(1, "b3\nb4\n".to_string())]);
        // Removed, then created again.
        std::fs::remove_file(&b).unwrap();
        assert_eq!(read_all(&mut f), []);
        append(&b, "b5\n");
        assert_eq!(read_all(&mut f), [(1, "b5\n".to_string())]);
    }

    #[test]
    fn lines_copied_away_before_they_were_read_come_from_the_copy() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("access.log");
        append(&a, "1\n");
        let mut f = follow(&[&a]);
        assert_eq!(read_all(&mut f), [(0, "1\n".to_string())]);
        // Written, copied (then compressed) and truncated, and the new file longer than
        // what was read by the next look: only the bytes before `pos` tell.
        append(&a, "2\n3");
        std::fs::copy(&a, dir.path().join("access.log.1")).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&std::fs::read(&a).unwrap()).unwrap();
        std::fs::write(dir.path().join("access.log.2.gz"), gz.finish().unwrap()).unwrap();
        std::fs::remove_file(dir.path().join("access.log.1")).unwrap();
        std::fs::write(dir.path().join("access.log.bak"), "unrelated\n").unwrap();
        std::fs::File::create(&a).unwrap();
        append(&a, "4444444\n");
        assert_eq!(read_all(&mut f), [(0, "2\n3\n4444444\n".to_string())]);
        // No copy: what was copied away is lost, the rest is read.
        append(&a, "5\n");
        assert_eq!(read_all(&mut f), [(0, "5\n".to_string())]);
        std::fs::File::create(&a).unwrap();
        append(&a, "6\n7\n8\n9\n10\n11\n");
        assert_eq!(read_all(&mut f), [(0, "6\n7\n8\n9\n10\n11\n".to_string())]);
    }

    #[test]
    fn a_budget_splits_reads_at_lines() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("access.log");
        append(&a, "one\ntwo\nthree\n");
        let mut f = follow(&[&a]);
        let mut got = String::new();
        for _ in 0..10 {
            let (lines, _) = f.read(5);
            for l in lines {
                assert!(l.data.ends_with(b"\n"));
                got += &String::from_utf8(l.data).unwrap();
            }
        }
        assert_eq!(got, "one\ntwo\nthree\n");
        let missing = dir.path().join("nope.log");
        let e = Follower::new(&[Source::File(missing)]).err().unwrap();
        assert!(e.source.ends_with("nope.log"), "{e}");
    }

    #[test]
    fn a_change_wakes_the_waiter() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("access.log");
        append(&a, "");
        let f = follow(&[&a]);
        let writer = {
            let a = a.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(200));
                append(&a, "x\n");
            })
        };
        let start = Instant::now();
        f.wait(Duration::from_secs(20));
        writer.join().unwrap();
        // Woken by the write, not by the timeout.
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}
