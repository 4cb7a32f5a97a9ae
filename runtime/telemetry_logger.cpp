// runtime/telemetry_logger.cpp: logging telemetry events through spdlog.
#include "runtime/telemetry_logger.h"

#include <spdlog/spdlog.h>

#include "runtime/runtime.h"

namespace sessproc {

spdlog::level::level_enum TelemetryLogger::level_of(EventKind kind) {
  switch (kind) {
    case EventKind::session_start_error:
    case EventKind::session_communication_error:
    case EventKind::session_cleanup_error:
    case EventKind::session_rate_limit_exceeded:
    case EventKind::reducer_fault:
    case EventKind::module_load_error:
      return spdlog::level::warn;
    case EventKind::session_start:
    case EventKind::session_stop:
    case EventKind::session_auto_cleanup:
    case EventKind::module_load:
    case EventKind::module_migrate:
      return spdlog::level::info;
    case EventKind::session_call:
    case EventKind::session_cast:
    case EventKind::session_dispatch:
      return spdlog::level::debug;
  }
  return spdlog::level::info;
}

std::expected<void, Error> TelemetryLogger::attach(Runtime& runtime,
                                                   const std::shared_ptr<spdlog::logger>& logger,
                                                   spdlog::level::level_enum min_level,
                                                   std::string handler_id) {
  if (!logger) return std::unexpected(make_error(Errc::invalid_argument, {}, "the logger is null"));
  std::vector<std::string> events;
  for (std::size_t i = 0; i < kEventKinds; ++i) {
    auto kind = static_cast<EventKind>(i);
    if (level_of(kind) >= min_level) events.emplace_back(event_name(kind));
  }
  if (events.empty()) return {};  // nothing passes the filter: attach nothing
  return runtime.attach(std::move(handler_id), events, [logger](const TelemetryEvent& e) {
    logger->log(level_of(e.kind), "[{}] {} ({} ns)", e.name, e.metadata.dump(), e.duration.count());
  });
}

bool TelemetryLogger::detach(Runtime& runtime, std::string_view handler_id) {
  return runtime.detach(handler_id);
}

}  // namespace sessproc
