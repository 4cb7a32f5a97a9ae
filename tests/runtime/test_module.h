// tests/runtime/test_module.h: a module made for routing and atomicity tests.
//
// Slices (session "t", in this order): "a" (prefix a), "b" (prefix b), "all" (catch-all),
// "math" (prefix math). Recording slices append the type they saw to `seen`.
#pragma once

#include <string>
#include <vector>

#include "runtime/native.h"

namespace sessproc::test {

struct Rec {
  std::vector<std::string> seen;
  bool operator==(const Rec&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Rec, seen)

struct Math {
  std::int64_t v = 0;
  bool operator==(const Math&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Math, v)

inline native::Slice<Rec> recorder(std::string name, std::vector<std::string> types) {
  native::Slice<Rec> s(name);
  for (const auto& t : types) s.on(t, [t](Rec& r) { r.seen.push_back(t); });
  return s;
}

inline std::shared_ptr<const Module> make_test_module() {
  auto all = recorder("all", {"x", "a.x", "b.x", "c.x", "ping", "boom", "a.only_all"});
  all.catch_all();
  native::Slice<Math> math("math");
  math.on<std::int64_t>("set", [](Math& m, std::int64_t v) { m.v = v; })
      .on<std::int64_t>("div",
                        [](Math& m, std::int64_t d) {
                          if (d == 0) throw native::Fault("division by zero");
                          m.v /= d;
                        })
      .on("boom", [](Math&) { throw native::Fault("boom"); })
      .on("same", [](Math&) {})
      .query("half", [](const Math& m, const Value&) -> Value { return m.v / 2; })
      .query("explode",
             [](const Math&, const Value&) -> Value { throw native::Fault("query fault"); });
  native::ModuleBuilder b("routing");
  b.slice(recorder("a", {"x", "ping", "boom", "set"}))
      .slice(recorder("b", {"x", "ping"}))
      .slice(all)
      .slice(math)
      .session("t", {"a", "b", "all", "math"})
      .session("t2", {"math", "a"});
  return b.build().value();
}

}  // namespace sessproc::test
