-- Per country, from the daily tables.
SELECT r.country AS code, r.continent, r.requests, coalesce(v.visitors, 0) AS visitors, r.bytes
FROM (SELECT country, continent, sum(requests) AS requests, sum(bytes) AS bytes
      FROM traffic GROUP BY country, continent) r
LEFT JOIN (
  SELECT country, count(*) AS visitors
  FROM (SELECT DISTINCT country, date, visitor FROM visitors) d
  GROUP BY country
) v ON v.country = r.country
ORDER BY r.requests DESC, r.bytes DESC, r.country;
