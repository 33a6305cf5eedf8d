//! The optional fields of a request that GoAccess's panels and the request rows read (a
//! vhost, a referrer, a user, MIME type, TLS, cache status) and which of them a format logs.

use crate::parse::Request;
use crate::parse::format::{Field, Program};

/// Which of the panels' optional fields a format logs, so that a panel is fed (and shown)
/// only when its field can be there: GoAccess has no referrer panel for COMMON, and no MIME,
/// TLS or cache panel for a format without `%M`, `%K` or `%C`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Logs {
    pub referer: bool,
    pub mime: bool,
    pub tls: bool,
    pub cache: bool,
}

impl Logs {
    pub fn of(program: &Program) -> Logs {
        Logs {
            referer: program.has(&Field::Referer),
            mime: program.has(&Field::Mime),
            tls: program.has(&Field::TlsVersion),
            cache: program.has(&Field::Cache),
        }
    }

    /// What any of `self` and `b` logs.
    pub fn union(self, b: Logs) -> Logs {
        Logs {
            referer: self.referer || b.referer,
            mime: self.mime || b.mime,
            tls: self.tls || b.tls,
            cache: self.cache || b.cache,
        }
    }

    /// What any of `programs` logs.
    pub fn of_all<'p>(programs: impl IntoIterator<Item = &'p Program>) -> Logs {
        programs
            .into_iter()
            .fold(Logs::default(), |l, p| l.union(Logs::of(p)))
    }
}

/// What the panels and request rows read of one request beyond its core fields (from a
/// parsed line, or from a stored request row).
#[derive(Debug, Default, Clone, Copy)]
pub struct OptionalFields<'a> {
    pub bytes: u64,
    /// The status as written starts with `404`.
    pub not_found: bool,
    pub vhost: Option<&'a [u8]>,
    /// `None` when the line has no referrer field; `-` for an empty one.
    pub referer: Option<&'a [u8]>,
    /// The user agent as visitors key on it; `None` when none or an empty one was logged.
    pub agent: Option<&'a [u8]>,
    pub user: Option<&'a [u8]>,
    pub mime: Option<&'a [u8]>,
    pub tls_version: Option<&'a [u8]>,
    pub tls_cipher: Option<&'a [u8]>,
    pub cache: Option<&'a [u8]>,
}

impl<'a> OptionalFields<'a> {
    /// A parsed request's fields, in a format that logs `logs`.
    pub fn of(r: &'a Request<'_>, logs: Logs) -> OptionalFields<'a> {
        OptionalFields {
            bytes: r.bytes,
            not_found: r.not_found,
            vhost: r.vhost.as_deref(),
            referer: (logs.referer && r.referer_seen).then_some(&*r.referer),
            agent: r
                .raw_agent
                .as_deref()
                .filter(|a| !a.is_empty())
                .map(|_| &*r.agent),
            user: r.user.as_deref(),
            mime: r.mime.as_deref(),
            tls_version: r.tls_version.as_deref(),
            tls_cipher: r.tls_cipher.as_deref(),
            cache: r.cache.as_deref(),
        }
    }
}
