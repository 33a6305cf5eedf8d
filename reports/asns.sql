-- Per autonomous system (0 unknown): organisation, requests, visitors, bytes.
SELECT r.asn, r.org, r.requests, coalesce(v.visitors, 0) AS visitors, r.bytes
FROM (SELECT asn, max(as_org) AS org, count(*) AS requests, sum(bytes) AS bytes
      FROM requests GROUP BY asn) r
LEFT JOIN (
  SELECT asn, count(*) AS visitors
  FROM (SELECT DISTINCT asn, date, ip, user_agent FROM requests
        WHERE status NOT BETWEEN 400 AND 499) d
  GROUP BY asn
) v ON v.asn = r.asn
ORDER BY r.requests DESC, r.bytes DESC, r.asn;
