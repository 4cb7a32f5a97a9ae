// runtime/server/ws_outbox.cpp: the bounded queue and subscription staging.
#include "runtime/server/ws_outbox.h"

namespace sessproc::server {

WsOutbox::Push WsOutbox::push_locked(WsMessage message) {
  if (closed_) return Push::dropped;
  if (stalled() || queue_.size() >= limit_ * kHardFactor) {
    closed_ = true;
    return Push::overflow;
  }
  queue_.push_back(std::move(message));
  ++since_progress_;
  if (writing_) return Push::queued;
  writing_ = true;
  if (stall_.count() > 0) progress_at_ = std::chrono::steady_clock::now();  // the wait starts
  return Push::start_writing;
}

bool WsOutbox::stalled() const {
  if (since_progress_ < limit_) return false;
  // The clock is read only past `limit`, not per message.
  return stall_.count() == 0 || std::chrono::steady_clock::now() - progress_at_ >= stall_;
}

WsOutbox::Push WsOutbox::push(WsMessage message) {
  std::lock_guard lock(mu_);
  return push_locked(std::move(message));
}

WsOutbox::Push WsOutbox::push_for(std::uint64_t sub, WsMessage message) {
  std::lock_guard lock(mu_);
  auto it = subs_.find(sub);
  if (closed_ || it == subs_.end()) return Push::dropped;
  if (!it->second.confirmed) {
    // Held messages count against the limit too: a staged sub cannot grow without bound.
    if (it->second.held.size() >= limit_) {
      closed_ = true;
      return Push::overflow;
    }
    it->second.held.push_back(std::move(message));
    return Push::queued;
  }
  return push_locked(std::move(message));
}

void WsOutbox::stage(std::uint64_t sub) {
  std::lock_guard lock(mu_);
  subs_[sub] = SubState{};
}

WsOutbox::Push WsOutbox::confirm(std::uint64_t sub, WsMessage message) {
  std::lock_guard lock(mu_);
  auto it = subs_.find(sub);
  if (it == subs_.end()) return Push::dropped;
  it->second.confirmed = true;
  std::vector<WsMessage> held = std::move(it->second.held);
  Push result = push_locked(std::move(message));
  for (auto& m : held) {
    const Push p = push_locked(std::move(m));
    if (p == Push::overflow || p == Push::dropped) return p;
    if (p == Push::start_writing) result = p;
  }
  return result;
}

void WsOutbox::discard(std::uint64_t sub) {
  std::lock_guard lock(mu_);
  subs_.erase(sub);
}

const WsMessage* WsOutbox::front() {
  std::lock_guard lock(mu_);
  if (queue_.empty()) {
    writing_ = false;
    return nullptr;
  }
  return &queue_.front();
}

const WsMessage* WsOutbox::pop() {
  std::lock_guard lock(mu_);
  if (!queue_.empty()) queue_.pop_front();
  since_progress_ = 0;  // the client took a message: it is reading
  if (stall_.count() > 0) progress_at_ = std::chrono::steady_clock::now();
  if (queue_.empty() || closed_) {
    writing_ = false;
    return nullptr;
  }
  return &queue_.front();
}

void WsOutbox::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  subs_.clear();
}

bool WsOutbox::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::size_t WsOutbox::size() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace sessproc::server
