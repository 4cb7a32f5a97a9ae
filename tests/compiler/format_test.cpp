// format_test.cpp: `sessc fmt` prints each construct in its canonical form,
// keeps comments in place, and leaves the examples as they are.
#include <doctest/doctest.h>

#include "tests/compiler/format_support.h"

namespace sessproc::format_testing {

TEST_CASE("fmt is idempotent and keeps the tree of every example") {
  auto files = program_files(std::filesystem::path(SESSPROC_SOURCE_DIR) / "examples", true);
  for (const auto& path : files) {
    INFO("file: ", path.string());
    check_round_trip(read(path));
  }
}

TEST_CASE("fmt is idempotent and keeps the tree of every golden case that parses") {
  auto files = program_files(std::filesystem::path(SESSPROC_SOURCE_DIR) / "tests" / "sessc", false);
  for (const auto& path : files) {
    std::string text = read(path);
    if (parse(text)->diagnostics.has_errors()) continue;
    INFO("file: ", path.string());
    check_round_trip(text);
  }
}

TEST_CASE("examples are already canonical") {
  auto files = program_files(std::filesystem::path(SESSPROC_SOURCE_DIR) / "examples", true);
  for (const auto& path : files) {
    INFO("file: ", path.string());
    std::string text = read(path);
    CHECK(parse(text)->formatted() == text);
  }
}

TEST_CASE("canonical spacing, one statement per line") {
  CHECK(fmt("reducer   counter{state{count:int=0;step :int= 1;}"
            "on \"add\"(n:int)when n>0{count+=n;}on \"reset\"{count=0;}}") ==
        "reducer counter {\n"
        "  state {\n"
        "    count: int = 0;\n"
        "    step: int = 1;\n"
        "  }\n"
        "  on \"add\"(n: int) when n > 0 {\n"
        "    count += n;\n"
        "  }\n"
        "  on \"reset\" {\n"
        "    count = 0;\n"
        "  }\n"
        "}\n");
}

TEST_CASE("every member kind") {
  std::string text =
      "reducer user {\n"
      "  prefix \"user\";\n"
      "  state {\n"
      "    current: { id: int, name: string }? = nil;\n"
      "    tags: map<list<int>> = {};\n"
      "  }\n"
      "  on \"search\"(q: string) debounce 300ms {}\n"
      "  on \"ping\" throttle 1s {}\n"
      "  async \"a\" {}\n"
      "  async every \"b\" {}\n"
      "  async latest \"fetch\"(id: int) {\n"
      "    dispatch \"user.loading\"(true);\n"
      "    let u = await users.get(id);\n"
      "    dispatch \"user.done\";\n"
      "  }\n"
      "  async leading \"c\" {}\n"
      "  query \"double\" -> int {\n"
      "    return 2;\n"
      "  }\n"
      "  query \"name\"(key: string) -> string {\n"
      "    return key;\n"
      "  }\n"
      "  fn twice(a: int, b: float) -> float {\n"
      "    return a * b;\n"
      "  }\n"
      "  effect log.info(s: string);\n"
      "}\n"
      "\n"
      "reducer any_prefix {\n"
      "  prefix none;\n"
      "}\n"
      "\n"
      "reducer empty_prefix {\n"
      "  prefix \"\";\n"
      "}\n"
      "\n"
      "effect users.get(id: int) -> User;\n"
      "\n"
      "type User = { id: int, name: string };\n"
      "\n"
      "fn top() -> int {\n"
      "  return 1;\n"
      "}\n"
      "\n"
      "session app {\n"
      "  reducers user, any_prefix;\n"
      "  ttl 30m;\n"
      "  init(args: { start: int? }) {\n"
      "    user.tags = {};\n"
      "  }\n"
      "}\n";
  CHECK(fmt(text) == text);
}

TEST_CASE("redundant forms become canonical") {
  // `()` without a parameter, `dispatch "x"()`, trailing commas, `{}` bodies.
  CHECK(fmt("reducer r { on \"a\"() { dispatch \"b\"(); } query \"q\"() -> list<int> "
            "{ return [1, 2,]; } }\nsession s { reducers r,; init() {} }") ==
        "reducer r {\n"
        "  on \"a\" {\n"
        "    dispatch \"b\";\n"
        "  }\n"
        "  query \"q\" -> list<int> {\n"
        "    return [1, 2];\n"
        "  }\n"
        "}\n"
        "\n"
        "session s {\n"
        "  reducers r;\n"
        "  init() {}\n"
        "}\n");
}

TEST_CASE("minimal parentheses by precedence, written ones kept") {
  auto expr = [](const std::string& e) {
    std::string out = fmt("fn f() -> any {\n  return " + e + ";\n}\n");
    std::size_t begin = out.find("return ") + 7;
    return out.substr(begin, out.rfind(";\n}") - begin);
  };
  CHECK(expr("1+2*3") == "1 + 2 * 3");
  CHECK(expr("(1+2)*3") == "(1 + 2) * 3");
  CHECK(expr("((1 + 2))") == "(1 + 2)");
  CHECK(expr("1 - (2 - 3)") == "1 - (2 - 3)");
  CHECK(expr("(1 * 2) + 3") == "(1 * 2) + 3");
  CHECK(expr("a||b&&c") == "a || b && c");
  CHECK(expr("!(a && b)") == "!(a && b)");
  CHECK(expr("- -x") == "- -x");
  CHECK(expr("-(-x)") == "-(-x)");
  CHECK(expr("a ?? b ?? c") == "a ?? b ?? c");
  CHECK(expr("(a ?? b) ?? c") == "(a ?? b) ?? c");
  CHECK(expr("a ? b : c ? d : e") == "a ? b : c ? d : e");
  CHECK(expr("a ? b ? c : d : e") == "a ? b ? c : d : e");
  CHECK(expr("(a ? b : c) ? d : e") == "(a ? b : c) ? d : e");
  CHECK(expr("x.y[1].z") == "x.y[1].z");
  CHECK(expr("(a + b).c") == "(a + b).c");
  CHECK(expr("len(xs)<=max(1,2)") == "len(xs) <= max(1, 2)");
  CHECK(expr("{\"k\":1,\"j\":[]}") == "{ \"k\": 1, \"j\": [] }");
  CHECK(expr("{a:1,b:{c:2}}") == "{ a: 1, b: { c: 2 } }");
  CHECK(expr("{}") == "{}");
  CHECK(expr("2.50") == "2.50");
  CHECK(expr("1e3") == "1e3");
  CHECK(expr("nil ?? true") == "nil ?? true");
}

TEST_CASE("await needs parentheses only under a postfix") {
  CHECK(fmt("reducer r { async \"a\" { let n = (await users.get(1)).name; "
            "let ok = !await flags.get(); } }") ==
        "reducer r {\n"
        "  async \"a\" {\n"
        "    let n = (await users.get(1)).name;\n"
        "    let ok = !await flags.get();\n"
        "  }\n"
        "}\n");
}

TEST_CASE("strings are re-escaped canonically") {
  CHECK(fmt("fn f() -> string {\n  return \"a\\\"b\\\\c\\nd\\te\\rf\\u{41}\\u{1}é\";\n}\n") ==
        "fn f() -> string {\n  return \"a\\\"b\\\\c\\nd\\te\\rfA\\u{1}é\";\n}\n");
}

TEST_CASE("else-if chains and loops") {
  CHECK(fmt("reducer r { on \"a\"(n: int) { if n > 1 { count = 1; } else if n > 0 { count = 2; }"
            " else if n == 0 {} else { count = 3; } for k, v in m { count += v; }"
            " for x in xs {} } }") ==
        "reducer r {\n"
        "  on \"a\"(n: int) {\n"
        "    if n > 1 {\n"
        "      count = 1;\n"
        "    } else if n > 0 {\n"
        "      count = 2;\n"
        "    } else if n == 0 {} else {\n"
        "      count = 3;\n"
        "    }\n"
        "    for k, v in m {\n"
        "      count += v;\n"
        "    }\n"
        "    for x in xs {}\n"
        "  }\n"
        "}\n");
}

TEST_CASE("blank lines: one between declarations, kept once between members") {
  CHECK(fmt("reducer a {\n\n  state {\n    x: int = 0;\n\n\n    y: int = 0;\n  }\n\n\n\n"
            "  on \"x\" {\n    x = 1;\n\n    y = 2;\n  }\n  on \"y\" {}\n\n}\n"
            "reducer b {}\n\n\n\nreducer c {}\n") ==
        "reducer a {\n"
        "  state {\n"
        "    x: int = 0;\n"
        "\n"
        "    y: int = 0;\n"
        "  }\n"
        "\n"
        "  on \"x\" {\n"
        "    x = 1;\n"
        "\n"
        "    y = 2;\n"
        "  }\n"
        "  on \"y\" {}\n"
        "}\n"
        "\n"
        "reducer b {}\n"
        "\n"
        "reducer c {}\n");
}

TEST_CASE("comments survive in place") {
  std::string text =
      "// header comment\n"
      "\n"
      "/* about counter */\n"
      "reducer counter { // trailing the brace\n"
      "  prefix \"counter\"; // trailing a member\n"
      "\n"
      "  // before state\n"
      "  state {\n"
      "    count: int = 0; /* block */ // and line\n"
      "    // last in state\n"
      "  }\n"
      "  on \"inc\" {\n"
      "    // first in block\n"
      "    count += 1;\n"
      "    /* end of block */\n"
      "  }\n"
      "  on \"empty\" {\n"
      "    // only a comment\n"
      "  }\n"
      "} // after the reducer\n"
      "\n"
      "// end of file\n";
  CHECK(fmt(text) == text);
}

TEST_CASE("comments that cannot stay put move to their own line, in order") {
  CHECK(fmt("reducer r { on \"a\" { let x = [1, // one\n 2, /* two */ 3];\n"
            "if x == [] /* cond */ { count = 1; } /* between */\n else { count = 2; } } }") ==
        "reducer r {\n"
        "  on \"a\" {\n"
        "    // one\n"
        "    /* two */\n"
        "    let x = [1, 2, 3];\n"
        "    /* cond */\n"
        "    if x == [] {\n"
        "      count = 1;\n"
        "    } else {\n"
        "      /* between */\n"
        "      count = 2;\n"
        "    }\n"
        "  }\n"
        "}\n");
}

TEST_CASE("a file of comments only") {
  CHECK(fmt("  // one\n\n\n/* two */ /* three */\n") == "// one\n\n/* two */ /* three */\n");
  CHECK(fmt("") == "");
}

}  // namespace sessproc::format_testing
