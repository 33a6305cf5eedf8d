//! The mirror-insight panels (clients, nodes, IPv6 share, metadata vs payload, downloads,
//! heavy hitters, transfer speed) and GoAccess's other panels (vhosts, referrers, 404s,
//! static files, operating systems, browsers...) as plain cells, built once for the
//! terminal and the HTML dashboard alike.

use super::fmt::{human_bytes, percent, shares, shares_header, thousands};
use crate::report::Report;
use crate::report::panels::Cells;

pub struct Panel {
    pub id: &'static str,
    pub title: &'static str,
    pub head: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

fn panel(id: &'static str, title: &'static str, head: &[&'static str]) -> Panel {
    Panel {
        id,
        title,
        head: head.to_vec(),
        rows: Vec::new(),
    }
}

fn network(asn: u32, org: &str) -> String {
    match asn {
        0 => org.to_string(),
        n => format!("AS{n} {org}"),
    }
}

/// `n` bytes per second, in binary units.
fn rate(n: u64) -> String {
    format!("{}/s", human_bytes(n))
}

/// GoAccess's other panels that have rows.
fn goaccess_panels(r: &Report, out: &mut Vec<Panel>) {
    let t = &r.panels;
    let mut add = |id, title, labels: &[&'static str], rows: &[&dyn Cells]| {
        if rows.is_empty() {
            return;
        }
        let mut p = panel(id, title, &shares_header(labels));
        for row in rows {
            let [requests, visitors, bytes] = row.numbers();
            p.rows
                .push(shares(r, row.cells(), requests, visitors, bytes));
        }
        out.push(p);
    };
    fn dyns<R: Cells>(rows: &[R]) -> Vec<&dyn Cells> {
        rows.iter().map(|x| x as &dyn Cells).collect()
    }
    add(
        "vhosts",
        "Virtual hosts",
        &["Virtual host"],
        &dyns(&t.vhosts),
    );
    add("referrers", "Referrers", &["Referrer"], &dyns(&t.referrers));
    let sites = dyns(&t.referring_sites);
    add("referring-sites", "Referring sites", &["Site"], &sites);
    let request = &["Path", "Request"];
    add("not-found", "Not found (404)", request, &dyns(&t.not_found));
    add(
        "static-files",
        "Static files",
        request,
        &dyns(&t.static_files),
    );
    let version = |name| [name, "Version"];
    let os = dyns(&t.operating_systems);
    add(
        "operating-systems",
        "Operating systems",
        &version("System"),
        &os,
    );
    add(
        "browsers",
        "Browsers",
        &version("Browser"),
        &dyns(&t.browsers),
    );
    add(
        "remote-users",
        "Remote users",
        &["User"],
        &dyns(&t.remote_users),
    );
    let mime = dyns(t.mime_types.as_deref().unwrap_or_default());
    add("mime-types", "MIME types", &["Type"], &mime);
    let tls = dyns(t.tls.as_deref().unwrap_or_default());
    add("tls", "TLS", &["Version", "Cipher"], &tls);
    let cache = dyns(t.cache_status.as_deref().unwrap_or_default());
    add("cache-status", "Cache status", &["Status"], &cache);
}

/// The panels a report has data for, in the order they are shown.
pub fn panels(r: &Report) -> Vec<Panel> {
    let mut out = Vec::new();

    let mut p = panel("clients", "Clients", &shares_header(&["Client", "Version"]));
    for c in &r.clients {
        let labels = vec![c.name.clone(), c.version.clone().unwrap_or_default()];
        p.rows
            .push(shares(r, labels, c.requests, c.visitors, c.bytes));
    }
    out.push(p);

    if r.nodes.len() > 1 {
        let mut p = panel("nodes", "Nodes", &shares_header(&["Node"]));
        for n in &r.nodes {
            p.rows.push(shares(
                r,
                vec![n.name.clone()],
                n.requests,
                n.visitors,
                n.bytes,
            ));
        }
        out.push(p);
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
            label,
            thousands(requests),
            percent(v6r, requests),
            human_bytes(bytes),
            percent(v6b, bytes),
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

    let mut p = panel(
        "content",
        "Metadata and payload",
        &["Project", "Kind", "Requests", "%", "Bandwidth", "%"],
    );
    for c in &r.content {
        p.rows.push(vec![
            c.project.clone(),
            c.kind.to_string(),
            thousands(c.requests),
            percent(c.requests, r.summary.valid_requests),
            human_bytes(c.bytes),
            percent(c.bytes, r.summary.bandwidth_bytes),
        ]);
    }
    out.push(p);

    if !r.downloads.is_empty() {
        let mut p = panel(
            "downloads",
            "Image downloads",
            &["Path", "Size", "Completed", "Partial", "Bandwidth"],
        );
        for d in &r.downloads {
            p.rows.push(vec![
                d.path.clone(),
                human_bytes(d.size),
                thousands(d.completed),
                thousands(d.partial),
                human_bytes(d.bytes),
            ]);
        }
        out.push(p);
    }

    let h = &r.heavy_hitters;
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
                c.ip.clone().unwrap_or_else(|| format!("#{}", i + 1)),
                c.country.clone(),
                if c.asn == 0 {
                    "-".into()
                } else {
                    format!("AS{}", c.asn)
                },
                thousands(c.requests),
                human_bytes(c.bytes),
                percent(c.not_found, c.requests),
            ]);
        }
        out.push(p);
    }
    let mut p = panel(
        "heavy-networks",
        "Heavy networks by bandwidth",
        &["Network", "Requests", "Bandwidth", "404 %"],
    );
    for a in &h.asns_by_bytes {
        p.rows.push(vec![
            network(a.asn, &a.org),
            thousands(a.requests),
            human_bytes(a.bytes),
            percent(a.not_found, a.requests),
        ]);
    }
    out.push(p);

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
                format!("IPv{}", v.version),
                thousands(s.responses),
                rate(s.median_bytes_per_sec),
                rate(s.p95_bytes_per_sec),
            ]);
        }
        for a in &t.asns {
            let s = &a.speed;
            p.rows.push(vec![
                network(a.asn, &a.org),
                thousands(s.responses),
                rate(s.median_bytes_per_sec),
                rate(s.p95_bytes_per_sec),
            ]);
        }
        out.push(p);
    }
    out
}
