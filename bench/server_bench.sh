#!/usr/bin/env bash
# bench/server_bench.sh: sessd under load, the figures of docs/benchmarks.md ("Server").
#   dispatch  wrk with bench/server_dispatch.lua: POST /api/sessions/{id}/dispatch over
#             keep-alive connections, spread over SESSIONS pre-started sessions; sessd's
#             and wrk's CPU time per request; every answered increment is counted after;
#   floor     the same wrk load on GET /healthz: HTTP over loopback without the runtime, the
#             reference for what a dispatch adds;
#   fanout    SUBSCRIBERS WebSocket clients on FANOUT_SESSIONS sessions, each change pushed
#             to all of them (bench/server_load.js fanout): pushes/s and push latency;
#   memory    the server's RSS empty, with IDLE_SESSIONS idle sessions, and with IDLE_SOCKETS
#             idle WebSocket clients on top.
# Usage: bench/server_bench.sh BUILD_DIR [dispatch|floor|fanout|memory|all] [--smoke]
# --smoke runs everything at a tiny size (CTest's bench_server_smoke): it checks that the
# benchmark still works, its figures mean nothing. Sizes can be set in the environment.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: server_bench.sh BUILD_DIR [dispatch|floor|fanout|memory|all] [--smoke]}
what=${2:-all}
sessd=${SESSD:-$build/tools/sessd/sessd}
[ -x "$sessd" ] || { echo "no sessd at $sessd" >&2; exit 1; }

if [ "${3:-}" = "--smoke" ] || [ "${2:-}" = "--smoke" ]; then
  [ "$what" = "--smoke" ] && what=all
  SESSIONS=100 DURATION=2s CONNECTIONS=8 SUBSCRIBERS=50 FANOUT_SECONDS=2 \
    IDLE_SESSIONS=500 IDLE_SOCKETS=20
fi
SESSIONS=${SESSIONS:-10000}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
SUBSCRIBERS=${SUBSCRIBERS:-10000}
FANOUT_SESSIONS=${FANOUT_SESSIONS:-1}
FANOUT_RATE=${FANOUT_RATE:-20}
FANOUT_SECONDS=${FANOUT_SECONDS:-10}
IDLE_SESSIONS=${IDLE_SESSIONS:-100000}
IDLE_SOCKETS=${IDLE_SOCKETS:-1000}

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
token=bench-admin-token
work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Starts sessd on a free port; sets $pid and $url.
start_sessd() {
  cat > "$work/config.json" <<JSON
{"runtime": {"rate_limit": 0, "max_sessions": 250000, "session_ttl_ms": 3600000},
 "max_connections": 30000}
JSON
  rm -f "$work/log"
  "$sessd" --listen 127.0.0.1:0 --data "$work/data" --admin-token "$token" \
    --config "$work/config.json" > "$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do
    port=$(grep -oiE 'listening on (http://)?127\.0\.0\.1:[0-9]+' "$work/log" | grep -oE '[0-9]+$' || true)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "sessd did not start" >&2; cat "$work/log" >&2; exit 1; }
  url=http://127.0.0.1:$port
}

stop_sessd() {
  kill -TERM "$pid"
  wait "$pid" || { echo "sessd exited with $?" >&2; exit 1; }
  pid=
}

# sessd's user and system CPU time so far, in clock ticks (fields 14 and 15 of stat; the
# command name in field 2 has no spaces).
cpu_ticks() { awk '{print $14, $15}' "/proc/$pid/stat"; }

# The CPU time of this script's finished children (wrk is the one that runs in between), in
# clock ticks: fields 16 and 17 of stat.
children_ticks() { awk '{print $16 + $17}' "/proc/$$/stat"; }

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }

load() { node "$root/bench/server_load.js" "$@" --url "$url" --token "$token"; }

echo "sessd: $sessd; load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"

# Runs wrk with the script $1 against $url, prints its report, sessd's CPU time per answered
# request (user / kernel) and wrk's; sets $answered. Fails if any request failed.
run_wrk() {
  local user_before sys_before user_after sys_after wrk_before wrk_after
  read -r user_before sys_before < <(cpu_ticks)
  read -r wrk_before < <(children_ticks)
  SESSIONS=$SESSIONS PREFIX=b ADMIN_TOKEN=$token \
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$1" "$url" \
    | tee "$work/wrk.txt"
  read -r user_after sys_after < <(cpu_ticks)
  read -r wrk_after < <(children_ticks)
  grep -q '^RESULT .*errors=0 ' "$work/wrk.txt" || { echo "wrk: requests failed" >&2; exit 1; }
  answered=$(grep -oE 'requests=[0-9]+' "$work/wrk.txt" | cut -d= -f2)
  awk -v u="$((user_after - user_before))" -v s="$((sys_after - sys_before))" \
      -v w="$((wrk_after - wrk_before))" -v n="$answered" -v tck="$(getconf CLK_TCK)" 'BEGIN {
        f = 1e6 / tck / n
        printf "RESULT sessd_cpu_us_per_request=%.2f user_us=%.2f sys_us=%.2f wrk_cpu_us_per_request=%.2f\n",
               (u + s) * f, u * f, s * f, w * f
      }'
}

if [ "$what" = dispatch ] || [ "$what" = all ]; then
  start_sessd
  echo "== dispatch: $SESSIONS sessions, wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION"
  load sessions --count "$SESSIONS" --prefix b
  run_wrk "$root/bench/server_dispatch.lua"
  # Every answered increment must have taken effect; wrk stops with up to one request per
  # connection in flight, which the server may still have applied.
  counted=$(load count --count "$SESSIONS" --prefix b | grep -oE '"increments":[0-9]+' | cut -d: -f2)
  counted=${counted:-0}
  echo "RESULT answered=$answered increments=$counted"
  if [ "$counted" -lt "$answered" ] || [ "$counted" -gt $((answered + CONNECTIONS)) ]; then
    echo "dispatch: $answered increments answered but $counted counted" >&2
    exit 1
  fi
  stop_sessd
fi

if [ "$what" = floor ] || [ "$what" = all ]; then
  start_sessd
  echo "== floor: GET /healthz, wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION"
  TARGET=healthz run_wrk "$root/bench/server_dispatch.lua"
  stop_sessd
fi

if [ "$what" = fanout ] || [ "$what" = all ]; then
  start_sessd
  echo "== fanout: $SUBSCRIBERS subscribers on $FANOUT_SESSIONS session(s), $FANOUT_RATE changes/s each, ${FANOUT_SECONDS}s"
  load fanout --subscribers "$SUBSCRIBERS" --sessions "$FANOUT_SESSIONS" --rate "$FANOUT_RATE" \
       --seconds "$FANOUT_SECONDS"
  stop_sessd
fi

if [ "$what" = memory ] || [ "$what" = all ]; then
  start_sessd
  sleep 0.5
  empty=$(rss_kib)
  echo "== memory: $IDLE_SESSIONS idle sessions, then $IDLE_SOCKETS idle WebSocket clients"
  load sessions --count "$IDLE_SESSIONS" --prefix m
  sleep 1
  with_sessions=$(rss_kib)
  coproc IDLE { load idle --count "$IDLE_SOCKETS" --prefix m; }
  read -r ready <&"${IDLE[0]}"
  echo "$ready"
  sleep 1
  with_sockets=$(rss_kib)
  exec {IDLE[1]}>&-
  wait "$IDLE_PID" || true
  echo "RESULT rss_empty_mib=$((empty / 1024)) rss_sessions_mib=$((with_sessions / 1024))" \
       "per_session_bytes=$(( (with_sessions - empty) * 1024 / IDLE_SESSIONS ))" \
       "rss_sockets_mib=$((with_sockets / 1024))" \
       "per_socket_bytes=$(( (with_sockets - with_sessions) * 1024 / IDLE_SOCKETS ))"
  stop_sessd
fi
