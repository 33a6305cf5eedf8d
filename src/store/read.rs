//! Reading parts back (daily tables from request rows, reports from daily tables). String
//! columns come as dictionaries: their values repeat (a project on every row, a URL once per
//! visitor), so each distinct value is resolved once per dictionary ([`DictIds`]), not once
//! per row.

use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Once};

use anyhow::Context;
use arrow_array::ArrayAccessor;
use arrow_array::cast::AsArray;
use arrow_array::types::{ArrowPrimitiveType, Int32Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, PrimitiveArray, RecordBatch, StringArray,
    TypedDictionaryArray,
};
use arrow_schema::{DataType, Field, Schema};
use bytes::Bytes;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};

use super::thrift;

/// A part's batches, string columns as dictionaries.
pub fn batches(path: &Path) -> anyhow::Result<Vec<RecordBatch>> {
    let named = || path.display().to_string();
    // A store's files are its own: a part that is a link may point anywhere (a report
    // would read it; `store check` names it).
    if path.symlink_metadata().with_context(named)?.is_symlink() {
        anyhow::bail!(
            "{}: a symbolic link, not a part of the store",
            path.display()
        );
    }
    // Read whole: the footer and page headers are checked before the Parquet reader
    // parses them ([`thrift`]), then decoded from memory.
    let bytes = std::fs::read(path).with_context(named)?;
    decode(Bytes::from(bytes), path)
}

thread_local! {
    /// Whether this thread is in [`decode`], whose panics are errors.
    static DECODING: Cell<bool> = const { Cell::new(false) };
}

/// [`batches`] of a part's bytes (the fuzz target of damaged parts decodes them in
/// memory); `path` names it in errors.
///
/// The Parquet reader panics on some damaged files (a data page that names a dictionary
/// the chunk lacks, found by `fuzz/`'s `parquet_part`): such a panic is this file's error,
/// and its message is not printed as a crash.
pub fn decode(part: Bytes, path: &Path) -> anyhow::Result<Vec<RecordBatch>> {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !DECODING.get() {
                previous(info)
            }
        }));
    });
    DECODING.set(true);
    let decoded = std::panic::catch_unwind(AssertUnwindSafe(|| decode_unguarded(part, path)));
    DECODING.set(false);
    decoded.unwrap_or_else(|panic| {
        let why = (panic.downcast_ref::<&str>().copied())
            .or(panic.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("no reason given");
        anyhow::bail!("{}: not a readable Parquet file ({why})", path.display())
    })
}

fn decode_unguarded(part: Bytes, path: &Path) -> anyhow::Result<Vec<RecordBatch>> {
    let named = || path.display().to_string();
    check_footer(&part)
        .map_err(|why| anyhow::anyhow!("{}: a damaged footer ({why})", path.display()))?;
    let meta = ArrowReaderMetadata::load(&part, ArrowReaderOptions::new()).with_context(named)?;
    // The reader asserts (panics) where a damaged footer gives a column chunk a negative
    // offset or size: refused here first, by name.
    for column in meta
        .metadata()
        .row_groups()
        .iter()
        .flat_map(|g| g.columns())
    {
        let start = column
            .dictionary_page_offset()
            .unwrap_or(column.data_page_offset());
        let len = column.compressed_size();
        let (Ok(at), Ok(len)) = (usize::try_from(start), usize::try_from(len)) else {
            anyhow::bail!(
                "{}: a column chunk at {start} of {len} bytes: a damaged footer",
                path.display()
            );
        };
        let chunk = (part.get(at..at.saturating_add(len))).with_context(|| {
            format!(
                "{}: a column chunk at {start} of {len} bytes, outside the file: a damaged footer",
                path.display()
            )
        })?;
        check_pages(chunk, column.uncompressed_size()).map_err(|(offset, why)| {
            anyhow::anyhow!(
                "{}: a damaged page header at byte {} ({why})",
                path.display(),
                at + offset
            )
        })?;
    }
    let fields: Vec<Field> = meta
        .schema()
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 => f.as_ref().clone().with_data_type(DataType::Dictionary(
                Box::new(DataType::Int32),
                Box::new(DataType::Utf8),
            )),
            _ => f.as_ref().clone(),
        })
        .collect();
    let options = ArrowReaderOptions::new().with_schema(Arc::new(Schema::new(fields)));
    let meta =
        ArrowReaderMetadata::try_new(meta.metadata().clone(), options).with_context(named)?;
    ParquetRecordBatchReaderBuilder::new_with_metadata(part, meta)
        .with_batch_size(64 * 1024)
        .build()
        .with_context(named)?
        .map(|b| b.with_context(named))
        .collect()
}

/// The footer's Thrift walked ([`thrift`]); a part without a footer is left to the
/// reader's own error.
fn check_footer(part: &[u8]) -> Result<(), String> {
    let Some(tail) = part.len().checked_sub(8) else {
        return Ok(());
    };
    let len = u32::from_le_bytes(part[tail..tail + 4].try_into().expect("four bytes")) as usize;
    match tail.checked_sub(len) {
        Some(start) if &part[tail + 4..] == b"PAR1" => {
            thrift::walk(&part[start..tail], []).map(drop)
        }
        _ => Ok(()),
    }
}

/// A column chunk's page headers walked ([`thrift`]): the pages within the chunk, and
/// together no larger uncompressed than the footer says the chunk is (the reader allocates
/// what a page header claims). `Err` has the offset in the chunk.
fn check_pages(chunk: &[u8], uncompressed_left: i64) -> Result<(), (usize, String)> {
    let (mut at, mut uncompressed_left) = (0, uncompressed_left);
    while at < chunk.len() {
        // Fields 2 and 3 of a page header: its uncompressed and compressed sizes.
        let (header, [Some(uncompressed), Some(compressed)]) =
            thrift::walk(&chunk[at..], [2, 3]).map_err(|why| (at, why))?
        else {
            return Err((at, "no page sizes".into()));
        };
        let left = (chunk.len() - at - header) as i64;
        if !(0..=left).contains(&compressed) || !(0..=uncompressed_left).contains(&uncompressed) {
            return Err((
                at,
                format!(
                    "a page of {compressed} bytes, {uncompressed} uncompressed, where the chunk has {left} left, {uncompressed_left} uncompressed"
                ),
            ));
        }
        at += header + compressed as usize;
        uncompressed_left -= uncompressed;
    }
    Ok(())
}

/// A string column's values by row.
pub type Strings<'a> = TypedDictionaryArray<'a, Int32Type, StringArray>;

/// Row `i` of a string column, `None` if null.
pub fn opt<'a>(a: &Strings<'a>, i: usize) -> Option<&'a str> {
    a.is_valid(i).then(|| a.value(i))
}

/// Typed access to a batch's columns by name, with the file named in errors.
pub struct Columns<'a>(pub &'a RecordBatch, pub &'a Path);

impl<'a> Columns<'a> {
    pub fn rows(&self) -> usize {
        self.0.num_rows()
    }

    fn get(&self, name: &str) -> anyhow::Result<&'a dyn Array> {
        self.0
            .column_by_name(name)
            .map(|c| c.as_ref())
            .with_context(|| format!("{}: no `{name}` column", self.1.display()))
    }

    pub fn dict(&self, name: &str) -> anyhow::Result<&'a DictionaryArray<Int32Type>> {
        self.get(name)?
            .as_dictionary_opt()
            .with_context(|| format!("{}: `{name}` is not a string column", self.1.display()))
    }

    pub fn str(&self, name: &str) -> anyhow::Result<Strings<'a>> {
        self.dict(name)?
            .downcast_dict::<StringArray>()
            .with_context(|| format!("{}: `{name}` is not a string column", self.1.display()))
    }

    pub fn bool(&self, name: &str) -> anyhow::Result<&'a BooleanArray> {
        self.get(name)?
            .as_boolean_opt()
            .with_context(|| format!("{}: `{name}` is not a boolean column", self.1.display()))
    }

    pub fn int<T: ArrowPrimitiveType>(&self, name: &str) -> anyhow::Result<&'a PrimitiveArray<T>> {
        self.get(name)?.as_primitive_opt::<T>().with_context(|| {
            format!(
                "{}: `{name}` is not of type {}",
                self.1.display(),
                T::DATA_TYPE
            )
        })
    }
}

/// What a null string resolves to.
pub const NULL: u32 = u32::MAX;

/// The ids of a dictionary column's values, each value resolved once per dictionary (the
/// reader hands out one dictionary per column chunk, shared by its batches).
#[derive(Default)]
pub struct DictIds {
    values: Option<ArrayRef>,
    ids: Vec<u32>,
}

impl DictIds {
    /// Each row's id ([`NULL`] for a null); `resolve` turns a value into an id in `state`.
    pub fn rows<S>(
        &mut self,
        state: &mut S,
        col: &DictionaryArray<Int32Type>,
        resolve: impl Fn(&mut S, &str) -> u32,
    ) -> Vec<u32> {
        let values = col.values();
        if !self.values.as_ref().is_some_and(|v| Arc::ptr_eq(v, values)) {
            self.values = Some(values.clone());
            self.ids.clear();
            self.ids.resize(values.len(), NULL);
        }
        let strings = values.as_string::<i32>();
        col.keys()
            .iter()
            .map(|k| {
                let Some(k) = k else { return NULL };
                let k = k as usize;
                if self.ids[k] == NULL {
                    self.ids[k] = resolve(state, strings.value(k));
                }
                self.ids[k]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page header of field 2 (uncompressed size) and 3 (compressed size), then stop.
    fn header(uncompressed: u8, compressed: u8) -> Vec<u8> {
        vec![0x25, uncompressed << 1, 0x15, compressed << 1, 0x00]
    }

    #[test]
    fn pages_must_fill_their_chunk() {
        let mut chunk = header(9, 4);
        chunk.extend([1, 2, 3, 4]);
        chunk.extend(header(3, 2));
        chunk.extend([5, 6]);
        assert_eq!(check_pages(&chunk, 12), Ok(()));
        // Larger uncompressed, together, than the whole chunk.
        let e = "a page of 2 bytes, 3 uncompressed, where the chunk has 2 left, 2 uncompressed";
        assert_eq!(check_pages(&chunk, 11), Err((9, e.into())));
        // A page past the chunk's end, a header cut short, a header without sizes.
        assert!(check_pages(&chunk[..chunk.len() - 1], 12).is_err());
        assert!(check_pages(&chunk[..7], 12).is_err());
        assert_eq!(check_pages(&[0x00], 12), Err((0, "no page sizes".into())));
        // A header declaring a list of 2^31 - 1 booleans in no bytes.
        let spin = [0x19, 0xf1, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00];
        assert!(
            check_pages(&spin, 12)
                .unwrap_err()
                .1
                .contains("2147483647 elements")
        );
    }

    #[test]
    fn a_footer_is_walked_only_when_there_is_one() {
        // Too short, or no magic: left to the Parquet reader's own error.
        assert_eq!(check_footer(b"PAR1"), Ok(()));
        assert_eq!(
            check_footer(b"\x19\xf1\xff\xff\xff\xff\x07\x00\x08\0\0\0PAR2"),
            Ok(())
        );
        let spin = b"\x19\xf1\xff\xff\xff\xff\x07\x00\x08\0\0\0PAR1";
        assert!(
            check_footer(spin)
                .unwrap_err()
                .contains("2147483647 elements")
        );
        // A length past the file's start.
        assert_eq!(check_footer(b"\x00\x09\0\0\0PAR1"), Ok(()));
        assert_eq!(check_footer(b"\x00\x01\0\0\0PAR1"), Ok(()));
    }
}
