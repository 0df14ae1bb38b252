// softedge/train/thread_pool.h — the small fixed team of threads that shares the trainer's
// matrix products, AdamW updates and feature gathering.
#ifndef SOFTEDGE_TRAIN_THREAD_POOL_H
#define SOFTEDGE_TRAIN_THREAD_POOL_H

#include <atomic>
#include <cfenv>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace softedge {
namespace train {

// A fixed team of threads: `threads - 1` workers plus the thread that calls parallel_for().
// Workers start with the floating-point environment (rounding, denormal flushing) of the thread
// that constructs the pool, so a result never depends on which thread computed it.
//
// Work is handed out an index at a time, so a worker that wakes up late finds nothing left and
// goes back to waiting. A worker the OS has descheduled (the machine busy with other jobs) can
// still hold the call up until it runs again; when the calling thread has waited for the team
// longer than it worked in two calls in a row, the next kSoloCalls calls run on the calling
// thread alone, then the team is tried again. Workers poll briefly after each call (the next
// usually follows within microseconds), then sleep. One caller at a time; the body must not
// throw.
class ThreadPool {
 public:
  explicit ThreadPool(uint32_t threads);  // 0 is taken as 1
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  uint32_t size() const { return static_cast<uint32_t>(workers_.size()) + 1; }

  // Calls body(index) once for every index in [0, count), on any of the threads, and returns
  // when all calls have returned. Which thread runs an index varies from call to call: the
  // body's result must not depend on it.
  template <class Body>
  void parallel_for(uint32_t count, Body&& body) {
    run_raw(count,
            [](void* context, uint32_t index) {
              (*static_cast<std::remove_reference_t<Body>*>(context))(index);
            },
            &body);
  }

 private:
  using RawBody = void (*)(void*, uint32_t);
  void run_raw(uint32_t count, RawBody body, void* context);
  // Claims and runs indices of job `generation` until none is left.
  void drain(uint32_t generation, uint32_t count, RawBody body, void* context);
  void worker_loop(const fenv_t& environment);

  static constexpr uint32_t kSoloCalls = 256;

  std::vector<std::thread> workers_;
  uint32_t late_calls_ = 0;  // consecutive calls that waited for the team more than they worked
  uint32_t solo_calls_ = 0;  // calls left to run on the calling thread alone
  std::mutex mutex_;
  std::condition_variable wake_;
  // High 32 bits: the job's generation; low 32 bits: the next unclaimed index. Claiming is a
  // compare-and-swap on both, so a late worker cannot claim an index of a later job.
  std::atomic<uint64_t> ticket_{0};
  std::atomic<uint32_t> completed_{0};
  uint32_t generation_ = 0;  // guarded by mutex_
  uint32_t count_ = 0;       // guarded by mutex_
  RawBody body_ = nullptr;   // guarded by mutex_
  void* context_ = nullptr;  // guarded by mutex_
  bool stop_ = false;        // guarded by mutex_
};

// The pool as parallel_for() and the products take it: null when it has only the calling thread.
inline ThreadPool* team_of(ThreadPool& pool) { return pool.size() > 1 ? &pool : nullptr; }

// body(index) for index in [0, count): on the team when pool is not null, else here in order.
template <class Body>
void parallel_for(ThreadPool* pool, uint32_t count, Body&& body) {
  if (pool == nullptr || pool->size() == 1 || count <= 1) {
    for (uint32_t index = 0; index < count; ++index) body(index);
  } else {
    pool->parallel_for(count, body);
  }
}

}  // namespace train
}  // namespace softedge

#endif
