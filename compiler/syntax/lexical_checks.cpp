// lexical_checks.cpp: InvalidUtf8, InvalidCharacter, UnterminatedString, UnterminatedComment.
#include "compiler/syntax/lexical_checks.h"

#include <algorithm>
#include <string>

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "ReducerLexer.h"

namespace sessproc::syntax {
namespace {

using diagnostics::DiagKind;
using sessproc_grammar::ReducerLexer;

// Tokens moved off the default channel without being comments: invisible to the parser.
constexpr std::size_t kDroppedChannel = 2;

class LexicalChecker {
 public:
  LexicalChecker(const SourceText& text, diagnostics::DiagnosticEngine& diagnostics,
                 std::uint32_t max_errors)
      : text_(text), diagnostics_(diagnostics), max_errors_(max_errors) {}

  LexicalResult run(const std::vector<antlr4::Token*>& tokens) {
    report_invalid_utf8();
    for (antlr4::Token* token : tokens) {
      if (token->getType() == ReducerLexer::UNTERMINATED_STRING) ++unterminated_strings_;
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      antlr4::Token* token = tokens[i];
      switch (token->getType()) {
        case ReducerLexer::INVALID_CHAR:
          i = invalid_characters(tokens, i);
          break;
        case ReducerLexer::UNTERMINATED_STRING:
          unterminated_string(token);
          break;
        case ReducerLexer::UNTERMINATED_COMMENT:
          unterminated_comment(token);
          break;
        default:
          break;
      }
    }
    report_invalid_characters();
    result_.gave_up = result_.gave_up || result_.errors >= max_errors_;
    return std::move(result_);
  }

 private:
  bool emit(DiagKind kind, source::SourceRange range, std::string message, std::string hint) {
    if (result_.errors >= max_errors_) return false;
    ++result_.errors;
    diagnostics_.emit(kind, range, std::move(message), std::move(hint));
    return true;
  }

  // One diagnostic per run of bytes that are not UTF-8, for the first few runs: a file with
  // many is binary data or another encoding, and is not parsed at all.
  void report_invalid_utf8() {
    const auto& bad = text_.invalid_bytes();
    std::vector<std::pair<std::size_t, std::size_t>> runs;  // [first, last) into `bad`
    for (std::size_t i = 0; i < bad.size();) {
      std::size_t j = i + 1;
      while (j < bad.size() && bad[j] == bad[j - 1] + 1) ++j;
      runs.emplace_back(i, j);
      i = j;
    }
    constexpr std::size_t kShown = 3;
    for (std::size_t r = 0; r < runs.size() && r < kShown; ++r) {
      auto [i, j] = runs[r];
      std::string bytes;
      for (std::size_t k = i; k < j && k < i + 4; ++k) {
        bytes += fmt::format("{}0x{:02x}", bytes.empty() ? "" : " ",
                             static_cast<unsigned char>(text_.bytes()[bad[k]]));
      }
      if (j - i > 4) bytes += " ...";
      std::string message =
          fmt::format("invalid UTF-8: {} {}", j - i == 1 ? "byte" : "bytes", bytes);
      std::string hint = "source files must be UTF-8 text";
      if (r + 1 == kShown && runs.size() > kShown) {
        message += fmt::format(" (and {} more invalid sequences)", runs.size() - kShown);
        hint += "; this file looks like binary data or another encoding";
        result_.gave_up = true;
      }
      emit(DiagKind::InvalidUtf8, text_.range(bad[i], bad[j - 1] + 1), std::move(message),
           std::move(hint));
    }
  }

  // A run of adjacent invalid characters is one mistake, reported once. Bytes that are not
  // UTF-8 were reported above and are only dropped here.
  std::size_t invalid_characters(const std::vector<antlr4::Token*>& tokens, std::size_t first) {
    std::size_t last = first;
    auto drop = [](antlr4::Token* token) {
      if (auto* writable = dynamic_cast<antlr4::WritableToken*>(token)) {
        writable->setChannel(kDroppedChannel);
      }
    };
    drop(tokens[first]);
    while (last + 1 < tokens.size() && tokens[last + 1]->getType() == ReducerLexer::INVALID_CHAR &&
           text_.range(tokens[last + 1]).begin == text_.range(tokens[last]).end) {
      drop(tokens[++last]);
    }
    source::SourceRange range{text_.file(), text_.range(tokens[first]).begin,
                              text_.range(tokens[last]).end};
    for (std::size_t i = last + 1; i < tokens.size(); ++i) {
      if (tokens[i]->getChannel() == antlr4::Token::DEFAULT_CHANNEL) {
        result_.damage.token_starts.push_back(text_.range(tokens[i]).begin);
        break;
      }
    }
    // Keep only the characters that are UTF-8: the others already have their diagnostic.
    std::u32string shown;
    std::uint32_t begin = UINT32_MAX;
    std::uint32_t end = range.begin;
    for (std::size_t i = first; i <= last; ++i) {
      source::SourceRange one = text_.range(tokens[i]);
      if (text_.is_invalid_byte(one.begin)) continue;
      begin = std::min(begin, one.begin);
      end = one.end;
      shown += text_.code_points()[tokens[i]->getStartIndex()];
    }
    if (shown.empty()) return last;
    invalid_runs_.push_back(
        {text_.range(begin, end),
         fmt::format("invalid {} {}", shown.size() == 1 ? "character" : "characters",
                     describe(shown, text_.slice(text_.range(begin, end)))),
         hint_for(shown.front())});
    return last;
  }

  // The first few runs of invalid characters; more than that is binary data, not a typo.
  void report_invalid_characters() {
    constexpr std::size_t kShown = 5;
    for (std::size_t r = 0; r < invalid_runs_.size() && r < kShown; ++r) {
      InvalidRun& run = invalid_runs_[r];
      if (r + 1 == kShown && invalid_runs_.size() > kShown) {
        run.message += fmt::format(" (and {} more)", invalid_runs_.size() - kShown);
        run.hint = "this file looks like binary data, not a .reducer source";
        result_.gave_up = true;
      }
      emit(DiagKind::InvalidCharacter, run.range, std::move(run.message), std::move(run.hint));
    }
  }

  // The first few; many unterminated strings mean a file that is not .reducer source.
  void unterminated_string(antlr4::Token* token) {
    constexpr std::size_t kShown = 3;
    source::SourceRange range = text_.range(token);
    if (strings_seen_ < kShown) {
      std::string message = "unterminated string";
      std::string hint = "close it with `\"` on the same line; strings cannot span lines";
      if (strings_seen_ + 1 == kShown && unterminated_strings_ > kShown) {
        message += fmt::format(" (and {} more)", unterminated_strings_ - kShown);
        hint = "this file looks like binary data, not a .reducer source";
        result_.gave_up = true;
      }
      emit(DiagKind::UnterminatedString, range, std::move(message), std::move(hint));
    }
    ++strings_seen_;
    // Parse it as the string it was meant to be; what follows is not trustworthy.
    if (auto* writable = dynamic_cast<antlr4::WritableToken*>(token)) {
      writable->setType(ReducerLexer::STRING);
    }
    result_.damage.everything_after = std::min(result_.damage.everything_after, range.begin);
  }

  void unterminated_comment(antlr4::Token* token) {
    source::SourceRange range = text_.range(token);
    emit(DiagKind::UnterminatedComment, text_.range(range.begin, range.begin + 2),
         "unterminated block comment",
         "close the comment that starts here; block comments do not nest");
    if (auto* writable = dynamic_cast<antlr4::WritableToken*>(token)) {
      writable->setChannel(antlr4::Token::HIDDEN_CHANNEL);
    }
    result_.damage.everything_after = std::min(result_.damage.everything_after, range.begin);
  }

  static bool is_graphic(char32_t c) {
    if (c <= 0x20 || c == 0x7F || (c >= 0x80 && c <= 0xA0)) return false;
    if ((c >= 0x2000 && c <= 0x200F) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
        c == 0x3000 || c == 0xFEFF) {
      return false;
    }
    return true;
  }

  // `@` for what can be shown, U+00A0 for spaces and control characters.
  static std::string describe(const std::u32string& shown, std::string_view spelling) {
    bool backtick = spelling.find('`') != std::string_view::npos;
    if (std::all_of(shown.begin(), shown.end(), is_graphic) && shown.size() <= 16 && !backtick) {
      return fmt::format("`{}`", spelling);
    }
    std::string out;
    for (std::size_t i = 0; i < shown.size() && i < 4; ++i) {
      out +=
          fmt::format("{}U+{:04X}", out.empty() ? "" : " ", static_cast<std::uint32_t>(shown[i]));
    }
    if (shown.size() > 4) out += " ...";
    return out;
  }

  static std::string hint_for(char32_t c) {
    switch (c) {
      case U'\'':
        return "strings are written in double quotes: `\"...\"`";
      case U'#':
        return "comments start with `//`";
      case U'&':
        return "the logical and is written `&&`";
      case U'|':
        return "the logical or is written `||`";
      case U'\u201C':
      case U'\u201D':
      case U'\u201E':
        return "use a plain double quote `\"`";
      default:
        break;
    }
    if (!is_graphic(c)) return "replace it with a plain space or remove it";
    if (c >= 0x80) return "identifiers use ASCII letters, digits and `_`";
    return {};
  }

  struct InvalidRun {
    source::SourceRange range;
    std::string message;
    std::string hint;
  };

  const SourceText& text_;
  diagnostics::DiagnosticEngine& diagnostics_;
  std::uint32_t max_errors_;
  LexicalResult result_;
  std::vector<InvalidRun> invalid_runs_;
  std::size_t unterminated_strings_ = 0;
  std::size_t strings_seen_ = 0;
};

}  // namespace

LexicalResult check_lexical(const std::vector<antlr4::Token*>& tokens, const SourceText& text,
                            diagnostics::DiagnosticEngine& diagnostics, std::uint32_t max_errors) {
  return LexicalChecker(text, diagnostics, max_errors).run(tokens);
}

}  // namespace sessproc::syntax
