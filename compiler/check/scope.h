// scope.h: the locals visible in a body, their narrowing, and the unused-`let` warning.
//
// Blocks open frames; a frame's locals disappear when it closes, and an unread `let` is
// reported then. Narrowing records that a variable of type `T?` is known to hold a `T` in some
// region (inside `if x != nil { ... }`, after `if x == nil { return; }`). It is sound by being
// conservative: any assignment to the whole variable kills its narrowing everywhere, for the
// rest of the body, and a loop kills the narrowing of every variable its body assigns before
// the body is checked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/checked_program.h"
#include "compiler/check/report.h"

namespace sessproc::check {

// The identity of a variable that can be narrowed: a local or a state field.
struct VarKey {
  NameTarget::Kind kind = NameTarget::Kind::Local;
  std::uint32_t index = 0;
  friend bool operator==(const VarKey&, const VarKey&) = default;
};

struct Narrowing {
  VarKey key;
  TypeId type;
};

class Scopes {
 public:
  Scopes(Body& body, Reporter& reporter) : body_(body), reporter_(reporter) {}

  void open();
  // Closes the innermost frame, reporting its unread `let`s.
  void close();

  // Adds a local to the innermost frame and to the body; returns its index.
  std::uint32_t declare(const ast::Identifier& name, TypeId type, LocalKind kind);
  // The innermost local named `name`, or nullopt. Marks it read when `read` is set.
  std::optional<std::uint32_t> find(const std::string& name, bool read);
  // The declaration of the local, for "shadows" notes.
  SourceRange declared_at(std::uint32_t local) const;

  void narrow(const Narrowing& narrowing);
  void narrow(const std::vector<Narrowing>& narrowings);
  void kill(VarKey key);
  // The narrowed type of a variable in the current region, if any.
  std::optional<TypeId> narrowed(VarKey key) const;

 private:
  struct Binding {
    std::uint32_t local;
    bool read;
  };
  struct Frame {
    std::size_t first_binding;
    std::size_t first_narrowing;
  };
  struct ActiveNarrowing {
    Narrowing narrowing;
    bool killed;
  };

  Body& body_;
  Reporter& reporter_;
  std::vector<Binding> bindings_;
  std::vector<Frame> frames_;
  std::vector<ActiveNarrowing> narrowings_;
};

}  // namespace sessproc::check
