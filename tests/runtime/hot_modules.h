// tests/runtime/hot_modules.h: versions of one module ("hot") for the hot-loading tests.
//
// v1: session "c" = {counter, side}; counter {count: int, note: string}; `inc` adds 1.
// v2: session "c" = {extra, counter}: side removed, extra added, counter moved; counter
//     {count: int, label: string} (note removed, label added); `inc` adds 10.
// Both: `add`(int), `set`(int) debounced 100 ms, `mark`(string) records who dispatched it,
// and an async `slow` (latest) that awaits the effect "test.wait" and then dispatches `counter.inc`
// and `counter.mark` with its own version's name. `picky` is v2 whose from_json refuses a
// count above 100; `retyped` changes count to a string; `other_types` drops session "c".
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "runtime/native.h"

namespace sessproc::test::hot {

using namespace std::chrono_literals;

struct V1 {
  std::int64_t count = 0;
  std::string note = "n1";
  bool operator==(const V1&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(V1, count, note)

struct V2 {
  std::int64_t count = 0;
  std::string label = "fresh";
  bool operator==(const V2&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(V2, count, label)

// V2 whose from_json refuses a count above 100 (a state the new version cannot read).
struct Picky {
  std::int64_t count = 0;
  std::string label = "fresh";
  bool operator==(const Picky&) const = default;
};
inline void to_json(Value& j, const Picky& p) {
  j = Value{{"count", p.count}, {"label", p.label}};
}
inline void from_json(const Value& j, Picky& p) {
  p.count = j.at("count").get<std::int64_t>();
  p.label = j.at("label").get<std::string>();
  if (p.count > 100) throw std::runtime_error("count above 100");
}

struct Retyped {
  std::string count;
  bool operator==(const Retyped&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Retyped, count)

struct Side {
  std::int64_t n = 0;
  bool operator==(const Side&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Side, n)

struct Extra {
  std::int64_t x = 7;
  bool operator==(const Extra&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Extra, x)

template <class S>
native::AsyncTaskCoro slow_task(native::AsyncCtx& ctx, S, std::string who) {
  co_await ctx.effect("test.wait");
  ctx.dispatch("counter.inc");
  ctx.dispatch("counter.mark", who);
}

// The handlers both versions share; `step` is what `inc` adds, `who` names the version.
template <class S>
native::Slice<S> counter(std::int64_t step, std::string who) {
  native::Slice<S> s("counter");
  s.on("inc", [step](S& c) { c.count += step; })
      .template on<std::int64_t>("add", [](S& c, std::int64_t n) { c.count += n; })
      .template on<std::int64_t>("set", [](S& c, std::int64_t n) { c.count = n; })
      .debounce(100ms)
      .async(AsyncPolicy::latest, "slow",
             [who](native::AsyncCtx& ctx, S state) { return slow_task(ctx, state, who); });
  return s;
}

inline native::Slice<Side> side() {
  native::Slice<Side> s("side");
  s.field("n", "int").on("bump", [](Side& x) { ++x.n; });
  return s;
}

inline native::Slice<Extra> extra() {
  native::Slice<Extra> s("extra");
  s.field("x", "int");
  return s;
}

inline std::shared_ptr<const Module> v1(std::string version = "v1") {
  auto c = counter<V1>(1, "v1");
  c.field("count", "int")
      .field("note", "string")
      .on<std::string>("mark", [](V1& v, const std::string& who) { v.note = who; });
  native::ModuleBuilder b("hot", std::move(version));
  b.slice(c).slice(side()).session("c", {"counter", "side"});
  return b.build().value();
}

template <class S = V2>
std::shared_ptr<const Module> v2(std::string version = "v2") {
  auto c = counter<S>(10, "v2");
  c.field("count", "int")
      .field("label", "string")
      .template on<std::string>("mark", [](S& v, const std::string& who) { v.label = who; });
  native::ModuleBuilder b("hot", std::move(version));
  b.slice(c).slice(extra()).session("c", {"extra", "counter"});
  return b.build().value();
}

inline std::shared_ptr<const Module> picky() {
  return v2<Picky>("picky");
}

inline std::shared_ptr<const Module> retyped() {
  native::Slice<Retyped> c("counter");
  c.field("count", "string");
  native::ModuleBuilder b("hot", "retyped");
  b.slice(c).slice(side()).session("c", {"counter", "side"});
  return b.build().value();
}

inline std::shared_ptr<const Module> other_types() {
  native::ModuleBuilder b("hot", "other");
  b.slice(side()).session("d", {"side"});
  return b.build().value();
}

}  // namespace sessproc::test::hot
