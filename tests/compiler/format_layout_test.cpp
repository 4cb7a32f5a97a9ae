// format_layout_test.cpp: whatever the layout of its input, and wherever its
// comments stand, `sessc fmt` is idempotent and keeps the tree and the
// comments (in order). Inputs are the examples and the golden cases that
// parse, rewritten between their tokens.
#include <doctest/doctest.h>

#include <cstdint>

#include "tests/compiler/format_support.h"

namespace sessproc::format_testing {

TEST_CASE("a block comment in every gap between tokens survives, in order") {
  for (const auto& text : clean_examples()) {
    std::string tortured = rewrite_gaps(text, [](std::size_t index, const Gap&, std::string gap) {
      return gap + "/*c" + std::to_string(index) + "*/ ";
    });
    INFO("input:\n", tortured);
    check_round_trip(tortured);
  }
}

TEST_CASE("a line comment at the end of every line survives, in order") {
  for (const auto& text : clean_examples()) {
    std::string tortured =
        rewrite_gaps(text, [](std::size_t index, const Gap& gap, std::string ws) {
          if (!gap.has_newline) return ws;
          return " // l" + std::to_string(index) + ws;
        });
    INFO("input:\n", tortured);
    check_round_trip(tortured);
  }
}

TEST_CASE("comments and blank lines mixed at random between tokens survive") {
  for (const auto& text : clean_examples()) {
    for (std::uint32_t seed = 1; seed <= 4; ++seed) {
      std::uint32_t state = seed;
      auto next = [&state] {
        state = state * 1664525u + 1013904223u;  // a fixed LCG: the same cases every run
        return (state >> 16) % 6;
      };
      std::string mixed =
          rewrite_gaps(text, [&](std::size_t index, const Gap&, const std::string& gap) {
            std::string n = std::to_string(index);
            switch (next()) {
              case 0:
                return " /*b" + n + "*/ ";
              case 1:
                return " // l" + n + "\n";
              case 2:
                return "\n\n\n// o" + n + "\n\n";
              case 3:
                return "\n/* m" + n + "\n   continued */\n";
              default:
                return gap;
            }
          });
      INFO("input:\n", mixed);
      check_round_trip(mixed);
    }
  }
}

TEST_CASE("any layout of the same tokens formats the same") {
  for (const auto& text : clean_examples()) {
    // Everything on as few lines as the `//` comments allow, then every gap a
    // line break: both give the tree of the original, so the same text when
    // the original has no comments whose place depends on line breaks.
    std::string flat =
        rewrite_gaps(text, [](std::size_t, const Gap&, const std::string&) { return " "; });
    std::string tall =
        rewrite_gaps(text, [](std::size_t, const Gap&, const std::string&) { return "\n\n"; });
    INFO("flat:\n", flat);
    check_round_trip(flat);
    INFO("tall:\n", tall);
    check_round_trip(tall);
    if (parse(text)->file.comments.empty()) {
      CHECK(parse(flat)->formatted() == parse(text)->formatted());
    }
  }
}

}  // namespace sessproc::format_testing
