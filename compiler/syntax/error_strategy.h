// error_strategy.h: ANTLR's recovering error strategy, reporting in house style.
//
// DefaultErrorStrategy decides how to recover (delete one token, conjure one, or resynchronise
// on the follow set) and suppresses errors until it has recovered; we keep all of that and
// replace only the reporting, which goes through ErrorWording to the SyntaxErrorSink.
// SinkErrorListener adapts anything ANTLR reports on its own (it should be nothing: the lexer
// has a token for every input) into the same sink.
#pragma once

#include <antlr4-runtime.h>

#include "compiler/syntax/error_messages.h"
#include "compiler/syntax/error_sink.h"
#include "compiler/syntax/source_text.h"

namespace sessproc::syntax {

class ReportingErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  ReportingErrorStrategy(const SourceText& text, const ErrorWording& wording, SyntaxErrorSink& sink)
      : text_(text), wording_(wording), sink_(sink) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* parser,
                                 const antlr4::NoViableAltException& e) override;
  void reportInputMismatch(antlr4::Parser* parser,
                           const antlr4::InputMismatchException& e) override;
  void reportFailedPredicate(antlr4::Parser* parser,
                             const antlr4::FailedPredicateException& e) override;
  void reportUnwantedToken(antlr4::Parser* parser) override;
  void reportMissingToken(antlr4::Parser* parser) override;
  // Skips to the resynchronisation set like the default, but never stops at a closing bracket
  // whose opener it skipped itself: recovering inside `fn for() { ... }` must not take the
  // body's `}` for the end of the enclosing reducer. Within statements it skips a `{ ... }`
  // whole rather than resuming at its `{`.
  void consumeUntil(antlr4::Parser* parser, const antlr4::misc::IntervalSet& set) override;

 private:
  // "unexpected `x`; expected ..." at `offending`, or the missing closer of an open construct.
  void unexpected(antlr4::Parser* parser, antlr4::Token* offending,
                  const antlr4::misc::IntervalSet& expected);
  // Where to show an error at `offending`: its own range, or right after the last token when
  // it is the end of the file.
  source::SourceRange place(antlr4::Parser* parser, antlr4::Token* offending) const;
  // A declaration keyword (`on`, `fn`, ...) at the start of a line inside an open block means
  // the block's `}` is missing: say so, Lua style, and forgive the surplus `}` later on.
  bool missing_close_before_member(antlr4::Parser* parser, antlr4::Token* offending);
  bool starts_line(antlr4::Parser* parser, antlr4::Token* token) const;

  const SourceText& text_;
  const ErrorWording& wording_;
  SyntaxErrorSink& sink_;
  std::size_t owed_closers_ = 0;
};

class SinkErrorListener : public antlr4::BaseErrorListener {
 public:
  SinkErrorListener(const SourceText& text, SyntaxErrorSink& sink) : text_(text), sink_(sink) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t line,
                   size_t column, const std::string& message, std::exception_ptr e) override;

 private:
  const SourceText& text_;
  SyntaxErrorSink& sink_;
};

}  // namespace sessproc::syntax
