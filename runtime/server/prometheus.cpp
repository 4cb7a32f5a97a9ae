// runtime/server/prometheus.cpp: the text exposition format.
#include "runtime/server/prometheus.h"

#include <cmath>

#include <fmt/format.h>

namespace sessproc::server {
namespace {

std::string escape_help(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

void append_value(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::floor(v) && std::fabs(v) < 9e15) {
    fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int64_t>(v));
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);
  }
}

void append_labels(std::string& out, const Labels& labels, std::string_view extra_key = {},
                   std::string_view extra_value = {}) {
  if (labels.empty() && extra_key.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    out += escape_label_value(v);
    out += '"';
  }
  if (!extra_key.empty()) {
    if (!first) out += ',';
    out += extra_key;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

std::string_view type_name(MetricType t) {
  switch (t) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

std::string escape_label_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string render_prometheus(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const auto& f : families) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", f.name,
                   escape_help(f.help), f.name, type_name(f.type));
    if (f.type != MetricType::histogram) {
      for (const auto& s : f.samples) {
        out += f.name;
        append_labels(out, s.labels);
        out += ' ';
        append_value(out, s.value);
        out += '\n';
      }
      continue;
    }
    for (const auto& h : f.histograms) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < h.counts.size(); ++i) {
        cumulative += h.counts[i];
        std::string le;
        if (i < h.bounds.size()) {
          append_value(le, h.bounds[i]);
        } else {
          le = "+Inf";
        }
        out += f.name;
        out += "_bucket";
        append_labels(out, h.labels, "le", le);
        fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
      }
      out += f.name;
      out += "_sum";
      append_labels(out, h.labels);
      out += ' ';
      append_value(out, h.sum);
      out += '\n';
      out += f.name;
      out += "_count";
      append_labels(out, h.labels);
      fmt::format_to(std::back_inserter(out), " {}\n", cumulative);
    }
  }
  return out;
}

}  // namespace sessproc::server
