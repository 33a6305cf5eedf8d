//! How much of the address space real traffic comes from the embedded data covers:
//! random addresses that an independent database (the GeoLite2-Country test DB in
//! tests/data/geoip) places in a country, and the share of them the embedded data places in
//! a country and in an AS; and random addresses the independent GeoLite2-ASN test DB places
//! in an AS (announced in BGP: the space traffic can come from, as a client must be
//! reachable), and the share of them the embedded data places in an AS. Also times a
//! lookup. Figures go to BENCHMARKS.md.
//!
//!   cargo bench --bench geo_coverage

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::time::Instant;

use fsmg_stats::enrich::geo::{Geo, GeoCache};

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/geoip");
    let reference = Geo::resolve(
        &[vec![
            dir.join("GeoLite2-Country.mmdb"),
            dir.join("GeoLite2-ASN.mmdb"),
        ]],
        false,
    )
    .expect("test databases");
    let embedded = Geo::resolve(&[], true).expect("embedded data");
    let mut rng = fastrand::Rng::with_seed(7);
    for (family, sample) in [("IPv4", 400_000usize), ("IPv6", 400_000)] {
        let (mut known, mut country, mut asn) = (0u64, 0u64, 0u64);
        // Addresses the reference places in an AS, and those of them the embedded data does.
        let (mut announced, mut announced_asn) = (0u64, 0u64);
        let (ref_cache, cache) = (&mut GeoCache::default(), &mut GeoCache::default());
        let mut elapsed = std::time::Duration::ZERO;
        for _ in 0..sample {
            let ip = if family == "IPv4" {
                IpAddr::V4(Ipv4Addr::from(rng.u32(..)))
            } else {
                // Global unicast, in the /32s the registries have handed out most.
                let hi = 0x2000_0000u32 | (rng.u32(..) & 0x0fff_ffff);
                IpAddr::V6(Ipv6Addr::from(
                    (u128::from(hi) << 96) | u128::from(rng.u64(..)),
                ))
            };
            let expected = reference.locate(ip, ref_cache).0;
            let t = Instant::now();
            let (loc, _, _) = embedded.locate(ip, cache);
            elapsed += t.elapsed();
            if expected.asn != 0 {
                announced += 1;
                announced_asn += u64::from(loc.asn != 0);
            }
            if &expected.country == b"--" {
                continue;
            }
            known += 1;
            country += u64::from(&loc.country != b"--");
            asn += u64::from(loc.asn != 0);
        }
        let pct = |n: u64| n as f64 * 100.0 / known.max(1) as f64;
        println!(
            "{family}: {known} of {sample} random addresses located by GeoLite2; embedded data: \
             country {:.2}%, ASN {:.2}%; {:.0} ns per lookup",
            pct(country),
            pct(asn),
            elapsed.as_nanos() as f64 / sample as f64
        );
        println!(
            "{family}: {announced} of {sample} random addresses in an AS by GeoLite2-ASN; \
             embedded data: ASN {:.2}%",
            announced_asn as f64 * 100.0 / announced.max(1) as f64
        );
    }
}
