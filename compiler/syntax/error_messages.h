// error_messages.h: the words of syntax errors, in house style.
//
// ANTLR says "mismatched input 'x' expecting {';', '+', '-', ...}". We say what was seen and
// what the grammar wanted in a user's terms: "unexpected `x`; expected an expression",
// "expected `;` after the statement", and, as Lua does, name the construct that is still
// open: "expected `}` to close `reducer counter` opened at 1:1".
#pragma once

#include <optional>
#include <string>

#include "compiler/source/source_manager.h"
#include "compiler/syntax/source_text.h"

namespace antlr4 {
class Parser;
namespace dfa {
class Vocabulary;
}
class ParserRuleContext;
class Token;
namespace misc {
class IntervalSet;
}
}  // namespace antlr4

namespace sessproc::syntax {

// A bracket that is open where an error occurred, and what it opens.
struct OpenConstruct {
  std::size_t closer = 0;  // token type of the closing bracket
  std::string name;        // "`reducer counter`", "`on \"inc\"`", "`(`"
  source::SourceRange at;  // where the construct starts
};

class ErrorWording {
 public:
  ErrorWording(const SourceText& text, const source::SourceManager& sources,
               const antlr4::dfa::Vocabulary& vocabulary)
      : text_(text), sources_(sources), vocabulary_(vocabulary) {}

  // "`foo`", or "the end of the file".
  [[nodiscard]] std::string token(const antlr4::Token* token) const;
  // "`;`", "`,` or `)`", "an expression", "a type", ...; empty for an empty set.
  [[nodiscard]] std::string expected(const antlr4::misc::IntervalSet& set) const;
  // " after the statement" when `context` is within a construct that ends with `;`.
  [[nodiscard]] std::string after(antlr4::ParserRuleContext* context) const;
  // The innermost bracket opened before `offending` and still open, described through the
  // parser's rule stack.
  [[nodiscard]] std::optional<OpenConstruct> open_construct(antlr4::Parser* parser,
                                                            const antlr4::Token* offending) const;
  // "1:1"
  [[nodiscard]] std::string line_col(source::SourceRange range) const;

 private:
  const SourceText& text_;
  const source::SourceManager& sources_;
  const antlr4::dfa::Vocabulary& vocabulary_;
};

}  // namespace sessproc::syntax
