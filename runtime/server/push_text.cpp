// runtime/server/push_text.cpp: the per-thread cache of the last push's text.
#include "runtime/server/push_text.h"

#include <bit>
#include <cstdint>

#include "runtime/server/json_body.h"

namespace sessproc::server {
namespace {

// Values printing longer than this are not kept: the cache must not pin large states.
constexpr std::size_t kMaxCachedText = 256 * 1024;

struct LastPush {
  std::string event;
  Value value;
  std::shared_ptr<const std::string> text;
};

}  // namespace

bool same_json(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::value_t::object: {
      if (a.size() != b.size()) return false;
      auto ib = b.begin();
      for (auto ia = a.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia.key() != ib.key() || !same_json(*ia, *ib)) return false;
      }
      return true;
    }
    case Value::value_t::array: {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_json(a[i], b[i])) return false;
      }
      return true;
    }
    case Value::value_t::number_float:
      // Bit for bit: 0.0 and -0.0 compare equal but print differently.
      return std::bit_cast<std::uint64_t>(a.get<double>()) ==
             std::bit_cast<std::uint64_t>(b.get<double>());
    default:
      return a == b;
  }
}

std::shared_ptr<const std::string> push_text(std::string_view event, const Value& value) {
  thread_local LastPush last;
  if (last.text && last.event == event && same_json(last.value, value)) return last.text;
  std::string text = R"({"event":)";
  text += dump_json(Value(event));
  text += R"(,"value":)";
  text += dump_json(value);
  auto shared = std::make_shared<const std::string>(std::move(text));
  if (shared->size() <= kMaxCachedText) {
    last.event.assign(event);
    last.value = value;
    last.text = shared;
  } else {
    last = LastPush{};
  }
  return shared;
}

}  // namespace sessproc::server
