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
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::file::reader::ChunkReader;

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
    let file = std::fs::File::open(path).with_context(named)?;
    decode(file, path)
}

thread_local! {
    /// Whether this thread is in [`decode`], whose panics are errors.
    static DECODING: Cell<bool> = const { Cell::new(false) };
}

/// [`batches`] of a part's bytes however they are held (a file, or memory for the fuzz
/// target of damaged parts); `path` names it in errors.
///
/// The Parquet reader panics on some damaged files (a data page that names a dictionary
/// the chunk lacks, found by `fuzz/`'s `parquet_part`): such a panic is this file's error,
/// and its message is not printed as a crash.
pub fn decode<R: ChunkReader + 'static>(part: R, path: &Path) -> anyhow::Result<Vec<RecordBatch>> {
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

fn decode_unguarded<R: ChunkReader + 'static>(
    part: R,
    path: &Path,
) -> anyhow::Result<Vec<RecordBatch>> {
    let named = || path.display().to_string();
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
        if start < 0 || len < 0 || (start as u64).saturating_add(len as u64) > part.len() {
            anyhow::bail!(
                "{}: a column chunk at {start} of {len} bytes, outside the file: a damaged footer",
                path.display()
            );
        }
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
