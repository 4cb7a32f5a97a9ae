// runtime/telemetry_logger.h: TelemetryLogger, the built-in handler that logs events via spdlog.
//
// Design decision: logging is just one telemetry handler, attached by the host when it wants
// it, with a level filter: each event has a fixed level (faults and errors warn, starts and
// stops info, per-action events debug), and the logger attaches only to the events at or above
// `min_level`, so filtered-out events cost nothing at all.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include <spdlog/common.h>

#include "runtime/error.h"
#include "runtime/telemetry.h"

namespace spdlog {
class logger;
}

namespace sessproc {

class Runtime;

class TelemetryLogger {
 public:
  static constexpr std::string_view kDefaultId = "sessproc.telemetry_logger";

  // The level an event is logged at.
  static spdlog::level::level_enum level_of(EventKind kind);
  // Attaches a handler named `handler_id` that logs events of level >= min_level to `logger`.
  static std::expected<void, Error> attach(
      Runtime& runtime, const std::shared_ptr<spdlog::logger>& logger,
      spdlog::level::level_enum min_level = spdlog::level::info,
      std::string handler_id = std::string(kDefaultId));
  static bool detach(Runtime& runtime, std::string_view handler_id = kDefaultId);
};

}  // namespace sessproc
