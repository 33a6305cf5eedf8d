-- Per autonomous system, from the daily tables.
SELECT r.asn, r.org, r.requests, coalesce(v.visitors, 0) AS visitors, r.bytes
FROM (SELECT asn, max(as_org) AS org, sum(requests) AS requests, sum(bytes) AS bytes
      FROM traffic GROUP BY asn) r
LEFT JOIN (
  SELECT asn, count(*) AS visitors
  FROM (SELECT DISTINCT asn, date, visitor FROM visitors) d
  GROUP BY asn
) v ON v.asn = r.asn
ORDER BY r.requests DESC, r.bytes DESC, r.asn;
