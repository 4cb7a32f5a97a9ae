// runtime/server/runtime_metrics.h: runtime telemetry events counted into the server metrics.
//
// Design decision: only rare events are listened to (starts, stops, expiries, faults, module
// loads, rate limiting): attaching to a telemetry event makes the runtime build its metadata,
// so the per-dispatch events stay unattached and dispatches are counted by the server itself.
#pragma once

#include <expected>

#include "runtime/runtime.h"
#include "runtime/server/metrics.h"

namespace sessproc::server {

inline constexpr const char* kMetricsHandlerId = "sessd.metrics";

std::expected<void, Error> attach_runtime_metrics(Runtime& runtime, Metrics& metrics);

}  // namespace sessproc::server
