//! Command-line flags, as typed: no I/O here. [`Cli`] is what clap parses: each
//! subcommand takes only its own flags, in groups shared between them. [`Cli::run`]
//! flattens that into the plain [`Args`] that [`crate::config::Config::resolve`] turns
//! into a ready configuration.

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

/// Every command's exit statuses, at the end of its help.
const EXIT_STATUS: &str = "\
Exit status:
  0  success
  1  partial: an input could not be read (it is named on stderr and the rest is
     reported), an input none of whose lines is a request, or no access-log lines at
     all (no report is written when not one request was read)
  2  usage or configuration error, or an output or store that cannot be written; nothing
     was read
  3  (ingest) another ingest holds the store";

/// Fast, exact access-log analytics for public download mirrors.
///
/// Reads access logs in any Apache LogFormat, GoAccess format, nginx log_format or JSON
/// lines, each file's format sniffed when none is given (plain or gzip, rotated sets,
/// directories), and prints GoAccess-exact headline numbers plus per-day, per-project and
/// per-file tables.
#[derive(Debug, Parser)]
#[command(
    name = "fsmg-stats",
    version,
    long_version = LONG_VERSION.as_str(),
    about,
    long_about,
    after_help = EXIT_STATUS
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// A report's flags: those of a report of logs (or of `--store`), and those written
    /// before a subcommand's name.
    #[command(flatten)]
    pub top: Args,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add the log lines not yet in a Parquet store, exactly once (the nightly job).
    ///
    /// Rows go to DIR/requests/date=YYYY-MM-DD/node=NAME/ (see docs/store.md). Rotated,
    /// compressed and growing logs are followed by content, so rerunning on the same or
    /// rotated files adds nothing twice; a partial last line waits for the next run.
    #[command(after_help = EXIT_STATUS)]
    Ingest {
        /// Log files, directories or globs, as for the report. Default: `paths` from the
        /// config file, else /var/log/apache2/access.log* and /var/log/httpd/access_log*.
        paths: Vec<String>,
        /// The store to add to (created if missing). Required.
        #[arg(long, value_name = "DIR")]
        store: Option<PathBuf>,
        /// The node (anycast site) the logs come from: a partition of the store, e.g.
        /// hlz. Required.
        #[arg(long, value_name = "NAME")]
        node: Option<String>,
        /// Store each client address as its network (IPv4 /24, IPv6 /64), as GoAccess's
        /// option does. Visitors then count per network and agent.
        #[arg(long)]
        anonymize_ip: bool,
        #[command(flatten)]
        input: InputFlags,
        #[command(flatten)]
        enrich: EnrichFlags,
        #[command(flatten)]
        common: CommonFlags,
    },
    /// The report of a store (see `ingest`), as the report of logs.
    ///
    /// Reads the daily tables of the days and nodes asked for; text, JSON or -o files
    /// like the report of logs, with the same numbers.
    #[command(after_help = EXIT_STATUS)]
    Report {
        /// The store to report (written by `ingest`). Required.
        #[arg(long, value_name = "DIR")]
        store: Option<PathBuf>,
        /// Only this node's data.
        #[arg(long, value_name = "NAME")]
        node: Option<String>,
        /// Every table once per node too, after the totals.
        #[arg(long)]
        by_node: bool,
        #[command(flatten)]
        period: PeriodFlags,
        #[command(flatten)]
        output: OutputFlags,
        #[command(flatten)]
        common: CommonFlags,
    },
    /// A short report for sponsors, as Markdown or HTML.
    ///
    /// Headline numbers of the period (--since, --until; default: the whole log) with the previous period of the same length when the data
    /// covers it, top projects, countries (Oceania called out) and networks. Markdown on
    /// standard output, or -o FILE.md / FILE.html. Reads log paths or --store.
    #[command(after_help = EXIT_STATUS)]
    Sponsor {
        /// Log files, directories or globs, as for the report (none with --store).
        paths: Vec<String>,
        /// Report a store instead of logs.
        #[arg(long, value_name = "DIR")]
        store: Option<PathBuf>,
        /// The node of every input; with --store, only that node's data.
        #[arg(long, value_name = "NAME")]
        node: Option<String>,
        #[command(flatten)]
        input: InputFlags,
        #[command(flatten)]
        enrich: EnrichFlags,
        #[command(flatten)]
        filters: FilterFlags,
        #[command(flatten)]
        period: PeriodFlags,
        #[command(flatten)]
        output: OutputFlags,
        #[command(flatten)]
        common: CommonFlags,
    },
    /// A live terminal dashboard of the logs as they grow (`q` quits, `?` lists keys).
    ///
    /// Reads the lines already in the files, then follows them as `tail -F` does: across
    /// rotation (renamed and created anew, or copied and truncated), several files and
    /// node directories at once (of a directory, its live logs: not rotated or compressed
    /// ones). Throughput over the last minute, 5 minutes and hour; projects, files,
    /// countries, networks, clients, status codes, nodes and IP versions, by requests,
    /// bytes or visitors. Without --since it shows the newest day and starts over when a
    /// new day's requests arrive, so memory stays bounded; its numbers are those of a
    /// report of the same lines with --since that day.
    #[command(after_help = EXIT_STATUS)]
    Top {
        #[command(flatten)]
        live: LiveFlags,
    },
    /// The HTML dashboard of the logs as they grow, served live over HTTP.
    ///
    /// Follows the logs as `top` does and serves the dashboard at /, which updates
    /// itself over server-sent events (/events); /report.json is the report as --format
    /// json writes it. Many viewers cost one aggregation. Loopback only by default: any
    /// other --listen address needs a token, which the printed address carries.
    #[command(after_help = EXIT_STATUS)]
    Serve {
        #[command(flatten)]
        live: LiveFlags,
        #[command(flatten)]
        serve: ServeFlags,
    },
    /// Look after a store: `store check DIR` verifies it, `store compact DIR` merges its
    /// days' parts.
    Store {
        #[command(subcommand)]
        command: StoreCommand,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// `fsmg-stats completions bash > ~/.local/share/bash-completion/completions/fsmg-stats`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    ///
    /// `fsmg-stats man | man -l -`; `fsmg-stats man ingest` prints fsmg-stats-ingest(1),
    /// and so on.
    Man {
        /// ingest, report, sponsor, top, serve, store or completions.
        subcommand: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Verify a store and say what is wrong, changing nothing.
    ///
    /// Problems (exit 1): state.json does not parse; a part it lists is missing or not a
    /// whole Parquet file; a roll-up is stale (built from other parts than those
    /// committed) or does not read. Notes (exit 0): files no state lists (left by a killed
    /// run), days ingested before a daily table existed, months not rolled up yet. Not a
    /// store, or a newer one than this release: exit 2.
    Check {
        /// The store (written by `ingest`).
        #[arg(value_name = "DIR")]
        store: PathBuf,
    },
    /// Merge the parts several runs wrote for one day and node into one; no report changes.
    ///
    /// A live log read every night splits each day over two runs' parts. Every month but
    /// the newest (which still grows) is compacted, or the one --month names. Crash-safe
    /// and locked as ingest is (exit 3 while an ingest runs); the replaced parts are
    /// deleted after the commit, so do not copy the store meanwhile (docs/store.md).
    Compact {
        /// The store (written by `ingest`).
        #[arg(value_name = "DIR")]
        store: PathBuf,
        /// Only this month (YYYY-MM).
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
    },
}

/// What `top` and `serve` follow, and how they read it.
#[derive(Debug, Default, PartialEq, clap::Args)]
pub struct LiveFlags {
    /// Log files or directories (node directories: hlz/ wlg/, or NAME=PATH). Default:
    /// `paths` from the config file, else /var/log/apache2/access.log and
    /// /var/log/httpd/access_log.
    pub paths: Vec<String>,
    /// The node of every input.
    #[arg(long, value_name = "NAME")]
    pub node: Option<String>,
    #[command(flatten)]
    pub input: InputFlags,
    #[command(flatten)]
    pub enrich: EnrichFlags,
    #[command(flatten)]
    pub filters: FilterFlags,
    #[command(flatten)]
    pub period: PeriodFlags,
    #[command(flatten)]
    pub common: CommonFlags,
}

impl LiveFlags {
    fn args(self, mode: Mode, serve: ServeFlags) -> Args {
        Args {
            mode,
            paths: self.paths,
            node: self.node,
            serve,
            input: self.input,
            enrich: self.enrich,
            filters: self.filters,
            period: self.period,
            common: self.common,
            ..Args::default()
        }
    }
}

/// Where `serve` listens, and who may see it.
#[derive(Debug, Default, PartialEq, clap::Args)]
#[command(next_help_heading = "Server")]
pub struct ServeFlags {
    /// Address and port to listen on; port 0 takes a free one (printed). Default:
    /// 127.0.0.1:8080, this machine only. Any other address needs a token.
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<String>,

    /// The token every request must carry (?token=, or Authorization: Bearer); the
    /// address printed at start has it. At least 16 letters, digits, '-', '_', '.' or
    /// '~' (e.g. `openssl rand -hex 16`).
    #[arg(
        long,
        env = "FSMG_STATS_TOKEN",
        value_name = "TOKEN",
        conflicts_with = "token_file"
    )]
    pub token: Option<String>,

    /// Read the token from FILE (its first line), out of sight of `ps`.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
}

/// How the logs are read.
#[derive(Debug, Default, PartialEq, clap::Args)]
#[command(next_help_heading = "Log format")]
pub struct InputFlags {
    /// The log format: a name (COMBINED, VCOMBINED, COMMON, VCOMMON, W3C, CLOUDFRONT,
    /// CLOUDSTORAGE, AWSELB, AWSALB, AWSS3, SQUID, TRAEFIKCLF, CADDY, JSON), an Apache
    /// LogFormat ('%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"') or a GoAccess
    /// format ('%h %^[%d:%t %^] "%r" %s %b "%R" "%u"', plain or JSON). Default: each
    /// input's first lines choose among VCOMBINED, COMBINED, VCOMMON, COMMON, CADDY, JSON.
    #[arg(long, env = "FSMG_STATS_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<String>,

    /// GoAccess's date format for %d in a GoAccess --log-format (strftime; %f and %* are
    /// micro- and milliseconds since the epoch). Default: %d/%b/%Y.
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,

    /// GoAccess's time format for %t (and %x) in a GoAccess --log-format. Default: %H:%M:%S.
    #[arg(long, value_name = "FORMAT")]
    pub time_format: Option<String>,

    /// An nginx log_format string ('$remote_addr - $remote_user [$time_local] "$request"
    /// ...'), or the whole `log_format name ... ;` directive; JSON ones (escape=json) too.
    #[arg(long, value_name = "FORMAT")]
    pub nginx_format: Option<String>,

    /// For JSON logs: read field NAME (host, time, request, method, path, query,
    /// protocol, status, bytes, referer, user_agent, vhost, user, duration, duration_ms,
    /// duration_us, mime, tls_version, tls_cipher, cache) at key PATH (dotted, e.g.
    /// request.headers.User-Agent); repeatable.
    #[arg(long = "json-field", value_name = "NAME=PATH")]
    pub json_fields: Vec<String>,

    /// Read the log, date and time formats (and log-file, geoip-database, the filters and
    /// html-report-title) from an existing goaccess.conf.
    #[arg(long, value_name = "FILE")]
    pub goaccess_config: Option<PathBuf>,

    /// Parser threads. Default: all cores.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

/// What each request is enriched with.
#[derive(Debug, Default, PartialEq, clap::Args)]
#[command(next_help_heading = "Projects and geo data")]
pub struct EnrichFlags {
    /// TOML file mapping path prefixes to project names (see examples/projects.toml).
    #[arg(long, value_name = "FILE")]
    pub projects: Option<PathBuf>,

    /// MaxMind-format database for countries or ASNs (GeoLite2/GeoIP2 Country, City or ASN,
    /// DB-IP lite, ip-location-db); repeatable, kinds told apart by content. Before
    /// $FSMG_STATS_GEOIP (colon-separated), `geoip` in the config file, the geoipupdate
    /// paths (/usr/share/GeoIP, /var/lib/GeoIP) and the data built into the binary.
    #[arg(long = "geoip-db", alias = "geoip-database", value_name = "FILE")]
    pub geoip_db: Vec<PathBuf>,

    /// No country or network lookups.
    #[arg(long)]
    pub no_geoip: bool,
}

/// GoAccess's filters: a filtered request is counted only in `excluded_requests`.
#[derive(Debug, Default, PartialEq, clap::Args)]
#[command(next_help_heading = "Filters")]
pub struct FilterFlags {
    /// Leave crawlers' requests out, as GoAccess's option does.
    #[arg(long)]
    pub ignore_crawlers: bool,

    /// Leave out requests from ADDR: an address (as logged), a range (10.0.0.2-10.0.0.9)
    /// or a network (203.0.113.0/24); repeatable.
    #[arg(long = "exclude-ip", value_name = "ADDR")]
    pub exclude_ips: Vec<String>,

    /// Leave out requests answered with status CODE; repeatable.
    #[arg(long = "ignore-status", value_name = "CODE")]
    pub ignore_statuses: Vec<u16>,

    /// Leave out requests whose referrer matches PATTERN: the whole referrer (`-` when
    /// none), case-sensitive, `*` and `?` as wildcards, as GoAccess matches it;
    /// repeatable.
    #[arg(long = "ignore-referrer", value_name = "PATTERN")]
    pub ignore_referrers: Vec<String>,
}

/// Which days are counted.
#[derive(Debug, Default, PartialEq, clap::Args)]
#[command(next_help_heading = "Period")]
pub struct PeriodFlags {
    /// First day to count: YYYY-MM-DD, today, yesterday or Nd (N days ago). Inclusive.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Last day to count, as --since. Inclusive.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

/// Where the report goes and what it shows.
#[derive(Debug, Default, PartialEq, clap::Args)]
#[command(next_help_heading = "Output")]
pub struct OutputFlags {
    /// Report format on standard output. Default: text, or nothing when -o is given.
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Write the report to FILE, its format from the extension: .json, .txt, .html,
    /// .md, .csv, or .parquet for one row per request; repeatable. Written atomically.
    #[arg(short, long = "output", value_name = "FILE")]
    pub outputs: Vec<PathBuf>,

    /// The title of the HTML dashboard and the sponsor report.
    #[arg(long, alias = "html-report-title", value_name = "TEXT")]
    pub title: Option<String>,

    /// Show client addresses in the heavy-hitters table and failed-line samples. Off by
    /// default: reports get published.
    #[arg(long)]
    pub show_ips: bool,

    /// Rows kept of the top-N tables (files, networks broken down by project, GoAccess's
    /// panels); the HTML dashboard shows this many rows of every table before "show all".
    /// Default: `top` in the config file, else 10.
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
}

/// Flags every command takes, before or after its name.
#[derive(Debug, Default, PartialEq, clap::Args)]
#[command(next_help_heading = "Common")]
pub struct CommonFlags {
    /// Configuration file. Default: $FSMG_STATS_CONFIG, else
    /// ~/.config/fsmg-stats/config.toml, else /etc/fsmg-stats/config.toml.
    #[arg(long, env = "FSMG_STATS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// No progress bar and no warnings; errors still go to stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

/// What the run is.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A report of log paths, or of `--store` without the `report` word.
    #[default]
    Report,
    /// `report`: a store's report.
    StoreReport,
    Ingest,
    Sponsor,
    /// `top`: the live terminal dashboard.
    Top,
    /// `serve`: the live HTML dashboard.
    Serve,
}

/// The flags of one run, whatever command took them: what [`crate::config::Config`] is
/// resolved from. Groups a command does not take stay at their defaults. As parsed, the
/// flags of a report ([`Cli::top`]).
#[derive(Debug, Default, PartialEq, clap::Args)]
pub struct Args {
    /// What the run is: set from the subcommand, not a flag.
    #[arg(skip)]
    pub mode: Mode,

    /// Log files, directories (read recursively), glob patterns, or `-` for standard
    /// input. Default: `paths` from the config file, else /var/log/apache2/access.log*
    /// and /var/log/httpd/access_log*.
    pub paths: Vec<String>,

    /// Report a store (see `ingest`) instead of logs; as `fsmg-stats report --store DIR`.
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,

    /// The node (anycast site) of every input (default: NAME of a NAME=PATH argument,
    /// else each file's parent directory name); with --store, only that node's data.
    #[arg(long, value_name = "NAME")]
    pub node: Option<String>,

    /// Every table once per node too, after the totals (text, and JSON `by_node`; the
    /// HTML dashboard shows the totals and the nodes panel).
    #[arg(long)]
    pub by_node: bool,

    /// Replace client addresses in request rows (-o FILE.parquet) by their network:
    /// IPv4 /24, IPv6 /64, as GoAccess's option does.
    #[arg(long)]
    pub anonymize_ip: bool,

    #[command(flatten)]
    pub input: InputFlags,
    #[command(flatten)]
    pub enrich: EnrichFlags,
    #[command(flatten)]
    pub filters: FilterFlags,
    #[command(flatten)]
    pub period: PeriodFlags,
    #[command(flatten)]
    pub output: OutputFlags,
    #[command(flatten)]
    pub common: CommonFlags,

    /// `serve`'s flags: set from the subcommand only.
    #[arg(skip)]
    pub serve: ServeFlags,
}

/// What a run does besides a report or an ingest.
pub enum Run {
    Args(Box<Args>),
    Completions(clap_complete::Shell),
    Man(Option<String>),
    StoreCheck(PathBuf),
    /// A store and the month (`YYYYMM`) to compact, if one.
    StoreCompact(PathBuf, Option<u32>),
}

impl Cli {
    /// The flags of this run. Flags written before a subcommand's name (`fsmg-stats
    /// --store S report`, as earlier versions took them) count when that subcommand takes
    /// them; otherwise, or when given on both sides, this is the usage error to print.
    pub fn run(self) -> Result<Run, String> {
        let Cli { command, top } = self;
        let Some(command) = command else {
            return Ok(Run::Args(Box::new(top)));
        };
        let (name, sub) = match command {
            Command::Completions { shell } => return Ok(Run::Completions(shell)),
            Command::Man { subcommand } => return Ok(Run::Man(subcommand)),
            Command::Store { command } => {
                if top != Args::default() {
                    return Err("flags before `store` do not apply to it".to_string());
                }
                return Ok(match command {
                    StoreCommand::Check { store } => Run::StoreCheck(store),
                    StoreCommand::Compact { store, month } => {
                        let month = month.map(|m| parse_month(&m)).transpose()?;
                        Run::StoreCompact(store, month)
                    }
                });
            }
            Command::Ingest {
                paths,
                store,
                node,
                anonymize_ip,
                input,
                enrich,
                common,
            } => (
                "ingest",
                Args {
                    mode: Mode::Ingest,
                    paths,
                    store,
                    node,
                    anonymize_ip,
                    input,
                    enrich,
                    common,
                    ..Args::default()
                },
            ),
            Command::Report {
                store,
                node,
                by_node,
                period,
                output,
                common,
            } => (
                "report",
                Args {
                    mode: Mode::StoreReport,
                    store,
                    node,
                    by_node,
                    period,
                    output,
                    common,
                    ..Args::default()
                },
            ),
            Command::Top { live } => ("top", live.args(Mode::Top, ServeFlags::default())),
            Command::Serve { live, serve } => ("serve", live.args(Mode::Serve, serve)),
            Command::Sponsor {
                paths,
                store,
                node,
                input,
                enrich,
                filters,
                period,
                output,
                common,
            } => (
                "sponsor",
                Args {
                    mode: Mode::Sponsor,
                    paths,
                    store,
                    node,
                    input,
                    enrich,
                    filters,
                    period,
                    output,
                    common,
                    ..Args::default()
                },
            ),
        };
        merge(name, top, sub)
    }
}

/// `YYYY-MM` as `YYYYMM`.
fn parse_month(m: &str) -> Result<u32, String> {
    crate::parse::time::month_key(m)
        .ok_or_else(|| format!("--month {m}: expected YYYY-MM, e.g. 2019-01"))
}

/// `sub`, with what `top` (the flags before the subcommand's name) gives that `sub`
/// left unset. A group `sub` has no flag of keeps its default, so a group set in `top`
/// but at its default in `sub` is either taken or, if `sub` cannot take it, refused.
fn merge(name: &str, top: Args, sub: Args) -> Result<Run, String> {
    let takes: &[&str] = match sub.mode {
        Mode::Ingest => &["paths", "store", "node", "anonymize", "input", "enrich"],
        Mode::StoreReport => &["store", "node", "by_node", "period", "output"],
        Mode::Sponsor => &[
            "paths", "store", "node", "input", "enrich", "filters", "period", "output",
        ],
        Mode::Top | Mode::Serve => &["paths", "node", "input", "enrich", "filters", "period"],
        Mode::Report => &[],
    };
    let mut m = Merge {
        takes,
        refused: Vec::new(),
    };
    let merged = Args {
        mode: sub.mode,
        paths: m.pick("paths", top.paths, sub.paths),
        store: m.pick("store", top.store, sub.store),
        node: m.pick("node", top.node, sub.node),
        by_node: m.pick("by_node", top.by_node, sub.by_node),
        anonymize_ip: m.pick("anonymize", top.anonymize_ip, sub.anonymize_ip),
        input: m.pick("input", top.input, sub.input),
        enrich: m.pick("enrich", top.enrich, sub.enrich),
        filters: m.pick("filters", top.filters, sub.filters),
        period: m.pick("period", top.period, sub.period),
        output: m.pick("output", top.output, sub.output),
        // Taken on either side, as earlier versions took them anywhere.
        common: CommonFlags {
            config: sub.common.config.or(top.common.config),
            quiet: sub.common.quiet || top.common.quiet,
        },
        serve: sub.serve,
    };
    if !m.refused.is_empty() {
        return Err(format!(
            "some options before `{name}` belong after it or are not {name}'s: write `fsmg-stats {name} [OPTIONS]` (see `fsmg-stats {name} --help`)"
        ));
    }
    Ok(Run::Args(Box::new(merged)))
}

/// What [`merge`] takes from before the subcommand's name, and what it refuses.
struct Merge<'a> {
    takes: &'a [&'a str],
    refused: Vec<&'static str>,
}

impl Merge<'_> {
    /// One group: `sub`'s, or `top`'s when only `top` sets it and the subcommand takes
    /// it; set in `top` otherwise, it is refused.
    fn pick<T: Default + PartialEq>(&mut self, group: &'static str, top: T, sub: T) -> T {
        let unset = T::default();
        match (top != unset, sub != unset) {
            (false, _) => sub,
            (true, false) if self.takes.contains(&group) => top,
            _ => {
                self.refused.push(group);
                sub
            }
        }
    }
}

/// The manual page of `fsmg-stats`, or of one of its subcommands (`fsmg-stats-ingest(1)`
/// and so on, as git's pages are split), in roff.
pub fn man_page(subcommand: Option<&str>) -> Result<Vec<u8>, String> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    cmd.build();
    let page = match subcommand {
        None => cmd,
        Some(name) => {
            let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
            let sub = cmd.find_subcommand(name).ok_or_else(|| {
                format!(
                    "no subcommand {name:?}; the manual has {}",
                    names.join(", ")
                )
            })?;
            sub.clone()
                .name(format!("fsmg-stats-{name}"))
                .bin_name(format!("fsmg-stats {name}"))
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "fsmg-stats", &mut out);
    out
}
