// runtime/action.cpp: validation of actions at the API boundary.
#include "runtime/action.h"

#include <fmt/format.h>

namespace sessproc {

namespace {
Error bad(std::string reason) {
  return make_error(Errc::invalid_action, {}, std::move(reason));
}
}  // namespace

std::expected<void, Error> validate_action(Action& action) {
  if (action.type.empty()) return std::unexpected(bad("the action type is empty"));
  if (action.meta.is_null()) return {};
  if (!action.meta.is_object()) {
    return std::unexpected(bad(fmt::format("meta must be a map, got {}", kind_name(action.meta))));
  }
  if (auto it = action.meta.find("reducers"); it != action.meta.end()) {
    if (!it->is_array()) return std::unexpected(bad("meta.reducers must be a list of slice names"));
    for (const auto& name : *it) {
      if (!name.is_string() || name.get_ref<const std::string&>().empty()) {
        return std::unexpected(bad("meta.reducers must be a list of slice names"));
      }
    }
  }
  if (auto it = action.meta.find("reducer_prefix"); it != action.meta.end()) {
    if (!it->is_string()) return std::unexpected(bad("meta.reducer_prefix must be a string"));
    if (it->get_ref<const std::string&>().empty()) {
      return std::unexpected(bad("meta.reducer_prefix is empty"));
    }
  }
  return {};
}

std::expected<Action, Error> action_from_json(const Value& json) {
  if (!json.is_object()) {
    return std::unexpected(bad(fmt::format("an action must be a map, got {}", kind_name(json))));
  }
  auto type = json.find("type");
  if (type == json.end()) return std::unexpected(bad("the action has no type"));
  if (!type->is_string()) {
    return std::unexpected(
        bad(fmt::format("the action type must be a string, got {}", kind_name(*type))));
  }
  Action action{type->get<std::string>(), json.value("payload", Value()), Value()};
  if (auto meta = json.find("meta"); meta != json.end()) action.meta = *meta;
  if (auto ok = validate_action(action); !ok) return std::unexpected(ok.error());
  return action;
}

Value to_json(const Action& action) {
  return Value{{"type", action.type},
               {"payload", action.payload},
               {"meta", action.meta.is_null() ? Value::object() : action.meta}};
}

}  // namespace sessproc
