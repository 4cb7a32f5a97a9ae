// emit_state.cpp: slice states as native C++ structs: names, spellings, declarations and
// conversions.
#include "compiler/cpp/emit_state.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "compiler/cpp/literals.h"

namespace sessproc::cpp {
namespace {

using stdlib::TypeKind;

// "current_user" -> "CurrentUser".
std::string camel(std::string_view text) {
  std::string out;
  bool upper = true;
  for (char c : sanitize(text)) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out.empty() ? std::string("N") : out;
}

// Type names the emitted namespace already uses (support_*.h and the runtime's interface).
const std::set<std::string>& used_type_names() {
  static const std::set<std::string> names = {
      "Action",        "AsyncContext", "AsyncFrame", "AsyncFunction", "AsyncPolicy",
      "AsyncRun",      "AsyncStep",    "Context",    "EffectEntry",   "EmittedAsyncRun",
      "EmittedModule", "Errc",         "Error",      "Failure",       "FieldEntry",
      "Function",      "HandlerEntry", "Module",     "ModuleOptions", "Outcome",
      "Program",       "QueryEntry",   "RateLimit",  "Reduced",       "SessionEntry",
      "SliceEntry",    "SliceState",   "SliceValue", "Stop",          "Value",
      "ValueKind"};
  return names;
}

// A value of this type is kept as a stdlib::Value (nothing native says "any" or "nil").
bool dynamic(const stdlib::TypeTable& types, stdlib::TypeRef type) {
  TypeKind kind = types[type].kind;
  if (kind == TypeKind::Optional) {
    TypeKind inner = types[types[type].element].kind;
    return inner == TypeKind::Optional || inner == TypeKind::Any || inner == TypeKind::Nil;
  }
  return kind == TypeKind::Any || kind == TypeKind::Nil;
}

// Whether the C++ spelling hides the language's type (a struct name, a stdlib::Value), so the
// declaration should say it in a comment.
bool worth_a_comment(const stdlib::TypeTable& types, stdlib::TypeRef type) {
  const stdlib::TypeNode& node = types[type];
  switch (node.kind) {
    case TypeKind::List:
    case TypeKind::Map:
    case TypeKind::Optional:
      return worth_a_comment(types, node.element);
    case TypeKind::Record:
    case TypeKind::Any:
    case TypeKind::Nil:
      return true;
    default:
      return false;
  }
}

const char* default_initializer(TypeKind kind) {
  switch (kind) {
    case TypeKind::Int:
      return " = 0";
    case TypeKind::Float:
      return " = 0.0";
    case TypeKind::Bool:
      return " = false";
    default:
      return "";
  }
}

}  // namespace

NativeState::NativeState(const ir::Module& module) : m_(module) {
  taken_.assign(used_type_names().begin(), used_type_names().end());
  // States first, so that no nested record takes a state's name.
  std::vector<std::string> state_names;
  for (const auto& slice : m_.slices) state_names.push_back(unique(camel(slice.name) + "State"));
  for (std::uint32_t s = 0; s < m_.slices.size(); ++s) {
    const ir::Slice& slice = m_.slices[s];
    for (const auto& field : slice.fields) {
      visit(field.type, camel(slice.name) + camel(field.name), slice.name + "." + field.name);
    }
    Struct state = make_struct(slice.state_type, state_names[s], slice.name);
    state.slice = s;
    shapes_.try_emplace(slice.state_type, state.name + "_shape");
    states_.push_back(std::move(state));
  }
}

std::string NativeState::unique(std::string name) {
  std::string base = name;
  for (int n = 2; std::find(taken_.begin(), taken_.end(), name) != taken_.end(); ++n) {
    name = fmt::format("{}{}", base, n);
  }
  taken_.push_back(name);
  return name;
}

// Names the record types reachable from `type`, innermost first.
void NativeState::visit(stdlib::TypeRef type, const std::string& name, const std::string& where) {
  const stdlib::TypeNode& node = m_.types[type];
  if (dynamic(m_.types, type)) return;
  switch (node.kind) {
    case TypeKind::List:
      visit(node.element, name + "Item", where + "[]");
      return;
    case TypeKind::Map:
      visit(node.element, name + "Value", where + "[key]");
      return;
    case TypeKind::Optional:
      visit(node.element, name, where);
      return;
    case TypeKind::Record: {
      if (record_names_.contains(type)) return;
      std::string struct_name = unique(name);
      record_names_.emplace(type, struct_name);  // before the fields: a cycle stays dynamic
      for (std::size_t f = 0; f < node.field_types.size(); ++f) {
        const std::string& field = node.shape->names[f];
        visit(node.field_types[f], struct_name + camel(field), where + "." + field);
      }
      nested_.push_back(make_struct(type, struct_name, where));
      shapes_.try_emplace(type, struct_name + "_shape");
      return;
    }
    default:
      return;
  }
}

NativeState::Struct NativeState::make_struct(stdlib::TypeRef type, std::string name,
                                             std::string where) const {
  Struct s;
  s.name = std::move(name);
  s.type = type;
  s.where = std::move(where);
  const stdlib::TypeNode& node = m_.types[type];
  std::set<std::string> members;
  for (const auto& field : node.shape->names) {
    std::string member = sanitize(field);
    // Never a type name of the namespace (it would hide the type) nor the base's function.
    while (members.contains(member) || member == "memory_bytes" ||
           std::find(taken_.begin(), taken_.end(), member) != taken_.end()) {
      member += "_";
    }
    members.insert(member);
    s.members.push_back(member);
  }
  return s;
}

std::string NativeState::spelling(stdlib::TypeRef type) const {
  const stdlib::TypeNode& node = m_.types[type];
  if (dynamic(m_.types, type)) return "stdlib::Value";
  switch (node.kind) {
    case TypeKind::Int:
      return "std::int64_t";
    case TypeKind::Float:
      return "double";
    case TypeKind::Bool:
      return "bool";
    case TypeKind::String:
      return "std::string";
    case TypeKind::List:
      return fmt::format("std::vector<{}>", spelling(node.element));
    case TypeKind::Map:
      return fmt::format("std::map<std::string, {}>", spelling(node.element));
    case TypeKind::Optional:
      return fmt::format("std::optional<{}>", spelling(node.element));
    case TypeKind::Record: {
      auto found = record_names_.find(type);
      return found != record_names_.end() ? found->second : "stdlib::Value";
    }
    default:
      return "stdlib::Value";
  }
}

std::string NativeState::shape_function(stdlib::TypeRef type) const {
  auto found = shapes_.find(type);
  return found != shapes_.end() ? found->second : std::string();
}

std::string NativeState::declaration(const Struct& s) const {
  const stdlib::TypeNode& node = m_.types[s.type];
  std::string out;
  if (s.slice) {
    out += fmt::format(
        "// The state of reducer `{}`, one per session: immutable once the runtime holds it (an\n"
        "// action that writes state gets a changed copy).\n"
        "struct {} final : SliceValue {{\n",
        s.where, s.name);
  } else {
    out += fmt::format("// `{}`: {}\nstruct {} {{\n", s.where,
                       comment_text(m_.types.print(s.type), 80), s.name);
  }
  for (std::size_t f = 0; f < s.members.size(); ++f) {
    stdlib::TypeRef type = node.field_types[f];
    std::string comment;
    if (worth_a_comment(m_.types, type)) {
      comment = "  // " + comment_text(m_.types.print(type), 80);
    }
    out += fmt::format("  {} {}{};{}\n", spelling(type), s.members[f],
                       default_initializer(m_.types[type].kind), comment);
  }
  if (s.slice) {
    out += fmt::format("\n  std::size_t memory_bytes() const override {{ return sizeof({}); }}\n",
                       s.name);
  }
  return out + "};\n";
}

std::string NativeState::declarations() const {
  std::string out;
  for (const Struct& s : nested_) out += declaration(s) + "\n";
  for (const Struct& s : states_) out += declaration(s) + "\n";
  return out;
}

std::string NativeState::conversions() const {
  std::string out =
      "// ----- the native state: shapes and conversions (support_native.h) -----\n\n"
      "using emitted::from_value;\nusing emitted::json_of;\nusing emitted::to_value;\n\n";
  for (const auto& [type, function] : shapes_) {
    std::string names;
    for (std::size_t i = 0; i < m_.types[type].shape->names.size(); ++i) {
      names += (i ? ", " : "") + string_literal(m_.types[type].shape->names[i]);
    }
    out += fmt::format(
        "// The field names of {}.\n"
        "const stdlib::ShapePtr& {}() {{\n"
        "  static const stdlib::ShapePtr shape = make_shape({{{}}});\n"
        "  return shape;\n}}\n\n",
        comment_text(m_.types.print(type), 80), function, names);
  }
  auto emit = [&](const Struct& s) {
    const stdlib::TypeNode& node = m_.types[s.type];
    std::string shape = shapes_.at(s.type);
    if (!s.slice) {
      std::string fields;
      for (std::size_t f = 0; f < s.members.size(); ++f) {
        fields += fmt::format("{}to_value(r.{})", f ? ", " : "", s.members[f]);
      }
      out += fmt::format(
          "Value to_value(const {}& r) {{\n  return Value::record({}(), {{{}}});\n}}\n\n", s.name,
          shape, fields);
    }
    out += fmt::format("void from_value(const Value& v, {}& out) {{\n", s.name);
    if (s.members.empty()) {
      out += "  (void)v;\n  (void)out;\n";
    } else {
      out += fmt::format("  const stdlib::ShapePtr& shape = {}();\n", shape);
    }
    for (std::size_t f = 0; f < s.members.size(); ++f) {
      out += fmt::format("  from_value(record_field(v, shape, {}), out.{});\n", f, s.members[f]);
    }
    out += fmt::format("}}\n\nsessproc::Value json_of(const {}& r) {{\n", s.name);
    if (s.members.empty()) out += "  (void)r;\n";
    out += "  sessproc::Value out = sessproc::Value::object();\n";
    for (std::size_t f = 0; f < s.members.size(); ++f) {
      out += fmt::format("  out[{}] = json_of(r.{});\n", string_literal(node.shape->names[f]),
                         s.members[f]);
    }
    out += "  return out;\n}\n\n";
  };
  for (const Struct& s : nested_) emit(s);
  for (const Struct& s : states_) emit(s);
  return out;
}

std::string NativeState::slice_prefix(std::uint32_t slice) const {
  return sanitize(m_.slices[slice].name);
}

std::string NativeState::slice_functions() const {
  std::string out;
  for (std::uint32_t i = 0; i < states_.size(); ++i) {
    const Struct& s = states_[i];
    std::string prefix = slice_prefix(i);
    out += fmt::format(
        "// reducer {0}: its native state for the slice table.\n"
        "SliceState {1}_from_record(const Value& record) {{\n"
        "  auto state = std::make_shared<{2}>();\n"
        "  from_value(record, *state);\n"
        "  return state;\n}}\n\n"
        "sessproc::Value {1}_to_json(const SliceValue& state) {{\n"
        "  return json_of(static_cast<const {2}&>(state));\n}}\n\n"
        "std::optional<sessproc::Value> {1}_field_json(const SliceValue& state, "
        "std::string_view field) {{\n",
        m_.slices[i].name, prefix, s.name);
    if (s.members.empty()) {
      out += "  (void)state;\n  (void)field;\n";
    } else {
      out += fmt::format("  const auto& s = static_cast<const {}&>(state);\n", s.name);
    }
    const stdlib::TypeNode& node = m_.types[s.type];
    for (std::size_t f = 0; f < s.members.size(); ++f) {
      out += fmt::format("  if (field == {}) return json_of(s.{});\n",
                         string_literal(node.shape->names[f]), s.members[f]);
    }
    out += "  return std::nullopt;\n}\n\n";
  }
  return out;
}

std::string NativeState::slice_entry(std::uint32_t slice) const {
  std::string prefix = slice_prefix(slice);
  return fmt::format(
      "    slice.from_record = {0}_from_record;\n"
      "    slice.to_json = {0}_to_json;\n"
      "    slice.field_json = {0}_field_json;\n",
      prefix);
}

}  // namespace sessproc::cpp
