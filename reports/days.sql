-- Per logged date: requests, visitors (that day's distinct visitors), bytes.
SELECT r.date, r.requests, coalesce(v.visitors, 0) AS visitors, r.bytes
FROM (SELECT date, count(*) AS requests, sum(bytes) AS bytes FROM requests GROUP BY date) r
LEFT JOIN (
  SELECT date, count(*) AS visitors
  FROM (SELECT DISTINCT date, ip, user_agent FROM requests
        WHERE status NOT BETWEEN 400 AND 499) d
  GROUP BY date
) v ON v.date = r.date
ORDER BY r.date;
