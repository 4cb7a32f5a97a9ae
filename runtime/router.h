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
#include <initializer_list>
#include <string_view>
#include <vector>

#include "runtime/action.h"
#include "runtime/action_type_names.h"
#include "runtime/error.h"
#include "runtime/small_string_map.h"

namespace sessproc {

struct TypePlan;

struct HandlerInfo;

struct RouteTarget {
  std::uint32_t pos;      // position of the slice in the session type
  std::string_view type;  // the type this slice sees (a view into the action)
  // The slice's handler of `type`, when routing already knows it (a cached route); null:
  // look it up (TypePlan::handler), which may find none.
  const HandlerInfo* handler = nullptr;
};

// A route resolved once per load (TypePlan::routes): a slice that handles the type, how many
// bytes of the action's type to skip for the type it sees ("prefix." or none), and its handler.
struct CachedTarget {
  std::uint32_t pos;
  std::uint32_t strip;
  const HandlerInfo* handler;
};
// The cached route of one type: its targets, and the type's number for the history.
struct CachedRoute {
  std::uint32_t type_number = ActionTypeNames::kNone;
  std::vector<CachedTarget> targets;
};

// The targets of one action: up to 8 inline (no allocation per action), more on the heap.
class RouteTargets {
 public:
  static constexpr std::size_t kInline = 8;
  RouteTargets() = default;
  RouteTargets(std::initializer_list<RouteTarget> init) {
    for (const auto& t : init) push_back(t);
  }
  RouteTargets(const RouteTargets&) = delete;
  RouteTargets& operator=(const RouteTargets&) = delete;
  void push_back(RouteTarget t) {
    if (heap_.empty() && size_ < kInline) {
      inline_[size_++] = t;
      return;
    }
    if (heap_.empty()) heap_.assign(inline_, inline_ + size_);
    heap_.push_back(t);
    ++size_;
  }
  void clear() {
    size_ = 0;
    heap_.clear();
    type_number_ = ActionTypeNames::kNone;
  }
  // The action type's number (ActionTypeNames) when its route was cached, else kNone.
  std::uint32_t type_number() const { return type_number_; }
  void set_type_number(std::uint32_t number) { type_number_ = number; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const RouteTarget* begin() const { return heap_.empty() ? inline_ : heap_.data(); }
  const RouteTarget* end() const { return begin() + size_; }
  const RouteTarget& operator[](std::size_t i) const { return begin()[i]; }

 private:
  RouteTarget inline_[kInline];
  std::vector<RouteTarget> heap_;
  std::size_t size_ = 0;
  std::uint32_t type_number_ = ActionTypeNames::kNone;
};

class ActionRouter {
 public:
  // Fills `out` (cleared first) with the targets in declared order. An action without meta
  // whose type some slice handles takes its route from `type.routes`, with the handlers:
  // one lookup instead of a prefix split, a prefix lookup and a handler lookup per slice.
  static std::expected<void, Error> route(const TypePlan& type, const Action& action,
                                          RouteTargets& out);
  // The routes `route` caches: every type some slice of `type` handles, written as an action
  // without meta would carry it ("prefix.type", or the bare type that a catch-all slice or
  // every slice sees), routed by the rules above once, keeping the slices that handle it.
  // Each type gets its number in `names`, if given.
  static SmallStringMap<CachedRoute> resolve(const TypePlan& type, ActionTypeNames* names);
};

}  // namespace sessproc
