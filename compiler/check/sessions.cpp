// sessions.cpp: sessions (slices, ttl, init), the implicit session, shared-prefix warnings.
//
// A program without any `session` gets one implicit session named "default" with every
// reducer in file order, as `sessc run` does. Slices are named after their reducers, so a
// reducer listed twice is the only way two slices can share a name.
#include <fmt/format.h>

#include "compiler/check/checker.h"

namespace sessproc::check {

void Checker::check_sessions() {
  if (session_decls.empty()) {
    make_implicit_session();
  } else {
    for (const auto* decl : session_decls) check_session(*decl);
  }
  // Init bodies last: they refer to sessions by index, and out.sessions is complete now.
  for (std::uint32_t s = 0; s < out.sessions.size(); ++s) {
    SessionInfo& session = out.sessions[s];
    check_shared_prefixes(s);
    if (!session.init) continue;
    InitInfo& init = *session.init;
    BodyContext ctx(init.body, report);
    ctx.session = s;
    ctx.where = fmt::format("the `init` of session `{}`", session.name);
    ctx.scopes.open();
    if (init.param)
      declare_local(ctx, init.decl->params.front().name, *init.param, LocalKind::Param);
    check_body(ctx, init.decl->body, init.decl->range);
    ctx.scopes.close();
  }
}

void Checker::make_implicit_session() {
  SessionInfo session;
  session.name = "default";
  std::vector<SourceRange> ranges;
  for (std::uint32_t r = 0; r < out.reducers.size(); ++r) {
    // A duplicate reducer (already reported) would make a second slice of the same name.
    if (reducer_by_name.at(out.reducers[r].name) != r) continue;
    session.slices.push_back(r);
    ranges.push_back(out.reducers[r].decl->name.range);
  }
  out.sessions.push_back(std::move(session));
  slice_ranges.push_back(std::move(ranges));
  out.implicit_session = true;
}

void Checker::check_session(const ast::SessionDecl& decl) {
  SessionInfo session;
  session.name = decl.name.name;
  session.decl = &decl;
  std::vector<SourceRange> ranges;
  std::unordered_map<std::string, SourceRange> listed;
  const ast::SessionTtl* ttl_seen = nullptr;
  const ast::SessionInit* init_seen = nullptr;
  for (const auto& member : decl.members) {
    if (const auto* reducers = std::get_if<ast::SessionReducers>(&member)) {
      for (const auto& name : reducers->names) {
        auto found = reducer_by_name.find(name.name);
        if (found == reducer_by_name.end()) {
          std::vector<std::string> known;
          for (const auto& [known_name, index] : reducer_by_name) known.push_back(known_name);
          report.unknown_reducer(name.range, name.name, known);
          continue;
        }
        auto [previous, fresh] = listed.emplace(name.name, name.range);
        if (!fresh) {
          report.duplicate_slice(name.range, name.name, previous->second);
          continue;
        }
        session.slices.push_back(found->second);
        ranges.push_back(name.range);
      }
    } else if (const auto* ttl = std::get_if<ast::SessionTtl>(&member)) {
      if (ttl_seen != nullptr) {
        report.duplicate_declaration(ttl->range, "the `ttl` of session", session.name,
                                     ttl_seen->range, "a session has one `ttl`");
        continue;
      }
      ttl_seen = ttl;
      session.ttl_millis = ttl->duration.millis;
    } else if (const auto* init = std::get_if<ast::SessionInit>(&member)) {
      if (init_seen != nullptr) {
        report.duplicate_declaration(init->range, "the `init` of session", session.name,
                                     init_seen->range, "a session has one `init`");
        continue;
      }
      init_seen = init;
      session.init =
          InitInfo{init, param_type(init->params), Body{BodyKind::Init, &init->body, {}}};
    }
  }
  out.sessions.push_back(std::move(session));
  slice_ranges.push_back(std::move(ranges));
}

void Checker::check_shared_prefixes(std::uint32_t index) {
  const SessionInfo& session = out.sessions[index];
  std::unordered_map<std::string, std::size_t> first_with_prefix;
  for (std::size_t i = 0; i < session.slices.size(); ++i) {
    const ReducerInfo& reducer = out.reducers[session.slices[i]];
    if (!reducer.prefix) continue;
    auto [first, fresh] = first_with_prefix.emplace(*reducer.prefix, i);
    if (fresh) continue;
    const ReducerInfo& other = out.reducers[session.slices[first->second]];
    report.shared_prefix(slice_ranges[index][i], *reducer.prefix, reducer.name, other.name,
                         session.name, slice_ranges[index][first->second]);
  }
}

}  // namespace sessproc::check
