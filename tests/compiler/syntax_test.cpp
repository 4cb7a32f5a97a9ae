// syntax_test.cpp: every construct parses into the expected AST shape, with byte ranges.
//
// Diagnostics and robustness of the syntax phase are in syntax_errors_test.cpp.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "compiler/diagnostics/render.h"
#include "compiler/syntax/parse.h"

namespace sessproc {
namespace {

struct Parsed {
  source::SourceManager sources;
  diagnostics::DiagnosticEngine diagnostics;
  ast::File file;

  [[nodiscard]] std::string errors() const {
    std::string text;
    for (const auto& d : diagnostics.sorted()) text += diagnostics::render_console(d, sources);
    return text;
  }
  [[nodiscard]] std::string_view text(source::SourceRange range) const {
    return std::string_view(sources.file(range.file).text())
        .substr(range.begin, range.end - range.begin);
  }
};

std::unique_ptr<Parsed> parse_clean(const std::string& text) {
  auto parsed = std::make_unique<Parsed>();
  source::FileId id = parsed->sources.add("test.reducer", text);
  parsed->file = syntax::parse_file(parsed->sources, id, parsed->diagnostics);
  REQUIRE_MESSAGE(parsed->diagnostics.diagnostics().empty(), parsed->errors());
  return parsed;
}

const ast::ReducerDecl& only_reducer(const Parsed& parsed) {
  REQUIRE(parsed.file.decls.size() == 1);
  const auto* reducer = std::get_if<ast::ReducerDecl>(&parsed.file.decls[0]);
  REQUIRE(reducer != nullptr);
  return *reducer;
}

// The body of the only `on` handler of a one-reducer program.
const ast::Block& handler_body(const Parsed& parsed) {
  for (const auto& member : only_reducer(parsed).members) {
    if (const auto* on = std::get_if<ast::OnHandler>(&member)) return on->body;
  }
  FAIL("no `on` handler");
  throw;
}

// Parses `let v = EXPR;` in a handler and returns the expression.
struct ParsedExpr {
  std::unique_ptr<Parsed> parsed;
  const ast::Expr* expr = nullptr;
};
ParsedExpr expression(const std::string& text) {
  ParsedExpr result;
  result.parsed = parse_clean("reducer r { on \"x\" { let v = " + text + "; } }");
  const auto& body = handler_body(*result.parsed);
  REQUIRE(body.statements.size() == 1);
  const auto* let = std::get_if<ast::LetStmt>(&body.statements[0]->kind);
  REQUIRE(let != nullptr);
  result.expr = let->value.get();
  return result;
}

// A compact rendering of an expression's shape: (+ 1 (* 2 3)).
std::string shape(const ast::Expr& e) {
  constexpr std::string_view kBinary[] = {
      "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "??"};
  return std::visit(
      [&](const auto& k) -> std::string {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, ast::IntLiteral>) {
          return std::to_string(k.value);
        } else if constexpr (std::is_same_v<K, ast::FloatLiteral>) {
          return k.spelling;
        } else if constexpr (std::is_same_v<K, ast::StringLit>) {
          return "\"" + k.value + "\"";
        } else if constexpr (std::is_same_v<K, ast::BoolLiteral>) {
          return k.value ? "true" : "false";
        } else if constexpr (std::is_same_v<K, ast::NilLiteral>) {
          return "nil";
        } else if constexpr (std::is_same_v<K, ast::NameRef>) {
          return k.name;
        } else if constexpr (std::is_same_v<K, ast::Unary>) {
          return std::string("(") + (k.op == ast::UnaryOp::Not ? "!" : "neg") + " " +
                 shape(*k.operand) + ")";
        } else if constexpr (std::is_same_v<K, ast::Binary>) {
          return "(" + std::string(kBinary[static_cast<int>(k.op)]) + " " + shape(*k.lhs) + " " +
                 shape(*k.rhs) + ")";
        } else if constexpr (std::is_same_v<K, ast::Conditional>) {
          return "(? " + shape(*k.condition) + " " + shape(*k.then_value) + " " +
                 shape(*k.else_value) + ")";
        } else if constexpr (std::is_same_v<K, ast::FieldAccess>) {
          return "(. " + shape(*k.object) + " " + k.field.name + ")";
        } else if constexpr (std::is_same_v<K, ast::IndexAccess>) {
          return "([] " + shape(*k.object) + " " + shape(*k.index) + ")";
        } else if constexpr (std::is_same_v<K, ast::Call>) {
          std::string out = "(call ";
          for (std::size_t i = 0; i < k.callee.size(); ++i) {
            out += (i ? "." : "") + k.callee[i].name;
          }
          for (const auto& arg : k.args) out += " " + shape(*arg);
          return out + ")";
        } else if constexpr (std::is_same_v<K, ast::Await>) {
          return "(await " + shape(*k.call) + ")";
        } else if constexpr (std::is_same_v<K, ast::ListLiteral>) {
          std::string out = "[";
          for (const auto& element : k.elements)
            out += (out.size() > 1 ? " " : "") + shape(*element);
          return out + "]";
        } else if constexpr (std::is_same_v<K, ast::MapLiteral>) {
          std::string out = "{map";
          for (const auto& entry : k.entries)
            out += " " + entry.key.value + ":" + shape(*entry.value);
          return out + "}";
        } else {
          std::string out = "{record";
          for (const auto& field : k.fields)
            out += " " + field.name.name + ":" + shape(*field.value);
          return out + "}";
        }
      },
      e.kind);
}

std::string type_shape(const ast::TypeExpr& t) {
  return std::visit(
      [&](const auto& k) -> std::string {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, ast::NamedType>) {
          return k.name;
        } else if constexpr (std::is_same_v<K, ast::ListType>) {
          return "list<" + type_shape(*k.element) + ">";
        } else if constexpr (std::is_same_v<K, ast::MapType>) {
          return "map<" + type_shape(*k.value) + ">";
        } else if constexpr (std::is_same_v<K, ast::OptionalType>) {
          return type_shape(*k.inner) + "?";
        } else {
          std::string out = "{";
          for (const auto& f : k.fields) out += " " + f.name.name + ":" + type_shape(*f.type);
          return out + " }";
        }
      },
      t.kind);
}

TEST_CASE("syntax: the language contract's example program parses into its declarations") {
  auto parsed = parse_clean(R"(// examples/shop/counter.reducer
reducer counter {
  prefix "counter";
  state {
    count: int = 0;
    step: int = 1;
    history: list<int> = [];
  }
  on "increment" { count += step; }
  on "set"(value: int) { count = value; }
  on "add"(n: int) when n > 0 { count += n; history = append(history, n); }
  on "reset" { count = 0; history = []; }
  query "double" -> int { return count * 2; }
}
effect users.get(id: int) -> { id: int, name: string };
reducer user {
  prefix "user";
  state {
    current_user: { id: int, name: string }? = nil;
    preferences: map<string> = {};
    loading: bool = false;
  }
  on "set"(u: { id: int, name: string }) { current_user = u; loading = false; }
  on "search"(q: string) debounce 300ms { loading = true; }
  on "ping" throttle 1s { }
  async latest "fetch"(id: int) {
    dispatch "user.loading"(true);
    let u = await users.get(id);
    dispatch "user.set"(u);
  }
}
session app {
  reducers counter, user;
  ttl 30m;
  init(args: { start: int? }) { counter.count = args.start ?? 0; }
}
)");
  const auto& decls = parsed->file.decls;
  REQUIRE(decls.size() == 4);
  CHECK(std::holds_alternative<ast::ReducerDecl>(decls[0]));
  CHECK(std::holds_alternative<ast::EffectDecl>(decls[1]));
  CHECK(std::holds_alternative<ast::ReducerDecl>(decls[2]));
  CHECK(std::holds_alternative<ast::SessionDecl>(decls[3]));
  const auto& counter = std::get<ast::ReducerDecl>(decls[0]);
  CHECK(counter.name.name == "counter");
  CHECK(counter.members.size() == 7);
  CHECK(parsed->file.comments.size() == 1);
  CHECK(parsed->file.comments[0].text == "// examples/shop/counter.reducer");
}

TEST_CASE("syntax: reducer members keep their order and their details") {
  auto parsed = parse_clean(R"(reducer r {
  prefix none;
  state { a: int = 1; b: { x: int, y: list<map<string>> }? = nil; }
  on "a"(p: int) when p > 0 debounce 250ms { }
  on "b" throttle 2h { }
  async "c" { }
  async every "d" { }
  async latest "e"(id: int) { }
  async leading "f" { }
  query "g" -> int { return 1; }
  query "h"(p: string) -> string? { return nil; }
  fn helper(a: int, b: int,) -> int { return a + b; }
  effect http.get(url: string) -> { status: int, body: string };
  effect log.info(s: string);
})");
  const auto& members = only_reducer(*parsed).members;
  REQUIRE(members.size() == 13);
  CHECK(std::get<ast::PrefixDecl>(members[0]).is_none);

  const auto& state = std::get<ast::StateDecl>(members[1]);
  REQUIRE(state.fields.size() == 2);
  CHECK(state.fields[0].name.name == "a");
  CHECK(type_shape(*state.fields[1].type) == "{ x:int y:list<map<string>> }?");
  CHECK(shape(*state.fields[1].default_value) == "nil");

  const auto& on_a = std::get<ast::OnHandler>(members[2]);
  CHECK(on_a.action.value == "a");
  REQUIRE(on_a.params.size() == 1);
  CHECK(on_a.params[0].name.name == "p");
  CHECK(shape(*on_a.guard) == "(> p 0)");
  REQUIRE(on_a.rate_limit.has_value());
  CHECK(on_a.rate_limit->kind == ast::RateLimitKind::Debounce);
  CHECK(on_a.rate_limit->duration.millis == 250);
  CHECK(on_a.rate_limit->duration.spelling == "250ms");
  const auto& on_b = std::get<ast::OnHandler>(members[3]);
  CHECK(on_b.guard == nullptr);
  CHECK(on_b.rate_limit->kind == ast::RateLimitKind::Throttle);
  CHECK(on_b.rate_limit->duration.millis == 2 * 3'600'000);

  const auto& c = std::get<ast::AsyncHandler>(members[4]);
  CHECK((c.policy == ast::AsyncPolicy::Every && !c.policy_written));
  const auto& d = std::get<ast::AsyncHandler>(members[5]);
  CHECK((d.policy == ast::AsyncPolicy::Every && d.policy_written));
  CHECK(std::get<ast::AsyncHandler>(members[6]).policy == ast::AsyncPolicy::Latest);
  CHECK(std::get<ast::AsyncHandler>(members[6]).params.size() == 1);
  CHECK(std::get<ast::AsyncHandler>(members[7]).policy == ast::AsyncPolicy::Leading);

  CHECK(std::get<ast::QueryDecl>(members[8]).params.empty());
  CHECK(type_shape(*std::get<ast::QueryDecl>(members[9]).result) == "string?");

  const auto& fn = std::get<ast::FnDecl>(members[10]);
  CHECK(fn.name.name == "helper");
  CHECK(fn.params.size() == 2);
  CHECK(type_shape(*fn.result) == "int");

  const auto& get = std::get<ast::EffectDecl>(members[11]);
  REQUIRE(get.path.size() == 2);
  CHECK(get.path[0].name == "http");
  CHECK(get.path[1].name == "get");
  CHECK(type_shape(*get.result) == "{ status:int body:string }");
  CHECK(std::get<ast::EffectDecl>(members[12]).result == nullptr);
}

TEST_CASE("syntax: prefix \"\" means none and keeps its string") {
  auto parsed = parse_clean("reducer r { prefix \"\"; prefix \"cart\"; }");
  const auto& members = only_reducer(*parsed).members;
  const auto& empty = std::get<ast::PrefixDecl>(members[0]);
  CHECK(empty.is_none);
  CHECK(parsed->text(empty.value.range) == "\"\"");
  const auto& cart = std::get<ast::PrefixDecl>(members[1]);
  CHECK_FALSE(cart.is_none);
  CHECK(cart.value.value == "cart");
}

TEST_CASE("syntax: top-level declarations and sessions") {
  auto parsed = parse_clean(R"(type User = { id: int, name: string };
fn twice(x: int) -> int { return x * 2; }
effect time.now() -> int;
session app {
  reducers a, b, c,;
  ttl 30m;
  init(args: { start: int? }) { a.count = args.start ?? 0; }
})");
  const auto& decls = parsed->file.decls;
  REQUIRE(decls.size() == 4);
  const auto& alias = std::get<ast::TypeAlias>(decls[0]);
  CHECK(alias.name.name == "User");
  CHECK(type_shape(*alias.type) == "{ id:int name:string }");
  CHECK(std::get<ast::FnDecl>(decls[1]).name.name == "twice");
  CHECK(std::get<ast::EffectDecl>(decls[2]).params.empty());

  const auto& session = std::get<ast::SessionDecl>(decls[3]);
  CHECK(session.name.name == "app");
  REQUIRE(session.members.size() == 3);
  const auto& reducers = std::get<ast::SessionReducers>(session.members[0]);
  REQUIRE(reducers.names.size() == 3);
  CHECK(reducers.names[2].name == "c");
  CHECK(std::get<ast::SessionTtl>(session.members[1]).duration.millis == 30 * 60'000);
  const auto& init = std::get<ast::SessionInit>(session.members[2]);
  REQUIRE(init.params.size() == 1);
  REQUIRE(init.body.statements.size() == 1);
  const auto& assign = std::get<ast::AssignStmt>(init.body.statements[0]->kind);
  CHECK(shape(*assign.target) == "(. a count)");
  CHECK(shape(*assign.value) == "(?? (. args start) 0)");
}

TEST_CASE("syntax: statements") {
  auto parsed = parse_clean(R"(reducer r { on "x" {
  let a = 1;
  a = 2; a += 3; a -= 4; a *= 5;
  items[i].done = true;
  if a > 1 { a = 1; } else if a < 0 { a = 0; } else if b { } else { a = 2; }
  if c { }
  for x in xs { }
  for k, v in m { }
  return;
  return a;
  dispatch "user.set";
  dispatch "user.set"();
  dispatch "user.set"(a);
  await log.info("x");
} })");
  const auto& s = handler_body(*parsed).statements;
  REQUIRE(s.size() == 16);
  CHECK(std::get<ast::LetStmt>(s[0]->kind).name.name == "a");
  CHECK(std::get<ast::AssignStmt>(s[1]->kind).op == ast::AssignOp::Set);
  CHECK(std::get<ast::AssignStmt>(s[2]->kind).op == ast::AssignOp::Add);
  CHECK(std::get<ast::AssignStmt>(s[3]->kind).op == ast::AssignOp::Sub);
  CHECK(std::get<ast::AssignStmt>(s[4]->kind).op == ast::AssignOp::Mul);
  CHECK(shape(*std::get<ast::AssignStmt>(s[5]->kind).target) == "(. ([] items i) done)");

  const auto& chain = std::get<ast::IfStmt>(s[6]->kind);
  CHECK(chain.branches.size() == 3);
  CHECK(shape(*chain.branches[1].condition) == "(< a 0)");
  REQUIRE(chain.else_block.has_value());
  CHECK(chain.else_block->statements.size() == 1);
  CHECK_FALSE(std::get<ast::IfStmt>(s[7]->kind).else_block.has_value());

  const auto& for_list = std::get<ast::ForStmt>(s[8]->kind);
  CHECK(for_list.first.name == "x");
  CHECK_FALSE(for_list.second.has_value());
  const auto& for_map = std::get<ast::ForStmt>(s[9]->kind);
  CHECK(for_map.second->name == "v");
  CHECK(shape(*for_map.iterable) == "m");

  CHECK(std::get<ast::ReturnStmt>(s[10]->kind).value == nullptr);
  CHECK(shape(*std::get<ast::ReturnStmt>(s[11]->kind).value) == "a");
  CHECK(std::get<ast::DispatchStmt>(s[12]->kind).payload == nullptr);
  CHECK(std::get<ast::DispatchStmt>(s[13]->kind).payload == nullptr);
  const auto& dispatch = std::get<ast::DispatchStmt>(s[14]->kind);
  CHECK(dispatch.action.value == "user.set");
  CHECK(shape(*dispatch.payload) == "a");
  CHECK(shape(*std::get<ast::ExprStmt>(s[15]->kind).expr) == "(await (call log.info \"x\"))");
}

TEST_CASE("syntax: operator precedence and associativity") {
  CHECK(shape(*expression("1 + 2 * 3").expr) == "(+ 1 (* 2 3))");
  CHECK(shape(*expression("a - b - c").expr) == "(- (- a b) c)");
  CHECK(shape(*expression("a / b % c * d").expr) == "(* (% (/ a b) c) d)");
  CHECK(shape(*expression("a ?? b ?? c").expr) == "(?? a (?? b c))");
  CHECK(shape(*expression("a || b && c == d").expr) == "(|| a (&& b (== c d)))");
  CHECK(shape(*expression("a < b + 1 != c").expr) == "(!= (< a (+ b 1)) c)");
  CHECK(shape(*expression("a ?? b || c").expr) == "(?? a (|| b c))");
  CHECK(shape(*expression("c ? a : b ? d : e").expr) == "(? c a (? b d e))");
  CHECK(shape(*expression("c ? x ? 1 : 2 : 3").expr) == "(? c (? x 1 2) 3)");
  CHECK(shape(*expression("a ?? b ? 1 : 2").expr) == "(? (?? a b) 1 2)");
  CHECK(shape(*expression("!-x").expr) == "(! (neg x))");
  CHECK(shape(*expression("-a.b[0]").expr) == "(neg ([] (. a b) 0))");
  // A `-` right before an integer literal makes a negative literal; elsewhere it negates.
  CHECK(shape(*expression("1 - -1").expr) == "(- 1 -1)");
  CHECK(shape(*expression("- -1").expr) == "(neg -1)");
  CHECK(shape(*expression("-(1)").expr) == "(neg 1)");
  CHECK(shape(*expression("(1 + 2) * 3").expr) == "(* (+ 1 2) 3)");
}

TEST_CASE("syntax: literals, calls and postfix expressions") {
  CHECK(shape(*expression("[1, 2.5, \"s\", true, false, nil,]").expr) ==
        "[1 2.5 \"s\" true false nil]");
  CHECK(shape(*expression("{}").expr) == "{map}");
  CHECK(shape(*expression("{ \"k\": 1, \"l\": 2, }").expr) == "{map k:1 l:2}");
  CHECK(shape(*expression("{ a: 1, b: [], }").expr) == "{record a:1 b:[]}");
  CHECK(shape(*expression("len(xs)").expr) == "(call len xs)");
  CHECK(shape(*expression("int(x) + float(y)").expr) == "(+ (call int x) (call float y))");
  CHECK(shape(*expression("get(m, \"k\", 0,)").expr) == "(call get m \"k\" 0)");
  CHECK(shape(*expression("a.b.c").expr) == "(. (. a b) c)");
  CHECK(shape(*expression("users.get(1).name").expr) == "(. (call users.get 1) name)");
  CHECK(shape(*expression("1e3").expr) == "1e3");
  CHECK(shape(*expression("\"a\\\"b\\\\c\\n\\t\\r\\u{e9}\"").expr) == "\"a\"b\\c\n\t\r\xC3\xA9\"");

  auto min = expression("-9223372036854775808");
  const auto* literal = std::get_if<ast::IntLiteral>(&min.expr->kind);
  REQUIRE(literal != nullptr);
  CHECK(literal->value == INT64_MIN);
  CHECK(min.parsed->text(min.expr->range) == "-9223372036854775808");

  auto paren = expression("(a)");
  CHECK(paren.expr->parenthesized);
  CHECK(paren.parsed->text(paren.expr->range) == "(a)");
  CHECK_FALSE(expression("a").expr->parenthesized);
}

TEST_CASE("syntax: soft keywords are identifiers where no keyword can stand") {
  auto parsed = parse_clean(R"(reducer state {
  state { on: int = 0; type: string = ""; list: list<int> = []; map: map<int> = {}; }
  on "x"(when: int) { let prefix = when; let string = str(prefix); session = map; }
  fn query(every: int, latest: int) -> int { return every + latest; }
})");
  const auto& reducer = only_reducer(*parsed);
  CHECK(reducer.name.name == "state");
  const auto& state = std::get<ast::StateDecl>(reducer.members[0]);
  CHECK(state.fields[0].name.name == "on");
  CHECK(type_shape(*state.fields[2].type) == "list<int>");
  CHECK(std::get<ast::FnDecl>(reducer.members[2]).name.name == "query");
}

TEST_CASE("syntax: ranges are byte offsets of the source") {
  // The comment holds a two-byte character, so code points and bytes differ after it.
  std::string text =
      "// \xC3\xA9t\xC3\xA9\nreducer counter {\n  on \"inc\" { count += step * 2; }\n}\n";
  auto parsed = parse_clean(text);
  const auto& reducer = only_reducer(*parsed);
  std::size_t begin = text.find("reducer");
  CHECK(parsed->text(reducer.range) == text.substr(begin, text.rfind('}') + 1 - begin));
  CHECK(reducer.range.begin == 9);  // "// " and five bytes of "été", then the newline
  CHECK(parsed->text(reducer.name.range) == "counter");
  const auto& on = std::get<ast::OnHandler>(reducer.members[0]);
  CHECK(parsed->text(on.range) == "on \"inc\" { count += step * 2; }");
  CHECK(parsed->text(on.action.range) == "\"inc\"");
  CHECK(parsed->text(on.body.range) == "{ count += step * 2; }");
  const auto& stmt = *on.body.statements[0];
  CHECK(parsed->text(stmt.range) == "count += step * 2;");
  const auto& assign = std::get<ast::AssignStmt>(stmt.kind);
  CHECK(parsed->text(assign.target->range) == "count");
  CHECK(parsed->text(assign.value->range) == "step * 2");
  const auto& product = std::get<ast::Binary>(assign.value->kind);
  CHECK(parsed->text(product.rhs->range) == "2");
  REQUIRE(parsed->file.comments.size() == 1);
  CHECK(parsed->file.comments[0].range.begin == 0);
  CHECK(parsed->file.comments[0].range.end == 8);
}

TEST_CASE("syntax: ranges of types, parameters, calls and postfix chains") {
  auto parsed =
      parse_clean("reducer r { on \"x\"(p: list<int>?) { let v = log.info(a[1].b, -x); } }");
  const auto& on = std::get<ast::OnHandler>(only_reducer(*parsed).members[0]);
  CHECK(parsed->text(on.params[0].range) == "p: list<int>?");
  CHECK(parsed->text(on.params[0].type->range) == "list<int>?");
  const auto& optional = std::get<ast::OptionalType>(on.params[0].type->kind);
  CHECK(parsed->text(optional.inner->range) == "list<int>");
  const auto& let = std::get<ast::LetStmt>(on.body.statements[0]->kind);
  CHECK(parsed->text(let.value->range) == "log.info(a[1].b, -x)");
  const auto& call = std::get<ast::Call>(let.value->kind);
  CHECK(parsed->text(call.callee[1].range) == "info");
  CHECK(parsed->text(call.args[0]->range) == "a[1].b");
  CHECK(parsed->text(std::get<ast::FieldAccess>(call.args[0]->kind).object->range) == "a[1]");
  CHECK(parsed->text(call.args[1]->range) == "-x");
}

TEST_CASE("syntax: comments of both kinds are kept in order") {
  auto parsed = parse_clean("/* a */ reducer r { // b\n /* c\n d */ }\n// e");
  const auto& comments = parsed->file.comments;
  REQUIRE(comments.size() == 4);
  CHECK(comments[0].text == "/* a */");
  CHECK(comments[1].text == "// b");
  CHECK(comments[2].text == "/* c\n d */");
  CHECK(comments[3].text == "// e");
  CHECK(parsed->text(comments[2].range) == "/* c\n d */");
}

TEST_CASE("syntax: nested generic types close with `>>`") {
  auto parsed = parse_clean("type T = map<list<list<int>>>;");
  CHECK(type_shape(*std::get<ast::TypeAlias>(parsed->file.decls[0]).type) ==
        "map<list<list<int>>>");
}

}  // namespace
}  // namespace sessproc
