// machine.cpp: the execution loop, one `case` per instruction of ops.def.
#include "compiler/interp/machine.h"

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "stdlib/call.h"
#include "stdlib/json.h"

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

std::string list_range(std::int64_t index, std::size_t size) {
  return fmt::format("index {} is out of range for a list of {} element{}", index, size,
                     size == 1 ? "" : "s");
}

// `any[key]` and `any.key` reads: lists by int, maps and records by string.
std::expected<Value, std::string> get_any(const Value& object, const Value& key) {
  if (object.kind() == ValueKind::List && key.kind() == ValueKind::Int) {
    const auto& items = object.as_list();
    if (key.as_int() < 0 || static_cast<std::size_t>(key.as_int()) >= items.size()) {
      return std::unexpected(list_range(key.as_int(), items.size()));
    }
    return items[static_cast<std::size_t>(key.as_int())];
  }
  if (key.kind() == ValueKind::String) {
    const Value* found = nullptr;
    if (object.kind() == ValueKind::Map) found = object.map_find(key.as_string());
    if (object.kind() == ValueKind::Record) found = object.record_find(key.as_string());
    if (found) return *found;
    if (object.kind() == ValueKind::Map || object.kind() == ValueKind::Record) {
      return std::unexpected(fmt::format("key \"{}\" is not in the map", key.as_string()));
    }
  }
  return std::unexpected(
      fmt::format("cannot index a {} with {}", kind_name(object.kind()), stdlib::describe(key)));
}

std::expected<void, std::string> set_any(Value& object, const Value& key, const Value& value) {
  if (object.kind() == ValueKind::List && key.kind() == ValueKind::Int) {
    std::size_t size = object.as_list().size();
    if (key.as_int() < 0 || static_cast<std::size_t>(key.as_int()) >= size) {
      return std::unexpected(list_range(key.as_int(), size));
    }
    object.mutable_list()[static_cast<std::size_t>(key.as_int())] = value;
    return {};
  }
  if (object.kind() == ValueKind::Map && key.kind() == ValueKind::String) {
    object.map_set(key.as_string(), value);
    return {};
  }
  if (object.kind() == ValueKind::Record && key.kind() == ValueKind::String) {
    int at = object.shape()->find(key.as_string());
    if (at >= 0) {
      object.mutable_fields()[static_cast<std::size_t>(at)] = value;
      return {};
    }
  }
  return std::unexpected(
      fmt::format("cannot set {} of a {}", stdlib::describe(key), kind_name(object.kind())));
}

bool finite(double f) {
  return std::isfinite(f);
}

}  // namespace

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
        context.state->mutable_fields()[in.a] = r[in.b];
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
              context.action ? stdlib::from_json_any(context.action->meta) : Value::sorted_map({});
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
      case ir::Op::GetField: {
        const Value& record = r[in.b];
        const stdlib::TypeNode& type = module.types[in.d];
        if (record.kind() != ValueKind::Record) {
          return fault(module, in, fmt::format("a {} has no fields", kind_name(record.kind())));
        }
        if (record.shape() == type.shape) {
          r[in.a] = record.fields()[in.c];
        } else {
          const Value* found = record.record_find(type.shape->names[in.c]);
          r[in.a] = found ? *found : Value();
        }
        break;
      }
      case ir::Op::SetField: {
        Value& record = r[in.a];
        const stdlib::TypeNode& type = module.types[in.d];
        if (record.kind() == ValueKind::Record && record.shape() != type.shape) {
          record = stdlib::conform(record, module.types, in.d);
        }
        if (record.kind() != ValueKind::Record) {
          return fault(module, in, fmt::format("a {} has no fields", kind_name(record.kind())));
        }
        record.mutable_fields()[in.b] = r[in.c];
        break;
      }
      case ir::Op::GetKey: {
        const Value* found = r[in.b].map_find(r[in.c].as_string());
        if (found == nullptr) {
          return fault(module, in,
                       fmt::format("key \"{}\" is not in the map; use get(map, key, default)",
                                   r[in.c].as_string()));
        }
        r[in.a] = *found;
        break;
      }
      case ir::Op::SetKey:
        r[in.a].map_set(r[in.b].as_string(), r[in.c]);
        break;
      case ir::Op::GetIndex: {
        const auto& items = r[in.b].as_list();
        std::int64_t at = r[in.c].as_int();
        if (at < 0 || static_cast<std::size_t>(at) >= items.size()) {
          return fault(module, in, list_range(at, items.size()));
        }
        r[in.a] = items[static_cast<std::size_t>(at)];
        break;
      }
      case ir::Op::SetIndex: {
        std::size_t size = r[in.a].as_list().size();
        std::int64_t at = r[in.b].as_int();
        if (at < 0 || static_cast<std::size_t>(at) >= size) {
          return fault(module, in, list_range(at, size));
        }
        r[in.a].mutable_list()[static_cast<std::size_t>(at)] = r[in.c];
        break;
      }
      case ir::Op::GetChar: {
        const std::string& text = r[in.b].as_string();
        std::int64_t at = r[in.c].as_int();
        std::size_t count = stdlib::code_points(text);
        if (at < 0 || static_cast<std::size_t>(at) >= count) {
          return fault(module, in,
                       fmt::format("index {} is out of range for a string of {} character{}", at,
                                   count, count == 1 ? "" : "s"));
        }
        std::size_t begin = stdlib::code_point_offset(text, static_cast<std::size_t>(at));
        std::size_t end = stdlib::code_point_offset(text, static_cast<std::size_t>(at) + 1);
        r[in.a] = Value::string(text.substr(begin, end - begin));
        break;
      }
      case ir::Op::GetAny: {
        auto got = get_any(r[in.b], r[in.c]);
        if (!got) return fault(module, in, std::move(got.error()));
        r[in.a] = std::move(*got);
        break;
      }
      case ir::Op::SetAny: {
        auto done = set_any(r[in.a], r[in.b], r[in.c]);
        if (!done) return fault(module, in, std::move(done.error()));
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
