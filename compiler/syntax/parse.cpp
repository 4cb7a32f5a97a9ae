// parse.cpp: parse_file, the syntax phase's pipeline.
//
//   decode UTF-8 -> lex everything -> report lexical errors -> bound the nesting
//   -> parse (SLL, bail out) -> on failure reparse (LL, recover, report) -> build the AST
//
// SLL prediction with a bail-out strategy is ANTLR's fast path and succeeds on every
// well-formed file; only a file with an error (or, rarely, one that needs full-context
// prediction) pays for the second, reporting pass. Every exception ANTLR might throw stops
// here.
#include "compiler/syntax/parse.h"

#include <memory>

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "ReducerLexer.h"
#include "ReducerParser.h"
#include "compiler/syntax/ast_builder.h"
#include "compiler/syntax/error_messages.h"
#include "compiler/syntax/error_sink.h"
#include "compiler/syntax/error_strategy.h"
#include "compiler/syntax/lexical_checks.h"
#include "compiler/syntax/nesting_check.h"
#include "compiler/syntax/source_text.h"

namespace sessproc::syntax {
namespace {

using sessproc_grammar::ReducerLexer;
using sessproc_grammar::ReducerParser;

// ANTLR's input stream over code points we decoded ourselves (so that invalid UTF-8 is ours
// to report rather than an exception from ANTLR's converter).
class CodePointStream : public antlr4::ANTLRInputStream {
 public:
  CodePointStream(const std::u32string& code_points, std::string name) {
    _data = code_points;
    this->name = std::move(name);
  }
};

std::vector<ast::Comment> comments_of(const std::vector<antlr4::Token*>& tokens,
                                      const SourceText& text) {
  std::vector<ast::Comment> comments;
  for (antlr4::Token* token : tokens) {
    std::size_t type = token->getType();
    if (type == ReducerLexer::LINE_COMMENT || type == ReducerLexer::BLOCK_COMMENT) {
      source::SourceRange range = text.range(token);
      comments.push_back({std::string(text.slice(range)), range});
    }
  }
  return comments;
}

ast::File parse_tokens(antlr4::CommonTokenStream& tokens, const SourceText& text,
                       const source::SourceManager& sources, SyntaxErrorSink& sink,
                       diagnostics::DiagnosticEngine& diagnostics) {
  ReducerParser parser(&tokens);
  parser.removeErrorListeners();
  auto* interpreter = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();

  ReducerParser::FileContext* tree = nullptr;
  try {
    interpreter->setPredictionMode(antlr4::atn::PredictionMode::SLL);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    tree = parser.file();
  } catch (const antlr4::ParseCancellationException&) {
    // Rewind and parse again, this time to report and recover.
    tokens.seek(0);
    parser.reset();
    ErrorWording wording(text, sources, parser.getVocabulary());
    SinkErrorListener listener(text, sink);
    parser.addErrorListener(&listener);
    parser.setErrorHandler(std::make_shared<ReportingErrorStrategy>(text, wording, sink));
    interpreter->setPredictionMode(antlr4::atn::PredictionMode::LL);
    tree = parser.file();
    parser.removeErrorListeners();
  }
  AstBuilder builder(text, diagnostics, sink);
  return builder.file(tree);
}

}  // namespace

ast::File parse_file(const source::SourceManager& sources, source::FileId file,
                     diagnostics::DiagnosticEngine& diagnostics, const ParseOptions& options) {
  const source::SourceFile& source = sources.file(file);
  SourceText text(file, source.text());
  SyntaxErrorSink sink(text.bytes(), diagnostics, options.max_errors);
  ast::File result;
  result.id = file;
  try {
    CodePointStream input(text.code_points(), source.path());
    ReducerLexer lexer(&input);
    SinkErrorListener lexer_listener(text, sink);
    lexer.removeErrorListeners();
    lexer.addErrorListener(&lexer_listener);
    antlr4::CommonTokenStream tokens(&lexer);
    tokens.fill();
    std::vector<antlr4::Token*> all = tokens.getTokens();

    LexicalResult lexical = check_lexical(all, text, diagnostics, options.max_errors);
    sink.spend(lexical.errors);
    sink.set_damage(std::move(lexical.damage));
    std::vector<ast::Comment> comments = comments_of(all, text);
    if (lexical.gave_up || !check_nesting(all, text, diagnostics, options.max_nesting)) {
      result.comments = std::move(comments);
      return result;
    }
    tokens.seek(0);  // the lexical checks moved tokens between channels
    result = parse_tokens(tokens, text, sources, sink, diagnostics);
    result.id = file;
    result.comments = std::move(comments);
  } catch (const std::exception& e) {
    sink.report(text.range(0, 0), fmt::format("internal error while parsing: {}", e.what()));
  } catch (...) {
    sink.report(text.range(0, 0), "internal error while parsing");
  }
  return result;
}

}  // namespace sessproc::syntax
