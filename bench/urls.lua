-- wrk script: every request asks for a path picked at random from a file of paths, one per line, so no cache
-- (the database's, the OS's, a view's) makes a number look better than it is.
--   wrk -t2 -c8 -d15s --latency -s bench/urls.lua http://127.0.0.1:8115 -- bench/data/urls/search.txt
-- At the end it prints one line, "BENCH {json}", with p50/p95/p99 (wrk's --latency table has no p95).

local threads = {}
local paths = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  -- A fixed seed per thread: the same run asks for the same sequence of URLs.
  math.randomseed(1000 + id)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "bytes": %d, "non_2xx_3xx": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, ' ..
    '"max_ms": %.2f, "mean_ms": %.2f}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000))
end
