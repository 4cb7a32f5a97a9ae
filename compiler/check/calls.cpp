// calls.cpp: calls of fns, built-ins and effects, and `await`.
//
// A callee is a name, never a value: `f(x)` names a fn (of the enclosing reducer, or top-level)
// or a built-in; `users.get(id)` names an effect. Effects are called only under `await`, and
// only effects are awaited. Built-in overloads are tried in table order; the first whose
// parameters the arguments fit wins.
#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "compiler/check/compat.h"

namespace sessproc::check {
namespace {

std::string callee_path(const ast::Call& call) {
  std::string path;
  for (const auto& part : call.callee) {
    if (!path.empty()) path += '.';
    path += part.name;
  }
  return path;
}

SourceRange callee_range(const ast::Call& call) {
  SourceRange range = call.callee.front().range;
  range.end = call.callee.back().range.end;
  return range;
}

std::string count_text(std::size_t count) {
  return fmt::format("{} argument{}", count, count == 1 ? "" : "s");
}

}  // namespace

std::optional<std::uint32_t> Checker::find_fn(const BodyContext& ctx,
                                              const std::string& name) const {
  if (ctx.reducer) {
    const auto& local = reducer_fns[*ctx.reducer];
    if (auto found = local.find(name); found != local.end()) return found->second;
  }
  if (auto found = top_fns.find(name); found != top_fns.end()) return found->second;
  return std::nullopt;
}

std::optional<std::uint32_t> Checker::find_effect(const BodyContext& ctx,
                                                  const std::string& path) const {
  if (ctx.reducer) {
    const auto& local = reducer_effects[*ctx.reducer];
    if (auto found = local.find(path); found != local.end()) return found->second;
  }
  if (auto found = top_effects.find(path); found != top_effects.end()) return found->second;
  return std::nullopt;
}

TypeId Checker::check_await(BodyContext& ctx, const ast::Expr& expr, const ast::Await& await) {
  if (ctx.body.kind != BodyKind::Async) report.await_outside_async(expr.range, ctx.where);
  if (const auto* call = std::get_if<ast::Call>(&await.call->kind)) {
    TypeId type = check_call(ctx, *await.call, *call, true);
    out.expr_types[await.call.get()] = type;
    return type;
  }
  check_expr(ctx, *await.call);  // the grammar allows only calls; stay robust anyway
  report.await_not_effect(await.call->range, "this expression", "not a call");
  return out.types.error();
}

TypeId Checker::check_call(BodyContext& ctx, const ast::Expr& expr, const ast::Call& call,
                           bool awaited) {
  if (call.callee.empty()) return out.types.error();
  std::string path = callee_path(call);
  SourceRange at = callee_range(call);
  if (call.callee.size() == 1) {
    if (auto fn = find_fn(ctx, path)) {
      if (awaited) report.await_not_effect(at, path, "a `fn`");
      return check_fn_call(ctx, expr, call, *fn);
    }
    if (auto builtin = builtins.find(path); builtin != builtins.end()) {
      if (awaited) report.await_not_effect(at, path, "a built-in function");
      return check_builtin_call(ctx, expr, call, builtin->second);
    }
  }
  if (auto effect = find_effect(ctx, path)) {
    if (!awaited) report.effect_without_await(at, path);
    return check_effect_call(ctx, expr, call, *effect);
  }
  for (const auto& arg : call.args) check_expr(ctx, *arg);
  std::vector<std::string> known;
  if (call.callee.size() == 1 && !awaited) {
    for (const auto& [name, index] : top_fns) known.push_back(name);
    if (ctx.reducer) {
      for (const auto& [name, index] : reducer_fns[*ctx.reducer]) known.push_back(name);
    }
    for (const auto& [name, overloads] : builtins) known.push_back(name);
    report.unknown_function(at, path, known);
  } else {
    for (const auto& [name, index] : top_effects) known.push_back(name);
    if (ctx.reducer) {
      for (const auto& [name, index] : reducer_effects[*ctx.reducer]) known.push_back(name);
    }
    report.unknown_effect(at, path, known);
  }
  return out.types.error();
}

TypeId Checker::check_fn_call(BodyContext& ctx, const ast::Expr& expr, const ast::Call& call,
                              std::uint32_t fn) {
  const FnInfo& info = out.fns[fn];
  out.calls[&expr] = CallTarget{CallTarget::Kind::Fn, fn, {}, 0};
  if (ctx.fn) call_edges.push_back({*ctx.fn, fn, callee_range(call)});
  if (call.args.size() != info.params.size()) {
    for (const auto& arg : call.args) check_expr(ctx, *arg);
    report.wrong_argument_count(expr.range, info.name, count_text(info.params.size()),
                                call.args.size(), {});
    return info.result;
  }
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    check_expr_as(ctx, *call.args[i], info.params[i],
                  fmt::format("argument {} of `{}`", i + 1, info.name));
  }
  return info.result;
}

TypeId Checker::check_effect_call(BodyContext& ctx, const ast::Expr& expr, const ast::Call& call,
                                  std::uint32_t effect) {
  // Copy what is needed: checking arguments never adds effects, but stay independent of that.
  std::vector<EffectParam> params = out.effects[effect].params;
  std::string path = out.effects[effect].path;
  TypeId result = out.effects[effect].result;
  out.calls[&expr] = CallTarget{CallTarget::Kind::Effect, 0, {}, effect};
  if (call.args.size() != params.size()) {
    for (const auto& arg : call.args) check_expr(ctx, *arg);
    report.wrong_argument_count(expr.range, path, count_text(params.size()), call.args.size(), {});
    return result;
  }
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    check_expr_as(ctx, *call.args[i], params[i].type,
                  fmt::format("argument `{}` of `{}`", params[i].name, path));
  }
  return result;
}

TypeId Checker::check_builtin_call(BodyContext& ctx, const ast::Expr& expr, const ast::Call& call,
                                   const std::vector<BuiltinOverload>& overloads) {
  TypeStore& types = out.types;
  const std::string& name = overloads.front().signature.name;
  std::vector<const BuiltinOverload*> candidates;
  for (const auto& overload : overloads) {
    if (overload.signature.params.size() == call.args.size()) candidates.push_back(&overload);
  }
  std::string all_signatures;
  for (const auto& overload : overloads) {
    if (!all_signatures.empty()) all_signatures += ", ";
    all_signatures += fmt::format("`{}`", overload.text);
  }
  if (candidates.empty()) {
    for (const auto& arg : call.args) check_expr(ctx, *arg);
    std::string expected;
    for (const auto& overload : overloads) {
      std::string count = std::to_string(overload.signature.params.size());
      if (expected.find(count) != std::string::npos) continue;
      if (!expected.empty()) expected += " or ";
      expected += count;
    }
    bool one = expected == "1";
    report.wrong_argument_count(expr.range, name,
                                fmt::format("{} argument{}", expected, one ? "" : "s"),
                                call.args.size(), fmt::format("`{}` is {}", name, all_signatures));
    return types.error();
  }

  // With one candidate, a concrete parameter type guides the argument (`[]`, `{}`, records).
  std::vector<TypeId> args;
  for (std::size_t i = 0; i < call.args.size(); ++i) {
    std::optional<TypeId> expected;
    if (candidates.size() == 1) {
      TypeId param = candidates.front()->signature.params[i].type;
      if (substitute(types, param, {}) == param) expected = param;
    }
    args.push_back(check_expr(ctx, *call.args[i], expected));
  }

  auto instantiate = [&](const BuiltinOverload& overload) {
    // Variables inside containers bind first (`list<T>` from `list<int>`), then variables
    // standing alone, which only fill what is still open, so `append(xs, 1)` with
    // `xs: list<float>` keeps T = float and widens the 1.
    Bindings bindings;
    const auto& params = overload.signature.params;
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (!types.is(params[i].type, TypeKind::Var)) bind(types, params[i].type, args[i], bindings);
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (!types.is(params[i].type, TypeKind::Var)) continue;
      const std::string& var = types.node(params[i].type).name;
      auto found = bindings.find(var);
      if (found == bindings.end()) {
        bindings.emplace(var, args[i]);
      } else if (types.contains_never(found->second)) {
        if (auto joined = join(types, found->second, args[i])) found->second = *joined;
      }
    }
    return bindings;
  };

  for (const BuiltinOverload* candidate : candidates) {
    Bindings bindings = instantiate(*candidate);
    bool fits = true;
    for (std::size_t i = 0; i < args.size() && fits; ++i) {
      fits = assignable(types, args[i],
                        substitute(types, candidate->signature.params[i].type, bindings));
    }
    if (!fits) continue;
    for (std::size_t i = 0; i < args.size(); ++i) {
      require(*call.args[i], args[i],
              substitute(types, candidate->signature.params[i].type, bindings), "");
    }
    out.calls[&expr] = CallTarget{CallTarget::Kind::Builtin, 0, candidate->id, 0};
    return substitute(types, candidate->signature.result, bindings);
  }

  if (candidates.size() == 1) {
    Bindings bindings = instantiate(*candidates.front());
    for (std::size_t i = 0; i < args.size(); ++i) {
      TypeId param = substitute(types, candidates.front()->signature.params[i].type, bindings);
      if (!require(*call.args[i], args[i], param,
                   fmt::format("argument {} of `{}`", i + 1, name))) {
        break;
      }
    }
    return types.error();
  }
  std::string given;
  for (TypeId arg : args) {
    if (!given.empty()) given += ", ";
    given += types.print(arg);
  }
  report.type_mismatch(expr.range, fmt::format("no overload of `{}` accepts ({})", name, given),
                       fmt::format("`{}` is {}", name, all_signatures));
  return types.error();
}

}  // namespace sessproc::check
