//! The geo part of the report: which databases were used, and requests, visitors and bytes
//! per continent, country, autonomous system, and per country or AS and project.

use serde::Serialize;

use crate::aggregate::{Aggregate, Counts, LocationVisitors, Map};
use crate::enrich::geo::{DbInfo, countries};
use crate::parse::time::Day;

use super::{by_requests, text};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GeoDbRow {
    pub source: String,
    pub kind: &'static str,
    pub database_type: String,
    pub build_date: String,
    /// Set when the database is more than a year older than the log's last day.
    pub warning: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CountryRow {
    pub code: String,
    pub name: String,
    pub continent: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
    /// Of which over IPv6.
    pub ipv6_requests: u64,
    pub ipv6_bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ContinentRow {
    pub code: String,
    pub name: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AsnRow {
    /// 0 when unknown.
    pub asn: u32,
    pub org: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
    /// Of which over IPv6.
    pub ipv6_requests: u64,
    pub ipv6_bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CountryProjectRow {
    pub country: String,
    pub project: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AsnProjectRow {
    pub asn: u32,
    pub project: String,
    pub requests: u64,
    pub visitors: u64,
    pub bytes: u64,
}

/// Geo databases in use (all empty with `--no-geoip`), and the tables built with them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GeoTables {
    pub geoip: Vec<GeoDbRow>,
    pub continents: Vec<ContinentRow>,
    pub countries: Vec<CountryRow>,
    pub asns: Vec<AsnRow>,
    pub country_projects: Vec<CountryProjectRow>,
    /// For the top N ASNs.
    pub asn_projects: Vec<AsnProjectRow>,
}

fn code(c: [u8; 2]) -> String {
    text(&c)
}

fn stale(info: &DbInfo, last_day: Option<Day>) -> Option<String> {
    let built = crate::parse::time::day_key(info.build_date.parse().ok()?);
    let last = last_day?;
    // yyyymmdd numbers: 10000 apart is a year apart.
    (last > built + 10_000).then(|| {
        format!(
            "{} ({}) was built {}, more than a year before the log's last day {}",
            info.source,
            info.database_type,
            info.build_date,
            crate::parse::time::day_to_string(last)
        )
    })
}

impl GeoTables {
    /// The countries shown under a continent row; Unknown has one "country", itself, so
    /// none.
    pub fn countries_of<'a>(&'a self, continent: &'a str) -> impl Iterator<Item = &'a CountryRow> {
        self.countries
            .iter()
            .filter(move |k| k.continent == continent && continent != "--")
    }

    /// How many of `asns` (the first ones) are the top N that `asn_projects` breaks down.
    pub fn top_asns(&self) -> usize {
        let top: std::collections::HashSet<u32> = self.asn_projects.iter().map(|a| a.asn).collect();
        top.len().min(self.asns.len())
    }
}

pub fn build(agg: &Aggregate, lv: &LocationVisitors, infos: &[DbInfo], top: usize) -> GeoTables {
    if infos.is_empty() {
        return GeoTables {
            geoip: Vec::new(),
            continents: Vec::new(),
            countries: Vec::new(),
            asns: Vec::new(),
            country_projects: Vec::new(),
            asn_projects: Vec::new(),
        };
    }
    let geoip = infos
        .iter()
        .map(|i| GeoDbRow {
            source: i.source.clone(),
            kind: i.kind,
            database_type: i.database_type.clone(),
            build_date: i.build_date.clone(),
            warning: stale(i, agg.last_day),
        })
        .collect();

    // Requests and bytes by address (all, and IPv6), folded by location.
    type Both = (Counts, Counts);
    let mut by_country: Map<([u8; 2], [u8; 2]), Both> = Map::default();
    let mut by_asn: Map<u32, Both> = Map::default();
    // A store's stand-ins for visitors carry no requests.
    for ip in agg.ip_stats.iter().filter(|ip| ip.counts.requests > 0) {
        let l = ip.location;
        let v6 = match l.ip_version {
            6 => ip.counts,
            _ => Counts::default(),
        };
        for e in [
            by_country.entry((l.country, l.continent)).or_default(),
            by_asn.entry(l.asn).or_default(),
        ] {
            e.0.merge(ip.counts);
            e.1.merge(v6);
        }
    }
    let country_visitors = lv.by(|l| l.country);
    let continent_visitors = lv.by(|l| l.continent);
    let asn_visitors = lv.by(|l| l.asn);

    let mut countries: Vec<CountryRow> = by_country
        .iter()
        .map(|(&(c, continent), (n, v6))| CountryRow {
            code: code(c),
            name: agg
                .country_names
                .get(&c)
                .cloned()
                .unwrap_or_else(|| countries::name(&code(c)).to_string()),
            continent: code(continent),
            requests: n.requests,
            visitors: country_visitors.get(&c).copied().unwrap_or(0),
            bytes: n.bytes,
            ipv6_requests: v6.requests,
            ipv6_bytes: v6.bytes,
        })
        .collect();
    by_requests(&mut countries, |r| (r.requests, r.bytes, r.code.clone()));

    let mut per_continent: std::collections::BTreeMap<String, Counts> = Default::default();
    for r in &countries {
        per_continent
            .entry(r.continent.clone())
            .or_default()
            .merge(Counts {
                requests: r.requests,
                bytes: r.bytes,
            });
    }
    let mut continents: Vec<ContinentRow> = per_continent
        .into_iter()
        .map(|(c, n)| ContinentRow {
            name: countries::continent_name(&c).to_string(),
            visitors: continent_visitors
                .get(&[c.as_bytes()[0], c.as_bytes()[1]])
                .copied()
                .unwrap_or(0),
            code: c,
            requests: n.requests,
            bytes: n.bytes,
        })
        .collect();
    by_requests(&mut continents, |r| (r.requests, r.bytes, r.code.clone()));

    let mut asns: Vec<AsnRow> = by_asn
        .iter()
        .map(|(&asn, (n, v6))| AsnRow {
            asn,
            org: agg.asn_org(asn),
            requests: n.requests,
            visitors: asn_visitors.get(&asn).copied().unwrap_or(0),
            bytes: n.bytes,
            ipv6_requests: v6.requests,
            ipv6_bytes: v6.bytes,
        })
        .collect();
    by_requests(&mut asns, |r| (r.requests, r.bytes, r.asn));

    let project = |p: u32| text(agg.projects.get(p));
    let cp_visitors = lv.by_project(|l| l.country);
    let mut country_projects: Vec<CountryProjectRow> = agg
        .country_projects
        .iter()
        .map(|(&(c, p), n)| CountryProjectRow {
            country: code(c),
            project: project(p),
            requests: n.requests,
            visitors: cp_visitors.get(&(c, p)).copied().unwrap_or(0),
            bytes: n.bytes,
        })
        .collect();
    by_requests(&mut country_projects, |r| {
        (r.requests, r.bytes, (r.country.clone(), r.project.clone()))
    });

    // Networks are many: projects are broken down for the top N only.
    let top_asns: std::collections::HashSet<u32> = asns.iter().take(top).map(|r| r.asn).collect();
    let ap_visitors = lv.by_project(|l| l.asn);
    let mut asn_projects: Vec<AsnProjectRow> = agg
        .asn_projects
        .iter()
        .filter(|((asn, _), _)| top_asns.contains(asn))
        .map(|(&(asn, p), n)| AsnProjectRow {
            asn,
            project: project(p),
            requests: n.requests,
            visitors: ap_visitors.get(&(asn, p)).copied().unwrap_or(0),
            bytes: n.bytes,
        })
        .collect();
    by_requests(&mut asn_projects, |r| {
        (r.requests, r.bytes, (r.asn, r.project.clone()))
    });

    GeoTables {
        geoip,
        continents,
        countries,
        asns,
        country_projects,
        asn_projects,
    }
}
