//! Reading parts back (daily tables from request rows, reports from daily tables). String
//! columns come as dictionaries: their values repeat (a project on every row, a URL once per
//! visitor), so each distinct value is resolved once per dictionary ([`DictIds`]), not once
//! per row.

use std::path::Path;
use std::sync::Arc;

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

/// A part's batches, string columns as dictionaries.
pub fn batches(path: &Path) -> anyhow::Result<Vec<RecordBatch>> {
    let named = || path.display().to_string();
    let file = std::fs::File::open(path).with_context(named)?;
    let meta = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).with_context(named)?;
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
    ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta)
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
