-- Per node (anycast site), from the daily tables: a visitor seen on two nodes counts in both.
SELECT r.node AS name, r.requests, coalesce(v.visitors, 0) AS visitors, r.bytes
FROM (SELECT node, sum(requests) AS requests, sum(bytes) AS bytes
      FROM traffic GROUP BY node) r
LEFT JOIN (
  SELECT node, count(*) AS visitors
  FROM (SELECT DISTINCT node, date, visitor FROM visitors) d
  GROUP BY node
) v ON v.node = r.node
ORDER BY r.requests DESC, r.bytes DESC, r.node;
