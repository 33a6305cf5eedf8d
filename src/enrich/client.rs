//! Clients: which program made a request, from its user agent. Package managers and
//! download tools first, by the agent strings they really send; then crawlers, by the
//! `isbot` crate's maintained pattern list; then browsers; the rest is `other`.
//! Classified once per distinct agent, so the cost is per agent, not per line.

use std::sync::LazyLock;

/// A client program, as named in the report's `clients[].name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Apt,
    Yum,
    Dnf,
    Pacman,
    Zypper,
    Apk,
    PkgAdd,
    Wget,
    Curl,
    Rsync,
    Browser,
    Crawler,
    Other,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Apt => "apt",
            Kind::Yum => "yum",
            Kind::Dnf => "dnf",
            Kind::Pacman => "pacman",
            Kind::Zypper => "zypper",
            Kind::Apk => "apk",
            Kind::PkgAdd => "pkg_add",
            Kind::Wget => "wget",
            Kind::Curl => "curl",
            Kind::Rsync => "rsync",
            Kind::Browser => "browser",
            Kind::Crawler => "crawler",
            Kind::Other => "other",
        }
    }
}

/// Tools known by a marker in the agent (ASCII case ignored) and where their version is:
/// after the marker, up to a space, `;` or `)`. APT's version is the one in parentheses
/// (`Debian APT-HTTP/1.3 (2.2.4)`): the `1.3` is the HTTP method's, not APT's.
const TOOLS: &[(&str, Kind, Version)] = &[
    ("apt-http/", Kind::Apt, Version::InParens),
    ("apt-curl/", Kind::Apt, Version::InParens),
    ("yum/", Kind::Yum, Version::After),
    ("urlgrabber/", Kind::Yum, Version::None),
    ("libdnf", Kind::Dnf, Version::None),
    ("dnf/", Kind::Dnf, Version::After),
    ("pacman/", Kind::Pacman, Version::After),
    ("zypp ", Kind::Zypper, Version::After),
    ("zypper/", Kind::Zypper, Version::After),
    ("apk-tools/", Kind::Apk, Version::After),
    ("openbsd ftp", Kind::PkgAdd, Version::None),
    ("pkg_add", Kind::PkgAdd, Version::None),
    ("wget/", Kind::Wget, Version::After),
    ("curl/", Kind::Curl, Version::After),
    ("rsync/", Kind::Rsync, Version::After),
];

#[derive(Clone, Copy)]
enum Version {
    None,
    After,
    InParens,
}

static BOTS: LazyLock<isbot::Bots> = LazyLock::new(isbot::Bots::default);

/// The longest version we keep; longer is not a version.
const MAX_VERSION: usize = 40;

/// The client of a user agent (as GoAccess keys it: decoded, `-` when empty) and, for
/// package managers and tools, its version.
pub fn classify(agent: &[u8]) -> (Kind, Option<String>) {
    let lower = agent.to_ascii_lowercase();
    for &(marker, kind, version) in TOOLS {
        let Some(at) = memchr::memmem::find(&lower, marker.as_bytes()) else {
            continue;
        };
        let rest = &agent[at + marker.len()..];
        let v = match version {
            Version::None => None,
            Version::After => token(rest),
            Version::InParens => memchr::memchr(b'(', rest).and_then(|o| token(&rest[o + 1..])),
        };
        return (kind, v);
    }
    let text = String::from_utf8_lossy(agent);
    if BOTS.is_bot(&text) {
        (Kind::Crawler, None)
    } else if lower.starts_with(b"mozilla/") || lower.starts_with(b"opera/") {
        (Kind::Browser, None)
    } else {
        (Kind::Other, None)
    }
}

/// The client of a user agent as one key: `name`, or `name/version` (names have no `/`).
pub fn key(agent: &[u8]) -> String {
    match classify(agent) {
        (kind, Some(v)) => format!("{}/{v}", kind.name()),
        (kind, None) => kind.name().to_string(),
    }
}

/// A version token at the start of `s`: version characters up to a separator.
fn token(s: &[u8]) -> Option<String> {
    let end = s
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b"._+~-:".contains(&b)))
        .unwrap_or(s.len());
    let v = &s[..end];
    (!v.is_empty() && end <= MAX_VERSION && v[0].is_ascii_digit())
        .then(|| String::from_utf8_lossy(v).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(agent: &str) -> (&'static str, Option<String>) {
        let (k, v) = classify(agent.as_bytes());
        (k.name(), v)
    }

    #[test]
    fn package_managers_and_tools_with_versions() {
        let v = |s: &str| Some(s.to_string());
        for (agent, want) in [
            ("Debian APT-HTTP/1.3 (1.8.2)", ("apt", v("1.8.2"))),
            (
                "Debian APT-HTTP/1.3 (2.2.4) non-interactive",
                ("apt", v("2.2.4")),
            ),
            ("Debian APT-CURL/1.0 (1.4.9)", ("apt", v("1.4.9"))),
            (
                "Debian APT-HTTP/1.3 (1.6.12ubuntu0.1)",
                ("apt", v("1.6.12ubuntu0.1")),
            ),
            ("urlgrabber/3.10 yum/3.4.3", ("yum", v("3.4.3"))),
            ("urlgrabber/3.10", ("yum", None)),
            (
                "libdnf (CentOS Linux 8; generic; Linux.x86_64)",
                ("dnf", None),
            ),
            (
                "pacman/5.1.1 (Linux x86_64) libalpm/11.0.1",
                ("pacman", v("5.1.1")),
            ),
            (
                "ZYpp 17.25.6 (curl 7.66.0) openSUSE-Leap-15.3-x86_64",
                ("zypper", v("17.25.6")),
            ),
            ("apk-tools/2.12.7, libfetch/2.0", ("apk", v("2.12.7"))),
            ("OpenBSD ftp", ("pkg_add", None)),
            ("Wget/1.20.1 (linux-gnu)", ("wget", v("1.20.1"))),
            ("curl/7.58.0", ("curl", v("7.58.0"))),
            ("rsync/3.1.3", ("rsync", v("3.1.3"))),
        ] {
            assert_eq!(c(agent), want, "{agent}");
        }
    }

    #[test]
    fn crawlers_browsers_and_the_rest() {
        for (agent, want) in [
            (
                "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                "crawler",
            ),
            (
                "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
                "crawler",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:64.0) Gecko/20100101 Firefox/64.0",
                "browser",
            ),
            ("Opera/9.60 (Windows NT 6.0; U; en) Presto/2.1.1", "browser"),
            ("-", "other"),
            ("bad\u{fffd}(agent", "other"),
        ] {
            assert_eq!(c(agent).0, want, "{agent}");
        }
    }

    #[test]
    fn versions_are_short_version_tokens() {
        assert_eq!(c("curl/").1, None);
        assert_eq!(c("curl/abc").1, None);
        assert_eq!(c(&format!("curl/{}", "1".repeat(60))).1, None);
        assert_eq!(c("Debian APT-HTTP/1.3").1, None);
    }
}
