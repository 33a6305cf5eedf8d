//! Command-line flags, as typed: no I/O here. [`crate::config::Config::resolve`] turns
//! them into a ready configuration.

use std::path::PathBuf;
use std::sync::LazyLock;

use clap::{Parser, Subcommand};

use crate::output::Format;

/// `--version`: the version, then licence and attribution of the embedded geo data.
static LONG_VERSION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{}\n\n{}",
        env!("CARGO_PKG_VERSION"),
        crate::enrich::geo::EMBEDDED_ATTRIBUTION
    )
});

/// Fast, exact access-log analytics for public download mirrors.
///
/// Reads access logs in any Apache LogFormat, GoAccess format, nginx log_format or JSON
/// lines, each file's format sniffed when none is given (plain or gzip, rotated sets,
/// directories), and prints GoAccess-exact headline numbers plus per-day, per-project and
/// per-file tables.
///
/// Exit status: 0 success, 1 partial (some input could not be read; it is named on
/// stderr and the rest is reported), or an input none of whose lines is a request, or no
/// access-log lines at all (said on stderr; no report is written when not one request was
/// read), 2 usage or configuration error, 3 (ingest) another ingest holds the store.
#[derive(Debug, Parser)]
#[command(name = "fsmg-stats", version, long_version = LONG_VERSION.as_str(), about, long_about)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Log files, directories (read recursively), glob patterns, or `-` for standard
    /// input. Default: `paths` from the config file, else /var/log/apache2/access.log*
    /// and /var/log/httpd/access_log*.
    pub paths: Vec<String>,

    /// The log format: a name (COMBINED, VCOMBINED, COMMON, VCOMMON, W3C, CLOUDFRONT,
    /// CLOUDSTORAGE, AWSELB, AWSALB, AWSS3, SQUID, TRAEFIKCLF, CADDY, JSON), an Apache
    /// LogFormat ('%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"') or a GoAccess
    /// format ('%h %^[%d:%t %^] "%r" %s %b "%R" "%u"', plain or JSON). Default: each
    /// input's first lines choose among VCOMBINED, COMBINED, VCOMMON, COMMON, CADDY, JSON.
    #[arg(long, env = "FSMG_STATS_LOG_FORMAT", global = true)]
    pub log_format: Option<String>,

    /// GoAccess's date format for %d in a GoAccess --log-format (strftime; %f and %* are
    /// micro- and milliseconds since the epoch). Default: %d/%b/%Y.
    #[arg(long, value_name = "FORMAT", global = true)]
    pub date_format: Option<String>,

    /// GoAccess's time format for %t (and %x) in a GoAccess --log-format. Default: %H:%M:%S.
    #[arg(long, value_name = "FORMAT", global = true)]
    pub time_format: Option<String>,

    /// An nginx log_format string ('$remote_addr - $remote_user [$time_local] "$request"
    /// ...'), or the whole `log_format name ... ;` directive; JSON ones (escape=json) too.
    #[arg(long, value_name = "FORMAT", global = true)]
    pub nginx_format: Option<String>,

    /// For JSON logs: read field NAME (host, time, request, method, path, query,
    /// protocol, status, bytes, referer, user_agent, vhost, user, duration, duration_ms,
    /// duration_us, mime, tls_version, tls_cipher, cache) at key PATH (dotted, e.g.
    /// request.headers.User-Agent); repeatable.
    #[arg(long = "json-field", value_name = "NAME=PATH", global = true)]
    pub json_fields: Vec<String>,

    /// Read the log, date and time formats (and log-file, geoip-database, the filters and
    /// html-report-title) from an existing goaccess.conf.
    #[arg(long, value_name = "FILE", global = true)]
    pub goaccess_config: Option<PathBuf>,

    /// First day to count: YYYY-MM-DD, today, yesterday or Nd (N days ago). Inclusive.
    #[arg(long, value_name = "DATE", global = true)]
    pub since: Option<String>,

    /// Last day to count, as --since. Inclusive.
    #[arg(long, value_name = "DATE", global = true)]
    pub until: Option<String>,

    /// TOML file mapping path prefixes to project names (see examples/projects.toml).
    #[arg(long, value_name = "FILE", global = true)]
    pub projects: Option<PathBuf>,

    /// Report format on standard output.
    #[arg(long, value_enum, global = true)]
    pub format: Option<Format>,

    /// Write the report to FILE (format from the extension: .json, .txt, .html, .md,
    /// .parquet); repeatable.
    /// Written atomically. With -o and no --format, nothing goes to standard output.
    #[arg(short, long = "output", value_name = "FILE", global = true)]
    pub outputs: Vec<PathBuf>,

    /// MaxMind-format database for countries or ASNs (GeoLite2/GeoIP2 Country, City or ASN,
    /// DB-IP lite, ip-location-db); repeatable, kinds told apart by content. Before
    /// $FSMG_STATS_GEOIP (colon-separated), `geoip` in the config file, the geoipupdate
    /// paths (/usr/share/GeoIP, /var/lib/GeoIP) and the data built into the binary.
    #[arg(
        long = "geoip-db",
        alias = "geoip-database",
        value_name = "FILE",
        global = true
    )]
    pub geoip_db: Vec<PathBuf>,

    /// No country or network lookups.
    #[arg(long, global = true)]
    pub no_geoip: bool,

    /// A store (see `ingest`): where `ingest` writes, and what `report` reads (also
    /// without the `report` word, instead of log paths).
    #[arg(long, value_name = "DIR", global = true)]
    pub store: Option<PathBuf>,

    /// The node (anycast site): for `ingest`, where the logs come from (a partition of
    /// the store, e.g. hlz); for a store report, only that node's data; for a report of
    /// logs, the node of every input (default: NAME of a NAME=PATH argument, else each
    /// file's parent directory name).
    #[arg(long, value_name = "NAME", global = true)]
    pub node: Option<String>,

    /// Every table once per node too, after the totals (text, and JSON `by_node`; the
    /// HTML dashboard shows the totals and the nodes panel).
    #[arg(long, global = true)]
    pub by_node: bool,

    /// Leave crawlers' requests out (counted in `excluded_requests`), as GoAccess's
    /// option does.
    #[arg(long, global = true)]
    pub ignore_crawlers: bool,

    /// Leave out requests from ADDR: an address (as logged), a range (10.0.0.2-10.0.0.9)
    /// or a network (203.0.113.0/24); repeatable. Counted in `excluded_requests`, as
    /// GoAccess's option does.
    #[arg(long = "exclude-ip", value_name = "ADDR", global = true)]
    pub exclude_ips: Vec<String>,

    /// Leave out requests answered with status CODE; repeatable.
    #[arg(long = "ignore-status", value_name = "CODE", global = true)]
    pub ignore_statuses: Vec<u16>,

    /// Leave out requests whose referrer matches PATTERN: the whole referrer (`-` when
    /// none), case-sensitive, `*` and `?` as wildcards, as GoAccess matches it;
    /// repeatable.
    #[arg(long = "ignore-referrer", value_name = "PATTERN", global = true)]
    pub ignore_referrers: Vec<String>,

    /// The title of the HTML dashboard and the sponsor report.
    #[arg(long, alias = "html-report-title", value_name = "TEXT", global = true)]
    pub title: Option<String>,

    /// Show client addresses in the heavy-hitters table and failed-line samples. Off by
    /// default: reports get published.
    #[arg(long, global = true)]
    pub show_ips: bool,

    /// Rows kept of the top-N tables (files, networks broken down by project, GoAccess's
    /// panels); the HTML dashboard shows this many rows of every table before "show all".
    #[arg(long, value_name = "N", global = true)]
    pub top: Option<usize>,

    /// Parser threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N", global = true)]
    pub threads: Option<usize>,

    /// Configuration file (default: $FSMG_STATS_CONFIG, ~/.config/fsmg-stats/config.toml,
    /// /etc/fsmg-stats/config.toml).
    #[arg(long, env = "FSMG_STATS_CONFIG", value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// No progress bar and no warnings; errors still go to stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add the log lines not yet in a Parquet store, exactly once (the nightly job).
    ///
    /// Rows go to DIR/requests/date=YYYY-MM-DD/node=NAME/ (see docs/store.md). Rotated,
    /// compressed and growing logs are followed by content, so rerunning on the same or
    /// rotated files adds nothing twice; a partial last line waits for the next run.
    /// Exit status: 0 done, 1 partial (an input could not be read), 2 usage or
    /// configuration error, 3 another ingest holds the store.
    ///
    /// Needs --store and --node.
    Ingest {
        /// Log files, directories or globs, as for the report.
        paths: Vec<String>,
    },
    /// The report of a store's daily tables (needs --store; --since, --until and --node
    /// narrow it), as text, JSON or -o files like the report of logs.
    Report,
    /// A short report for sponsors: headline numbers of the period (--since, --until;
    /// default: the whole log) with the previous period of the same length when the data
    /// covers it, top projects, countries (Oceania called out) and networks. Markdown on
    /// standard output, or -o FILE.md / FILE.html. Reads log paths or --store.
    Sponsor {
        /// Log files, directories or globs, as for the report (none with --store).
        paths: Vec<String>,
    },
}
