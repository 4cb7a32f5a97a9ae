// runtime/module_plan.cpp: validating and indexing a module at load.
#include "runtime/module_plan.h"

#include <fmt/format.h>

#include "runtime/router.h"

namespace sessproc {

namespace {

Error bad(std::string reason) {
  return make_error(Errc::invalid_module, {}, std::move(reason));
}

bool valid_prefix(std::string_view p) {
  for (char c : p) {
    if (c == '.' || c == ' ' || c == '\t' || c == '\n' || c == '\r') return false;
  }
  return true;
}

class DefaultModule final : public Module {
 public:
  DefaultModule() { types_.push_back(SessionTypeInfo{"default", {}, std::nullopt, false}); }
  std::string_view name() const override { return kBuiltinModuleName; }
  std::span<const SliceInfo> slices() const override { return {}; }
  std::span<const SessionTypeInfo> session_types() const override { return types_; }
  SliceState initial_state(std::size_t) const override { return nullptr; }
  std::expected<Reduced, Error> reduce(std::size_t, const SliceState& state, std::string_view,
                                       const Action&) const override {
    return Reduced{state, false};
  }
  Value to_json(std::size_t, const SliceState&) const override { return Value::object(); }

 private:
  std::vector<SessionTypeInfo> types_;
};

}  // namespace

const SlicePlan& TypePlan::slice(std::uint32_t pos) const {
  return plan->slices[slices[pos]];
}
const Module& TypePlan::module() const {
  return *plan->module;
}

const HandlerInfo* TypePlan::handler(std::uint32_t pos, std::string_view type) const {
  const auto& handlers = slice(pos).handlers;
  auto it = handlers.find(type);
  return it == handlers.end() ? nullptr : it->second;
}

const TypePlan* ModulePlan::find_type(std::string_view name) const {
  for (const auto& t : types) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::expected<std::shared_ptr<const ModulePlan>, Error> ModulePlan::build(
    const std::shared_ptr<const Module>& module, std::uint64_t generation, ActionTypeNames* names) {
  if (!module) return std::unexpected(bad("the module is null"));
  auto plan = std::make_shared<ModulePlan>();
  plan->module = module;
  plan->in_place = module->reduces_in_place();
  plan->generation = generation;
  const auto slices = module->slices();
  const auto types = module->session_types();
  if (types.empty()) {
    return std::unexpected(bad(fmt::format("module {} declares no session type", module->name())));
  }
  plan->slices.reserve(slices.size());
  std::vector<SliceState> initial(slices.size());
  for (std::size_t i = 0; i < slices.size(); ++i) {
    const SliceInfo& info = slices[i];
    if (info.name.empty()) return std::unexpected(bad(fmt::format("slice {} has no name", i)));
    SlicePlan sp;
    sp.name = info.name;
    if (info.prefix && !info.prefix->empty()) sp.prefix.emplace(*info.prefix);  // "" = catch-all
    if (sp.prefix && !valid_prefix(*sp.prefix)) {
      return std::unexpected(
          bad(fmt::format("slice {} has an invalid prefix \"{}\"", info.name, *sp.prefix)));
    }
    for (const auto& h : info.handlers) {
      if (h.type.empty() || !sp.handlers.emplace(h.type, &h).second) {
        return std::unexpected(bad(
            fmt::format("slice {} has an empty or duplicate handler \"{}\"", info.name, h.type)));
      }
    }
    for (const auto& q : info.queries) sp.queries.emplace(q.name, true);
    plan->slices.push_back(std::move(sp));
    try {
      initial[i] = module->initial_state(i);
    } catch (const std::exception& e) {
      return std::unexpected(
          bad(fmt::format("initial state of {} failed: {}", info.name, e.what())));
    }
  }
  plan->types.reserve(types.size());
  for (std::size_t t = 0; t < types.size(); ++t) {
    const SessionTypeInfo& info = types[t];
    if (info.name.empty())
      return std::unexpected(bad(fmt::format("session type {} has no name", t)));
    if (plan->find_type(info.name)) {
      return std::unexpected(bad(fmt::format("duplicate session type {}", info.name)));
    }
    TypePlan tp;
    tp.plan = plan.get();
    tp.index = t;
    tp.name = info.name;
    tp.ttl = info.ttl;
    tp.has_init = info.has_init;
    for (std::size_t s : info.slices) {
      if (s >= slices.size()) {
        return std::unexpected(
            bad(fmt::format("session {} names slice {} of {}", info.name, s, slices.size())));
      }
      auto pos = static_cast<std::uint32_t>(tp.slices.size());
      const SlicePlan& sp = plan->slices[s];
      if (!tp.by_name.emplace(sp.name, pos).second) {
        return std::unexpected(
            bad(fmt::format("session {} has two slices named {}", info.name, sp.name)));
      }
      if (sp.prefix) {
        tp.by_prefix[*sp.prefix].push_back(pos);
      } else {
        tp.catch_all.push_back(pos);
      }
      tp.slices.push_back(static_cast<std::uint32_t>(s));
    }
    tp.routes = ActionRouter::resolve(tp, names);
    plan->types.push_back(std::move(tp));
  }
  // StateData points at its TypePlan, whose address is now stable.
  for (std::size_t t = 0; t < plan->types.size(); ++t) {
    auto state = std::make_shared<StateData>();
    state->type = &plan->types[t];
    for (std::uint32_t s : plan->types[t].slices) state->slices.push_back(initial[s]);
    plan->types[t].initial = std::move(state);
  }
  return std::shared_ptr<const ModulePlan>(std::move(plan));
}

std::shared_ptr<const Module> make_default_module() {
  return std::make_shared<DefaultModule>();
}

}  // namespace sessproc
