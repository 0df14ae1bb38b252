#include "softedge/train/thread_pool.h"

#include <chrono>

namespace softedge {
namespace train {

namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  __asm__ __volatile__("yield");
#endif
}

// How long a worker keeps polling for the next job before it sleeps on the condition variable.
constexpr auto kSpinTime = std::chrono::microseconds(200);

}  // namespace

ThreadPool::ThreadPool(uint32_t threads) {
  const uint32_t count = threads == 0 ? 1 : threads;
  fenv_t environment;
  std::fegetenv(&environment);
  workers_.reserve(count - 1);
  for (uint32_t i = 1; i < count; ++i) {
    workers_.emplace_back([this, environment] { worker_loop(environment); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    ++generation_;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::drain(uint32_t generation, uint32_t count, RawBody body, void* context) {
  uint64_t ticket = ticket_.load(std::memory_order_acquire);
  for (;;) {
    const uint32_t index = static_cast<uint32_t>(ticket);
    if (static_cast<uint32_t>(ticket >> 32) != generation || index >= count) return;
    if (ticket_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
      body(context, index);
      completed_.fetch_add(1, std::memory_order_acq_rel);
      ticket = ticket_.load(std::memory_order_acquire);
    }
  }
}

void ThreadPool::run_raw(uint32_t count, RawBody body, void* context) {
  if (solo_calls_ > 0) {
    --solo_calls_;
    for (uint32_t index = 0; index < count; ++index) body(context, index);
    return;
  }
  uint32_t generation;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    generation = ++generation_;
    count_ = count;
    body_ = body;
    context_ = context;
    completed_.store(0, std::memory_order_relaxed);
    ticket_.store(uint64_t{generation} << 32, std::memory_order_release);
  }
  wake_.notify_all();
  const auto start = std::chrono::steady_clock::now();
  drain(generation, count, body, context);
  // Every index has been claimed; wait for the ones other threads are still running.
  const auto drained = std::chrono::steady_clock::now();
  uint32_t polls = 0;
  while (completed_.load(std::memory_order_acquire) != count) {
    if (++polls < 4096) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
  if (polls > 0) {
    const auto waited = std::chrono::steady_clock::now() - drained;
    const bool late = waited > drained - start && waited > std::chrono::microseconds(20);
    late_calls_ = late ? late_calls_ + 1 : 0;
    if (late_calls_ >= 2) {
      late_calls_ = 0;
      solo_calls_ = kSoloCalls;
    }
  } else {
    late_calls_ = 0;
  }
}

void ThreadPool::worker_loop(const fenv_t& environment) {
  std::fesetenv(&environment);
  uint32_t seen = 0;
  for (;;) {
    uint32_t generation, count;
    RawBody body;
    void* context;
    {
      // Poll for a new job for a while, then sleep until one is published.
      const auto spin_until = std::chrono::steady_clock::now() + kSpinTime;
      uint32_t polls = 0;
      while (static_cast<uint32_t>(ticket_.load(std::memory_order_acquire) >> 32) == seen &&
             ((++polls & 63) != 0 || std::chrono::steady_clock::now() < spin_until)) {
        cpu_relax();
      }
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_ != seen; });
      if (stop_) return;
      generation = seen = generation_;
      count = count_;
      body = body_;
      context = context_;
    }
    drain(generation, count, body, context);
  }
}

}  // namespace train
}  // namespace softedge
