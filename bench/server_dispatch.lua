-- bench/server_dispatch.lua: wrk script for POST /api/sessions/{id}/dispatch over keep-alive
-- connections, spread over SESSIONS pre-started sessions named PREFIX0, PREFIX1, ...
-- (bench/server_bench.sh starts them). Environment: SESSIONS, PREFIX, ADMIN_TOKEN.
-- TARGET=healthz sends GET /healthz instead: the same HTTP exchange over loopback without the
-- runtime, the reference floor of bench/server_bench.sh (`floor`).
-- At the end it prints one line "RESULT requests_per_s=... p50_ms=... p99_ms=... errors=...".

local sessions = tonumber(os.getenv("SESSIONS") or "10000")
local prefix = os.getenv("PREFIX") or "b"
local token = os.getenv("ADMIN_TOKEN") or ""
local body = '{"type":"counter.increment"}'
local target = os.getenv("TARGET") or "dispatch"
local thread_count = 0

function setup(thread)
  thread:set("first", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  -- Each thread walks the sessions from its own start with a stride co-prime with most
  -- session counts, so that consecutive requests of one connection hit different sessions.
  -- The requests are formatted once, here: wrk shares the cores with sessd, and formatting
  -- one per request in Lua cost it about a third of its CPU time (time the server lost).
  next_request = 0
  if target == "healthz" then
    prepared = {wrk.format("GET", "/healthz")}
    count = 1
    return
  end
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
  local at = first * 7919 % sessions
  prepared = {}
  for i = 1, sessions do
    at = (at + 104729) % sessions
    prepared[i] = wrk.format("POST", "/api/sessions/" .. prefix .. at .. "/dispatch", nil, body)
  end
  count = sessions
end

function request()
  next_request = next_request % count + 1
  return prepared[next_request]
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
