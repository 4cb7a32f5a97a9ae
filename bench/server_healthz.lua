-- bench/server_healthz.lua: wrk script for GET /healthz over keep-alive connections, the
-- reference floor of bench/server_bench.sh (`floor`): the same HTTP exchange over loopback as
-- the dispatch benchmark, without the runtime, so the two together show what a dispatch adds.
-- At the end it prints one line "RESULT requests_per_s=... p50_ms=... p99_ms=... errors=...".

function init(args)
  prepared = wrk.format("GET", "/healthz")
end

function request()
  return prepared
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read +
                 summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests_per_s=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d requests=%d\n",
                         summary.requests / seconds, latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000, latency.max / 1000, errors,
                         summary.requests))
end
