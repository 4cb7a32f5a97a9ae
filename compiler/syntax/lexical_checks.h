// lexical_checks.h: reports the lexer's error tokens and prepares the stream for the parser.
//
// The grammar turns every lexical mistake into a token of its own (INVALID_CHAR,
// UNTERMINATED_STRING, UNTERMINATED_COMMENT) instead of letting ANTLR print "token recognition
// error". This pass reports each one precisely, together with the bytes that are not UTF-8,
// then repairs the stream so that the parser sees as little damage as possible: invalid
// characters leave the default channel, an unterminated string parses as a string and an
// unterminated comment as a comment. It also tells the error sink where syntax errors would
// only echo these.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/syntax/error_sink.h"
#include "compiler/syntax/source_text.h"

namespace antlr4 {
class Token;
}

namespace sessproc::syntax {

struct LexicalResult {
  LexicalDamage damage;
  std::uint32_t errors = 0;
  // The error budget ran out: the file is not worth parsing (binary data, another language).
  bool gave_up = false;
};

LexicalResult check_lexical(const std::vector<antlr4::Token*>& tokens, const SourceText& text,
                            diagnostics::DiagnosticEngine& diagnostics, std::uint32_t max_errors);

}  // namespace sessproc::syntax
