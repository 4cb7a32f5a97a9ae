// runtime/server/metrics.h: the server's metrics registry (counters, gauges, histograms).
//
// Design decision: counters are sharded, one cache-line-aligned shard per I/O thread plus one
// shared shard for everyone else (telemetry handlers on runtime threads). An I/O thread is the
// only writer of its shard, so the hot path is a few relaxed load+store pairs on its own cache
// lines, no lock and no contended atomic; /metrics sums the shards. The set of metrics is fixed
// (this is sessd's registry, not a general client library), which keeps every hot-path update
// an array index. Gauges that the runtime already knows (sessions) are read at render time.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/error.h"
#include "runtime/server/prometheus.h"
#include "runtime/server/router.h"

namespace sessproc::server {

// Upper bounds of the latency buckets: 50 us .. 10 s.
inline constexpr std::array<std::int64_t, 16> kLatencyBoundsNs = {
    50'000,      100'000,       250'000,       500'000,       1'000'000,   2'500'000,
    5'000'000,   10'000'000,    25'000'000,    50'000'000,    100'000'000, 250'000'000,
    500'000'000, 1'000'000'000, 2'500'000'000, 10'000'000'000};

// The outcome of a dispatch as a metric label: "ok", a runtime error code, or "bad_request"
// (the server refused it before the runtime saw it).
inline constexpr std::size_t kDispatchOk = 0;
inline constexpr std::size_t kDispatchBadRequest = 21;  // after the 20 Errc codes
inline constexpr std::size_t kDispatchResults = 22;
inline std::size_t dispatch_result(Errc code) {
  return static_cast<std::size_t>(code);
}

// Events the runtime reports through telemetry.
enum class RuntimeCounter : std::uint8_t {
  session_start,
  session_start_error,
  session_stop,
  session_expired,
  reducer_fault,
  module_load,
  module_load_error,
  rate_limited,
};
inline constexpr std::size_t kRuntimeCounters = 8;

// Values known elsewhere, sampled when /metrics is rendered.
struct GaugeReadings {
  std::vector<std::pair<std::string, std::size_t>> sessions_by_type;
  std::size_t connections = 0;
  std::size_t ws_clients = 0;
  std::size_t modules = 0;
  std::size_t session_memory_bytes = 0;
};

class Metrics {
 public:
  // `io_shards` single-writer shards (index 0..io_shards-1) plus one shared shard.
  explicit Metrics(std::size_t io_shards);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The shared shard's index: any thread may write it.
  std::size_t shared_shard() const { return io_shards_; }

  void record_request(std::size_t shard, RouteId route, int status, std::chrono::nanoseconds d);
  void record_unrouted(std::size_t shard, int status);  // 404/405/400 before a route
  void record_dispatch(std::size_t shard, std::size_t result, std::chrono::nanoseconds d);
  void record_ws_message_in(std::size_t shard);
  void record_ws_message_out(std::size_t shard);
  void record_ws_slow_disconnect(std::size_t shard);
  void record_rejected_connection(std::size_t shard);
  void record_runtime(RuntimeCounter c);  // shared shard

  std::vector<MetricFamily> collect(const GaugeReadings& gauges) const;
  std::string render(const GaugeReadings& gauges) const {
    return render_prometheus(collect(gauges));
  }

 private:
  struct Shard;
  void bump(std::size_t shard, std::atomic<std::uint64_t>& counter, std::uint64_t by = 1);
  std::size_t io_shards_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace sessproc::server
