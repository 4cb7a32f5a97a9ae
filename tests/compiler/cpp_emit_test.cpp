// cpp_emit_test.cpp: C++ emission (compiler/cpp/): spellings, emitted text, and the header-only
// support module that emitted code instantiates (run here over hand-written functions).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "compiler/cpp/emit.h"
#include "compiler/cpp/literals.h"
#include "compiler/cpp/support_module.h"
#include "compiler/driver/build_command.h"
#include "compiler/driver/compilation.h"
#include "compiler/ir/lower.h"

namespace sessproc::cpp {
namespace {

ir::Module lower_text(const std::string& text) {
  driver::Compilation compilation;
  compilation.add("t.reducer", text);
  REQUIRE(compilation.check());
  return ir::lower(compilation.program(), *compilation.checked(), compilation.sources());
}

TEST_CASE("cpp: string literals keep every byte and never form escapes by accident") {
  CHECK(string_literal("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"");
  CHECK(string_literal("\x01"
                       "7") == "\"\\0017\"");
  CHECK(string_literal("?"
                       "?=") == "\"\\?\\?=\"");
  CHECK(string_literal("\xc3\xa9") == "\"\\303\\251\"");
}

TEST_CASE("cpp: identifiers are valid C++ and never keywords") {
  CHECK(sanitize("counter.on \"add\"") == "counter_on_add");
  CHECK(sanitize("9lives") == "n9lives");
  CHECK(sanitize("int") == "int_");
  CHECK(sanitize("") == "n");
  CHECK(identifier("my-app") == "my_app");
  CHECK(identifier("stdlib") == "stdlib_program");
  CHECK(factory_symbol("my-app") == "sessproc_module_my_app");
}

TEST_CASE("cpp: constants become C++ expressions") {
  using stdlib::Value;
  CHECK(*value_expression(Value::integer(-3)) == "Value::integer(-3)");
  CHECK(*value_expression(Value::string("x")) == "Value::string(\"x\")");
  CHECK(value_expression(Value::number(0.5))->starts_with("Value::number(0x1p-1"));
  CHECK(*value_expression(Value::list({Value::boolean(true), Value()})) ==
        "Value::list({Value::boolean(true), Value()})");
}

TEST_CASE("cpp: a program becomes one header and one readable source") {
  ir::Module module = lower_text(R"(
reducer counter {
  state { count: int = 0; }
  on "add"(n: int) when n > 0 { count += n; }
  async "later" { await time.sleep(5); dispatch "counter.add"(1); }
  query "double" -> int { return count * 2; }
}
)");
  auto program = emit_program(module, "counter-app");
  REQUIRE(program.has_value());
  CHECK(program->header_name == "counter_app.h");
  CHECK(program->source_name == "counter_app.cpp");
  CHECK(program->header.find("extern \"C\" bool sessproc_module_counter_app(") !=
        std::string::npos);
  CHECK(program->header.find("namespace sessproc::emitted::counter_app {") != std::string::npos);
  const std::string& source = program->source;
  // One function per IR function, named after it; parameters keep their names.
  CHECK(source.find("Outcome counter_on_add(Context& cx, const Value* args) {") !=
        std::string::npos);
  CHECK(source.find("Value& n = r[0];  // parameter") != std::string::npos);
  CHECK(source.find("Outcome counter_async_later(Context& cx, AsyncFrame& frame) {") !=
        std::string::npos);
  // Faults carry their source location; guards end in `unhandled`; awaits are resume points.
  CHECK(source.find("return fault(\"t.reducer:4:") != std::string::npos);
  CHECK(source.find("return unhandled();") != std::string::npos);
  CHECK(source.find("frame.resume_at = ") != std::string::npos);
  CHECK(source.find("slice.queries.push_back({\"double\", counter_query_double") !=
        std::string::npos);
}

TEST_CASE("cpp: the header declares each slice's state as a struct of native members") {
  std::ifstream in(std::string(SESSPROC_SOURCE_DIR) + "/examples/shop/counter.reducer");
  std::stringstream counter;
  counter << in.rdbuf();
  REQUIRE_FALSE(counter.str().empty());
  auto program = emit_program(lower_text(counter.str()), "shop");
  REQUIRE(program.has_value());
  const std::string& header = program->header;
  CHECK(header.find("struct CounterState final : SliceValue {\n"
                    "  std::int64_t count = 0;\n"
                    "  std::int64_t step = 0;\n"
                    "  std::vector<std::int64_t> history;\n") != std::string::npos);
  // Handlers read and write the members; the state is copied on the first write only.
  const std::string& source = program->source;
  CHECK(source.find("to_value(state_of<CounterState>(cx).count);  // count") != std::string::npos);
  CHECK(source.find("mutable_state<CounterState>(cx).count);  // count") != std::string::npos);
  CHECK(source.find("mutable_state<CounterState>(cx).history);  // history") != std::string::npos);
  CHECK(source.find("cx.state->") == std::string::npos);
}

TEST_CASE("cpp: records become nested structs, and only `any` stays a dynamic value") {
  auto program = emit_program(lower_text(R"(
type Line = { sku: string, qty: int, note: string? };
reducer shop {
  state {
    lines: list<Line> = [];
    by_sku: map<Line> = {};
    picked: Line? = nil;
    ratio: float = 0.5;
    open: bool = true;
    raw: any = nil;
    maybe_raw: any? = nil;
    bag: { tags: list<string>, extra: any } = { tags: [], extra: 1 };
    class: int = 0;
  }
  on "pick"(l: Line) { picked = l; lines = append(lines, l); by_sku[l.sku] = l; }
}
session s {
  reducers shop;
  init() { shop.ratio = 2.0; }
}
)"),
                              "native");
  REQUIRE(program.has_value());
  const std::string& header = program->header;
  CHECK(header.find("struct ShopLinesItem {\n"
                    "  std::string sku;\n"
                    "  std::int64_t qty = 0;\n"
                    "  std::optional<std::string> note;\n"
                    "};") != std::string::npos);
  CHECK(header.find("struct ShopBag {\n"
                    "  std::vector<std::string> tags;\n"
                    "  stdlib::Value extra;  // any\n") != std::string::npos);
  CHECK(header.find("  std::vector<ShopLinesItem> lines;") != std::string::npos);
  CHECK(header.find("  std::map<std::string, ShopLinesItem> by_sku;") != std::string::npos);
  CHECK(header.find("  std::optional<ShopLinesItem> picked;") != std::string::npos);
  CHECK(header.find("  double ratio = 0.0;") != std::string::npos);
  CHECK(header.find("  bool open = false;") != std::string::npos);
  CHECK(header.find("  stdlib::Value raw;  // any") != std::string::npos);
  CHECK(header.find("  stdlib::Value maybe_raw;  // any") != std::string::npos);  // any? is any
  CHECK(header.find("  ShopBag bag;") != std::string::npos);
  CHECK(header.find("  std::int64_t class_ = 0;") != std::string::npos);  // never a keyword
  // A session's init writes its slices' members too.
  CHECK(program->source.find("from_value(r[0], mutable_slice<ShopState>(cx, 0).ratio);") !=
        std::string::npos);
  // The type table and the structs share one shape per record type.
  CHECK(program->source.find("ShopLinesItem_shape()}") != std::string::npos);
}

TEST_CASE("cpp: `sessc build` writes NAME.h and NAME.cpp, and nothing for a bad program") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "sessc_cpp_emit_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream(dir / "app.reducer")
        << "reducer c { state { n: int = 0; } on \"inc\" { n += 1; } }\n";
    std::ofstream(dir / "bad.reducer") << "reducer c { state { n: int = \"x\"; } }\n";
  }
  std::ostringstream out, err;
  driver::Streams streams{out, err};
  driver::BuildCommand build;
  build.files = {(dir / "app.reducer").string()};
  build.output_dir = (dir / "out").string();
  CHECK(driver::run_build(build, streams) == driver::kExitClean);
  CHECK(fs::exists(dir / "out" / "app.h"));
  CHECK(fs::exists(dir / "out" / "app.cpp"));
  build.files = {(dir / "bad.reducer").string()};
  build.output_dir = (dir / "out2").string();
  CHECK(driver::run_build(build, streams) == driver::kExitErrors);
  CHECK_FALSE(fs::exists(dir / "out2"));
  fs::remove_all(dir);
}

// ----- the support module, over hand-written functions in the emitted style ------------------

using emitted::Context;
using emitted::Outcome;
using stdlib::Value;

// What `sessc build` declares for `reducer counter { state { count: int = 0; } }`.
struct CounterState final : SliceValue {
  std::int64_t count = 0;
};

const stdlib::ShapePtr& counter_shape() {
  static const stdlib::ShapePtr shape = emitted::make_shape({"count"});
  return shape;
}

Outcome defaults(Context&, const Value*) {
  return emitted::returned(Value::record(counter_shape(), {Value::integer(0)}));
}

Outcome on_add(Context& cx, const Value* args) {
  Value r[2];
  r[0] = args[0];
  if (auto e = emitted::state_missing(cx, 0)) return emitted::fault(nullptr, *e);
  r[1] = emitted::to_value(emitted::state_of<CounterState>(cx).count);
  if (auto e = emitted::int_arith(r[1], r[1], r[0], '+')) {
    return emitted::fault("t.reducer:1:2", std::move(*e));
  }
  emitted::from_value(r[1], emitted::mutable_state<CounterState>(cx).count);
  return emitted::returned(Value());
}

Outcome on_look(Context& cx, const Value*) {  // handled, writes nothing
  if (auto e = emitted::state_missing(cx, 0)) return emitted::fault(nullptr, *e);
  return emitted::returned(emitted::to_value(emitted::state_of<CounterState>(cx).count));
}

Outcome query_count(Context& cx, const Value*) {
  if (auto e = emitted::state_missing(cx, 0)) return emitted::fault(nullptr, *e);
  return emitted::returned(emitted::to_value(emitted::state_of<CounterState>(cx).count));
}

SliceState counter_from_record(const Value& record) {
  auto state = std::make_shared<CounterState>();
  emitted::from_value(emitted::record_field(record, counter_shape(), 0), state->count);
  return state;
}

sessproc::Value counter_to_json(const SliceValue& state) {
  return sessproc::Value{{"count", static_cast<const CounterState&>(state).count}};
}

std::optional<sessproc::Value> counter_field_json(const SliceValue& state, std::string_view field) {
  if (field != "count") return std::nullopt;
  return static_cast<const CounterState&>(state).count;
}

std::shared_ptr<const Module> hand_written_module() {
  auto p = std::make_shared<emitted::Program>();
  p->types.add({stdlib::TypeKind::Int, 0, {}, nullptr});
  p->types.add({stdlib::TypeKind::Record, 0, {0}, counter_shape()});
  emitted::SliceEntry slice;
  slice.name = "counter";
  slice.prefix = "counter";
  slice.fields.push_back({"count", 0});
  slice.state_type = 1;
  slice.defaults = defaults;
  slice.from_record = counter_from_record;
  slice.to_json = counter_to_json;
  slice.field_json = counter_field_json;
  slice.on.push_back({.action = "add", .on = on_add, .param = 0});
  slice.on.push_back({.action = "look", .on = on_look});
  slice.queries.push_back({"count", query_count, std::nullopt});
  p->slices.push_back(std::move(slice));
  p->sessions.push_back({.name = "default", .slices = {0}});
  p->implicit_session = true;
  auto module = emitted::make_module(p, {});
  REQUIRE(module.has_value());
  return *module;
}

TEST_CASE("cpp support: the module reduces, checks payloads, faults and answers queries") {
  auto module = hand_written_module();
  REQUIRE(module->slices().size() == 1);
  CHECK(module->slices()[0].schema[0].type == "int");
  CHECK(module->session_types()[0].name == "main");
  SliceState state = module->initial_state(0);

  Action add{"add", 5};
  auto reduced = module->reduce(0, state, "add", add);
  REQUIRE(reduced.has_value());
  CHECK(reduced->handled);
  CHECK(module->to_json(0, reduced->state) == sessproc::Value{{"count", 5}});
  CHECK(module->query(0, reduced->state, "count", nullptr).value() == 5);
  // The input handle is never written: the handler wrote a copy.
  CHECK(static_cast<const CounterState&>(*state).count == 0);
  CHECK(static_cast<const CounterState&>(*reduced->state).count == 5);

  auto bad = module->reduce(0, state, "add", Action{"add", "five"});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == Errc::invalid_payload);

  auto big = module->reduce(0, reduced->state, "add",
                            Action{"add", std::numeric_limits<std::int64_t>::max()});
  REQUIRE_FALSE(big.has_value());
  CHECK(big.error().reason == "t.reducer:1:2: integer overflow in 5 + 9223372036854775807");

  auto other = module->reduce(0, state, "reset", add);
  REQUIRE(other.has_value());
  CHECK_FALSE(other->handled);
  CHECK(other->state == state);
}

TEST_CASE("cpp support: a handler that writes nothing keeps the very same state handle") {
  auto module = hand_written_module();
  SliceState state = module->reduce(0, module->initial_state(0), "add", Action{"add", 3})->state;
  auto looked = module->reduce(0, state, "look", Action{"look", nullptr});
  REQUIRE(looked.has_value());
  CHECK(looked->handled);
  CHECK(looked->state == state);
}

TEST_CASE("cpp support: native state selects by field, and crosses JSON both ways") {
  auto module = hand_written_module();
  SliceState state = module->reduce(0, module->initial_state(0), "add", Action{"add", 4})->state;
  CHECK(module->select(0, state, "count").value() == 4);
  CHECK(module->select(0, state, "").value() == sessproc::Value{{"count", 4}});
  auto missing = module->select(0, state, "nope");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == Errc::invalid_selector);
  CHECK(module->select(0, state, "count.x").error().code == Errc::invalid_selector);

  auto back = module->from_json(0, sessproc::Value{{"count", 9}});
  REQUIRE(back.has_value());
  CHECK(static_cast<const CounterState&>(**back).count == 9);
  auto wrong = module->from_json(0, sessproc::Value{{"count", "nine"}});
  REQUIRE_FALSE(wrong.has_value());
  CHECK(wrong.error().reason.find("counter.count: expected int") != std::string::npos);
}

}  // namespace
}  // namespace sessproc::cpp
