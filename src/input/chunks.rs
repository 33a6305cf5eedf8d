//! Reading inputs as chunks of whole lines. Plain files are read in large blocks and cut
//! after the last newline; gzip members are decompressed as they come. A line longer than
//! a chunk grows the buffer instead of being split. A read error (a truncated `.gz`)
//! ends that input: the lines before it are still counted, the error is recorded.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Mutex;

use flate2::bufread::MultiGzDecoder;

use super::{InputError, Source};

/// Target size of a chunk: large enough to amortise the hand-off between threads,
/// small enough to keep both cores busy to the end of a file.
pub const CHUNK_BYTES: usize = 1 << 21;

/// The least an input's first chunk holds when its format is chosen from it, so that the
/// choice does not depend on the chunk size.
pub const SNIFF_BYTES: usize = 1 << 16;

/// Shown an input's number and first chunk: whether the input is read.
pub type Choose<'a> = &'a (dyn Fn(usize, &[u8]) -> bool + Sync);

/// A run of complete lines from one input.
pub struct Chunk {
    pub input: u32,
    pub seq: u32,
    pub data: Vec<u8>,
}

/// Counts the bytes read from the underlying file (compressed bytes for gzip), for the
/// progress bar.
struct Counting<R> {
    inner: R,
    progress: Option<indicatif::ProgressBar>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = &self.progress {
            p.inc(n as u64);
        }
        Ok(n)
    }
}

pub(crate) fn open(
    source: &Source,
    progress: Option<indicatif::ProgressBar>,
) -> io::Result<(Box<dyn Read + Send>, bool)> {
    let raw: Box<dyn Read + Send> = match source {
        Source::File(p) => Box::new(File::open(p)?),
        Source::Stdin => Box::new(io::stdin()),
    };
    let mut buffered = BufReader::with_capacity(
        1 << 16,
        Counting {
            inner: raw,
            progress,
        },
    );
    let magic = buffered.fill_buf()?;
    if magic.starts_with(&[0x1f, 0x8b]) {
        Ok((Box::new(MultiGzDecoder::new(buffered)), false))
    } else {
        Ok((Box::new(buffered), true))
    }
}

struct Current {
    input: u32,
    name: String,
    reader: Box<dyn Read + Send>,
    seq: u32,
    carry: Vec<u8>,
    /// Plain file (not gzip): may still be growing.
    live: bool,
}

/// Iterator over the chunks of all inputs, in order. Errors go to `errors`.
pub struct Chunks<'a> {
    sources: &'a [Source],
    next_source: usize,
    current: Option<Current>,
    errors: &'a Mutex<Vec<InputError>>,
    progress: Option<indicatif::ProgressBar>,
    /// Chunk size; tests make it small.
    pub chunk_bytes: usize,
    /// Bytes (of decompressed content) to pass over at the start of each input: what an
    /// earlier ingest consumed.
    pub skip: Vec<u64>,
    /// Leave a plain file's last line for later when it has no `\n` yet (a log being
    /// written); gzip files are complete.
    pub whole_lines_only: bool,
    /// Where to count, per input, the bytes up to the end of the last line handed out
    /// (including `skip`).
    pub consumed: Option<&'a Mutex<Vec<u64>>>,
    /// Whether input `i` is opened at all.
    pub wanted: Option<&'a (dyn Fn(usize) -> bool + Sync)>,
    /// Shown each input's first chunk (at least [`SNIFF_BYTES`] of it): whether the input
    /// is read (its format is chosen from those lines).
    pub choose: Option<Choose<'a>>,
}

impl<'a> Chunks<'a> {
    pub fn new(
        sources: &'a [Source],
        errors: &'a Mutex<Vec<InputError>>,
        progress: Option<indicatif::ProgressBar>,
    ) -> Chunks<'a> {
        Chunks {
            sources,
            next_source: 0,
            current: None,
            errors,
            progress,
            chunk_bytes: CHUNK_BYTES,
            skip: Vec::new(),
            whole_lines_only: false,
            consumed: None,
            wanted: None,
            choose: None,
        }
    }

    fn add_consumed(&self, input: u32, bytes: u64) {
        if let Some(c) = self.consumed {
            let mut c = c.lock().unwrap_or_else(|e| e.into_inner());
            if c.len() <= input as usize {
                c.resize(input as usize + 1, 0);
            }
            c[input as usize] += bytes;
        }
    }

    fn record(&self, source: String, e: &io::Error) {
        let message = match e.kind() {
            io::ErrorKind::UnexpectedEof => {
                "truncated gzip stream; lines before it were counted".to_string()
            }
            _ => e.to_string(),
        };
        if let Ok(mut errs) = self.errors.lock() {
            errs.push(InputError { source, message });
        }
    }

    /// Reads the next chunk of the current input; `None` when it is exhausted.
    fn read_chunk(&mut self) -> Option<Chunk> {
        let first = self.current.as_ref()?.seq == 0;
        let target = match self.choose {
            Some(_) if first => self.chunk_bytes.max(SNIFF_BYTES),
            _ => self.chunk_bytes,
        };
        let cur = self.current.as_mut()?;
        let mut buf = std::mem::take(&mut cur.carry);
        buf.reserve(target.saturating_sub(buf.len()) + 1);
        let mut failed = None;
        let mut eof = false;
        loop {
            if buf.len() >= target && memchr::memchr(b'\n', &buf).is_some() {
                break;
            }
            let start = buf.len();
            let want = if start < target {
                target
            } else {
                start + (start / 2).max(1 << 16)
            };
            buf.resize(want, 0);
            match cur.reader.read(&mut buf[start..]) {
                Ok(0) => {
                    buf.truncate(start);
                    eof = true;
                    break;
                }
                Ok(n) => buf.truncate(start + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(start),
                Err(e) => {
                    buf.truncate(start);
                    failed = Some(e);
                    eof = true;
                    break;
                }
            }
        }
        if let Some(e) = failed {
            let name = cur.name.clone();
            self.record(name, &e);
        }
        let whole_lines_only = self.whole_lines_only;
        let cur = self.current.as_mut()?;
        if !eof || (whole_lines_only && cur.live) {
            // Keep the partial last line for the next chunk (or the next run).
            let cut = memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1);
            let cut = if eof || cut > 0 { cut } else { buf.len() };
            cur.carry = buf.split_off(cut);
        }
        if buf.is_empty() {
            self.current = None;
            return None;
        }
        if first
            && let Some(choose) = self.choose
            && !choose(cur.input as usize, &buf)
        {
            self.current = None;
            return None;
        }
        let (input, len) = (cur.input, buf.len() as u64);
        self.add_consumed(input, len);
        let cur = self.current.as_mut()?;
        let chunk = Chunk {
            input: cur.input,
            seq: cur.seq,
            data: buf,
        };
        cur.seq += 1;
        if eof {
            self.current = None;
        }
        Some(chunk)
    }
}

impl Iterator for Chunks<'_> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        loop {
            if self.current.is_some() {
                if let Some(c) = self.read_chunk() {
                    return Some(c);
                }
                continue;
            }
            let source = self.sources.get(self.next_source)?;
            let input = self.next_source as u32;
            self.next_source += 1;
            if self.wanted.is_some_and(|w| !w(input as usize)) {
                continue;
            }
            let skip = self.skip.get(input as usize).copied().unwrap_or(0);
            match open(source, self.progress.clone()).and_then(|(mut reader, live)| {
                let skipped = io::copy(&mut reader.by_ref().take(skip), &mut io::sink())?;
                Ok((reader, live, skipped))
            }) {
                Ok((reader, live, skipped)) => {
                    self.add_consumed(input, skipped);
                    self.current = Some(Current {
                        input,
                        name: source.to_string(),
                        reader,
                        seq: 0,
                        carry: Vec::new(),
                        live,
                    })
                }
                Err(e) => self.record(source.to_string(), &e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn read_all(path: &std::path::Path, chunk: usize) -> (Vec<u8>, usize, Vec<InputError>) {
        let sources = vec![Source::File(path.to_path_buf())];
        let errors = Mutex::new(Vec::new());
        let mut it = Chunks::new(&sources, &errors, None);
        it.chunk_bytes = chunk;
        let mut all = Vec::new();
        let mut n = 0;
        for c in it.by_ref() {
            assert!(c.data.ends_with(b"\n") || !c.data.contains(&b'\n') || n > 0);
            all.extend(c.data);
            n += 1;
        }
        (all, n, errors.into_inner().unwrap())
    }

    #[test]
    fn chunks_are_line_aligned_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let text: Vec<u8> = (0..5000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .chain(*b"last")
            .collect();
        let p = dir.path().join("a.log");
        std::fs::write(&p, &text).unwrap();
        let (all, n, errs) = read_all(&p, 1000);
        assert_eq!(all, text);
        assert!(n > 30, "{n}");
        assert!(errs.is_empty());
    }

    #[test]
    fn multi_member_gzip_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut data = gz(b"a\nb\n");
        data.extend(gz(b"c\nd\n"));
        let p = dir.path().join("a.log.2.gz");
        std::fs::write(&p, &data).unwrap();
        assert_eq!(read_all(&p, 1 << 20).0, b"a\nb\nc\nd\n");
    }

    #[test]
    fn truncated_gzip_keeps_what_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let text: Vec<u8> = (0..20000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let data = gz(&text);
        let p = dir.path().join("a.log.gz");
        std::fs::write(&p, &data[..data.len() / 2]).unwrap();
        let (all, _, errs) = read_all(&p, 4096);
        assert!(!all.is_empty() && all.len() < text.len());
        assert!(text.starts_with(&all));
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("truncated"), "{}", errs[0].message);
    }

    #[test]
    fn skip_whole_lines_and_consumed_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("a.log");
        std::fs::write(&plain, b"one\ntwo\nthree\npart").unwrap();
        let zipped = dir.path().join("b.log.gz");
        std::fs::write(&zipped, gz(b"x\ny\nlast")).unwrap();
        let sources = vec![Source::File(plain), Source::File(zipped)];
        let errors = Mutex::new(Vec::new());
        let consumed = Mutex::new(Vec::new());
        let mut it = Chunks::new(&sources, &errors, None);
        it.chunk_bytes = 4;
        it.skip = vec![4, 2];
        it.whole_lines_only = true;
        it.consumed = Some(&consumed);
        let mut got: Vec<Vec<u8>> = vec![Vec::new(); 2];
        for c in it {
            got[c.input as usize].extend(c.data);
        }
        // The live file's unfinished `part` waits; the gzip file's last line is complete.
        assert_eq!(got, [b"two\nthree\n".to_vec(), b"y\nlast".to_vec()]);
        assert_eq!(consumed.into_inner().unwrap(), [14, 8]);
    }

    #[test]
    fn long_line_grows_the_buffer() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = vec![b'x'; 50_000];
        text.extend(b"\nshort\n");
        let p = dir.path().join("a.log");
        std::fs::write(&p, &text).unwrap();
        assert_eq!(read_all(&p, 1000).0, text);
    }
}
