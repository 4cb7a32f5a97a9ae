// runtime/telemetry.h: the runtime's telemetry events and the handlers attached to them.
//
// Design decision: the library never prints; it emits events (the Erlang :telemetry model)
// and the host attaches handlers. An event not listened to costs one relaxed load of a bit
// mask, so telemetry stays on in production: metadata (a JSON object) is built only when some
// handler listens. Handlers are an immutable list swapped on attach/detach (readers take a
// shared pointer, never a lock). A handler that throws is detached, as :telemetry does, so a
// broken handler cannot hurt sessions.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/error.h"
#include "runtime/value.h"

namespace sessproc {

// ORDER: kEventNames in telemetry.cpp follows this enum.
enum class EventKind : std::uint8_t {
  session_start,
  session_start_error,
  session_stop,
  session_call,
  session_cast,
  session_dispatch,
  session_communication_error,
  session_auto_cleanup,
  session_cleanup_error,
  session_rate_limit_exceeded,
  reducer_fault,
  module_load,
  module_load_error,
  module_migrate,  // the sessions of a hot load followed it (or stayed): counts (hot_load.h)
};
inline constexpr std::size_t kEventKinds = 14;

// "session.start", "reducer.fault", ...
std::string_view event_name(EventKind kind);
std::optional<EventKind> event_from_name(std::string_view name);

struct TelemetryEvent {
  EventKind kind;
  std::string_view name;              // event_name(kind)
  std::chrono::nanoseconds duration;  // the measurement
  Value metadata;                     // {"session_id": ..., "session_type": ..., ...}
};

using TelemetryHandler = std::function<void(const TelemetryEvent&)>;

class Telemetry {
 public:
  // `events` by name; empty = every event. A duplicate handler id or an unknown event name is
  // an `invalid_argument`.
  std::expected<void, Error> attach(std::string handler_id, const std::vector<std::string>& events,
                                    TelemetryHandler handler);
  bool detach(std::string_view handler_id);

  bool enabled(EventKind kind) const {
    return (mask_.load(std::memory_order_relaxed) >> static_cast<unsigned>(kind)) & 1u;
  }
  // Emits to every handler of `kind`; `metadata()` is called only if someone listens.
  template <class MakeMetadata>
  void emit(EventKind kind, std::chrono::nanoseconds duration, MakeMetadata&& metadata) {
    if (!enabled(kind)) return;
    deliver(TelemetryEvent{kind, event_name(kind), duration, metadata()});
  }

 private:
  struct Entry {
    std::string id;
    std::uint32_t mask;
    std::shared_ptr<const TelemetryHandler> handler;
  };
  using List = std::vector<Entry>;
  void deliver(const TelemetryEvent& event);
  void publish(std::shared_ptr<const List> list);  // mu_ held

  std::mutex mu_;  // writers only
  std::atomic<std::shared_ptr<const List>> list_{std::make_shared<const List>()};
  std::atomic<std::uint32_t> mask_{0};
};

}  // namespace sessproc
