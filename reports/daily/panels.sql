-- GoAccess's other panels, every key, from the daily tables: `panel` is the JSON report's
-- name (vhosts, referrers, referring_sites, not_found, static_files, operating_systems,
-- browsers, remote_users, mime_types, tls, cache_status); `key` the item (a host, a
-- referrer, a path, a family), `item` its detail (a version, a MIME type, protocol/cipher),
-- `method` and `protocol` a request's. Visitors are distinct (date, visitor) of the key.
-- A panel's item, method and protocol are always null or never (so '' stands in for null in
-- the join: `IS NOT DISTINCT FROM` there is DuckDB's and Spark's, not Polars').
SELECT p.panel, p.key, p.item, p.method, p.protocol, p.requests,
       coalesce(v.visitors, 0) AS visitors, p.bytes
FROM (SELECT panel, key, item, method, protocol,
             sum(requests) AS requests, sum(bytes) AS bytes
      FROM panels GROUP BY panel, key, item, method, protocol) p
LEFT JOIN (
  SELECT panel, key, item, method, protocol, count(*) AS visitors
  FROM (SELECT DISTINCT panel, key, item, method, protocol, date, visitor
        FROM panel_visitors) d
  GROUP BY panel, key, item, method, protocol
) v ON v.panel = p.panel AND v.key = p.key AND coalesce(v.item, '') = coalesce(p.item, '')
   AND coalesce(v.method, '') = coalesce(p.method, '')
   AND coalesce(v.protocol, '') = coalesce(p.protocol, '')
ORDER BY p.panel, p.requests DESC, p.bytes DESC, p.key;
