//! ISO 3166 country codes to names and continents, for databases that carry only a code
//! (the flat `country_code` schema). Names and continents come from keshvar; a few codes
//! that databases use but ISO does not assign are added here.

use keshvar::{Alpha2, Continent};

/// Continent codes and names as GeoLite2 and GoAccess use them; `--` is unknown.
pub const CONTINENTS: &[(&str, &str)] = &[
    ("AF", "Africa"),
    ("AN", "Antarctica"),
    ("AS", "Asia"),
    ("EU", "Europe"),
    ("NA", "North America"),
    ("OC", "Oceania"),
    ("SA", "South America"),
    ("--", "Unknown"),
];

/// Codes in use by geo databases that keshvar (ISO 3166-1) does not know.
const EXTRA: &[(&str, &str, &str)] = &[
    ("XK", "Kosovo", "EU"),
    ("EU", "Europe", "EU"),
    ("AP", "Asia/Pacific Region", "AS"),
];

/// The short names GeoLite2 (and so GoAccess) shows where ISO's are long.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("BO", "Bolivia"),
    ("BN", "Brunei"),
    ("CD", "DR Congo"),
    ("CZ", "Czechia"),
    ("FM", "Micronesia"),
    ("GB", "United Kingdom"),
    ("IR", "Iran"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("LA", "Laos"),
    ("MD", "Moldova"),
    ("PS", "Palestine"),
    ("RU", "Russia"),
    ("SY", "Syria"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("US", "United States"),
    ("VE", "Venezuela"),
    ("VN", "Vietnam"),
];

fn lookup(code: &str) -> Option<(&'static str, &'static str)> {
    if let Some(&(_, name, continent)) = EXTRA.iter().find(|e| e.0 == code) {
        return Some((name, continent));
    }
    let short = SHORT_NAMES.iter().find(|e| e.0 == code).map(|e| e.1);
    let country = Alpha2::try_from(code).ok()?.to_country();
    let continent = match country.continent() {
        Continent::Africa => "AF",
        Continent::Antarctica => "AN",
        Continent::Asia => "AS",
        // keshvar's "Australia" is the continent GeoLite2 calls Oceania.
        Continent::Australia => "OC",
        Continent::Europe => "EU",
        Continent::NorthAmerica => "NA",
        Continent::SouthAmerica => "SA",
    };
    Some((short.unwrap_or(country.iso_short_name()), continent))
}

/// English name of a country code; `Unknown` for `--` or codes nobody assigned.
pub fn name(code: &str) -> &'static str {
    lookup(code).map_or("Unknown", |l| l.0)
}

/// Continent code of a country code; `--` when unknown.
pub fn continent(code: &str) -> &'static str {
    lookup(code).map_or("--", |l| l.1)
}

/// Name of a continent code.
pub fn continent_name(code: &str) -> &'static str {
    CONTINENTS
        .iter()
        .find(|c| c.0 == code)
        .map_or("Unknown", |c| c.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_to_names_and_continents() {
        for (code, continent) in [
            ("NZ", "OC"),
            ("AU", "OC"),
            ("VU", "OC"),
            ("FJ", "OC"),
            ("DE", "EU"),
            ("US", "NA"),
            ("BR", "SA"),
            ("CN", "AS"),
            ("ZA", "AF"),
            ("AQ", "AN"),
            ("XK", "EU"),
            ("--", "--"),
            ("ZZ", "--"),
        ] {
            assert_eq!(super::continent(code), continent, "{code}");
        }
        assert_eq!(name("NZ"), "New Zealand");
        assert_eq!(name("GB"), "United Kingdom");
        assert_eq!(name("XK"), "Kosovo");
        assert_eq!(name("--"), "Unknown");
        assert_eq!(continent_name("OC"), "Oceania");
        assert_eq!(continent_name("--"), "Unknown");
    }

    #[test]
    fn every_iso_code_has_a_continent() {
        for country in keshvar::CountryIterator::new() {
            let code = country.alpha2().to_string();
            assert_ne!(continent(&code), "--", "{code}");
        }
    }
}
