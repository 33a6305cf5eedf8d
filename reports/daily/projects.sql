-- Per project, from the daily tables.
SELECT r.project AS name, r.requests, coalesce(v.visitors, 0) AS visitors, r.bytes
FROM (SELECT project, sum(requests) AS requests, sum(bytes) AS bytes
      FROM traffic GROUP BY project) r
LEFT JOIN (
  SELECT project, count(*) AS visitors
  FROM (SELECT DISTINCT project, date, visitor FROM visitors) d
  GROUP BY project
) v ON v.project = r.project
ORDER BY r.requests DESC, r.bytes DESC, r.project;
