// lower.cpp: lowering of the program's tables: types, effects, fns, slices, sessions.
#include "compiler/ir/lower.h"

#include <fmt/format.h>

#include "compiler/ir/lowering.h"

namespace sessproc::ir {

Module lower(const ast::Program& /*program*/, const check::CheckedProgram& checked,
             const source::SourceManager& sources) {
  ModuleLowerer lowerer(checked, sources);
  return lowerer.run();
}

stdlib::TypeRef ModuleLowerer::type(check::TypeId id) {
  if (auto found = types_.find(id.index); found != types_.end()) return found->second;
  const check::TypeNode& node = checked.types.node(id);
  stdlib::TypeNode out;
  switch (node.kind) {
    case check::TypeKind::Nil:
      out.kind = stdlib::TypeKind::Nil;
      break;
    case check::TypeKind::Int:
      out.kind = stdlib::TypeKind::Int;
      break;
    case check::TypeKind::Float:
      out.kind = stdlib::TypeKind::Float;
      break;
    case check::TypeKind::Bool:
      out.kind = stdlib::TypeKind::Bool;
      break;
    case check::TypeKind::String:
      out.kind = stdlib::TypeKind::String;
      break;
    case check::TypeKind::List:
      out.kind = stdlib::TypeKind::List;
      out.element = type(node.element);
      break;
    case check::TypeKind::Map:
      out.kind = stdlib::TypeKind::Map;
      out.element = type(node.element);
      break;
    case check::TypeKind::Optional:
      out.kind = stdlib::TypeKind::Optional;
      out.element = type(node.element);
      break;
    case check::TypeKind::Record: {
      out.kind = stdlib::TypeKind::Record;
      auto shape = std::make_shared<stdlib::RecordShape>();
      // A slice's state: its records come with room for the handle that wraps a new state.
      for (const auto& reducer : checked.reducers) {
        if (reducer.state_type.index == id.index) shape->slice_state = true;
      }
      for (const auto& field : node.fields) {
        shape->names.push_back(field.name);
        out.field_types.push_back(type(field.type));
      }
      out.shape = std::move(shape);
      break;
    }
    default:
      out.kind = stdlib::TypeKind::Any;
      break;  // any, and never/error (empty literals)
  }
  stdlib::TypeRef ref = module.types.add(std::move(out));
  types_.emplace(id.index, ref);
  return ref;
}

std::uint32_t ModuleLowerer::constant(stdlib::Value value) {
  module.constants.push_back(std::move(value));
  return static_cast<std::uint32_t>(module.constants.size() - 1);
}

std::uint32_t ModuleLowerer::string_constant(const std::string& text) {
  if (auto found = strings_.find(text); found != strings_.end()) return found->second;
  std::uint32_t index = constant(stdlib::Value::string(text));
  strings_.emplace(text, index);
  return index;
}

std::uint32_t ModuleLowerer::location(const source::SourceRange& range) {
  const source::SourceFile& file = sources.file(range.file);
  source::LineCol at = file.line_col(range.begin);
  std::string path = file.path();
  if (auto slash = path.rfind('/'); slash != std::string::npos) path = path.substr(slash + 1);
  module.locations.push_back(Location{std::move(path), at.line, at.column});
  return static_cast<std::uint32_t>(module.locations.size() - 1);
}

std::string Location::text() const {
  return fmt::format("{}:{}:{}", file, line, column);
}

namespace {

Function make_function(std::string name, FunctionKind kind, const check::Body& body,
                       std::uint32_t params, std::optional<std::uint32_t> slice) {
  Function f;
  f.name = std::move(name);
  f.kind = kind;
  f.params = params;
  f.slice = slice;
  for (const auto& local : body.locals) f.register_names.push_back(local.name);
  return f;
}

}  // namespace

std::uint32_t ModuleLowerer::lower_state_defaults(std::uint32_t reducer) {
  const check::ReducerInfo& info = checked.reducers[reducer];
  Function f;
  f.name = info.name + ".defaults";
  f.kind = FunctionKind::Defaults;
  auto index = static_cast<std::uint32_t>(module.functions.size());
  module.functions.push_back(std::move(f));
  BodyLowerer body(*this, module.functions[index], nullptr);
  auto base = body.temps(static_cast<std::uint32_t>(info.state.size()));
  for (std::uint32_t i = 0; i < info.state.size(); ++i) {
    body.expr_into(*info.state[i].decl->default_value, base + i);
  }
  auto result = body.temp();
  body.emit(Op::MakeRecord, result, base, type(info.state_type));
  body.emit(Op::Return, result);
  return index;
}

Module ModuleLowerer::run() {
  for (const auto& effect : checked.effects) {
    Effect out{effect.path, {}, type(effect.result)};
    for (const auto& param : effect.params) out.params.push_back(type(param.type));
    module.effects.push_back(std::move(out));
  }
  // Fns first, so that a `call.fn` operand is the checker's fn index.
  for (const auto& fn : checked.fns) {
    std::string name = fn.reducer ? checked.reducers[*fn.reducer].name + "." + fn.name : fn.name;
    Function f = make_function("fn " + name, FunctionKind::Fn, fn.body,
                               static_cast<std::uint32_t>(fn.params.size()), fn.reducer);
    for (auto param : fn.params) f.param_types.push_back(type(param));
    module.functions.push_back(std::move(f));
  }
  for (std::uint32_t i = 0; i < checked.fns.size(); ++i) {
    BodyLowerer body(*this, module.functions[i], &checked.fns[i].body);
    body.lower_block_body(*checked.fns[i].body.block);
  }

  for (std::uint32_t r = 0; r < checked.reducers.size(); ++r) {
    const check::ReducerInfo& info = checked.reducers[r];
    Slice slice;
    slice.name = info.name;
    slice.prefix = info.prefix;
    for (const auto& field : info.state) slice.fields.push_back({field.name, type(field.type)});
    slice.state_type = type(info.state_type);
    slice.defaults = lower_state_defaults(r);

    auto add_function = [&](Function f, const check::Body& body,
                            const ast::Expr* guard) -> std::uint32_t {
      auto index = static_cast<std::uint32_t>(module.functions.size());
      module.functions.push_back(std::move(f));
      BodyLowerer lowerer(*this, module.functions[index], &body);
      if (guard != nullptr) {
        std::uint32_t holds = lowerer.operand(*guard);
        lowerer.emit(Op::JumpIf, holds, lowerer.here() + 2);
        lowerer.emit(Op::Unhandled);
      }
      lowerer.lower_block_body(*body.block);
      return index;
    };

    for (const auto& on : info.on_handlers) {
      Handler h;
      h.action = on.action;
      if (on.param) h.param = type(*on.param);
      if (on.decl->rate_limit) {
        h.rate = on.decl->rate_limit->kind == ast::RateLimitKind::Debounce ? RateLimit::Debounce
                                                                           : RateLimit::Throttle;
        h.window_ms = on.decl->rate_limit->duration.millis;
      }
      Function f = make_function(fmt::format("{}.on \"{}\"", info.name, on.action),
                                 FunctionKind::On, on.body, on.param ? 1 : 0, r);
      if (h.param) f.param_types.push_back(*h.param);
      h.function = add_function(std::move(f), on.body, on.decl->guard.get());
      slice.on.push_back(std::move(h));
    }
    for (const auto& async : info.async_handlers) {
      Handler h;
      h.action = async.action;
      if (async.param) h.param = type(*async.param);
      h.policy = async.decl->policy == ast::AsyncPolicy::Latest    ? AsyncPolicy::Latest
                 : async.decl->policy == ast::AsyncPolicy::Leading ? AsyncPolicy::Leading
                                                                   : AsyncPolicy::Every;
      Function f = make_function(fmt::format("{}.async \"{}\"", info.name, async.action),
                                 FunctionKind::Async, async.body, async.param ? 1 : 0, r);
      if (h.param) f.param_types.push_back(*h.param);
      h.function = add_function(std::move(f), async.body, nullptr);
      slice.async.push_back(std::move(h));
    }
    for (const auto& query : info.queries) {
      Query q;
      q.name = query.name;
      if (query.param) q.param = type(*query.param);
      q.result = type(query.result);
      Function f = make_function(fmt::format("{}.query \"{}\"", info.name, query.name),
                                 FunctionKind::Query, query.body, query.param ? 1 : 0, r);
      if (q.param) f.param_types.push_back(*q.param);
      q.function = add_function(std::move(f), query.body, nullptr);
      slice.queries.push_back(std::move(q));
    }
    module.slices.push_back(std::move(slice));
  }

  for (const auto& session : checked.sessions) {
    Session s;
    s.name = session.name;
    s.slices = session.slices;
    s.ttl_ms = session.ttl_millis;
    if (session.init) {
      if (session.init->param) s.init_param = type(*session.init->param);
      Function f = make_function(session.name + ".init", FunctionKind::Init, session.init->body,
                                 session.init->param ? 1 : 0, std::nullopt);
      if (s.init_param) f.param_types.push_back(*s.init_param);
      auto index = static_cast<std::uint32_t>(module.functions.size());
      module.functions.push_back(std::move(f));
      BodyLowerer body(*this, module.functions[index], &session.init->body);
      body.lower_block_body(*session.init->body.block);
      s.init = index;
    }
    module.sessions.push_back(std::move(s));
  }
  module.implicit_session = checked.implicit_session;
  return std::move(module);
}

}  // namespace sessproc::ir
