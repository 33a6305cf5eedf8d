-- Per project: requests, distinct visitors who requested it, bytes; most requests first.
SELECT r.project AS name, r.requests, coalesce(v.visitors, 0) AS visitors, r.bytes
FROM (SELECT project, count(*) AS requests, sum(bytes) AS bytes FROM requests GROUP BY project) r
LEFT JOIN (
  SELECT project, count(*) AS visitors
  FROM (SELECT DISTINCT project, date, ip, user_agent FROM requests
        WHERE status NOT BETWEEN 400 AND 499) d
  GROUP BY project
) v ON v.project = r.project
ORDER BY r.requests DESC, r.bytes DESC, r.project;
