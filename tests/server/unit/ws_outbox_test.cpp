// tests/server/unit/ws_outbox_test.cpp: the WebSocket's bounded queue and subscription order.
#include <doctest/doctest.h>

#include "runtime/server/ws_outbox.h"

namespace sessproc::server {
namespace {

using Push = WsOutbox::Push;

std::vector<std::string> drain(WsOutbox& o) {
  std::vector<std::string> out;
  for (const WsMessage* m = o.front(); m; m = o.pop()) out.push_back(m->text());
  return out;
}

TEST_CASE("the first push starts the writer; later ones just queue") {
  WsOutbox o(10);
  CHECK(o.push("a") == Push::start_writing);
  CHECK(o.push("b") == Push::queued);
  CHECK(drain(o) == std::vector<std::string>{"a", "b"});
  // Idle again: the next push starts the writer again.
  CHECK(o.push("c") == Push::start_writing);
}

TEST_CASE("a slow reader overflows the limit: the outbox closes and drops what follows") {
  WsOutbox o(3);
  CHECK(o.push("1") == Push::start_writing);
  CHECK(o.push("2") == Push::queued);
  CHECK(o.push("3") == Push::queued);
  CHECK(o.push("4") == Push::overflow);
  CHECK(o.closed());
  CHECK(o.push("5") == Push::dropped);
  // The message being written stays valid; the writer then stops.
  const WsMessage* front = o.front();
  REQUIRE(front);
  CHECK(front->text() == "1");
  CHECK(o.pop() == nullptr);
}

TEST_CASE("a reader that keeps taking messages may fall behind for a while") {
  WsOutbox o(3);
  CHECK(o.push("m0") == Push::start_writing);
  const WsMessage* writing = o.front();
  REQUIRE(writing);
  // Each completed write is progress; bursts of fewer than `limit` between writes are fine,
  // even though the queue grows past `limit`.
  for (int round = 0; round < 10; ++round) {
    CHECK(o.push("a") == Push::queued);
    CHECK(o.push("b") == Push::queued);
    REQUIRE(o.pop() != nullptr);
  }
  CHECK(o.size() > 3);
  CHECK_FALSE(o.closed());
}

TEST_CASE("even a reading client is dropped at 32 times the limit") {
  WsOutbox o(2);
  o.push("first");
  o.front();
  std::size_t pushed = 1;
  Push p = Push::queued;
  while (p != Push::overflow && pushed < 1000) {
    p = o.push("x");
    ++pushed;
    if (p != Push::overflow && pushed % 2 == 0) o.pop();  // progress, slower than the pushes
  }
  CHECK(p == Push::overflow);
  CHECK(o.size() == 2 * WsOutbox::kHardFactor);
}

TEST_CASE("a staged subscription's messages follow its confirmation") {
  WsOutbox o(10);
  o.stage(1);
  CHECK(o.push_for(1, "current value") == Push::queued);  // held
  CHECK(o.size() == 0);
  CHECK(o.confirm(1, "subscribed") == Push::start_writing);
  CHECK(o.push_for(1, "change") == Push::queued);
  CHECK(drain(o) == std::vector<std::string>{"subscribed", "current value", "change"});
}

TEST_CASE("messages for unknown or discarded subscriptions are dropped") {
  WsOutbox o(10);
  CHECK(o.push_for(5, "x") == Push::dropped);
  o.stage(2);
  o.push_for(2, "held");
  o.discard(2);
  CHECK(o.confirm(2, "subscribed") == Push::dropped);
  CHECK(o.push_for(2, "late") == Push::dropped);
  CHECK(o.size() == 0);
}

TEST_CASE("held messages are bounded by the limit too") {
  WsOutbox o(2);
  o.stage(1);
  CHECK(o.push_for(1, "a") == Push::queued);
  CHECK(o.push_for(1, "b") == Push::queued);
  CHECK(o.push_for(1, "c") == Push::overflow);
}

TEST_CASE("close drops later pushes and subscriptions") {
  WsOutbox o(10);
  o.stage(1);
  o.confirm(1, "subscribed");
  o.close();
  CHECK(o.push("x") == Push::dropped);
  CHECK(o.push_for(1, "y") == Push::dropped);
}

}  // namespace
}  // namespace sessproc::server

namespace sessproc::server {
namespace {

TEST_CASE("with a stall time, `limit` messages without a completed write are not enough") {
  // The socket's thread may be descheduled while others push: only a writer that has made
  // no progress for the stall time (an hour here: never, in this test) counts as stalled.
  WsOutbox o(3, std::chrono::hours(1));
  CHECK(o.push("first") == WsOutbox::Push::start_writing);
  for (int i = 0; i < 10; ++i) CHECK(o.push("more") == WsOutbox::Push::queued);
  CHECK_FALSE(o.closed());
  // The hard limit still holds: 32 times `limit` queued in all.
  WsOutbox::Push p = WsOutbox::Push::queued;
  std::size_t queued = o.size();
  while (p == WsOutbox::Push::queued && queued < 1000) {
    p = o.push("x");
    ++queued;
  }
  CHECK(p == WsOutbox::Push::overflow);
  CHECK(o.size() == 3 * WsOutbox::kHardFactor);
}

}  // namespace
}  // namespace sessproc::server
