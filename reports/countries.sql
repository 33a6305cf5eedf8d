-- Per country (ISO code, '--' unknown) with its continent: requests, visitors, bytes.
SELECT r.country AS code, r.continent, r.requests, coalesce(v.visitors, 0) AS visitors, r.bytes
FROM (SELECT country, continent, count(*) AS requests, sum(bytes) AS bytes
      FROM requests GROUP BY country, continent) r
LEFT JOIN (
  SELECT country, count(*) AS visitors
  FROM (SELECT DISTINCT country, date, ip, user_agent FROM requests
        WHERE status NOT BETWEEN 400 AND 499) d
  GROUP BY country
) v ON v.country = r.country
ORDER BY r.requests DESC, r.bytes DESC, r.country;
