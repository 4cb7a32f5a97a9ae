// signatures.cpp: a small parser for the signature texts of stdlib/builtins.def.
//
//   signature := IDENT ('.' IDENT)* '(' (param (',' param)*)? ')' ('->' type)?
//   param     := (IDENT ':')? type
//   type      := base '?'?
//   base      := 'int' | 'float' | 'bool' | 'string' | 'any' | 'nil' | VAR
//              | 'list' '<' type '>' | 'map' '<' type '>' | '{' (IDENT ':' type (',' ...)*)? '}'
// VAR is a single upper-case letter. The texts are ours, so a malformed one is a bug: the parser
// gives up with nullopt and the unit tests parse every entry.
#include <cctype>

#include "compiler/check/checker.h"

namespace sessproc::check {
namespace {

class SignatureParser {
 public:
  SignatureParser(TypeStore& types, std::string_view text) : types_(types), text_(text) {}

  std::optional<Signature> parse() {
    Signature signature;
    auto name = ident();
    if (!name) return std::nullopt;
    signature.name = *name;
    while (accept('.')) {
      auto part = ident();
      if (!part) return std::nullopt;
      signature.name += '.' + *part;
    }
    if (!accept('(')) return std::nullopt;
    if (!accept(')')) {
      do {
        EffectParam param;
        std::size_t mark = pos_;
        auto param_name = ident();
        if (param_name && accept(':')) {
          param.name = *param_name;
        } else {
          pos_ = mark;
        }
        auto type = parse_type();
        if (!type) return std::nullopt;
        param.type = *type;
        signature.params.push_back(std::move(param));
      } while (accept(','));
      if (!accept(')')) return std::nullopt;
    }
    signature.result = types_.nil();
    if (accept('-')) {
      if (!accept('>')) return std::nullopt;
      auto result = parse_type();
      if (!result) return std::nullopt;
      signature.result = *result;
    }
    skip_space();
    if (pos_ != text_.size()) return std::nullopt;
    return signature;
  }

 private:
  std::optional<TypeId> parse_type() {
    auto base = parse_base();
    if (!base) return std::nullopt;
    return accept('?') ? types_.optional(*base) : *base;
  }

  std::optional<TypeId> parse_base() {
    if (accept('{')) {
      std::vector<RecordField> fields;
      if (!accept('}')) {
        do {
          auto name = ident();
          if (!name || !accept(':')) return std::nullopt;
          auto type = parse_type();
          if (!type) return std::nullopt;
          fields.push_back({*name, *type});
        } while (accept(','));
        if (!accept('}')) return std::nullopt;
      }
      return types_.record(std::move(fields));
    }
    auto name = ident();
    if (!name) return std::nullopt;
    if (*name == "list" || *name == "map") {
      if (!accept('<')) return std::nullopt;
      auto element = parse_type();
      if (!element || !accept('>')) return std::nullopt;
      return *name == "list" ? types_.list(*element) : types_.map(*element);
    }
    if (*name == "int") return types_.int_();
    if (*name == "float") return types_.float_();
    if (*name == "bool") return types_.bool_();
    if (*name == "string") return types_.string();
    if (*name == "any") return types_.any();
    if (*name == "nil") return types_.nil();
    if (name->size() == 1 && std::isupper(static_cast<unsigned char>((*name)[0]))) {
      return types_.var(*name);
    }
    return std::nullopt;
  }

  void skip_space() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }

  bool accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::optional<std::string> ident() {
    skip_space();
    std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    if (start == pos_) return std::nullopt;
    return std::string(text_.substr(start, pos_ - start));
  }

  TypeStore& types_;
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<Signature> parse_signature(TypeStore& types, std::string_view text) {
  return SignatureParser(types, text).parse();
}

}  // namespace sessproc::check
