// print.cpp: the IR's text form.
#include "compiler/ir/print.h"

#include <array>

#include <fmt/format.h>

#include "stdlib/json.h"

namespace sessproc::ir {

const OpInfo& op_info(Op op) {
  static constexpr std::array kOps = {
#define SESSPROC_IR_OP(Name, Text, Operands, Doc) OpInfo{Text, Operands, Doc},
#include "compiler/ir/ops.def"
  };
  return kOps[static_cast<std::size_t>(op)];
}

namespace {

std::string field_name(const Module& module, const Function& fn, const Inst& inst,
                       std::uint32_t index) {
  const std::vector<std::string>* names = nullptr;
  if ((inst.op == Op::LoadState || inst.op == Op::StoreState) && fn.slice) {
    const auto& fields = module.slices[*fn.slice].fields;
    if (index < fields.size()) return fields[index].name;
  }
  if (inst.op == Op::GetField || inst.op == Op::SetField) {
    const auto& node = module.types[inst.d];
    if (node.shape) names = &node.shape->names;
  }
  if (names != nullptr && index < names->size()) return (*names)[index];
  return fmt::format(".{}", index);
}

std::string operand(const Module& module, const Function& fn, const Inst& inst, char kind,
                    std::uint32_t value) {
  switch (kind) {
    case 'r':
      return fmt::format("r{}", value);
    case 'R':
      return value == kNone ? "none" : fmt::format("r{}", value);
    case 'i':
      return fmt::format("{}", value);
    case 'I': {
      auto bits = static_cast<std::uint64_t>(inst.b) | (static_cast<std::uint64_t>(inst.c) << 32);
      return fmt::format("{}", static_cast<std::int64_t>(bits));
    }
    case 'k':
      return stdlib::to_json_text(module.constants[value]);
    case 'f':
      return field_name(module, fn, inst, value);
    case 't':
      return fmt::format("type {}", module.types.print(value));
    case 'L':
      return fmt::format("@{}", value);
    case 'B':
      return std::string(stdlib::builtin(static_cast<stdlib::BuiltinId>(value)).name);
    case 'F':
      return module.functions[value].name;
    case 'E':
      return module.effects[value].path;
    case 's':
      return module.slices.empty() ? fmt::format("slice {}", value)
                                   : fmt::format("slice {}", value);
    default:
      return "?";
  }
}

void print_function(const Module& module, std::uint32_t index, std::string& out) {
  const Function& fn = module.functions[index];
  out += fmt::format("function #{} {} (params {}, registers {})\n", index, fn.name, fn.params,
                     fn.registers);
  for (std::size_t r = 0; r < fn.register_names.size(); ++r) {
    out += fmt::format("  ; r{} = {}\n", r, fn.register_names[r]);
  }
  for (std::size_t pc = 0; pc < fn.code.size(); ++pc) {
    const Inst& inst = fn.code[pc];
    const OpInfo& info = op_info(inst.op);
    std::string line = fmt::format("  {:>4}  {}", pc, info.text);
    const std::array<std::uint32_t, 4> values{inst.a, inst.b, inst.c, inst.d};
    std::string_view kinds = info.operands;
    bool first = true;
    for (std::size_t i = 0; i < kinds.size() && i < 4; ++i) {
      if (kinds[i] == '-') continue;
      line += first ? " " : ", ";
      first = false;
      line += operand(module, fn, inst, kinds[i], values[i]);
      if (kinds[i] == 'I') break;  // spans b and c
    }
    if (inst.loc != kNone) line += fmt::format("  ; {}", module.locations[inst.loc].text());
    out += line + "\n";
  }
}

std::string_view policy_text(AsyncPolicy policy) {
  switch (policy) {
    case AsyncPolicy::Every:
      return "every";
    case AsyncPolicy::Latest:
      return "latest";
    case AsyncPolicy::Leading:
      return "leading";
  }
  return "?";
}

}  // namespace

std::string print_module(const Module& module) {
  std::string out;
  for (std::size_t e = 0; e < module.effects.size(); ++e) {
    const Effect& effect = module.effects[e];
    std::string params;
    for (std::size_t i = 0; i < effect.params.size(); ++i) {
      params += (i ? ", " : "") + module.types.print(effect.params[i]);
    }
    out += fmt::format("effect {}({}) -> {}\n", effect.path, params,
                       module.types.print(effect.result));
  }
  for (std::size_t s = 0; s < module.slices.size(); ++s) {
    const Slice& slice = module.slices[s];
    out += fmt::format("slice {} {} prefix {}\n", s, slice.name,
                       slice.prefix ? fmt::format("\"{}\"", *slice.prefix) : "none");
    out += fmt::format("  state {}\n", module.types.print(slice.state_type));
    out += fmt::format("  defaults {}\n", module.functions[slice.defaults].name);
    auto handler = [&](std::string_view kind, const Handler& h) {
      std::string extra;
      if (kind == "async") extra = fmt::format(" {}", policy_text(h.policy));
      if (h.rate == RateLimit::Debounce) extra = fmt::format(" debounce {}ms", h.window_ms);
      if (h.rate == RateLimit::Throttle) extra = fmt::format(" throttle {}ms", h.window_ms);
      out +=
          fmt::format("  {}{} \"{}\"{} -> #{}\n", kind, extra, h.action,
                      h.param ? fmt::format("({})", module.types.print(*h.param)) : "", h.function);
    };
    for (const auto& h : slice.on) handler("on", h);
    for (const auto& h : slice.async) handler("async", h);
    for (const auto& q : slice.queries) {
      out += fmt::format("  query \"{}\"{} -> {} #{}\n", q.name,
                         q.param ? fmt::format("({})", module.types.print(*q.param)) : "",
                         module.types.print(q.result), q.function);
    }
  }
  for (const auto& session : module.sessions) {
    std::string slices;
    for (std::size_t i = 0; i < session.slices.size(); ++i) {
      slices += (i ? ", " : "") + module.slices[session.slices[i]].name;
    }
    out += fmt::format("session {}{}: {}", session.name,
                       module.implicit_session ? " (implicit)" : "", slices);
    if (session.ttl_ms) out += fmt::format("; ttl {}ms", *session.ttl_ms);
    if (session.init) out += fmt::format("; init #{}", *session.init);
    out += "\n";
  }
  for (std::uint32_t f = 0; f < module.functions.size(); ++f) {
    out += "\n";
    print_function(module, f, out);
  }
  return out;
}

}  // namespace sessproc::ir
