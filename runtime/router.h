// runtime/router.h: ActionRouter, which slices of a session receive an action, and as what type.
//
// Design decision: routing is a pure function of the session type's plan and the action, so it
// is tested alone and the session only iterates its result. The rules (RUNTIME.md): meta.reducers
// names slices exactly (type unchanged); otherwise the routing prefix is meta.reducer_prefix or
// the text before the first '.', a dotless type going to every slice unchanged; a slice with
// that prefix sees the type with "prefix." stripped, a catch-all sees it unchanged; order is
// the session's declared slice order. A type starting with '.', or with nothing after the
// prefix, is an `invalid_action`, never a crash.
#pragma once

#include <cstdint>
#include <expected>
#include <string_view>
#include <vector>

#include "runtime/action.h"
#include "runtime/error.h"

namespace sessproc {

struct TypePlan;

struct RouteTarget {
  std::uint32_t pos;      // position of the slice in the session type
  std::string_view type;  // the type this slice sees (a view into the action)
};

class ActionRouter {
 public:
  // Fills `out` (cleared first) with the targets in declared order.
  static std::expected<void, Error> route(const TypePlan& type, const Action& action,
                                          std::vector<RouteTarget>& out);
};

}  // namespace sessproc
