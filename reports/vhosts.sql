-- Per virtual host (formats with %v): requests, visitors (distinct date, address and agent
-- of non-4xx requests, as GoAccess counts them) and bytes.
SELECT r.vhost, r.requests, coalesce(v.visitors, 0) AS visitors, r.bytes
FROM (SELECT vhost, count(*) AS requests, sum(bytes) AS bytes
      FROM requests WHERE vhost IS NOT NULL GROUP BY vhost) r
LEFT JOIN (
  SELECT vhost, count(*) AS visitors
  FROM (SELECT DISTINCT vhost, date, ip, user_agent FROM requests
        WHERE vhost IS NOT NULL AND (status < 400 OR status >= 500)) d
  GROUP BY vhost
) v ON v.vhost = r.vhost
ORDER BY r.requests DESC, r.bytes DESC, r.vhost;
