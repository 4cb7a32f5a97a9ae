// runtime/server/prometheus.h: rendering metric families in the Prometheus text format 0.0.4.
//
// Design decision: the registry (metrics.h) turns its sharded counters into plain data
// (MetricFamily) and this file only prints it, so the format is tested without a server.
// Histograms arrive with per-bucket counts and are printed cumulative, as the format wants.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sessproc::server {

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  Labels labels;
  double value = 0;
};

struct HistogramSample {
  Labels labels;
  std::vector<double> bounds;         // upper bounds, ascending (without +Inf)
  std::vector<std::uint64_t> counts;  // per bucket, bounds.size() + 1 (the last is +Inf)
  double sum = 0;
};

enum class MetricType : std::uint8_t { counter, gauge, histogram };

struct MetricFamily {
  std::string name;
  std::string help;
  MetricType type = MetricType::counter;
  std::vector<Sample> samples;              // counter, gauge
  std::vector<HistogramSample> histograms;  // histogram
};

// `text/plain; version=0.0.4`
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

std::string render_prometheus(const std::vector<MetricFamily>& families);

// Label values escape `\`, `"` and newlines; help text escapes `\` and newlines.
std::string escape_label_value(std::string_view v);

}  // namespace sessproc::server
