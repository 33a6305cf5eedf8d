//! fsmg-loggen: writes realistic mirror access logs (two anycast nodes, rotated and
//! gzipped, with hostile lines) and the numbers they must produce.
//!
//! The truth is computed here from what each line *means* (the client, day, agent, URL
//! and status the generator chose), never by parsing the written text, so that the
//! parser is checked against something it did not produce. Its rules are GoAccess's
//! definitions, restated: a visitor is (day, IP text, agent) of a non-4xx response; a
//! requested file is (decoded URL, method, protocol) of a non-404, non-static request.
//! Clients, content kinds and images are labelled where the generator picks an agent or a
//! URL; nodes are the directories it writes; completed downloads follow docs/json.md.
//!
//! ```text
//! fsmg-loggen sample DIR --truth FILE          # the bundled sample-logs/
//! fsmg-loggen single FILE --lines N --truth F  # one plain file, for benches and CI
//! fsmg-loggen single FILE --format caddy       # the same requests in another format
//! ```
//!
//! `--format` writes the same requests (the same random choices) in another format, for
//! the GoAccess cross-check of each: `combined` (the default), `vcombined`, `common`,
//! `vcommon`, `w3c`, `cloudfront`, `caddy` and `nginx-json`. The truth describes the
//! requests; it is the report's for `combined`, `vcombined` and `nginx-json`, which log
//! every counted field (the others lack the agent, the bytes, the protocol, or the
//! logged day: Caddy's time is UTC). Junk lines are written as they are in every format,
//! and fail in each; requests with no method (TLS bytes, `-`) are junk in the formats
//! that log the method apart.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde::Serialize;

#[derive(Parser)]
#[command(about = "Writes mirror access logs with known numbers")]
struct Args {
    #[command(subcommand)]
    mode: Mode,
    /// Where to write the expected numbers (JSON).
    #[arg(long, global = true)]
    truth: Option<PathBuf>,
    #[arg(long, global = true, default_value_t = 2019)]
    seed: u64,
}

/// A log format the generator writes.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Encoding {
    Combined,
    Vcombined,
    Common,
    Vcommon,
    W3c,
    Cloudfront,
    Caddy,
    NginxJson,
}

#[derive(Subcommand)]
enum Mode {
    /// Two nodes (hlz, wlg), four rotated files each (.2 gzip, .3 multi-member gzip).
    Sample { dir: PathBuf },
    /// One plain file over 14 days (or `--days`).
    Single {
        file: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        lines: usize,
        #[arg(long, default_value_t = 14)]
        days: usize,
        /// Distinct client addresses [default: lines / 10, at least 500].
        #[arg(long)]
        clients: Option<usize>,
        /// Share of hostile lines, per mille.
        #[arg(long, default_value_t = 10)]
        hostile_per_mille: u32,
        /// The log format to write the requests in.
        #[arg(long, value_enum, default_value = "combined")]
        format: Encoding,
    },
}

/// The numbers a correct parser must report, named as in fsmg-stats' JSON.
#[derive(Default, Serialize)]
struct Truth {
    total_requests: u64,
    valid_requests: u64,
    failed_requests: u64,
    blank_lines: u64,
    comment_lines: u64,
    /// Lines starting with NUL: failed for us, silently skipped by GoAccess.
    nul_leading_lines: u64,
    unique_visitors: u64,
    requested_files: u64,
    bandwidth_bytes: u64,
    first_date: String,
    last_date: String,
    days: Vec<Row>,
    projects: Vec<Row>,
    status_codes: Vec<Row>,
    hours: Vec<Row>,
    ip_versions: Vec<Row>,
    /// Keyed `name` or `name/version`.
    clients: Vec<Row>,
    nodes: Vec<Row>,
    /// Keyed `project/kind`; no visitors.
    content: Vec<Row>,
    /// IPv6 requests and bytes per project; no visitors.
    projects_ipv6: Vec<Row>,
    /// Per client address, with its 404s as `visitors`' neighbour `not_found`.
    addresses: Vec<AddressRow>,
    downloads: Vec<DownloadRow>,
    #[serde(skip)]
    acc: Acc,
}

#[derive(Serialize)]
struct AddressRow {
    ip: String,
    requests: u64,
    bytes: u64,
    not_found: u64,
}

#[derive(Serialize)]
struct DownloadRow {
    path: String,
    size: u64,
    completed: u64,
    partial: u64,
}

#[derive(Serialize, Clone)]
struct Row {
    key: String,
    requests: u64,
    visitors: u64,
    bytes: u64,
}

/// (date, IP text, agent): one unique visitor.
type Visitor = (String, String, Vec<u8>);

#[derive(Default)]
struct Acc {
    visitors: HashSet<Visitor>,
    files: HashSet<(Vec<u8>, String, String)>,
    /// (table, row key) → (requests, bytes, visitors).
    tables: BTreeMap<(&'static str, String), (u64, u64, HashSet<Visitor>)>,
    /// IP → (requests, bytes, 404s).
    addresses: BTreeMap<String, (u64, u64, u64)>,
    /// (image URL, visitor) → GET 200 byte counts, and bytes of 200s and 206s.
    downloads: BTreeMap<(Vec<u8>, Visitor), (Vec<u64>, u64)>,
}

/// What a valid line means.
struct Hit {
    day: (u16, u8, u8),
    hour: u8,
    ip: String,
    /// The agent as GoAccess keys it (`-` for an empty one).
    agent: Vec<u8>,
    method: Option<&'static str>,
    protocol: Option<&'static str>,
    /// Decoded URL; what the line carries may be percent-encoded.
    url: Vec<u8>,
    project: String,
    status: u16,
    bytes: u64,
    /// `name` or `name/version`, as the report's clients rows.
    client: String,
    /// metadata, payload or other.
    content: &'static str,
    image: bool,
    node: String,
}

const STATIC: &str = "css js jpg png gif ico jpeg pdf csv mpeg mpg swf woff woff2 xls xlsx doc docx ppt pptx txt zip ogg mp3 mp4 exe iso gz rar svg bmp tar tgz tiff tif ttf flv dmg xz zst";

fn is_static_url(url: &[u8]) -> bool {
    let lower = String::from_utf8_lossy(url).to_lowercase();
    STATIC.split(' ').any(|e| lower.ends_with(&format!(".{e}")))
}

/// 6 for an IPv6 address unless it is v4-mapped (`::ffff:a.b.c.d`), which counts as 4.
fn ip_version(ip: &str) -> u8 {
    if ip.contains(':') && !ip.starts_with("::ffff:") {
        6
    } else {
        4
    }
}

fn date_key(d: (u16, u8, u8)) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

impl Truth {
    fn hit(&mut self, h: &Hit) {
        self.valid_requests += 1;
        self.bandwidth_bytes += h.bytes;
        let day = date_key(h.day);
        let visitor = (day.clone(), h.ip.clone(), h.agent.clone());
        let counts = !(400..500).contains(&h.status);
        if counts {
            self.acc.visitors.insert(visitor.clone());
        }
        if h.status != 404 && !is_static_url(&h.url) {
            let m = h.method.unwrap_or("-").to_string();
            let p = h.protocol.unwrap_or("-").to_string();
            self.acc.files.insert((h.url.clone(), m, p));
        }
        for (table, key) in [
            ("days", day),
            ("projects", h.project.clone()),
            ("status_codes", h.status.to_string()),
            ("hours", h.hour.to_string()),
            ("ip_versions", ip_version(&h.ip).to_string()),
            ("clients", h.client.clone()),
            ("nodes", h.node.clone()),
            ("content", format!("{}/{}", h.project, h.content)),
        ] {
            let e = self.acc.tables.entry((table, key)).or_default();
            e.0 += 1;
            e.1 += h.bytes;
            if counts {
                e.2.insert(visitor.clone());
            }
        }
        if ip_version(&h.ip) == 6 {
            let e = self
                .acc
                .tables
                .entry(("projects_ipv6", h.project.clone()))
                .or_default();
            e.0 += 1;
            e.1 += h.bytes;
        }
        let a = self.acc.addresses.entry(h.ip.clone()).or_default();
        a.0 += 1;
        a.1 += h.bytes;
        a.2 += u64::from(h.status == 404);
        if h.image && h.method == Some("GET") && matches!(h.status, 200 | 206) {
            let d = self
                .acc
                .downloads
                .entry((h.url.clone(), visitor))
                .or_default();
            if h.status == 200 {
                d.0.push(h.bytes);
            }
            d.1 += h.bytes;
        }
    }

    fn finish(&mut self) {
        self.total_requests = self.valid_requests + self.failed_requests;
        self.unique_visitors = self.acc.visitors.len() as u64;
        self.requested_files = self.acc.files.len() as u64;
        let rows = |t: &str| -> Vec<Row> {
            self.acc
                .tables
                .iter()
                .filter(|((table, _), _)| *table == t)
                .map(|((_, key), (r, b, v))| Row {
                    key: key.clone(),
                    requests: *r,
                    visitors: v.len() as u64,
                    bytes: *b,
                })
                .collect()
        };
        self.days = rows("days");
        self.projects = rows("projects");
        self.status_codes = rows("status_codes");
        self.hours = rows("hours");
        self.ip_versions = rows("ip_versions");
        self.clients = rows("clients");
        self.nodes = rows("nodes");
        self.content = rows("content");
        self.projects_ipv6 = rows("projects_ipv6");
        self.addresses = self
            .acc
            .addresses
            .iter()
            .map(|(ip, &(requests, bytes, not_found))| AddressRow {
                ip: ip.clone(),
                requests,
                bytes,
                not_found,
            })
            .collect();
        // A file's size is its largest 200; a visitor completed it once per 200 of that
        // size, or once if all its responses together sent that many bytes.
        let mut per_file: BTreeMap<Vec<u8>, (u64, u64, u64)> = BTreeMap::new();
        for ((url, _), (fulls, _)) in &self.acc.downloads {
            let e = per_file.entry(url.clone()).or_default();
            e.0 = e.0.max(fulls.iter().copied().max().unwrap_or(0));
        }
        for ((url, _), (fulls, sent)) in &self.acc.downloads {
            let e = per_file.get_mut(url).expect("seen above");
            let size = e.0;
            let whole = fulls.iter().filter(|&&b| b == size).count() as u64;
            let completed = if whole > 0 {
                whole
            } else {
                u64::from(*sent >= size)
            };
            if completed == 0 {
                e.2 += 1;
            }
            e.1 += completed;
        }
        self.downloads = per_file
            .into_iter()
            .filter(|(_, (size, _, _))| *size > 0)
            .map(|(url, (size, completed, partial))| DownloadRow {
                path: String::from_utf8_lossy(&url).into_owned(),
                size,
                completed,
                partial,
            })
            .collect();
        self.first_date = self.days.first().map(|r| r.key.clone()).unwrap_or_default();
        self.last_date = self.days.last().map(|r| r.key.clone()).unwrap_or_default();
    }
}

/// Pages that link to the mirror: its own, search engines (Google's with a query GoAccess
/// cuts at its `&`), a wiki, a forum, an app.
const REFERRERS: [&str; 8] = [
    "https://mirror.fsmg.org.nz/",
    "https://www.google.com/search?q=debian+iso+nz&ie=utf-8&oe=utf-8",
    "https://www.google.co.nz/url?sa=t&rct=j&q=&esrc=s&source=web",
    "https://wiki.debian.org/DebianMirrors",
    "https://forums.raspberrypi.com/viewtopic.php?t=1234#p5678",
    "https://duckduckgo.com/?q=ubuntu+mirror+new+zealand&t=h_",
    "https://www.kali.org/get-kali/",
    "android-app://com.google.android.gm/",
];

/// Users of the password-protected sync area.
const USERS: [&str; 3] = ["mirror-sync", "ftpmaster", "alice"];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

struct Gen {
    rng: fastrand::Rng,
    ips: Vec<String>,
    /// Agent text and its client (`name` or `name/version`).
    agents: Vec<(String, String)>,
    packages: Vec<String>,
    /// Where the lines being written are served: a node directory's name.
    node: String,
    truth: Truth,
    encoding: Encoding,
    /// Choices only other formats need (vhost, serve time), apart from `rng`, so that
    /// every format gets the same requests.
    extra: fastrand::Rng,
}

/// One logged request, its text fields as a combined log carries them.
struct Entry<'a> {
    ip: &'a str,
    day: (u16, u8, u8),
    secs: u32,
    request: &'a [u8],
    status: &'a str,
    size: &'a str,
    referer: &'a str,
    /// The authenticated user (`%u`), `-` for none.
    user: &'a str,
    agent: &'a [u8],
    crlf: bool,
}

impl Gen {
    fn new(seed: u64, clients: usize) -> Gen {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut ips = Vec::new();
        for i in 0..clients {
            ips.push(match i % 10 {
                0..=5 => format!(
                    "{}.{}.{}.{}",
                    [203, 202, 49, 101, 122, 125][i % 6],
                    rng.u8(1..=254),
                    rng.u8(0..=254),
                    rng.u8(1..=254)
                ),
                6 | 7 => format!(
                    "2404:{:x}:{:x}::{:x}",
                    rng.u16(0x100..0xfff0),
                    rng.u16(1..0xffff),
                    rng.u16(1..0xffff)
                ),
                8 => format!(
                    "2001:db8:{:x}::{:x}",
                    rng.u16(1..0xffff),
                    rng.u16(1..0xffff)
                ),
                _ => format!(
                    "{}.{}.{}.{}",
                    rng.u8(1..=223),
                    rng.u8(0..=254),
                    rng.u8(0..=254),
                    rng.u8(1..=254)
                ),
            });
        }
        // Some clients appear both plainly and v4-mapped: two visitors, as in GoAccess.
        ips.push("::ffff:203.0.113.9".into());
        ips.push("203.0.113.9".into());
        let mut agents = Vec::new();
        for v in ["1.4.9", "1.8.2", "2.2.4", "2.6.1"] {
            agents.push((format!("Debian APT-HTTP/1.3 ({v})"), format!("apt/{v}")));
            agents.push((format!("Debian APT-CURL/1.0 ({v})"), format!("apt/{v}")));
        }
        for v in ["1.6.6", "1.6.12", "2.0.2", "2.4.11"] {
            agents.push((format!("Ubuntu APT-HTTP/1.3 ({v})"), format!("apt/{v}")));
        }
        agents.extend(
            [
                ("urlgrabber/3.10 yum/3.4.3", "yum/3.4.3"),
                ("libdnf (CentOS Linux 8; generic; Linux.x86_64)", "dnf"),
                ("pacman/5.1.1 (Linux x86_64) libalpm/11.0.1", "pacman/5.1.1"),
                ("Wget/1.19.4 (linux-gnu)", "wget/1.19.4"),
                ("Wget/1.20.1 (linux-gnu)", "wget/1.20.1"),
                ("curl/7.58.0", "curl/7.58.0"),
                ("curl/7.64.0", "curl/7.64.0"),
                ("OpenBSD ftp", "pkg_add"),
                ("rsync/3.1.3", "rsync/3.1.3"),
                ("Mozilla/5.0 (X11; Linux x86_64; rv:64.0) Gecko/20100101 Firefox/64.0", "browser"),
                ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/71.0.3578.98 Safari/537.36", "browser"),
                ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.0.2 Safari/605.1.15", "browser"),
                ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "crawler"),
                ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "crawler"),
                ("-", "other"),
            ]
            .map(|(a, c)| (a.to_string(), c.to_string())),
        );
        let syllables = [
            "lib", "gcc", "xorg", "py", "perl", "ssl", "z", "curl", "gtk", "qt", "font", "utils",
            "dev", "core", "net", "data",
        ];
        let mut packages = Vec::new();
        for i in 0..(clients / 4).max(200) {
            let a = syllables[i % syllables.len()];
            let b = syllables[(i / syllables.len()) % syllables.len()];
            packages.push(format!("{a}{b}{}", i / (syllables.len() * syllables.len())));
        }
        packages.push("libstdc++6".into());
        Gen {
            rng,
            ips,
            agents,
            packages,
            node: String::new(),
            truth: Truth::default(),
            encoding: Encoding::Combined,
            extra: fastrand::Rng::with_seed(seed ^ 0x5eed),
        }
    }

    /// An index into a pool of `n`, skewed towards the front: a few heavy clients, a long tail.
    fn pick(&mut self, n: usize) -> usize {
        if self.rng.bool() {
            self.rng.usize(..n.min(20))
        } else {
            self.rng.usize(..n)
        }
    }

    /// A URL (decoded), its project, the size of a full response and its content kind.
    fn url(&mut self) -> (String, String, u64, &'static str) {
        let i = self.pick(self.packages.len());
        let pkg = self.packages[i].clone();
        let r = self.rng.u32(..100);
        let (url, project, size) = match r {
            0..=24 => (
                format!(
                    "/debian/pool/main/{}/{pkg}/{pkg}_1.{}-1_amd64.deb",
                    &pkg[..1],
                    r % 7
                ),
                "debian",
                40_000 + self.rng.u64(..4_000_000),
            ),
            25..=34 => {
                let f = [
                    "InRelease",
                    "Release",
                    "Release.gpg",
                    "main/binary-amd64/Packages.xz",
                    "main/i18n/Translation-en.bz2",
                ][self.rng.usize(..5)];
                (
                    format!(
                        "/debian/dists/{}/{f}",
                        ["buster", "stretch", "sid"][self.rng.usize(..3)]
                    ),
                    "debian",
                    1_000 + self.rng.u64(..9_000_000),
                )
            }
            35..=49 => (
                format!(
                    "/ubuntu/pool/main/{}/{pkg}/{pkg}_2.{}_amd64.deb",
                    &pkg[..1],
                    r % 5
                ),
                "ubuntu",
                30_000 + self.rng.u64(..3_000_000),
            ),
            50..=55 => (
                format!(
                    "/ubuntu/dists/bionic/{}",
                    [
                        "InRelease",
                        "main/binary-amd64/by-hash/SHA256/ab12",
                        "Contents-amd64.gz"
                    ][self.rng.usize(..3)]
                ),
                "ubuntu",
                5_000 + self.rng.u64(..30_000_000),
            ),
            56..=57 => (
                "/ubuntu-releases/18.04/ubuntu-18.04.1-desktop-amd64.iso".into(),
                "ubuntu-releases",
                1_953_349_632,
            ),
            58..=63 => (
                format!(
                    "/raspbian/raspbian/pool/main/{}/{pkg}/{pkg}_1.0_armhf.deb",
                    &pkg[..1]
                ),
                "raspbian",
                20_000 + self.rng.u64(..2_000_000),
            ),
            64..=68 => (
                format!(
                    "/centos/7/updates/x86_64/Packages/{pkg}-1.0-{}.el7.x86_64.rpm",
                    r % 3
                ),
                "centos",
                50_000 + self.rng.u64(..5_000_000),
            ),
            69..=70 => (
                "/centos/7/os/x86_64/repodata/repomd.xml".into(),
                "centos",
                3_735,
            ),
            71 => (
                "/centos/7/isos/x86_64/CentOS-7-x86_64-NetInstall-1804.iso".into(),
                "centos",
                523_239_424,
            ),
            72..=77 => (
                format!(
                    "/archlinux/extra/os/x86_64/{pkg}-1.{}-1-x86_64.pkg.tar.xz",
                    r % 4
                ),
                "archlinux",
                10_000 + self.rng.u64(..8_000_000),
            ),
            78..=79 => (
                "/archlinux/core/os/x86_64/core.db".into(),
                "archlinux",
                130_000,
            ),
            80..=85 => (
                format!(
                    "/kali/pool/main/{}/{pkg}/{pkg}_3.{}_amd64.deb",
                    &pkg[..1],
                    r % 2
                ),
                "kali",
                20_000 + self.rng.u64(..1_000_000),
            ),
            86 => (
                "/kali-images/kali-2018.4/kali-linux-2018.4-amd64.iso".into(),
                "kali-images",
                3_196_039_168,
            ),
            87..=92 => (
                format!("/pub/OpenBSD/6.4/packages/amd64/{pkg}-1.{}.tgz", r % 3),
                "pub",
                10_000 + self.rng.u64(..3_000_000),
            ),
            93..=95 => ("/pub/OpenBSD/6.4/amd64/SHA256.sig".into(), "pub", 2_109),
            96 => ("/".into(), "(root)", 5_120),
            97 => ("/favicon.ico".into(), "(root)", 1_150),
            98 => ("/robots.txt".into(), "(root)", 26),
            _ => (
                format!(
                    "/debian/dists/buster/main/binary-amd64/Packages.xz?ts={}",
                    self.rng.u32(..1000)
                ),
                "debian",
                7_800_000,
            ),
        };
        // What each arm above serves, in order of its first number.
        let kind = match r {
            25..=34 | 50..=55 | 69..=70 | 78..=79 | 93..=95 => "metadata",
            96..=98 => "other",
            99.. => "metadata",
            _ => "payload",
        };
        (url, project.to_string(), size, kind)
    }

    /// Writes one valid request line and records what it means.
    fn valid(&mut self, out: &mut Vec<u8>, day: (u16, u8, u8), secs: u32) {
        let i = self.pick(self.ips.len());
        let ip = self.ips[i].clone();
        let i = self.pick(self.agents.len());
        let (agent, client) = self.agents[i].clone();
        let (url, project, size, content) = self.url();
        let (method, status, bytes) = match self.rng.u32(..100) {
            0..=74 => ("GET", 200, size),
            75..=79 => ("HEAD", 200, 0),
            80..=84 => ("GET", 304, 0),
            85..=89 => ("GET", 206, self.rng.u64(1..=size.max(1))),
            90..=94 => ("GET", 404, 196),
            95..=96 => ("GET", 301, 244),
            97 => ("GET", 403, 199),
            98 => ("GET", 416, 0),
            _ => ("GET", 500, 0),
        };
        let protocol =
            ["HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/2.0", "HTTP/1.0"][self.rng.usize(..5)];
        // `+` is logged percent-encoded by some clients: the decoded URL is what counts.
        let raw_url = if self.rng.bool() {
            url.replace('+', "%2B")
        } else {
            url.clone()
        };
        let size_text = if bytes == 0 && self.rng.bool() {
            "-".to_string()
        } else {
            bytes.to_string()
        };
        let (empty_agent, agent_text) = match self.rng.u32(..200) {
            0 => (true, String::new()),
            _ => (false, agent.clone()),
        };
        // Which referrer and user are picked from the time and agent, not drawn, so that
        // the requests stay those of earlier versions.
        let referer = if self.rng.u32(..10) == 0 {
            REFERRERS[(secs as usize + i) % REFERRERS.len()]
        } else {
            "-"
        };
        let user = match secs % 29 {
            0 => USERS[(secs as usize / 29 + i) % USERS.len()],
            _ => "-",
        };
        let crlf = self.rng.u32(..50) == 0;
        self.emit(
            out,
            &Entry {
                ip: &ip,
                day,
                secs,
                request: format!("{method} {raw_url} {protocol}").as_bytes(),
                status: &status.to_string(),
                size: &size_text,
                referer,
                user,
                agent: agent_text.as_bytes(),
                crlf,
            },
        );
        self.truth.hit(&Hit {
            day,
            hour: (secs / 3600) as u8,
            ip,
            agent: if empty_agent {
                b"-".to_vec()
            } else {
                agent.into_bytes()
            },
            method: Some(method),
            protocol: Some(if protocol == "HTTP/2.0" {
                "HTTP/2"
            } else {
                protocol
            }),
            image: url.ends_with(".iso"),
            url: url.into_bytes(),
            project,
            status,
            bytes,
            // An empty agent is keyed `-`, which no tool sends.
            client: if empty_agent { "other".into() } else { client },
            content,
            node: self.node.clone(),
        });
    }

    /// Writes one hostile line: either a failure, a skipped line, or an odd but valid request.
    fn hostile(&mut self, out: &mut Vec<u8>, day: (u16, u8, u8), secs: u32) {
        let d = clf_time(day, secs);
        let t = &mut self.truth;
        let odd = |g: &mut Gen,
                   out: &mut Vec<u8>,
                   ip: &str,
                   req: &str,
                   url: &[u8],
                   status: u16,
                   bytes: u64,
                   agent: &str,
                   key_agent: &[u8],
                   client: &str| {
            g.emit(
                out,
                &Entry {
                    ip,
                    day,
                    secs,
                    request: req.as_bytes(),
                    status: &status.to_string(),
                    size: &bytes.to_string(),
                    referer: "-",
                    user: "-",
                    agent: agent.as_bytes(),
                    crlf: false,
                },
            );
            g.truth.hit(&Hit {
                day,
                hour: (secs / 3600) as u8,
                ip: ip.into(),
                agent: key_agent.to_vec(),
                method: None,
                protocol: None,
                url: url.to_vec(),
                project: "(invalid)".into(),
                status,
                bytes,
                client: client.into(),
                content: "other",
                image: false,
                node: g.node.clone(),
            });
        };
        match self.rng.u32(..16) {
            0 => {
                out.extend(
                    format!("203.0.113.5 - - [{d}] \"GET /debian/ HTTP/1.1\" 200\n").as_bytes(),
                );
                t.failed_requests += 1;
            }
            1 => {
                out.extend(b"GET / HTTP/1.1\n");
                t.failed_requests += 1;
            }
            2 => {
                out.extend(
                    format!("999.12.1.1 - - [{d}] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n")
                        .as_bytes(),
                );
                t.failed_requests += 1;
            }
            3 => {
                out.extend(
                    format!("mirror.example.org - - [{d}] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n")
                        .as_bytes(),
                );
                t.failed_requests += 1;
            }
            4 => {
                out.extend(b"203.0.113.7 - - [99/Foo/2018:25:61:61 +1300] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n");
                t.failed_requests += 1;
            }
            5 => {
                out.extend(
                    format!("203.0.113.7 - - [{d}] \"GET / HTTP/1.1\" - 5 \"-\" \"x\"\n")
                        .as_bytes(),
                );
                t.failed_requests += 1;
            }
            6 => {
                out.extend(
                    format!("203.0.113.7 - - [{d}] \"GET / HTTP/1.1\" 999 5 \"-\" \"x\"\n")
                        .as_bytes(),
                );
                t.failed_requests += 1;
            }
            7 => {
                out.extend(
                    format!("\0203.0.113.7 - - [{d}] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\"\n")
                        .as_bytes(),
                );
                t.failed_requests += 1;
                t.nul_leading_lines += 1;
            }
            8 => {
                out.extend(b"\n");
                t.blank_lines += 1;
            }
            9 => {
                out.extend(b"# logrotate was here\n");
                t.comment_lines += 1;
            }
            10 => {
                out.extend(b"   \n");
                t.failed_requests += 1;
            }
            11 => odd(
                self,
                out,
                "198.51.100.23",
                r"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                br"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                400,
                226,
                "-",
                b"-",
                "other",
            ),
            12 => odd(
                self,
                out,
                "198.51.100.24",
                "-",
                b"-",
                408,
                0,
                "-",
                b"-",
                "other",
            ),
            13 => odd(
                self,
                out,
                "198.51.100.25",
                "GET /debian/pool",
                b"-",
                200,
                512,
                "curl/7.64.0",
                b"curl/7.64.0",
                "curl/7.64.0",
            ),
            14 => {
                // Invalid UTF-8 in the path and the agent; a valid 404.
                self.emit(
                    out,
                    &Entry {
                        ip: "198.51.100.26",
                        day,
                        secs,
                        request: b"GET /debian/\xff\xfe.deb HTTP/1.1",
                        status: "404",
                        size: "196",
                        referer: "-",
                        user: "-",
                        agent: b"bad\xc3(agent",
                        crlf: false,
                    },
                );
                self.truth.hit(&Hit {
                    day,
                    hour: (secs / 3600) as u8,
                    ip: "198.51.100.26".into(),
                    agent: b"bad\xc3(agent".to_vec(),
                    method: Some("GET"),
                    protocol: Some("HTTP/1.1"),
                    url: b"/debian/\xff\xfe.deb".to_vec(),
                    project: "debian".into(),
                    status: 404,
                    bytes: 196,
                    client: "other".into(),
                    content: "payload",
                    image: false,
                    node: self.node.clone(),
                });
            }
            _ => {
                // Escaped quotes inside the agent stay part of it.
                let agent = r#"Mozilla/5.0 \"evil\" <script>alert(1)</script>"#;
                self.emit(
                    out,
                    &Entry {
                        ip: "198.51.100.27",
                        day,
                        secs,
                        request: b"GET /kali/ HTTP/1.1",
                        status: "200",
                        size: "1000",
                        referer: "-",
                        user: "-",
                        agent: agent.as_bytes(),
                        crlf: false,
                    },
                );
                self.truth.hit(&Hit {
                    day,
                    hour: (secs / 3600) as u8,
                    ip: "198.51.100.27".into(),
                    agent: agent.as_bytes().to_vec(),
                    method: Some("GET"),
                    protocol: Some("HTTP/1.1"),
                    url: b"/kali/".to_vec(),
                    project: "kali".into(),
                    status: 200,
                    bytes: 1000,
                    client: "browser".into(),
                    content: "other",
                    image: false,
                    node: self.node.clone(),
                });
            }
        }
    }

    /// One day of log: `lines` lines in time order, hostile ones mixed in after the tenth
    /// (GoAccess gives up on a file whose first ten lines are all invalid).
    fn day(&mut self, out: &mut Vec<u8>, day: (u16, u8, u8), lines: usize, hostile_per_mille: u32) {
        let mut times: Vec<u32> = (0..lines).map(|_| self.rng.u32(..86_400)).collect();
        times.sort_unstable();
        for (i, secs) in times.into_iter().enumerate() {
            if i >= 10 && self.rng.u32(..1000) < hostile_per_mille {
                self.hostile(out, day, secs);
            } else {
                self.valid(out, day, secs);
            }
        }
    }
}

/// A request line's method, URL and protocol, if it has them.
fn split_request(req: &[u8]) -> Option<(&str, &[u8], &str)> {
    let first = req.iter().position(|&b| b == b' ')?;
    let last = req.iter().rposition(|&b| b == b' ')?;
    (first < last).then_some(())?;
    let method = std::str::from_utf8(&req[..first]).ok()?;
    let protocol = std::str::from_utf8(&req[last + 1..]).ok()?;
    Some((method, &req[first + 1..last], protocol))
}

/// A URL's path and query (`-` when none), as W3C and CloudFront log them apart.
fn stem_and_query(url: &[u8]) -> (&[u8], &[u8]) {
    match url.iter().position(|&b| b == b'?') {
        Some(q) if q + 1 < url.len() => (&url[..q], &url[q + 1..]),
        Some(q) => (&url[..q], b"-"),
        None => (url, b"-"),
    }
}

/// An agent in a space-separated field: spaces written as `space`, `-` when empty.
fn agent_field(agent: &[u8], space: &[u8]) -> Vec<u8> {
    if agent.is_empty() {
        return b"-".to_vec();
    }
    agent
        .iter()
        .flat_map(|&b| if b == b' ' { space.to_vec() } else { vec![b] })
        .collect()
}

/// A JSON string: `"` and `\` escaped, control bytes as `\u00XX`; other bytes as they
/// are (nginx's `escape=json`), or invalid UTF-8 as U+FFFD (`lossy`, as Go's loggers do).
fn json_str(out: &mut Vec<u8>, s: &[u8], lossy: bool) {
    out.push(b'"');
    let text = String::from_utf8_lossy(s);
    let bytes = if lossy { text.as_bytes() } else { s };
    for &b in bytes {
        match b {
            b'"' => out.extend(b"\\\""),
            b'\\' => out.extend(b"\\\\"),
            0..=0x1f => out.extend(format!("\\u{b:04X}").as_bytes()),
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

const HEADERS: &[(Encoding, &str)] = &[
    (
        Encoding::W3c,
        "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n",
    ),
    (
        Encoding::Cloudfront,
        "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n",
    ),
];

/// `dd/Mon/yyyy:HH:MM:SS +1300`: second `secs` of `day` as common logs write it.
fn clf_time((y, mo, d): (u16, u8, u8), secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    format!(
        "{d:02}/{}/{y}:{h:02}:{m:02}:{s:02} +1300",
        MONTHS[mo as usize - 1]
    )
}

impl Gen {
    /// Writes one request in the chosen format. What a format cannot carry (a request
    /// with no method where it logs the method apart) is written as a combined line,
    /// which that format then fails, as its own junk would.
    fn emit(&mut self, out: &mut Vec<u8>, e: &Entry<'_>) {
        let eol: &[u8] = if e.crlf { b"\r\n" } else { b"\n" };
        let (h, m, sec) = (e.secs / 3600, e.secs / 60 % 60, e.secs % 60);
        let (y, mo, d) = e.day;
        let clf = clf_time(e.day, e.secs);
        let size: u64 = e.size.parse().unwrap_or(0);
        let vhost = [
            "mirror.fsmg.org.nz",
            "ftp.fsmg.org.nz",
            "debian.fsmg.org.nz",
        ][self.extra.usize(..3)];
        let served_ms = self.extra.u32(1..5000);
        let split = split_request(e.request);
        let combined = |out: &mut Vec<u8>, with_agent: bool| {
            out.extend(format!("{} - {} [{clf}] \"", e.ip, e.user).as_bytes());
            out.extend(e.request);
            out.extend(format!("\" {} {}", e.status, e.size).as_bytes());
            if with_agent {
                out.extend(format!(" \"{}\" \"", e.referer).as_bytes());
                out.extend(e.agent);
                out.push(b'"');
            }
        };
        match (self.encoding, split) {
            (Encoding::Combined | Encoding::Common, _) => {
                combined(out, self.encoding == Encoding::Combined);
            }
            (Encoding::Vcombined | Encoding::Vcommon, _) => {
                out.extend(format!("{vhost}:443 ").as_bytes());
                combined(out, self.encoding == Encoding::Vcombined);
            }
            (Encoding::W3c, Some((method, url, _))) => {
                let (stem, query) = stem_and_query(url);
                let agent = agent_field(e.agent, b"+");
                out.extend(
                    format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02}:{sec:02} 10.0.0.1 {method} ")
                        .as_bytes(),
                );
                out.extend(stem);
                out.push(b' ');
                out.extend(query);
                out.extend(format!(" 443 - {} ", e.ip).as_bytes());
                out.extend(agent);
                out.extend(format!(" {} {} 0 0 {served_ms}", e.referer, e.status).as_bytes());
            }
            (Encoding::Cloudfront, Some((method, url, protocol))) => {
                let (stem, query) = stem_and_query(url);
                let agent = agent_field(e.agent, b"%20");
                let t = |x: &str| format!("{x}\t");
                out.extend(t(&format!("{y:04}-{mo:02}-{d:02}")).as_bytes());
                out.extend(t(&format!("{h:02}:{m:02}:{sec:02}")).as_bytes());
                out.extend(t("AKL50-C1").as_bytes());
                out.extend(t(&size.to_string()).as_bytes());
                out.extend(t(e.ip).as_bytes());
                out.extend(t(method).as_bytes());
                out.extend(t("d111111abcdef8.cloudfront.net").as_bytes());
                out.extend(stem);
                out.push(b'\t');
                out.extend(t(e.status).as_bytes());
                out.extend(t(e.referer).as_bytes());
                out.extend(agent);
                out.push(b'\t');
                out.extend(query);
                out.extend(
                    format!(
                        "\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\t{vhost}\thttps\t160\t{}.{:03}\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tHit\t{protocol}\t-\t-\t443\t0.001\tHit\tapplication/octet-stream\t{size}\t-\t-",
                        served_ms / 1000,
                        served_ms % 1000
                    )
                    .as_bytes(),
                );
            }
            (Encoding::Caddy, Some((method, url, protocol))) => {
                let date = jiff::civil::date(y as i16, mo as i8, d as i8);
                let days = date
                    .since(jiff::civil::date(1970, 1, 1))
                    .map_or(0, |s| i64::from(s.get_days()));
                // Caddy logs UTC epoch seconds; the line's local time is at +13:00.
                let epoch = days * 86_400 + i64::from(e.secs) - 13 * 3600;
                let status: u16 = e.status.parse().unwrap_or(0);
                out.extend(
                    format!(
                        r#"{{"level":"info","ts":{epoch}.{:06},"logger":"http.log.access.log0","msg":"handled request","request":{{"remote_ip":"{ip}","remote_port":"{}","client_ip":"{ip}","proto":"{protocol}","method":"{method}","host":"{vhost}","uri":"#,
                        self.extra.u32(..1_000_000),
                        self.extra.u16(1024..),
                        ip = e.ip,
                    )
                    .as_bytes(),
                );
                json_str(out, url, true);
                out.extend(br#","headers":{"Accept":["*/*"]"#);
                if !e.agent.is_empty() {
                    out.extend(br#","User-Agent":["#);
                    json_str(out, e.agent, true);
                    out.push(b']');
                }
                if e.referer != "-" {
                    out.extend(br#","Referer":["#);
                    json_str(out, e.referer.as_bytes(), true);
                    out.push(b']');
                }
                out.extend(
                    format!(
                        r#"}}}},"bytes_read":0,"user_id":"","duration":{}.{:06},"size":{size},"status":{status},"resp_headers":{{"Server":["Caddy"],"Content-Type":["application/octet-stream"]}}}}"#,
                        served_ms / 1000,
                        served_ms % 1000 * 1000
                    )
                    .as_bytes(),
                );
            }
            (Encoding::NginxJson, _) => {
                out.extend(
                    format!(
                        r#"{{"time_local":"{clf}","remote_addr":"{}","remote_user":"","request":"#,
                        e.ip
                    )
                    .as_bytes(),
                );
                json_str(out, e.request, false);
                out.extend(format!(r#","status":"{}","body_bytes_sent":"{size}","request_time":"{}.{:03}","http_referer":"#, e.status, served_ms / 1000, served_ms % 1000).as_bytes());
                json_str(out, e.referer.as_bytes(), false);
                out.extend(br#","http_user_agent":"#);
                json_str(out, e.agent, false);
                out.push(b'}');
            }
            // No method: as the format's junk.
            (_, None) => combined(out, true),
        }
        out.extend(eol);
    }

    /// The comment lines a format's files start with.
    fn header(&mut self, out: &mut Vec<u8>) {
        if let Some((_, text)) = HEADERS.iter().find(|(e, _)| *e == self.encoding) {
            out.extend(text.as_bytes());
            self.truth.comment_lines += text.lines().count() as u64;
        }
    }
}

fn gzip(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data)?;
    Ok(e.finish()?)
}

fn write(path: &Path, data: &[u8]) -> anyhow::Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(path, data).with_context(|| path.display().to_string())
}

const SAMPLE_DAYS: [(u16, u8, u8); 4] = [(2018, 12, 31), (2019, 1, 1), (2019, 1, 2), (2019, 1, 3)];

fn days_from(start: (u16, u8, u8), n: usize) -> Vec<(u16, u8, u8)> {
    let mut d = jiff::civil::date(start.0 as i16, start.1 as i8, start.2 as i8);
    let mut out = Vec::new();
    for _ in 0..n {
        out.push((d.year() as u16, d.month() as u8, d.day() as u8));
        d = d.tomorrow().expect("in range");
    }
    out
}

/// Runs the generator with these command-line arguments (the first is the program name),
/// as the `fsmg-loggen` binary does; the tests call it in-process.
pub fn run<I, T>(args: I) -> anyhow::Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args = Args::try_parse_from(args)?;
    let truth = match args.mode {
        Mode::Sample { dir } => {
            let mut g = Gen::new(args.seed, 400);
            for node in ["hlz", "wlg"] {
                g.node = node.to_string();
                // access.log.3.gz is the oldest day; access.log the newest.
                for (i, &day) in SAMPLE_DAYS.iter().enumerate() {
                    let mut text = Vec::new();
                    g.day(&mut text, day, 450 + 50 * i, 40);
                    let rotation = 3 - i;
                    let (name, data) = match rotation {
                        0 => ("access.log".to_string(), text),
                        1 => ("access.log.1".into(), text),
                        2 => ("access.log.2.gz".into(), gzip(&text)?),
                        _ => {
                            // Two gzip members, as `cat a.gz b.gz` or some rotations make.
                            let cut = text.len() / 2;
                            let cut = cut
                                + text[cut..]
                                    .iter()
                                    .position(|&b| b == b'\n')
                                    .map_or(0, |p| p + 1);
                            let mut d = gzip(&text[..cut])?;
                            d.extend(gzip(&text[cut..])?);
                            (format!("access.log.{rotation}.gz"), d)
                        }
                    };
                    write(&dir.join(node).join(name), &data)?;
                }
            }
            g.truth
        }
        Mode::Single {
            file,
            lines,
            days,
            clients,
            hostile_per_mille,
            format,
        } => {
            let days = days_from((2018, 12, 31), days.max(1));
            let mut g = Gen::new(args.seed, clients.unwrap_or((lines / 10).max(500)));
            g.encoding = format;
            // The node of a file is its directory's name.
            let dir = std::path::absolute(&file)?;
            g.node = dir
                .parent()
                .and_then(Path::file_name)
                .map_or("-".into(), |n| n.to_string_lossy().into_owned());
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(&file).with_context(|| file.display().to_string())?,
            );
            let per_day = lines / days.len();
            let mut header = Vec::new();
            g.header(&mut header);
            f.write_all(&header)?;
            for (i, &day) in days.iter().enumerate() {
                let n = if i + 1 == days.len() {
                    lines - per_day * (days.len() - 1)
                } else {
                    per_day
                };
                let mut text = Vec::with_capacity(n * 200);
                g.day(&mut text, day, n, hostile_per_mille);
                f.write_all(&text)?;
            }
            f.flush()?;
            g.truth
        }
    };
    let mut truth = truth;
    truth.finish();
    let json = serde_json::to_string_pretty(&truth)? + "\n";
    match args.truth {
        Some(p) => write(&p, json.as_bytes())?,
        None => print!("{json}"),
    }
    Ok(())
}
