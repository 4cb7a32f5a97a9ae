// runtime/server/metrics.cpp: sharded counters and their collection into metric families.
#include "runtime/server/metrics.h"

#include <algorithm>

namespace sessproc::server {
namespace {

constexpr std::size_t kBuckets = kLatencyBoundsNs.size() + 1;
constexpr int kMinStatus = 100;
constexpr int kMaxStatus = 599;

struct HistogramCells {
  std::array<std::atomic<std::uint64_t>, kBuckets> buckets{};
  std::atomic<std::uint64_t> sum_ns{0};
};

std::size_t bucket_of(std::chrono::nanoseconds d) {
  const auto ns = d.count();
  return static_cast<std::size_t>(
      std::lower_bound(kLatencyBoundsNs.begin(), kLatencyBoundsNs.end(), ns) -
      kLatencyBoundsNs.begin());
}

std::vector<double> bounds_seconds() {
  std::vector<double> out;
  for (auto ns : kLatencyBoundsNs) out.push_back(static_cast<double>(ns) / 1e9);
  return out;
}

constexpr std::string_view kRuntimeCounterNames[] = {
    "sessd_runtime_session_starts_total", "sessd_runtime_session_start_errors_total",
    "sessd_runtime_session_stops_total",  "sessd_runtime_session_expiries_total",
    "sessd_runtime_reducer_faults_total", "sessd_module_loads_total",
    "sessd_module_load_errors_total",     "sessd_runtime_rate_limited_total",
};
constexpr std::string_view kRuntimeCounterHelp[] = {
    "Sessions started.",
    "Session starts that failed.",
    "Sessions stopped (terminated or expired).",
    "Sessions ended by their TTL.",
    "Actions rejected by a reducer fault.",
    "Modules loaded (startup and hot loads).",
    "Module loads that failed (compile errors included).",
    "Session starts refused by the rate limit.",
};
static_assert(std::size(kRuntimeCounterNames) == kRuntimeCounters);

std::string dispatch_label(std::size_t i) {
  if (i == kDispatchOk) return "ok";
  if (i == kDispatchBadRequest) return "bad_request";
  return std::string(to_string(static_cast<Errc>(i)));
}

}  // namespace

struct alignas(64) Metrics::Shard {
  std::array<std::atomic<std::uint64_t>, kMaxStatus - kMinStatus + 1> status{};
  std::array<std::atomic<std::uint64_t>, kRouteCount> route_count{};
  std::array<HistogramCells, kRouteCount> route_latency{};
  std::array<std::atomic<std::uint64_t>, kDispatchResults> dispatch{};
  HistogramCells dispatch_latency{};
  std::atomic<std::uint64_t> ws_in{0}, ws_out{0}, ws_slow{0}, rejected{0};
  std::array<std::atomic<std::uint64_t>, kRuntimeCounters> runtime{};
};

Metrics::Metrics(std::size_t io_shards)
    : io_shards_(io_shards), shards_(std::make_unique<Shard[]>(io_shards + 1)) {}
Metrics::~Metrics() = default;

void Metrics::bump(std::size_t shard, std::atomic<std::uint64_t>& counter, std::uint64_t by) {
  if (shard < io_shards_) {
    // Single writer: a plain increment, still atomic for the reader.
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  } else {
    counter.fetch_add(by, std::memory_order_relaxed);
  }
}

void Metrics::record_request(std::size_t shard, RouteId route, int status,
                             std::chrono::nanoseconds d) {
  shard = std::min(shard, io_shards_);
  Shard& s = shards_[shard];
  if (status >= kMinStatus && status <= kMaxStatus) bump(shard, s.status[status - kMinStatus]);
  const auto r = static_cast<std::size_t>(route);
  bump(shard, s.route_count[r]);
  bump(shard, s.route_latency[r].buckets[bucket_of(d)]);
  bump(shard, s.route_latency[r].sum_ns,
       static_cast<std::uint64_t>(std::max<std::int64_t>(d.count(), 0)));
}

void Metrics::record_unrouted(std::size_t shard, int status) {
  shard = std::min(shard, io_shards_);
  if (status >= kMinStatus && status <= kMaxStatus)
    bump(shard, shards_[shard].status[status - kMinStatus]);
}

void Metrics::record_dispatch(std::size_t shard, std::size_t result, std::chrono::nanoseconds d) {
  shard = std::min(shard, io_shards_);
  Shard& s = shards_[shard];
  bump(shard, s.dispatch[std::min(result, kDispatchResults - 1)]);
  bump(shard, s.dispatch_latency.buckets[bucket_of(d)]);
  bump(shard, s.dispatch_latency.sum_ns,
       static_cast<std::uint64_t>(std::max<std::int64_t>(d.count(), 0)));
}

void Metrics::record_ws_message_in(std::size_t shard) {
  shard = std::min(shard, io_shards_);
  bump(shard, shards_[shard].ws_in);
}
void Metrics::record_ws_message_out(std::size_t shard) {
  shard = std::min(shard, io_shards_);
  bump(shard, shards_[shard].ws_out);
}
void Metrics::record_ws_slow_disconnect(std::size_t shard) {
  shard = std::min(shard, io_shards_);
  bump(shard, shards_[shard].ws_slow);
}
void Metrics::record_rejected_connection(std::size_t shard) {
  shard = std::min(shard, io_shards_);
  bump(shard, shards_[shard].rejected);
}
void Metrics::record_runtime(RuntimeCounter c) {
  bump(io_shards_, shards_[io_shards_].runtime[static_cast<std::size_t>(c)]);
}

std::vector<MetricFamily> Metrics::collect(const GaugeReadings& g) const {
  const std::size_t n = io_shards_ + 1;
  auto sum = [&](auto field) {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < n; ++i) total += field(shards_[i]).load(std::memory_order_relaxed);
    return static_cast<double>(total);
  };
  auto histogram = [&](auto cells, Labels labels) {
    HistogramSample h;
    h.labels = std::move(labels);
    h.bounds = bounds_seconds();
    h.counts.assign(kBuckets, 0);
    std::uint64_t sum_ns = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const HistogramCells& c = cells(shards_[i]);
      for (std::size_t b = 0; b < kBuckets; ++b)
        h.counts[b] += c.buckets[b].load(std::memory_order_relaxed);
      sum_ns += c.sum_ns.load(std::memory_order_relaxed);
    }
    h.sum = static_cast<double>(sum_ns) / 1e9;
    return h;
  };

  std::vector<MetricFamily> out;
  {
    MetricFamily f{
        "sessd_sessions", "Sessions running, by session type.", MetricType::gauge, {}, {}};
    for (const auto& [type, count] : g.sessions_by_type) {
      f.samples.push_back({{{"type", type}}, static_cast<double>(count)});
    }
    out.push_back(std::move(f));
  }
  out.push_back({"sessd_session_memory_bytes",
                 "Approximate memory held by sessions.",
                 MetricType::gauge,
                 {{{}, static_cast<double>(g.session_memory_bytes)}},
                 {}});
  {
    MetricFamily f{"sessd_dispatches_total", "Dispatches, by result.", MetricType::counter, {}, {}};
    for (std::size_t r = 0; r < kDispatchResults; ++r) {
      const double v =
          sum([r](const Shard& s) -> const std::atomic<std::uint64_t>& { return s.dispatch[r]; });
      if (v == 0 && r != kDispatchOk) continue;
      f.samples.push_back({{{"result", dispatch_label(r)}}, v});
    }
    out.push_back(std::move(f));
  }
  {
    MetricFamily f{"sessd_dispatch_duration_seconds",
                   "Time the runtime took to apply a dispatched action.",
                   MetricType::histogram,
                   {},
                   {}};
    f.histograms.push_back(
        histogram([](const Shard& s) -> const HistogramCells& { return s.dispatch_latency; }, {}));
    out.push_back(std::move(f));
  }
  {
    MetricFamily f{"sessd_http_requests_total",
                   "HTTP requests answered, by status code.",
                   MetricType::counter,
                   {},
                   {}};
    for (int st = kMinStatus; st <= kMaxStatus; ++st) {
      const double v = sum([st](const Shard& s) -> const std::atomic<std::uint64_t>& {
        return s.status[st - kMinStatus];
      });
      if (v != 0) f.samples.push_back({{{"code", std::to_string(st)}}, v});
    }
    out.push_back(std::move(f));
  }
  {
    MetricFamily f{"sessd_http_request_duration_seconds",
                   "Time from a complete request to its reply being queued, by route.",
                   MetricType::histogram,
                   {},
                   {}};
    for (std::size_t r = 0; r < kRouteCount; ++r) {
      const double count = sum(
          [r](const Shard& s) -> const std::atomic<std::uint64_t>& { return s.route_count[r]; });
      if (count == 0) continue;
      f.histograms.push_back(
          histogram([r](const Shard& s) -> const HistogramCells& { return s.route_latency[r]; },
                    {{"route", std::string(to_string(static_cast<RouteId>(r)))}}));
    }
    out.push_back(std::move(f));
  }
  out.push_back({"sessd_connections",
                 "Open HTTP and WebSocket connections.",
                 MetricType::gauge,
                 {{{}, static_cast<double>(g.connections)}},
                 {}});
  out.push_back(
      {"sessd_connections_rejected_total",
       "Connections refused at the connection limit.",
       MetricType::counter,
       {{{}, sum([](const Shard& s) -> const std::atomic<std::uint64_t>& { return s.rejected; })}},
       {}});
  out.push_back({"sessd_websocket_clients",
                 "Open WebSocket connections.",
                 MetricType::gauge,
                 {{{}, static_cast<double>(g.ws_clients)}},
                 {}});
  out.push_back(
      {"sessd_websocket_messages_received_total",
       "WebSocket messages from clients.",
       MetricType::counter,
       {{{}, sum([](const Shard& s) -> const std::atomic<std::uint64_t>& { return s.ws_in; })}},
       {}});
  out.push_back(
      {"sessd_websocket_messages_sent_total",
       "WebSocket messages to clients.",
       MetricType::counter,
       {{{}, sum([](const Shard& s) -> const std::atomic<std::uint64_t>& { return s.ws_out; })}},
       {}});
  out.push_back(
      {"sessd_websocket_slow_disconnects_total",
       "WebSockets closed because their outgoing queue overflowed.",
       MetricType::counter,
       {{{}, sum([](const Shard& s) -> const std::atomic<std::uint64_t>& { return s.ws_slow; })}},
       {}});
  out.push_back({"sessd_modules",
                 "Modules loaded.",
                 MetricType::gauge,
                 {{{}, static_cast<double>(g.modules)}},
                 {}});
  for (std::size_t c = 0; c < kRuntimeCounters; ++c) {
    out.push_back({std::string(kRuntimeCounterNames[c]),
                   std::string(kRuntimeCounterHelp[c]),
                   MetricType::counter,
                   {{{}, sum([c](const Shard& s) -> const std::atomic<std::uint64_t>& {
                       return s.runtime[c];
                     })}},
                   {}});
  }
  return out;
}

}  // namespace sessproc::server
