// tests/server/unit/prometheus_test.cpp: the text format and the sharded metrics registry.
#include <doctest/doctest.h>

#include "runtime/server/metrics.h"
#include "runtime/server/prometheus.h"

namespace sessproc::server {
namespace {

TEST_CASE("counters and gauges render with HELP, TYPE and labels") {
  std::vector<MetricFamily> f;
  f.push_back({"x_total",
               "Things.\nMore",
               MetricType::counter,
               {{{{"code", "200"}}, 3}, {{{"code", "a\"b\\c\nd"}}, 1.5}},
               {}});
  f.push_back({"y", "A gauge.", MetricType::gauge, {{{}, 7}}, {}});
  CHECK(render_prometheus(f) ==
        "# HELP x_total Things.\\nMore\n"
        "# TYPE x_total counter\n"
        "x_total{code=\"200\"} 3\n"
        "x_total{code=\"a\\\"b\\\\c\\nd\"} 1.5\n"
        "# HELP y A gauge.\n"
        "# TYPE y gauge\n"
        "y 7\n");
}

TEST_CASE("histograms render cumulative buckets, +Inf, sum and count") {
  HistogramSample h{{{"route", "dispatch"}}, {0.001, 0.01}, {2, 1, 4}, 0.5};
  std::vector<MetricFamily> f{{"lat_seconds", "Latency.", MetricType::histogram, {}, {h}}};
  CHECK(render_prometheus(f) ==
        "# HELP lat_seconds Latency.\n"
        "# TYPE lat_seconds histogram\n"
        "lat_seconds_bucket{route=\"dispatch\",le=\"0.001\"} 2\n"
        "lat_seconds_bucket{route=\"dispatch\",le=\"0.01\"} 3\n"
        "lat_seconds_bucket{route=\"dispatch\",le=\"+Inf\"} 7\n"
        "lat_seconds_sum{route=\"dispatch\"} 0.5\n"
        "lat_seconds_count{route=\"dispatch\"} 7\n");
}

const MetricFamily* family(const std::vector<MetricFamily>& fs, std::string_view name) {
  for (const auto& f : fs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

double sample(const MetricFamily& f, std::string_view label, std::string_view value) {
  for (const auto& s : f.samples) {
    for (const auto& [k, v] : s.labels) {
      if (k == label && v == value) return s.value;
    }
  }
  return -1;
}

TEST_CASE("the registry sums its shards") {
  Metrics m(2);
  using namespace std::chrono_literals;
  m.record_dispatch(0, kDispatchOk, 30us);
  m.record_dispatch(1, kDispatchOk, 2ms);
  m.record_dispatch(m.shared_shard(), dispatch_result(Errc::reducer_fault), 1s);
  m.record_request(0, RouteId::dispatch, 200, 40us);
  m.record_request(1, RouteId::dispatch, 200, 60us);
  m.record_unrouted(1, 404);
  m.record_runtime(RuntimeCounter::session_start);
  m.record_runtime(RuntimeCounter::session_start);
  GaugeReadings g;
  g.sessions_by_type = {{"app", 4}};
  g.ws_clients = 2;
  const auto fs = m.collect(g);

  const auto* dispatches = family(fs, "sessd_dispatches_total");
  REQUIRE(dispatches);
  CHECK(sample(*dispatches, "result", "ok") == 2);
  CHECK(sample(*dispatches, "result", "reducer_fault") == 1);
  CHECK(sample(*dispatches, "result", "timeout") == -1);  // zero counts are left out

  const auto* latency = family(fs, "sessd_dispatch_duration_seconds");
  REQUIRE(latency);
  REQUIRE(latency->histograms.size() == 1);
  const auto& h = latency->histograms[0];
  CHECK(h.counts[0] == 1);  // 30us <= 50us
  std::uint64_t total = 0;
  for (auto c : h.counts) total += c;
  CHECK(total == 3);
  CHECK(h.sum == doctest::Approx(1.00203));

  const auto* requests = family(fs, "sessd_http_requests_total");
  REQUIRE(requests);
  CHECK(sample(*requests, "code", "200") == 2);
  CHECK(sample(*requests, "code", "404") == 1);
  const auto* by_route = family(fs, "sessd_http_request_duration_seconds");
  REQUIRE(by_route);
  REQUIRE(by_route->histograms.size() == 1);  // only routes that saw requests
  CHECK(by_route->histograms[0].labels[0].second == "dispatch");

  const auto* sessions = family(fs, "sessd_sessions");
  REQUIRE(sessions);
  CHECK(sample(*sessions, "type", "app") == 4);
  const auto* starts = family(fs, "sessd_runtime_session_starts_total");
  REQUIRE(starts);
  CHECK(starts->samples[0].value == 2);
  const std::string text = m.render(g);
  CHECK(text.find("sessd_websocket_clients 2\n") != std::string::npos);
  CHECK(text.find("# TYPE sessd_dispatch_duration_seconds histogram\n") != std::string::npos);
}

}  // namespace
}  // namespace sessproc::server
