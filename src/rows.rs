//! One row per request: the Arrow schema and a builder filled on the parsing threads, one
//! record batch per chunk. Text from the log is stored as UTF-8 (invalid bytes become
//! U+FFFD), as in every other output. Below both the aggregation that fills them and the
//! store and Parquet output that write them.

use std::sync::{Arc, LazyLock};

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Int16Builder, StringBuilder, TimestampMicrosecondBuilder,
    UInt8Builder, UInt16Builder, UInt32Builder, UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

use crate::enrich::geo::Location;
use crate::parse::Request;
use crate::parse::logged::OptionalFields;
use crate::parse::time::Day;

/// Where the parsing threads hand their request rows, one batch per chunk and logged day.
pub trait RowSink: Sync {
    fn write(&self, day: Day, batch: &RecordBatch);
}

static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    let utf8 = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    Arc::new(Schema::new(vec![
        Field::new(
            "ts",
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            false,
        ),
        Field::new("utc_offset_min", DataType::Int16, true),
        Field::new("date", DataType::Date32, false),
        utf8("ip", false),
        Field::new("ip_version", DataType::UInt8, false),
        utf8("method", true),
        utf8("path", false),
        utf8("query", true),
        utf8("protocol", true),
        Field::new("status", DataType::UInt16, false),
        Field::new("bytes", DataType::UInt64, false),
        utf8("referer", true),
        utf8("user_agent", false),
        utf8("project", false),
        utf8("country", false),
        utf8("continent", false),
        Field::new("asn", DataType::UInt32, false),
        utf8("as_org", true),
        Field::new("serve_us", DataType::UInt64, true),
        // What GoAccess's other panels read, when the format logs it.
        Field::new("static_file", DataType::Boolean, false),
        Field::new("referer_logged", DataType::Boolean, false),
        Field::new("user_agent_logged", DataType::Boolean, false),
        utf8("vhost", true),
        utf8("remote_user", true),
        utf8("mime_type", true),
        utf8("tls_version", true),
        utf8("tls_cipher", true),
        utf8("cache_status", true),
    ]))
});

/// The request-row schema (documented in `docs/store.md`).
pub fn schema() -> SchemaRef {
    SCHEMA.clone()
}

/// A client address as its network, as GoAccess's `--anonymize-ip` writes it: IPv4 /24
/// (`203.0.113.0`), IPv6 /64 (`2001:db8:1:2::`). `None` for a host that is not an
/// address (a name logged with HostnameLookups), which is written as logged.
pub fn network_of(host: &[u8]) -> Option<String> {
    let ip: std::net::IpAddr = std::str::from_utf8(host).ok()?.parse().ok()?;
    Some(match ip {
        std::net::IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            std::net::Ipv4Addr::new(a, b, c, 0).to_string()
        }
        std::net::IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            std::net::Ipv6Addr::from(bits).to_string()
        }
    })
}

fn lossy(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// Days since 1970-01-01 of a `yyyymmdd` day.
fn epoch_days(day: Day) -> i32 {
    let date = jiff::civil::Date::new(
        (day / 10_000) as i16,
        (day / 100 % 100) as i8,
        (day % 100) as i8,
    );
    date.map_or(0, |d| {
        d.since(jiff::civil::date(1970, 1, 1))
            .map_or(0, |s| s.get_days())
    })
}

#[derive(Default)]
pub struct Rows {
    ts: TimestampMicrosecondBuilder,
    utc_offset_min: Int16Builder,
    date: Date32Builder,
    ip: StringBuilder,
    ip_version: UInt8Builder,
    method: StringBuilder,
    path: StringBuilder,
    query: StringBuilder,
    protocol: StringBuilder,
    status: UInt16Builder,
    bytes: UInt64Builder,
    referer: StringBuilder,
    user_agent: StringBuilder,
    project: StringBuilder,
    country: StringBuilder,
    continent: StringBuilder,
    asn: UInt32Builder,
    as_org: StringBuilder,
    serve_us: UInt64Builder,
    static_file: BooleanBuilder,
    referer_logged: BooleanBuilder,
    user_agent_logged: BooleanBuilder,
    vhost: StringBuilder,
    remote_user: StringBuilder,
    mime_type: StringBuilder,
    tls_version: StringBuilder,
    tls_cipher: StringBuilder,
    cache_status: StringBuilder,
    /// The last logged day and its days since the epoch: a builder gets one day's rows.
    epoch: Option<(Day, i32)>,
}

impl Rows {
    /// One request; `panels` what GoAccess's other panels read of it.
    /// `host` is the address written: the request's, or its network (`--anonymize-ip`).
    pub fn push(
        &mut self,
        (r, host): (&Request<'_>, &[u8]),
        panels: &OptionalFields<'_>,
        project: &[u8],
        loc: &Location,
        org: Option<&str>,
    ) {
        let days = match self.epoch {
            Some((day, days)) if day == r.day => days,
            _ => {
                let days = epoch_days(r.day);
                self.epoch = Some((r.day, days));
                days
            }
        };
        let t = &r.time;
        let local = i64::from(days) * 86_400
            + i64::from(t.hour) * 3_600
            + i64::from(t.minute) * 60
            + i64::from(t.second);
        let offset = t.utc_offset_min;
        let utc = local - i64::from(offset.unwrap_or(0)) * 60;
        self.ts.append_value(utc * 1_000_000);
        self.utc_offset_min.append_option(offset);
        self.date.append_value(days);
        self.ip.append_value(lossy(host));
        self.ip_version.append_value(loc.ip_version);
        self.method.append_option(r.method.map(|m| m.name()));
        // The bytes the client sent: the log's escapes undone.
        let logged = r.logged();
        self.path.append_value(lossy(&logged.path));
        self.query.append_option(logged.query.as_deref().map(lossy));
        self.protocol.append_option(r.protocol.map(|p| p.name()));
        self.status.append_value(r.status);
        self.bytes.append_value(r.bytes);
        self.referer
            .append_option(logged.referer.as_deref().map(lossy));
        self.user_agent.append_value(lossy(&logged.user_agent));
        self.project.append_value(lossy(project));
        self.country.append_value(lossy(&loc.country));
        self.continent.append_value(lossy(&loc.continent));
        self.asn.append_value(loc.asn);
        self.as_org.append_option(org);
        self.serve_us.append_option(r.serve_micros);
        self.static_file
            .append_value(crate::enrich::files::is_static_request(r));
        self.referer_logged.append_value(panels.referer.is_some());
        self.user_agent_logged.append_value(panels.agent.is_some());
        for (column, value) in [
            (&mut self.vhost, panels.vhost),
            (&mut self.remote_user, panels.user),
            (&mut self.mime_type, panels.mime),
            (&mut self.tls_version, panels.tls_version),
            (&mut self.tls_cipher, panels.tls_cipher),
            (&mut self.cache_status, panels.cache),
        ] {
            column.append_option(value.map(|v| r.escapes.undo(v)).as_deref().map(lossy));
        }
    }

    /// The rows so far as one batch; the builder is empty again afterwards.
    pub fn finish(&mut self) -> RecordBatch {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.ts.finish().with_timezone("UTC")),
            Arc::new(self.utc_offset_min.finish()),
            Arc::new(self.date.finish()),
            Arc::new(self.ip.finish()),
            Arc::new(self.ip_version.finish()),
            Arc::new(self.method.finish()),
            Arc::new(self.path.finish()),
            Arc::new(self.query.finish()),
            Arc::new(self.protocol.finish()),
            Arc::new(self.status.finish()),
            Arc::new(self.bytes.finish()),
            Arc::new(self.referer.finish()),
            Arc::new(self.user_agent.finish()),
            Arc::new(self.project.finish()),
            Arc::new(self.country.finish()),
            Arc::new(self.continent.finish()),
            Arc::new(self.asn.finish()),
            Arc::new(self.as_org.finish()),
            Arc::new(self.serve_us.finish()),
            Arc::new(self.static_file.finish()),
            Arc::new(self.referer_logged.finish()),
            Arc::new(self.user_agent_logged.finish()),
            Arc::new(self.vhost.finish()),
            Arc::new(self.remote_user.finish()),
            Arc::new(self.mime_type.finish()),
            Arc::new(self.tls_version.finish()),
            Arc::new(self.tls_cipher.finish()),
            Arc::new(self.cache_status.finish()),
        ];
        RecordBatch::try_new(schema(), columns).expect("columns match the schema")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_are_slash_24_and_slash_64() {
        assert_eq!(network_of(b"203.0.113.77").as_deref(), Some("203.0.113.0"));
        assert_eq!(
            network_of(b"2001:db8:1:2:3:4:5:6").as_deref(),
            Some("2001:db8:1:2::")
        );
        assert_eq!(network_of(b"::1").as_deref(), Some("::"));
        assert_eq!(network_of(b"mirror.example.org"), None);
    }

    #[test]
    fn epoch_days_of_logged_dates() {
        assert_eq!(epoch_days(19700101), 0);
        assert_eq!(epoch_days(20181231), 17896);
        assert_eq!(epoch_days(20190101), 17897);
    }
}
