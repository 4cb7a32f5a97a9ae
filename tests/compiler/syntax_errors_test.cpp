// syntax_errors_test.cpp: the syntax phase's diagnostics, its recovery, and bad input.
//
// Every mistake gives its precise kind, message, place and hint; one mistake gives one error;
// recovery finds the next, separate one; no input (deep nesting, binary data, long files)
// crashes, overflows the stack or takes long.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics/render.h"
#include "compiler/syntax/parse.h"

namespace sessproc {
namespace {

using diagnostics::DiagKind;

struct Result {
  source::SourceManager sources;
  diagnostics::DiagnosticEngine diagnostics;
  ast::File file;

  [[nodiscard]] std::vector<diagnostics::Diagnostic> all() const { return diagnostics.sorted(); }
  [[nodiscard]] std::string rendered() const {
    std::string text;
    for (const auto& d : diagnostics.sorted()) text += diagnostics::render_console(d, sources);
    return text;
  }
  [[nodiscard]] std::string_view text(source::SourceRange range) const {
    return std::string_view(sources.file(range.file).text())
        .substr(range.begin, range.end - range.begin);
  }
  [[nodiscard]] std::string at(source::SourceRange range) const {
    source::LineCol lc = sources.file(range.file).line_col(range.begin);
    return std::to_string(lc.line) + ":" + std::to_string(lc.column);
  }
};

std::unique_ptr<Result> parse(const std::string& text) {
  auto result = std::make_unique<Result>();
  source::FileId id = result->sources.add("test.reducer", text);
  result->file = syntax::parse_file(result->sources, id, result->diagnostics);
  return result;
}

// Parses `text`, expects exactly one diagnostic, and returns it with its result.
struct One {
  std::unique_ptr<Result> result;
  diagnostics::Diagnostic diagnostic;
};
One one_error(const std::string& text) {
  One one{parse(text), {}};
  auto all = one.result->all();
  REQUIRE_MESSAGE(all.size() == 1, one.result->rendered());
  one.diagnostic = all[0];
  return one;
}

// ---- builder diagnostics --------------------------------------------------------------------

TEST_CASE("syntax errors: a reducer named by a string is parsed and reported") {
  auto [result, d] = one_error("reducer \"counter\" { state { n: int = 0; } }");
  CHECK(d.kind == DiagKind::ReducerNameNotIdentifier);
  CHECK(d.message == "reducer name `\"counter\"` is a string; a reducer name is an identifier");
  CHECK(d.hint == "write `reducer counter`");
  CHECK(result->text(d.range) == "\"counter\"");
  // The rest of the reducer is still there.
  const auto& reducer = std::get<ast::ReducerDecl>(result->file.decls.at(0));
  CHECK(reducer.name.name == "counter");
  CHECK(reducer.members.size() == 1);
}

TEST_CASE("syntax errors: other reducer names that are not identifiers") {
  CHECK(one_error("reducer 42 { }").diagnostic.kind == DiagKind::ReducerNameNotIdentifier);
  auto keyword = one_error("reducer for { }").diagnostic;
  CHECK(keyword.kind == DiagKind::ReducerNameNotIdentifier);
  CHECK(keyword.message == "reducer name `for` is a keyword; a reducer name is an identifier");
  CHECK(one_error("reducer \"my cart\" { }").diagnostic.hint == "write `reducer my_cart`");
}

TEST_CASE("syntax errors: a prefix must be a string literal or `none`") {
  auto [result, d] = one_error("reducer c { prefix counter; }");
  CHECK(d.kind == DiagKind::InvalidPrefix);
  CHECK(d.message == "invalid prefix `counter`; a prefix is a string literal or `none`");
  CHECK(d.hint == "write `prefix \"counter\";` or `prefix none;`");
  CHECK(result->text(d.range) == "counter");
  CHECK(one_error("reducer c { prefix 1; }").diagnostic.hint ==
        "write `prefix \"1\";` or `prefix none;`");
}

TEST_CASE("syntax errors: a prefix may not contain a dot or white space") {
  auto [result, d] = one_error("reducer c { prefix \"user.profile\"; }");
  CHECK(d.kind == DiagKind::PrefixHasDot);
  CHECK(result->text(d.range) == ".");
  CHECK(d.hint == "action types are written `prefix.type`; write `prefix \"user_profile\";`");
  auto blank = one_error("reducer c { prefix \"a b\"; }");
  CHECK(blank.diagnostic.kind == DiagKind::PrefixHasDot);
  CHECK(blank.diagnostic.message ==
        "prefix `\"a b\"` contains white space; a prefix may not contain `.` or white space");
  CHECK(one_error("reducer c { prefix \"a\\tb\"; }").diagnostic.kind == DiagKind::PrefixHasDot);
}

TEST_CASE("syntax errors: handlers, queries and init take at most one parameter") {
  auto [result, d] = one_error("reducer c { on \"set\"(a: int, b: string) { } }");
  CHECK(d.kind == DiagKind::TooManyParams);
  CHECK(d.message == "`on \"set\"` has 2 parameters; a handler takes at most one");
  CHECK(d.hint == "take one record parameter: `(p: { a: int, b: string })`");
  CHECK(result->text(d.range) == "b: string");
  CHECK(std::get<ast::OnHandler>(std::get<ast::ReducerDecl>(result->file.decls[0]).members[0])
            .params.size() == 1);
  CHECK(one_error("reducer c { async \"f\"(a: int, b: int, c: int) { } }").diagnostic.kind ==
        DiagKind::TooManyParams);
  CHECK(one_error("reducer c { query \"q\"(a: int, b: int) -> int { return a; } }")
            .diagnostic.message == "`query \"q\"` has 2 parameters; a query takes at most one");
  CHECK(one_error("session s { init(a: int, b: int) { } }").diagnostic.kind ==
        DiagKind::TooManyParams);
  // Functions and effects take any number.
  CHECK(parse("fn f(a: int, b: int) -> int { return a; } effect e.f(a: int, b: int);")
            ->all()
            .empty());
}

TEST_CASE("syntax errors: malformed durations") {
  auto unit = one_error("reducer c { on \"x\" debounce 300x { } }").diagnostic;
  CHECK(unit.kind == DiagKind::MalformedDuration);
  CHECK(unit.message == "malformed duration `300x`");
  auto fraction = one_error("reducer c { on \"x\" throttle 1.5s { } }").diagnostic;
  CHECK(fraction.kind == DiagKind::MalformedDuration);
  CHECK(fraction.hint == "durations are whole numbers: write `1500ms`");
  auto space = one_error("session s { ttl 5 s; }");
  CHECK(space.diagnostic.kind == DiagKind::MalformedDuration);
  CHECK(space.result->text(space.diagnostic.range) == "5 s");
  CHECK(space.diagnostic.hint == "write `5s` without a space");
  auto bare = one_error("session s { ttl 300; }").diagnostic;
  CHECK(bare.message == "duration `300` has no unit");
  CHECK(one_error("session s { ttl 5min; }").diagnostic.hint == "write `5m`");
}

TEST_CASE("syntax errors: integers out of range") {
  auto [result, d] = one_error("fn f() -> int { return 9223372036854775808; }");
  CHECK(d.kind == DiagKind::IntegerOutOfRange);
  CHECK(result->text(d.range) == "9223372036854775808");
  CHECK(parse("fn f() -> int { return -9223372036854775808; }")->all().empty());
  CHECK(one_error("fn f() -> int { return -9223372036854775809; }").diagnostic.kind ==
        DiagKind::IntegerOutOfRange);
  CHECK(one_error("session s { ttl 9999999999999999h; }").diagnostic.kind ==
        DiagKind::IntegerOutOfRange);
  CHECK(one_error("fn f() -> float { return 1e999; }").diagnostic.kind ==
        DiagKind::IntegerOutOfRange);
}

TEST_CASE("syntax errors: invalid escapes in strings") {
  auto [result, d] = one_error(R"(fn f() -> string { return "a\qb"; })");
  CHECK(d.kind == DiagKind::InvalidEscape);
  CHECK(d.message == "invalid escape `\\q` in string");
  CHECK(result->text(d.range) == "\\q");
  auto unicode = one_error(R"(fn f() -> string { return "\u{zz}"; })");
  CHECK(unicode.diagnostic.kind == DiagKind::InvalidEscape);
  CHECK(unicode.result->text(unicode.diagnostic.range) == "\\u{zz}");
  CHECK(one_error(R"(fn f() -> string { return "\u{d800}"; })").diagnostic.kind ==
        DiagKind::InvalidEscape);
  auto both = parse(R"(fn f() -> string { return "\x\y"; })");
  CHECK(both->all().size() == 2);
}

// ---- lexical errors -------------------------------------------------------------------------

TEST_CASE("syntax errors: invalid characters are reported once per run and dropped") {
  auto [result, d] = one_error("reducer c { on \"x\" { count = 1 @@ ; } }");
  CHECK(d.kind == DiagKind::InvalidCharacter);
  CHECK(d.message == "invalid characters `@@`");
  CHECK(result->text(d.range) == "@@");
  auto hash = one_error("reducer c { } # note").diagnostic;
  CHECK(hash.hint == "comments start with `//`");
  auto nul = one_error(std::string("reducer c {\0}", 13)).diagnostic;
  CHECK(nul.message == "invalid character U+0000");
}

TEST_CASE("syntax errors: an unterminated string is one error") {
  auto [result, d] = one_error("reducer c {\n  on \"x\" { let s = \"abc; }\n  on \"y\" { }\n}\n");
  CHECK(d.kind == DiagKind::UnterminatedString);
  CHECK(result->text(d.range) == "\"abc; }");
  CHECK(result->at(d.range) == "2:20");
}

TEST_CASE("syntax errors: an unterminated block comment is one error") {
  auto [result, d] = one_error("reducer c {\n  /* note\n  on \"x\" { }\n}\n");
  CHECK(d.kind == DiagKind::UnterminatedComment);
  CHECK(result->text(d.range) == "/*");
}

TEST_CASE("syntax errors: bytes that are not UTF-8") {
  auto [result, d] = one_error("reducer c { } // caf\xE9\n");
  CHECK(d.kind == DiagKind::InvalidUtf8);
  CHECK(d.message == "invalid UTF-8: byte 0xe9");
  CHECK(d.range.end - d.range.begin == 1);
  CHECK(one_error("reducer c\xFF\xFE { }").diagnostic.message == "invalid UTF-8: bytes 0xff 0xfe");
}

// ---- syntax errors and recovery -------------------------------------------------------------

TEST_CASE("syntax errors: a missing `;` is shown right after the statement") {
  auto [result, d] = one_error("reducer c {\n  on \"x\" { count += 1 }\n}\n");
  CHECK(d.kind == DiagKind::SyntaxError);
  CHECK(d.message == "expected `;` after the statement");
  CHECK(result->at(d.range) == "2:22");  // right after `1`
  CHECK(one_error("reducer c { state { n: int = 0 } }").diagnostic.message ==
        "expected `;` after the state field");
}

TEST_CASE("syntax errors: a missing `}` names what it should close, as Lua does") {
  auto eof = one_error("reducer counter {\n  on \"x\" { }\n").diagnostic;
  CHECK(eof.message == "expected `}` to close `reducer counter` opened at 1:1");
  auto before_member = one_error("reducer c {\n  on \"x\" { count += 1;\n  on \"y\" { }\n}\n");
  CHECK(before_member.diagnostic.message == "expected `}` to close `on \"x\"` opened at 2:3");
  CHECK(before_member.result->at(before_member.diagnostic.range) == "3:3");
  CHECK(one_error("fn f() -> int { return g(1, 2; }").diagnostic.message ==
        "unexpected `;`; expected `,` or `)`");
}

TEST_CASE("syntax errors: messages say what was expected in the user's terms") {
  CHECK(one_error("reducer c { on \"x\" { let v = ; } }").diagnostic.message ==
        "unexpected `;`; expected an expression");
  auto action = one_error("reducer c { on inc { } }").diagnostic;
  CHECK(action.message == "unexpected `inc`; expected a string");
  CHECK(action.hint == "write `\"inc\"`");
  auto keyword = one_error("fn for() -> int { return 1; }").diagnostic;
  CHECK(keyword.hint == "`for` is a keyword and cannot be used as a name");
  auto compare = one_error("reducer c { on \"x\" { if a = 1 { } } }").diagnostic;
  CHECK(compare.hint == "to compare, write `==`");
  CHECK(one_error("}").diagnostic.message ==
        "unexpected `}`; expected a declaration (`reducer`, `session`, `fn`, `effect` or "
        "`type`)");
  CHECK(one_error("fn f(a: int) { return a; }").diagnostic.message ==
        "expected `->` and a result type after `fn f(a: int)`");
  CHECK(one_error("reducer { }").diagnostic.message == "unexpected `{`; expected a reducer name");
  CHECK(one_error("reducer b { prefix ; }").diagnostic.message ==
        "unexpected `;`; expected a string or `none`");
  CHECK(one_error("reducer c { on \"y\" debounce { } }").diagnostic.message ==
        "unexpected `{`; expected a duration such as `250ms`");
  CHECK(one_error("reducer c { on \"x\" { let d = 5s; } }").diagnostic.kind ==
        DiagKind::SyntaxError);
}

TEST_CASE("syntax errors: recovery reports two separate mistakes, one error each") {
  auto result = parse(
      "reducer c {\n"
      "  on \"a\" { let x = ; }\n"
      "  on \"b\" { count = 1; }\n"
      "  on \"c\" { count = = 2; }\n"
      "}\n");
  auto all = result->all();
  REQUIRE_MESSAGE(all.size() == 2, result->rendered());
  CHECK(result->at(all[0].range) == "2:20");
  CHECK(result->at(all[1].range) == "4:20");
  // What parsed around the mistakes is kept.
  CHECK(std::get<ast::ReducerDecl>(result->file.decls.at(0)).members.size() == 3);
}

TEST_CASE("syntax errors: builder diagnostics are reported beside syntax errors") {
  auto result = parse("reducer c {\n  prefix c;\n  on \"a\" { let x = ; }\n}\n");
  auto all = result->all();
  REQUIRE(all.size() == 2);
  CHECK(all[0].kind == DiagKind::InvalidPrefix);
  CHECK(all[1].kind == DiagKind::SyntaxError);
}

// ---- bad input never crashes ------------------------------------------------------------------

void check_too_deep(const std::string& text) {
  auto start = std::chrono::steady_clock::now();
  auto result = parse(text);
  auto elapsed = std::chrono::steady_clock::now() - start;
  auto all = result->all();
  REQUIRE(all.size() == 1);
  CHECK(all[0].kind == DiagKind::NestingTooDeep);
  CHECK(elapsed < std::chrono::seconds(2));
}

std::string repeat(std::string_view piece, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += piece;
  return out;
}

TEST_CASE("syntax errors: 20,000 levels of nesting give NestingTooDeep, quickly") {
  constexpr int kDeep = 20000;
  const std::string head = "reducer r { on \"x\" { let a = ";
  check_too_deep(head + repeat("(", kDeep) + "1" + repeat(")", kDeep) + "; } }");
  check_too_deep(head + repeat("[", kDeep) + "1" + repeat("]", kDeep) + "; } }");
  check_too_deep(head + repeat("{ a: ", kDeep) + "1" + repeat("}", kDeep) + "; } }");
  check_too_deep(head + repeat("!", kDeep) + "true; } }");
  check_too_deep(head + repeat("- ", kDeep) + "1; } }");
  check_too_deep(head + repeat("a ? ", kDeep) + "1" + repeat(" : 2", kDeep) + "; } }");
  check_too_deep("reducer r { on \"x\" { " + repeat("if a { ", kDeep) + repeat("}", kDeep) +
                 " } }");
  check_too_deep("type T = " + repeat("list<", kDeep) + "int" + repeat(">", kDeep) + ";");
  // Unbalanced openers alone are too deep as well, not a stack overflow.
  check_too_deep(repeat("(", kDeep));
}

TEST_CASE("syntax errors: nesting within the limit parses, also when it has an error") {
  const std::string head = "reducer r { on \"x\" { let a = ";
  CHECK(parse(head + repeat("(", 240) + "1" + repeat(")", 240) + "; } }")->all().empty());
  auto broken = parse(head + repeat("(", 240) + "1 +" + repeat(")", 240) + "; } }");
  REQUIRE(broken->all().size() == 1);
  CHECK(broken->all()[0].kind == DiagKind::SyntaxError);
}

TEST_CASE("syntax errors: long flat input parses") {
  std::vector<std::string> ones(5000, "1");
  std::string sum = "reducer r { on \"x\" { let a = 1";
  for (int i = 1; i < 5000; ++i) sum += "+1";
  CHECK(parse(sum + "; } }")->all().empty());

  std::string big = "reducer big {\n  state { n: int = 0; }\n";
  for (int i = 0; i < 2500; ++i) {
    big += "  on \"a" + std::to_string(i) + "\"(p: { x: int }) when p.x > 0 {\n";
    big += "    n += p.x * 2 + len([1, 2, 3]);\n";
    big += "    if n > 10 { n = 0; }\n";
    big += "  }\n";
  }
  big += "}\n";
  // Its speed is measured by bench/sessc_check.sh, not here.
  auto result = parse(big);
  CHECK(result->all().empty());
  CHECK(std::get<ast::ReducerDecl>(result->file.decls.at(0)).members.size() == 2501);
}

TEST_CASE("syntax errors: empty files, garbage and truncated input give clean errors") {
  CHECK(parse("")->all().empty());
  CHECK(parse("   \n// only a comment\n")->all().empty());

  // Deterministic pseudo-random bytes, some mostly ASCII and some binary.
  std::uint32_t state = 12345;
  auto next = [&] { return state = state * 1103515245u + 12345u; };
  for (int round = 0; round < 20; ++round) {
    std::string junk;
    for (int i = 0; i < 4000; ++i) {
      auto byte = static_cast<char>((next() >> 16) & (round % 2 == 0 ? 0x7F : 0xFF));
      junk += byte;
    }
    auto result = parse(junk);
    CHECK(result->diagnostics.has_errors());
    CHECK(result->all().size() <= 20);
  }

  // Every prefix of a valid program: errors, never a crash.
  const std::string program =
      "reducer c { prefix \"c\"; state { n: int = 0; } on \"x\"(p: { a: int? }) when p.a != nil "
      "debounce 5s { n += p.a ?? 1; dispatch \"c.y\"(n); } query \"q\" -> int { return n; } }";
  for (std::size_t cut = 0; cut < program.size(); ++cut) parse(program.substr(0, cut));
}

}  // namespace
}  // namespace sessproc
