// handlers.cpp: reducer-level rules, handler and query bodies, routing and `dispatch`.
//
// Routing follows RUNTIME.md: a dispatched type `p.rest` reaches the handlers for `rest` of
// every reducer whose prefix is `p`, and the handlers for `p.rest` of every catch-all reducer;
// a type without a dot reaches the handlers for it in every reducer. Both `on` and `async`
// handlers count. The index is built once, so each dispatch costs a hash lookup.
#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "compiler/check/compat.h"

namespace sessproc::check {
namespace {

constexpr char kSep = '\x1f';

std::string prefixed_key(std::string_view prefix, std::string_view action) {
  return fmt::format("P{}{}{}", prefix, kSep, action);
}
std::string any_reducer_key(std::string_view action) {
  return fmt::format("D{}", action);
}
std::string catch_all_key(std::string_view full) {
  return fmt::format("C{}", full);
}

}  // namespace

void Checker::check_reducer_rules(std::uint32_t index) {
  const ReducerInfo& reducer = out.reducers[index];
  std::unordered_map<std::string, const ast::OnHandler*> unguarded;
  for (const auto& handler : reducer.on_handlers) {
    const ast::OnHandler& decl = *handler.decl;
    if (auto earlier = unguarded.find(handler.action); earlier != unguarded.end()) {
      report.unreachable_handler(decl.action.range, handler.action, earlier->second->action.range);
    } else if (decl.guard == nullptr) {
      unguarded.emplace(handler.action, &decl);
    }
  }
  std::unordered_map<std::string, const ast::AsyncHandler*> asyncs;
  for (const auto& handler : reducer.async_handlers) {
    auto [earlier, fresh] = asyncs.emplace(handler.action, handler.decl);
    if (!fresh) {
      report.duplicate_handler(handler.decl->action.range, handler.action, reducer.name,
                               earlier->second->action.range);
    }
  }
  if (!reducer.prefix) return;
  std::string repeated = *reducer.prefix + ".";
  auto warn_repeated = [&](const ast::StringLiteral& action) {
    if (action.value.starts_with(repeated)) {
      report.prefix_repeated(action.range, action.value, *reducer.prefix);
    }
  };
  for (const auto& handler : reducer.on_handlers) warn_repeated(handler.decl->action);
  for (const auto& handler : reducer.async_handlers) warn_repeated(handler.decl->action);
}

void Checker::build_routes() {
  for (std::uint32_t r = 0; r < out.reducers.size(); ++r) {
    const ReducerInfo& reducer = out.reducers[r];
    auto add = [&](const std::string& action, const std::vector<ast::Param>& params,
                   std::optional<TypeId> param) {
      RouteTarget target{r, params.empty() ? nullptr : &params.front(),
                         param.value_or(out.types.any())};
      if (reducer.prefix) {
        routes[prefixed_key(*reducer.prefix, action)].push_back(target);
      } else {
        routes[catch_all_key(action)].push_back(target);
      }
      if (action.find('.') == std::string::npos) routes[any_reducer_key(action)].push_back(target);
    };
    for (const auto& handler : reducer.on_handlers) {
      add(handler.action, handler.decl->params, handler.param);
    }
    for (const auto& handler : reducer.async_handlers) {
      add(handler.action, handler.decl->params, handler.param);
    }
  }
}

const std::vector<RouteTarget>* Checker::routes_of(const std::string& action) {
  route_scratch.clear();
  auto collect = [&](const std::string& key) {
    if (auto found = routes.find(key); found != routes.end()) {
      route_scratch.insert(route_scratch.end(), found->second.begin(), found->second.end());
    }
  };
  std::size_t dot = action.find('.');
  if (dot == std::string::npos) {
    collect(any_reducer_key(action));
  } else {
    collect(prefixed_key(std::string_view(action).substr(0, dot),
                         std::string_view(action).substr(dot + 1)));
    collect(catch_all_key(action));
  }
  return route_scratch.empty() ? nullptr : &route_scratch;
}

std::vector<std::string> Checker::routable_actions() const {
  std::vector<std::string> actions;
  for (const auto& reducer : out.reducers) {
    auto add = [&](const std::string& action) {
      if (reducer.prefix) actions.push_back(*reducer.prefix + "." + action);
      if (!reducer.prefix || action.find('.') == std::string::npos) actions.push_back(action);
    };
    for (const auto& handler : reducer.on_handlers) add(handler.action);
    for (const auto& handler : reducer.async_handlers) add(handler.action);
  }
  return actions;
}

void Checker::check_dispatch(BodyContext& ctx, const ast::Stmt& stmt,
                             const ast::DispatchStmt& dispatch) {
  TypeStore& types = out.types;
  if (ctx.body.kind != BodyKind::Async) report.dispatch_outside_async(stmt.range, ctx.where);
  const std::string& action = dispatch.action.value;
  std::vector<RouteTarget> targets;
  if (const auto* found = routes_of(action)) targets = *found;
  std::optional<TypeId> expected;
  for (const auto& target : targets) {
    if (target.param != nullptr) {
      expected = target.param_type;
      break;
    }
  }
  TypeId payload = types.nil();
  if (dispatch.payload) payload = check_expr(ctx, *dispatch.payload, expected);
  if (targets.empty()) {
    report.unhandled_dispatch(dispatch.action.range, action, routable_actions());
    return;
  }
  for (const auto& target : targets) {
    if (target.param == nullptr) continue;
    std::vector<diagnostics::Note> notes{
        {target.param->range,
         fmt::format("reducer `{}` handles it with a parameter of type `{}`",
                     out.reducers[target.reducer].name, types.print(target.param_type))}};
    if (dispatch.payload) {
      if (!require(*dispatch.payload, payload, target.param_type,
                   fmt::format("the payload of `{}`", action), std::move(notes))) {
        return;
      }
    } else if (!assignable(types, types.nil(), target.param_type)) {
      report.type_mismatch(stmt.range,
                           fmt::format("`dispatch \"{}\"` carries no payload, but its handler "
                                       "expects `{}`",
                                       action, types.print(target.param_type)),
                           fmt::format("pass one: `dispatch \"{}\"(value);`", action),
                           std::move(notes));
      return;
    }
  }
}

void Checker::check_reducer_bodies(std::uint32_t index) {
  ReducerInfo& reducer = out.reducers[index];
  for (const auto& field : reducer.state) {
    Body scratch{BodyKind::On, nullptr, {}};
    BodyContext ctx(scratch, report);
    ctx.where = "a state default";
    check_expr_as(ctx, *field.decl->default_value, field.type,
                  fmt::format("the default of state field `{}`", field.name));
  }
  auto check_handler = [&](Body& body, const std::vector<ast::Param>& params,
                           std::optional<TypeId> param, const ast::Expr* guard, std::string where) {
    BodyContext ctx(body, report);
    ctx.reducer = index;
    ctx.where = std::move(where);
    ctx.scopes.open();
    if (param) declare_local(ctx, params.front().name, *param, LocalKind::Param);
    if (guard != nullptr) {
      check_condition(ctx, *guard, "a `when` guard");
      ctx.scopes.narrow(facts_of(ctx, *guard).when_true);
    }
    check_body(ctx, *body.block, {});
    ctx.scopes.close();
  };
  for (auto& handler : reducer.on_handlers) {
    check_handler(handler.body, handler.decl->params, handler.param, handler.decl->guard.get(),
                  fmt::format("handler `on \"{}\"`", handler.action));
  }
  for (auto& handler : reducer.async_handlers) {
    check_handler(handler.body, handler.decl->params, handler.param, nullptr,
                  fmt::format("handler `async \"{}\"`", handler.action));
  }
  for (auto& query : reducer.queries) {
    BodyContext ctx(query.body, report);
    ctx.reducer = index;
    ctx.result = query.result;
    ctx.where = fmt::format("query `{}`", query.name);
    ctx.scopes.open();
    if (query.param)
      declare_local(ctx, query.decl->params.front().name, *query.param, LocalKind::Param);
    check_body(ctx, query.decl->body, query.decl->name.range);
    ctx.scopes.close();
  }
}

void Checker::check_fn_body(std::uint32_t index) {
  FnInfo& fn = out.fns[index];
  BodyContext ctx(fn.body, report);
  ctx.reducer = fn.reducer;
  ctx.fn = index;
  ctx.result = fn.result;
  ctx.where = fmt::format("fn `{}`", fn.name);
  ctx.scopes.open();
  for (std::size_t i = 0; i < fn.params.size(); ++i) {
    declare_local(ctx, fn.decl->params[i].name, fn.params[i], LocalKind::Param);
  }
  check_body(ctx, fn.decl->body, fn.decl->name.range);
  ctx.scopes.close();
}

}  // namespace sessproc::check
