//! `fsmg-stats serve`: the HTML dashboard of the followed logs, live.
//!
//! Usage: `fsmg-stats serve [PATHS]... [--listen ADDR:PORT] [--token TOKEN | --token-file FILE]`
//!
//! One thread follows the logs ([`super::follow`]); each new report is rendered once, as
//! the page and as JSON, and every viewer gets those same bytes: many viewers cost one
//! aggregation. `GET /` is the page, `GET /events` the server-sent events that tell it
//! (throughput each second, the report's version when it changes), `GET /report.json`
//! the report as `--format json` writes it. Loopback by default; any other address needs
//! a token, which every request carries (`?token=`, or `Authorization: Bearer`).

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use serde::Serialize;
use tokio::sync::watch;

use super::{Live, Snapshot, Throughput};
use crate::config::{Config, Serve};
use crate::input::follow::Follower;
use crate::output::{Format, html};
use crate::parse::time::day_to_string;
use crate::report::Report;

/// What every viewer is sent: rendered once per report.
struct Published {
    /// Counts the reports built, so that a page knows when to fetch itself again.
    version: u64,
    page: Arc<str>,
    json: Arc<str>,
    /// The data of this moment's server-sent event.
    event: String,
}

#[derive(Serialize)]
struct EventData<'a> {
    version: u64,
    requests: u64,
    visitors: u64,
    bytes: u64,
    failed: u64,
    /// The day the state starts with, when it follows the newest day.
    day: Option<String>,
    throughput: &'a Throughput,
    problems: &'a [String],
}

#[derive(Clone)]
struct Shared {
    latest: watch::Receiver<Option<Arc<Published>>>,
    token: Option<Arc<str>>,
}

/// Serves until interrupted (Ctrl-C, SIGTERM).
pub fn run(cfg: &Config, serve: &Serve) -> Result<(), String> {
    if !serve.listen.ip().is_loopback() && serve.token.is_none() {
        return Err(format!(
            "--listen {}: not a loopback address, so the dashboard needs a token: \
             give --token TOKEN or --token-file FILE",
            serve.listen
        ));
    }
    let followed = super::followed(cfg)?;
    let follower = Follower::new(&followed.sources).map_err(|e| e.to_string())?;
    let live = Live::new(cfg, &followed, cfg.top);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("server: {e}"))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(serve.listen))
        .map_err(|e| format!("--listen {}: {e}", serve.listen))?;
    let bound = listener.local_addr().map_err(|e| format!("server: {e}"))?;
    let url = match &serve.token {
        Some(t) => format!("http://{bound}/?token={t}"),
        None => format!("http://{bound}/"),
    };
    let reach = match bound.ip().is_loopback() {
        true => "this machine only",
        false => "anyone who can reach this address and has the token",
    };
    eprintln!("fsmg-stats: serving {url} ({reach}); Ctrl-C stops");
    let (tx, rx) = watch::channel(None);
    let app = Router::new()
        .route("/", get(page))
        .route("/events", get(events))
        .route("/report.json", get(report_json))
        .with_state(Shared {
            latest: rx,
            token: serve.token.as_deref().map(Arc::from),
        });
    let stop = Arc::new(AtomicBool::new(false));
    std::thread::scope(|s| {
        let stopped = stop.clone();
        s.spawn(move || {
            let mut last: Option<(Arc<Report>, Arc<Published>)> = None;
            super::follow(live, follower, &stopped, Duration::from_secs(1), |snap| {
                let published = Arc::new(publish(&snap, last.as_ref()));
                last = Some((snap.report, published.clone()));
                tx.send_replace(Some(published));
            });
            // Dropping `tx` ends the event streams, so that the server can stop.
        });
        let signal = stop.clone();
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            shutdown().await;
            signal.store(true, Ordering::Relaxed);
        });
        let result = runtime.block_on(async { server.await });
        stop.store(true, Ordering::Relaxed);
        result.map_err(|e| format!("server: {e}"))
    })
}

/// What a snapshot is sent as: the page and JSON rendered again only for a new report.
fn publish(snap: &Snapshot, last: Option<&(Arc<Report>, Arc<Published>)>) -> Published {
    let (version, page, json) = match last {
        Some((report, p)) if Arc::ptr_eq(report, &snap.report) => {
            (p.version, p.page.clone(), p.json.clone())
        }
        _ => {
            let version = last.map_or(1, |(_, p)| p.version + 1);
            let page = html::render_live(&snap.report, version);
            let json = Format::Json.render(&snap.report);
            (version, Arc::from(page), Arc::from(json))
        }
    };
    let r = &snap.report;
    let data = EventData {
        version,
        requests: r.summary.total_requests,
        visitors: r.summary.unique_visitors,
        bytes: r.summary.bandwidth_bytes,
        failed: r.summary.failed_requests,
        day: snap.day.map(day_to_string),
        throughput: &snap.throughput,
        problems: &snap.problems,
    };
    Published {
        version,
        page,
        json,
        event: serde_json::to_string(&data).unwrap_or_default(),
    }
}

async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = interrupt => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => interrupt.await,
        }
    }
    #[cfg(not(unix))]
    interrupt.await;
}

#[derive(serde::Deserialize)]
struct Auth {
    token: Option<String>,
}

/// Whether the request carries the token (when there is one), in the query or as
/// `Authorization: Bearer`; compared in time that does not depend on where they differ.
fn allowed(shared: &Shared, query: &Auth, headers: &HeaderMap) -> bool {
    let Some(token) = &shared.token else {
        return true;
    };
    let bearer = (headers.get(header::AUTHORIZATION))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let given = query.token.as_deref().or(bearer).unwrap_or("");
    let (a, b) = (given.as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn refused() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        "this dashboard needs its token: open the address `fsmg-stats serve` printed\n",
    )
        .into_response()
}

/// The newest publication's `body` as `content_type`, never cached (it is the moment's);
/// 503 while the logs are first read.
fn respond(
    shared: &Shared,
    (query, headers): (&Auth, &HeaderMap),
    content_type: &'static str,
    body: fn(&Published) -> &Arc<str>,
) -> Response {
    if !allowed(shared, query, headers) {
        return refused();
    }
    let Some(p) = shared.latest.borrow().clone() else {
        let wait = "the logs are still being read; reload in a moment\n";
        let retry = [(header::RETRY_AFTER, "2")];
        return (StatusCode::SERVICE_UNAVAILABLE, retry, wait).into_response();
    };
    let head = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "no-store"),
    ];
    (head, body(&p).to_string()).into_response()
}

async fn page(State(s): State<Shared>, Query(q): Query<Auth>, headers: HeaderMap) -> Response {
    respond(&s, (&q, &headers), "text/html; charset=utf-8", |p| &p.page)
}

async fn report_json(
    State(s): State<Shared>,
    Query(q): Query<Auth>,
    headers: HeaderMap,
) -> Response {
    respond(&s, (&q, &headers), "application/json", |p| &p.json)
}

async fn events(State(s): State<Shared>, Query(q): Query<Auth>, headers: HeaderMap) -> Response {
    if !allowed(&s, &q, &headers) {
        return refused();
    }
    Sse::new(snapshots(s.latest.clone()))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// Each publication as an event, the current one first; ends when following stops.
fn snapshots(
    rx: watch::Receiver<Option<Arc<Published>>>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold((rx, true), |(mut rx, first)| async move {
        if !first {
            rx.changed().await.ok()?;
        }
        let event = match rx.borrow_and_update().as_ref() {
            Some(p) => Event::default().event("snapshot").data(&p.event),
            None => Event::default().comment("reading the logs"),
        };
        Some((Ok(event), (rx, false)))
    })
}
