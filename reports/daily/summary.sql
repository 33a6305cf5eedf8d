-- The summary block from the daily tables only (views traffic, visitors, requested_files).
SELECT
  (SELECT sum(requests) FROM traffic) AS valid_requests,
  (SELECT count(*) FROM (SELECT DISTINCT date, visitor FROM visitors)) AS unique_visitors,
  (SELECT count(*) FROM (SELECT DISTINCT url, method, protocol FROM requested_files))
    AS requested_files,
  (SELECT sum(bytes) FROM traffic) AS bandwidth_bytes,
  (SELECT min(date) FROM traffic) AS first_date,
  (SELECT max(date) FROM traffic) AS last_date;
