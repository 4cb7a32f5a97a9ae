// scope.cpp: frames of locals, narrowing and unused-`let` reporting.
#include "compiler/check/scope.h"

namespace sessproc::check {

void Scopes::open() {
  frames_.push_back({bindings_.size(), narrowings_.size()});
}

void Scopes::close() {
  Frame frame = frames_.back();
  frames_.pop_back();
  for (std::size_t i = frame.first_binding; i < bindings_.size(); ++i) {
    const Local& local = body_.locals[bindings_[i].local];
    if (local.kind == LocalKind::Let && !bindings_[i].read && !local.name.starts_with('_')) {
      reporter_.unused_let(local.decl->range, local.name);
    }
  }
  bindings_.resize(frame.first_binding);
  narrowings_.resize(frame.first_narrowing);
}

std::uint32_t Scopes::declare(const ast::Identifier& name, TypeId type, LocalKind kind) {
  auto index = static_cast<std::uint32_t>(body_.locals.size());
  body_.locals.push_back(Local{name.name, type, kind, &name});
  bindings_.push_back({index, false});
  return index;
}

std::optional<std::uint32_t> Scopes::find(const std::string& name, bool read) {
  for (std::size_t i = bindings_.size(); i-- > 0;) {
    if (body_.locals[bindings_[i].local].name == name) {
      if (read) bindings_[i].read = true;
      return bindings_[i].local;
    }
  }
  return std::nullopt;
}

SourceRange Scopes::declared_at(std::uint32_t local) const {
  return body_.locals[local].decl->range;
}

void Scopes::narrow(const Narrowing& narrowing) {
  narrowings_.push_back({narrowing, false});
}

void Scopes::narrow(const std::vector<Narrowing>& narrowings) {
  for (const auto& narrowing : narrowings) narrow(narrowing);
}

void Scopes::kill(VarKey key) {
  for (auto& active : narrowings_) {
    if (active.narrowing.key == key) active.killed = true;
  }
}

std::optional<TypeId> Scopes::narrowed(VarKey key) const {
  for (std::size_t i = narrowings_.size(); i-- > 0;) {
    const auto& active = narrowings_[i];
    if (active.narrowing.key == key) {
      if (active.killed) return std::nullopt;
      return active.narrowing.type;
    }
  }
  return std::nullopt;
}

}  // namespace sessproc::check
