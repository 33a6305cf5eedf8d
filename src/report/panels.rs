//! The report's rows of GoAccess's other panels: virtual hosts, referrers, referring
//! sites, not-found and static requests, operating systems, browsers, remote users, MIME
//! types, TLS and cache status. Each lists its top `--top` keys by requests.

use serde::Serialize;

use super::text;
use crate::aggregate::Aggregate;
use crate::aggregate::keyed::{Keyed, KeyedRow};
use crate::aggregate::panels::{
    BROWSERS, CACHE, MIME, NOT_FOUND, REFERRERS, SITES, STATIC_FILES, SYSTEMS, TLS, USERS, VHOSTS,
    split_family, unkey,
};
use crate::parse::logged::Logs;
use crate::parse::request::kind_names;

/// A row as a table shows it: the cells naming its key, and its requests, visitors and
/// bytes.
pub trait Cells {
    fn cells(&self) -> Vec<String>;
    fn numbers(&self) -> [u64; 3];
}

/// [`Cells`] of a row type from its key cells.
macro_rules! cells {
    ($name:ident, |$x:ident| $cells:expr) => {
        impl Cells for $name {
            fn cells(&self) -> Vec<String> {
                let $x = self;
                $cells
            }
            fn numbers(&self) -> [u64; 3] {
                [self.requests, self.visitors, self.bytes]
            }
        }
    };
}

/// A key with its numbers; serialised under the panel's own name for the key.
macro_rules! row {
    ($name:ident, $key:ident) => {
        #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
        pub struct $name {
            pub $key: String,
            pub requests: u64,
            pub visitors: u64,
            pub bytes: u64,
        }

        impl From<KeyedRow<'_>> for $name {
            fn from(r: KeyedRow<'_>) -> Self {
                $name {
                    $key: text(r.key),
                    requests: r.counts.requests,
                    visitors: r.visitors,
                    bytes: r.counts.bytes,
                }
            }
        }

        cells!($name, |x| vec![x.$key.clone()]);
    };
}

row!(NameRow, name);
row!(UrlRow, url);
row!(SiteRow, site);
row!(CacheRow, status);

/// A not-found or static request: GoAccess keys them by path, method and protocol.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RequestRow {
    pub path: String,
    /// `null` when the request line had none (TLS bytes, `-`).
    pub method: Option<String>,
    pub protocol: Option<&'static str>,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

/// A browser or operating system: GoAccess's family (`name`) and item (`version`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VersionRow {
    pub name: String,
    pub version: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

/// A MIME type: its major type (`type`) and the whole value.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MimeRow {
    #[serde(rename = "type")]
    pub major: String,
    pub name: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

/// A TLS protocol and cipher (`null` when the format logs none).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TlsRow {
    pub version: String,
    pub cipher: Option<String>,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

cells!(RequestRow, |x| {
    let kind = [x.method.as_deref(), x.protocol].map(Option::unwrap_or_default);
    vec![x.path.clone(), kind.join(" ")]
});
cells!(VersionRow, |x| vec![x.name.clone(), x.version.clone()]);
cells!(MimeRow, |x| vec![x.name.clone()]);
cells!(TlsRow, |x| vec![
    x.version.clone(),
    x.cipher.clone().unwrap_or_default()
]);

/// Requests and bytes of all the keys of a table, and how many keys it has (when known):
/// the dashboard's "others" row is what the rows shown leave of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Whole {
    pub requests: u64,
    pub bytes: u64,
    pub keys: Option<u64>,
}

impl Whole {
    /// The report's valid requests and bytes, which `keys` keys share.
    pub fn of(r: &super::Report, keys: Option<u64>) -> Whole {
        Whole {
            requests: r.summary.valid_requests,
            bytes: r.summary.bandwidth_bytes,
            keys,
        }
    }

    /// All the keys of `t` that have requests.
    fn keyed(t: &Keyed) -> Whole {
        let mut w = Whole {
            keys: Some(0),
            ..Whole::default()
        };
        for c in t.counts.iter().filter(|c| c.requests > 0) {
            w.requests += c.requests;
            w.bytes += c.bytes;
            w.keys = w.keys.map(|k| k + 1);
        }
        w
    }
}

/// The panels' rows, flattened into the report; `None` (`null`; absent for the last three,
/// as when the format does not log them) when a store has no `panels` table for any day
/// of the period.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PanelTables {
    pub vhosts: Option<Vec<NameRow>>,
    pub referrers: Option<Vec<UrlRow>>,
    pub referring_sites: Option<Vec<SiteRow>>,
    pub not_found: Option<Vec<RequestRow>>,
    pub static_files: Option<Vec<RequestRow>>,
    pub operating_systems: Option<Vec<VersionRow>>,
    pub browsers: Option<Vec<VersionRow>>,
    pub remote_users: Option<Vec<NameRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_types: Option<Vec<MimeRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<Vec<TlsRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_status: Option<Vec<CacheRow>>,
    /// Each panel's whole, by panel (`VHOSTS`...).
    #[serde(skip)]
    pub wholes: Vec<Whole>,
}

fn top<'a, T: From<KeyedRow<'a>>>(t: &'a Keyed, n: usize) -> Vec<T> {
    t.top(n).into_iter().take(n).map(T::from).collect()
}

/// Keyed by URL id and kind: ordered by what is shown, not by ids (which depend on the
/// order threads met the URLs).
fn requests(agg: &Aggregate, t: &Keyed, n: usize) -> Vec<RequestRow> {
    let mut rows: Vec<RequestRow> = t
        .top(n)
        .into_iter()
        .map(|r| {
            let (url, kind) = unkey(r.key);
            let (method, protocol) = kind_names(kind);
            RequestRow {
                path: text(agg.urls.get(url)),
                method,
                protocol,
                requests: r.counts.requests,
                visitors: r.visitors,
                bytes: r.counts.bytes,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (b.requests, b.bytes)
            .cmp(&(a.requests, a.bytes))
            .then_with(|| (&a.path, &a.method, a.protocol).cmp(&(&b.path, &b.method, b.protocol)))
    });
    rows.truncate(n);
    rows
}

fn versions(t: &Keyed, n: usize) -> Vec<VersionRow> {
    t.top(n)
        .into_iter()
        .take(n)
        .map(|r| {
            let (family, item) = split_family(r.key);
            VersionRow {
                name: text(family),
                version: text(item),
                requests: r.counts.requests,
                visitors: r.visitors,
                bytes: r.counts.bytes,
            }
        })
        .collect()
}

pub fn build(agg: &Aggregate, logs: Logs, n: usize) -> PanelTables {
    let p = agg.panels.tables();
    PanelTables {
        vhosts: Some(top(&p[VHOSTS], n)),
        referrers: Some(top(&p[REFERRERS], n)),
        referring_sites: Some(top(&p[SITES], n)),
        not_found: Some(requests(agg, &p[NOT_FOUND], n)),
        static_files: Some(requests(agg, &p[STATIC_FILES], n)),
        operating_systems: Some(versions(&p[SYSTEMS], n)),
        browsers: Some(versions(&p[BROWSERS], n)),
        remote_users: Some(top(&p[USERS], n)),
        mime_types: logs.mime.then(|| {
            versions(&p[MIME], n)
                .into_iter()
                .map(|v| MimeRow {
                    major: v.name,
                    name: v.version,
                    requests: v.requests,
                    visitors: v.visitors,
                    bytes: v.bytes,
                })
                .collect()
        }),
        tls: logs.tls.then(|| {
            versions(&p[TLS], n)
                .into_iter()
                .map(|v| {
                    let cipher = v
                        .version
                        .strip_prefix(&format!("{}/", v.name))
                        .map(str::to_string);
                    TlsRow {
                        version: v.name,
                        cipher,
                        requests: v.requests,
                        visitors: v.visitors,
                        bytes: v.bytes,
                    }
                })
                .collect()
        }),
        cache_status: logs.cache.then(|| top(&p[CACHE], n)),
        wholes: p.iter().map(Whole::keyed).collect(),
    }
}
