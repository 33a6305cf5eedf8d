//! Rebuilding an aggregate from a store's daily tables (`report --store`): each table row is
//! replayed into the state its log lines built, so reports from a store and from logs share
//! every line of report code (ranking, ties, percentages) and agree by construction.
//!
//! Visitors come as keyed hashes, not (IP, agent): each is stood in for by a pseudo client
//! address (its hash) with the empty agent, located where the row says. Requests and bytes
//! per location come from `traffic` rows, credited to one pseudo address per location.

use super::{
    Aggregate, Counts, IpStats, LineCounts, UrlStats, Visitor, add_file, add_project, grow,
    new_or_known,
};
use crate::enrich::geo::Location;
use crate::parse::Failure;
use crate::parse::request::{Method, Protocol};
use crate::parse::time::Day;

impl Aggregate {
    /// The pseudo client of `key`, located at `location`.
    fn pseudo_client(&mut self, key: &[u8], location: Location) -> u32 {
        let ip = self.ips.intern(key);
        if ip as usize == self.ip_stats.len() {
            self.ip_stats.push(IpStats {
                location,
                counts: Counts::default(),
            });
        }
        ip
    }

    fn url(&mut self, url: &str) -> u32 {
        let id = self.urls.intern(url.as_bytes());
        if id as usize == self.url_stats.len() {
            self.url_stats.push(UrlStats::new(url.as_bytes()));
        }
        id
    }

    /// A `traffic` row: requests and bytes of one (day, project, location).
    pub fn replay_traffic(
        &mut self,
        day: Day,
        project: &str,
        location: Location,
        org: Option<&str>,
        counts: Counts,
    ) {
        let p = self.projects.intern(project.as_bytes());
        self.count_traffic(day, p, location, counts);
        let mut key = vec![1u8];
        key.extend_from_slice(&location.country);
        key.extend_from_slice(&location.continent);
        key.extend_from_slice(&location.asn.to_le_bytes());
        let ip = self.pseudo_client(&key, location);
        self.ip_stats[ip as usize].counts.merge(counts);
        if let Some(org) = org {
            self.asn_orgs
                .entry(location.asn)
                .or_insert_with(|| org.to_string());
        }
    }

    fn visitor_client(&mut self, visitor: u64, location: Location) -> (u32, u32) {
        let mut key = vec![0u8];
        key.extend_from_slice(&visitor.to_le_bytes());
        (self.pseudo_client(&key, location), self.agents.intern(b""))
    }

    /// A `visitors` row: one visitor of a day, seen in `project` and in the `hours` bits.
    pub fn replay_visitor(
        &mut self,
        day: Day,
        visitor: u64,
        project: &str,
        location: Location,
        hours: u32,
    ) {
        let client = self.visitor_client(visitor, location);
        let p = self.projects.intern(project.as_bytes());
        let day_visitors = self.visitors.entry(day).or_default();
        let v: &mut Visitor = new_or_known(day_visitors, client, &mut self.visitor_count);
        v.hours |= hours;
        add_project(v, p, &mut self.project_visitors);
    }

    /// A `files` row.
    pub fn replay_file(&mut self, url: &str, counts: Counts) {
        let id = self.url(url);
        self.url_stats[id as usize].counts.merge(counts);
    }

    /// A `file_visitors` row; its visitor's `visitors` rows must have been replayed.
    pub fn replay_file_visitor(&mut self, day: Day, url: &str, visitor: u64) {
        let client = self.visitor_client(visitor, Location::UNKNOWN);
        let Some(v) = self.visitors.get(&day).and_then(|d| d.get(&client)) else {
            return;
        };
        let id = v.id;
        let url = self.url(url);
        self.url_visitors.push(url, id);
    }

    /// A `requested_files` row.
    pub fn replay_requested_file(
        &mut self,
        url: &str,
        method: Option<&str>,
        protocol: Option<&str>,
    ) {
        let id = self.url(url);
        let m = method
            .and_then(|m| Method::from_prefix(m.as_bytes()))
            .map_or(u8::MAX, |(m, _)| m.index());
        let p = protocol
            .and_then(|p| Protocol::from_prefix(p.as_bytes()))
            .map_or(u8::MAX, |p| p.index());
        let kind = u16::from_be_bytes([m, p]);
        add_file(
            &mut self.url_stats[id as usize],
            id,
            kind,
            &mut self.more_files,
        );
    }

    /// Lines of ingest runs: what they counted besides requests (which the tables carry).
    pub fn replay_lines(&mut self, lines: LineCounts, failures: &[(Failure, u64)]) {
        let all = grow(&mut self.inputs, 0);
        all.failed += lines.failed;
        all.blank += lines.blank;
        all.comment += lines.comment;
        all.lines += lines.failed + lines.blank + lines.comment;
        for &(f, n) in failures {
            self.failures[f.index()] += n;
        }
    }

    /// Valid requests counted once the tables are replayed (there is one pseudo input).
    pub fn replay_valid(&mut self, requests: u64) {
        let all = grow(&mut self.inputs, 0);
        all.valid += requests;
        all.lines += requests;
    }
}
