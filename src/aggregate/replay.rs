//! Rebuilding an aggregate from a store's daily tables (`report --store`): each table row is
//! replayed into the state its log lines built, so reports from a store and from logs share
//! every line of report code (ranking, ties, percentages) and agree by construction.
//!
//! Visitors come as keyed hashes, not (IP, agent): each is stood in for by a pseudo client
//! address (its hash) with the empty agent, located where the row says. Requests and bytes
//! per location come from `traffic` rows, credited to one pseudo address per location.

use super::panels::{Panels, StoredKey};
use super::{
    Aggregate, Counts, Download, FileKinds, HOUR_BITS, IpStats, LineCounts, UrlStats, Visitor,
    add_file, add_node, add_project, grow, new_or_known,
};
use crate::enrich::files::Content;
use crate::enrich::geo::Location;
use crate::parse::Failure;
use crate::parse::request;
use crate::parse::time::Day;

impl Aggregate {
    /// The pseudo client of `key`, located at `location`.
    fn pseudo_client(&mut self, key: &[u8], location: Location) -> u32 {
        let ip = self.ips.intern(key);
        if ip as usize == self.ip_stats.len() {
            self.ip_stats.push(IpStats::at(location));
        }
        ip
    }

    /// The id of a URL, added if new.
    pub fn url_id(&mut self, url: &str) -> u32 {
        let id = self.urls.intern(url.as_bytes());
        if id as usize == self.url_stats.len() {
            self.url_stats
                .push(UrlStats::new(url.as_bytes(), false, false));
        }
        id
    }

    /// The id of a project, added if new.
    pub fn project_id(&mut self, project: &str) -> u32 {
        self.projects.intern(project.as_bytes())
    }

    /// `traffic` rows' requests and bytes of one day and node id (summed over the rows).
    pub fn replay_day(&mut self, (day, node): (Day, u32), counts: Counts) {
        self.count_day(day, counts);
        grow(&mut self.node_counts, node as usize).merge(counts);
    }

    /// A `traffic` row's requests and bytes of one project id and location (a daily part's
    /// or, summed over its days and nodes, a roll-up's). An ASN's organisation is the first
    /// its rows name, as in a log report.
    pub fn replay_place(&mut self, p: u32, location: Location, org: Option<&str>, counts: Counts) {
        self.count_place(p, location, counts);
        let mut key = [1u8; 10];
        key[1..3].copy_from_slice(&location.country);
        key[3..5].copy_from_slice(&location.continent);
        key[5..9].copy_from_slice(&location.asn.to_le_bytes());
        key[9] = location.ip_version;
        let ip = self.pseudo_client(&key, location);
        self.ip_stats[ip as usize].counts.merge(counts);
        if let Some(org) = org {
            self.asn_orgs
                .entry(location.asn)
                .or_insert_with(|| org.to_string());
        }
    }

    /// The pseudo address of a visitor hash.
    fn visitor_address(visitor: u64) -> [u8; 9] {
        let mut key = [0u8; 9];
        key[1..].copy_from_slice(&visitor.to_le_bytes());
        key
    }

    /// The pseudo agent of a client (`apt/2.2.4`): a visitor has one agent, so one client.
    pub fn client_agent(&mut self, client: &str) -> u32 {
        let mut agent = vec![0u8];
        agent.extend_from_slice(client.as_bytes());
        self.agent_with_client(&agent, || client.to_string())
    }

    /// A replayed visitor of `day`, by its hash: the id the per-visitor rows below take
    /// (for parts that do not number their visitors).
    pub fn replayed_visitor(&self, day: Day, visitor: u64) -> Option<u32> {
        let ip = self.ips.lookup(&Self::visitor_address(visitor))?;
        let agent = *self.replay_agents.get(ip as usize)?;
        Some(self.visitors.get(&day)?.get(&(ip, agent))?.id)
    }

    /// A `visitors` row: one visitor of a day and node, seen in project `p` and in the
    /// `hours` bits. Returns the visitor's id.
    pub fn replay_visitor(
        &mut self,
        (day, node): (Day, u32),
        visitor: u64,
        p: u32,
        location: Location,
        hours: u32,
        agent: u32,
    ) -> u32 {
        let ip = self.pseudo_client(&Self::visitor_address(visitor), location);
        *grow(&mut self.replay_agents, ip as usize) = agent;
        let key = (ip, agent);
        let day_visitors = self.visitors.entry(day).or_default();
        let v: &mut Visitor = new_or_known(day_visitors, key, &mut self.visitor_count);
        v.hours |= hours & HOUR_BITS;
        add_node(v, node, &mut self.node_visitors);
        add_project(v, p, &mut self.project_visitors);
        v.id
    }

    /// A `clients` row: requests and bytes of one client (`name` or `name/version`).
    pub fn replay_client(&mut self, client: &str, counts: Counts) {
        let id = self.clients.intern(client.as_bytes());
        grow(&mut self.client_counts, id as usize).merge(counts);
    }

    /// A `content` row of project `p`.
    pub fn replay_content(&mut self, p: u32, kind: &str, counts: Counts) {
        let kind = Content::ALL
            .into_iter()
            .find(|k| k.name() == kind)
            .unwrap_or(Content::Other);
        self.content.entry((p, kind)).or_default().merge(counts);
    }

    /// An `addresses` row of address id `ip` (see [`Aggregate::address_id`]).
    pub fn replay_address(&mut self, ip: u32, location: Location, counts: Counts, not_found: u64) {
        if ip as usize == self.address_stats.len() {
            self.address_stats.push(IpStats::at(location));
        }
        let e = &mut self.address_stats[ip as usize];
        e.counts.merge(counts);
        e.not_found += not_found;
    }

    /// The id of a client address of the `addresses` tables.
    pub fn address_id(&mut self, ip: &str) -> u32 {
        self.addresses.intern(ip.as_bytes())
    }

    /// A `downloads` row of image `url` by replayed visitor `v`.
    pub fn replay_download(&mut self, url: u32, v: u32, d: Download) {
        let key = super::pair(url, v);
        self.downloads.entry(key).or_default().merge(d);
    }

    /// The project of URL `id`, as a `downloads` row names it.
    pub fn replay_url_project(&mut self, id: u32, p: u32) {
        self.url_stats[id as usize].project = p;
    }

    /// A `files` row of URL `id`.
    pub fn replay_file(&mut self, id: u32, counts: Counts) {
        self.url_stats[id as usize].counts.merge(counts);
    }

    /// A `panels` row: a key of one of GoAccess's other panels, with its counts and, in a
    /// roll-up, its visitors.
    pub fn replay_panel(&mut self, k: &StoredKey<'_>, counts: Counts, visitors: Option<u64>) {
        let url = |u: &[u8]| Some(self.url_id(std::str::from_utf8(u).unwrap_or_default()));
        let Some((panel, key)) = Panels::key_of(k, url) else {
            return;
        };
        let t = self.panels.table_mut(panel);
        let id = t.add_counts(&key, counts);
        if let Some(n) = visitors {
            t.add_counted(id, n);
        }
    }

    /// The panel and id of a `panel_visitors` row's key, if it is among the `wanted` ones
    /// (by panel, then key id: see [`super::keyed::Keyed::top_candidates`]).
    pub fn wanted_panel_key(
        &self,
        k: &StoredKey<'_>,
        wanted: &[Vec<bool>],
    ) -> Option<(usize, u32)> {
        let urls = &self.urls;
        let (panel, key) = Panels::key_of(k, |u| urls.lookup(u))?;
        let id = self.panels.tables()[panel].keys.lookup(&key)?;
        let wanted = wanted[panel].get(id as usize).copied().unwrap_or(false);
        wanted.then_some((panel, id))
    }

    /// A `panel_visitors` row of key `id` of `panel`, by replayed visitor `v`.
    pub fn replay_panel_visitor(&mut self, (panel, id): (usize, u32), v: u32) {
        self.panels.table_mut(panel).visit(id, v);
    }

    /// Which URLs can be among the `top` files by requests and bytes (ties included): the
    /// only ones whose visitors a report shows, so the only `file_visitors` rows to replay.
    pub fn top_file_candidates(&self, top: usize) -> Vec<bool> {
        let counts: Vec<Counts> = self.url_stats.iter().map(|s| s.counts).collect();
        super::top_candidates(&counts, top)
    }

    /// A `file_visitors` row of URL `url`, by replayed visitor `v`.
    pub fn replay_file_visitor(&mut self, url: u32, v: u32) {
        self.url_visitors.push(url, v);
    }

    /// Each URL's requested-file kinds as `requested_files` rows: (URL id, method,
    /// protocol), as [`Aggregate::replay_requested_file`] takes them back.
    pub fn requested_kinds(&self) -> impl Iterator<Item = (u32, Option<String>, Option<&str>)> {
        let first = (self.url_stats.iter().enumerate()).filter_map(|(i, s)| match s.files {
            FileKinds::One(k) => Some((i as u32, k)),
            _ => None,
        });
        first
            .chain(self.more_files.iter().copied())
            .map(|(url, kind)| {
                let (method, protocol) = request::kind_names(kind);
                (url, method, protocol)
            })
    }

    /// A `requested_files` row of URL `id`.
    pub fn replay_requested_file(&mut self, id: u32, method: Option<&str>, protocol: Option<&str>) {
        let kind = request::kind_of_names(method, protocol);
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
        all.excluded += lines.excluded;
        all.lines += lines.failed + lines.blank + lines.comment + lines.excluded;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_file_candidates_keep_every_tie_at_the_cut() {
        let mut agg = Aggregate::default();
        for (url, requests, bytes) in [("/a", 5, 1), ("/b", 3, 2), ("/c", 3, 2), ("/d", 3, 1)] {
            let id = agg.url_id(url);
            agg.replay_file(id, Counts { requests, bytes });
        }
        assert_eq!(agg.top_file_candidates(2), [true, true, true, false]);
        assert_eq!(agg.top_file_candidates(4), [true; 4]);
        assert_eq!(agg.top_file_candidates(9), [true; 4]);
        assert_eq!(agg.top_file_candidates(0), [false; 4]);
    }
}
