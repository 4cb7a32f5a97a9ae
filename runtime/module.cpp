// runtime/module.cpp: default implementations of the optional parts of Module.
#include "runtime/module.h"

#include <charconv>

#include <fmt/format.h>

namespace sessproc {

std::expected<void, Error> Module::init(std::size_t, const Value&, std::span<SliceState>) const {
  return {};
}

std::expected<Value, Error> Module::query(std::size_t, const SliceState&, std::string_view name,
                                          const Value&) const {
  return std::unexpected(make_error(Errc::unknown_query, std::string(name)));
}

std::expected<std::unique_ptr<AsyncRun>, Error> Module::start_async(std::size_t,
                                                                    std::string_view type,
                                                                    const Action&,
                                                                    const SliceState&) const {
  return std::unexpected(
      make_error(Errc::invalid_module, {}, fmt::format("no async handler for {}", type)));
}

std::expected<SliceState, Error> Module::from_json(std::size_t, const Value&) const {
  return std::unexpected(
      make_error(Errc::invalid_module, {}, "this module cannot read state from JSON"));
}

std::expected<Value, Error> Module::select(std::size_t slice, const SliceState& state,
                                           std::string_view path) const {
  return select_path(to_json(slice, state), path);
}

std::expected<Value, Error> select_path(const Value& root, std::string_view path) {
  const Value* cur = &root;
  std::string_view rest = path;
  while (!rest.empty()) {
    auto dot = rest.find('.');
    std::string_view key = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    if (key.empty()) {
      return std::unexpected(
          make_error(Errc::invalid_selector, std::string(path), "empty segment"));
    }
    if (cur->is_object()) {
      auto it = cur->find(key);
      if (it == cur->end()) {
        return std::unexpected(
            make_error(Errc::invalid_selector, std::string(path), fmt::format("no field {}", key)));
      }
      cur = &*it;
    } else if (cur->is_array()) {
      std::size_t index = 0;
      auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc() || p != key.data() + key.size() || index >= cur->size()) {
        return std::unexpected(make_error(Errc::invalid_selector, std::string(path),
                                          fmt::format("no element {}", key)));
      }
      cur = &(*cur)[index];
    } else {
      // A missing optional (nil) selects nil rather than failing.
      if (cur->is_null()) return Value();
      return std::unexpected(make_error(Errc::invalid_selector, std::string(path),
                                        fmt::format("{} has no field {}", kind_name(*cur), key)));
    }
  }
  return *cur;
}

}  // namespace sessproc
