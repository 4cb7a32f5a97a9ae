// runtime/runtime_batch.cpp: Runtime::dispatch_many, dispatches applied in order while the
// sessions of the next ones are loaded.
//
// Design decision: with many sessions, a dispatch spends most of its time waiting on memory,
// in a chain where each load needs the one before: the registry slot, then the session, then
// its slice states, then the records they point to. One call cannot overlap those waits, but a
// batch can overlap them across requests (software pipelining): a few requests ahead of the one
// being applied, each stage asks for the next link of a later request's chain, so that by the time
// a request is applied its lines are in the cache. The applying itself is exactly dispatch(),
// so a batch cannot behave differently from the same calls one by one; the stages only read,
// and only under the locks any reader takes.
#include <array>

#include "runtime/core.h"
#include "runtime/runtime.h"

namespace sessproc {
namespace {

// How far ahead of the applied request each stage works. Each stage needs the line the stage
// before asked for, and a gap of two requests (a few hundred nanoseconds of work) is about
// one memory round trip. The records could be asked for together with their handles (the
// hints hold both), but that measured slower here than a stage of their own (probably: one
// stage then asks for more lines than the core keeps in flight). The stages take no lock:
// they read the session's hints (Session::prefetch_state), so they never write a line they
// only want to load.
constexpr std::size_t kSlotAhead = 8;     // the registry slot of the id
constexpr std::size_t kSessionAhead = 6;  // find the session; its hot lines
constexpr std::size_t kStateAhead = 4;    // its slice states; the history slot
constexpr std::size_t kDataAhead = 2;     // what the slice states point to
constexpr std::size_t kRing = 16;  // requests in flight: keys and sessions by index modulo this
static_assert(kRing > kSlotAhead);

}  // namespace

std::vector<std::expected<DispatchResult, Error>> Runtime::dispatch_many(
    std::span<DispatchRequest> requests) {
  RuntimeCore& core = *core_;
  std::vector<std::expected<DispatchResult, Error>> results;
  results.reserve(requests.size());
  // Sessions found by the session stage stay valid (not freed) while this pin is held, even if
  // one is terminated before its turn; its own dispatch then finds it gone.
  Registry::Guard pin = core.registry.pin();
  // Per request in the window, by index modulo kRing: its hashed id (made by the slot stage)
  // and its session (found by the session stage).
  std::array<Registry::Key, kRing> keys;
  std::array<Session*, kRing> found{};
  const std::size_t n = requests.size();
  auto hash = [&](std::size_t i) {
    keys[i % kRing] = Registry::make_key(requests[i].session_id);
    core.registry.prefetch(keys[i % kRing]);
  };
  auto find = [&](std::size_t i) {
    Session* s = core.registry.find_pinned(keys[i % kRing], pin);
    found[i % kRing] = s;
    if (s) s->prefetch_hot();
  };
  auto ahead = [&](std::size_t i, std::size_t distance) -> Session* {
    return i + distance < n ? found[(i + distance) % kRing] : nullptr;
  };
  // The first requests have no stages before them: start their chains up front.
  for (std::size_t i = 0; i < std::min(n, kSlotAhead); ++i) hash(i);
  for (std::size_t i = 0; i < std::min(n, kSessionAhead); ++i) find(i);
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kSlotAhead < n) hash(i + kSlotAhead);
    if (i + kSessionAhead < n) find(i + kSessionAhead);
    if (Session* s = ahead(i, kStateAhead)) s->prefetch_state(false);
    if (Session* s = ahead(i, kDataAhead)) s->prefetch_state(true);
    results.push_back(core.dispatch(keys[i % kRing], std::move(requests[i].action)));
  }
  return results;
}

}  // namespace sessproc
