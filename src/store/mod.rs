//! Store: request rows as Arrow record batches and Parquet files that DuckDB, Polars, Spark
//! or Trino read directly. The row schema is documented in `docs/store.md`.

pub mod check;
pub mod compact;
pub mod daily;
pub mod ingest;
pub mod read;
pub mod report;
pub mod rollup;
mod thrift;
pub mod version;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use arrow_array::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;

use crate::parse::time::Day;
use crate::rows::RowSink;

/// `-o FILE.parquet`: every day in one file.
impl RowSink for ParquetSink {
    fn write(&self, _day: Day, batch: &RecordBatch) {
        self.append(batch);
    }
}

/// Rows per row group: large enough for good compression and cheap metadata, small
/// enough that a reader can split a day's file across cores.
const ROW_GROUP_ROWS: usize = 1 << 20;
const PAGE_BYTES: usize = 256 << 10;

fn properties(dictionary_bytes: usize) -> WriterProperties {
    WriterProperties::builder()
        // Level 1 both compresses faster and, on these small dictionary-encoded pages,
        // smaller than 3 (2M-line log: request rows 48.0 MB against 49.0 MB).
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(1).expect("valid level"),
        ))
        .set_dictionary_enabled(true)
        // Visitor keys are random and never repeat within a table: a dictionary of them
        // only costs hashing every one and is larger than the values.
        .set_column_dictionary_enabled(ColumnPath::from("visitor"), false)
        // Visitor numbers rise with the keys rows are sorted by: their differences are small.
        .set_column_dictionary_enabled(ColumnPath::from("vid"), false)
        .set_column_encoding(ColumnPath::from("vid"), Encoding::DELTA_BINARY_PACKED)
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        // Pages are buffered uncompressed per column until full; an ingest of a fortnight
        // has a writer per day open at once, 18 columns each.
        .set_data_page_size_limit(PAGE_BYTES)
        .set_dictionary_page_size_limit(dictionary_bytes)
        .set_created_by(format!("fsmg-stats {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// A Parquet file being written by several threads, one batch at a time: it goes to a
/// temporary file next to its target and is renamed into place by [`ParquetSink::finish`],
/// so a killed run never leaves a truncated file under the real name.
pub struct ParquetSink {
    path: PathBuf,
    inner: Mutex<Sink>,
}

enum Sink {
    Open(Box<ArrowWriter<File>>, tempfile::TempPath),
    /// The first write error; later batches are dropped and `finish` reports it.
    Failed(anyhow::Error),
    Finished,
}

impl ParquetSink {
    /// A file of request rows.
    pub fn create(path: &Path) -> anyhow::Result<ParquetSink> {
        ParquetSink::create_with_schema(path, crate::rows::schema(), PAGE_BYTES)
    }

    /// A file of `schema`, string columns dictionary-encoded while their distinct values
    /// take at most `dictionary_bytes`.
    pub fn create_with_schema(
        path: &Path,
        schema: arrow_schema::SchemaRef,
        dictionary_bytes: usize,
    ) -> anyhow::Result<ParquetSink> {
        let (file, tmp_path) = crate::output::temp_beside(path)?.into_parts();
        let writer = ArrowWriter::try_new(file, schema, Some(properties(dictionary_bytes)))
            .with_context(|| path.display().to_string())?;
        Ok(ParquetSink {
            path: path.to_path_buf(),
            inner: Mutex::new(Sink::Open(Box::new(writer), tmp_path)),
        })
    }

    /// Appends a batch; a failure is kept for [`ParquetSink::finish`] to report.
    pub fn append(&self, batch: &RecordBatch) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Sink::Open(writer, _) = &mut *guard
            && let Err(e) = writer.write(batch)
        {
            let e =
                anyhow::Error::from(e).context(format!("{}: write failed", self.path.display()));
            *guard = Sink::Failed(e);
        }
    }

    /// Ends the row group in progress if it holds more than `limit` bytes of memory.
    pub fn flush_above(&self, limit: usize) {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if let Sink::Open(writer, _) = &mut *guard
            && writer.memory_size() > limit
            && let Err(e) = writer.flush()
        {
            let e =
                anyhow::Error::from(e).context(format!("{}: write failed", self.path.display()));
            *guard = Sink::Failed(e);
        }
    }

    /// Closes the file (footer, fsync) and renames it over the target.
    pub fn finish(&self) -> anyhow::Result<()> {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (writer, tmp) = match std::mem::replace(&mut *guard, Sink::Finished) {
            Sink::Open(w, t) => (w, t),
            Sink::Failed(e) => return Err(e),
            Sink::Finished => anyhow::bail!("{}: already finished", self.path.display()),
        };
        let file = writer
            .into_inner()
            .with_context(|| format!("{}: write failed", self.path.display()))?;
        file.sync_all()
            .with_context(|| format!("{}: write failed", self.path.display()))?;
        tmp.persist(&self.path)
            .with_context(|| format!("{}: cannot replace", self.path.display()))?;
        Ok(())
    }
}
