// runtime/telemetry.cpp: event names and handler delivery.
#include "runtime/telemetry.h"

#include <array>

#include <fmt/format.h>

namespace sessproc {

namespace {
constexpr std::array<std::string_view, kEventKinds> kEventNames = {
    "session.start",
    "session.start_error",
    "session.stop",
    "session.call",
    "session.cast",
    "session.dispatch",
    "session.communication_error",
    "session.auto_cleanup",
    "session.cleanup_error",
    "session.rate_limit_exceeded",
    "reducer.fault",
    "module.load",
    "module.load_error",
    "module.migrate",
};
}  // namespace

std::string_view event_name(EventKind kind) {
  return kEventNames[static_cast<std::size_t>(kind)];
}

std::optional<EventKind> event_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kEventNames.size(); ++i) {
    if (kEventNames[i] == name) return static_cast<EventKind>(i);
  }
  return std::nullopt;
}

std::expected<void, Error> Telemetry::attach(std::string handler_id,
                                             const std::vector<std::string>& events,
                                             TelemetryHandler handler) {
  if (!handler)
    return std::unexpected(
        make_error(Errc::invalid_argument, {}, "the telemetry handler is empty"));
  std::uint32_t mask = 0;
  if (events.empty()) mask = (1u << kEventKinds) - 1;
  for (const auto& name : events) {
    auto kind = event_from_name(name);
    if (!kind) {
      return std::unexpected(
          make_error(Errc::invalid_argument, {}, fmt::format("unknown telemetry event {}", name)));
    }
    mask |= 1u << static_cast<unsigned>(*kind);
  }
  std::lock_guard lock(mu_);
  auto current = list_.load();
  for (const auto& e : *current) {
    if (e.id == handler_id) {
      return std::unexpected(
          make_error(Errc::invalid_argument, {},
                     fmt::format("telemetry handler {} is already attached", handler_id)));
    }
  }
  auto next = std::make_shared<List>(*current);
  next->push_back(Entry{std::move(handler_id), mask,
                        std::make_shared<const TelemetryHandler>(std::move(handler))});
  publish(std::move(next));
  return {};
}

bool Telemetry::detach(std::string_view handler_id) {
  std::lock_guard lock(mu_);
  auto current = list_.load();
  auto next = std::make_shared<List>();
  bool found = false;
  for (const auto& e : *current) {
    if (e.id == handler_id) {
      found = true;
    } else {
      next->push_back(e);
    }
  }
  if (found) publish(std::move(next));
  return found;
}

void Telemetry::publish(std::shared_ptr<const List> list) {
  std::uint32_t mask = 0;
  for (const auto& e : *list) mask |= e.mask;
  list_.store(std::move(list));
  mask_.store(mask, std::memory_order_relaxed);
}

void Telemetry::deliver(const TelemetryEvent& event) {
  auto list = list_.load();
  const std::uint32_t bit = 1u << static_cast<unsigned>(event.kind);
  std::vector<std::string> failed;
  for (const auto& e : *list) {
    if (!(e.mask & bit)) continue;
    try {
      (*e.handler)(event);
    } catch (...) {
      failed.push_back(e.id);
    }
  }
  for (const auto& id : failed) detach(id);
}

}  // namespace sessproc
