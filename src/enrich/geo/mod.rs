//! Geo and network enrichment: the country, continent and autonomous system of a client
//! address, from MaxMind-format databases (GeoLite2/GeoIP2 Country, City and ASN, DB-IP lite,
//! the flat ip-location-db schemas) or from the data embedded in the binary. Lookups are
//! cached by the caller per distinct address; this module is immutable and shared by all
//! threads.

pub mod asn_table;
pub mod countries;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use maxminddb::Reader;
use serde::Deserialize;

use asn_table::AsnTable;

/// A database's `kind` as outputs name it, from what it is used for.
pub fn kind_name(country: bool, asn: bool) -> &'static str {
    match (country, asn) {
        (true, true) => "country+asn",
        (false, true) => "asn",
        _ => "country",
    }
}

/// Where a location came from, for every output to name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbInfo {
    /// File path, or `embedded`.
    pub source: String,
    /// `country`, `asn` or `country+asn`.
    pub kind: &'static str,
    pub database_type: String,
    /// `YYYY-MM-DD`.
    pub build_date: String,
}

/// What is known about one address: country and continent codes (`--` when unknown), ASN
/// (0 when unknown) and IP version (4 or 6, v4-mapped IPv6 being 4; 0 when unknown, as in
/// a store written before versions were kept per visitor). Names are looked up on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Location {
    pub country: [u8; 2],
    pub continent: [u8; 2],
    pub asn: u32,
    pub ip_version: u8,
}

impl Location {
    pub const UNKNOWN: Location = Location {
        country: *b"--",
        continent: *b"--",
        asn: 0,
        ip_version: 0,
    };
}

/// The database bytes: mapped from a file, or embedded in the binary.
enum Bytes {
    Mapped(memmap2::Mmap),
    #[cfg_attr(not(feature = "embedded-geoip"), allow(dead_code))]
    Static(&'static [u8]),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Static(s) => s,
        }
    }
}

/// The fields of every schema we read; each database fills some of them. Field types
/// vary between vendors (an ASN as uint32, uint64 or "AS64500"; a country as a map or just
/// a name), so the variable ones are read leniently.
#[derive(Deserialize, Default)]
struct Record<'a> {
    #[serde(borrow)]
    country: Option<PlaceField<'a>>,
    #[serde(borrow)]
    continent: Option<PlaceField<'a>>,
    #[serde(borrow)]
    country_code: Option<&'a str>,
    #[serde(borrow)]
    continent_code: Option<&'a str>,
    autonomous_system_number: Option<AsNumber>,
    #[serde(borrow)]
    autonomous_system_organization: Option<&'a str>,
    asn: Option<AsNumber>,
    #[serde(borrow)]
    as_name: Option<&'a str>,
}

/// GeoLite2's `{iso_code, code, names}` map, or a bare name (ipinfo's flat schema).
#[derive(Deserialize)]
#[serde(untagged)]
enum PlaceField<'a> {
    #[serde(borrow)]
    Place(Place<'a>),
    #[serde(borrow)]
    Name(&'a str),
}

#[derive(Deserialize)]
struct Place<'a> {
    #[serde(borrow)]
    iso_code: Option<&'a str>,
    #[serde(borrow)]
    code: Option<&'a str>,
    #[serde(borrow)]
    names: Option<Names<'a>>,
}

#[derive(Deserialize)]
struct Names<'a> {
    #[serde(borrow)]
    en: Option<&'a str>,
}

impl<'a> PlaceField<'a> {
    fn place(&self) -> Option<&Place<'a>> {
        match self {
            PlaceField::Place(p) => Some(p),
            PlaceField::Name(_) => None,
        }
    }

    fn name(&self) -> Option<&'a str> {
        match self {
            PlaceField::Place(p) => p.names.as_ref().and_then(|n| n.en),
            PlaceField::Name(n) => Some(n),
        }
    }
}

/// An AS number stored as any unsigned integer type, or as text (`AS64500`).
struct AsNumber(u32);

impl<'de> Deserialize<'de> for AsNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<AsNumber, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = AsNumber;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an AS number")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<AsNumber, E> {
                u32::try_from(v).map(AsNumber).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AsNumber, E> {
                let digits = v.strip_prefix("AS").unwrap_or(v);
                digits.parse().map(AsNumber).map_err(E::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl<'a> Record<'a> {
    fn country(&self) -> Option<&'a str> {
        self.country
            .as_ref()
            .and_then(|c| c.place()?.iso_code)
            .or(self.country_code)
            .filter(|c| c.len() == 2 && c.is_ascii())
    }

    fn continent(&self) -> Option<&'a str> {
        self.continent
            .as_ref()
            .and_then(|c| c.place()?.code)
            .or(self.continent_code)
            .filter(|c| c.len() == 2 && c.is_ascii())
    }

    fn asn(&self) -> Option<(u32, Option<&'a str>)> {
        let n = self
            .autonomous_system_number
            .as_ref()
            .or(self.asn.as_ref())?
            .0;
        Some((n, self.autonomous_system_organization.or(self.as_name)))
    }
}

/// A MaxMind-format database and what it provides.
struct Mmdb {
    reader: Reader<Bytes>,
    country: bool,
    asn: bool,
}

/// Public addresses every real database knows; used to tell schemas apart when the
/// metadata's `database_type` does not say.
const PROBES: &[IpAddr] = &[
    IpAddr::V4(Ipv4Addr::new(8, 8, 8, 8)),
    IpAddr::V4(Ipv4Addr::new(1, 1, 1, 1)),
    IpAddr::V4(Ipv4Addr::new(9, 9, 9, 9)),
    IpAddr::V4(Ipv4Addr::new(81, 2, 69, 160)),
    IpAddr::V6(Ipv6Addr::new(0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888)),
];

impl Mmdb {
    fn new(reader: Reader<Bytes>) -> Mmdb {
        let t = reader.metadata().database_type.to_ascii_lowercase();
        let (mut country, mut asn) = (
            t.contains("country") || t.contains("city"),
            t.contains("asn"),
        );
        if !country && !asn {
            for &ip in PROBES {
                let record = decode(&reader, ip);
                country |= record.country().is_some();
                asn |= record.asn().is_some();
            }
        }
        Mmdb {
            reader,
            country,
            asn,
        }
    }

    fn info(&self, source: String, kind: &'static str) -> DbInfo {
        let meta = self.reader.metadata();
        DbInfo {
            source,
            kind,
            database_type: meta.database_type.clone(),
            build_date: jiff::Timestamp::from_second(meta.build_epoch as i64)
                .map(|t| t.strftime("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        }
    }
}

/// A record, or an empty one when the address is not in the database or its record does
/// not decode (a database we misread must not stop the run).
fn decode<'a>(reader: &'a Reader<Bytes>, ip: IpAddr) -> Record<'a> {
    reader
        .lookup(ip)
        .ok()
        .and_then(|r| r.decode::<Record<'a>>().ok().flatten())
        .unwrap_or_default()
}

enum AsnSource {
    Mmdb(usize),
    #[cfg_attr(not(feature = "embedded-geoip"), allow(dead_code))]
    Table(AsnTable<'static>),
}

/// The databases in use: at most one for countries and one for ASNs.
#[derive(Default)]
pub struct Geo {
    dbs: Vec<Mmdb>,
    country: Option<usize>,
    asn: Option<AsnSource>,
    pub infos: Vec<DbInfo>,
}

/// Maps one database file; errors name it.
fn open(path: &Path) -> Result<Reader<Bytes>, String> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("geo database {shown}: {e}"))?;
    // SAFETY: the map is read-only. Database updaters (geoipupdate) replace files by
    // renaming a new one into place, which leaves this mapping intact.
    let map =
        unsafe { memmap2::Mmap::map(&file) }.map_err(|e| format!("geo database {shown}: {e}"))?;
    // maxminddb's reasons repeat themselves ("invalid database: could not find MaxMind DB
    // metadata in file"); what matters is that this is not such a file.
    Reader::from_source(Bytes::Mapped(map)).map_err(|_| {
        format!("geo database {shown}: not a MaxMind-format (.mmdb) file; give a GeoLite2, DB-IP or ip-location-db .mmdb")
    })
}

#[cfg(feature = "embedded-geoip")]
mod embedded {
    pub const COUNTRY: &[u8] = include_bytes!("../../../data/geoip/geo-whois-asn-country.mmdb");
    pub const ASN: &[u8] = include_bytes!("../../../data/geoip/asn.bin");
}

/// Licence and attribution of the embedded data, for `--version`.
pub const EMBEDDED_ATTRIBUTION: &str = if cfg!(feature = "embedded-geoip") {
    "Embedded geo data (data/geoip/):
  countries: ip-location-db geo-whois-asn-country (CC0-1.0 per its package; its README credits
    NRO statistics, CC BY 4.0, nro.net)
  ASNs: ip-location-db asn (CC BY 4.0): RouteViews (routeviews.org), DB-IP IP to ASN Lite
    (https://db-ip.com, IP Geolocation by DB-IP), NRO (nro.net)"
} else {
    "Built without embedded geo data."
};

impl Geo {
    /// Builds the set from candidate database layers, highest priority first: for countries
    /// and for ASNs, the first layer holding such a database wins; the embedded data fills
    /// what none provides. A file that cannot be opened is an error naming it.
    pub fn resolve(layers: &[Vec<PathBuf>], embedded: bool) -> Result<Geo, String> {
        let mut geo = Geo::default();
        for layer in layers {
            let mut opened = Vec::new();
            for path in layer {
                opened.push((path.display().to_string(), Mmdb::new(open(path)?)));
            }
            let want_country = geo.country.is_none() && opened.iter().any(|(_, d)| d.country);
            let want_asn = geo.asn.is_none() && opened.iter().any(|(_, d)| d.asn);
            for (source, db) in opened {
                let country = want_country && db.country && geo.country.is_none();
                let asn = want_asn && db.asn && geo.asn.is_none();
                if country || asn {
                    geo.add(source, db, country, asn);
                }
            }
        }
        if embedded {
            geo.add_embedded()?;
        }
        Ok(geo)
    }

    fn add(&mut self, source: String, db: Mmdb, country: bool, asn: bool) {
        let i = self.dbs.len();
        self.infos.push(db.info(source, kind_name(country, asn)));
        self.dbs.push(db);
        if country {
            self.country = Some(i);
        }
        if asn {
            self.asn = Some(AsnSource::Mmdb(i));
        }
    }

    #[cfg(feature = "embedded-geoip")]
    fn add_embedded(&mut self) -> Result<(), String> {
        if self.country.is_none() {
            let reader = Reader::from_source(Bytes::Static(embedded::COUNTRY))
                .map_err(|e| format!("embedded country data: {e}"))?;
            self.add("embedded".into(), Mmdb::new(reader), true, false);
        }
        if self.asn.is_none() {
            let table = AsnTable::parse(embedded::ASN)?;
            self.infos.push(DbInfo {
                source: "embedded".into(),
                kind: kind_name(false, true),
                database_type: "ip-location-db asn (fsmg-stats range table)".into(),
                build_date: crate::parse::time::day_to_string(table.build_date),
            });
            self.asn = Some(AsnSource::Table(table));
        }
        Ok(())
    }

    #[cfg(not(feature = "embedded-geoip"))]
    fn add_embedded(&mut self) -> Result<(), String> {
        Ok(())
    }

    /// Whether any database is in use.
    pub fn is_enabled(&self) -> bool {
        !self.infos.is_empty()
    }

    /// Location of an address, with the country's and the AS's names when the database
    /// has them and `cache` had not seen the record yet. Private, shared (CGNAT), loopback
    /// and link-local addresses are unknown without a lookup; v4-mapped IPv6 is looked up
    /// as IPv4.
    pub fn locate(
        &self,
        ip: IpAddr,
        cache: &mut GeoCache,
    ) -> (Location, Option<&str>, Option<&str>) {
        let ip = ip.to_canonical();
        let mut loc = Location {
            ip_version: if ip.is_ipv4() { 4 } else { 6 },
            ..Location::UNKNOWN
        };
        if !is_public(ip) {
            return (loc, None, None);
        }
        let (mut country_name, mut org) = (None, None);
        let country_hit = self.country.map(|i| (i, self.fields(i, ip, cache)));
        if let Some((_, (fields, name, _))) = country_hit
            && let Some(country) = fields.country
        {
            let continent = fields.continent.unwrap_or(*b"--");
            (loc.country, loc.continent, country_name) = (country, continent, name);
        }
        match &self.asn {
            Some(AsnSource::Mmdb(i)) => {
                // One database for both: its record was just read.
                let (fields, _, name) = match country_hit {
                    Some((j, hit)) if j == *i => hit,
                    _ => self.fields(*i, ip, cache),
                };
                if let Some(n) = fields.asn {
                    (loc.asn, org) = (n, name);
                }
            }
            Some(AsnSource::Table(t)) => {
                if let Some(n) = t.lookup(ip) {
                    (loc.asn, org) = (n, t.org(n));
                }
            }
            None => {}
        }
        (loc, country_name, org)
    }

    /// The fields of `ip`'s record in database `db`, decoded once per record and thread.
    fn fields(
        &self,
        db: usize,
        ip: IpAddr,
        cache: &mut GeoCache,
    ) -> (Fields, Option<&str>, Option<&str>) {
        let reader = &self.dbs[db].reader;
        let Some(found) = reader.lookup(ip).ok() else {
            return (Fields::default(), None, None);
        };
        let Some(offset) = found.offset() else {
            return (Fields::default(), None, None);
        };
        if let Some(f) = cache.records.get(&(db, offset)) {
            return (*f, None, None);
        }
        let record: Record<'_> = found.decode().ok().flatten().unwrap_or_default();
        let two = |s: &str| [s.as_bytes()[0], s.as_bytes()[1]];
        let country = record.country();
        let continent = record.continent().or(country.map(countries::continent));
        let asn = record.asn();
        let fields = Fields {
            country: country.map(two),
            continent: continent.map(two),
            asn: asn.map(|a| a.0),
        };
        cache.records.insert((db, offset), fields);
        let name = record.country.as_ref().and_then(PlaceField::name);
        (fields, name, asn.and_then(|a| a.1))
    }
}

/// What one database record says, as far as we use it.
#[derive(Debug, Clone, Copy, Default)]
struct Fields {
    country: Option<[u8; 2]>,
    continent: Option<[u8; 2]>,
    asn: Option<u32>,
}

/// Per-thread memo of decoded records by (database, record offset): a country database
/// has a few hundred distinct records for all the addresses of the Internet.
#[derive(Default, Clone)]
pub struct GeoCache {
    /// Keys are the database's record offsets, not the log's text: a fast hash will do.
    records: hashbrown::HashMap<(usize, usize), Fields, foldhash::fast::RandomState>,
}

/// Whether an address can be in a geo database at all.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            let cgnat = a == 100 && (64..128).contains(&b);
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || cgnat)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            let unique_local = first & 0xfe00 == 0xfc00;
            let link_local = first & 0xffc0 == 0xfe80;
            !(v6.is_loopback() || v6.is_unspecified() || unique_local || link_local)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_shared_addresses_are_not_looked_up() {
        for s in [
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.5",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "169.254.1.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(
                !is_public(s.parse::<IpAddr>().unwrap().to_canonical()),
                "{s}"
            );
        }
        for s in ["100.128.0.1", "8.8.8.8", "2404:4408::1", "::ffff:8.8.8.8"] {
            assert!(
                is_public(s.parse::<IpAddr>().unwrap().to_canonical()),
                "{s}"
            );
        }
    }

    #[cfg(feature = "embedded-geoip")]
    #[test]
    fn embedded_data_locates_well_known_networks() {
        let geo = Geo::resolve(&[], true).unwrap();
        assert_eq!(geo.infos.len(), 2);
        let cache = &mut GeoCache::default();
        let (loc, _, org) = geo.locate("8.8.8.8".parse().unwrap(), cache);
        assert_eq!(loc.asn, 15169);
        assert!(org.is_some_and(|o| o.contains("Google")), "{org:?}");
        assert_eq!(&loc.country, b"US");
        // Same record again: from the cache, same answer, names already given.
        let (again, name, _) = geo.locate("8.8.4.4".parse().unwrap(), cache);
        assert_eq!((again.country, name), (loc.country, None));
        assert_eq!(&loc.continent, b"NA");
        // REANNZ and a v4-mapped address in New Zealand.
        let (loc, _, _) = geo.locate("::ffff:202.36.244.1".parse().unwrap(), cache);
        assert_eq!(&loc.country, b"NZ");
        assert_eq!(&loc.continent, b"OC");
        assert_eq!(loc.ip_version, 4);
        let (loc, _, _) = geo.locate("10.0.0.1".parse().unwrap(), cache);
        assert_eq!(
            loc,
            Location {
                ip_version: 4,
                ..Location::UNKNOWN
            }
        );
    }
}
