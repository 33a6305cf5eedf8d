//! JSON-lines logs: one JSON object per line, read by key paths (`request.client_ip`,
//! `request.headers.User-Agent`). The value at each known path goes through a small
//! format of its own (GoAccess's JSON formats say `"ts": "%x.%^"`), usually a single field.
//! Values are taken as serde_json finds them, without copying unless they hold escapes:
//! a string decoded, a number or `true`/`false` as written, `null` as `-`, an array as its
//! first element (Caddy's headers), an empty string as absent. Keys not mapped are skipped.
//!
//! Two mappings are built in: Caddy's access log (`CADDY`) and nginx-style JSON (`JSON`:
//! the keys people give nginx's `escape=json` formats, listed in docs/formats.md).
//! `--json-field NAME=PATH` maps more.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::Failure;
use super::escape::Escapes;
use super::fields::{Field, Fields, Pick, QueryJoin, ServeUnit};
use super::format::{Matcher, Program, Step, run, step_fields};

/// Key paths to read, as a tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonSpec {
    root: Node,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Node {
    children: Vec<(String, Entry)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    Object(Node),
    /// What the value at this path holds.
    Leaf(Vec<Step>),
}

impl Node {
    fn child(&self, key: &str) -> Option<usize> {
        self.children.iter().position(|(k, _)| k == key)
    }

    /// Adds `steps` at `path`; a path already mapped is replaced.
    fn insert(&mut self, path: &[&str], steps: Vec<Step>) -> Result<(), String> {
        let (first, rest) = path.split_first().ok_or("an empty key path")?;
        let at = match self.child(first) {
            Some(i) => i,
            None => {
                let entry = if rest.is_empty() {
                    Entry::Leaf(Vec::new())
                } else {
                    Entry::Object(Node::default())
                };
                self.children.push((first.to_string(), entry));
                self.children.len() - 1
            }
        };
        match (&mut self.children[at].1, rest.is_empty()) {
            (Entry::Leaf(s), true) => *s = steps,
            (Entry::Object(n), false) => n.insert(rest, steps)?,
            _ => return Err(format!("key {first:?} is both a value and an object")),
        }
        Ok(())
    }

    fn for_each_steps(&mut self, f: &mut dyn FnMut(&mut Vec<Step>)) {
        for (_, e) in &mut self.children {
            match e {
                Entry::Object(n) => n.for_each_steps(f),
                Entry::Leaf(steps) => f(steps),
            }
        }
    }

    fn fields(&self) -> Box<dyn Iterator<Item = &Field> + '_> {
        Box::new(
            self.children
                .iter()
                .flat_map(|(_, e)| -> Box<dyn Iterator<Item = &Field>> {
                    match e {
                        Entry::Object(n) => n.fields(),
                        Entry::Leaf(steps) => Box::new(step_fields(steps)),
                    }
                }),
        )
    }
}

/// A whole value as one field.
fn whole(field: Field, pick: Pick) -> Vec<Step> {
    vec![Step::Field {
        field,
        delim: None,
        count: 1,
        pick,
    }]
}

impl JsonSpec {
    /// Builds a spec from `(path, field, rank)` rows; paths are dotted.
    fn from_rows(rows: &[(&str, Field, u8)]) -> JsonSpec {
        let mut spec = JsonSpec::default();
        for (path, field, rank) in rows {
            let path: Vec<&str> = path.split('.').collect();
            spec.root
                .insert(&path, whole(field.clone(), Pick::ranked(*rank)))
                .expect("built-in paths are consistent");
        }
        spec
    }

    /// A JSON format whose string values are formats of their own (GoAccess's language,
    /// or nginx variables), compiled by `compile`.
    pub fn from_format(
        spec: &str,
        compile: impl Fn(&str) -> Result<Vec<Step>, String>,
    ) -> Result<JsonSpec, String> {
        let value: serde_json::Value =
            serde_json::from_str(spec).map_err(|e| format!("not valid JSON: {e}"))?;
        let mut out = JsonSpec::default();
        fn walk(
            v: &serde_json::Value,
            path: &mut Vec<String>,
            out: &mut JsonSpec,
            compile: &dyn Fn(&str) -> Result<Vec<Step>, String>,
        ) -> Result<(), String> {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, v) in m {
                        path.push(k.clone());
                        walk(v, path, out, compile)?;
                        path.pop();
                    }
                }
                serde_json::Value::Array(a) => {
                    if let Some(first) = a.first() {
                        walk(first, path, out, compile)?;
                    }
                }
                serde_json::Value::String(s) => {
                    let path: Vec<&str> = path.iter().map(String::as_str).collect();
                    out.root.insert(&path, compile(s)?)?;
                }
                _ => {}
            }
            Ok(())
        }
        walk(&value, &mut Vec::new(), &mut out, &compile)?;
        Ok(out)
    }

    /// Adds `NAME=PATH` mappings (`--json-field`); they rank above the format's own.
    pub fn with_fields(mut self, mappings: &[String]) -> Result<JsonSpec, String> {
        for m in mappings {
            let (name, path) = m
                .split_once('=')
                .ok_or_else(|| format!("--json-field {m:?}: expected NAME=PATH"))?;
            let field = field_named(name).ok_or_else(|| {
                format!(
                    "--json-field {m:?}: unknown field {name:?} (one of {})",
                    FIELD_NAMES
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            let path: Vec<&str> = path.split('.').collect();
            self.root
                .insert(&path, whole(field, Pick::ranked(9)))
                .map_err(|e| format!("--json-field {m:?}: {e}"))?;
        }
        Ok(self)
    }

    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.root.fields()
    }

    /// Each leaf's steps, to adjust them.
    pub(crate) fn for_each_steps(&mut self, f: &mut dyn FnMut(&mut Vec<Step>)) {
        self.root.for_each_steps(f);
    }

    /// Reads one line into `f`.
    pub(crate) fn read<'a>(&self, line: &'a [u8], f: &mut Fields<'a>) -> Result<(), Failure> {
        let start = line
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(line.len());
        if line.get(start) != Some(&b'{') {
            return Err(Failure::BadJson);
        }
        let mut failed = None;
        let result = match std::str::from_utf8(line) {
            Ok(text) => {
                let mut de = serde_json::Deserializer::from_str(text);
                NodeSeed {
                    node: &self.root,
                    fields: f,
                    failed: &mut failed,
                    own: &Cow::Borrowed,
                }
                .deserialize(&mut de)
            }
            // Raw bytes the server did not escape (nginx passes bytes >= 0x80 through):
            // read a lossy copy, and copy its values.
            Err(_) => {
                let text = String::from_utf8_lossy(line);
                let mut de = serde_json::Deserializer::from_str(&text);
                NodeSeed {
                    node: &self.root,
                    fields: f,
                    failed: &mut failed,
                    own: &|b: &[u8]| Cow::Owned(b.to_vec()),
                }
                .deserialize(&mut de)
            }
        };
        match (failed, result) {
            (Some(why), _) => Err(why),
            (None, Err(_)) => Err(Failure::BadJson),
            (None, Ok(())) => Ok(()),
        }
    }
}

/// Field names for `--json-field`, and what each reads.
const FIELD_NAMES: &[(&str, Field)] = &[
    ("host", Field::Host),
    ("host_port", Field::HostPort),
    ("time", Field::AnyTime),
    ("request", Field::Request),
    ("method", Field::Method),
    ("path", Field::Path),
    ("query", Field::Query(QueryJoin::IfAny)),
    ("protocol", Field::Protocol),
    ("status", Field::Status),
    ("bytes", Field::Size),
    ("referer", Field::Referer),
    ("user_agent", Field::Agent),
    ("vhost", Field::Vhost),
    ("user", Field::User),
    ("duration", Field::Serve(ServeUnit::Seconds)),
    ("duration_ms", Field::Serve(ServeUnit::Millis)),
    ("duration_us", Field::Serve(ServeUnit::Micros)),
    ("mime", Field::Mime),
    ("tls_version", Field::TlsVersion),
    ("tls_cipher", Field::TlsCipher),
    ("cache", Field::Cache),
];

fn field_named(name: &str) -> Option<Field> {
    let (_, field) = FIELD_NAMES.iter().find(|(n, _)| *n == name)?;
    Some(field.clone())
}

/// Caddy's default access log (v2; `remote_addr` before 2.5, `client_ip` from 2.7, which
/// is the client behind trusted proxies, so it ranks first).
pub fn caddy() -> Program {
    let rows = [
        ("ts", Field::AnyTime, 2),
        ("request.client_ip", Field::Host, 4),
        ("request.remote_ip", Field::Host, 3),
        ("request.remote_addr", Field::HostPort, 2),
        ("request.proto", Field::Protocol, 2),
        ("request.method", Field::Method, 2),
        ("request.host", Field::Vhost, 2),
        ("request.uri", Field::Path, 2),
        ("request.headers.User-Agent", Field::Agent, 2),
        ("request.headers.Referer", Field::Referer, 2),
        ("request.tls.version", Field::TlsVersion, 2),
        ("request.tls.cipher_suite", Field::TlsCipher, 2),
        ("user_id", Field::User, 2),
        ("duration", Field::Serve(ServeUnit::Seconds), 2),
        ("size", Field::Size, 2),
        ("status", Field::Status, 2),
        ("resp_headers.Content-Type", Field::Mime, 2),
    ];
    Program {
        matcher: Matcher::Json(JsonSpec::from_rows(&rows)),
        name: "CADDY".into(),
        escapes: Escapes::None,
        shortcut: None,
    }
}

/// The keys nginx `escape=json` formats (and many JSON loggers) use, by convention named
/// after nginx's variables. Where two keys mean the same, the more exact ranks higher.
pub const NGINX_STYLE: &[(&str, &[&str])] = &[
    (
        "host",
        &["remote_addr", "client_ip", "remote_ip", "clientip", "ip"],
    ),
    (
        "time",
        &[
            "time_iso8601",
            "time_local",
            "@timestamp",
            "timestamp",
            "time",
            "msec",
            "ts",
        ],
    ),
    ("request", &["request"]),
    ("method", &["request_method", "method"]),
    ("path", &["request_uri", "uri", "path", "url"]),
    ("query", &["args", "query_string", "query"]),
    ("protocol", &["server_protocol", "protocol"]),
    ("status", &["status", "status_code"]),
    ("bytes", &["body_bytes_sent", "bytes_sent", "size", "bytes"]),
    (
        "referer",
        &["http_referer", "http_referrer", "referer", "referrer"],
    ),
    ("user_agent", &["http_user_agent", "user_agent", "agent"]),
    ("vhost", &["host", "server_name", "http_host", "vhost"]),
    ("user", &["remote_user", "user"]),
    ("duration", &["request_time", "duration", "response_time"]),
    ("tls_version", &["ssl_protocol"]),
    ("tls_cipher", &["ssl_cipher"]),
    ("cache", &["upstream_cache_status", "cache_status"]),
    ("mime", &["sent_http_content_type", "content_type"]),
];

/// nginx-style JSON lines (`JSON`), by the keys in [`NGINX_STYLE`].
pub fn nginx_style() -> Program {
    let mut spec = JsonSpec::default();
    for (name, keys) in NGINX_STYLE {
        let field = field_named(name).expect("known names");
        for (i, key) in keys.iter().enumerate() {
            // The first key listed ranks highest; unset values (`-`) give way.
            let pick = Pick {
                rank: 8 - i as u8,
                dash_absent: field.dash_is_unset(),
                ..Pick::PLAIN
            };
            let steps = whole(field.clone(), pick);
            spec.root.insert(&[key], steps).expect("top-level keys");
        }
    }
    Program {
        matcher: Matcher::Json(spec),
        name: "JSON".into(),
        escapes: Escapes::None,
        shortcut: None,
    }
}

struct NodeSeed<'s, 'f, 'a, 'de> {
    node: &'s Node,
    fields: &'f mut Fields<'a>,
    failed: &'f mut Option<Failure>,
    own: &'f dyn Fn(&'de [u8]) -> Cow<'a, [u8]>,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_, '_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(at) = map.next_key_seed(KeySeed(self.node))? {
            let Some(i) = at else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            match &self.node.children[i].1 {
                Entry::Object(node) => map.next_value_seed(NodeSeed {
                    node,
                    fields: &mut *self.fields,
                    failed: &mut *self.failed,
                    own: self.own,
                })?,
                Entry::Leaf(steps) => {
                    let raw: &'de RawValue = map.next_value()?;
                    if self.failed.is_none()
                        && let Err(why) = leaf(steps, raw, self.fields, self.own)
                    {
                        *self.failed = Some(why);
                    }
                }
            }
        }
        Ok(())
    }

    // Anything else where an object was expected is read past.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Finds a key among a node's children without allocating.
struct KeySeed<'s>(&'s Node);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.child(v))
    }
}

/// The first element of an array, as raw JSON.
struct First;

impl<'de> Visitor<'de> for First {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let first = seq.next_element()?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(first)
    }
}

/// One mapped value through its steps.
fn leaf<'a, 'de>(
    steps: &[Step],
    raw: &'de RawValue,
    f: &mut Fields<'a>,
    own: &dyn Fn(&'de [u8]) -> Cow<'a, [u8]>,
) -> Result<(), Failure> {
    let mut text = raw.get();
    if text.starts_with('[') {
        let mut de = serde_json::Deserializer::from_str(text);
        match de.deserialize_seq(First) {
            Ok(Some(first)) => text = first.get(),
            _ => return Ok(()),
        }
    }
    let value: Cow<'a, [u8]> = match text.as_bytes() {
        [b'"', inner @ .., b'"'] if !inner.contains(&b'\\') => own(inner),
        [b'"', ..] => match serde_json::from_str::<String>(text) {
            Ok(s) => Cow::Owned(s.into_bytes()),
            Err(_) => return Err(Failure::BadJson),
        },
        b"null" => Cow::Borrowed(&b"-"[..]),
        other => own(other),
    };
    if value.is_empty() {
        return Ok(());
    }
    match value {
        // Steps over a value from the line: tokens borrow from it.
        Cow::Borrowed(v) => run(steps, v, f, Cow::Borrowed),
        Cow::Owned(v) => run(steps, &v, f, |b: &[u8]| Cow::Owned(b.to_vec())),
    }
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Line;

    const CADDY_LINE: &str = r#"{"level":"info","ts":1696946136.5241024,"logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"192.168.0.1","remote_port":"41342","client_ip":"192.168.0.1","proto":"HTTP/2.0","method":"GET","host":"www.example.com","uri":"/index.html?a=1","headers":{"User-Agent":["Mozilla/5.0 (X11; Linux x86_64) Firefox/118.0"],"Accept":["*/*"],"Referer":["https://www.google.com/"]},"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"www.example.com"}},"bytes_read":0,"user_id":"","duration":0.000929675,"size":2326,"status":200,"resp_headers":{"Server":["Caddy"],"Content-Type":["text/html; charset=utf-8"]}}"#;

    fn request<'a>(p: &Program, line: &'a str) -> crate::parse::Request<'a> {
        match p.parse_line(line.as_bytes()) {
            Line::Request(r) => r,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn caddy_lines() {
        let p = caddy();
        let r = request(&p, CADDY_LINE);
        assert_eq!(
            (&*r.host, r.day, r.time.hour),
            (&b"192.168.0.1"[..], 20231010, 13)
        );
        assert_eq!(
            (&*r.url, r.status, r.bytes),
            (&b"/index.html?a=1"[..], 200, 2326)
        );
        assert_eq!(r.protocol.map(|p| p.name()), Some("HTTP/2"));
        assert_eq!(&*r.agent, b"Mozilla/5.0 (X11; Linux x86_64) Firefox/118.0");
        assert_eq!(&*r.referer, b"https://www.google.com/");
        assert_eq!((r.serve_micros, r.user.as_deref()), (Some(929), None));
        assert_eq!(r.vhost.as_deref(), Some(&b"www.example.com"[..]));
        assert_eq!(r.mime.as_deref(), Some(&b"text/html; charset=utf-8"[..]));
        // Borrowed from the line: no copy for values without escapes.
        assert!(matches!(r.agent, Cow::Borrowed(_)));
        // Before Caddy 2.5: `remote_addr` with the port.
        let old = CADDY_LINE.replace(
            r#""remote_ip":"192.168.0.1","remote_port":"41342","client_ip":"192.168.0.1","#,
            r#""remote_addr":"[2001:db8::1]:60422","#,
        );
        assert_eq!(&*request(&p, &old).host, b"2001:db8::1");
        // Escapes decoded; a quote in the agent.
        let esc = CADDY_LINE.replace("Firefox/118.0", r#"Firefox \"x\" \u00e9"#);
        assert_eq!(
            &*request(&p, &esc).agent,
            "Mozilla/5.0 (X11; Linux x86_64) Firefox \"x\" é".as_bytes()
        );
        for bad in ["{", "not json", r#"{"ts":1696946136.5,"request":{}}"#] {
            assert!(
                matches!(p.parse_line(bad.as_bytes()), Line::Failed(_)),
                "{bad}"
            );
        }
    }

    #[test]
    fn nginx_style_lines() {
        let p = nginx_style();
        let line = r#"{"time_local":"01/Dec/2026:07:07:49 +0000","remote_addr":"127.0.0.1","remote_user":"","request":"GET /a.txt?x=1 HTTP/1.1","status": "200","body_bytes_sent":"100","request_time":"0.000","http_referrer":"http://ref.example/","http_user_agent":"curl/7.88.1"}"#;
        let r = request(&p, line);
        assert_eq!(
            (r.day, r.status, r.bytes, &*r.url),
            (20261201, 200, 100, &b"/a.txt?x=1"[..])
        );
        assert_eq!(
            (&*r.referer, &*r.agent),
            (&b"http://ref.example/"[..], &b"curl/7.88.1"[..])
        );
        // Raw bytes above 0x7f (nginx does not escape them in JSON): still read.
        let mut raw = line.replace("curl/7.88.1", "caf\u{e9}").into_bytes();
        let at = raw
            .windows(2)
            .position(|w| w == "\u{e9}".as_bytes())
            .unwrap();
        raw.splice(at..at + 2, [0xe9]);
        assert!(matches!(p.parse_line(&raw), Line::Request(_)));
    }

    #[test]
    fn json_fields_and_formats() {
        let spec = JsonSpec::default()
            .with_fields(&[
                "host=c.ip".into(),
                "time=t".into(),
                "request=r".into(),
                "status=s".into(),
            ])
            .unwrap();
        let p = Program {
            matcher: Matcher::Json(spec),
            name: "x".into(),
            escapes: Escapes::None,
            shortcut: None,
        };
        let r = request(
            &p,
            r#"{"c":{"ip":"1.2.3.4"},"t":"2019-01-02T03:04:05+13:00","r":"GET / HTTP/1.1","s":200}"#,
        );
        assert_eq!(
            (r.day, r.time.utc_offset_min, r.status),
            (20190102, Some(780), 200)
        );
        assert!(JsonSpec::default().with_fields(&["nope=x".into()]).is_err());
    }
}
