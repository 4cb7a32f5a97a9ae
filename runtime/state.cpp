// runtime/state.cpp: rendering and path selection of state snapshots.
#include "runtime/state.h"

#include <fmt/format.h>

#include "runtime/module_plan.h"

namespace sessproc {

StateSnapshot::StateSnapshot(std::shared_ptr<const StateData> data,
                             std::shared_ptr<const ModulePlan> plan)
    : data_(std::move(data)), plan_(std::move(plan)) {}

Value state_to_json(const TypePlan& type, std::span<const SliceState> slices) {
  Value out = Value::object();
  for (std::uint32_t pos = 0; pos < type.slices.size() && pos < slices.size(); ++pos) {
    out[type.slice(pos).name] = type.module().to_json(type.slices[pos], slices[pos]);
  }
  return out;
}

SlicePath locate_path(const TypePlan& type, std::string_view path) {
  const auto dot = path.find('.');
  SlicePath where;
  where.field_at =
      static_cast<std::uint32_t>(dot == std::string_view::npos ? path.size() : dot + 1);
  auto it = type.by_name.find(path.substr(0, dot));
  if (it != type.by_name.end()) where.pos = it->second;
  return where;
}

std::expected<Value, Error> select_located(const TypePlan& type, std::span<const SliceState> slices,
                                           SlicePath where, std::string_view path) {
  if (where.pos == SlicePath::npos || where.pos >= slices.size()) {
    return std::unexpected(make_error(Errc::invalid_selector, std::string(path),
                                      fmt::format("no slice {}", path.substr(0, path.find('.')))));
  }
  auto selected =
      type.module().select(type.slices[where.pos], slices[where.pos], path.substr(where.field_at));
  if (!selected && selected.error().code == Errc::invalid_selector) {
    selected.error().subject = std::string(path);
  }
  return selected;
}

Value StateSnapshot::to_json() const {
  if (!data_) return Value::object();
  return state_to_json(*data_->type, {data_->slices.data(), data_->slices.size()});
}

std::expected<Value, Error> StateSnapshot::select(std::string_view path) const {
  if (path.empty()) return to_json();
  if (!data_)
    return std::unexpected(make_error(Errc::invalid_selector, std::string(path), "no state"));
  const TypePlan& type = *data_->type;
  return select_located(type, {data_->slices.data(), data_->slices.size()}, locate_path(type, path),
                        path);
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
