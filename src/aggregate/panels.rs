//! GoAccess's panels beside the requested files, each a [`Keyed`] table: virtual hosts,
//! referrers and referring sites, not-found and static requests, operating systems and
//! browsers, remote users, MIME types, TLS and cache status. What goes in and under which
//! key is GoAccess 1.7's (docs/json.md), so that every item equals its item.

use super::keyed::Keyed;
use super::{Map, NONE};
use crate::enrich::agents;
use crate::parse::logged::OptionalFields;
use rayon::prelude::*;

/// The panels of one state.
#[derive(Default, Clone)]
pub struct Panels {
    /// Every panel's table, at its index in [`NAMES`]: `NOT_FOUND` and `STATIC_FILES`
    /// keyed by [`request_key`] (a URL id and its method and protocol), `SYSTEMS`,
    /// `BROWSERS`, `MIME` and `TLS` by [`family_key`] (`family\0item`), the others by
    /// their text.
    tables: [Keyed; 11],
    /// Per agent id: its browser and OS ids (`NONE`: not looked at yet, or empty).
    agent_ids: Vec<(u32, u32)>,
    /// By URL id, in `not_found` and in `static_files`: the kind it was last requested
    /// as, that [`request_key`]'s id and the last visitor recorded under it. Most URLs
    /// are requested one way, often many times by one visitor (range requests): this
    /// spares hashing their keys and adding known visitors. A map, not a vector by URL
    /// id: only a few URLs are 404s or static, and a vector as long as the URL table
    /// would be a run's largest after it.
    request_ids: [Map<u32, RequestId>; 2],
    /// Per referrer id: its referring site's id, `NO_SITE`, or `NONE` (not looked at).
    site_of: Vec<u32>,
}

/// The panels' indices in [`NAMES`] and [`Panels::tables`].
pub const VHOSTS: usize = 0;
pub const REFERRERS: usize = 1;
pub const SITES: usize = 2;
pub const NOT_FOUND: usize = 3;
pub const STATIC_FILES: usize = 4;
pub const SYSTEMS: usize = 5;
pub const BROWSERS: usize = 6;
pub const USERS: usize = 7;
pub const MIME: usize = 8;
pub const TLS: usize = 9;
pub const CACHE: usize = 10;

#[derive(Clone, Copy)]
struct RequestId {
    kind: u16,
    id: u32,
    visitor: u32,
}

const UNSEEN: RequestId = RequestId {
    kind: 0,
    id: NONE,
    visitor: NONE,
};

/// A referrer without a referring site.
const NO_SITE: u32 = NONE - 1;

/// The visitor of a request, for the panels.
pub struct Visit<'a> {
    pub id: u32,
    /// Its first request: a visitor has one agent, so one browser and one system,
    /// recorded then (and at any request with the agent `-`, which stands for an empty
    /// agent too, which these panels skip).
    pub first: bool,
    /// The referrer it was last recorded under, if kept with it (most of a visitor's
    /// requests share one).
    pub referrer: Option<&'a mut u32>,
}

/// The key of a request in the not-found and static panels: its URL and its method and
/// protocol (GoAccess's `url|method|protocol`).
pub fn request_key(url: u32, kind: u16) -> [u8; 6] {
    let u = url.to_be_bytes();
    let k = kind.to_be_bytes();
    [u[0], u[1], u[2], u[3], k[0], k[1]]
}

/// The URL id and kind of a [`request_key`].
pub fn unkey(key: &[u8]) -> (u32, u16) {
    let url = u32::from_be_bytes([key[0], key[1], key[2], key[3]]);
    (url, u16::from_be_bytes([key[4], key[5]]))
}

/// `family\0item`.
pub fn family_key(family: &[u8], item: &[u8]) -> Vec<u8> {
    [family, b"\0", item].concat()
}

/// The family and item of a [`family_key`].
pub fn split_family(key: &[u8]) -> (&[u8], &[u8]) {
    match memchr::memchr(0, key) {
        Some(i) => (&key[..i], &key[i + 1..]),
        None => (key, b""),
    }
}

/// A referrer as GoAccess keeps it: as logged, but a Google search referrer cut at the `&`
/// after its query (GoAccess cuts there while taking the search phrase out).
pub fn referrer_key(r: &[u8]) -> &[u8] {
    const GOOGLE: [&[u8]; 6] = [
        b"http://www.google.",
        b"http://webcache.googleusercontent.com/",
        b"http://translate.googleusercontent.com/",
        b"https://www.google.",
        b"https://webcache.googleusercontent.com/",
        b"https://translate.googleusercontent.com/",
    ];
    let find = |n: &[u8]| memchr::memmem::find(r, n);
    // Most referrers are `-`, or name no Google host: one search tells.
    if r.len() < GOOGLE[0].len()
        || find(b"google").is_none()
        || !GOOGLE.iter().any(|g| find(g).is_some())
        || find(b"/+&").is_some()
    {
        return r;
    }
    let (start, encoded) = if let Some(i) = find(b"/+") {
        (i + 2, false)
    } else if let Some(i) = find(b"q=cache:") {
        let plus = memchr::memchr(b'+', &r[i..]).map_or(0, |p| p + 1);
        (i + plus, false)
    } else if let Some(i) = find(b"&q=").or_else(|| find(b"?q=")) {
        (i + 3, false)
    } else if let Some(i) = find(b"%26q%3D").or_else(|| find(b"%3Fq%3D")) {
        (i + 7, true)
    } else {
        return r;
    };
    let cut = match encoded {
        false => memchr::memchr(b'&', &r[start..]),
        true => memchr::memmem::find(&r[start..], b"%26"),
    };
    cut.map_or(r, |c| &r[..start + c])
}

/// The host of a referrer: after its first `//`, up to the next `/` (port and user kept,
/// as GoAccess keeps them); `None` without one.
pub fn referring_site(r: &[u8]) -> Option<&[u8]> {
    let at = memchr::memmem::find(r, b"//")? + 2;
    let rest = &r[at..];
    let host = &rest[..memchr::memchr(b'/', rest).unwrap_or(rest.len())];
    (!host.is_empty()).then_some(&host[..host.len().min(511)])
}

/// The MIME panel's family of a content type: its major type, if GoAccess knows it.
fn mime_family(m: &[u8]) -> Option<&'static str> {
    const MAJOR: [&str; 10] = [
        "application",
        "audio",
        "font",
        "example",
        "image",
        "message",
        "model",
        "multipart",
        "text",
        "video",
    ];
    MAJOR.iter().find(|t| m.starts_with(t.as_bytes())).copied()
}

/// The TLS panel's family of a protocol name, if GoAccess knows it.
fn tls_family(v: &[u8]) -> Option<&'static str> {
    const KNOWN: [&str; 9] = [
        "SSLv3", "TLSv1.1", "TLSv1.2", "TLSv1.3", "TLS1.1", "TLS1.2", "TLS1.3", "TLSv1", "TLS1",
    ];
    KNOWN.iter().find(|t| v.starts_with(t.as_bytes())).copied()
}

impl Panels {
    /// The browser and OS ids of agent `agent` (decoded: `text`), looked at once.
    fn agent_ids(&mut self, agent: u32, text: &[u8]) -> Option<(u32, u32)> {
        let slot = super::grow_with(&mut self.agent_ids, agent as usize, (NONE, NONE));
        if slot.0 == NONE {
            let d = agents::detect(text)?;
            let b = self.tables[BROWSERS].keys.intern(&family_key(
                d.browser.family.as_bytes(),
                d.browser.item.as_bytes(),
            ));
            let o = self.tables[SYSTEMS]
                .keys
                .intern(&family_key(d.os.family.as_bytes(), d.os.item.as_bytes()));
            *slot = (b, o);
        }
        Some(*slot)
    }

    /// Whether agent `agent` (decoded: `text`) is a crawler by GoAccess's tables.
    pub fn is_crawler(&mut self, agent: u32, text: &[u8]) -> bool {
        self.agent_ids(agent, text).is_some_and(|(b, _)| {
            split_family(self.tables[BROWSERS].keys.get(b)).0 == agents::CRAWLERS.as_bytes()
        })
    }

    /// Counts one request: `url` and `kind` its requested-file key, `is_static` by its
    /// path, `agent` its agent id, `visit` its visitor unless a 4xx made none.
    pub fn add(
        &mut self,
        f: &OptionalFields<'_>,
        (url, kind, is_static): (u32, u16, bool),
        agent: Option<u32>,
        visit: Option<Visit<'_>>,
    ) {
        let bytes = f.bytes;
        let visitor = visit.as_ref().map(|v| v.id);
        let first_visit = visit.as_ref().is_some_and(|v| v.first);
        let memo = visit.and_then(|v| v.referrer);
        let count = |t: &mut Keyed, key: &[u8]| {
            let id = t.add(key, bytes);
            if let Some(v) = visitor {
                t.visit(id, v);
            }
        };
        if let Some(v) = f.vhost {
            count(&mut self.tables[VHOSTS], v);
        }
        if let Some(r) = f.referer {
            let key = referrer_key(r);
            // Most of a visitor's requests share the referrer it was last recorded under.
            let id = match memo.as_deref() {
                Some(&last) if last != NONE && self.tables[REFERRERS].keys.get(last) == key => {
                    self.tables[REFERRERS].count(last, bytes);
                    last
                }
                _ => self.tables[REFERRERS].add(key, bytes),
            };
            // A visitor recorded under this referrer before has its site recorded too.
            // (A memo comes only with a visitor.)
            let visitor = match memo {
                Some(last) if *last == id => None,
                Some(last) => {
                    *last = id;
                    visitor
                }
                None => visitor,
            };
            if let Some(v) = visitor {
                self.tables[REFERRERS].visit(id, v);
            }
            let site = super::grow_with(&mut self.site_of, id as usize, NONE);
            if *site == NONE {
                *site = match referring_site(key) {
                    Some(s) => self.tables[SITES].keys.intern(s),
                    None => NO_SITE,
                };
            }
            if *site != NO_SITE {
                self.tables[SITES].count(*site, bytes);
                if let Some(v) = visitor {
                    self.tables[SITES].visit(*site, v);
                }
            }
        }
        if f.not_found || is_static {
            let (t, ids) = match f.not_found {
                true => (&mut self.tables[NOT_FOUND], &mut self.request_ids[0]),
                false => (&mut self.tables[STATIC_FILES], &mut self.request_ids[1]),
            };
            let slot = ids.entry(url).or_insert(UNSEEN);
            if slot.id == NONE || slot.kind != kind {
                let id = t.keys.intern(&request_key(url, kind));
                *slot = RequestId {
                    kind,
                    id,
                    visitor: NONE,
                };
            }
            t.count(slot.id, bytes);
            if let Some(v) = visitor.filter(|&v| v != slot.visitor) {
                slot.visitor = v;
                t.visit(slot.id, v);
            }
        }
        if let (Some(agent), Some(text)) = (agent, f.agent)
            && let Some((b, o)) = self.agent_ids(agent, text)
        {
            for (t, id) in [(BROWSERS, b), (SYSTEMS, o)] {
                let t = &mut self.tables[t];
                t.count(id, bytes);
                if let Some(v) = visitor.filter(|_| first_visit || text == b"-") {
                    t.visit(id, v);
                }
            }
        }
        if let Some(u) = f.user {
            count(&mut self.tables[USERS], u);
        }
        if let Some(m) = f.mime
            && let Some(family) = mime_family(m)
        {
            count(&mut self.tables[MIME], &family_key(family.as_bytes(), m));
        }
        if let Some(v) = f.tls_version
            && let Some(family) = tls_family(v)
        {
            let item = match f.tls_cipher {
                Some(c) => [family.as_bytes(), b"/", c].concat(),
                None => family.as_bytes().to_vec(),
            };
            count(&mut self.tables[TLS], &family_key(family.as_bytes(), &item));
        }
        if let Some(c) = f.cache {
            count(&mut self.tables[CACHE], c);
        }
    }

    /// Folds `other` in: its URL `u` is `urls[u]` here, its agent `a` is `agents[a]`, its
    /// visitor `v` is `visitors[v]`.
    pub fn merge(&mut self, other: &Panels, urls: &[u32], agents: &[u32], visitors: &[u32]) {
        let rekey = |key: &[u8]| {
            let (u, k) = unkey(key);
            request_key(urls[u as usize], k).to_vec()
        };
        // Where each of `other`'s keys is here, by panel (not kept for request keys).
        // Panels are independent: one task each.
        let ids: Vec<Vec<u32>> = (self.tables.par_iter_mut().zip(&other.tables).enumerate())
            .map(|(i, (ours, theirs))| match SHAPES[i] {
                Shape::Request => {
                    ours.merge_rekeyed(theirs, visitors, rekey);
                    Vec::new()
                }
                _ => ours.merge(theirs, visitors),
            })
            .collect();
        let (browsers, systems) = (&ids[BROWSERS], &ids[SYSTEMS]);
        for (a, &(b, o)) in other.agent_ids.iter().enumerate() {
            if b != NONE {
                *super::grow_with(&mut self.agent_ids, agents[a] as usize, (NONE, NONE)) =
                    (browsers[b as usize], systems[o as usize]);
            }
        }
    }
}

/// How a panel's keys are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The text itself (a vhost, a referrer, a user).
    Text,
    /// [`family_key`]: a family and an item (a browser and its version).
    Family,
    /// [`request_key`]: a URL id and a method and protocol.
    Request,
}

/// The panels by their names in JSON and in the store, in [`Panels::tables`] order.
pub const NAMES: [&str; 11] = [
    "vhosts",
    "referrers",
    "referring_sites",
    "not_found",
    "static_files",
    "operating_systems",
    "browsers",
    "remote_users",
    "mime_types",
    "tls",
    "cache_status",
];

const SHAPES: [Shape; 11] = [
    Shape::Text,
    Shape::Text,
    Shape::Text,
    Shape::Request,
    Shape::Request,
    Shape::Family,
    Shape::Family,
    Shape::Text,
    Shape::Family,
    Shape::Family,
    Shape::Text,
];

/// A panel key as a store's `panels` tables hold it: `key` (a name, a URL, a family),
/// `item` (a version, a MIME type, a TLS cipher) and a request's method and protocol.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StoredKey<'a> {
    pub panel: &'a str,
    pub key: &'a [u8],
    pub item: Option<&'a [u8]>,
    pub method: Option<std::borrow::Cow<'a, str>>,
    pub protocol: Option<&'a str>,
}

impl Panels {
    /// Every panel's table, as [`NAMES`] names them.
    pub fn tables(&self) -> &[Keyed; 11] {
        &self.tables
    }

    pub fn table_mut(&mut self, panel: usize) -> &mut Keyed {
        &mut self.tables[panel]
    }

    /// Every key of every panel with requests, as stored and in stored order (by key): its
    /// table and id beside it; `url` gives a URL id's text.
    pub fn stored<'a>(
        &'a self,
        url: impl Fn(u32) -> &'a [u8],
    ) -> Vec<(StoredKey<'a>, &'a Keyed, u32)> {
        let mut keys = Vec::new();
        for (i, t) in self.tables.iter().enumerate() {
            for id in 0..t.len() as u32 {
                if t.counts.get(id as usize).is_none_or(|c| c.requests == 0) {
                    continue;
                }
                let key = t.keys.get(id);
                let mut k = StoredKey {
                    panel: NAMES[i],
                    key,
                    item: None,
                    method: None,
                    protocol: None,
                };
                match SHAPES[i] {
                    Shape::Text => {}
                    Shape::Family => {
                        let (family, item) = split_family(key);
                        (k.key, k.item) = (family, Some(item));
                    }
                    Shape::Request => {
                        let (u, kind) = unkey(key);
                        k.key = url(u);
                        let (method, protocol) = crate::parse::request::kind_names(kind);
                        (k.method, k.protocol) = (method.map(Into::into), protocol);
                    }
                }
                keys.push((k, t, id));
            }
        }
        keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        keys
    }

    /// The table (index in [`NAMES`]) of a stored key and the key's bytes there; `url_id`
    /// gives a URL's id (`None`: unknown, so the key is too).
    pub fn key_of(
        k: &StoredKey<'_>,
        url_id: impl FnOnce(&[u8]) -> Option<u32>,
    ) -> Option<(usize, Vec<u8>)> {
        let i = NAMES.iter().position(|n| *n == k.panel)?;
        let key = match SHAPES[i] {
            Shape::Text => k.key.to_vec(),
            Shape::Family => family_key(k.key, k.item.unwrap_or_default()),
            Shape::Request => {
                let kind = crate::parse::request::kind_of_names(k.method.as_deref(), k.protocol);
                request_key(url_id(k.key)?, kind).to_vec()
            }
        };
        Some((i, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referrers_and_sites_as_goaccess_keys_them() {
        assert_eq!(
            referrer_key(b"https://www.google.com/search?q=hello+world%21&ie=utf-8"),
            b"https://www.google.com/search?q=hello+world%21"
        );
        assert_eq!(
            referrer_key(b"https://www.google.com/url?sa=t&rct=j&q=&esrc=s"),
            b"https://www.google.com/url?sa=t&rct=j&q="
        );
        assert_eq!(
            referrer_key(b"https://duckduckgo.com/?q=a&b=c"),
            b"https://duckduckgo.com/?q=a&b=c"
        );
        assert_eq!(
            referring_site(b"HTTP://Sub.Example.COM"),
            Some(&b"Sub.Example.COM"[..])
        );
        assert_eq!(
            referring_site(b"http://user:pw@host.example:8080/x"),
            Some(&b"user:pw@host.example:8080"[..])
        );
        assert_eq!(referring_site(b"example.net/nohost"), None);
        assert_eq!(referring_site(b"http:///x"), None);
    }
}
