-- The summary block: valid requests, unique visitors, requested files, bandwidth, dates.
-- Visitors: distinct (logged date, IP as written, user agent) over responses that are not
-- 4xx. Requested files: distinct (URL with query, method, protocol) over requests that are
-- not 404 and not static files by extension (Debian's GoAccess list; a query string after
-- the extension makes it non-static).
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
     WHERE status <> 404
       AND NOT regexp_matches(lower(url),
         '\.(css|js|jpg|png|gif|ico|jpeg|pdf|csv|mpeg|mpg|swf|woff|woff2|xls|xlsx|doc|docx|ppt|pptx|txt|zip|ogg|mp3|mp4|exe|iso|gz|rar|svg|bmp|tar|tgz|tiff|tif|ttf|flv|dmg|xz|zst)$'))
  ) AS requested_files,
  (SELECT sum(bytes) FROM requests) AS bandwidth_bytes,
  (SELECT min(date) FROM requests) AS first_date,
  (SELECT max(date) FROM requests) AS last_date;
