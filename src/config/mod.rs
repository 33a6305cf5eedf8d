//! Configuration, resolved once: config file, defaults, dates, log format, projects and
//! outputs. Nothing downstream reads a raw flag. Every error here is a usage or
//! configuration error (exit status 2).

pub mod goaccess;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::aggregate::filter::Filters;
use crate::cli::{Args, Mode};
use crate::enrich::geo::Geo;
use crate::enrich::project::Projects;
use crate::output::Format;
use crate::parse::time::{Day, day_key};
use crate::parse::{FormatSpec, Program};
use goaccess::GoAccessConf;

/// Where `ingest` writes.
#[derive(Debug, Clone)]
pub struct Target {
    pub store: PathBuf,
    pub node: String,
}

/// Which part of a store a report covers.
#[derive(Debug, Clone)]
pub struct Query {
    pub store: PathBuf,
    pub node: Option<String>,
}

/// Where logs usually are when no path is given.
pub const DEFAULT_GLOBS: &[&str] = &["/var/log/apache2/access.log*", "/var/log/httpd/access_log*"];
pub const DEFAULT_TOP: usize = 10;

/// The optional TOML configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Log paths or globs read when none are given on the command line.
    pub paths: Option<Vec<String>>,
    pub log_format: Option<String>,
    /// GoAccess date and time formats, for a GoAccess `log_format`.
    pub date_format: Option<String>,
    pub time_format: Option<String>,
    /// An nginx `log_format` string.
    pub nginx_format: Option<String>,
    /// `NAME=PATH` mappings for JSON logs, as `--json-field`.
    #[serde(default)]
    pub json_fields: Vec<String>,
    /// A goaccess.conf to read formats and shared options from, relative to this file.
    pub goaccess_config: Option<PathBuf>,
    /// Projects file, relative to the config file.
    pub projects: Option<PathBuf>,
    pub top: Option<usize>,
    /// Geo databases, relative to the config file; see `--geoip-db`.
    pub geoip: Option<Vec<PathBuf>>,
    /// Filters, as `--exclude-ip`, `--ignore-status`, `--ignore-referrer` (the flags add
    /// to them) and `--ignore-crawlers`.
    #[serde(default)]
    pub exclude_ip: Vec<String>,
    #[serde(default)]
    pub ignore_status: Vec<u16>,
    #[serde(default)]
    pub ignore_referrer: Vec<String>,
    #[serde(default)]
    pub ignore_crawlers: bool,
    /// As `--title`.
    pub title: Option<String>,
}

pub struct Config {
    pub paths: Vec<String>,
    /// The format every input is read with, if one was given; else each is sniffed.
    pub program: Option<Program>,
    /// What was given, for `--json-field` on sniffed JSON formats.
    pub format_spec: FormatSpec,
    pub projects: Projects,
    pub since: Option<jiff::civil::Date>,
    pub until: Option<jiff::civil::Date>,
    pub window: (Day, Day),
    pub top: usize,
    /// Where each rendering goes: `None` is standard output.
    pub outputs: Vec<(Format, Option<PathBuf>)>,
    /// `-o FILE.parquet`: one row per counted request.
    pub request_rows: Option<PathBuf>,
    pub threads: Option<usize>,
    pub quiet: bool,
    pub progress: bool,
    pub geo: Geo,
    /// `ingest`: the store and node to add rows to, instead of a report.
    pub ingest: Option<Target>,
    /// A report of a store's daily tables instead of logs.
    pub store: Option<Query>,
    /// `sponsor`: the outputs are the sponsor report (with the previous period).
    pub sponsor: bool,
    /// `top` or `serve`: a live dashboard instead of outputs.
    pub dashboard: Option<Dashboard>,
    /// `--node` for a report of logs: the node of every input.
    pub node: Option<String>,
    pub by_node: bool,
    pub filters: Filters,
    /// `--title`: of the HTML dashboard and the sponsor report.
    pub title: Option<String>,
    pub show_ips: bool,
    /// `--anonymize-ip`: request rows (`-o *.parquet`, `ingest`) hold networks.
    pub anonymize_ip: bool,
}

/// A live dashboard of the followed logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dashboard {
    /// `top`, in the terminal.
    Top,
    /// `serve`, over HTTP.
    Serve(Serve),
}

/// Where `serve` listens, and the token its requests must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serve {
    pub listen: std::net::SocketAddr,
    pub token: Option<String>,
}

/// `serve`'s flags, checked: the address parses, the token is long enough and safe in
/// an address.
fn serve(flags: &crate::cli::ServeFlags) -> anyhow::Result<Serve> {
    let listen = flags.listen.as_deref().unwrap_or("127.0.0.1:8080");
    let listen = listen.parse().with_context(|| {
        format!("--listen {listen}: expected ADDRESS:PORT, e.g. 127.0.0.1:8080 or [::]:8080")
    })?;
    let token = match (&flags.token, &flags.token_file) {
        (Some(t), _) => Some(t.clone()),
        (None, Some(f)) => {
            let text = std::fs::read_to_string(f)
                .with_context(|| format!("--token-file {}", f.display()))?;
            Some(text.lines().next().unwrap_or("").trim().to_string())
        }
        (None, None) => None,
    };
    if let Some(t) = &token {
        let safe = |b: u8| b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
        if t.len() < 16 || !t.bytes().all(safe) {
            bail!(
                "the token needs at least 16 letters, digits, '-', '_', '.' or '~' (e.g. `openssl rand -hex 16`)"
            );
        }
    }
    Ok(Serve { listen, token })
}

/// Where geoipupdate puts databases, in the order tried; `FSMG_STATS_GEOIP_DIRS`
/// (colon-separated) replaces the list.
const GEOIPUPDATE_DIRS: &str = "/usr/share/GeoIP:/var/lib/GeoIP";
const GEOIPUPDATE_FILES: &[&str] = &[
    "GeoLite2-Country.mmdb",
    "GeoIP2-Country.mmdb",
    "GeoLite2-City.mmdb",
    "GeoIP2-City.mmdb",
    "GeoLite2-ASN.mmdb",
    "GeoIP2-ISP.mmdb",
];

/// Database layers, highest priority first: flags, environment, config file (then its
/// goaccess.conf), geoipupdate.
fn geo_layers(args: &Args, file: &FileConfig, base: &Path, ga: &GoAccessConf) -> Vec<Vec<PathBuf>> {
    let env: Vec<PathBuf> = std::env::var_os("FSMG_STATS_GEOIP")
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    let from_file = file
        .geoip
        .iter()
        .flatten()
        .map(|p| base.join(p))
        .chain(ga.geoip.iter().cloned())
        .collect();
    let dirs = std::env::var_os("FSMG_STATS_GEOIP_DIRS").unwrap_or(GEOIPUPDATE_DIRS.into());
    let installed = std::env::split_paths(&dirs)
        .flat_map(|d| GEOIPUPDATE_FILES.iter().map(move |f| d.join(f)))
        .filter(|p| p.is_file())
        .collect();
    vec![args.enrich.geoip_db.clone(), env, from_file, installed]
}

/// The filter flags given.
fn filter_flags(args: &Args) -> Vec<&'static str> {
    [
        ("--exclude-ip", !args.filters.exclude_ips.is_empty()),
        ("--ignore-status", !args.filters.ignore_statuses.is_empty()),
        (
            "--ignore-referrer",
            !args.filters.ignore_referrers.is_empty(),
        ),
        ("--ignore-crawlers", args.filters.ignore_crawlers),
    ]
    .iter()
    .filter_map(|(flag, on)| on.then_some(*flag))
    .collect()
}

/// The filters of flags, config file and goaccess.conf, together. The files' apply to
/// reports of logs only (`logs`): a store's daily tables keep no addresses, referrers or
/// clients to filter by, and `ingest` stores every request.
fn filters(
    args: &Args,
    file: &FileConfig,
    ga: &GoAccessConf,
    logs: bool,
) -> anyhow::Result<Filters> {
    let given = filter_flags(args);
    if !given.is_empty() && args.store.is_some() {
        let verb = if given.len() == 1 { "needs" } else { "need" };
        bail!(
            "{} {verb} log paths: a store's daily tables do not keep the addresses, referrers and clients of requests",
            given.join(", ")
        );
    }
    if !logs {
        return Ok(Filters::default());
    }
    let ips = (args.filters.exclude_ips.iter())
        .chain(&file.exclude_ip)
        .chain(&ga.exclude_ips)
        .map(|s| s.parse().map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut statuses: Vec<u16> = args
        .filters
        .ignore_statuses
        .iter()
        .chain(&file.ignore_status)
        .copied()
        .collect();
    for s in &ga.ignore_statuses {
        let code = s.parse().map_err(|_| {
            anyhow::anyhow!("goaccess.conf: ignore-status {s:?} is not a status code")
        })?;
        statuses.push(code);
    }
    let referrers = (args.filters.ignore_referrers.iter())
        .chain(&file.ignore_referrer)
        .chain(&ga.ignore_referrers)
        .cloned()
        .collect();
    Ok(Filters {
        ips,
        statuses,
        referrers,
        crawlers: args.filters.ignore_crawlers || file.ignore_crawlers || ga.ignore_crawlers,
    })
}

fn config_path(args: &Args) -> Option<PathBuf> {
    if let Some(p) = &args.common.config {
        return Some(p.clone());
    }
    let home =
        std::env::var_os("HOME").map(|h| Path::new(&h).join(".config/fsmg-stats/config.toml"));
    home.into_iter()
        .chain([PathBuf::from("/etc/fsmg-stats/config.toml")])
        .find(|p| p.is_file())
}

/// Whether `node` can name a store partition (`node=NAME/`) and a report's node.
pub fn valid_node(node: &str) -> bool {
    !node.is_empty()
        && node != "."
        && node != ".."
        && node
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// `ingest --store DIR`: a directory we can write in, or one we can create.
fn check_store_dir(store: &Path) -> anyhow::Result<()> {
    let shown = store.display();
    if store.exists() && !store.is_dir() {
        bail!(
            "--store {shown}: is a file, not a store; give a directory (it is created if missing)"
        );
    }
    let existing = store
        .ancestors()
        .map(|a| {
            if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            }
        })
        .find(|a| a.exists())
        .unwrap_or(Path::new("."));
    if !existing.is_dir() {
        bail!("--store {shown}: {} is not a directory", existing.display());
    }
    crate::output::writable(existing).map_err(|why| {
        anyhow::anyhow!(
            "--store {shown}: cannot write in {} ({why})",
            existing.display()
        )
    })
}

/// `YYYY-MM-DD`, `today`, `yesterday` or `Nd`, against `today`.
pub fn parse_day(s: &str, today: jiff::civil::Date) -> anyhow::Result<jiff::civil::Date> {
    let ago = |n: i64| {
        today
            .checked_sub(jiff::Span::new().days(n))
            .with_context(|| format!("{s}: out of range"))
    };
    match s {
        "today" => Ok(today),
        "yesterday" => ago(1),
        _ => {
            if let Some(n) = s.strip_suffix('d').and_then(|n| n.parse::<i64>().ok()) {
                return ago(n);
            }
            // jiff's reason ("parameter 'month' is not in the required range") is its
            // own wording; the forms we take say what to write instead.
            s.parse::<jiff::civil::Date>().map_err(|_| {
                anyhow::anyhow!("{s:?} is not a date: use YYYY-MM-DD, today, yesterday or Nd")
            })
        }
    }
}

impl Config {
    pub fn resolve(args: Args) -> anyhow::Result<Config> {
        let (file, base) = match config_path(&args) {
            Some(p) => {
                let what = || format!("config file {}", p.display());
                let text = std::fs::read_to_string(&p).with_context(what)?;
                let file: FileConfig = toml::from_str(&text).with_context(what)?;
                (file, p.parent().map(Path::to_path_buf).unwrap_or_default())
            }
            None => (FileConfig::default(), PathBuf::new()),
        };

        let ga_path = args
            .input
            .goaccess_config
            .clone()
            .or(file.goaccess_config.as_ref().map(|p| base.join(p)));
        let ga = match &ga_path {
            Some(p) => GoAccessConf::load(p)?,
            None => GoAccessConf::default(),
        };
        let geo_layers = geo_layers(&args, &file, &base, &ga);
        let sponsor = args.mode == Mode::Sponsor;
        let dashboard = match args.mode {
            Mode::Top => Some(Dashboard::Top),
            Mode::Serve => Some(Dashboard::Serve(serve(&args.serve)?)),
            _ => None,
        };
        if let Some(node) = args.node.as_ref().filter(|n| !valid_node(n)) {
            bail!("--node {node:?}: a node name has only letters, digits, '-', '_' and '.'");
        }
        let query = |store: &PathBuf| Query {
            store: store.clone(),
            node: args.node.clone(),
        };
        let (arg_paths, ingest, store) = match (args.mode, &args.store) {
            (Mode::Ingest, _) => {
                let (Some(store), Some(node)) = (&args.store, &args.node) else {
                    bail!("ingest needs --store DIR and --node NAME");
                };
                check_store_dir(store)?;
                let target = Target {
                    store: store.clone(),
                    node: node.clone(),
                };
                (args.paths.clone(), Some(target), None)
            }
            (Mode::StoreReport, None) => {
                bail!("report needs --store DIR (without it, give log paths)")
            }
            (_, Some(_)) if !args.paths.is_empty() => {
                bail!("a report reads either log paths or --store, not both")
            }
            (_, Some(store)) => (Vec::new(), None, Some(query(store))),
            (Mode::Report | Mode::Sponsor | Mode::Top | Mode::Serve, None) => {
                (args.paths.clone(), None, None)
            }
        };
        let paths = if store.is_some() {
            Vec::new()
        } else if !arg_paths.is_empty() {
            arg_paths
        } else if let Some(p) = file.paths.clone() {
            p
        } else if !ga.log_files.is_empty() {
            ga.log_files.clone()
        } else {
            let found: Vec<String> = DEFAULT_GLOBS
                .iter()
                .filter(|g| glob::glob(g).is_ok_and(|mut m| m.next().is_some()))
                .map(|g| g.to_string())
                .collect();
            if found.is_empty() {
                bail!(
                    "no log files given and none found at {}; pass paths or set `paths` in the config file",
                    DEFAULT_GLOBS.join(" or ")
                );
            }
            found
        };

        let filters = filters(&args, &file, &ga, store.is_none() && ingest.is_none())?;
        if paths.is_empty() && store.is_none() {
            bail!("no log files given: pass paths or set `paths` in the config file");
        }

        // The format comes whole from the first place that gives one: flags (or the
        // environment), the config file, its goaccess.conf; else each input is sniffed.
        let (log_format, nginx_format) =
            if args.input.log_format.is_some() || args.input.nginx_format.is_some() {
                (
                    args.input.log_format.clone(),
                    args.input.nginx_format.clone(),
                )
            } else if file.log_format.is_some() || file.nginx_format.is_some() {
                (file.log_format.clone(), file.nginx_format.clone())
            } else {
                (ga.log_format.clone(), None)
            };
        let format_spec = FormatSpec {
            log_format,
            date_format: args
                .input
                .date_format
                .clone()
                .or(file.date_format)
                .or(ga.date_format),
            time_format: args
                .input
                .time_format
                .clone()
                .or(file.time_format)
                .or(ga.time_format),
            nginx_format,
            json_fields: args
                .input
                .json_fields
                .iter()
                .chain(&file.json_fields)
                .cloned()
                .collect(),
        };
        let program = format_spec.compile().map_err(anyhow::Error::msg)?;

        let projects = match args
            .enrich
            .projects
            .clone()
            .or(file.projects.as_ref().map(|p| base.join(p)))
        {
            Some(p) => Projects::load(&p)?,
            None => Projects::default(),
        };

        let today = jiff::ZonedDateTime::now().date();
        let since = args
            .period
            .since
            .as_deref()
            .map(|s| parse_day(s, today))
            .transpose()?;
        let until = args
            .period
            .until
            .as_deref()
            .map(|s| parse_day(s, today))
            .transpose()?;
        if let (Some(a), Some(b)) = (since, until)
            && a > b
        {
            bail!("--since {a} is after --until {b}");
        }
        let window = (
            since.map_or(Day::MIN, day_key),
            until.map_or(Day::MAX, day_key),
        );

        let mut outputs = Vec::new();
        let mut request_rows = None;
        for p in &args.output.outputs {
            crate::output::check_output(p)?;
            if p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
            {
                if request_rows.replace(p.clone()).is_some() {
                    bail!(
                        "{}: only one .parquet output (request rows) per run",
                        p.display()
                    );
                }
                continue;
            }
            let f = Format::from_path(p).with_context(|| {
                format!(
                    "{}: unknown output format (use .json, .txt, .html, .md, .csv or .parquet)",
                    p.display()
                )
            })?;

            outputs.push((f, Some(p.clone())));
        }
        if args.output.format.is_some() || (outputs.is_empty() && request_rows.is_none()) {
            let default = if sponsor {
                Format::Markdown
            } else {
                Format::Text
            };
            outputs.push((args.output.format.unwrap_or(default), None));
        }
        if sponsor
            && (request_rows.is_some()
                || outputs
                    .iter()
                    .any(|(f, _)| !matches!(f, Format::Markdown | Format::Html)))
        {
            bail!("a sponsor report is Markdown (.md) or HTML (.html)");
        }
        if args.anonymize_ip && request_rows.is_none() && ingest.is_none() {
            bail!(
                "--anonymize-ip is for request rows: add -o FILE.parquet (reports show no addresses)"
            );
        }
        if args.input.threads == Some(0) {
            bail!("--threads must be at least 1");
        }

        let geo = if args.enrich.no_geoip {
            Geo::default()
        } else {
            Geo::resolve(&geo_layers, true).map_err(anyhow::Error::msg)?
        };

        Ok(Config {
            paths,
            program,
            format_spec,
            projects,
            since,
            until,
            window,
            top: args.output.top.or(file.top).unwrap_or(DEFAULT_TOP),
            outputs,
            request_rows,
            threads: args.input.threads,
            quiet: args.common.quiet,
            progress: !args.common.quiet && std::io::stderr().is_terminal() && dashboard.is_none(),
            geo,
            node: args.node.filter(|_| store.is_none() && ingest.is_none()),
            ingest,
            store,
            sponsor,
            dashboard,
            by_node: args.by_node,
            filters,
            title: args.output.title.or(file.title).or(ga.title),
            show_ips: args.output.show_ips,
            anonymize_ip: args.anonymize_ip,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_are_path_safe() {
        assert!(valid_node("hlz") && valid_node("wlg-2.nz"));
        for bad in ["", "..", "a/b", "a b", "x\n"] {
            assert!(!valid_node(bad), "{bad:?}");
        }
    }

    #[test]
    fn relative_days() {
        let today: jiff::civil::Date = "2019-01-14".parse().unwrap();
        assert_eq!(parse_day("today", today).unwrap(), today);
        assert_eq!(
            parse_day("yesterday", today).unwrap().to_string(),
            "2019-01-13"
        );
        assert_eq!(parse_day("14d", today).unwrap().to_string(), "2018-12-31");
        assert_eq!(
            parse_day("2018-12-31", today).unwrap().to_string(),
            "2018-12-31"
        );
        assert!(parse_day("31/12/2018", today).is_err());
        assert_eq!(day_key(parse_day("2018-12-31", today).unwrap()), 20181231);
    }
}
