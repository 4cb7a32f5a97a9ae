// builtins.h: the table of built-in functions and standard effects, shared by compiler and runtime.
//
// Each entry is declared once in builtins.def with its signature written as text in the
// language's own type syntax (`append(list<T>, T) -> list<T>`). Keeping signatures as text keeps
// this library free of any compiler type: the checker parses them with its own small parser, and
// the runtime only needs the ids. Implementations arrive with the interpreter.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sessproc::stdlib {

enum class BuiltinId : std::uint16_t {
#define SESSPROC_BUILTIN(Id, Name, Signature, Doc) Id,
#include "stdlib/builtins.def"
};

enum class EffectId : std::uint16_t {
#define SESSPROC_STDLIB_EFFECT(Id, Path, Signature, Doc) Id,
#include "stdlib/builtins.def"
};

struct BuiltinInfo {
  BuiltinId id;
  std::string_view name;       // "len"
  std::string_view signature;  // "len(list<T>) -> int"
  std::string_view doc;        // one line
};

struct EffectInfo {
  EffectId id;
  std::string_view path;       // "http.get"
  std::string_view signature;  // "http.get(url: string) -> { status: int, body: string }"
  std::string_view doc;
};

// Every built-in overload, in declaration order (overloads of one name are adjacent).
std::span<const BuiltinInfo> builtins();
const BuiltinInfo& builtin(BuiltinId id);
// The overloads of `name`, in the order they are tried; empty when there is no such built-in.
std::span<const BuiltinInfo> builtin_overloads(std::string_view name);

std::span<const EffectInfo> stdlib_effects();
const EffectInfo& stdlib_effect(EffectId id);

}  // namespace sessproc::stdlib
