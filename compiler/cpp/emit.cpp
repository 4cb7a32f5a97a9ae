// emit.cpp: the program's header and source: functions, then the tables that describe it.
#include "compiler/cpp/emit.h"

#include <set>

#include <fmt/format.h>

#include "compiler/cpp/emit_function.h"
#include "compiler/cpp/emit_state.h"
#include "compiler/cpp/literals.h"

namespace sessproc::cpp {
namespace {

// Namespace names that would hide the ones emitted code refers to.
bool clashes(const std::string& name) {
  static const std::set<std::string> kTaken = {"std", "stdlib", "sessproc", "emitted", "cpp"};
  return kTaken.contains(name);
}

std::string optional_type(const std::optional<stdlib::TypeRef>& type) {
  return type ? fmt::format("{}", *type) : "std::nullopt";
}

const char* type_kind(stdlib::TypeKind kind) {
  switch (kind) {
    case stdlib::TypeKind::Nil:
      return "Nil";
    case stdlib::TypeKind::Int:
      return "Int";
    case stdlib::TypeKind::Float:
      return "Float";
    case stdlib::TypeKind::Bool:
      return "Bool";
    case stdlib::TypeKind::String:
      return "String";
    case stdlib::TypeKind::Any:
      return "Any";
    case stdlib::TypeKind::List:
      return "List";
    case stdlib::TypeKind::Map:
      return "Map";
    case stdlib::TypeKind::Record:
      return "Record";
    case stdlib::TypeKind::Optional:
      return "Optional";
  }
  return "Any";
}

// Readable, unique C++ names for the IR functions: "counter.on \"add\"" -> counter_on_add.
std::vector<std::string> function_names(const ir::Module& module) {
  std::vector<std::string> names;
  std::set<std::string> taken;
  for (const auto& f : module.functions) {
    std::string base = sanitize(f.name);
    std::string name = base;
    for (int n = 2; taken.contains(name); ++n) name = fmt::format("{}_{}", base, n);
    taken.insert(name);
    names.push_back(name);
  }
  return names;
}

std::string emit_types(const ir::Module& module, const NativeState& native) {
  std::string out =
      "// The type table, in the IR's order: a TypeRef is an index. Record types own the shape\n"
      "// that every record of the type shares.\n"
      "stdlib::TypeTable make_types() {\n  using stdlib::TypeKind;\n  stdlib::TypeTable t;\n";
  for (std::size_t i = 0; i < module.types.size(); ++i) {
    const stdlib::TypeNode& node = module.types[static_cast<stdlib::TypeRef>(i)];
    std::string fields, names;
    for (std::size_t f = 0; f < node.field_types.size(); ++f) {
      fields += fmt::format("{}{}", f ? ", " : "", node.field_types[f]);
    }
    if (node.shape) {
      for (std::size_t f = 0; f < node.shape->names.size(); ++f) {
        names += (f ? ", " : "") + string_literal(node.shape->names[f]);
      }
    }
    std::string shape = "nullptr";
    if (node.shape) {
      std::string shared = native.shape_function(static_cast<stdlib::TypeRef>(i));
      shape = shared.empty() ? fmt::format("make_shape({{{}}})", names) : shared + "()";
    }
    out += fmt::format("  t.add({{TypeKind::{}, {}, {{{}}}, {}}});  // {}: {}\n",
                       type_kind(node.kind), node.element, fields, shape, i,
                       comment_text(module.types.print(static_cast<stdlib::TypeRef>(i)), 80));
  }
  return out + "  return t;\n}\n";
}

std::expected<std::string, std::string> emit_constants(const ir::Module& module) {
  std::string out = "std::vector<Value> make_constants() {\n  std::vector<Value> k;\n";
  for (const auto& constant : module.constants) {
    auto text = value_expression(constant);
    if (!text) return std::unexpected(text.error());
    out += fmt::format("  k.push_back({});\n", *text);
  }
  return out + "  return k;\n}\n";
}

std::string emit_handler(const ir::Module& module, const ir::Handler& h, bool async,
                         const std::vector<std::string>& names) {
  static constexpr const char* kPolicies[] = {"every", "latest", "leading"};
  static constexpr const char* kRates[] = {"none", "debounce", "throttle"};
  if (async) {
    return fmt::format(
        "    slice.async.push_back({{.action = {}, .async = {}, .registers = {}, .param = {}, "
        ".policy = AsyncPolicy::{}}});\n",
        string_literal(h.action), names[h.function],
        std::max<std::uint32_t>(module.functions[h.function].registers, 1), optional_type(h.param),
        kPolicies[static_cast<int>(h.policy)]);
  }
  return fmt::format(
      "    slice.on.push_back({{.action = {}, .on = {}, .param = {}, .rate = RateLimit::{}, "
      ".window_ms = {}}});\n",
      string_literal(h.action), names[h.function], optional_type(h.param),
      kRates[static_cast<int>(h.rate)], h.window_ms);
}

std::string emit_program_tables(const ir::Module& module, const std::vector<std::string>& names,
                                const NativeState& native) {
  std::string out =
      "std::shared_ptr<const Program> make_program() {\n"
      "  auto p = std::make_shared<Program>();\n"
      "  p->types = make_types();\n"
      "  p->constants = make_constants();\n";
  for (const auto& effect : module.effects) {
    out += fmt::format("  p->effects.push_back({{{}, {}, {}}});  // -> {}\n",
                       string_literal(effect.path), effect.params.size(), effect.result,
                       module.types.print(effect.result));
  }
  for (std::uint32_t s = 0; s < module.slices.size(); ++s) {
    const ir::Slice& slice = module.slices[s];
    out += fmt::format("  {{  // reducer {}\n    SliceEntry slice;\n    slice.name = {};\n",
                       slice.name, string_literal(slice.name));
    if (slice.prefix) out += fmt::format("    slice.prefix = {};\n", string_literal(*slice.prefix));
    for (const auto& field : slice.fields) {
      out += fmt::format("    slice.fields.push_back({{{}, {}}});  // {}\n",
                         string_literal(field.name), field.type, module.types.print(field.type));
    }
    out += fmt::format("    slice.state_type = {};\n    slice.defaults = {};\n", slice.state_type,
                       names[slice.defaults]);
    out += native.slice_entry(s);
    for (const auto& h : slice.on) out += emit_handler(module, h, false, names);
    for (const auto& h : slice.async) out += emit_handler(module, h, true, names);
    for (const auto& q : slice.queries) {
      out += fmt::format("    slice.queries.push_back({{{}, {}, {}}});\n", string_literal(q.name),
                         names[q.function], optional_type(q.param));
    }
    out += "    p->slices.push_back(std::move(slice));\n  }\n";
  }
  for (const auto& session : module.sessions) {
    std::string slices;
    for (std::size_t i = 0; i < session.slices.size(); ++i) {
      slices += fmt::format("{}{}", i ? ", " : "", session.slices[i]);
    }
    out += fmt::format(
        "  p->sessions.push_back({{.name = {}, .slices = {{{}}}, .ttl_ms = {}, .init = {}, "
        ".init_param = {}}});\n",
        string_literal(session.name), slices,
        session.ttl_ms ? fmt::format("{}", *session.ttl_ms) : "std::nullopt",
        session.init ? names[*session.init] : "nullptr", optional_type(session.init_param));
  }
  out += fmt::format("  p->implicit_session = {};\n  return p;\n}}\n",
                     module.implicit_session ? "true" : "false");
  return out;
}

}  // namespace

std::string identifier(const std::string& name) {
  std::string id = sanitize(name);
  return clashes(id) ? id + "_program" : id;
}

std::string factory_symbol(const std::string& name) {
  return "sessproc_module_" + identifier(name);
}

std::expected<EmittedProgram, std::string> emit_program(const ir::Module& module,
                                                        const std::string& name) {
  std::string id = identifier(name);
  EmittedProgram program;
  program.header_name = id + ".h";
  program.source_name = id + ".cpp";
  std::string factory = factory_symbol(name);
  NativeState native(module);

  program.header = fmt::format(
      "// {0}.h: the program `{0}`, generated by `sessc build`; do not edit.\n"
      "//\n"
      "// A sessproc::Module (runtime/module.h) with the interpreter's behaviour. Build {0}.cpp\n"
      "// with the sessproc source tree on the include path; it needs the stdlib and runtime\n"
      "// libraries at link time. Each reducer's state is a struct below, with native members\n"
      "// where the language's types allow (`any` stays a stdlib::Value).\n"
      "#pragma once\n\n"
      "#include <cstdint>\n#include <expected>\n#include <map>\n#include <memory>\n"
      "#include <optional>\n#include <string>\n#include <vector>\n\n"
      "#include \"compiler/cpp/support_module.h\"\n\n"
      "namespace sessproc::emitted::{0} {{\n\n"
      "{2}"
      "// The module; the error is the fault of a slice's default state.\n"
      "std::expected<std::shared_ptr<const Module>, std::string> make_module(\n"
      "    ModuleOptions options = {{}});\n\n"
      "}}  // namespace sessproc::emitted::{0}\n\n"
      "// The same for dlopen: true and *out set, or false and *error set.\n"
      "extern \"C\" bool {1}(const char* module_name, const char* implicit_session,\n"
      "    std::shared_ptr<const sessproc::Module>* out, std::string* error);\n",
      id, factory, native.declarations());

  std::vector<std::string> names = function_names(module);
  std::string source = fmt::format(
      "// {0}.cpp: the program `{0}`, generated by `sessc build`; do not edit.\n"
      "//\n"
      "// One C++ function per IR function (compare `sessc dump --ir`), then the tables that\n"
      "// describe the program to the runtime.\n"
      "#include \"{0}.h\"\n\n"
      "namespace sessproc::emitted::{0} {{\n\n"
      "{1}"
      "namespace {{\n\n",
      id, native.conversions());
  for (std::uint32_t i = 0; i < module.functions.size(); ++i) {
    source += function_signature(module, i, names) + ";\n";
  }
  for (std::uint32_t i = 0; i < module.functions.size(); ++i) {
    auto text = emit_function(module, i, names, native);
    if (!text) return std::unexpected(text.error());
    source += "\n" + *text;
  }
  source += "\n" + native.slice_functions() + emit_types(module, native);
  auto constants = emit_constants(module);
  if (!constants) return std::unexpected(constants.error());
  source += "\n" + *constants + "\n" + emit_program_tables(module, names, native);
  source += fmt::format(
      "\n}}  // namespace\n\n"
      "std::expected<std::shared_ptr<const Module>, std::string> make_module(ModuleOptions "
      "options) {{\n"
      "  return emitted::make_module(make_program(), std::move(options));\n"
      "}}\n\n"
      "}}  // namespace sessproc::emitted::{0}\n\n"
      "extern \"C\" bool {1}(const char* module_name, const char* implicit_session,\n"
      "                      std::shared_ptr<const sessproc::Module>* out, std::string* error) {{\n"
      "  auto module = sessproc::emitted::{0}::make_module({{module_name, implicit_session}});\n"
      "  if (!module) {{\n    *error = module.error();\n    return false;\n  }}\n"
      "  *out = std::move(*module);\n  return true;\n}}\n",
      id, factory);
  program.source = std::move(source);
  return program;
}

}  // namespace sessproc::cpp
