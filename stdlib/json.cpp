// json.cpp: Value <-> JSON, payload checking against a type, and record layout conformance.
#include "stdlib/json.h"

#include <cstdint>
#include <limits>

#include <fmt/format.h>

namespace sessproc::stdlib {
namespace {

std::string_view json_kind(const Json& json) {
  switch (json.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "bool";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "int";
    case Json::value_t::number_float:
      return "float";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "list";
    case Json::value_t::object:
      return "map";
    default:
      return "value";
  }
}

std::string found(const Json& json) {
  if (json.is_null()) return "null";
  std::string text = json.dump();
  if (text.size() > 40 || json.is_array() || json.is_object()) {
    return std::string(json_kind(json));
  }
  return fmt::format("{} {}", json_kind(json), text);
}

struct Reader {
  const TypeTable& types;
  std::string error;

  bool fail(const std::string& path, TypeRef type, const Json& json) {
    error = fmt::format("{}: expected {}, found {}", path, types.print(type), found(json));
    return false;
  }

  bool read(const Json& json, TypeRef type, std::string& path, Value& out) {
    const TypeNode& node = types[type];
    switch (node.kind) {
      case TypeKind::Any:
        out = from_json_any(json);
        return true;
      case TypeKind::Nil:
        if (!json.is_null()) return fail(path, type, json);
        out = Value();
        return true;
      case TypeKind::Optional:
        if (json.is_null()) {
          out = Value();
          return true;
        }
        return read(json, node.element, path, out);
      case TypeKind::Bool:
        if (!json.is_boolean()) return fail(path, type, json);
        out = Value::boolean(json.get<bool>());
        return true;
      case TypeKind::Int:
        if (json.is_number_integer() && !json.is_number_unsigned()) {
          out = Value::integer(json.get<std::int64_t>());
          return true;
        }
        if (json.is_number_unsigned()) {
          auto u = json.get<std::uint64_t>();
          if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            out = Value::integer(static_cast<std::int64_t>(u));
            return true;
          }
          error = fmt::format("{}: integer {} is out of the 64-bit range", path, u);
          return false;
        }
        return fail(path, type, json);
      case TypeKind::Float:
        if (!json.is_number()) return fail(path, type, json);
        out = Value::number(json.get<double>());
        return true;
      case TypeKind::String:
        if (!json.is_string()) return fail(path, type, json);
        out = Value::string(json.get<std::string>());
        return true;
      case TypeKind::List: {
        if (!json.is_array()) return fail(path, type, json);
        std::vector<Value> items(json.size());
        std::size_t base = path.size();
        for (std::size_t i = 0; i < json.size(); ++i) {
          path += fmt::format("[{}]", i);
          if (!read(json[i], node.element, path, items[i])) return false;
          path.resize(base);
        }
        out = Value::list(std::move(items));
        return true;
      }
      case TypeKind::Map: {
        if (!json.is_object()) return fail(path, type, json);
        std::vector<MapEntry> entries;
        entries.reserve(json.size());
        std::size_t base = path.size();
        for (const auto& [key, item] : json.items()) {
          path += fmt::format("[\"{}\"]", key);
          Value value;
          if (!read(item, node.element, path, value)) return false;
          path.resize(base);
          entries.emplace_back(key, std::move(value));
        }
        out = Value::sorted_map(std::move(entries));  // nlohmann objects iterate sorted
        return true;
      }
      case TypeKind::Record: {
        if (!json.is_object()) return fail(path, type, json);
        const auto& names = node.shape->names;
        std::vector<Value> fields(names.size());
        std::size_t base = path.size();
        for (std::size_t i = 0; i < names.size(); ++i) {
          auto it = json.find(names[i]);
          if (it == json.end()) {
            if (types[node.field_types[i]].kind == TypeKind::Optional ||
                types[node.field_types[i]].kind == TypeKind::Any ||
                types[node.field_types[i]].kind == TypeKind::Nil) {
              continue;  // an absent optional field is nil
            }
            error = fmt::format("{}: missing field `{}` of type {}", path, names[i],
                                types.print(node.field_types[i]));
            return false;
          }
          path += "." + names[i];
          if (!read(*it, node.field_types[i], path, fields[i])) return false;
          path.resize(base);
        }
        for (const auto& [key, item] : json.items()) {
          if (node.shape->find(key) < 0) {
            error = fmt::format("{}: unknown field `{}`; {} has no such field", path, key,
                                types.print(type));
            return false;
          }
        }
        out = Value::record(node.shape, std::move(fields));
        return true;
      }
    }
    return fail(path, type, json);
  }
};

}  // namespace

Json to_json(const Value& value) {
  switch (value.kind()) {
    case ValueKind::Nil:
      return nullptr;
    case ValueKind::Bool:
      return value.as_bool();
    case ValueKind::Int:
      return value.as_int();
    case ValueKind::Float:
      return value.as_float();
    case ValueKind::String:
      return value.as_string();
    case ValueKind::List: {
      Json out = Json::array();
      for (const auto& item : value.as_list()) out.push_back(to_json(item));
      return out;
    }
    case ValueKind::Map: {
      Json out = Json::object();
      for (const auto& [key, item] : value.as_map()) out[key] = to_json(item);
      return out;
    }
    case ValueKind::Record: {
      Json out = Json::object();
      const auto& names = value.shape()->names;
      const auto& fields = value.fields();
      for (std::size_t i = 0; i < names.size(); ++i) out[names[i]] = to_json(fields[i]);
      return out;
    }
  }
  return nullptr;
}

std::string to_json_text(const Value& value) {
  return to_json(value).dump();
}

Value from_json_any(const Json& json) {
  switch (json.type()) {
    case Json::value_t::boolean:
      return Value::boolean(json.get<bool>());
    case Json::value_t::number_integer:
      return Value::integer(json.get<std::int64_t>());
    case Json::value_t::number_unsigned: {
      auto u = json.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Value::integer(static_cast<std::int64_t>(u));
      }
      return Value::number(static_cast<double>(u));
    }
    case Json::value_t::number_float:
      return Value::number(json.get<double>());
    case Json::value_t::string:
      return Value::string(json.get<std::string>());
    case Json::value_t::array: {
      std::vector<Value> items;
      items.reserve(json.size());
      for (const auto& item : json) items.push_back(from_json_any(item));
      return Value::list(std::move(items));
    }
    case Json::value_t::object: {
      std::vector<MapEntry> entries;
      entries.reserve(json.size());
      for (const auto& [key, item] : json.items()) entries.emplace_back(key, from_json_any(item));
      return Value::sorted_map(std::move(entries));
    }
    default:
      return Value();
  }
}

std::expected<Value, std::string> from_json(const Json& json, const TypeTable& types, TypeRef type,
                                            std::string_view root) {
  Reader reader{types, {}};
  std::string path(root);
  Value out;
  if (!reader.read(json, type, path, out)) return std::unexpected(std::move(reader.error));
  return out;
}

Value conform(const Value& value, const TypeTable& types, TypeRef type) {
  const TypeNode& node = types[type];
  switch (node.kind) {
    case TypeKind::Optional:
      return value.is_nil() ? value : conform(value, types, node.element);
    case TypeKind::List: {
      if (value.kind() != ValueKind::List) return value;
      Value out = value;
      const auto& items = value.as_list();
      for (std::size_t i = 0; i < items.size(); ++i) {
        Value item = conform(items[i], types, node.element);
        if (item.identity() != items[i].identity()) out.mutable_list()[i] = std::move(item);
      }
      return out;
    }
    case TypeKind::Map: {
      if (value.kind() != ValueKind::Map) return value;
      Value out = value;
      const auto& entries = value.as_map();
      for (std::size_t i = 0; i < entries.size(); ++i) {
        Value item = conform(entries[i].second, types, node.element);
        if (item.identity() != entries[i].second.identity()) {
          out.mutable_map()[i].second = std::move(item);
        }
      }
      return out;
    }
    case TypeKind::Record: {
      if (value.kind() != ValueKind::Record) return value;
      const auto& names = node.shape->names;
      bool same = value.shape() == node.shape || value.shape()->names == names;
      std::vector<Value> fields(names.size());
      bool changed = !same;
      for (std::size_t i = 0; i < names.size(); ++i) {
        const Value* field = same ? &value.fields()[i] : value.record_find(names[i]);
        if (field == nullptr) continue;
        fields[i] = conform(*field, types, node.field_types[i]);
        if (fields[i].identity() != field->identity()) changed = true;
      }
      if (!changed && value.shape() == node.shape) return value;
      return Value::record(node.shape, std::move(fields));
    }
    default:
      return value;
  }
}

}  // namespace sessproc::stdlib
