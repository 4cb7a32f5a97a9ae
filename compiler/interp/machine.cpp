// machine.cpp: the execution loop, one `case` per instruction of ops.def.
#include "compiler/interp/machine.h"

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "stdlib/call.h"
#include "stdlib/json.h"
#include "stdlib/value_ops.h"

namespace sessproc::interp {
namespace {

using stdlib::Value;
using stdlib::ValueKind;

// A register file: on the C++ stack when small, on the heap otherwise.
class Registers {
 public:
  explicit Registers(std::uint32_t count) {
    if (count > kInline) {
      heap_.resize(count);
      data_ = heap_.data();
    } else {
      data_ = inline_;
    }
  }
  Value* data() { return data_; }

 private:
  static constexpr std::uint32_t kInline = 24;
  Value inline_[kInline];
  std::vector<Value> heap_;
  Value* data_;
};

Outcome fault(const ir::Module& module, const ir::Inst& inst, std::string message) {
  Outcome out;
  out.stop = Stop::Fault;
  out.fault = inst.loc == ir::kNone
                  ? std::move(message)
                  : fmt::format("{}: {}", module.locations[inst.loc].text(), message);
  return out;
}

bool finite(double f) {
  return std::isfinite(f);
}

}  // namespace

void store_state(Context& context, std::uint32_t field, Value value) {
  if (context.in_place.fields != nullptr) {
    context.in_place.wrote = true;
    context.in_place.fields[field] = std::move(value);
    return;
  }
  std::span<Value> fields = context.state->mutable_fields();
  if (context.undo) context.undo->save(field, fields[field]);
  fields[field] = std::move(value);
}

Outcome call(Context& context, const ir::Function& function, const Value* args) {
  Registers registers(function.registers);
  Value* regs = registers.data();
  for (std::uint32_t i = 0; i < function.params; ++i) regs[i] = args[i];
  std::uint32_t pc = 0;
  return execute(context, function, regs, pc);
}

Outcome execute(Context& context, const ir::Function& function, Value* r, std::uint32_t& pc) {
  const ir::Module& module = context.module;
  const ir::Inst* code = function.code.data();
  for (;;) {
    const ir::Inst& in = code[pc++];
    switch (in.op) {
      case ir::Op::Move:
        r[in.a] = r[in.b];
        break;
      case ir::Op::LoadNil:
        r[in.a] = Value();
        break;
      case ir::Op::LoadBool:
        r[in.a] = Value::boolean(in.b != 0);
        break;
      case ir::Op::LoadInt:
        r[in.a] = Value::integer(static_cast<std::int64_t>(
            static_cast<std::uint64_t>(in.b) | (static_cast<std::uint64_t>(in.c) << 32)));
        break;
      case ir::Op::LoadConst:
        r[in.a] = module.constants[in.b];
        break;
      case ir::Op::LoadState:
        if (context.state == nullptr) return fault(module, in, "the state is not available here");
        r[in.a] = context.state->fields()[in.b];
        break;
      case ir::Op::StoreState:
        store_state(context, in.a, r[in.b]);
        break;
      case ir::Op::LoadSlice:
        r[in.a] = context.slices[in.b].fields()[in.c];
        break;
      case ir::Op::StoreSlice:
        context.slices[in.a].mutable_fields()[in.b] = r[in.c];
        break;
      case ir::Op::LoadMeta:
        if (!context.meta) {
          context.meta =
              context.action && !context.action->meta.is_null()  // null: no meta (runtime)
                  ? stdlib::from_json_any(context.action->meta)
                  : Value::sorted_map({});
        }
        r[in.a] = *context.meta;
        break;
      case ir::Op::IntToFloat:
        if (r[in.b].kind() == ValueKind::Int) {
          r[in.a] = Value::number(static_cast<double>(r[in.b].as_int()));
        } else {
          r[in.a] = r[in.b];
        }
        break;
      case ir::Op::Conform:
        r[in.a] = stdlib::conform(r[in.b], module.types, in.c);
        break;
      case ir::Op::NegInt: {
        std::int64_t out;
        if (__builtin_sub_overflow(std::int64_t{0}, r[in.b].as_int(), &out)) {
          return fault(module, in, fmt::format("integer overflow in -({})", r[in.b].as_int()));
        }
        r[in.a] = Value::integer(out);
        break;
      }
      case ir::Op::NegFloat:
        r[in.a] = Value::number(-r[in.b].as_float());
        break;
      case ir::Op::Not:
        r[in.a] = Value::boolean(!r[in.b].as_bool());
        break;
      case ir::Op::AddInt:
      case ir::Op::SubInt:
      case ir::Op::MulInt: {
        std::int64_t x = r[in.b].as_int(), y = r[in.c].as_int(), out;
        bool overflow = in.op == ir::Op::AddInt   ? __builtin_add_overflow(x, y, &out)
                        : in.op == ir::Op::SubInt ? __builtin_sub_overflow(x, y, &out)
                                                  : __builtin_mul_overflow(x, y, &out);
        if (overflow) {
          char sign = in.op == ir::Op::AddInt ? '+' : in.op == ir::Op::SubInt ? '-' : '*';
          return fault(module, in, fmt::format("integer overflow in {} {} {}", x, sign, y));
        }
        r[in.a] = Value::integer(out);
        break;
      }
      case ir::Op::DivInt:
      case ir::Op::ModInt: {
        std::int64_t x = r[in.b].as_int(), y = r[in.c].as_int();
        bool div = in.op == ir::Op::DivInt;
        if (y == 0) return fault(module, in, div ? "division by zero" : "modulo by zero");
        if (y == -1 && x == std::numeric_limits<std::int64_t>::min()) {
          if (div) return fault(module, in, fmt::format("integer overflow in {} / -1", x));
          r[in.a] = Value::integer(0);
          break;
        }
        r[in.a] = Value::integer(div ? x / y : x % y);
        break;
      }
      case ir::Op::AddFloat:
      case ir::Op::SubFloat:
      case ir::Op::MulFloat:
      case ir::Op::DivFloat: {
        double x = r[in.b].as_float(), y = r[in.c].as_float();
        if (in.op == ir::Op::DivFloat && y == 0) return fault(module, in, "division by zero");
        double out = in.op == ir::Op::AddFloat   ? x + y
                     : in.op == ir::Op::SubFloat ? x - y
                     : in.op == ir::Op::MulFloat ? x * y
                                                 : x / y;
        if (!finite(out)) return fault(module, in, "float overflow (the result is not finite)");
        r[in.a] = Value::number(out);
        break;
      }
      case ir::Op::Concat:
        r[in.a] = Value::string(r[in.b].as_string() + r[in.c].as_string());
        break;
      case ir::Op::Eq:
        r[in.a] = Value::boolean(stdlib::equal(r[in.b], r[in.c]));
        break;
      case ir::Op::Ne:
        r[in.a] = Value::boolean(!stdlib::equal(r[in.b], r[in.c]));
        break;
      case ir::Op::LtInt:
        r[in.a] = Value::boolean(r[in.b].as_int() < r[in.c].as_int());
        break;
      case ir::Op::LeInt:
        r[in.a] = Value::boolean(r[in.b].as_int() <= r[in.c].as_int());
        break;
      case ir::Op::LtFloat:
        r[in.a] = Value::boolean(r[in.b].as_float() < r[in.c].as_float());
        break;
      case ir::Op::LeFloat:
        r[in.a] = Value::boolean(r[in.b].as_float() <= r[in.c].as_float());
        break;
      case ir::Op::LtString:
        r[in.a] = Value::boolean(r[in.b].as_string() < r[in.c].as_string());
        break;
      case ir::Op::LeString:
        r[in.a] = Value::boolean(r[in.b].as_string() <= r[in.c].as_string());
        break;
      case ir::Op::Jump:
        pc = in.a;
        break;
      case ir::Op::JumpIf:
        if (r[in.a].as_bool()) pc = in.b;
        break;
      case ir::Op::JumpIfNot:
        if (!r[in.a].as_bool()) pc = in.b;
        break;
      case ir::Op::JumpIfNil:
        if (r[in.a].is_nil()) pc = in.b;
        break;
      case ir::Op::JumpIfNotNil:
        if (!r[in.a].is_nil()) pc = in.b;
        break;
      // The operations that touch containers or fail with a message are stdlib's, shared
      // with the JIT (stdlib/value_ops.h), so both fault with the same words.
      case ir::Op::GetField: {
        std::string error;
        if (!sessproc_op_get_field(&r[in.a], &r[in.b], &module.types, in.d, in.c, &error)) {
          return fault(module, in, std::move(error));
        }
        break;
      }
      case ir::Op::SetField: {
        std::string error;
        if (!sessproc_op_set_field(&r[in.a], &module.types, in.d, in.b, &r[in.c], &error)) {
          return fault(module, in, std::move(error));
        }
        break;
      }
      case ir::Op::GetKey: {
        std::string error;
        if (!sessproc_op_get_key(&r[in.a], &r[in.b], &r[in.c], &error)) {
          return fault(module, in, std::move(error));
        }
        break;
      }
      case ir::Op::SetKey:
        sessproc_op_set_key(&r[in.a], &r[in.b], &r[in.c]);
        break;
      case ir::Op::GetIndex: {
        std::string error;
        if (!sessproc_op_get_index(&r[in.a], &r[in.b], &r[in.c], &error)) {
          return fault(module, in, std::move(error));
        }
        break;
      }
      case ir::Op::SetIndex: {
        std::string error;
        if (!sessproc_op_set_index(&r[in.a], &r[in.b], &r[in.c], &error)) {
          return fault(module, in, std::move(error));
        }
        break;
      }
      case ir::Op::GetChar: {
        std::string error;
        if (!sessproc_op_get_char(&r[in.a], &r[in.b], &r[in.c], &error)) {
          return fault(module, in, std::move(error));
        }
        break;
      }
      case ir::Op::GetAny: {
        std::string error;
        if (!sessproc_op_get_any(&r[in.a], &r[in.b], &r[in.c], &error)) {
          return fault(module, in, std::move(error));
        }
        break;
      }
      case ir::Op::SetAny: {
        std::string error;
        if (!sessproc_op_set_any(&r[in.a], &r[in.b], &r[in.c], &error)) {
          return fault(module, in, std::move(error));
        }
        break;
      }
      case ir::Op::MakeList:
        r[in.a] = Value::list(std::vector<Value>(r + in.b, r + in.b + in.c));
        break;
      case ir::Op::MakeMap: {
        const auto& keys = module.constants[in.c].as_list();
        std::vector<stdlib::MapEntry> entries;
        entries.reserve(keys.size());
        for (std::size_t i = 0; i < keys.size(); ++i) {
          entries.emplace_back(keys[i].as_string(), r[in.b + i]);
        }
        r[in.a] = Value::map(std::move(entries));
        break;
      }
      case ir::Op::MakeRecord: {
        const stdlib::TypeNode& type = module.types[in.c];
        std::size_t count = type.field_types.size();
        r[in.a] = Value::record(type.shape, std::vector<Value>(r + in.b, r + in.b + count));
        break;
      }
      case ir::Op::Length: {
        const Value& v = r[in.b];
        std::size_t size = v.kind() == ValueKind::Map ? v.as_map().size() : v.as_list().size();
        r[in.a] = Value::integer(static_cast<std::int64_t>(size));
        break;
      }
      case ir::Op::ListAt:
        r[in.a] = r[in.b].as_list()[static_cast<std::size_t>(r[in.c].as_int())];
        break;
      case ir::Op::MapKeyAt:
        r[in.a] = Value::string(r[in.b].as_map()[static_cast<std::size_t>(r[in.c].as_int())].first);
        break;
      case ir::Op::MapValueAt:
        r[in.a] = r[in.b].as_map()[static_cast<std::size_t>(r[in.c].as_int())].second;
        break;
      case ir::Op::Chars:
        r[in.a] = Value::list(stdlib::string_characters(r[in.b].as_string()));
        break;
      case ir::Op::IncInt:
        r[in.a] = Value::integer(r[in.a].as_int() + 1);
        break;
      case ir::Op::CallBuiltin: {
        auto result = stdlib::call_builtin(static_cast<stdlib::BuiltinId>(in.b), r + in.c);
        if (!result) return fault(module, in, std::move(result.error()));
        r[in.a] = std::move(*result);
        break;
      }
      case ir::Op::CallFn: {
        Outcome inner = call(context, module.functions[in.b], r + in.c);
        if (inner.stop != Stop::Return) return inner;
        r[in.a] = std::move(inner.value);
        break;
      }
      case ir::Op::Await: {
        Outcome out;
        out.stop = Stop::Await;
        out.await = &in;
        return out;
      }
      case ir::Op::Dispatch: {
        if (context.async != nullptr) {
          Action action;
          action.type = module.constants[in.a].as_string();
          if (in.b != ir::kNone) action.payload = stdlib::to_json(r[in.b]);
          context.async->dispatch(std::move(action));
        }
        break;
      }
      case ir::Op::Return: {
        Outcome out;
        if (in.a != ir::kNone) out.value = std::move(r[in.a]);
        return out;
      }
      case ir::Op::Unhandled: {
        Outcome out;
        out.stop = Stop::Unhandled;
        return out;
      }
    }
  }
}

}  // namespace sessproc::interp
