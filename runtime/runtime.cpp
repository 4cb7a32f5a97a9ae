// runtime/runtime.cpp: the public Runtime: session management and bulk helpers.
#include "runtime/runtime.h"

#include <regex>

#include "runtime/core.h"

namespace sessproc {

Runtime::Runtime(RuntimeConfig config) : core_(std::make_unique<RuntimeCore>(std::move(config))) {}
Runtime::~Runtime() = default;

const RuntimeConfig& Runtime::config() const {
  return core_->config;
}

std::expected<void, Error> Runtime::load(std::shared_ptr<const Module> module) {
  return core_->load(std::move(module));
}

std::vector<ModuleInfo> Runtime::modules() const {
  return core_->module_infos();
}

std::vector<std::string> Runtime::session_types() const {
  std::shared_lock lock(core_->types_mu);
  std::vector<std::string> out;
  for (const auto& [name, t] : core_->types) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

std::expected<void, Error> Runtime::start(std::string_view id, std::string_view session_type,
                                          const Value& args) {
  return core_->start(id, session_type, args);
}

std::expected<void, Error> Runtime::terminate(std::string_view id) {
  return core_->terminate(id);
}

bool Runtime::started(std::string_view id) const {
  return core_->registry.contains(id);
}

std::expected<SessionRef, Error> Runtime::find(std::string_view id) const {
  auto s = core_->lookup(id);
  if (!s) return std::unexpected(make_error(Errc::session_not_found, std::string(id)));
  return SessionRef{s->id(), s->type_name(), s->started_at(), s->last_activity(), s->deadline()};
}

std::vector<std::string> Runtime::list_sessions() const {
  std::vector<std::string> out;
  core_->registry.for_each([&](const std::shared_ptr<Session>& s) { out.push_back(s->id()); });
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Runtime::list_sessions(std::string_view session_type) const {
  std::vector<std::string> out;
  core_->registry.for_each([&](const std::shared_ptr<Session>& s) {
    if (s->type_name() == session_type) out.push_back(s->id());
  });
  std::sort(out.begin(), out.end());
  return out;
}

SessionInfo Runtime::session_info() const {
  SessionInfo info;
  core_->registry.for_each([&](const std::shared_ptr<Session>& s) {
    ++info.count;
    ++info.types[s->type_name()];
  });
  return info;
}

SessionStats Runtime::session_stats() const {
  SessionStats stats;
  // Per-session bookkeeping outside the session: its registry slot (32 bytes) at the tables'
  // average load of about one half.
  constexpr std::size_t kRegistryEntry = 64;
  core_->registry.for_each([&](const std::shared_ptr<Session>& s) {
    ++stats.count;
    stats.memory_bytes += s->memory_bytes() + kRegistryEntry;
  });
  stats.average_bytes = stats.count ? stats.memory_bytes / stats.count : 0;
  return stats;
}

std::expected<void, Error> Runtime::touch(std::string_view id) {
  auto s = core_->lookup(id);
  if (!s) return std::unexpected(make_error(Errc::session_not_found, std::string(id)));
  core_->touch(*s);
  return {};
}

std::vector<std::expected<void, Error>> Runtime::start_many(const std::vector<std::string>& ids,
                                                            std::string_view session_type) {
  std::vector<std::expected<void, Error>> out;
  out.reserve(ids.size());
  for (const auto& id : ids) out.push_back(start(id, session_type));
  return out;
}

std::vector<std::expected<void, Error>> Runtime::terminate_many(
    const std::vector<std::string>& ids) {
  std::vector<std::expected<void, Error>> out;
  out.reserve(ids.size());
  for (const auto& id : ids) out.push_back(terminate(id));
  return out;
}

std::expected<std::size_t, Error> Runtime::broadcast(ActionType type, Value payload,
                                                     std::string_view session_type) {
  Action action{std::move(type), std::move(payload), Value()};
  if (auto ok = validate_action(action); !ok) return std::unexpected(ok.error());
  std::size_t n = 0;
  core_->registry.for_each([&](const std::shared_ptr<Session>& s) {
    if (!session_type.empty() && s->type_name() != session_type) return;
    core_->cast_into(s, action, nullptr);
    ++n;
  });
  return n;
}

std::expected<std::vector<std::string>, Error> Runtime::find_sessions(
    std::string_view regex) const {
  std::regex re;
  try {
    re = std::regex(regex.begin(), regex.end(), std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return std::unexpected(make_error(Errc::invalid_argument, {},
                                      std::string("invalid regular expression: ") + e.what()));
  }
  std::vector<std::string> out;
  core_->registry.for_each([&](const std::shared_ptr<Session>& s) {
    if (std::regex_match(s->id(), re)) out.push_back(s->id());
  });
  std::sort(out.begin(), out.end());
  return out;
}

Health Runtime::health() const {
  Health h;
  core_->registry.for_each([&](const std::shared_ptr<Session>& s) {
    ++h.running;
    if (s->faulted()) ++h.faulted;
  });
  return h;
}

std::expected<void, Error> Runtime::register_effect(std::string name, EffectFn fn,
                                                    EffectOptions options) {
  if (!fn)
    return std::unexpected(make_error(Errc::invalid_argument, {}, "the effect function is empty"));
  return core_->effects.add(std::move(name), std::move(fn), nullptr,
                            options.timeout.value_or(core_->config.effect_timeout));
}

std::expected<void, Error> Runtime::register_async_effect(std::string name, AsyncEffectFn fn,
                                                          EffectOptions options) {
  if (!fn)
    return std::unexpected(make_error(Errc::invalid_argument, {}, "the effect function is empty"));
  return core_->effects.add(std::move(name), nullptr, std::move(fn),
                            options.timeout.value_or(core_->config.effect_timeout));
}

std::expected<void, Error> Runtime::attach(std::string handler_id,
                                           const std::vector<std::string>& events,
                                           TelemetryHandler handler) {
  return core_->telemetry.attach(std::move(handler_id), events, std::move(handler));
}

bool Runtime::detach(std::string_view handler_id) {
  return core_->telemetry.detach(handler_id);
}

void Runtime::poll_timers() {
  core_->poll_timers();
}

}  // namespace sessproc
