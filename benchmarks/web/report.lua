-- wrk script for `scripts/bench web` (request headers come from wrk's -H). Counts every answer whose
-- status is not 2xx (wrk's own error count only sees 400 and above) and, when wrk is done, prints one
-- JSON line starting with `wrk-report `: requests, duration, requests/s, latency percentiles in
-- microseconds, the non-2xx count and wrk's socket errors. The `response` hook costs wrk a little per
-- answer; wrk has a core of its own and the server is far slower than it, so that does not show.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  statuses = {}
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  local seen = {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    for status, count in pairs(thread:get("statuses")) do
      seen[status] = (seen[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(seen) do
    table.insert(parts, string.format('"%d":%d', status, count))
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'wrk-report {"requests":%d,"duration_s":%.3f,"rps":%.1f,"bytes":%d,' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"mean":%.1f,"max":%d},' ..
    '"non2xx":%d,"non2xx_statuses":{%s},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, seconds, summary.requests / seconds, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.mean, latency.max,
    bad, table.concat(parts, ","),
    e.connect, e.read, e.write, e.status, e.timeout))
end
