// runtime/router.cpp: the routing rules.
#include "runtime/router.h"

#include <algorithm>

#include <fmt/format.h>

#include "runtime/module_plan.h"

namespace sessproc {

namespace {
Error bad(std::string reason) {
  return make_error(Errc::invalid_action, {}, std::move(reason));
}
}  // namespace

std::expected<void, Error> ActionRouter::route(const TypePlan& plan, const Action& action,
                                               RouteTargets& out) {
  out.clear();
  const std::string_view type = action.type;
  if (type.empty()) return std::unexpected(bad("the action type is empty"));
  if (action.meta.is_null() || (action.meta.is_object() && action.meta.empty())) {
    if (auto cached = plan.routes.find(type); cached != plan.routes.end()) {
      for (const CachedTarget& t : cached->second.targets) {
        out.push_back({t.pos, type.substr(t.strip), t.handler});
      }
      out.set_type_number(cached->second.type_number);
      return {};
    }
  }
  const auto npos = static_cast<std::uint32_t>(plan.slices.size());

  // Most actions carry no meta: skip both lookups then.
  const Value* reducers = nullptr;
  const Value* reducer_prefix = nullptr;
  if (action.meta.is_object() && !action.meta.empty()) {
    if (auto it = action.meta.find("reducers"); it != action.meta.end()) reducers = &*it;
    if (auto it = action.meta.find("reducer_prefix"); it != action.meta.end())
      reducer_prefix = &*it;
  }

  if (reducers && reducers->is_array()) {
    std::vector<bool> wanted(npos, false);
    for (const auto& name : *reducers) {
      if (!name.is_string())
        return std::unexpected(bad("meta.reducers must be a list of slice names"));
      auto found = plan.by_name.find(name.get_ref<const std::string&>());
      if (found == plan.by_name.end()) {
        return std::unexpected(bad(fmt::format("meta.reducers names no slice of this session: {}",
                                               name.get_ref<const std::string&>())));
      }
      wanted[found->second] = true;
    }
    for (std::uint32_t pos = 0; pos < npos; ++pos) {
      if (wanted[pos]) out.push_back({pos, type});
    }
    return {};
  }

  std::string_view prefix;
  if (reducer_prefix) {
    if (!reducer_prefix->is_string() || reducer_prefix->get_ref<const std::string&>().empty()) {
      return std::unexpected(bad("meta.reducer_prefix must be a non-empty string"));
    }
    prefix = reducer_prefix->get_ref<const std::string&>();
  } else {
    auto dot = type.find('.');
    if (dot == 0) {
      return std::unexpected(
          bad(fmt::format("the type \"{}\" starts with '.' (an empty prefix)", type)));
    }
    if (dot == std::string_view::npos) {  // dotless: every slice, unchanged
      for (std::uint32_t pos = 0; pos < npos; ++pos) out.push_back({pos, type});
      return {};
    }
    if (dot + 1 == type.size()) {
      return std::unexpected(
          bad(fmt::format("the type \"{}\" has nothing after its prefix", type)));
    }
    prefix = type.substr(0, dot);
  }

  std::string_view stripped = type;
  if (type.size() > prefix.size() && type.starts_with(prefix) && type[prefix.size()] == '.') {
    stripped = type.substr(prefix.size() + 1);
  }
  auto matched = plan.by_prefix.find(prefix);
  const std::vector<std::uint32_t>* prefixed =
      matched == plan.by_prefix.end() ? nullptr : &matched->second;
  // Merge the prefixed slices and the catch-alls in declared order.
  std::size_t i = 0, j = 0;
  const std::size_t ni = prefixed ? prefixed->size() : 0, nj = plan.catch_all.size();
  while (i < ni || j < nj) {
    if (j == nj || (i < ni && (*prefixed)[i] < plan.catch_all[j])) {
      out.push_back({(*prefixed)[i++], stripped});
    } else {
      out.push_back({plan.catch_all[j++], type});
    }
  }
  return {};
}

SmallStringMap<CachedRoute> ActionRouter::resolve(const TypePlan& plan, ActionTypeNames* names) {
  SmallStringMap<CachedRoute> routes;
  auto add = [&](std::string type) {
    if (routes.contains(type)) return;
    const Action action{type, Value(), Value()};
    RouteTargets targets;
    if (!route(plan, action, targets)) return;  // an invalid type keeps its error, uncached
    std::vector<CachedTarget> kept;
    for (const RouteTarget& t : targets) {
      if (const HandlerInfo* h = plan.handler(t.pos, t.type)) {
        kept.push_back({t.pos, static_cast<std::uint32_t>(type.size() - t.type.size()), h});
      }
    }
    const std::uint32_t number = names ? names->intern(type) : ActionTypeNames::kNone;
    routes.emplace(std::move(type), CachedRoute{number, std::move(kept)});
  };
  for (std::uint32_t pos = 0; pos < plan.slices.size(); ++pos) {
    const SlicePlan& slice = plan.slice(pos);
    for (const auto& [handled, info] : slice.handlers) {
      if (slice.prefix) add(fmt::format("{}.{}", *slice.prefix, handled));
      add(handled);  // a catch-all's type, or a dotless type that every slice sees
    }
  }
  return routes;
}

}  // namespace sessproc
