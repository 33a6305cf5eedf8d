//! Daily tables: what a report needs from a day of request rows, small enough that a year of
//! them is read in well under a second. Written by `ingest` for each (day, run) part it adds,
//! next to it: `DIR/daily/TABLE/date=YYYY-MM-DD/node=NAME/part-RUN.parquet`.
//!
//! Counts add up across parts. Visitors do not: a visitor is a keyed 64-bit hash of (client
//! IP as written, user agent) — no raw address leaves the request rows but for `addresses`
//! — and the unique visitors of any period and set of nodes are the distinct (date,
//! visitor) pairs over the parts read. Each table that names visitors also gives their number
//! in the part (`vid`, 0, 1, 2, … in the order of their keys), which a report indexes a
//! vector with instead of looking each key up. Tables (columns beyond the `date` and `node`
//! partitions):
//!
//! - `traffic`: project, country, continent, asn, as_org, ip_version → requests, bytes
//! - `visitors`: visitor, project, country, continent, asn, hours (bit h = seen in hour h),
//!   ip_version, client, vid
//! - `status`: status → requests, bytes; `hours`: hour → requests, bytes
//! - `files`: url → requests, bytes; `file_visitors`: url, visitor, vid;
//!   `requested_files`: url, method, protocol (GoAccess's "requested files": not 404, not
//!   static)
//! - `clients`: client → requests, bytes; `content`: project, kind → requests, bytes
//! - `addresses`: ip, country, continent, asn, ip_version → requests, bytes, not_found
//!   (heavy hitters)
//! - `downloads`: url, project, visitor, vid → largest, at_largest, sent (GET 200/206 of
//!   images)
//! - `transfers`: asn, ip_version, rate (bytes/s) of responses over 1 MB, only for rows
//!   with serve times

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use arrow_array::ArrayAccessor;
use arrow_array::types::{
    Int16Type, TimestampMicrosecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, RecordBatch, StringArray, UInt8Array, UInt16Array, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use siphasher::sip::SipHasher13;

use super::ParquetSink;
use super::read::{Columns, DictIds, NULL, Strings, batches, opt};
use crate::aggregate::intern::Interner;
use crate::aggregate::panels::{Panels, StoredKey, Visit};
use crate::aggregate::{Download, Map, Set, Transfer};
use crate::enrich::client;
use crate::enrich::files::{self, Content};
use crate::parse::logged::OptionalFields;
use crate::parse::request;

/// The tables every part has (`transfers` only when its rows have serve times), in the
/// order they are written. Days ingested before a table existed have no part of it.
pub const TABLES: [&str; 13] = [
    "traffic",
    "visitors",
    "status",
    "hours",
    "files",
    "file_visitors",
    "requested_files",
    "clients",
    "content",
    "addresses",
    "downloads",
    "panels",
    "panel_visitors",
];

/// Requests and bytes.
type Counts = (u64, u64);

fn add(c: &mut Counts, bytes: u64) {
    c.0 += 1;
    c.1 += bytes;
}

/// One client as a visitor key: SipHash-1-3 of IP and agent under the store's secret key.
/// `buf` is scratch space, reused across rows.
pub fn visitor_key(hasher: &SipHasher13, buf: &mut Vec<u8>, ip: &str, agent: &str) -> u64 {
    buf.clear();
    buf.extend_from_slice(ip.as_bytes());
    buf.push(0);
    buf.extend_from_slice(agent.as_bytes());
    hasher.hash(buf)
}

/// A `traffic` row's key: project, country, continent (string ids), asn, ip_version.
type TrafficKey = (u32, u32, u32, u32, u8);

/// One part's tables while they are counted; strings are interned ids.
#[derive(Default)]
struct Day {
    strs: Interner,
    /// (project, country, continent, asn, ip_version) → (counts, as_org).
    traffic: Map<TrafficKey, (Counts, u32)>,
    /// (visitor, project) → (country, continent, asn, ip_version).
    visitors: Map<(u64, u32), (u32, u32, u32, u8)>,
    /// Visitor → (hours seen, client, id in `visitor_keys`): one entry a visitor, as a
    /// visitor has one agent.
    seen: Map<u64, (u32, u32, u32)>,
    status: Map<u16, Counts>,
    hours: [Counts; 24],
    files: Map<u32, Counts>,
    file_visitors: Set<(u32, u64)>,
    /// (url, method, protocol).
    requested: Set<(u32, u32, u32)>,
    clients: Map<u32, Counts>,
    /// URL → (content kind, image), worked out once per URL.
    url_kinds: Map<u32, (Content, bool)>,
    content: Map<(u32, Content), Counts>,
    /// ip → (counts, 404s, country, continent, asn, ip_version).
    addresses: Map<u32, (Counts, u64, u32, u32, u32, u8)>,
    /// (url, visitor) → (responses, project).
    downloads: Map<(u32, u64), (Download, u32)>,
    /// Large responses' speeds, when the rows have serve times (`None`: they have none).
    transfers: Option<Vec<Transfer>>,
    /// GoAccess's other panels, counted as a log run counts them; URL and agent ids are
    /// `strs` ids, visitor ids index `visitor_keys`.
    panels: Panels,
    /// Visitors by id, in the order first seen.
    visitor_keys: Vec<u64>,
    /// (method, protocol) ids → their [`request::kind`].
    kinds: Map<(u32, u32), u16>,
}

/// Resolvers of one part's string columns to the day's ids.
#[derive(Default)]
struct Dicts {
    project: DictIds,
    country: DictIds,
    continent: DictIds,
    as_org: DictIds,
    method: DictIds,
    protocol: DictIds,
    path: DictIds,
    ip: DictIds,
    /// User agents, resolved to their client's key.
    agent: DictIds,
    /// User agents, resolved to themselves.
    agent_text: DictIds,
}

/// The text of string id `id` (`NULL`: none).
fn text(strs: &Interner, id: u32) -> Option<&str> {
    (id != NULL).then(|| std::str::from_utf8(strs.get(id)).unwrap_or_default())
}

impl Day {
    fn text(&self, id: u32) -> Option<&str> {
        text(&self.strs, id)
    }

    fn add_batch(
        &mut self,
        c: &Columns<'_>,
        dicts: &mut Dicts,
        hasher: &SipHasher13,
    ) -> anyhow::Result<()> {
        let ts = c.int::<TimestampMicrosecondType>("ts")?;
        let offset = c.int::<Int16Type>("utc_offset_min")?;
        let (ip, agent, query) = (c.str("ip")?, c.str("user_agent")?, c.str("query")?);
        let ip_version = c.int::<UInt8Type>("ip_version")?;
        let status = c.int::<UInt16Type>("status")?;
        let bytes = c.int::<UInt64Type>("bytes")?;
        let asn = c.int::<UInt32Type>("asn")?;
        // Rows of a format without serve time, or written before it was kept, have none.
        let serve = c
            .int::<UInt64Type>("serve_us")
            .ok()
            .filter(|s| s.null_count() < s.len());
        let mut ids = |d: &mut DictIds, name: &str| -> anyhow::Result<Vec<u32>> {
            Ok(d.rows(&mut self.strs, c.dict(name)?, |s, v| s.intern(v.as_bytes())))
        };
        let project = ids(&mut dicts.project, "project")?;
        let country = ids(&mut dicts.country, "country")?;
        let continent = ids(&mut dicts.continent, "continent")?;
        let as_org = ids(&mut dicts.as_org, "as_org")?;
        let method = ids(&mut dicts.method, "method")?;
        let protocol = ids(&mut dicts.protocol, "protocol")?;
        let path = ids(&mut dicts.path, "path")?;
        let ips = ids(&mut dicts.ip, "ip")?;
        let agents = ids(&mut dicts.agent_text, "user_agent")?;
        let (referer, referer_logged) = (c.str("referer")?, c.bool("referer_logged")?);
        let static_file = c.bool("static_file")?;
        let agent_logged = c.bool("user_agent_logged")?;
        let (vhost, user, mime) = (c.str("vhost")?, c.str("remote_user")?, c.str("mime_type")?);
        let (tls_version, tls_cipher) = (c.str("tls_version")?, c.str("tls_cipher")?);
        let cache = c.str("cache_status")?;
        // Each distinct agent is classified once per dictionary.
        let client_of = dicts
            .agent
            .rows(&mut self.strs, c.dict("user_agent")?, |s, v| {
                s.intern(client::key(v.as_bytes()).as_bytes())
            });
        let (mut url_buf, mut key_buf) = (Vec::new(), Vec::new());
        for i in 0..c.rows() {
            let n = bytes.value(i);
            let st = status.value(i);
            let (proj, ctry, cont, a) = (project[i], country[i], continent[i], asn.value(i));
            let t = self
                .traffic
                .entry((proj, ctry, cont, a, ip_version.value(i)))
                .or_insert(((0, 0), NULL));
            add(&mut t.0, n);
            if t.1 == NULL {
                t.1 = as_org[i];
            }
            add(self.status.entry(st).or_default(), n);
            if let Some(serve) = serve {
                let transfers = self.transfers.get_or_insert_with(Vec::new);
                let us = if serve.is_valid(i) { serve.value(i) } else { 0 };
                if let Some(t) = Transfer::measured(n, us, a, ip_version.value(i)) {
                    transfers.push(t);
                }
            }
            let local = ts.value(i) / 1_000_000 + i64::from(offset.value(i)) * 60;
            let hour = local.rem_euclid(86_400) / 3_600;
            add(&mut self.hours[hour as usize], n);
            // The URL is the path, with `?query` when there is one.
            let url = match query.is_valid(i) {
                false => path[i],
                true => {
                    url_buf.clear();
                    url_buf.extend_from_slice(self.strs.get(path[i]));
                    url_buf.push(b'?');
                    url_buf.extend_from_slice(query.value(i).as_bytes());
                    self.strs.intern(&url_buf)
                }
            };
            add(self.files.entry(url).or_default(), n);
            let strs = &self.strs;
            let &mut (content, image) =
                (self.url_kinds.entry(url)).or_insert_with(|| files::kind(strs.get(url)));
            let is_static = static_file.value(i);
            add(self.content.entry((proj, content)).or_default(), n);
            let addr = self.addresses.entry(ips[i]).or_insert((
                (0, 0),
                0,
                ctry,
                cont,
                a,
                ip_version.value(i),
            ));
            add(&mut addr.0, n);
            addr.1 += u64::from(st == 404);
            let client = client_of[i];
            add(self.clients.entry(client).or_default(), n);
            if st != 404 && !is_static {
                self.requested.insert((url, method[i], protocol[i]));
            }
            let visitor = (!(400..500).contains(&st))
                .then(|| visitor_key(hasher, &mut key_buf, ip.value(i), agent.value(i)));
            let strs = &self.strs;
            let kind = *self
                .kinds
                .entry((method[i], protocol[i]))
                .or_insert_with(|| {
                    request::kind_of_names(text(strs, method[i]), text(strs, protocol[i]))
                });
            let known = self.visitor_keys.len();
            let id = visitor.map(|v| {
                let seen = self.seen.entry(v).or_insert_with(|| {
                    self.visitor_keys.push(v);
                    (0, client, self.visitor_keys.len() as u32 - 1)
                });
                seen.0 |= 1 << hour;
                seen.2
            });
            let first = self.visitor_keys.len() != known;
            fn field<'a>(a: &Strings<'a>, i: usize) -> Option<&'a [u8]> {
                opt(a, i).map(str::as_bytes)
            }
            let fields = OptionalFields {
                bytes: n,
                not_found: st == 404,
                vhost: field(&vhost, i),
                referer: referer_logged
                    .value(i)
                    .then(|| opt(&referer, i).unwrap_or("-").as_bytes()),
                agent: agent_logged.value(i).then(|| agent.value(i).as_bytes()),
                user: field(&user, i),
                mime: field(&mime, i),
                tls_version: field(&tls_version, i),
                tls_cipher: field(&tls_cipher, i),
                cache: field(&cache, i),
            };
            self.panels.add(
                &fields,
                (url, kind, is_static),
                Some(agents[i]),
                id.map(|id| Visit {
                    id,
                    first,
                    referrer: None,
                }),
            );
            if let Some(v) = visitor {
                let version = ip_version.value(i);
                self.visitors
                    .entry((v, proj))
                    .or_insert((ctry, cont, a, version));
                self.file_visitors.insert((url, v));
                let get = || {
                    self.text(method[i])
                        .is_some_and(|m| m.eq_ignore_ascii_case("GET"))
                };
                if image && matches!(st, 200 | 206) && get() {
                    let full = st == 200;
                    let d = self
                        .downloads
                        .entry((url, v))
                        .or_insert((Download::default(), proj));
                    d.0.add(full, n);
                }
            }
        }
        Ok(())
    }
}

pub(super) fn strings<'a>(values: impl Iterator<Item = &'a str>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(values))
}

pub(super) fn u64s(values: impl Iterator<Item = u64>) -> ArrayRef {
    Arc::new(UInt64Array::from_iter_values(values))
}

pub(super) fn u32s(values: impl Iterator<Item = u32>) -> ArrayRef {
    Arc::new(UInt32Array::from_iter_values(values))
}

/// A table's batch: (name, type, nullable) per column, and the columns.
pub(super) fn batch(fields: &[(&str, DataType, bool)], columns: Vec<ArrayRef>) -> RecordBatch {
    let schema = Schema::new(
        fields
            .iter()
            .map(|(n, t, null)| Field::new(*n, t.clone(), *null))
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new(Arc::new(schema), columns).expect("columns match their fields")
}

pub(super) const U64: DataType = DataType::UInt64;
pub(super) const U32: DataType = DataType::UInt32;
pub(super) const UTF8: DataType = DataType::Utf8;

pub(super) fn u8s(values: impl Iterator<Item = u8>) -> ArrayRef {
    Arc::new(UInt8Array::from_iter_values(values))
}

pub(super) fn optional<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(StringArray::from_iter(values))
}

/// The tables that daily parts and month roll-ups share, built from their rows.
pub(super) mod shared {
    use super::*;

    /// Keys (their fields and columns) with their requests and bytes.
    pub fn counts(
        keys: &[(&str, DataType, bool)],
        mut columns: Vec<ArrayRef>,
        counts: &[Counts],
    ) -> RecordBatch {
        let fields = [keys, &[("requests", U64, false), ("bytes", U64, false)]].concat();
        columns.push(u64s(counts.iter().map(|c| c.0)));
        columns.push(u64s(counts.iter().map(|c| c.1)));
        batch(&fields, columns)
    }

    /// `status`: (status, counts).
    pub fn status(rows: &[(u16, Counts)]) -> RecordBatch {
        let codes = Arc::new(UInt16Array::from_iter_values(rows.iter().map(|r| r.0)));
        let c: Vec<Counts> = rows.iter().map(|r| r.1).collect();
        counts(&[("status", DataType::UInt16, false)], vec![codes], &c)
    }

    /// `hours`: (hour, counts).
    pub fn hours(rows: &[(u8, Counts)]) -> RecordBatch {
        let c: Vec<Counts> = rows.iter().map(|r| r.1).collect();
        let hours = u8s(rows.iter().map(|r| r.0));
        counts(&[("hour", DataType::UInt8, false)], vec![hours], &c)
    }

    /// A table of one text key (`files`: url, `clients`: client) and its counts.
    pub fn named(key: &str, rows: &[(&str, Counts)]) -> RecordBatch {
        let c: Vec<Counts> = rows.iter().map(|r| r.1).collect();
        counts(
            &[(key, UTF8, false)],
            vec![strings(rows.iter().map(|r| r.0))],
            &c,
        )
    }

    /// `content`: (project, kind, counts).
    pub fn content(rows: &[(&str, Content, Counts)]) -> RecordBatch {
        let c: Vec<Counts> = rows.iter().map(|r| r.2).collect();
        let columns = vec![
            strings(rows.iter().map(|r| r.0)),
            strings(rows.iter().map(|r| r.1.name())),
        ];
        counts(
            &[("project", UTF8, false), ("kind", UTF8, false)],
            columns,
            &c,
        )
    }

    /// `requested_files`: (url, method, protocol).
    pub fn requested(rows: &[(&str, Option<&str>, Option<&str>)]) -> RecordBatch {
        batch(
            &[
                ("url", UTF8, false),
                ("method", UTF8, true),
                ("protocol", UTF8, true),
            ],
            vec![
                strings(rows.iter().map(|r| r.0)),
                optional(rows.iter().map(|r| r.1)),
                optional(rows.iter().map(|r| r.2)),
            ],
        )
    }

    /// One `addresses` row: ip, country, continent, asn, ip_version, counts, 404s.
    pub type Address<'a> = (&'a str, &'a str, &'a str, u32, u8, Counts, u64);

    pub fn addresses(rows: &[Address<'_>]) -> RecordBatch {
        batch(
            &[
                ("ip", UTF8, false),
                ("country", UTF8, false),
                ("continent", UTF8, false),
                ("asn", U32, false),
                ("ip_version", DataType::UInt8, false),
                ("requests", U64, false),
                ("bytes", U64, false),
                ("not_found", U64, false),
            ],
            vec![
                strings(rows.iter().map(|r| r.0)),
                strings(rows.iter().map(|r| r.1)),
                strings(rows.iter().map(|r| r.2)),
                u32s(rows.iter().map(|r| r.3)),
                u8s(rows.iter().map(|r| r.4)),
                u64s(rows.iter().map(|r| r.5.0)),
                u64s(rows.iter().map(|r| r.5.1)),
                u64s(rows.iter().map(|r| r.6)),
            ],
        )
    }

    /// One `traffic` row: project, country, continent, asn, as_org, ip_version, counts.
    pub type Traffic<'a> = (&'a str, &'a str, &'a str, u32, Option<&'a str>, u8, Counts);

    /// `traffic` (daily parts and roll-ups alike).
    pub fn traffic(rows: &[Traffic<'_>]) -> RecordBatch {
        let keys = [
            ("project", UTF8, false),
            ("country", UTF8, false),
            ("continent", UTF8, false),
            ("asn", U32, false),
            ("as_org", UTF8, true),
            ("ip_version", DataType::UInt8, false),
        ];
        let columns = vec![
            strings(rows.iter().map(|r| r.0)),
            strings(rows.iter().map(|r| r.1)),
            strings(rows.iter().map(|r| r.2)),
            u32s(rows.iter().map(|r| r.3)),
            optional(rows.iter().map(|r| r.4)),
            u8s(rows.iter().map(|r| r.5)),
        ];
        let c: Vec<Counts> = rows.iter().map(|r| r.6).collect();
        counts(&keys, columns, &c)
    }

    /// `downloads`: (url, project, responses), with each row's visitor (key and number) in
    /// daily parts (a roll-up's rows are one visitor-day each, the visitor dropped).
    pub fn downloads(
        rows: &[(&str, &str, Download)],
        visitors: Option<(ArrayRef, ArrayRef)>,
    ) -> RecordBatch {
        let mut fields = vec![("url", UTF8, false), ("project", UTF8, false)];
        let mut columns = vec![
            strings(rows.iter().map(|r| r.0)),
            strings(rows.iter().map(|r| r.1)),
        ];
        if let Some((v, vid)) = visitors {
            fields.extend([("visitor", U64, false), ("vid", U32, false)]);
            columns.extend([v, vid]);
        }
        fields.extend([
            ("largest", U64, false),
            ("at_largest", U32, false),
            ("sent", U64, false),
        ]);
        columns.extend([
            u64s(rows.iter().map(|r| r.2.largest)),
            u32s(rows.iter().map(|r| r.2.at_largest)),
            u64s(rows.iter().map(|r| r.2.sent)),
        ]);
        batch(&fields, columns)
    }

    /// The key columns of `panels` and `panel_visitors`.
    pub fn panel_keys(
        keys: &[&StoredKey<'_>],
    ) -> (Vec<(&'static str, DataType, bool)>, Vec<ArrayRef>) {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let key: Vec<String> = keys.iter().map(|k| text(k.key)).collect();
        let item: Vec<Option<String>> = keys.iter().map(|k| k.item.map(text)).collect();
        let fields = vec![
            ("panel", UTF8, false),
            ("key", UTF8, false),
            ("item", UTF8, true),
            ("method", UTF8, true),
            ("protocol", UTF8, true),
        ];
        let columns = vec![
            strings(keys.iter().map(|k| k.panel)),
            strings(key.iter().map(String::as_str)),
            optional(item.iter().map(Option::as_deref)),
            optional(keys.iter().map(|k| k.method.as_deref())),
            optional(keys.iter().map(|k| k.protocol)),
        ];
        (fields, columns)
    }

    /// `panels`: every key of GoAccess's other panels with its counts, and in a roll-up
    /// its visitors (a daily part's are in `panel_visitors`).
    pub fn panels(rows: &[(StoredKey<'_>, Counts, Option<u64>)]) -> RecordBatch {
        let keys: Vec<&StoredKey> = rows.iter().map(|r| &r.0).collect();
        let (mut fields, mut columns) = panel_keys(&keys);
        if rows.iter().any(|r| r.2.is_some()) {
            fields.push(("visitors", U64, false));
            columns.push(u64s(rows.iter().map(|r| r.2.unwrap_or(0))));
        }
        let c: Vec<Counts> = rows.iter().map(|r| r.1).collect();
        counts(&fields, columns, &c)
    }

    pub fn transfers(rows: &[Transfer]) -> RecordBatch {
        batch(
            &[
                ("asn", U32, false),
                ("ip_version", DataType::UInt8, false),
                ("rate", U64, false),
            ],
            vec![
                u32s(rows.iter().map(|t| t.asn)),
                u8s(rows.iter().map(|t| t.ip_version)),
                u64s(rows.iter().map(|t| t.rate)),
            ],
        )
    }
}

/// A daily table's dictionary limit: one dictionary for a part's URLs, so that a report
/// resolves each once, not once a row.
pub(super) const DICTIONARY_BYTES: usize = 64 << 20;

/// Writes one table's file (through a temporary name), creating its directory.
pub(super) fn write_table(target: &Path, batch: &RecordBatch) -> anyhow::Result<()> {
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    }
    let sink = ParquetSink::create_with_schema(target, batch.schema(), DICTIONARY_BYTES)?;
    sink.append(batch);
    sink.finish()
}

impl Day {
    /// The tables. The small ones are sorted by text; the large ones (one row per visitor,
    /// file or file-visitor pair) by id, which groups equal values for compression without
    /// comparing strings.
    fn tables(&self) -> Vec<(&'static str, RecordBatch)> {
        let s = |id: u32| self.text(id).unwrap_or_default();
        // Sort keys as bytes: the same order as text for UTF-8, without re-validating it.
        let b = |id: u32| -> &[u8] { if id == NULL { b"" } else { self.strs.get(id) } };
        let mut t: Vec<_> = self.traffic.iter().collect();
        t.sort_unstable_by_key(|(k, _)| (b(k.0), b(k.1), b(k.2), k.3, k.4));
        let t: Vec<shared::Traffic> = t
            .iter()
            .map(|(k, v)| (s(k.0), s(k.1), s(k.2), k.3, self.text(v.1), k.4, v.0))
            .collect();
        let traffic = shared::traffic(&t);
        // A visitor's number in this part, beside its key in every table that names
        // visitors: a report maps the numbers to its own visitors through a vector instead
        // of looking each key up (docs/store.md, "vid"). Numbered in the order of the keys,
        // which the large tables are sorted by within a URL or panel key: the numbers rise
        // with them and delta-encode to a few bits.
        let mut by_key: Vec<u32> = (0..self.visitor_keys.len() as u32).collect();
        by_key.sort_unstable_by_key(|&i| self.visitor_keys[i as usize]);
        let mut rank = vec![0u32; by_key.len()];
        for (r, &i) in by_key.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        let vid = |v: u64| self.seen.get(&v).map_or(u32::MAX, |x| rank[x.2 as usize]);
        let mut v: Vec<_> = self.visitors.iter().collect();
        v.sort_unstable_by_key(|(k, _)| *k);
        let visitors = batch(
            &[
                ("visitor", U64, false),
                ("project", UTF8, false),
                ("country", UTF8, false),
                ("continent", UTF8, false),
                ("asn", U32, false),
                ("hours", U32, false),
                ("ip_version", DataType::UInt8, false),
                ("client", UTF8, false),
                ("vid", U32, false),
            ],
            vec![
                u64s(v.iter().map(|(k, _)| k.0)),
                strings(v.iter().map(|(k, _)| s(k.1))),
                strings(v.iter().map(|(_, x)| s(x.0))),
                strings(v.iter().map(|(_, x)| s(x.1))),
                u32s(v.iter().map(|(_, x)| x.2)),
                u32s(
                    v.iter()
                        .map(|(k, _)| self.seen.get(&k.0).map_or(0, |x| x.0)),
                ),
                u8s(v.iter().map(|(_, x)| x.3)),
                strings(
                    v.iter()
                        .map(|(k, _)| s(self.seen.get(&k.0).map_or(NULL, |x| x.1))),
                ),
                u32s(v.iter().map(|(k, _)| vid(k.0))),
            ],
        );
        let mut st: Vec<(u16, Counts)> = self.status.iter().map(|(k, c)| (*k, *c)).collect();
        st.sort_unstable();
        let status = shared::status(&st);
        let seen: Vec<(u8, Counts)> = (0..24u8).zip(self.hours).filter(|(_, c)| c.0 > 0).collect();
        let hours = shared::hours(&seen);
        let mut f: Vec<_> = self.files.iter().collect();
        f.sort_unstable_by_key(|(k, _)| **k);
        let f: Vec<(&str, Counts)> = f.iter().map(|(k, c)| (s(**k), **c)).collect();
        let files = shared::named("url", &f);
        let mut fv: Vec<_> = self.file_visitors.iter().collect();
        fv.sort_unstable();
        let file_visitors = batch(
            &[
                ("url", UTF8, false),
                ("visitor", U64, false),
                ("vid", U32, false),
            ],
            vec![
                strings(fv.iter().map(|p| s(p.0))),
                u64s(fv.iter().map(|p| p.1)),
                u32s(fv.iter().map(|p| vid(p.1))),
            ],
        );
        let mut r: Vec<_> = self.requested.iter().collect();
        r.sort_unstable();
        let r: Vec<_> = r
            .iter()
            .map(|k| (s(k.0), self.text(k.1), self.text(k.2)))
            .collect();
        let requested = shared::requested(&r);
        let mut c: Vec<_> = self.clients.iter().collect();
        c.sort_unstable_by_key(|(k, _)| b(**k));
        let c: Vec<(&str, Counts)> = c.iter().map(|(k, n)| (s(**k), **n)).collect();
        let clients = shared::named("client", &c);
        let mut k: Vec<_> = self.content.iter().collect();
        k.sort_unstable_by_key(|(k, _)| (b(k.0), k.1));
        let k: Vec<_> = k.iter().map(|(k, c)| (s(k.0), k.1, **c)).collect();
        let content = shared::content(&k);
        let mut a: Vec<_> = self.addresses.iter().collect();
        a.sort_unstable_by_key(|(k, _)| **k);
        let a: Vec<shared::Address> = a
            .iter()
            .map(|(k, x)| (s(**k), s(x.2), s(x.3), x.4, x.5, x.0, x.1))
            .collect();
        let addresses = shared::addresses(&a);
        let mut d: Vec<_> = self.downloads.iter().collect();
        d.sort_unstable_by_key(|(k, _)| **k);
        let by = (
            u64s(d.iter().map(|(k, _)| k.1)),
            u32s(d.iter().map(|(k, _)| vid(k.1))),
        );
        let d: Vec<_> = d.iter().map(|(k, x)| (s(k.0), s(x.1), x.0)).collect();
        let downloads = shared::downloads(&d, Some(by));
        let keys = self.panels.stored(|id| self.strs.get(id));
        let p: Vec<_> = (keys.iter())
            .map(|(k, t, id)| {
                let c = t.counts[*id as usize];
                (k.clone(), (c.requests, c.bytes), None)
            })
            .collect();
        let panels = shared::panels(&p);
        let mut pv: Vec<(&StoredKey, u64, u32)> = Vec::new();
        for (k, t, id) in &keys {
            let mut vs: Vec<(u64, u32)> = t
                .visitors(*id)
                .map(|v| (self.visitor_keys[v as usize], rank[v as usize]))
                .collect();
            vs.sort_unstable();
            pv.extend(vs.into_iter().map(|(v, id)| (k, v, id)));
        }
        let pk: Vec<&StoredKey> = pv.iter().map(|p| p.0).collect();
        let (mut fields, mut columns) = shared::panel_keys(&pk);
        fields.extend([("visitor", U64, false), ("vid", U32, false)]);
        columns.extend([u64s(pv.iter().map(|p| p.1)), u32s(pv.iter().map(|p| p.2))]);
        let panel_visitors = batch(&fields, columns);
        let batches = [
            traffic,
            visitors,
            status,
            hours,
            files,
            file_visitors,
            requested,
            clients,
            content,
            addresses,
            downloads,
            panels,
            panel_visitors,
        ];
        let mut tables: Vec<_> = TABLES.into_iter().zip(batches).collect();
        if let Some(t) = &self.transfers {
            tables.push(("transfers", shared::transfers(t)));
        }
        tables
    }
}

/// Reads one request-rows part and writes its daily tables; `part` and the returned paths
/// are relative to `store`, the daily ones mirroring the part's (`requests/` → `daily/TABLE/`).
pub fn summarize(store: &Path, part: &str, hasher: &SipHasher13) -> anyhow::Result<Vec<String>> {
    let path = store.join(part);
    let mut day = Day::default();
    let mut dicts = Dicts::default();
    for batch in batches(&path)? {
        day.add_batch(&Columns(&batch, &path), &mut dicts, hasher)?;
    }
    let rest = part
        .strip_prefix("requests/")
        .with_context(|| format!("{part}: not a request-rows part"))?;
    let mut written = Vec::new();
    for (table, batch) in day.tables() {
        let rel = format!("daily/{table}/{rest}");
        write_table(&store.join(&rel), &batch)?;
        written.push(rel);
    }
    Ok(written)
}
