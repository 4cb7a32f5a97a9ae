// check_test.cpp: the check phase: built-in signatures, types, what CheckedProgram records, and
// one or more programs per diagnostic kind.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "compiler/check/check.h"
#include "compiler/check/checker.h"
#include "compiler/check/compat.h"
#include "compiler/diagnostics/render.h"
#include "compiler/syntax/parse.h"
#include "stdlib/builtins.h"

namespace sessproc::check {
namespace {

// One parsed and checked compilation, with everything the result points into kept alive.
struct Checked {
  source::SourceManager sources;
  diagnostics::DiagnosticEngine diagnostics;
  ast::Program program;
  CheckedProgram result;

  explicit Checked(const std::vector<std::string>& files) {
    for (std::size_t i = 0; i < files.size(); ++i) {
      source::FileId id = sources.add("test" + std::to_string(i) + ".reducer", files[i]);
      program.files.push_back(syntax::parse_file(sources, id, diagnostics));
    }
    REQUIRE_MESSAGE(!diagnostics.has_errors(), errors());
    result = check_program(program, diagnostics);
  }
  explicit Checked(const std::string& text) : Checked(std::vector<std::string>{text}) {}

  [[nodiscard]] std::string errors() const {
    std::string text;
    for (const auto& d : diagnostics.sorted()) text += diagnostics::render_console(d, sources);
    return text;
  }
  // The stable ids of every diagnostic, in source order.
  [[nodiscard]] std::vector<std::string> kinds() const {
    std::vector<std::string> ids;
    for (const auto& d : diagnostics.sorted()) ids.emplace_back(diagnostics::kind_id(d.kind));
    return ids;
  }
  // The first expression (in source order) whose text is `text` in file 0.
  [[nodiscard]] const ast::Expr* expr(const std::string& text) const {
    const std::string& source = sources.file(0).text();
    const ast::Expr* best = nullptr;
    for (const auto& [node, type] : result.expr_types) {
      std::string_view spelled(source.data() + node->range.begin,
                               node->range.end - node->range.begin);
      if (spelled == text && (best == nullptr || node->range.begin < best->range.begin)) {
        best = node;
      }
    }
    return best;
  }
  [[nodiscard]] std::string type_of(const std::string& text) const {
    const ast::Expr* node = expr(text);
    return node == nullptr ? "<none>" : result.types.print(result.type_of(*node));
  }
};

using Kinds = std::vector<std::string>;

}  // namespace

TEST_CASE("every built-in and standard effect signature parses and names its entry") {
  TypeStore types;
  for (const auto& info : stdlib::builtins()) {
    auto signature = parse_signature(types, info.signature);
    REQUIRE_MESSAGE(signature, info.signature);
    CHECK(signature->name == info.name);
    CHECK(stdlib::builtin(info.id).signature == info.signature);
    CHECK(!info.doc.empty());
  }
  for (const auto& info : stdlib::stdlib_effects()) {
    auto signature = parse_signature(types, info.signature);
    REQUIRE_MESSAGE(signature, info.signature);
    CHECK(signature->name == info.path);
  }
  // Overloads of one name are adjacent, so builtin_overloads sees all of them.
  CHECK(stdlib::builtin_overloads("len").size() == 3);
  CHECK(stdlib::builtin_overloads("nope").empty());
  for (std::string_view name :
       {"len",    "append", "concat",      "remove",    "insert", "contains", "keys",
        "values", "merge",  "get",         "slice",     "min",    "max",      "abs",
        "clamp",  "str",    "int",         "float",     "lower",  "upper",    "trim",
        "split",  "join",   "starts_with", "ends_with", "replace"}) {
    CHECK_MESSAGE(!stdlib::builtin_overloads(name).empty(), name);
  }
  auto http = parse_signature(types, stdlib::stdlib_effect(stdlib::EffectId::HttpGet).signature);
  CHECK(types.print(http->result) == "{ status: int, body: string }");
  CHECK(http->params.front().name == "url");
}

TEST_CASE("types intern structurally and print in source syntax") {
  TypeStore types;
  TypeId user = types.record({{"id", types.int_()}, {"name", types.string()}});
  CHECK(types.optional(user) ==
        types.optional(types.record({{"id", types.int_()}, {"name", types.string()}})));
  CHECK(types.print(types.optional(user)) == "{ id: int, name: string }?");
  CHECK(types.print(types.list(types.map(types.float_()))) == "list<map<float>>");
  CHECK(types.optional(types.optional(types.int_())) == types.optional(types.int_()));
  CHECK(types.optional(types.any()) == types.any());
  CHECK(types.print(types.record({})) == "{}");
}

TEST_CASE("assignability and joins follow the language's rules") {
  TypeStore types;
  TypeId i = types.int_(), f = types.float_();
  CHECK(assignable(types, i, f));
  CHECK_FALSE(assignable(types, f, i));
  CHECK_FALSE(assignable(types, types.list(i), types.list(f)));  // no deep widening
  CHECK(assignable(types, types.list(types.never()), types.list(i)));
  CHECK(assignable(types, types.nil(), types.optional(i)));
  CHECK(assignable(types, i, types.any()));
  CHECK_FALSE(assignable(types, types.any(), i));
  TypeId opt_record = types.record({{"a", i}, {"b", types.optional(i)}});
  CHECK(assignable(types, types.record({{"a", i}}), opt_record));  // optional field left out
  CHECK_FALSE(assignable(types, types.record({{"b", i}}), opt_record));
  CHECK(*join(types, i, f) == f);
  CHECK(*join(types, types.nil(), i) == types.optional(i));
  CHECK_FALSE(join(types, i, types.string()));
}

TEST_CASE("a clean program records types, names, calls, coercions and sessions") {
  Checked c(R"(
fn twice(x: int) -> int { return x * 2; }
reducer counter {
  state { count: int = 0; ratio: float = 1; owner: { id: int }? = nil; }
  on "add"(n: int) when n > 0 {
    let xs = [];
    xs = append(xs, n);
    count += twice(len(xs));
    ratio = min(1, 2.5);
    if owner != nil { count = owner.id; }
  }
  async "ping" { await log.info(str(meta["x"])); }
}
reducer audit { prefix none; state { n: int = 0; } on "counter.add"(n: int) { n = n; } }
)");
  // `n = n` in audit: the parameter shadows the state field.
  CHECK(c.kinds() == Kinds{"shadowed-name", "not-assignable"});
  const CheckedProgram& p = c.result;
  REQUIRE(p.reducers.size() == 2);
  CHECK(p.reducers[0].prefix == "counter");
  CHECK_FALSE(p.reducers[1].prefix);
  CHECK(p.types.print(p.reducers[0].state_type) ==
        "{ count: int, ratio: float, owner: { id: int }? }");
  REQUIRE(p.sessions.size() == 1);
  CHECK(p.implicit_session);
  CHECK(p.sessions[0].slices == std::vector<std::uint32_t>{0, 1});

  CHECK(c.type_of("owner.id") == "int");  // narrowed by `owner != nil`
  CHECK(c.type_of("meta[\"x\"]") == "any");
  CHECK(c.type_of("append(xs, n)") == "list<int>");
  CHECK(p.reducers[0].on_handlers[0].body.locals[1].name == "xs");
  CHECK(p.types.print(p.reducers[0].on_handlers[0].body.locals[1].type) == "list<int>");

  const ast::Expr* min_call = c.expr("min(1, 2.5)");
  REQUIRE(min_call != nullptr);
  CHECK(p.calls.at(min_call).builtin == stdlib::BuiltinId::MinFloat);
  CHECK(p.coercions.contains(c.expr("1")));  // the int argument widens to float
  CHECK(p.calls.at(c.expr("len(xs)")).builtin == stdlib::BuiltinId::LenList);
  CHECK(p.calls.at(c.expr("twice(len(xs))")).kind == CallTarget::Kind::Fn);
  CHECK(p.calls.at(c.expr("log.info(str(meta[\"x\"]))")).kind == CallTarget::Kind::Effect);
  CHECK(p.names.at(c.expr("count")).kind == NameTarget::Kind::StateField);
  CHECK(p.names.at(c.expr("meta")).kind == NameTarget::Kind::Meta);
}

TEST_CASE("sessions list slices in order, with ttl and init") {
  Checked c(R"(
reducer a { state { x: int = 0; } on "x" { x = 1; } }
reducer b { state { y: string = ""; } on "y" { y = "1"; } }
session app { reducers b, a; ttl 30m; init(args: { start: int? }) { a.x = args.start ?? 0; } }
)");
  CHECK(c.kinds().empty());
  REQUIRE(c.result.sessions.size() == 1);
  const SessionInfo& s = c.result.sessions[0];
  CHECK_FALSE(c.result.implicit_session);
  CHECK(s.slices == std::vector<std::uint32_t>{1, 0});
  CHECK(s.ttl_millis == 30 * 60 * 1000);
  REQUIRE(s.init);
  CHECK(c.result.names.at(c.expr("a")).kind == NameTarget::Kind::Slice);
}

TEST_CASE("each rule is reported with its kind") {
  struct Case {
    const char* source;
    Kinds kinds;
  };
  const Case cases[] = {
      {"reducer r { state { x: int = 0; } on \"a\" { x = y; } }", {"unknown-name"}},
      {"reducer r { state { x: int = \"s\"; } }", {"type-mismatch"}},
      {"reducer r { state { x: int = 0; } on \"a\" when x { } }", {"type-mismatch"}},
      {"reducer r { state { x: int = 0; } query \"q\" -> int { x = 1; return x; } }",
       {"state-assign-not-allowed"}},
      {"reducer r { state { x: int = 0; } on \"a\" { dispatch \"r.a\"; } }",
       {"dispatch-outside-async"}},
      {"reducer r { state { x: int = 0; } async \"a\" { dispatch \"r.b\"; } }",
       {"unhandled-dispatch"}},
      {"reducer r { state { x: int = 0; } on \"b\"(v: int) { x = v; } "
       "async \"a\" { dispatch \"r.b\"(\"s\"); } }",
       {"type-mismatch"}},
      {"fn f(n: int) -> int { return g(n); } fn g(n: int) -> int { return f(n); }",
       {"recursion", "recursion"}},
      {"fn f(n: int) -> int { if n > 0 { return 1; } }", {"missing-return"}},
      {"reducer r { state { x: int = 0; } on \"a\" { let u = 1; } }", {"unused-let"}},
      {"reducer r { prefix \"r\"; state { x: int = 0; } on \"r.a\" { x = 1; } }",
       {"prefix-repeated"}},
      {"reducer r { state { x: int = 0; } on \"a\" { x = 1; } on \"a\" { x = 2; } }",
       {"unreachable-handler"}},
      {"reducer r { state { x: int = 0; } async \"a\" { await time.sleep(1); } "
       "async \"a\" { await time.sleep(2); } }",
       {"duplicate-handler"}},
      {"reducer r { state { x: int = 0; } } session s { reducers r, r; }", {"duplicate-slice"}},
      {"reducer r { state { x: int = 0; } } session s { reducers q; }", {"unknown-reducer"}},
      {"reducer a { prefix \"p\"; state { x: int = 0; } } "
       "reducer b { prefix \"p\"; state { x: int = 0; } }",
       {"shared-prefix"}},
      {"reducer r { state { x: int = 0; } on \"a\" { x = await time.now(); } }",
       {"await-outside-async"}},
      {"reducer r { state { x: int = 0; } async \"a\" { let t = time.now(); await "
       "time.sleep(t); } }",
       {"effect-without-await"}},
      {"reducer r { state { x: int = 0; } async \"a\" { await time.sleep(len(\"x\")); "
       "let n = await len(\"y\"); await time.sleep(n); } }",
       {"await-not-effect"}},
      {"type T = { a: list<T> };", {"recursive-type"}},
      {"reducer r { state { x: Foo = 0; } }", {"unknown-type"}},
      {"reducer r { state { x: { a: int } = { a: 1 }; } on \"a\" { x.b = 1; } }",
       {"unknown-field"}},
      {"reducer r { state { x: int = 0; } on \"a\" { x = f(1); } }", {"unknown-function"}},
      {"reducer r { state { x: int = 0; } async \"a\" { await no.such(1); } }", {"unknown-effect"}},
      {"reducer r { state { x: int = 0; } on \"a\" { x = min(1); } }", {"wrong-argument-count"}},
      {"reducer r { state { x: int = 0; } on \"a\"(v: int) { v = 1; x = v; } }",
       {"not-assignable"}},
      // Nodes in error raise nothing further: one unknown name, not a mismatch as well.
      {"reducer r { state { x: int = 0; } on \"a\" { x = nope + 1 * len(nope2.f); } }",
       {"unknown-name", "unknown-name"}},
  };
  for (const auto& test : cases) {
    CAPTURE(test.source);
    Checked c(test.source);
    CHECK(c.kinds() == test.kinds);
  }
}

TEST_CASE("names are global across files") {
  Checked c(std::vector<std::string>{
      "reducer r { state { x: int = 0; } on \"a\" { x = helper(1); } }\nsession s { reducers "
      "r, q; }",
      "fn helper(n: int) -> int { return n; }\nreducer q { state { y: T = { v: 1 }; } }\n"
      "type T = { v: int };"});
  CHECK(c.kinds().empty());
  CHECK(c.result.sessions[0].slices == std::vector<std::uint32_t>{0, 1});
}

TEST_CASE("checking a 10,000-line program is fast") {
  std::string text;
  for (int r = 0; text.size() < 10000 * 40; ++r) {
    std::string name = "r" + std::to_string(r);
    text += "fn helper_" + name +
            "(a: int, b: int) -> int {\n  if a > b { return a - b; }\n"
            "  return b - a;\n}\n";
    text += "reducer " + name +
            " {\n  state {\n    count: int = 0;\n    items: list<int> = [];\n"
            "    name: string = \"\";\n  }\n";
    for (int h = 0; h < 10; ++h) {
      std::string action = "act" + std::to_string(h);
      text += "  on \"" + action + "\"(n: int) when n > 0 {\n    let d = helper_" + name +
              "(n, count);\n    count += d;\n    items = append(items, d);\n"
              "    name = str(len(items));\n  }\n";
      text += "  async \"" + action +
              "_later\"(n: int) {\n    await time.sleep(n);\n"
              "    dispatch \"" +
              name + "." + action + "\"(n + 1);\n  }\n";
    }
    text += "  query \"count\" -> int { return count; }\n}\n";
  }
  source::SourceManager sources;
  diagnostics::DiagnosticEngine diagnostics;
  ast::Program program;
  program.files.push_back(
      syntax::parse_file(sources, sources.add("big.reducer", text), diagnostics));
  REQUIRE(!diagnostics.has_errors());
  auto start = std::chrono::steady_clock::now();
  CheckedProgram result = check_program(program, diagnostics);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(!result.has_errors);
  MESSAGE("checked " << sources.file(0).line_count() << " lines in " << seconds << " s");
  // Reported, not asserted: the speed target is checked by bench/sessc_check.sh.
}

}  // namespace sessproc::check
