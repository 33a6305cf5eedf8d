-- Per logged date, from the daily tables.
SELECT r.date, r.requests, coalesce(v.visitors, 0) AS visitors, r.bytes
FROM (SELECT date, sum(requests) AS requests, sum(bytes) AS bytes FROM traffic GROUP BY date) r
LEFT JOIN (
  SELECT date, count(*) AS visitors
  FROM (SELECT DISTINCT date, visitor FROM visitors) d
  GROUP BY date
) v ON v.date = r.date
ORDER BY r.date;
