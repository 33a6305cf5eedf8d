//! An existing goaccess.conf (`--goaccess-config FILE`): its log, date and time formats
//! and the options this tool shares with GoAccess. The syntax is GoAccess's: `key value`
//! per line, the value being the rest of the line (quotes kept, no inline comments),
//! `#` starting a comment line, `_` in a key read as `-`, `false` meaning "not set".

use std::path::{Path, PathBuf};

use anyhow::Context;

/// What a goaccess.conf says that we use.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GoAccessConf {
    pub log_format: Option<String>,
    pub date_format: Option<String>,
    pub time_format: Option<String>,
    /// `log-file`: logs to read when no path is given.
    pub log_files: Vec<String>,
    /// `geoip-database`, relative to the file.
    pub geoip: Vec<PathBuf>,
    pub ignore_crawlers: bool,
    pub exclude_ips: Vec<String>,
    pub ignore_statuses: Vec<String>,
    pub ignore_referrers: Vec<String>,
    pub title: Option<String>,
    /// Keys read and not used (GoAccess options with no counterpart here).
    pub ignored: Vec<String>,
}

impl GoAccessConf {
    pub fn load(path: &Path) -> anyhow::Result<GoAccessConf> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read this goaccess.conf", path.display()))?;
        let base = path.parent().unwrap_or(Path::new(""));
        Ok(GoAccessConf::parse(&text, base))
    }

    pub fn parse(text: &str, base: &Path) -> GoAccessConf {
        let mut conf = GoAccessConf::default();
        for line in text.lines() {
            let line = line.trim_start_matches([' ', '\t']);
            if line.is_empty() || line.starts_with('#') || line.starts_with('\r') {
                continue;
            }
            let (key, value) = match line.split_once([' ', '\t']) {
                Some((k, v)) => (k.replace('_', "-"), v.trim()),
                None => (line.trim().replace('_', "-"), ""),
            };
            if value == "false" {
                continue;
            }
            match key.as_str() {
                "log-format" => conf.log_format = Some(value.to_string()),
                "date-format" => conf.date_format = Some(value.to_string()),
                "time-format" => conf.time_format = Some(value.to_string()),
                "log-file" => conf.log_files.push(value.to_string()),
                "geoip-database" => conf.geoip.push(base.join(value)),
                "ignore-crawlers" => conf.ignore_crawlers = value.is_empty() || value == "true",
                "exclude-ip" => conf.exclude_ips.push(value.to_string()),
                "ignore-status" => conf.ignore_statuses.push(value.to_string()),
                "ignore-referrer" => conf.ignore_referrers.push(value.to_string()),
                "html-report-title" => conf.title = Some(value.to_string()),
                _ => conf.ignored.push(key),
            }
        }
        conf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_goaccess_syntax() {
        let text = r#"# a comment
log-format %h %^[%d:%t %^] "%r" %s %b "%R" "%u"
date_format %d/%b/%Y
	time-format %H:%M:%S
ignore-crawlers true
geoip-database GeoLite2-Country.mmdb
exclude-ip 10.0.0.1
exclude-ip 10.0.0.5-10.0.0.9
ignore-status 404
ignore-referrer *.example.com/*
html-report-title Mirror stats
static-file .css
no-color false
"#;
        let c = GoAccessConf::parse(text, Path::new("/etc/goaccess"));
        assert_eq!(
            c.log_format.as_deref(),
            Some(r#"%h %^[%d:%t %^] "%r" %s %b "%R" "%u""#)
        );
        assert_eq!(c.date_format.as_deref(), Some("%d/%b/%Y"));
        assert_eq!(c.time_format.as_deref(), Some("%H:%M:%S"));
        assert!(c.ignore_crawlers);
        assert_eq!(
            c.geoip,
            vec![PathBuf::from("/etc/goaccess/GeoLite2-Country.mmdb")]
        );
        assert_eq!(c.exclude_ips, ["10.0.0.1", "10.0.0.5-10.0.0.9"]);
        assert_eq!(c.ignore_statuses, ["404"]);
        assert_eq!(c.ignore_referrers, ["*.example.com/*"]);
        assert_eq!(c.title.as_deref(), Some("Mirror stats"));
        assert_eq!(c.ignored, vec!["static-file"]);
    }
}
