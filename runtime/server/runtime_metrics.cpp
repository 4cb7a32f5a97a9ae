// runtime/server/runtime_metrics.cpp: the telemetry handler behind the sessd_runtime_* counters.
#include "runtime/server/runtime_metrics.h"

namespace sessproc::server {

std::expected<void, Error> attach_runtime_metrics(Runtime& runtime, Metrics& metrics) {
  const std::vector<std::string> events = {
      "session.start", "session.start_error", "session.stop",      "session.auto_cleanup",
      "reducer.fault", "module.load",         "module.load_error", "session.rate_limit_exceeded"};
  return runtime.attach(kMetricsHandlerId, events, [&metrics](const TelemetryEvent& e) {
    switch (e.kind) {
      case EventKind::session_start:
        return metrics.record_runtime(RuntimeCounter::session_start);
      case EventKind::session_start_error:
        return metrics.record_runtime(RuntimeCounter::session_start_error);
      case EventKind::session_stop:
        return metrics.record_runtime(RuntimeCounter::session_stop);
      case EventKind::session_auto_cleanup:
        return metrics.record_runtime(RuntimeCounter::session_expired);
      case EventKind::reducer_fault:
        return metrics.record_runtime(RuntimeCounter::reducer_fault);
      case EventKind::module_load:
        return metrics.record_runtime(RuntimeCounter::module_load);
      case EventKind::module_load_error:
        return metrics.record_runtime(RuntimeCounter::module_load_error);
      case EventKind::session_rate_limit_exceeded:
        return metrics.record_runtime(RuntimeCounter::rate_limited);
      default:
        return;
    }
  });
}

}  // namespace sessproc::server
