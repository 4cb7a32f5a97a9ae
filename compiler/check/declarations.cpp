// declarations.cpp: pass 1: every declared name and type, before any body is read.
//
// Top-level declarations of all files come first (type aliases, fns, effects), so that a
// reducer in the first file may use a fn of the last; then reducers, with their prefix, state
// schema, handler and query signatures, and the fns and effects declared inside them.
#include <fmt/format.h>

#include "compiler/check/checker.h"

namespace sessproc::check {
namespace {

constexpr std::string_view kBuiltinTypes[] = {"int", "float", "bool", "string", "any"};

bool is_builtin_type(std::string_view name) {
  for (auto builtin : kBuiltinTypes) {
    if (builtin == name) return true;
  }
  return false;
}

std::string join_path(const std::vector<ast::Identifier>& path) {
  std::string out;
  for (const auto& part : path) {
    if (!out.empty()) out += '.';
    out += part.name;
  }
  return out;
}

SourceRange path_range(const std::vector<ast::Identifier>& path) {
  SourceRange range = path.front().range;
  range.end = path.back().range.end;
  return range;
}

}  // namespace

void Checker::load_stdlib() {
  for (const auto& info : stdlib::builtins()) {
    auto signature = parse_signature(out.types, info.signature);
    if (!signature) continue;  // a malformed table entry; the unit tests catch it
    builtins[std::string(info.name)].push_back({info.id, std::move(*signature), info.signature});
  }
  for (const auto& info : stdlib::stdlib_effects()) {
    auto signature = parse_signature(out.types, info.signature);
    if (!signature) continue;
    auto index = static_cast<std::uint32_t>(out.effects.size());
    out.effects.push_back(EffectInfo{signature->name, std::move(signature->params),
                                     signature->result, nullptr, info.id, std::nullopt});
    top_effects.emplace(std::string(info.path), index);
  }
}

void Checker::collect_declarations() {
  // Aliases first: fn and effect signatures may name them.
  for (const auto& file : program.files) {
    for (const auto& decl : file.decls) {
      const auto* alias = std::get_if<ast::TypeAlias>(&decl);
      if (alias == nullptr) continue;
      if (is_builtin_type(alias->name.name)) {
        report.duplicate_declaration(alias->name.range, "type", alias->name.name, std::nullopt,
                                     "built-in type names cannot be redefined");
        continue;
      }
      auto [it, inserted] = aliases.emplace(alias->name.name, AliasEntry{alias});
      if (!inserted) {
        report.duplicate_declaration(alias->name.range, "type", alias->name.name,
                                     it->second.decl->name.range,
                                     "type names are unique across a compilation");
      }
    }
  }
  for (const auto& file : program.files) {
    for (const auto& decl : file.decls) {
      if (const auto* fn = std::get_if<ast::FnDecl>(&decl)) {
        collect_fn(*fn, std::nullopt);
      } else if (const auto* effect = std::get_if<ast::EffectDecl>(&decl)) {
        collect_effect(*effect, std::nullopt);
      } else if (const auto* alias = std::get_if<ast::TypeAlias>(&decl)) {
        resolve_alias(alias->name.name, alias->name.range);
      }
    }
  }
  std::unordered_map<std::string, const ast::SessionDecl*> sessions_by_name;
  for (const auto& file : program.files) {
    for (const auto& decl : file.decls) {
      if (const auto* reducer = std::get_if<ast::ReducerDecl>(&decl)) {
        collect_reducer(*reducer);
      } else if (const auto* session = std::get_if<ast::SessionDecl>(&decl)) {
        auto [it, inserted] = sessions_by_name.emplace(session->name.name, session);
        if (!inserted) {
          report.duplicate_declaration(session->name.range, "session", session->name.name,
                                       it->second->name.range,
                                       "session names are unique across a compilation");
        }
        session_decls.push_back(session);
      }
    }
  }
}

std::optional<std::uint32_t> Checker::collect_fn(const ast::FnDecl& decl,
                                                 std::optional<std::uint32_t> reducer) {
  const std::string& name = decl.name.name;
  std::optional<SourceRange> previous;
  bool clash = false;
  if (builtins.contains(name)) {
    report.duplicate_declaration(decl.name.range, "fn", name, std::nullopt,
                                 "a `fn` may not take the name of a built-in");
    clash = true;
  } else if (auto top = top_fns.find(name); top != top_fns.end()) {
    previous = out.fns[top->second].decl->name.range;
  } else if (reducer) {
    if (auto local = reducer_fns[*reducer].find(name); local != reducer_fns[*reducer].end()) {
      previous = out.fns[local->second].decl->name.range;
    }
  }
  if (previous) {
    report.duplicate_declaration(decl.name.range, "fn", name, previous,
                                 "a fn name is unique in its reducer and among top-level fns");
    clash = true;
  }
  FnInfo info;
  info.decl = &decl;
  info.name = name;
  info.reducer = reducer;
  for (const auto& param : decl.params) info.params.push_back(resolve_type(*param.type));
  info.result = resolve_type(*decl.result);
  info.body.kind = BodyKind::Fn;
  info.body.block = &decl.body;
  auto index = static_cast<std::uint32_t>(out.fns.size());
  out.fns.push_back(std::move(info));
  if (clash) return std::nullopt;  // checked, but never the target of a call
  if (reducer) {
    reducer_fns[*reducer].emplace(name, index);
  } else {
    top_fns.emplace(name, index);
  }
  return index;
}

void Checker::collect_effect(const ast::EffectDecl& decl, std::optional<std::uint32_t> reducer) {
  if (decl.path.empty()) return;
  std::string path = join_path(decl.path);
  std::optional<std::uint32_t> previous;
  if (auto top = top_effects.find(path); top != top_effects.end()) {
    previous = top->second;
  } else if (reducer) {
    if (auto local = reducer_effects[*reducer].find(path);
        local != reducer_effects[*reducer].end()) {
      previous = local->second;
    }
  }
  EffectInfo info{path, {}, out.types.nil(), &decl, std::nullopt, reducer};
  for (const auto& param : decl.params) {
    info.params.push_back({param.name.name, resolve_type(*param.type)});
  }
  if (decl.result) info.result = resolve_type(*decl.result);
  if (previous) {
    const EffectInfo& first = out.effects[*previous];
    std::optional<SourceRange> first_at;
    if (first.decl != nullptr) first_at = path_range(first.decl->path);
    report.duplicate_declaration(path_range(decl.path), "effect", path, first_at,
                                 first.decl == nullptr
                                     ? "it is a standard effect, provided by the runtime"
                                     : "an effect path is unique in its reducer and at top level");
    return;
  }
  auto index = static_cast<std::uint32_t>(out.effects.size());
  out.effects.push_back(std::move(info));
  if (reducer) {
    reducer_effects[*reducer].emplace(path, index);
    out.reducers[*reducer].effects.push_back(index);
  } else {
    top_effects.emplace(path, index);
  }
}

void Checker::collect_reducer(const ast::ReducerDecl& decl) {
  auto index = static_cast<std::uint32_t>(out.reducers.size());
  auto [it, inserted] = reducer_by_name.emplace(decl.name.name, index);
  if (!inserted) {
    report.duplicate_reducer(decl.name.range, decl.name.name,
                             out.reducers[it->second].decl->name.range);
  }
  out.reducers.push_back(ReducerInfo{});
  reducer_fns.emplace_back();
  reducer_effects.emplace_back();
  ReducerInfo& reducer = out.reducers.back();
  reducer.decl = &decl;
  reducer.name = decl.name.name;
  reducer.prefix = decl.name.name;

  const ast::PrefixDecl* prefix_seen = nullptr;
  std::unordered_map<std::string, const ast::StateField*> fields_seen;
  std::unordered_map<std::string, const ast::QueryDecl*> queries_seen;
  for (const auto& member : decl.members) {
    if (const auto* prefix = std::get_if<ast::PrefixDecl>(&member)) {
      if (prefix_seen != nullptr) {
        report.duplicate_declaration(prefix->range, "the prefix of reducer", reducer.name,
                                     prefix_seen->range, "a reducer has one prefix");
        continue;
      }
      prefix_seen = prefix;
      if (prefix->is_none || prefix->value.value.empty()) {
        reducer.prefix.reset();
      } else {
        reducer.prefix = prefix->value.value;
      }
    } else if (const auto* state = std::get_if<ast::StateDecl>(&member)) {
      for (const auto& field : state->fields) {
        auto [seen, fresh] = fields_seen.emplace(field.name.name, &field);
        if (!fresh) {
          report.duplicate_field(field.name.range, "state field", field.name.name,
                                 seen->second->name.range);
          continue;
        }
        reducer.state.push_back({field.name.name, resolve_type(*field.type), &field});
      }
    } else if (const auto* on = std::get_if<ast::OnHandler>(&member)) {
      reducer.on_handlers.push_back(
          {on, on->action.value, param_type(on->params), Body{BodyKind::On, &on->body, {}}});
    } else if (const auto* async = std::get_if<ast::AsyncHandler>(&member)) {
      reducer.async_handlers.push_back({async, async->action.value, param_type(async->params),
                                        Body{BodyKind::Async, &async->body, {}}});
    } else if (const auto* query = std::get_if<ast::QueryDecl>(&member)) {
      auto [seen, fresh] = queries_seen.emplace(query->name.value, query);
      if (!fresh) {
        report.duplicate_query(query->name.range, query->name.value, reducer.name,
                               seen->second->name.range);
      }
      reducer.queries.push_back({query, query->name.value, param_type(query->params),
                                 resolve_type(*query->result),
                                 Body{BodyKind::Query, &query->body, {}}});
    }
  }
  std::vector<RecordField> schema;
  for (const auto& field : reducer.state) schema.push_back({field.name, field.type});
  reducer.state_type = out.types.record(std::move(schema));

  // Fns and effects last: `reducer` may move when collect_fn grows out.fns, not out.reducers,
  // but effects push into out.reducers[index] by index anyway.
  for (const auto& member : decl.members) {
    if (const auto* fn = std::get_if<ast::FnDecl>(&member)) {
      if (auto fn_index = collect_fn(*fn, index)) out.reducers[index].fns.push_back(*fn_index);
    } else if (const auto* effect = std::get_if<ast::EffectDecl>(&member)) {
      collect_effect(*effect, index);
    }
  }
}

std::optional<TypeId> Checker::param_type(const std::vector<ast::Param>& params) {
  if (params.empty()) return std::nullopt;
  return resolve_type(*params.front().type);
}

TypeId Checker::resolve_type(const ast::TypeExpr& type) {
  return std::visit(
      [&](const auto& kind) -> TypeId {
        using T = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<T, ast::NamedType>) {
          const std::string& name = kind.name;
          if (name == "int") return out.types.int_();
          if (name == "float") return out.types.float_();
          if (name == "bool") return out.types.bool_();
          if (name == "string") return out.types.string();
          if (name == "any") return out.types.any();
          return resolve_alias(name, type.range);
        } else if constexpr (std::is_same_v<T, ast::ListType>) {
          return out.types.list(resolve_type(*kind.element));
        } else if constexpr (std::is_same_v<T, ast::MapType>) {
          return out.types.map(resolve_type(*kind.value));
        } else if constexpr (std::is_same_v<T, ast::OptionalType>) {
          return out.types.optional(resolve_type(*kind.inner));
        } else {
          std::vector<RecordField> fields;
          std::unordered_map<std::string, const ast::RecordFieldType*> seen;
          bool broken = false;
          for (const auto& field : kind.fields) {
            auto [it, fresh] = seen.emplace(field.name.name, &field);
            if (!fresh) {
              report.duplicate_field(field.name.range, "record field", field.name.name,
                                     it->second->name.range);
              broken = true;
              continue;
            }
            fields.push_back({field.name.name, resolve_type(*field.type)});
          }
          if (broken) return out.types.error();
          return out.types.record(std::move(fields));
        }
      },
      type.kind);
}

TypeId Checker::resolve_alias(const std::string& name, SourceRange at) {
  auto found = aliases.find(name);
  if (found == aliases.end()) {
    std::vector<std::string> known(std::begin(kBuiltinTypes), std::end(kBuiltinTypes));
    for (const auto& [alias_name, entry] : aliases) known.push_back(alias_name);
    report.unknown_type(at, name, known);
    return out.types.error();
  }
  AliasEntry& entry = found->second;
  switch (entry.state) {
    case AliasEntry::State::Done:
      return entry.type;
    case AliasEntry::State::Resolving:
      report.recursive_type(at, name, entry.decl->name.range);
      return out.types.error();  // the alias being resolved becomes Error through it
    case AliasEntry::State::Unresolved:
      break;
  }
  entry.state = AliasEntry::State::Resolving;
  TypeId type = resolve_type(*entry.decl->type);
  AliasEntry& resolved = aliases.at(name);
  resolved.type = type;
  resolved.state = AliasEntry::State::Done;
  return type;
}

}  // namespace sessproc::check
