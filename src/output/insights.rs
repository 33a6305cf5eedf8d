//! The mirror-insight panels (clients, nodes, IPv6 share, metadata vs payload, downloads,
//! heavy hitters, transfer speed) and GoAccess's other panels (vhosts, referrers, 404s,
//! static files, operating systems, browsers...) as plain cells, built once for the
//! terminal and the HTML dashboard alike.

use super::fmt::{Cell, Metric, shares, shares_header};
use crate::aggregate::panels::{
    BROWSERS, CACHE, MIME, NOT_FOUND, REFERRERS, SITES, STATIC_FILES, SYSTEMS, TLS, USERS, VHOSTS,
};
use crate::report::Report;
use crate::report::insights::HeavyHitters;
use crate::report::panels::{Cells, Whole};

pub struct Panel {
    pub id: &'static str,
    pub title: &'static str,
    pub head: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// What all the panel's keys add up to, when its rows partition something: the
    /// dashboard's "others" row is the part its rows shown leave.
    pub whole: Option<Whole>,
}

pub fn panel(id: &'static str, title: &'static str, head: &[&'static str]) -> Panel {
    Panel {
        id,
        title,
        head: head.to_vec(),
        rows: Vec::new(),
        whole: None,
    }
}

/// A panel of [`shares`] rows, each a key's label cells and its requests, visitors and
/// bytes, with its [`Panel::whole`].
pub fn shares_panel(
    r: &Report,
    (id, title): (&'static str, &'static str),
    labels: &[&'static str],
    rows: impl IntoIterator<Item = (Vec<String>, [u64; 3])>,
    whole: Option<Whole>,
) -> Panel {
    let mut p = panel(id, title, &shares_header(labels));
    for (label, [requests, visitors, bytes]) in rows {
        p.rows.push(shares(r, label, requests, visitors, bytes));
    }
    p.whole = whole;
    p
}

pub fn network(asn: u32, org: &str) -> String {
    match asn {
        0 => org.to_string(),
        n => format!("AS{n} {org}"),
    }
}

/// GoAccess's other panels that have rows.
fn goaccess_panels(r: &Report, out: &mut Vec<Panel>) {
    let t = &r.panels;
    let mut add = |id, title, labels: &[&'static str], rows: &[&dyn Cells], whole: usize| {
        if rows.is_empty() {
            return;
        }
        let rows = rows.iter().map(|row| (row.cells(), row.numbers()));
        let whole = Some(t.wholes[whole]);
        out.push(shares_panel(r, (id, title), labels, rows, whole));
    };
    fn dyns<R: Cells>(rows: &[R]) -> Vec<&dyn Cells> {
        rows.iter().map(|x| x as &dyn Cells).collect()
    }
    add(
        "vhosts",
        "Virtual hosts",
        &["Virtual host"],
        &dyns(t.vhosts.as_deref().unwrap_or_default()),
        VHOSTS,
    );
    let referrers = dyns(t.referrers.as_deref().unwrap_or_default());
    add(
        "referrers",
        "Referrers",
        &["Referrer"],
        &referrers,
        REFERRERS,
    );
    let sites = dyns(t.referring_sites.as_deref().unwrap_or_default());
    add(
        "referring-sites",
        "Referring sites",
        &["Site"],
        &sites,
        SITES,
    );
    let request = &["Path", "Request"];
    let missing = dyns(t.not_found.as_deref().unwrap_or_default());
    add("not-found", "Not found (404)", request, &missing, NOT_FOUND);
    let statics = dyns(t.static_files.as_deref().unwrap_or_default());
    add(
        "static-files",
        "Static files",
        request,
        &statics,
        STATIC_FILES,
    );
    let version = |name| [name, "Version"];
    let os = dyns(t.operating_systems.as_deref().unwrap_or_default());
    add(
        "operating-systems",
        "Operating systems",
        &version("System"),
        &os,
        SYSTEMS,
    );
    let browsers = dyns(t.browsers.as_deref().unwrap_or_default());
    add(
        "browsers",
        "Browsers",
        &version("Browser"),
        &browsers,
        BROWSERS,
    );
    let users = dyns(t.remote_users.as_deref().unwrap_or_default());
    add("remote-users", "Remote users", &["User"], &users, USERS);
    let mime = dyns(t.mime_types.as_deref().unwrap_or_default());
    add("mime-types", "MIME types", &["Type"], &mime, MIME);
    let tls = dyns(t.tls.as_deref().unwrap_or_default());
    add("tls", "TLS", &["Version", "Cipher"], &tls, TLS);
    let cache = dyns(t.cache_status.as_deref().unwrap_or_default());
    add("cache-status", "Cache status", &["Status"], &cache, CACHE);
}

/// The panels a report has data for, in the order they are shown.
pub fn panels(r: &Report) -> Vec<Panel> {
    let mut out = Vec::new();

    if let Some(clients) = &r.clients {
        let clients = clients.iter().map(|c| {
            let labels = vec![c.name.clone(), c.version.clone().unwrap_or_default()];
            (labels, [c.requests, c.visitors, c.bytes])
        });
        let id = ("clients", "Clients");
        let whole = Some(Whole::of(r, None));
        out.push(shares_panel(r, id, &["Client", "Version"], clients, whole));
    }

    if r.nodes.len() > 1 {
        let nodes =
            (r.nodes.iter()).map(|n| (vec![n.name.clone()], [n.requests, n.visitors, n.bytes]));
        let whole = Some(Whole::of(r, Some(r.nodes.len() as u64)));
        out.push(shares_panel(r, ("nodes", "Nodes"), &["Node"], nodes, whole));
    }

    goaccess_panels(r, &mut out);

    let mut p = panel(
        "ipv6",
        "IPv6 share",
        &[
            "Project / country / network",
            "Requests",
            "IPv6 %",
            "Bandwidth",
            "IPv6 %",
        ],
    );
    let mut row = |label: String, requests: u64, v6r: u64, bytes: u64, v6b: u64| {
        p.rows.push(vec![
            Cell::Text(label),
            Cell::requests(requests),
            Cell::Share(Metric::Other, v6r, requests),
            Cell::bytes(bytes),
            Cell::Share(Metric::Other, v6b, bytes),
        ]);
    };
    for x in &r.projects {
        row(
            x.name.clone(),
            x.requests,
            x.ipv6_requests,
            x.bytes,
            x.ipv6_bytes,
        );
    }
    for c in r.geo.countries.iter().take(r.geo.top_asns().max(1)) {
        let label = format!("{} {}", c.code, c.name);
        row(label, c.requests, c.ipv6_requests, c.bytes, c.ipv6_bytes);
    }
    for a in &r.geo.asns[..r.geo.top_asns()] {
        row(
            network(a.asn, &a.org),
            a.requests,
            a.ipv6_requests,
            a.bytes,
            a.ipv6_bytes,
        );
    }
    out.push(p);

    if let Some(content) = &r.content {
        let mut p = panel(
            "content",
            "Metadata and payload",
            &["Project", "Kind", "Requests", "%", "Bandwidth", "%"],
        );
        for c in content {
            p.rows.push(vec![
                Cell::Text(c.project.clone()),
                Cell::Text(c.kind.to_string()),
                Cell::requests(c.requests),
                Cell::Share(Metric::Requests, c.requests, r.summary.valid_requests),
                Cell::bytes(c.bytes),
                Cell::Share(Metric::Bytes, c.bytes, r.summary.bandwidth_bytes),
            ]);
        }
        p.whole = Some(Whole::of(r, Some(content.len() as u64)));
        out.push(p);
    }

    if let Some(downloads) = r.downloads.as_ref().filter(|d| !d.is_empty()) {
        let mut p = panel(
            "downloads",
            "Image downloads",
            &["Path", "Size", "Completed", "Partial", "Bandwidth"],
        );
        for d in downloads {
            p.rows.push(vec![
                Cell::Text(d.path.clone()),
                Cell::bytes(d.size),
                Cell::count(d.completed),
                Cell::count(d.partial),
                Cell::bytes(d.bytes),
            ]);
        }
        out.push(p);
    }

    if let Some(h) = &r.heavy_hitters {
        heavy_hitters(r, h, &mut out);
    }
    if let Some(t) = &r.transfer_speed {
        let mut p = panel(
            "speed",
            "Transfer speed (responses over 1 MB)",
            &[
                "IP version / network",
                "Responses",
                "Median",
                "95th percentile",
            ],
        );
        for v in &t.ip_versions {
            let s = &v.speed;
            p.rows.push(vec![
                Cell::Text(format!("IPv{}", v.version)),
                Cell::count(s.responses),
                Cell::Rate(s.median_bytes_per_sec),
                Cell::Rate(s.p95_bytes_per_sec),
            ]);
        }
        for a in &t.asns {
            let s = &a.speed;
            p.rows.push(vec![
                Cell::Text(network(a.asn, &a.org)),
                Cell::count(s.responses),
                Cell::Rate(s.median_bytes_per_sec),
                Cell::Rate(s.p95_bytes_per_sec),
            ]);
        }
        out.push(p);
    }
    out
}

/// The heavy hitters' panels: clients by bandwidth and by requests, networks by bandwidth.
fn heavy_hitters(r: &Report, h: &HeavyHitters, out: &mut Vec<Panel>) {
    let head = &[
        "Client",
        "Country",
        "Network",
        "Requests",
        "Bandwidth",
        "404 %",
    ];
    for (id, title, rows) in [
        (
            "heavy-bytes",
            "Heavy hitters by bandwidth",
            &h.clients_by_bytes,
        ),
        (
            "heavy-requests",
            "Heavy hitters by requests",
            &h.clients_by_requests,
        ),
    ] {
        let mut p = panel(id, title, head);
        for (i, c) in rows.iter().enumerate() {
            p.rows.push(vec![
                Cell::Text(c.ip.clone().unwrap_or_else(|| format!("#{}", i + 1))),
                Cell::Text(c.country.clone()),
                Cell::Text(if c.asn == 0 {
                    "-".into()
                } else {
                    format!("AS{}", c.asn)
                }),
                Cell::requests(c.requests),
                Cell::bytes(c.bytes),
                Cell::Share(Metric::Other, c.not_found, c.requests),
            ]);
        }
        p.whole = Some(Whole::of(r, None));
        out.push(p);
    }
    let mut p = panel(
        "heavy-networks",
        "Heavy networks by bandwidth",
        &["Network", "Requests", "Bandwidth", "404 %"],
    );
    for a in &h.asns_by_bytes {
        p.rows.push(vec![
            Cell::Text(network(a.asn, &a.org)),
            Cell::requests(a.requests),
            Cell::bytes(a.bytes),
            Cell::Share(Metric::Other, a.not_found, a.requests),
        ]);
    }
    p.whole = Some(Whole::of(r, Some(r.geo.asns.len() as u64)));
    out.push(p);
}
