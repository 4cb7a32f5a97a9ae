// support_checks.h: the checks at a module's edge that every backend makes the same way.
//
// JSON arrives at a module as action payloads, query arguments, a session's start arguments
// and effect results; each is checked against its declared type, and a mismatch becomes the
// runtime Error the language promises (invalid_payload, init_failed, reducer_fault) with the
// stdlib's message. The C++ that `sessc build` emits cannot link the compiler, so these live
// in a header it can include (installed with the other support headers); the interpreter's
// module (compiler/interp/ir_module.cpp) includes it too, so the two cannot drift apart in
// what they accept or in what they answer.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "runtime/error.h"
#include "runtime/value.h"
#include "stdlib/json.h"
#include "stdlib/types.h"
#include "stdlib/value.h"

namespace sessproc::module_checks {

// `json` as a value of `type`; a mismatch is Error{code, subject, message naming `root`}.
inline std::expected<stdlib::Value, Error> typed_argument(const Value& json,
                                                          const stdlib::TypeTable& types,
                                                          stdlib::TypeRef type,
                                                          std::string_view root, Errc code,
                                                          std::string subject) {
  auto value = stdlib::from_json(json, types, type, root);
  if (!value) return std::unexpected(make_error(code, std::move(subject), value.error()));
  return std::move(*value);
}

// A session's start arguments: none at all read as an empty record, so that
// `init(args: { start: int? })` works without them.
inline std::expected<stdlib::Value, Error> init_arguments(const Value& args,
                                                          const stdlib::TypeTable& types,
                                                          stdlib::TypeRef type,
                                                          const std::string& session) {
  static const Value empty = Value::object();
  const Value& given =
      args.is_null() && types[type].kind == stdlib::TypeKind::Record ? empty : args;
  return typed_argument(given, types, type, "args", Errc::init_failed, session);
}

}  // namespace sessproc::module_checks
