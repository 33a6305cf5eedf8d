//! Geo databases: which one is used, named in every output; per-country numbers.

use predicates::prelude::*;
use serde_json::Value;

use crate::util::*;

fn test_db() -> String {
    repo()
        .join("tests/data/geoip/GeoLite2-Country.mmdb")
        .display()
        .to_string()
}

fn sources(r: &Value) -> Vec<(String, String)> {
    r["geoip"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let source = d["source"].as_str().unwrap();
            let source = if source == "embedded" {
                "embedded"
            } else {
                "file"
            };
            (source.to_string(), d["kind"].as_str().unwrap().to_string())
        })
        .collect()
}

fn log(dir: &std::path::Path, date: &str) -> String {
    let p = dir.join("access.log");
    let mut text = String::new();
    for (ip, status) in [
        ("8.8.8.8", 200),
        ("8.8.4.4", 200),
        ("202.36.244.1", 200),
        ("202.36.244.1", 404),
        ("10.1.1.1", 200),
        ("::ffff:8.8.8.8", 200),
    ] {
        text.push_str(&format!(
            "{ip} - - [{date}:10:00:00 +1300] \"GET /debian/a.deb HTTP/1.1\" {status} 100 \"-\" \"APT\"\n"
        ));
    }
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn embedded_data_by_default_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let r = report(&[&log(tmp.path(), "01/Jan/2019")]);
    assert_eq!(
        sources(&r),
        [
            ("embedded".into(), "country".into()),
            ("embedded".into(), "asn".into())
        ]
    );
    let countries: Vec<(&str, u64, u64)> = r["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap(),
                c["requests"].as_u64().unwrap(),
                c["visitors"].as_u64().unwrap(),
            )
        })
        .collect();
    // US: two addresses plus the v4-mapped one (its own visitor: a different IP text).
    // NZ: the 404 counts as a request, not a visitor. 10/8 is private: unknown.
    assert_eq!(countries, [("US", 3, 3), ("NZ", 2, 1), ("--", 1, 1)]);
    let google = r["asns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["asn"] == 15169)
        .unwrap();
    assert_eq!(google["requests"], 3);
    assert_eq!(r["continents"][0]["code"], "NA");
    assert_eq!(r["country_projects"][0]["project"], "debian");
}

#[test]
fn flag_beats_environment_and_fills_only_its_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let path = log(tmp.path(), "01/Jan/2019");
    let r = report(&["--geoip-db", &test_db(), &path]);
    assert_eq!(
        sources(&r),
        [
            ("file".into(), "country".into()),
            ("embedded".into(), "asn".into())
        ]
    );
    assert_eq!(r["geoip"][0]["database_type"], "GeoLite2-Country");
    assert_eq!(r["geoip"][0]["build_date"], "2019-12-24");
    // GoAccess's spelling of the flag; and the environment when no flag is given.
    let alias = report(&["--geoip-database", &test_db(), &path]);
    assert_eq!(alias["geoip"], r["geoip"]);
    let env = json_of(
        fsmg()
            .env("FSMG_STATS_GEOIP", test_db())
            .args(["--format", "json", "-q", &path]),
    );
    assert_eq!(env["geoip"], r["geoip"]);
    // The flag gave no ASN database, so the environment's layer is consulted for one: a
    // path there that does not exist is an error, not silently skipped.
    fsmg()
        .env("FSMG_STATS_GEOIP", "/nonexistent/x.mmdb")
        .args(["--geoip-db", &test_db(), &path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/x.mmdb"));
}

#[test]
fn missing_or_bad_database_is_a_usage_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let path = log(tmp.path(), "01/Jan/2019");
    fsmg()
        .args(["--geoip-db", "/nonexistent/GeoLite2-Country.mmdb", &path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "/nonexistent/GeoLite2-Country.mmdb",
        ));
    fsmg()
        .args(["--geoip-db", &path, &path])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "not a MaxMind-format (.mmdb) file",
        ));
}

#[test]
fn no_geoip_and_stale_database_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let path = log(tmp.path(), "01/Jan/2019");
    let r = report(&["--no-geoip", &path]);
    assert_eq!(r["geoip"], serde_json::json!([]));
    assert_eq!(r["countries"], serde_json::json!([]));
    let path = log(tmp.path(), "05/Mar/2021");
    let r = report(&["--geoip-db", &test_db(), &path]);
    assert!(
        r["geoip"][0]["warning"]
            .as_str()
            .unwrap()
            .contains("2019-12-24")
    );
    assert!(r["geoip"][1]["warning"].is_null());
    fsmg()
        .args(["--format", "json", "--geoip-db", &test_db(), &path])
        .assert()
        .success()
        .stderr(predicate::str::contains("more than a year before"));
}

#[test]
fn version_names_the_embedded_data_and_its_licences() {
    fsmg()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains("DB-IP").and(predicate::str::contains("CC BY 4.0")));
}

/// Writes an mmdb of `database_type` with one record for 8.8.8.0/24 and 2001:4860::/32.
fn mmdb(dir: &std::path::Path, database_type: &str, record: Value) -> String {
    let mut w = mmdb_writer::Writer::new(database_type);
    for net in ["8.8.8.0/24", "2001:4860::/32"] {
        w.insert(net.parse::<mmdb_writer::ipnet::IpNet>().unwrap(), &record)
            .unwrap();
    }
    let path = dir.join(format!("{}.mmdb", database_type.replace(' ', "-")));
    std::fs::write(&path, w.to_bytes().unwrap()).unwrap();
    path.display().to_string()
}

/// (source, kind) of each database, the busiest known country and the busiest known AS.
fn located(args: &[&str], log: &str) -> (Vec<(String, String)>, Value, Value) {
    let mut all: Vec<&str> = args.to_vec();
    all.push(log);
    let r = report(&all);
    let us = r["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] != "--")
        .cloned()
        .unwrap_or(Value::Null);
    let asn = r["asns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["asn"] != 0)
        .cloned()
        .unwrap_or(Value::Null);
    (sources(&r), us, asn)
}

#[test]
fn schemas_are_told_apart_by_content() {
    use serde_json::json;
    let tmp = tempfile::tempdir().unwrap();
    let log = log(tmp.path(), "01/Jan/2019");
    let embedded = || ("embedded".to_string(), "asn".to_string());

    // GeoLite2-ASN: an ASN database; countries stay embedded.
    let db = mmdb(
        tmp.path(),
        "GeoLite2-ASN",
        json!({"autonomous_system_number": 64500, "autonomous_system_organization": "Test AS"}),
    );
    let (kinds, us, asn) = located(&["--geoip-db", &db], &log);
    assert_eq!(
        kinds,
        [
            ("file".into(), "asn".into()),
            ("embedded".into(), "country".into())
        ]
    );
    assert_eq!(
        (asn["asn"].clone(), asn["org"].clone()),
        (json!(64500), json!("Test AS"))
    );
    assert_eq!(us["code"], "US");

    // GeoLite2-City: nested country and continent, with names.
    let db = mmdb(
        tmp.path(),
        "GeoLite2-City",
        json!({"city": {"names": {"en": "Mountain View"}},
               "continent": {"code": "OC", "names": {"en": "Oceania"}},
               "country": {"iso_code": "NZ", "names": {"en": "Aotearoa"}}}),
    );
    let (kinds, us, _) = located(&["--geoip-db", &db], &log);
    assert_eq!(kinds, [("file".into(), "country".into()), embedded()]);
    assert_eq!(
        (
            us["code"].clone(),
            us["name"].clone(),
            us["continent"].clone()
        ),
        (json!("NZ"), json!("Aotearoa"), json!("OC"))
    );

    // A type name that says nothing, flat fields: found by probing well-known addresses.
    let db = mmdb(
        tmp.path(),
        "mystery",
        json!({"country_code": "FJ", "asn": 64501, "as_name": "Flat Net"}),
    );
    let (kinds, us, asn) = located(&["--geoip-db", &db], &log);
    assert_eq!(kinds, [("file".to_string(), "country+asn".to_string())]);
    assert_eq!(
        (us["code"].clone(), us["continent"].clone()),
        (json!("FJ"), json!("OC"))
    );
    assert_eq!(us["name"], "Fiji");
    assert_eq!(
        (asn["asn"].clone(), asn["org"].clone()),
        (json!(64501), json!("Flat Net"))
    );
}

#[test]
fn config_file_then_geoipupdate_directories() {
    use serde_json::json;
    let tmp = tempfile::tempdir().unwrap();
    let log = log(tmp.path(), "01/Jan/2019");
    // geoipupdate's directory holds an ASN database and a country database.
    let installed = tmp.path().join("GeoIP");
    std::fs::create_dir(&installed).unwrap();
    let asn = mmdb(
        tmp.path(),
        "GeoLite2-ASN",
        json!({"autonomous_system_number": 64500, "autonomous_system_organization": "Installed AS"}),
    );
    std::fs::copy(&asn, installed.join("GeoLite2-ASN.mmdb")).unwrap();
    std::fs::copy(test_db(), installed.join("GeoLite2-Country.mmdb")).unwrap();
    // The config file names a country database, relative to itself.
    let conf_dir = tmp.path().join("conf");
    std::fs::create_dir(&conf_dir).unwrap();
    std::fs::copy(test_db(), conf_dir.join("country.mmdb")).unwrap();
    let conf = conf_dir.join("config.toml");
    std::fs::write(&conf, "geoip = [\"country.mmdb\"]\n").unwrap();

    let r = json_of(
        fsmg()
            .env("FSMG_STATS_GEOIP_DIRS", &installed)
            .env("FSMG_STATS_CONFIG", &conf)
            .args(["--format", "json", "-q", &log]),
    );
    let used: Vec<(&str, &str)> = r["geoip"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["source"].as_str().unwrap(), d["kind"].as_str().unwrap()))
        .collect();
    let country = conf_dir.join("country.mmdb");
    let asn = installed.join("GeoLite2-ASN.mmdb");
    assert_eq!(
        used,
        [
            (country.to_str().unwrap(), "country"),
            (asn.to_str().unwrap(), "asn")
        ]
    );
}
