-- Per client program (`apt/2.2.4`, `crawler`, ...), from the daily tables.
SELECT r.client, r.requests, coalesce(v.visitors, 0) AS visitors, r.bytes
FROM (SELECT client, sum(requests) AS requests, sum(bytes) AS bytes
      FROM clients GROUP BY client) r
LEFT JOIN (
  SELECT client, count(*) AS visitors
  FROM (SELECT DISTINCT client, date, visitor FROM visitors) d
  GROUP BY client
) v ON v.client = r.client
ORDER BY r.requests DESC, r.bytes DESC, r.client;
