// ir_module.cpp: IrModule, the sessproc::Module over an ir::Module and an Executor.
#include "compiler/interp/ir_module.h"

#include <cstring>
#include <unordered_map>

#include <fmt/format.h>

#include "compiler/cpp/support_checks.h"  // the argument checks emitted C++ makes too
#include "compiler/interp/async_run.h"
#include "compiler/interp/slice_value.h"
#include "compiler/ir/state_writes.h"
#include "stdlib/json.h"

namespace sessproc::interp {
namespace {

using Val = stdlib::Value;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename T>
using StringTable = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

// The `on` handlers of one action type, in declared order.
struct HandlerList {
  std::vector<std::uint32_t> handlers;
  // Some handler may stop early after writing the state (ir/state_writes.h): changing the
  // state in place then keeps a log of the overwritten fields, to put them back.
  bool needs_undo = false;
};

// The `on` handlers of one slice by action type. Looked up on every action: a slice has a
// handful of types, and comparing lengths and then bytes of a few short strings costs less
// than hashing the type and dividing by the bucket count; a slice with many types keeps a
// hash table.
class OnHandlers {
 public:
  HandlerList& add(const std::string& type) {
    auto at = by_type_.find(type);
    if (at != by_type_.end()) return entries_[at->second].list;
    by_type_.emplace(type, entries_.size());
    entries_.push_back(Entry{type, {}});
    return entries_.back().list;
  }

  // The handlers of `type`, or null.
  const HandlerList* find(std::string_view type) const {
    if (entries_.size() > kScanned) {
      auto at = by_type_.find(type);
      return at == by_type_.end() ? nullptr : &entries_[at->second].list;
    }
    for (const Entry& entry : entries_) {
      if (entry.type.size() == type.size() &&
          std::memcmp(entry.type.data(), type.data(), type.size()) == 0) {
        return &entry.list;
      }
    }
    return nullptr;
  }

 private:
  static constexpr std::size_t kScanned = 8;
  struct Entry {
    std::string type;
    HandlerList list;
  };
  std::vector<Entry> entries_;
  StringTable<std::size_t> by_type_;
};

// Per slice: handler indexes by action type, query indexes by name.
struct SliceTables {
  OnHandlers on;
  // By position in the slice's SliceInfo::handlers: its `on` handlers, or null (async only).
  std::vector<const HandlerList*> by_handler;
  StringTable<std::uint32_t> async;
  StringTable<std::uint32_t> queries;
};

Error fault_error(const std::string& slice, std::string reason) {
  return make_error(Errc::reducer_fault, slice, std::move(reason));
}

class IrModule final : public Module {
 public:
  IrModule(std::shared_ptr<const ir::Module> ir, std::shared_ptr<const Executor> executor,
           InterpOptions options)
      : ir_(std::move(ir)), executor_(std::move(executor)), options_(std::move(options)) {}

  std::expected<void, std::string> build() {
    const ir::Module& m = *ir_;
    for (std::size_t s = 0; s < m.slices.size(); ++s) {
      const ir::Slice& slice = m.slices[s];
      SliceTables tables;
      SliceInfo info;
      info.name = slice.name;
      info.prefix = slice.prefix;
      StringTable<std::size_t> handler_at;
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
      for (std::uint32_t i = 0; i < slice.on.size(); ++i) {
        const ir::Handler& on = slice.on[i];
        HandlerList& list = tables.on.add(on.action);
        list.handlers.push_back(i);
        if (!ir::state_writes_are_final(m.functions[on.function])) list.needs_undo = true;
        HandlerInfo& h = handler(on.action);
        h.has_on = true;
        if (on.rate != ir::RateLimit::None) {
          h.rate = on.rate == ir::RateLimit::Debounce ? RateLimit::debounce : RateLimit::throttle;
          h.window = std::chrono::milliseconds(on.window_ms);
        }
      }
      for (std::uint32_t i = 0; i < slice.async.size(); ++i) {
        const ir::Handler& async = slice.async[i];
        tables.async.try_emplace(async.action, i);
        handler(async.action).async = async.policy == ir::AsyncPolicy::Latest ? AsyncPolicy::latest
                                      : async.policy == ir::AsyncPolicy::Leading
                                          ? AsyncPolicy::leading
                                          : AsyncPolicy::every;
      }
      for (std::uint32_t i = 0; i < slice.queries.size(); ++i) {
        tables.queries.try_emplace(slice.queries[i].name, i);
        info.queries.push_back(QueryInfo{slice.queries[i].name});
      }
      // The defaults: run once, shared by every new session.
      Context context{m};
      Outcome out = executor_->call(context, slice.defaults, nullptr);
      if (out.stop != Stop::Return) {
        return std::unexpected(
            fmt::format("the default state of {} faulted: {}", slice.name, out.fault));
      }
      for (std::size_t f = 0; f < slice.fields.size(); ++f) {
        info.schema.push_back(FieldInfo{slice.fields[f].name, m.types.print(slice.fields[f].type),
                                        stdlib::to_json(out.value.fields()[f])});
      }
      initial_.push_back(slice_state(std::move(out.value)));
      slices_.push_back(std::move(info));
      tables_.push_back(std::move(tables));
    }
    // Once every table is in place (its lists no longer move).
    for (std::size_t s = 0; s < slices_.size(); ++s) {
      for (const HandlerInfo& h : slices_[s].handlers) {
        tables_[s].by_handler.push_back(tables_[s].on.find(h.type));
      }
    }
    for (std::size_t i = 0; i < m.sessions.size(); ++i) {
      const ir::Session& session = m.sessions[i];
      SessionTypeInfo info;
      info.name = m.implicit_session && i == 0 ? options_.implicit_session_name : session.name;
      info.slices.assign(session.slices.begin(), session.slices.end());
      if (session.ttl_ms) info.ttl = std::chrono::milliseconds(*session.ttl_ms);
      info.has_init = session.init.has_value();
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
    const Val& input = record_of(state);
    Val working = input;
    const HandlerList* list = tables_[slice].on.find(type);
    if (list == nullptr) return Reduced{state, false};
    auto handled = run_handlers(slice, *list, working, nullptr, nullptr, type, action);
    if (!handled) return std::unexpected(std::move(handled.error()));
    if (!*handled || working.identity() == input.identity()) return Reduced{state, *handled};
    return Reduced{slice_state(std::move(working)), true};
  }

  bool reduces_in_place() const override { return true; }

  std::expected<Reduced, Error> reduce_in_place(std::size_t slice, const HandlerInfo& handler,
                                                const SliceState& state,
                                                const Action& action) const override {
    const std::string_view type = handler.type;
    // The runtime holds the only reference to the handle and keeps readers out; the handle
    // was made by this module as a mutable object, so writing through it is sound.
    auto& mine = const_cast<InterpSlice&>(static_cast<const InterpSlice&>(*state));
    Val& record = mine.record;
    // A record also held elsewhere (a field of another value, a subscription's last
    // selection of the whole slice) is copied as before.
    if (!record.sole_owner()) return reduce(slice, state, type, action);
    const HandlerList* list = handlers_of(slice, handler);
    if (list == nullptr) return Reduced{nullptr, false};
    if (!list->needs_undo) {
      // A handler that stops early has written nothing: no log, and compiled code writes
      // the fields directly.
      InPlaceState fields{record.mutable_fields().data()};
      auto handled = run_handlers(slice, *list, record, nullptr, &fields, type, action);
      if (!handled) return std::unexpected(std::move(handled.error()));
      return Reduced{nullptr, *handled, *handled && fields.wrote};
    }
    StateUndo undo;
    // Puts the old fields back unless the handlers finished and one handled the action, also
    // when something throws.
    struct Restore {
      StateUndo& undo;
      Val& record;
      bool keep = false;
      ~Restore() {
        if (!keep && !undo.empty()) undo.restore(record.mutable_fields());
      }
    } restore{undo, record};
    auto handled = run_handlers(slice, *list, record, &undo, nullptr, type, action);
    if (!handled) return std::unexpected(std::move(handled.error()));
    if (!*handled) return Reduced{nullptr, false};
    restore.keep = true;
    return Reduced{nullptr, true, !undo.empty()};
  }

  std::expected<Value, Error> query(std::size_t slice, const SliceState& state,
                                    std::string_view name, const Value& args) const override {
    const ir::Module& m = *ir_;
    const auto& tables = tables_[slice];
    auto found = tables.queries.find(name);
    if (found == tables.queries.end()) {
      return std::unexpected(make_error(Errc::unknown_query, std::string(name)));
    }
    const ir::Slice& info = m.slices[slice];
    const ir::Query& q = info.queries[found->second];
    Val arg;
    if (q.param) {
      auto value =
          module_checks::typed_argument(args, m.types, *q.param, "args", Errc::invalid_payload,
                                        fmt::format("{}.{}", info.name, name));
      if (!value) return std::unexpected(std::move(value.error()));
      arg = std::move(*value);
    }
    Val working = record_of(state);
    Context context{m};
    context.state = &working;
    Outcome out = executor_->call(context, q.function, &arg);
    if (out.stop == Stop::Fault) {
      return std::unexpected(fault_error(info.name, std::move(out.fault)));
    }
    return stdlib::to_json(out.value);
  }

  std::expected<void, Error> init(std::size_t session_type, const Value& args,
                                  std::span<SliceState> states) const override {
    const ir::Module& m = *ir_;
    const ir::Session& session = m.sessions[session_type];
    if (!session.init) return {};
    Val arg;
    if (session.init_param) {
      auto value = module_checks::init_arguments(args, m.types, *session.init_param, session.name);
      if (!value) return std::unexpected(std::move(value.error()));
      arg = std::move(*value);
    }
    std::vector<Val> working;
    working.reserve(states.size());
    for (const auto& state : states) working.push_back(record_of(state));
    Context context{m};
    context.slices = working;
    Outcome out = executor_->call(context, *session.init, &arg);
    if (out.stop == Stop::Fault) {
      return std::unexpected(make_error(Errc::init_failed, session.name, std::move(out.fault)));
    }
    for (std::size_t i = 0; i < states.size(); ++i) {
      if (working[i].identity() != record_of(states[i]).identity()) {
        states[i] = slice_state(std::move(working[i]));
      }
    }
    return {};
  }

  std::expected<std::unique_ptr<AsyncRun>, Error> start_async(
      std::size_t slice, std::string_view type, const Action& action,
      const SliceState& state) const override {
    const ir::Module& m = *ir_;
    const auto& tables = tables_[slice];
    auto found = tables.async.find(type);
    const ir::Slice& info = m.slices[slice];
    if (found == tables.async.end()) {
      return std::unexpected(
          make_error(Errc::invalid_module, {}, fmt::format("no async handler for {}", type)));
    }
    const ir::Handler& handler = info.async[found->second];
    Val payload;
    if (handler.param) {
      auto value = module_checks::typed_argument(action.payload, m.types, *handler.param, "payload",
                                                 Errc::invalid_payload,
                                                 fmt::format("{}.{}", info.name, type));
      if (!value) return std::unexpected(std::move(value.error()));
      payload = std::move(*value);
    }
    return make_async_run(ir_, executor_, static_cast<std::uint32_t>(slice), handler.function,
                          std::move(payload), record_of(state), action);
  }

  Value to_json(std::size_t, const SliceState& state) const override {
    return stdlib::to_json(record_of(state));
  }

  // A subscription selects its path on every change of its slice: render only the field the
  // path starts with, not the whole slice. Anything unusual (an unknown field, a bad path)
  // takes the general route, so errors read the same as before.
  std::expected<Value, Error> select(std::size_t slice, const SliceState& state,
                                     std::string_view path) const override {
    const Val& record = record_of(state);
    const auto dot = path.find('.');
    const std::string_view head = path.substr(0, dot);
    if (record.kind() == stdlib::ValueKind::Record && !head.empty()) {
      if (const Val* field = record.record_find(head)) {
        if (dot == std::string_view::npos) return stdlib::to_json(*field);
        if (dot + 1 < path.size()) {
          if (auto r = select_path(stdlib::to_json(*field), path.substr(dot + 1))) return r;
        }
      }
    }
    return Module::select(slice, state, path);
  }

  std::expected<SliceState, Error> from_json(std::size_t slice, const Value& json) const override {
    const ir::Module& m = *ir_;
    auto value = stdlib::from_json(json, m.types, m.slices[slice].state_type, m.slices[slice].name);
    if (!value) return std::unexpected(make_error(Errc::invalid_argument, {}, value.error()));
    return slice_state(std::move(*value));
  }

 private:
  // The `on` handlers of `handler`, which should be this module's own entry of
  // slices_[slice].handlers (then no lookup by type), else looked up by its type.
  const HandlerList* handlers_of(std::size_t slice, const HandlerInfo& handler) const {
    const std::vector<HandlerInfo>& own = slices_[slice].handlers;
    const auto at = reinterpret_cast<std::uintptr_t>(&handler);
    const auto first = reinterpret_cast<std::uintptr_t>(own.data());
    if (at >= first && at < first + own.size() * sizeof(HandlerInfo)) {
      return tables_[slice].by_handler[(at - first) / sizeof(HandlerInfo)];
    }
    return tables_[slice].on.find(handler.type);
  }

  // Runs the handlers `list` of `slice` for `type` on `working` (a state record) until one
  // handles the action: true then, false when none did; a fault is an error. `undo`: the
  // record is changed in place and the overwritten fields go there. `in_place`: the record
  // is changed in place with nothing to undo; its `wrote` tells whether a field was written.
  std::expected<bool, Error> run_handlers(std::size_t slice, const HandlerList& list, Val& working,
                                          StateUndo* undo, InPlaceState* in_place,
                                          std::string_view type, const Action& action) const {
    const ir::Module& m = *ir_;
    const ir::Slice& info = m.slices[slice];
    // One payload conversion per distinct parameter type.
    std::optional<stdlib::TypeRef> converted_type;
    Val payload;
    for (std::uint32_t index : list.handlers) {
      const ir::Handler& handler = info.on[index];
      if (handler.param && converted_type != handler.param) {
        auto value = module_checks::typed_argument(action.payload, m.types, *handler.param,
                                                   "payload", Errc::invalid_payload,
                                                   fmt::format("{}.{}", info.name, type));
        if (!value) return std::unexpected(std::move(value.error()));
        payload = std::move(*value);
        converted_type = handler.param;
      }
      Context context{m};
      context.state = &working;
      context.action = &action;
      context.undo = undo;
      if (in_place != nullptr) context.in_place = *in_place;
      Outcome out = executor_->call(context, handler.function, &payload);
      if (in_place != nullptr) in_place->wrote = context.in_place.wrote;
      switch (out.stop) {
        case Stop::Unhandled:
          continue;
        case Stop::Fault:
          return std::unexpected(fault_error(info.name, std::move(out.fault)));
        default:
          return true;
      }
    }
    return false;
  }

  std::shared_ptr<const ir::Module> ir_;
  std::shared_ptr<const Executor> executor_;
  InterpOptions options_;
  std::vector<SliceInfo> slices_;
  std::vector<SliceTables> tables_;
  std::vector<SessionTypeInfo> sessions_;
  std::vector<SliceState> initial_;
};

}  // namespace

std::expected<std::shared_ptr<const Module>, std::string> make_ir_module(
    std::shared_ptr<const ir::Module> ir, std::shared_ptr<const Executor> executor,
    InterpOptions options) {
  auto module = std::make_shared<IrModule>(std::move(ir), std::move(executor), std::move(options));
  if (auto built = module->build(); !built) return std::unexpected(built.error());
  return std::shared_ptr<const Module>(std::move(module));
}

}  // namespace sessproc::interp
