// runtime/state.cpp: rendering and path selection of state snapshots.
#include "runtime/state.h"

#include <fmt/format.h>

#include "runtime/module_plan.h"

namespace sessproc {

StateSnapshot::StateSnapshot(std::shared_ptr<const StateData> data,
                             std::shared_ptr<const ModulePlan> plan)
    : data_(std::move(data)), plan_(std::move(plan)) {}

Value StateSnapshot::to_json() const {
  Value out = Value::object();
  if (!data_) return out;
  const TypePlan& type = *data_->type;
  for (std::uint32_t pos = 0; pos < type.slices.size(); ++pos) {
    out[type.slice(pos).name] = type.module().to_json(type.slices[pos], data_->slices[pos]);
  }
  return out;
}

std::expected<Value, Error> StateSnapshot::select(std::string_view path) const {
  if (path.empty()) return to_json();
  if (!data_)
    return std::unexpected(make_error(Errc::invalid_selector, std::string(path), "no state"));
  const TypePlan& type = *data_->type;
  auto dot = path.find('.');
  std::string_view name = path.substr(0, dot);
  std::string_view rest = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  auto it = type.by_name.find(name);
  if (it == type.by_name.end()) {
    return std::unexpected(
        make_error(Errc::invalid_selector, std::string(path), fmt::format("no slice {}", name)));
  }
  auto selected = type.module().select(type.slices[it->second], data_->slices[it->second], rest);
  if (!selected && selected.error().code == Errc::invalid_selector) {
    selected.error().subject = std::string(path);
  }
  return selected;
}

std::vector<std::string> StateSnapshot::slice_names() const {
  std::vector<std::string> names;
  if (!data_) return names;
  for (std::uint32_t pos = 0; pos < data_->type->slices.size(); ++pos) {
    names.push_back(data_->type->slice(pos).name);
  }
  return names;
}

const SliceState* StateSnapshot::slice(std::string_view name) const {
  if (!data_) return nullptr;
  auto it = data_->type->by_name.find(name);
  return it == data_->type->by_name.end() ? nullptr : &data_->slices[it->second];
}

const std::string& StateSnapshot::session_type() const {
  static const std::string none;
  return data_ ? data_->type->name : none;
}

std::size_t StateSnapshot::memory_bytes() const {
  if (!data_) return 0;
  std::size_t total = sizeof(StateData);
  if (data_->slices.capacity() > StateData::kInlineSlices)  // spilled to the heap
    total += data_->slices.capacity() * sizeof(SliceState);
  for (const auto& s : data_->slices) {
    if (s) total += s->memory_bytes();
  }
  return total;
}

}  // namespace sessproc
