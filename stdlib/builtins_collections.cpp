// builtins_collections.cpp: len, append, concat, remove, insert, contains, keys, values, merge,
// get and slice over lists and maps.
#include <algorithm>

#include <fmt/format.h>

#include "stdlib/call.h"

namespace sessproc::stdlib {
namespace {

std::string out_of_range(std::int64_t index, std::size_t size) {
  return fmt::format("index {} is out of range for a list of {} element{}", index, size,
                     size == 1 ? "" : "s");
}

// Clamps a slice bound into [0, size].
std::size_t clamp_bound(std::int64_t bound, std::size_t size) {
  if (bound < 0) return 0;
  return std::min(static_cast<std::size_t>(bound), size);
}

}  // namespace

BuiltinResult call_collection_builtin(BuiltinId id, const Value* args) {
  switch (id) {
    case BuiltinId::LenList:
      return Value::integer(static_cast<std::int64_t>(args[0].as_list().size()));
    case BuiltinId::LenMap:
      return Value::integer(static_cast<std::int64_t>(args[0].as_map().size()));
    case BuiltinId::Append: {
      Value out = args[0];
      out.mutable_list().push_back(args[1]);
      return out;
    }
    case BuiltinId::ConcatList: {
      const auto& a = args[0].as_list();
      const auto& b = args[1].as_list();
      if (b.empty()) return args[0];
      if (a.empty()) return args[1];
      std::vector<Value> items;
      items.reserve(a.size() + b.size());
      items.insert(items.end(), a.begin(), a.end());
      items.insert(items.end(), b.begin(), b.end());
      return Value::list(std::move(items));
    }
    case BuiltinId::RemoveList: {
      const auto& items = args[0].as_list();
      std::int64_t at = args[1].as_int();
      if (at < 0 || static_cast<std::size_t>(at) >= items.size()) {
        return std::unexpected(out_of_range(at, items.size()));
      }
      Value out = args[0];
      auto& mutable_items = out.mutable_list();
      mutable_items.erase(mutable_items.begin() + at);
      return out;
    }
    case BuiltinId::RemoveMap: {
      if (!args[0].map_find(args[1].as_string())) return args[0];
      Value out = args[0];
      auto& entries = out.mutable_map();
      std::erase_if(entries, [&](const MapEntry& e) { return e.first == args[1].as_string(); });
      return out;
    }
    case BuiltinId::InsertList: {
      const auto& items = args[0].as_list();
      std::int64_t at = args[1].as_int();
      if (at < 0 || static_cast<std::size_t>(at) > items.size()) {
        return std::unexpected(
            fmt::format("insert position {} is out of range 0..{}", at, items.size()));
      }
      Value out = args[0];
      auto& mutable_items = out.mutable_list();
      mutable_items.insert(mutable_items.begin() + at, args[2]);
      return out;
    }
    case BuiltinId::InsertMap: {
      Value out = args[0];
      out.map_set(args[1].as_string(), args[2]);
      return out;
    }
    case BuiltinId::ContainsList: {
      const auto& items = args[0].as_list();
      bool found = std::any_of(items.begin(), items.end(),
                               [&](const Value& item) { return equal(item, args[1]); });
      return Value::boolean(found);
    }
    case BuiltinId::ContainsMap:
      return Value::boolean(args[0].map_find(args[1].as_string()) != nullptr);
    case BuiltinId::Keys: {
      std::vector<Value> keys;
      keys.reserve(args[0].as_map().size());
      for (const auto& entry : args[0].as_map()) keys.push_back(Value::string(entry.first));
      return Value::list(std::move(keys));
    }
    case BuiltinId::Values: {
      std::vector<Value> values;
      values.reserve(args[0].as_map().size());
      for (const auto& entry : args[0].as_map()) values.push_back(entry.second);
      return Value::list(std::move(values));
    }
    case BuiltinId::Merge: {
      if (args[1].as_map().empty()) return args[0];
      Value out = args[0];
      for (const auto& [key, value] : args[1].as_map()) out.map_set(key, value);
      return out;
    }
    case BuiltinId::GetMap: {
      const Value* found = args[0].map_find(args[1].as_string());
      return found ? *found : args[2];
    }
    case BuiltinId::GetList: {
      const auto& items = args[0].as_list();
      std::int64_t at = args[1].as_int();
      if (at < 0 || static_cast<std::size_t>(at) >= items.size()) return args[2];
      return items[static_cast<std::size_t>(at)];
    }
    case BuiltinId::SliceList: {
      const auto& items = args[0].as_list();
      std::size_t from = clamp_bound(args[1].as_int(), items.size());
      std::size_t to = clamp_bound(args[2].as_int(), items.size());
      if (from == 0 && to == items.size()) return args[0];
      if (to <= from) return Value::list({});
      return Value::list(std::vector<Value>(items.begin() + static_cast<std::ptrdiff_t>(from),
                                            items.begin() + static_cast<std::ptrdiff_t>(to)));
    }
    default:
      break;
  }
  return std::unexpected(fmt::format("built-in {} is not a collection built-in", builtin(id).name));
}

}  // namespace sessproc::stdlib
