// runtime/native.cpp: NativeModule, the Module that ModuleBuilder assembles from Slice<S>s.
#include "runtime/native.h"

#include <fmt/format.h>

namespace sessproc::native {

namespace {

class NativeModule final : public Module {
 public:
  std::string name_, version_;
  std::vector<SliceDef> defs;
  std::vector<SliceInfo> infos;
  std::vector<SessionTypeInfo> types;
  std::vector<InitFn> inits;
  std::vector<std::vector<std::string>> slice_names;  // per session type

  std::string_view name() const override { return name_; }
  std::string_view version() const override { return version_; }
  std::span<const SliceInfo> slices() const override { return infos; }
  std::span<const SessionTypeInfo> session_types() const override { return types; }
  SliceState initial_state(std::size_t slice) const override { return defs[slice].initial; }

  std::expected<void, Error> init(std::size_t type, const Value& args,
                                  std::span<SliceState> states) const override {
    if (!inits[type]) return {};
    try {
      InitState st(slice_names[type], states);
      inits[type](args, st);
      return {};
    } catch (const std::exception& e) {
      return std::unexpected(make_error(Errc::init_failed, {}, e.what()));
    }
  }
  std::expected<Reduced, Error> reduce(std::size_t slice, const SliceState& state,
                                       std::string_view type, const Action& action) const override {
    try {
      return defs[slice].reduce(state, type, action);
    } catch (const std::exception& e) {
      return std::unexpected(make_error(Errc::reducer_fault, {}, e.what()));
    }
  }
  std::expected<Value, Error> query(std::size_t slice, const SliceState& state,
                                    std::string_view name, const Value& args) const override {
    try {
      return defs[slice].query(state, name, args);
    } catch (const std::exception& e) {
      return std::unexpected(make_error(Errc::reducer_fault, {}, e.what()));
    }
  }
  std::expected<std::unique_ptr<AsyncRun>, Error> start_async(
      std::size_t slice, std::string_view type, const Action& action,
      const SliceState& state) const override {
    return defs[slice].start_async(type, action, state);
  }
  Value to_json(std::size_t slice, const SliceState& state) const override {
    return defs[slice].to_json(state);
  }
  std::expected<SliceState, Error> from_json(std::size_t slice, const Value& json) const override {
    return defs[slice].from_json(json);
  }
};

}  // namespace

std::expected<std::shared_ptr<const Module>, Error> ModuleBuilder::build() const {
  auto m = std::make_shared<NativeModule>();
  m->name_ = name_;
  m->version_ = version_;
  m->defs = slices_;
  for (const auto& d : slices_) m->infos.push_back(d.info);
  for (const auto& p : sessions_) {
    SessionTypeInfo info{p.name, {}, p.ttl, static_cast<bool>(p.init)};
    for (const auto& slice : p.slices) {
      auto it = std::find_if(slices_.begin(), slices_.end(),
                             [&](const SliceDef& d) { return d.info.name == slice; });
      if (it == slices_.end()) {
        return std::unexpected(
            make_error(Errc::invalid_module, {},
                       fmt::format("session {} names an unknown slice {}", p.name, slice)));
      }
      info.slices.push_back(static_cast<std::size_t>(it - slices_.begin()));
    }
    m->types.push_back(std::move(info));
    m->inits.push_back(p.init);
    m->slice_names.push_back(p.slices);
  }
  return std::shared_ptr<const Module>(std::move(m));
}

}  // namespace sessproc::native
