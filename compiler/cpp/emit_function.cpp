// emit_function.cpp: one IR function as straight-line C++ with `goto` for the IR's jumps.
//
// Every instruction becomes one statement (or a small block) under a comment naming the IR
// instruction and its index, so a reader can follow `sessc dump --ir` side by side. Registers
// live in an array `r` (calls pass consecutive registers as a pointer); parameters and locals
// get readable references into it. An async handler keeps `r` in its AsyncFrame and resumes
// after an `await` through the switch at its top.
#include "compiler/cpp/emit_function.h"

#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "compiler/cpp/emit_state.h"
#include "compiler/cpp/literals.h"
#include "stdlib/json.h"

namespace sessproc::cpp {
namespace {

// Names a register reference must not take: the code's own locals and the support's functions.
const std::unordered_set<std::string>& reserved_names() {
  static const std::unordered_set<std::string> names = {"r",           "cx",
                                                        "frame",       "args",
                                                        "K",           "T",
                                                        "e",           "o",
                                                        "Value",       "ValueKind",
                                                        "Outcome",     "Stop",
                                                        "fault",       "returned",
                                                        "unhandled",   "awaiting",
                                                        "list_range",  "int_from_bits",
                                                        "to_float",    "neg_int",
                                                        "int_arith",   "int_divide",
                                                        "float_arith", "state_missing",
                                                        "state_of",    "mutable_state",
                                                        "slice_of",    "mutable_slice",
                                                        "to_value",    "from_value",
                                                        "json_of",     "load_meta",
                                                        "get_field",   "set_field",
                                                        "get_key",     "get_index",
                                                        "set_index",   "get_char",
                                                        "get_any",     "set_any",
                                                        "length",      "call_builtin",
                                                        "dispatch",    "stdlib",
                                                        "sessproc",    "std",
                                                        "emitted",     "Context",
                                                        "Program"};
  return names;
}

const char* builtin_enum_name(std::uint32_t id) {
  static constexpr const char* kNames[] = {
#define SESSPROC_BUILTIN(Id, Name, Signature, Doc) #Id,
#include "stdlib/builtins.def"
  };
  return id < std::size(kNames) ? kNames[id] : nullptr;
}

class FunctionEmitter {
 public:
  FunctionEmitter(const ir::Module& module, std::uint32_t index,
                  const std::vector<std::string>& names, const NativeState& native)
      : m_(module), f_(module.functions[index]), index_(index), names_(names), native_(native) {}

  std::expected<std::string, std::string> run();

 private:
  std::string reg(std::uint32_t r) const {
    if (r < local_names_.size() && !local_names_[r].empty()) return local_names_[r];
    return fmt::format("r[{}]", r);
  }
  std::string where(const ir::Inst& in) const {
    return in.loc == ir::kNone ? "nullptr" : string_literal(m_.locations[in.loc].text());
  }
  std::string faulting(const ir::Inst& in, const std::string& call) const {
    return fmt::format("if (auto e = {}) return fault({}, std::move(*e));", call, where(in));
  }
  // The module's slice for slice.get/set in a session's init, whose slice index counts
  // within the session (not the module).
  std::optional<std::uint32_t> init_slice(std::uint32_t session_slice, std::uint32_t field) const {
    for (const auto& session : m_.sessions) {
      if (session.init != index_ || session_slice >= session.slices.size()) continue;
      std::uint32_t slice = session.slices[session_slice];
      if (field < m_.slices[slice].fields.size()) return slice;
    }
    return std::nullopt;
  }
  // `slice.get`/`slice.set`: "slice_of<CartState>(cx, 1).tax_rate  // cart.tax_rate".
  std::expected<std::pair<std::string, std::string>, std::string> init_member(
      std::uint32_t session_slice, std::uint32_t field, bool write) const {
    auto slice = init_slice(session_slice, field);
    if (!slice) return std::unexpected("a slice.get/set outside a session's init");
    return std::pair{
        fmt::format("{}<{}>(cx, {}).{}", write ? "mutable_slice" : "slice_of",
                    native_.state_struct(*slice), session_slice, native_.member(*slice, field)),
        m_.slices[*slice].name + "." + m_.slices[*slice].fields[field].name};
  }
  std::string field_name(const ir::Inst& in, std::uint32_t type, std::uint32_t field) const {
    const auto& node = m_.types[type];
    if (node.shape && field < node.shape->names.size()) return node.shape->names[field];
    (void)in;
    return fmt::format(".{}", field);
  }
  std::string state_field(std::uint32_t field) const {
    if (f_.slice && field < m_.slices[*f_.slice].fields.size()) {
      return m_.slices[*f_.slice].fields[field].name;
    }
    return fmt::format(".{}", field);
  }
  std::string registers(std::uint32_t first, std::size_t count) const {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      out += (i ? ", " : "") + reg(first + static_cast<std::uint32_t>(i));
    }
    return out;
  }
  std::expected<std::string, std::string> statement(std::uint32_t pc, const ir::Inst& in);
  std::string describe(const ir::Inst& in) const;

  const ir::Module& m_;
  const ir::Function& f_;
  std::uint32_t index_;
  const std::vector<std::string>& names_;
  const NativeState& native_;
  std::vector<std::string> local_names_;
  bool uses_constants_ = false;
  bool uses_types_ = false;
};

std::string FunctionEmitter::describe(const ir::Inst& in) const {
  const ir::OpInfo& info = ir::op_info(in.op);
  std::string text = info.text;
  const std::uint32_t operands[] = {in.a, in.b, in.c, in.d};
  std::string_view kinds = info.operands;
  for (std::size_t i = 0; i < kinds.size() && i < 4; ++i) {
    text += i == 0 ? " " : ", ";
    std::uint32_t v = operands[i];
    switch (kinds[i]) {
      case 'r':
        text += fmt::format("r{}", v);
        break;
      case 'R':
        text += v == ir::kNone ? "none" : fmt::format("r{}", v);
        break;
      case 'L':
        text += fmt::format("@{}", v);
        break;
      default:
        text += fmt::format("{}", v);
    }
  }
  if (in.loc != ir::kNone) text += "  ; " + m_.locations[in.loc].text();
  return comment_text(text, 100);
}

std::expected<std::string, std::string> FunctionEmitter::statement(std::uint32_t pc,
                                                                   const ir::Inst& in) {
  using ir::Op;
  std::string a = reg(in.a), b = reg(in.b), c = reg(in.c);
  switch (in.op) {
    case Op::Move:
      return fmt::format("{} = {};", a, b);
    case Op::LoadNil:
      return fmt::format("{} = Value();", a);
    case Op::LoadBool:
      return fmt::format("{} = Value::boolean({});", a, in.b != 0 ? "true" : "false");
    case Op::LoadInt: {
      auto value =
          static_cast<std::int64_t>(static_cast<std::uint64_t>(in.b) | (std::uint64_t{in.c} << 32));
      if (value == INT64_MIN) return fmt::format("{} = Value::integer(INT64_MIN);", a);
      return fmt::format("{} = Value::integer({});", a, value);
    }
    case Op::LoadConst:
      uses_constants_ = true;
      return fmt::format("{} = K[{}];  // {}", a, in.b,
                         comment_text(stdlib::to_json_text(m_.constants[in.b])));
    case Op::LoadState:
      if (!f_.slice || in.b >= m_.slices[*f_.slice].fields.size()) {
        return std::unexpected("a state.get outside a slice's function");
      }
      return faulting(in, fmt::format("state_missing(cx, {})", *f_.slice)) +
             fmt::format("\n  {} = to_value(state_of<{}>(cx).{});  // {}", a,
                         native_.state_struct(*f_.slice), native_.member(*f_.slice, in.b),
                         state_field(in.b));
    case Op::StoreState:
      if (!f_.slice || in.a >= m_.slices[*f_.slice].fields.size()) {
        return std::unexpected("a state.set outside a slice's function");
      }
      return fmt::format("from_value({}, mutable_state<{}>(cx).{});  // {}", b,
                         native_.state_struct(*f_.slice), native_.member(*f_.slice, in.a),
                         state_field(in.a));
    case Op::LoadSlice: {
      auto member = init_member(in.b, in.c, false);
      if (!member) return std::unexpected(member.error());
      return fmt::format("{} = to_value({});  // {}", a, member->first, member->second);
    }
    case Op::StoreSlice: {
      auto member = init_member(in.a, in.b, true);
      if (!member) return std::unexpected(member.error());
      return fmt::format("from_value({}, {});  // {}", c, member->first, member->second);
    }
    case Op::LoadMeta:
      return fmt::format("{} = load_meta(cx);", a);
    case Op::IntToFloat:
      return fmt::format("{} = to_float({});", a, b);
    case Op::Conform:
      uses_types_ = true;
      return fmt::format("{} = stdlib::conform({}, T, {});  // {}", a, b, in.c,
                         m_.types.print(in.c));
    case Op::NegInt:
      return faulting(in, fmt::format("neg_int({}, {})", a, b));
    case Op::NegFloat:
      return fmt::format("{} = Value::number(-{}.as_float());", a, b);
    case Op::Not:
      return fmt::format("{} = Value::boolean(!{}.as_bool());", a, b);
    case Op::AddInt:
    case Op::SubInt:
    case Op::MulInt: {
      char sign = in.op == Op::AddInt ? '+' : in.op == Op::SubInt ? '-' : '*';
      return faulting(in, fmt::format("int_arith({}, {}, {}, '{}')", a, b, c, sign));
    }
    case Op::DivInt:
    case Op::ModInt:
      return faulting(in, fmt::format("int_divide({}, {}, {}, {})", a, b, c,
                                      in.op == Op::DivInt ? "true" : "false"));
    case Op::AddFloat:
    case Op::SubFloat:
    case Op::MulFloat:
    case Op::DivFloat: {
      char sign = in.op == Op::AddFloat   ? '+'
                  : in.op == Op::SubFloat ? '-'
                  : in.op == Op::MulFloat ? '*'
                                          : '/';
      return faulting(in, fmt::format("float_arith({}, {}, {}, '{}')", a, b, c, sign));
    }
    case Op::Concat:
      return fmt::format("{} = Value::string({}.as_string() + {}.as_string());", a, b, c);
    case Op::Eq:
      return fmt::format("{} = Value::boolean(stdlib::equal({}, {}));", a, b, c);
    case Op::Ne:
      return fmt::format("{} = Value::boolean(!stdlib::equal({}, {}));", a, b, c);
    case Op::LtInt:
      return fmt::format("{} = Value::boolean({}.as_int() < {}.as_int());", a, b, c);
    case Op::LeInt:
      return fmt::format("{} = Value::boolean({}.as_int() <= {}.as_int());", a, b, c);
    case Op::LtFloat:
      return fmt::format("{} = Value::boolean({}.as_float() < {}.as_float());", a, b, c);
    case Op::LeFloat:
      return fmt::format("{} = Value::boolean({}.as_float() <= {}.as_float());", a, b, c);
    case Op::LtString:
      return fmt::format("{} = Value::boolean({}.as_string() < {}.as_string());", a, b, c);
    case Op::LeString:
      return fmt::format("{} = Value::boolean({}.as_string() <= {}.as_string());", a, b, c);
    case Op::Jump:
      return fmt::format("goto L{};", in.a);
    case Op::JumpIf:
      return fmt::format("if ({}.as_bool()) goto L{};", a, in.b);
    case Op::JumpIfNot:
      return fmt::format("if (!{}.as_bool()) goto L{};", a, in.b);
    case Op::JumpIfNil:
      return fmt::format("if ({}.is_nil()) goto L{};", a, in.b);
    case Op::JumpIfNotNil:
      return fmt::format("if (!{}.is_nil()) goto L{};", a, in.b);
    case Op::GetField:
      uses_types_ = true;
      return faulting(in, fmt::format("get_field({}, {}, T[{}], {})", a, b, in.d, in.c)) +
             "  // ." + field_name(in, in.d, in.c);
    case Op::SetField:
      uses_types_ = true;
      return faulting(in, fmt::format("set_field({}, T, {}, {}, {})", a, in.d, in.b, c)) +
             "  // ." + field_name(in, in.d, in.b);
    case Op::GetKey:
      return faulting(in, fmt::format("get_key({}, {}, {})", a, b, c));
    case Op::SetKey:
      return fmt::format("{}.map_set({}.as_string(), {});", a, b, c);
    case Op::GetIndex:
      return faulting(in, fmt::format("get_index({}, {}, {})", a, b, c));
    case Op::SetIndex:
      return faulting(in, fmt::format("set_index({}, {}, {})", a, b, c));
    case Op::GetChar:
      return faulting(in, fmt::format("get_char({}, {}, {})", a, b, c));
    case Op::GetAny:
      return faulting(in, fmt::format("get_any({}, {}, {})", a, b, c));
    case Op::SetAny:
      return faulting(in, fmt::format("set_any({}, {}, {})", a, b, c));
    case Op::MakeList:
      return fmt::format("{} = Value::list({{{}}});", a, registers(in.b, in.c));
    case Op::MakeMap: {
      const stdlib::Value& keys = m_.constants[in.c];
      std::string entries;
      for (std::size_t i = 0; i < keys.as_list().size(); ++i) {
        entries += fmt::format("{}{{{}, {}}}", i ? ", " : "",
                               string_literal(keys.as_list()[i].as_string()),
                               reg(in.b + static_cast<std::uint32_t>(i)));
      }
      return fmt::format("{} = Value::map({{{}}});", a, entries);
    }
    case Op::MakeRecord:
      uses_types_ = true;
      return fmt::format("{} = Value::record(T[{}].shape, {{{}}});  // {}", a, in.c,
                         registers(in.b, m_.types[in.c].field_types.size()),
                         comment_text(m_.types.print(in.c)));
    case Op::Length:
      return fmt::format("{} = length({});", a, b);
    case Op::ListAt:
      return fmt::format("{} = {}.as_list()[static_cast<std::size_t>({}.as_int())];", a, b, c);
    case Op::MapKeyAt:
      return fmt::format(
          "{} = Value::string({}.as_map()[static_cast<std::size_t>({}.as_int())].first);", a, b, c);
    case Op::MapValueAt:
      return fmt::format("{} = {}.as_map()[static_cast<std::size_t>({}.as_int())].second;", a, b,
                         c);
    case Op::Chars:
      return fmt::format("{} = Value::list(stdlib::string_characters({}.as_string()));", a, b);
    case Op::IncInt:
      return fmt::format("{} = Value::integer({}.as_int() + 1);", a, a);
    case Op::CallBuiltin: {
      const char* id = builtin_enum_name(in.b);
      if (id == nullptr) return std::unexpected(fmt::format("unknown built-in {}", in.b));
      return faulting(in,
                      fmt::format("call_builtin({}, stdlib::BuiltinId::{}, r + {})", a, id, in.c)) +
             "  // " + std::string(stdlib::builtin(static_cast<stdlib::BuiltinId>(in.b)).signature);
    }
    case Op::CallFn:
      return fmt::format(
          "{{\n    Outcome o = {}(cx, r + {});  // {}\n    if (o.stop != Stop::Return) return "
          "o;\n    {} = std::move(o.value);\n  }}",
          names_[in.b], in.c, comment_text(m_.functions[in.b].name), a);
    case Op::Await:
      if (f_.kind != ir::FunctionKind::Async) {
        return std::unexpected("an `await` outside an async handler");
      }
      return fmt::format("frame.resume_at = {};  // {}\n  return awaiting({}, {}, {}, {});", pc + 1,
                         m_.effects[in.b].path, in.b, in.c, in.a, where(in));
    case Op::Dispatch:
      uses_constants_ = true;
      return fmt::format("dispatch(cx, K[{}], {});  // {}", in.a,
                         in.b == ir::kNone ? "nullptr" : "&" + b,
                         comment_text(m_.constants[in.a].as_string()));
    case Op::Return:
      return in.a == ir::kNone ? "return returned(Value());"
                               : fmt::format("return returned({});", a);
    case Op::Unhandled:
      return "return unhandled();  // the guard is false";
  }
  return std::unexpected("an unknown instruction");
}

std::expected<std::string, std::string> FunctionEmitter::run() {
  // Readable names for parameters and locals, unique and clear of the code's own names.
  std::set<std::string> taken(names_.begin(), names_.end());
  local_names_.resize(f_.register_names.size());
  for (std::size_t i = 0; i < f_.register_names.size(); ++i) {
    std::string name = sanitize(f_.register_names[i]);
    if (taken.contains(name) || reserved_names().contains(name)) name += fmt::format("_{}", i);
    taken.insert(name);
    local_names_[i] = name;
  }
  std::set<std::uint32_t> labels;
  for (const auto& in : f_.code) {
    std::string_view kinds = ir::op_info(in.op).operands;
    const std::uint32_t operands[] = {in.a, in.b, in.c, in.d};
    for (std::size_t i = 0; i < kinds.size() && i < 4; ++i) {
      if (kinds[i] == 'L') labels.insert(operands[i]);
    }
    if (in.op == ir::Op::Await) labels.insert(static_cast<std::uint32_t>(&in - f_.code.data()) + 1);
  }
  std::string body;
  std::vector<std::uint32_t> resume_points;
  for (std::uint32_t pc = 0; pc < f_.code.size(); ++pc) {
    if (labels.contains(pc)) body += fmt::format("L{}:\n", pc);
    const ir::Inst& in = f_.code[pc];
    auto text = statement(pc, in);
    if (!text) return std::unexpected(fmt::format("{}: {}", f_.name, text.error()));
    if (in.op == ir::Op::Await) resume_points.push_back(pc + 1);
    body += fmt::format("  // {:>3}: {}\n  {}\n", pc, describe(in), *text);
  }
  if (labels.contains(static_cast<std::uint32_t>(f_.code.size()))) {
    body += fmt::format("L{}:;\n", f_.code.size());
  }
  // Lowering ends every body with a `return`; a body that could run off its end returns nil.
  bool ends = !f_.code.empty() &&
              (f_.code.back().op == ir::Op::Return || f_.code.back().op == ir::Op::Unhandled ||
               f_.code.back().op == ir::Op::Jump);
  if (!ends || labels.contains(static_cast<std::uint32_t>(f_.code.size()))) {
    body += "  return returned(Value());\n";
  }

  bool async = f_.kind == ir::FunctionKind::Async;
  std::string out = fmt::format("// {}\n", comment_text(f_.name, 100));
  out += function_signature(m_, static_cast<std::uint32_t>(&f_ - m_.functions.data()), names_);
  out += " {\n";
  std::uint32_t count = std::max<std::uint32_t>(f_.registers, 1);
  if (async) {
    out += "  Value* r = frame.registers.data();\n";
  } else {
    out += fmt::format("  Value r[{}];\n", count);
    for (std::uint32_t i = 0; i < f_.params; ++i) out += fmt::format("  r[{}] = args[{}];\n", i, i);
    if (f_.params == 0) out += "  (void)args;\n";
  }
  for (std::size_t i = 0; i < local_names_.size(); ++i) {
    out += fmt::format("  [[maybe_unused]] Value& {} = r[{}];{}\n", local_names_[i], i,
                       i < f_.params ? "  // parameter" : "");
  }
  if (uses_constants_) out += "  const std::vector<Value>& K = cx.program.constants;\n";
  if (uses_types_) out += "  const stdlib::TypeTable& T = cx.program.types;\n";
  if (async) {
    out +=
        "  switch (frame.resume_at) {  // where the last `await` left off\n    case 0:\n      "
        "break;\n";
    for (auto point : resume_points) {
      out += fmt::format("    case {}:\n      goto L{};\n", point, point);
    }
    out += "    default:\n      return fault(nullptr, \"resumed at an unknown point\");\n  }\n";
  }
  out += body + "}\n";
  return out;
}

}  // namespace

std::string function_signature(const ir::Module& module, std::uint32_t index,
                               const std::vector<std::string>& names) {
  return module.functions[index].kind == ir::FunctionKind::Async
             ? fmt::format("Outcome {}(Context& cx, AsyncFrame& frame)", names[index])
             : fmt::format("Outcome {}(Context& cx, const Value* args)", names[index]);
}

std::expected<std::string, std::string> emit_function(const ir::Module& module, std::uint32_t index,
                                                      const std::vector<std::string>& names,
                                                      const NativeState& native) {
  return FunctionEmitter(module, index, names, native).run();
}

}  // namespace sessproc::cpp
