// ir_test.cpp: lowering to the IR and its text form.
#include <doctest/doctest.h>

#include <string>

#include "compiler/driver/compilation.h"
#include "compiler/ir/lower.h"
#include "compiler/ir/print.h"
#include "compiler/ir/state_writes.h"

namespace sessproc::ir {
namespace {

// Compiles one file (which must check cleanly) and lowers it.
Module lower_text(const std::string& text, driver::Compilation& compilation) {
  compilation.add("t.reducer", text);
  REQUIRE(compilation.check());
  return lower(compilation.program(), *compilation.checked(), compilation.sources());
}

const Function& function_named(const Module& module, const std::string& name) {
  for (const auto& f : module.functions) {
    if (f.name == name) return f;
  }
  FAIL("no function " << name);
  return module.functions.front();
}

bool has_op(const Function& f, Op op) {
  for (const auto& inst : f.code) {
    if (inst.op == op) return true;
  }
  return false;
}

constexpr const char* kCounter = R"(
reducer counter {
  state { count: int = 0; step: int = 1; ratio: float = 0.5; }
  on "increment" { count += step; }
  on "add"(n: int) when n > 0 { count = count / n; }
  on "scale"(f: float) { ratio = ratio * f + count; }
  query "double" -> int { return count * 2; }
}
)";

TEST_CASE("every opcode has a text, operands and a comment") {
  for (int op = 0; op <= static_cast<int>(Op::Unhandled); ++op) {
    const OpInfo& info = op_info(static_cast<Op>(op));
    CHECK(std::string(info.text).size() > 0);
    CHECK(std::string(info.doc).size() > 0);
  }
}

TEST_CASE("state reads and writes are explicit, arithmetic is typed and located") {
  driver::Compilation compilation;
  Module module = lower_text(kCounter, compilation);
  REQUIRE(module.slices.size() == 1);
  const Slice& slice = module.slices[0];
  CHECK(slice.name == "counter");
  CHECK(slice.prefix == "counter");
  REQUIRE(slice.on.size() == 3);
  const Function& inc = module.functions[slice.on[0].function];
  REQUIRE(inc.code.size() == 5);
  CHECK(inc.code[0].op == Op::LoadState);
  CHECK(inc.code[2].op == Op::AddInt);
  CHECK(inc.code[2].loc != kNone);
  CHECK(module.locations[inc.code[2].loc].text() == "t.reducer:4:20");
  CHECK(inc.code[3].op == Op::StoreState);
  CHECK(inc.code[4].op == Op::Return);
}

TEST_CASE("a guard lowers to a conditional jump over `unhandled`") {
  driver::Compilation compilation;
  Module module = lower_text(kCounter, compilation);
  const Function& add = function_named(module, "counter.on \"add\"");
  CHECK(add.params == 1);
  CHECK(has_op(add, Op::JumpIf));
  CHECK(has_op(add, Op::Unhandled));
  CHECK(has_op(add, Op::DivInt));
}

TEST_CASE("an int is widened before float arithmetic") {
  driver::Compilation compilation;
  Module module = lower_text(kCounter, compilation);
  const Function& scale = function_named(module, "counter.on \"scale\"");
  CHECK(has_op(scale, Op::IntToFloat));
  CHECK(has_op(scale, Op::MulFloat));
  CHECK(has_op(scale, Op::AddFloat));
  CHECK_FALSE(has_op(scale, Op::AddInt));
}

TEST_CASE("the text form lists tables and functions") {
  driver::Compilation compilation;
  Module module = lower_text(kCounter, compilation);
  std::string text = print_module(module);
  CHECK(text.find("slice 0 counter prefix \"counter\"") != std::string::npos);
  CHECK(text.find("query \"double\" -> int") != std::string::npos);
  CHECK(text.find("int.add r0, r1, r2  ; t.reducer:4:20") != std::string::npos);
  CHECK(text.find("session default (implicit): counter") != std::string::npos);
  CHECK(print_module(module) == text);  // stable
}

TEST_CASE("fns come first so that call.fn names the checker's fn index") {
  driver::Compilation compilation;
  Module module = lower_text(R"(
fn twice(n: int) -> int { return n * 2; }
reducer r {
  state { v: int = 0; }
  fn add_v(n: int) -> int { return n + v; }
  on "go" { v = twice(add_v(1)); }
}
)",
                             compilation);
  CHECK(module.functions[0].name == "fn twice");
  CHECK(module.functions[1].name == "fn r.add_v");
  CHECK(module.functions[1].slice == 0u);
  const Function& go = function_named(module, "r.on \"go\"");
  CHECK(has_op(go, Op::CallFn));
}

TEST_CASE("a path assignment reads down and writes back up the path") {
  driver::Compilation compilation;
  Module module = lower_text(R"(
reducer r {
  state { items: list<{ qty: int }> = []; }
  on "set"(i: int) { items[i].qty = 3; }
}
)",
                             compilation);
  const Function& set = function_named(module, "r.on \"set\"");
  std::string ops;
  for (const auto& inst : set.code) ops += std::string(op_info(inst.op).text) + " ";
  CHECK(ops.find("state.get list.get field.set list.set state.set") != std::string::npos);
}

TEST_CASE("async handlers, effects, dispatch and init are lowered") {
  driver::Compilation compilation;
  Module module = lower_text(R"(
effect users.get(id: int) -> { id: int, name: string };
reducer user {
  state { name: string = ""; }
  on "named"(n: string) { name = n; }
  async latest "fetch"(id: int) {
    let u = await users.get(id);
    dispatch "user.named"(u.name);
  }
}
session app {
  reducers user;
  init(args: { name: string }) { user.name = args.name; }
}
)",
                             compilation);
  const Function& fetch = function_named(module, "user.async \"fetch\"");
  CHECK(has_op(fetch, Op::Await));
  CHECK(has_op(fetch, Op::Dispatch));
  CHECK(module.slices[0].async[0].policy == AsyncPolicy::Latest);
  REQUIRE(module.sessions.size() == 1);
  REQUIRE(module.sessions[0].init.has_value());
  CHECK(has_op(module.functions[*module.sessions[0].init], Op::StoreSlice));
  CHECK(module.effects.back().path == "users.get");
}

// Which handlers may change the state in place without a log of what they overwrote.
TEST_CASE("state writes are final unless something can stop the function after one") {
  driver::Compilation compilation;
  Module module = lower_text(R"(
reducer r {
  state { count: int = 0; xs: list<int> = []; name: string = ""; }
  on "inc" { count += 1; }
  on "fault_first"(n: int) { count = 100 / n; }
  on "fault_after"(n: int) { count = 1; count = 100 / n; }
  on "builtin_after"(n: int) { count = n; xs = append(xs, n); }
  on "guarded"(n: int) when n > 0 { count = n; }
  on "loop"(n: int) { for x in xs { count += x; } }
  on "concat_after"(s: string) { count = 1; name = name + s; }
  on "read_only" { let x = count; }
}
)",
                             compilation);
  auto final_writes = [&](const std::string& type) {
    return state_writes_are_final(function_named(module, "r.on \"" + type + "\""));
  };
  CHECK(final_writes("inc"));
  CHECK(final_writes("fault_first"));  // the division faults before the write
  CHECK_FALSE(final_writes("fault_after"));
  CHECK_FALSE(final_writes("builtin_after"));
  CHECK(final_writes("concat_after"));  // concatenation cannot fail
  CHECK(final_writes("read_only"));
  CHECK_FALSE(final_writes("loop"));  // a backward jump: order says nothing
  // The guard's `unhandled` comes before or after the body; either answer is safe, but a
  // guard placed after the write must not be called final.
  const Function& guarded = function_named(module, "r.on \"guarded\"");
  std::size_t first_write = guarded.code.size();
  std::size_t unhandled = 0;
  for (std::size_t i = 0; i < guarded.code.size(); ++i) {
    if (guarded.code[i].op == Op::StoreState && first_write == guarded.code.size()) first_write = i;
    if (guarded.code[i].op == Op::Unhandled) unhandled = i;
  }
  CHECK(state_writes_are_final(guarded) == (unhandled < first_write));
}

}  // namespace
}  // namespace sessproc::ir
