// build_decls.cpp: declarations, reducer and session members, parameters.
//
// Emits ReducerNameNotIdentifier, InvalidPrefix, PrefixHasDot and TooManyParams.
#include <cctype>

#include <fmt/format.h>

#include "compiler/syntax/ast_builder.h"

namespace sessproc::syntax {
namespace {

// `my counter` -> `my_counter`: the nearest identifier to what was written.
std::string as_identifier(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool word = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    out += word ? c : '_';
  }
  if (out.empty()) return "counter";
  if (std::isdigit(static_cast<unsigned char>(out.front())) != 0) out.insert(0, "_");
  return out;
}

}  // namespace

// file := decl* EOF
ast::File AstBuilder::file(P::FileContext* ctx) {
  ast::File result;
  result.id = text_.file();
  if (ctx == nullptr) return result;
  for (P::DeclContext* d : ctx->decl()) {
    if (auto built = decl(d)) result.decls.push_back(std::move(*built));
  }
  return result;
}

// decl := reducerDecl | sessionDecl | fnDecl | effectDecl | typeAlias
std::optional<ast::Decl> AstBuilder::decl(P::DeclContext* ctx) {
  if (ctx == nullptr) return std::nullopt;
  if (auto* c = ctx->reducerDecl()) return reducer(c);
  if (auto* c = ctx->sessionDecl()) return session(c);
  if (auto* c = ctx->fnDecl()) return fn(c);
  if (auto* c = ctx->effectDecl()) return effect(c);
  if (auto* c = ctx->typeAlias()) return type_alias(c);
  return std::nullopt;
}

// reducerDecl := 'reducer' reducerName '{' member* '}'
ast::ReducerDecl AstBuilder::reducer(P::ReducerDeclContext* ctx) {
  ast::ReducerDecl result;
  result.range = range(ctx);
  result.name = reducer_name(ctx->reducerName());
  for (P::MemberContext* m : ctx->member()) {
    if (auto built = member(m)) result.members.push_back(std::move(*built));
  }
  return result;
}

// reducerName := ident | STRING | INT | FLOAT | ... (all but ident reported)
ast::Identifier AstBuilder::reducer_name(P::ReducerNameContext* ctx) {
  if (ctx == nullptr || ctx->ident() != nullptr) return identifier(ctx ? ctx->ident() : nullptr);
  ast::Identifier result{std::string(spelling(ctx)), range(ctx)};
  if (failed(ctx)) return result;
  std::string message;
  std::string hint;
  if (ctx->STRING() != nullptr) {
    ast::StringLiteral written = string_literal(ctx->STRING());
    result.name = as_identifier(written.value);
    message = fmt::format("reducer name `{}` is a string; a reducer name is an identifier",
                          spelling(ctx));
    hint = fmt::format("write `reducer {}`", result.name);
  } else if (ctx->hardKeyword() != nullptr || ctx->TRUE() || ctx->FALSE() || ctx->NIL()) {
    message = fmt::format("reducer name `{}` is a keyword; a reducer name is an identifier",
                          spelling(ctx));
    hint = fmt::format("choose another name, e.g. `reducer {}_`", spelling(ctx));
    result.name += "_";
  } else {
    result.name = as_identifier(spelling(ctx));
    message = fmt::format("reducer name `{}` is not an identifier", spelling(ctx));
    hint =
        "a reducer name is made of letters, digits and `_` and starts with a letter, e.g. "
        "`reducer counter`";
  }
  diagnostics_.emit(diagnostics::DiagKind::ReducerNameNotIdentifier, result.range,
                    std::move(message), std::move(hint));
  return result;
}

// member := prefixDecl | stateDecl | onHandler | asyncHandler | queryDecl | fnDecl | effectDecl
std::optional<ast::ReducerMember> AstBuilder::member(P::MemberContext* ctx) {
  if (ctx == nullptr) return std::nullopt;
  if (auto* c = ctx->prefixDecl()) return prefix(c);
  if (auto* c = ctx->stateDecl()) return state(c);
  if (auto* c = ctx->onHandler()) return on_handler(c);
  if (auto* c = ctx->asyncHandler()) return async_handler(c);
  if (auto* c = ctx->queryDecl()) return query(c);
  if (auto* c = ctx->fnDecl()) return fn(c);
  if (auto* c = ctx->effectDecl()) return effect(c);
  return std::nullopt;
}

// prefixDecl := 'prefix' (STRING | 'none' | other literal or name, reported) ';'
ast::PrefixDecl AstBuilder::prefix(P::PrefixDeclContext* ctx) {
  ast::PrefixDecl result;
  result.range = range(ctx);
  P::PrefixValueContext* value = ctx->prefixValue();
  if (value == nullptr) return result;
  if (value->NONE() != nullptr) {
    result.is_none = true;
    result.value.range = range(value);
    return result;
  }
  if (value->STRING() != nullptr) {
    result.value = string_literal(value->STRING());
    result.is_none = result.value.value.empty();
    // Point at the first `.` or blank as written between the quotes.
    std::string_view raw = text_.slice(result.value.range);
    for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
      bool blank = raw[i] == ' ' || raw[i] == '\t';
      bool escaped_blank =
          raw[i] == '\\' && (raw[i + 1] == 'n' || raw[i + 1] == 't' || raw[i + 1] == 'r');
      if (raw[i] != '.' && !blank && !escaped_blank) {
        if (raw[i] == '\\') ++i;  // skip the escaped character
        continue;
      }
      std::string fixed;
      for (char c : result.value.value) {
        fixed += (c == '.' || std::isspace(static_cast<unsigned char>(c)) != 0) ? '_' : c;
      }
      auto at = result.value.range.begin + static_cast<std::uint32_t>(i);
      diagnostics_.emit(
          diagnostics::DiagKind::PrefixHasDot, text_.range(at, at + (escaped_blank ? 2 : 1)),
          fmt::format("prefix `{}` contains {}; a prefix may not contain `.` or white space", raw,
                      raw[i] == '.' ? "`.`" : "white space"),
          fmt::format("action types are written `prefix.type`; write `prefix \"{}\";`", fixed));
      break;
    }
    return result;
  }
  result.value = {std::string(spelling(value)), range(value)};
  if (failed(value)) return result;
  std::string written(spelling(value));
  diagnostics_.emit(
      diagnostics::DiagKind::InvalidPrefix, range(value),
      fmt::format("invalid prefix `{}`; a prefix is a string literal or `none`", written),
      fmt::format("write `prefix \"{}\";` or `prefix none;`", written));
  return result;
}

// stateDecl := 'state' '{' (ident ':' type '=' expr ';')* '}'
ast::StateDecl AstBuilder::state(P::StateDeclContext* ctx) {
  ast::StateDecl result;
  result.range = range(ctx);
  for (P::StateFieldContext* f : ctx->stateField()) {
    ast::StateField field;
    field.range = range(f);
    field.name = identifier(f->ident());
    field.type = type(f->type());
    field.default_value = expr(f->expr());
    result.fields.push_back(std::move(field));
  }
  return result;
}

// onHandler := 'on' STRING params? ('when' expr)? rateLimit? block
ast::OnHandler AstBuilder::on_handler(P::OnHandlerContext* ctx) {
  ast::OnHandler result;
  result.range = range(ctx);
  result.action = string_literal(ctx->STRING());
  result.params = params(ctx->params(), fmt::format("on {}", text_.slice(result.action.range)));
  if (ctx->WHEN() != nullptr) result.guard = expr(ctx->expr());
  if (P::RateLimitContext* limit = ctx->rateLimit()) {
    ast::RateLimit rate;
    rate.kind =
        limit->THROTTLE() != nullptr ? ast::RateLimitKind::Throttle : ast::RateLimitKind::Debounce;
    rate.duration = duration(limit->duration());
    result.rate_limit = std::move(rate);
  }
  result.body = block(ctx->block());
  return result;
}

// asyncHandler := 'async' ('every' | 'latest' | 'leading')? STRING params? block
ast::AsyncHandler AstBuilder::async_handler(P::AsyncHandlerContext* ctx) {
  ast::AsyncHandler result;
  result.range = range(ctx);
  result.policy_written = true;
  if (ctx->LATEST() != nullptr) {
    result.policy = ast::AsyncPolicy::Latest;
  } else if (ctx->LEADING() != nullptr) {
    result.policy = ast::AsyncPolicy::Leading;
  } else {
    result.policy = ast::AsyncPolicy::Every;
    result.policy_written = ctx->EVERY() != nullptr;
  }
  result.action = string_literal(ctx->STRING());
  result.params = params(ctx->params(), fmt::format("async {}", text_.slice(result.action.range)));
  result.body = block(ctx->block());
  return result;
}

// queryDecl := 'query' STRING params? ('->' type)? block   (the result type is required)
ast::QueryDecl AstBuilder::query(P::QueryDeclContext* ctx) {
  ast::QueryDecl result;
  result.range = range(ctx);
  result.name = string_literal(ctx->STRING());
  std::string owner = fmt::format("query {}", text_.slice(result.name.range));
  result.params = params(ctx->params(), owner);
  if (ctx->type() != nullptr) {
    result.result = type(ctx->type());
  } else {
    missing_result(ctx,
                   ctx->params() != nullptr ? range(ctx->params()).end : result.name.range.end);
  }
  result.body = block(ctx->block());
  return result;
}

// fnDecl := 'fn' ident params ('->' type)? block   (the result type is required)
ast::FnDecl AstBuilder::fn(P::FnDeclContext* ctx) {
  ast::FnDecl result;
  result.range = range(ctx);
  result.name = identifier(ctx->ident());
  result.params = params(ctx->params());
  if (ctx->type() != nullptr) {
    result.result = type(ctx->type());
  } else {
    missing_result(ctx, range(ctx->params()).end);
  }
  result.body = block(ctx->block());
  return result;
}

void AstBuilder::missing_result(antlr4::ParserRuleContext* ctx, std::uint32_t at) {
  if (failed(ctx)) return;
  std::string_view head = text_.slice(text_.range(range(ctx).begin, at));
  syntax_errors_.report(text_.range(at, at),
                        fmt::format("expected `->` and a result type after `{}`", head),
                        fmt::format("declare what it returns, e.g. `{} -> int`", head));
}

// effectDecl := 'effect' ident ('.' ident)* params ('->' type)? ';'
ast::EffectDecl AstBuilder::effect(P::EffectDeclContext* ctx) {
  ast::EffectDecl result;
  result.range = range(ctx);
  for (P::IdentContext* part : ctx->ident()) result.path.push_back(identifier(part));
  result.params = params(ctx->params());
  if (ctx->type() != nullptr) result.result = type(ctx->type());
  return result;
}

// typeAlias := 'type' ident '=' type ';'
ast::TypeAlias AstBuilder::type_alias(P::TypeAliasContext* ctx) {
  ast::TypeAlias result;
  result.range = range(ctx);
  result.name = identifier(ctx->ident());
  result.type = type(ctx->type());
  return result;
}

// sessionDecl := 'session' ident '{' (sessionReducers | sessionTtl | sessionInit)* '}'
ast::SessionDecl AstBuilder::session(P::SessionDeclContext* ctx) {
  ast::SessionDecl result;
  result.range = range(ctx);
  result.name = identifier(ctx->ident());
  for (P::SessionMemberContext* m : ctx->sessionMember()) {
    if (P::SessionReducersContext* r = m->sessionReducers()) {
      ast::SessionReducers reducers;
      reducers.range = range(r);
      for (P::IdentContext* name : r->ident()) reducers.names.push_back(identifier(name));
      result.members.emplace_back(std::move(reducers));
    } else if (P::SessionTtlContext* t = m->sessionTtl()) {
      result.members.emplace_back(ast::SessionTtl{duration(t->duration()), range(t)});
    } else if (P::SessionInitContext* i = m->sessionInit()) {
      ast::SessionInit init;
      init.range = range(i);
      init.params = params(i->params(), "init");
      init.body = block(i->block());
      result.members.emplace_back(std::move(init));
    }
  }
  return result;
}

// params := '(' (param (',' param)* ','?)? ')'   param := ident ':' type
std::vector<ast::Param> AstBuilder::params(P::ParamsContext* ctx, std::string_view owner) {
  std::vector<ast::Param> result;
  if (ctx == nullptr) return result;
  std::vector<P::ParamContext*> written = ctx->param();
  for (P::ParamContext* p : written) {
    result.push_back({identifier(p->ident()), type(p->type()), range(p)});
  }
  if (owner.empty() || written.size() <= 1 || failed(ctx)) return result;

  // Handlers take their payload as one value: suggest the record that holds these fields.
  std::string record;
  for (P::ParamContext* p : written) {
    record += fmt::format("{}{}", record.empty() ? "" : ", ", spelling(p));
  }
  source::SourceRange extra{text_.file(), range(written[1]).begin, range(written.back()).end};
  std::string_view what = owner == "init"              ? "`init`"
                          : owner.starts_with("query") ? "a query"
                                                       : "a handler";
  diagnostics_.emit(
      diagnostics::DiagKind::TooManyParams, extra,
      fmt::format("`{}` has {} parameters; {} takes at most one", owner, written.size(), what),
      fmt::format("take one record parameter: `(p: {{ {} }})`", record));
  result.resize(1);
  return result;
}

}  // namespace sessproc::syntax
