// examples/native/shop.h: the counter and user slices of LANGUAGE.md's complete program,
// written by hand in C++ against the runtime's module interface (runtime/native.h).
//
// This is what `use Phoenix.SessionProcess, :reducer` looks like in C++: a state struct, a
// Slice<S> with its handlers, and a session type assembling slices. The runtime's tests use
// these same reducers, so this file is compiled and exercised on every test run.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/native.h"

namespace shop {

using sessproc::Value;
using namespace std::chrono_literals;

// reducer counter { prefix "counter"; state { count: int = 0; step: int = 1; history: list<int> =
// []; } }
struct Counter {
  std::int64_t count = 0;
  std::int64_t step = 1;
  std::vector<std::int64_t> history;
  bool operator==(const Counter&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Counter, count, step, history)

// { id: int, name: string }
struct UserRecord {
  std::int64_t id = 0;
  std::string name;
  bool operator==(const UserRecord&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(UserRecord, id, name)

// reducer user { state { current_user: {...}? = nil; preferences: map<string> = {}; loading: bool =
// false; } } plus what the elided bodies of "search" and "ping" keep: the last query and a ping
// count.
struct User {
  std::optional<UserRecord> current_user;
  std::map<std::string, std::string> preferences;
  bool loading = false;
  std::string last_search;
  std::int64_t pings = 0;
  bool operator==(const User&) const = default;
};

inline void to_json(Value& j, const User& u) {
  j = Value{{"current_user", u.current_user ? Value(*u.current_user) : Value()},
            {"preferences", u.preferences},
            {"loading", u.loading},
            {"last_search", u.last_search},
            {"pings", u.pings}};
}
inline void from_json(const Value& j, User& u) {
  const auto& cu = j.at("current_user");
  u.current_user = cu.is_null() ? std::nullopt : std::optional<UserRecord>(cu.get<UserRecord>());
  u.preferences = j.at("preferences").get<std::map<std::string, std::string>>();
  u.loading = j.at("loading").get<bool>();
  u.last_search = j.value("last_search", "");
  u.pings = j.value("pings", std::int64_t{0});
}

// Checked arithmetic: overflow is a fault of the action, as in the language.
inline std::int64_t add_checked(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) throw sessproc::native::Fault("integer overflow");
  return r;
}

inline sessproc::native::Slice<Counter> counter_slice() {
  sessproc::native::Slice<Counter> counter("counter");
  counter.prefix("counter")
      .on("increment", [](Counter& s) { s.count = add_checked(s.count, s.step); })
      .on<std::int64_t>("set", [](Counter& s, std::int64_t value) { s.count = value; })
      .on_when<std::int64_t>(
          "add", [](const Counter&, std::int64_t n) { return n > 0; },
          [](Counter& s, std::int64_t n) {
            s.count = add_checked(s.count, n);
            s.history.push_back(n);
          })
      .on("reset",
          [](Counter& s) {
            s.count = 0;
            s.history.clear();
          })
      .query("double", [](const Counter& s, const Value&) -> Value { return s.count * 2; });
  return counter;
}

// async latest "fetch"(id: int) {
//   dispatch "user.loading"(true); let u = await users.get(id); dispatch "user.set"(u); }
// A coroutine: `co_await` is where the runtime may cancel it. (No braced initializer lists in
// a coroutine body: GCC 12 rejects them with "array used as initializer".)
inline sessproc::native::AsyncTaskCoro fetch_user(sessproc::native::AsyncCtx& ctx, User,
                                                  std::int64_t id) {
  ctx.dispatch("user.loading", true);
  Value args = Value::array();
  args.push_back(id);
  Value u = co_await ctx.effect("users.get", std::move(args));
  ctx.dispatch("user.set", std::move(u));
}

inline sessproc::native::Slice<User> user_slice() {
  using sessproc::AsyncPolicy;
  sessproc::native::Slice<User> user("user");
  user.prefix("user")
      .on<UserRecord>("set",
                      [](User& s, const UserRecord& u) {
                        s.current_user = u;
                        s.loading = false;
                      })
      .on<std::map<std::string, std::string>>(
          "update_preferences",
          [](User& s, const std::map<std::string, std::string>& p) {
            for (const auto& [k, v] : p) s.preferences[k] = v;
          })
      .on<std::string>("search", [](User& s, const std::string& q) { s.last_search = q; })
      .debounce(300ms)
      .on("ping", [](User& s) { s.pings += 1; })
      .throttle(1s)
      // async latest "fetch"(id: int) { dispatch "user.loading"(true); let u = await
      // users.get(id); dispatch "user.set"(u); }
      .async<std::int64_t>(AsyncPolicy::latest, "fetch", &fetch_user)
      .on<bool>("loading", [](User& s, bool v) { s.loading = v; });
  return user;
}

// session app { reducers counter, user; ttl 30m; init(args: { start: int? }) { counter.count =
// args.start ?? 0; } }
inline std::shared_ptr<const sessproc::Module> make_module() {
  sessproc::native::ModuleBuilder builder("shop");
  builder.slice(counter_slice()).slice(user_slice());
  builder.session("app", {"counter", "user"}, std::chrono::minutes(30),
                  [](const Value& args, sessproc::native::InitState& state) {
                    std::int64_t start = 0;
                    if (args.is_object() && args.contains("start") && !args["start"].is_null()) {
                      auto v = sessproc::native::decode<std::int64_t>(args["start"]);
                      if (!v) throw sessproc::native::Fault("args.start: " + v.error());
                      start = *v;
                    }
                    state.update<Counter>("counter", [&](Counter& c) { c.count = start; });
                  });
  return builder.build().value();
}

}  // namespace shop
