//! Mirror insights: what a general log analyser does not answer and a mirror operator asks
//! every week. Which programs fetch (clients), from which anycast node, how much is
//! repository metadata and how much payload, how many images were downloaded to the end,
//! who takes the most, and how fast large files travel to each network.

use serde::Serialize;

use super::{Meta, by_requests, text, top_ids};
use crate::aggregate::{Aggregate, Counts, IpStats, Map};
use crate::enrich::files::Content;

/// Requests by client program; `version` for package managers and tools that send one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClientRow {
    pub name: String,
    pub version: Option<String>,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NodeRow {
    pub name: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

/// Requests of one project for one kind of content: `metadata` (indexes, checksums,
/// signatures), `payload` (packages, images) or `other`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ContentRow {
    pub project: String,
    pub kind: &'static str,
    pub requests: u64,
    pub bytes: u64,
}

/// Downloads of one image: `completed` full downloads (a 200 of the file's size, or one
/// visitor's responses that together sent that many bytes), `partial` visitors who got
/// less; `size` is the largest 200 response.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DownloadRow {
    pub path: String,
    pub project: String,
    pub size: u64,
    pub completed: u64,
    pub partial: u64,
    pub bytes: u64,
}

/// One heavy client: its address only with `--show-ips`, else its rank.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClientHitter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    pub country: String,
    pub asn: u32,
    pub requests: u64,
    pub bytes: u64,
    pub not_found: u64,
    /// `not_found / requests`.
    pub not_found_share: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AsnHitter {
    pub asn: u32,
    pub org: String,
    pub requests: u64,
    pub bytes: u64,
    pub not_found: u64,
    pub not_found_share: f64,
}

/// The top N clients and networks by bytes and by requests, with their share of 404s.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HeavyHitters {
    pub clients_by_bytes: Vec<ClientHitter>,
    pub clients_by_requests: Vec<ClientHitter>,
    pub asns_by_bytes: Vec<AsnHitter>,
    pub asns_by_requests: Vec<AsnHitter>,
}

/// Throughput of responses over `min_bytes` (bytes sent / serve time): median and 95th
/// percentile (nearest rank), in bytes per second.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SpeedRow {
    pub responses: u64,
    pub median_bytes_per_sec: u64,
    pub p95_bytes_per_sec: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AsnSpeed {
    pub asn: u32,
    pub org: String,
    #[serde(flatten)]
    pub speed: SpeedRow,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VersionSpeed {
    pub version: u8,
    #[serde(flatten)]
    pub speed: SpeedRow,
}

/// Present when the log format has the serve time (`%D` or `%T`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TransferSpeed {
    pub min_bytes: u64,
    pub ip_versions: Vec<VersionSpeed>,
    /// Networks with the most measured responses (top N).
    pub asns: Vec<AsnSpeed>,
}

pub fn clients(agg: &Aggregate) -> Vec<ClientRow> {
    let visitors = agg.client_visitors();
    let mut rows: Vec<ClientRow> = (0..agg.clients.len())
        .filter_map(|i| {
            let c = agg.client_counts.get(i).copied().unwrap_or_default();
            let key = text(agg.clients.get(i as u32));
            let (name, version) = match key.split_once('/') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (key, None),
            };
            (c.requests > 0).then(|| ClientRow {
                name,
                version,
                requests: c.requests,
                visitors: visitors[i],
                bytes: c.bytes,
            })
        })
        .collect();
    by_requests(&mut rows, |r| {
        (r.requests, r.bytes, (r.name.clone(), r.version.clone()))
    });
    rows
}

pub fn nodes(agg: &Aggregate, names: &[String]) -> Vec<NodeRow> {
    let visitors = agg.node_visitors();
    let mut rows: Vec<NodeRow> = agg
        .node_counts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.requests > 0)
        .map(|(i, c)| NodeRow {
            name: names.get(i).cloned().unwrap_or_else(|| "-".into()),
            requests: c.requests,
            visitors: visitors[i],
            bytes: c.bytes,
        })
        .collect();
    by_requests(&mut rows, |r| (r.requests, r.bytes, r.name.clone()));
    rows
}

pub fn content(agg: &Aggregate) -> Vec<ContentRow> {
    let mut rows: Vec<ContentRow> = agg
        .content_counts()
        .iter()
        .map(|(&(p, kind), c)| ContentRow {
            project: text(agg.projects.get(p)),
            kind: kind.name(),
            requests: c.requests,
            bytes: c.bytes,
        })
        .collect();
    // Projects as in the projects table; within one, metadata, payload, other.
    let order = |k: &str| Content::ALL.iter().position(|c| c.name() == k);
    rows.sort_by(|a, b| {
        a.project
            .cmp(&b.project)
            .then(order(a.kind).cmp(&order(b.kind)))
    });
    rows
}

pub fn downloads(agg: &Aggregate, top: usize) -> Vec<DownloadRow> {
    // A file's size: its largest 200 response; files never served whole have none.
    let mut per_url: hashbrown::HashMap<u32, (u64, u64, u64)> = Default::default();
    for (url, d) in agg.download_states() {
        let e = per_url.entry(url).or_default();
        e.0 = e.0.max(d.largest);
    }
    for (url, d) in agg.download_states() {
        let e = per_url.entry(url).or_default();
        if e.0 == 0 {
            continue;
        }
        match d.completed(e.0) {
            0 => e.2 += 1,
            n => e.1 += n,
        }
    }
    let mut rows: Vec<DownloadRow> = per_url
        .into_iter()
        .filter(|(_, (size, _, _))| *size > 0)
        .map(|(url, (size, completed, partial))| {
            let project = agg.url_project(url);
            DownloadRow {
                path: text(agg.urls.get(url)),
                project,
                size,
                completed,
                partial,
                bytes: agg.url_stats[url as usize].counts.bytes,
            }
        })
        .collect();
    by_requests(&mut rows, |r| (r.completed, r.bytes, r.path.clone()));
    rows.truncate(top);
    rows
}

fn share(part: u64, whole: u64) -> f64 {
    match whole {
        0 => 0.0,
        w => (part as f64 / w as f64 * 10_000.0).round() / 10_000.0,
    }
}

/// The first `top` of `n` items by `key` descending, ties by `name`, in that order.
fn top_by<N: Ord>(
    n: usize,
    top: usize,
    key: impl Fn(usize) -> u64,
    name: impl Fn(usize) -> N,
) -> Vec<usize> {
    let rank = |i: u32| std::cmp::Reverse(key(i as usize));
    let mut ids = top_ids(n as u32, top, rank, |i| name(i as usize));
    ids.sort_by_key(|&i| (rank(i), name(i as usize)));
    ids.into_iter().map(|i| i as usize).collect()
}

pub fn heavy_hitters(agg: &Aggregate, meta: &Meta<'_>) -> HeavyHitters {
    // Client addresses and what they asked; a store's stand-in clients are not real ones.
    let ips: Vec<(&[u8], &IpStats)> = match agg.replayed {
        true => agg
            .address_stats
            .iter()
            .enumerate()
            .map(|(i, s)| (agg.addresses.get(i as u32), s))
            .collect(),
        false => agg
            .ip_stats
            .iter()
            .enumerate()
            .filter(|(_, s)| s.counts.requests > 0)
            .map(|(i, s)| (agg.ips.get(i as u32), s))
            .collect(),
    };
    let client = |i: usize| {
        let (ip, s) = ips[i];
        ClientHitter {
            ip: meta.show_ips.then(|| text(ip)),
            country: text(&s.location.country),
            asn: s.location.asn,
            requests: s.counts.requests,
            bytes: s.counts.bytes,
            not_found: s.not_found,
            not_found_share: share(s.not_found, s.counts.requests),
        }
    };
    let clients = |key: fn(&Counts) -> u64| -> Vec<ClientHitter> {
        top_by(ips.len(), meta.top, |i| key(&ips[i].1.counts), |i| ips[i].0)
            .into_iter()
            .map(client)
            .collect()
    };

    // Hashed, then sorted once: a tree walked for each of ~10^5 addresses cost more.
    let mut by_asn: Map<u32, (Counts, u64)> = Map::default();
    for (_, s) in &ips {
        let e = by_asn.entry(s.location.asn).or_default();
        e.0.merge(s.counts);
        e.1 += s.not_found;
    }
    let mut asns: Vec<(u32, Counts, u64)> =
        by_asn.into_iter().map(|(a, (c, nf))| (a, c, nf)).collect();
    asns.sort_unstable_by_key(|a| a.0);
    let asn = |i: usize| {
        let (asn, c, nf) = asns[i];
        AsnHitter {
            asn,
            org: agg.asn_org(asn),
            requests: c.requests,
            bytes: c.bytes,
            not_found: nf,
            not_found_share: share(nf, c.requests),
        }
    };
    let asn_rows = |key: fn(&Counts) -> u64| -> Vec<AsnHitter> {
        top_by(asns.len(), meta.top, |i| key(&asns[i].1), |i| asns[i].0)
            .into_iter()
            .map(asn)
            .collect()
    };
    HeavyHitters {
        clients_by_bytes: clients(|c| c.bytes),
        clients_by_requests: clients(|c| c.requests),
        asns_by_bytes: asn_rows(|c| c.bytes),
        asns_by_requests: asn_rows(|c| c.requests),
    }
}

/// Median and 95th percentile by nearest rank of `rates` (sorted here).
fn speed(rates: &mut [u64]) -> SpeedRow {
    rates.sort_unstable();
    let rank = |p: u64| {
        let n = rates.len() as u64;
        // Nearest rank: the ceil(p/100 · n)-th smallest.
        rates[((p * n).div_ceil(100).max(1) - 1) as usize]
    };
    SpeedRow {
        responses: rates.len() as u64,
        median_bytes_per_sec: rank(50),
        p95_bytes_per_sec: rank(95),
    }
}

pub fn transfer_speed(agg: &Aggregate, top: usize) -> TransferSpeed {
    let mut by_version: std::collections::BTreeMap<u8, Vec<u64>> = Default::default();
    let mut by_asn: std::collections::BTreeMap<u32, Vec<u64>> = Default::default();
    for t in &agg.transfers {
        by_version.entry(t.ip_version).or_default().push(t.rate);
        by_asn.entry(t.asn).or_default().push(t.rate);
    }
    let ip_versions = by_version
        .into_iter()
        .map(|(version, mut r)| VersionSpeed {
            version,
            speed: speed(&mut r),
        })
        .collect();
    let mut asns: Vec<AsnSpeed> = by_asn
        .into_iter()
        .map(|(asn, mut r)| AsnSpeed {
            asn,
            org: agg.asn_org(asn),
            speed: speed(&mut r),
        })
        .collect();
    asns.sort_by(|a, b| {
        b.speed
            .responses
            .cmp(&a.speed.responses)
            .then(a.asn.cmp(&b.asn))
    });
    asns.truncate(top);
    TransferSpeed {
        min_bytes: crate::aggregate::SPEED_MIN_BYTES,
        ip_versions,
        asns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let s = speed(&mut [5, 1, 4, 2, 3]);
        assert_eq!(
            (s.responses, s.median_bytes_per_sec, s.p95_bytes_per_sec),
            (5, 3, 5)
        );
        let mut many: Vec<u64> = (1..=100).rev().collect();
        let s = speed(&mut many);
        assert_eq!((s.median_bytes_per_sec, s.p95_bytes_per_sec), (50, 95));
        let s = speed(&mut [7]);
        assert_eq!((s.median_bytes_per_sec, s.p95_bytes_per_sec), (7, 7));
    }
}
