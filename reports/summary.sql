-- The summary block: valid requests, unique visitors, requested files, bandwidth, dates.
-- Visitors: distinct (logged date, IP as written, user agent) over responses that are not
-- 4xx. Requested files: distinct (URL with query, method, protocol) over requests that are
-- not 404 and not static files (`static_file`: by extension, Debian's GoAccess list; a
-- query string after the extension makes it non-static, unless the format logs the query
-- apart, as W3C does).
WITH urls AS (
  SELECT *, CASE WHEN query IS NULL THEN path ELSE path || '?' || query END AS url
  FROM requests
)
SELECT
  (SELECT count(*) FROM requests) AS valid_requests,
  (SELECT count(*) FROM (
     SELECT DISTINCT date, ip, user_agent FROM requests
     WHERE status NOT BETWEEN 400 AND 499)) AS unique_visitors,
  (SELECT count(*) FROM (
     SELECT DISTINCT url, method, protocol FROM urls
     WHERE status <> 404 AND NOT static_file)
  ) AS requested_files,
  (SELECT sum(bytes) FROM requests) AS bandwidth_bytes,
  (SELECT min(date) FROM requests) AS first_date,
  (SELECT max(date) FROM requests) AS last_date;
