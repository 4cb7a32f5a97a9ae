// support_module.h: the sessproc::Module that emitted C++ instantiates over its tables.
//
// The emitted source defines the program's functions and fills a Program (types, constants,
// slices with their handler and query functions, effects, sessions); `make_module` turns it
// into a runtime Module with the interpreter's exact behaviour (compiler/interp/
// ir_module.cpp): payload checks, guards (first match wins), queries, init, async handlers
// as step machines, JSON in and out. Each slice's state is the native struct the emitted
// header declares; the slice table reaches it only through the three functions the emitted
// source defines per slice (from a record, to JSON, one field as JSON), so this file needs no
// knowledge of the structs. Header-only, like support_ops.h.
#pragma once

#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/cpp/support_checks.h"
#include "compiler/cpp/support_ops.h"

namespace sessproc::emitted {

struct HandlerEntry {
  std::string action;  // without the prefix
  Function on = nullptr;
  AsyncFunction async = nullptr;
  std::uint32_t registers = 0;  // async: the frame's size
  std::optional<stdlib::TypeRef> param;
  AsyncPolicy policy = AsyncPolicy::every;
  RateLimit rate = RateLimit::none;
  std::int64_t window_ms = 0;
};

struct QueryEntry {
  std::string name;
  Function function = nullptr;
  std::optional<stdlib::TypeRef> param;
};

struct FieldEntry {
  std::string name;
  stdlib::TypeRef type = 0;
};

struct SliceEntry {
  std::string name;
  std::optional<std::string> prefix;
  std::vector<FieldEntry> fields;
  stdlib::TypeRef state_type = 0;
  Function defaults = nullptr;
  // The native state: made from a record of state_type (the defaults, from_json), written as
  // JSON, and one field as JSON (nullopt: no such field) for select.
  SliceState (*from_record)(const Value& record) = nullptr;
  sessproc::Value (*to_json)(const SliceValue& state) = nullptr;
  std::optional<sessproc::Value> (*field_json)(const SliceValue& state,
                                               std::string_view field) = nullptr;
  std::vector<HandlerEntry> on;  // source order
  std::vector<HandlerEntry> async;
  std::vector<QueryEntry> queries;
};

struct EffectEntry {
  std::string path;
  std::size_t params = 0;
  stdlib::TypeRef result = 0;
};

struct SessionEntry {
  std::string name;
  std::vector<std::size_t> slices;
  std::optional<std::int64_t> ttl_ms;
  Function init = nullptr;
  std::optional<stdlib::TypeRef> init_param;
};

struct Program {
  stdlib::TypeTable types;
  std::vector<Value> constants;
  std::vector<SliceEntry> slices;
  std::vector<EffectEntry> effects;
  std::vector<SessionEntry> sessions;
  bool implicit_session = false;
};

struct ModuleOptions {
  std::string module_name = "main";
  std::string implicit_session_name = "main";  // "default" is the runtime's own
};

class EmittedAsyncRun final : public AsyncRun {
 public:
  EmittedAsyncRun(std::shared_ptr<const Program> program, std::size_t slice,
                  const HandlerEntry& handler, Value payload, SliceState state, Action action)
      : program_(std::move(program)),
        slice_(slice),
        function_(handler.async),
        state_(std::move(state)),
        action_(std::move(action)) {
    frame_.registers.resize(handler.registers);
    if (handler.param && !frame_.registers.empty()) frame_.registers[0] = std::move(payload);
  }

  AsyncStep resume(AsyncContext& async, std::expected<sessproc::Value, Error> last) override {
    const Program& p = *program_;
    const std::string& slice = p.slices[slice_].name;
    if (awaiting_) {
      const Outcome& waited = *awaiting_;
      if (!last) {
        awaiting_.reset();
        return AsyncStep::failed(std::move(last.error()));
      }
      const EffectEntry& effect = p.effects[waited.effect];
      auto value = stdlib::from_json(*last, p.types, effect.result, "the result of " + effect.path);
      if (!value) {
        std::string where = waited.where ? std::string(waited.where) + ": " : std::string();
        return AsyncStep::failed(make_error(Errc::reducer_fault, slice, where + value.error()));
      }
      frame_.registers[waited.target] = std::move(*value);
      awaiting_.reset();
    }
    Context cx{p};
    cx.state = state_.get();
    cx.slice = slice_;
    cx.action = &action_;
    cx.async = &async;
    Outcome out = function_(cx, frame_);
    switch (out.stop) {
      case Stop::Return:
      case Stop::Unhandled:
        return AsyncStep::done();
      case Stop::Fault:
        return AsyncStep::failed(make_error(Errc::reducer_fault, slice, std::move(out.fault)));
      case Stop::Await:
        break;
    }
    const EffectEntry& effect = p.effects[out.effect];
    sessproc::Value args = sessproc::Value::array();
    for (std::size_t i = 0; i < effect.params; ++i) {
      args.push_back(stdlib::to_json(frame_.registers[out.arguments + i]));
    }
    awaiting_ = std::move(out);
    return AsyncStep::await(effect.path, std::move(args));
  }

 private:
  std::shared_ptr<const Program> program_;
  std::size_t slice_;
  AsyncFunction function_;
  AsyncFrame frame_;
  std::optional<Outcome> awaiting_;
  SliceState state_;  // as it was when the action arrived: async handlers only read it
  Action action_;
};

class EmittedModule final : public Module {
 public:
  EmittedModule(std::shared_ptr<const Program> program, ModuleOptions options)
      : program_(std::move(program)), options_(std::move(options)) {}

  std::expected<void, std::string> build() {
    const Program& p = *program_;
    for (const SliceEntry& slice : p.slices) {
      SliceInfo info;
      info.name = slice.name;
      info.prefix = slice.prefix;
      std::unordered_map<std::string, std::size_t> handler_at;
      auto handler = [&](const std::string& type) -> HandlerInfo& {
        auto [it, inserted] = handler_at.try_emplace(type, info.handlers.size());
        if (inserted) {
          HandlerInfo h;
          h.type = type;
          h.has_on = false;
          info.handlers.push_back(std::move(h));
        }
        return info.handlers[it->second];
      };
      for (const HandlerEntry& on : slice.on) {
        HandlerInfo& h = handler(on.action);
        h.has_on = true;
        if (on.rate != RateLimit::none) {
          h.rate = on.rate;
          h.window = std::chrono::milliseconds(on.window_ms);
        }
      }
      for (const HandlerEntry& async : slice.async) {
        HandlerInfo& h = handler(async.action);
        h.async = async.policy;  // the interpreter's rule: the last one declared
      }
      for (const QueryEntry& query : slice.queries) info.queries.push_back(QueryInfo{query.name});
      // The defaults: run once, shared by every new session.
      Context cx{p};
      Outcome out = slice.defaults(cx, nullptr);
      if (out.stop != Stop::Return) {
        return std::unexpected("the default state of " + slice.name + " faulted: " + out.fault);
      }
      for (std::size_t f = 0; f < slice.fields.size(); ++f) {
        info.schema.push_back(FieldInfo{slice.fields[f].name, p.types.print(slice.fields[f].type),
                                        stdlib::to_json(out.value.fields()[f])});
      }
      initial_.push_back(slice.from_record(out.value));
      slices_.push_back(std::move(info));
    }
    for (std::size_t i = 0; i < p.sessions.size(); ++i) {
      const SessionEntry& session = p.sessions[i];
      SessionTypeInfo info;
      info.name = p.implicit_session && i == 0 ? options_.implicit_session_name : session.name;
      info.slices = session.slices;
      if (session.ttl_ms) info.ttl = std::chrono::milliseconds(*session.ttl_ms);
      info.has_init = session.init != nullptr;
      sessions_.push_back(std::move(info));
    }
    return {};
  }

  std::string_view name() const override { return options_.module_name; }
  std::span<const SliceInfo> slices() const override { return slices_; }
  std::span<const SessionTypeInfo> session_types() const override { return sessions_; }
  SliceState initial_state(std::size_t slice) const override { return initial_[slice]; }

  std::expected<Reduced, Error> reduce(std::size_t slice, const SliceState& state,
                                       std::string_view type, const Action& action) const override {
    const Program& p = *program_;
    const SliceEntry& info = p.slices[slice];
    // One payload conversion per distinct parameter type.
    std::optional<stdlib::TypeRef> converted_type;
    Value payload;
    for (const HandlerEntry& handler : info.on) {
      if (handler.action != type) continue;
      if (handler.param && converted_type != handler.param) {
        auto value = module_checks::typed_argument(action.payload, p.types, *handler.param,
                                                   "payload", Errc::invalid_payload,
                                                   info.name + "." + std::string(type));
        if (!value) return std::unexpected(std::move(value.error()));
        payload = std::move(*value);
        converted_type = handler.param;
      }
      Context cx{p};
      cx.state = state.get();
      cx.slice = slice;
      cx.action = &action;
      Outcome out = handler.on(cx, &payload);
      if (out.stop == Stop::Unhandled) continue;
      if (out.stop == Stop::Fault) {
        return std::unexpected(make_error(Errc::reducer_fault, info.name, std::move(out.fault)));
      }
      if (!cx.written) return Reduced{state, true};
      return Reduced{std::move(cx.written), true};
    }
    return Reduced{state, false};
  }

  std::expected<sessproc::Value, Error> query(std::size_t slice, const SliceState& state,
                                              std::string_view name,
                                              const sessproc::Value& args) const override {
    const Program& p = *program_;
    const SliceEntry& info = p.slices[slice];
    const QueryEntry* q = nullptr;
    for (const QueryEntry& entry : info.queries) {
      if (entry.name == name) {
        q = &entry;
        break;
      }
    }
    if (q == nullptr) return std::unexpected(make_error(Errc::unknown_query, std::string(name)));
    Value arg;
    if (q->param) {
      auto value =
          module_checks::typed_argument(args, p.types, *q->param, "args", Errc::invalid_payload,
                                        info.name + "." + std::string(name));
      if (!value) return std::unexpected(std::move(value.error()));
      arg = std::move(*value);
    }
    Context cx{p};
    cx.state = state.get();
    cx.slice = slice;
    Outcome out = q->function(cx, &arg);
    if (out.stop == Stop::Fault) {
      return std::unexpected(make_error(Errc::reducer_fault, info.name, std::move(out.fault)));
    }
    return stdlib::to_json(out.value);
  }

  std::expected<void, Error> init(std::size_t session_type, const sessproc::Value& args,
                                  std::span<SliceState> states) const override {
    const Program& p = *program_;
    const SessionEntry& session = p.sessions[session_type];
    if (session.init == nullptr) return {};
    Value arg;
    if (session.init_param) {
      auto value = module_checks::init_arguments(args, p.types, *session.init_param, session.name);
      if (!value) return std::unexpected(std::move(value.error()));
      arg = std::move(*value);
    }
    std::vector<std::shared_ptr<SliceValue>> written(states.size());
    Context cx{p};
    cx.slices = states;
    cx.written_slices = written;
    Outcome out = session.init(cx, &arg);
    if (out.stop == Stop::Fault) {
      return std::unexpected(make_error(Errc::init_failed, session.name, std::move(out.fault)));
    }
    for (std::size_t i = 0; i < states.size(); ++i) {
      if (written[i]) states[i] = std::move(written[i]);
    }
    return {};
  }

  std::expected<std::unique_ptr<AsyncRun>, Error> start_async(
      std::size_t slice, std::string_view type, const Action& action,
      const SliceState& state) const override {
    const Program& p = *program_;
    const SliceEntry& info = p.slices[slice];
    const HandlerEntry* handler = nullptr;
    for (const HandlerEntry& entry : info.async) {
      if (entry.action == type) {
        handler = &entry;
        break;
      }
    }
    if (handler == nullptr) {
      return std::unexpected(
          make_error(Errc::invalid_module, {}, "no async handler for " + std::string(type)));
    }
    Value payload;
    if (handler->param) {
      auto value =
          module_checks::typed_argument(action.payload, p.types, *handler->param, "payload",
                                        Errc::invalid_payload, info.name + "." + std::string(type));
      if (!value) return std::unexpected(std::move(value.error()));
      payload = std::move(*value);
    }
    return std::make_unique<EmittedAsyncRun>(program_, slice, *handler, std::move(payload), state,
                                             action);
  }

  sessproc::Value to_json(std::size_t slice, const SliceState& state) const override {
    return program_->slices[slice].to_json(*state);
  }

  std::expected<SliceState, Error> from_json(std::size_t slice,
                                             const sessproc::Value& json) const override {
    const Program& p = *program_;
    auto value = stdlib::from_json(json, p.types, p.slices[slice].state_type, p.slices[slice].name);
    if (!value) return std::unexpected(make_error(Errc::invalid_argument, {}, value.error()));
    return p.slices[slice].from_record(*value);
  }

  // A path that starts with a field converts that field alone; anything the walk below it
  // rejects is answered by the default walk over the whole slice, for its exact error.
  std::expected<sessproc::Value, Error> select(std::size_t slice, const SliceState& state,
                                               std::string_view path) const override {
    if (!path.empty()) {
      std::size_t dot = path.find('.');
      auto field = program_->slices[slice].field_json(*state, path.substr(0, dot));
      if (field) {
        if (dot == std::string_view::npos) return std::move(*field);
        auto inner = select_path(*field, path.substr(dot + 1));
        if (inner) return inner;
      }
    }
    return select_path(to_json(slice, state), path);
  }

 private:
  std::shared_ptr<const Program> program_;
  ModuleOptions options_;
  std::vector<SliceInfo> slices_;
  std::vector<SessionTypeInfo> sessions_;
  std::vector<SliceState> initial_;
};

inline std::expected<std::shared_ptr<const Module>, std::string> make_module(
    std::shared_ptr<const Program> program, ModuleOptions options) {
  auto module = std::make_shared<EmittedModule>(std::move(program), std::move(options));
  if (auto built = module->build(); !built) return std::unexpected(built.error());
  return std::shared_ptr<const Module>(std::move(module));
}

}  // namespace sessproc::emitted
