// builtins.cpp: the built-in and standard-effect tables expanded from builtins.def.
#include "stdlib/builtins.h"

#include <array>

namespace sessproc::stdlib {
namespace {

constexpr std::array kBuiltins = {
#define SESSPROC_BUILTIN(Id, Name, Signature, Doc) BuiltinInfo{BuiltinId::Id, Name, Signature, Doc},
#include "stdlib/builtins.def"
};

constexpr std::array kEffects = {
#define SESSPROC_STDLIB_EFFECT(Id, Path, Signature, Doc) \
  EffectInfo{EffectId::Id, Path, Signature, Doc},
#include "stdlib/builtins.def"
};

}  // namespace

std::span<const BuiltinInfo> builtins() {
  return kBuiltins;
}

const BuiltinInfo& builtin(BuiltinId id) {
  return kBuiltins.at(static_cast<std::size_t>(id));
}

std::span<const BuiltinInfo> builtin_overloads(std::string_view name) {
  std::size_t first = 0;
  while (first < kBuiltins.size() && kBuiltins[first].name != name) ++first;
  std::size_t last = first;
  while (last < kBuiltins.size() && kBuiltins[last].name == name) ++last;
  return std::span<const BuiltinInfo>(kBuiltins).subspan(first, last - first);
}

std::span<const EffectInfo> stdlib_effects() {
  return kEffects;
}

const EffectInfo& stdlib_effect(EffectId id) {
  return kEffects.at(static_cast<std::size_t>(id));
}

}  // namespace sessproc::stdlib
