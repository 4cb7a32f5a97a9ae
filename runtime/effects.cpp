// runtime/effects.cpp: the effect table.
#include "runtime/effects.h"

#include <mutex>

#include <fmt/format.h>

namespace sessproc {

std::expected<void, Error> Effects::add(std::string name, EffectFn sync, AsyncEffectFn async,
                                        std::chrono::milliseconds timeout) {
  if (name.empty())
    return std::unexpected(make_error(Errc::invalid_argument, {}, "an effect needs a name"));
  if (!sync && !async) {
    return std::unexpected(
        make_error(Errc::invalid_argument, {}, fmt::format("effect {} has no function", name)));
  }
  std::unique_lock lock(mu_);
  if (entries_.contains(name)) {
    return std::unexpected(make_error(Errc::invalid_argument, {},
                                      fmt::format("effect {} is already registered", name)));
  }
  auto entry =
      std::make_shared<const Entry>(Entry{name, std::move(sync), std::move(async), timeout});
  entries_.emplace(std::move(name), std::move(entry));
  return {};
}

std::shared_ptr<const Effects::Entry> Effects::find(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : it->second;
}

}  // namespace sessproc
