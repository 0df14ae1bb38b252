// softedge/train/gemm.h — single-precision matrix products for training dense layers, and the small thread
// team that splits them.
//
// Every matrix is row-major: element (r, c) of a matrix with leading dimension `ld` is at
// p[r * ld + c]. The three products backpropagation needs:
//
//   gemm_ab   C[m x n]  = A[m x k] · B[k x n]   (+ bias[n], then optionally ReLU)
//   gemm_abt  C[m x n]  = A[m x k] · B[n x k]ᵀ  (+ bias[n], then optionally ReLU)
//   gemm_atb  C[m x n] (+)= A[k x m]ᵀ · B[k x n]
//
// For a dense layer with weights W (out x in, the runtime's layout) and a batch X (rows x in):
// the forward pass is gemm_abt(X, W) (+ bias, ReLU), the gradient to the inputs gemm_ab(dZ, W),
// the weight gradient gemm_atb(dZ, X) — or, with the weights kept transposed (in x out) as the
// trainer in network.cpp does, gemm_ab(X, Wᵀ), gemm_abt(dZ, Wᵀ) and gemm_atb(X, dZ).
//
// How: a register-blocked micro-kernel (xsimd batches for the architecture this file is built
// for, SOFTEDGE_TRAINER_ARCH) keeps a tile of C in registers — 12 rows x 32 columns with
// AVX-512, 6 x 16 with AVX2, 6 x 8 with SSE2 (gemm_tile()) — broadcasting one element of A per
// row and loading the tile's vectors of B at each step of the inner dimension. A is read in
// place (row-major or transposed, both broadcast cheaply). A column strip of B is read in place
// when only one row tile needs it, else copied into a per-thread buffer first (rows of B a
// multiple of 2 KB apart defeat the L2 prefetcher: 94 against 145 GFLOP/s for 128x784x512
// here); gemm_abt transposes the strip into that buffer. With a pool, products of at least
// 2^20 multiply-adds are split into column strips (or groups of row tiles when there are few
// strips) that the threads claim one at a time.
//
// Determinism: every element of C is one chain of fused multiply-adds over p = 0, 1, ..., k-1,
// starting from 0, bias[j] or C's previous value, whatever the blocking and however many
// threads share the work (threads own disjoint tiles). The result is therefore bit-identical
// for any thread count on a given build and machine.
#ifndef SOFTEDGE_TRAIN_GEMM_H
#define SOFTEDGE_TRAIN_GEMM_H

#include <atomic>
#include <cfenv>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace softedge {
namespace train {

// While alive, the calling thread flushes denormal results to zero and treats denormal inputs as
// zero (x86 MXCSR FTZ+DAZ, AArch64 FPCR.FZ; nothing elsewhere). Training needs it: Adam's second
// moments and the gradients of saturated units underflow into denormals, which cost x86 a
// microcode assist each (a linear model at lr 0.03 trained 10x slower without it).
class ScopedFlushDenormals {
 public:
  ScopedFlushDenormals();
  ~ScopedFlushDenormals();
  ScopedFlushDenormals(const ScopedFlushDenormals&) = delete;
  ScopedFlushDenormals& operator=(const ScopedFlushDenormals&) = delete;

 private:
  uint64_t saved_;
};

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

// body(index) for index in [0, count): on the team when pool is not null, else here in order.
template <class Body>
void parallel_for(ThreadPool* pool, uint32_t count, Body&& body) {
  if (pool == nullptr || pool->size() == 1 || count <= 1) {
    for (uint32_t index = 0; index < count; ++index) body(index);
  } else {
    pool->parallel_for(count, body);
  }
}

// [begin, end) of `count` items for `part` of `parts`: contiguous, sizes differ by at most one.
inline void split_range(size_t count, uint32_t part, uint32_t parts, size_t* begin, size_t* end) {
  *begin = count * part / parts;
  *end = count * (part + 1) / parts;
}

enum class Activation : uint8_t { kNone, kRelu };

// C[m x n] = A[m x k] · B[k x n] (+ bias[n] when bias is not null), then `activation`.
// lda >= k, ldb >= n, ldc >= n. pool may be null (single-threaded).
void gemm_ab(uint32_t m, uint32_t n, uint32_t k, const float* a, size_t lda, const float* b,
             size_t ldb, const float* bias, float* c, size_t ldc, Activation activation,
             ThreadPool* pool);

// C[m x n] = A[m x k] · B[n x k]ᵀ (+ bias[n] when bias is not null), then `activation`.
// lda >= k, ldb >= k, ldc >= n.
void gemm_abt(uint32_t m, uint32_t n, uint32_t k, const float* a, size_t lda, const float* b,
              size_t ldb, const float* bias, float* c, size_t ldc, Activation activation,
              ThreadPool* pool);

// C[m x n] = A[k x m]ᵀ · B[k x n], or C += that when `accumulate`. lda >= m, ldb >= n, ldc >= n.
void gemm_atb(uint32_t m, uint32_t n, uint32_t k, const float* a, size_t lda, const float* b,
              size_t ldb, float* c, size_t ldc, bool accumulate, ThreadPool* pool);

// The micro-kernel's tile (rows of C x columns of C) and the SIMD width, for reports.
struct GemmTile {
  uint32_t rows;
  uint32_t cols;
  uint32_t lanes;
  const char* arch;
};
GemmTile gemm_tile();

}  // namespace train
}  // namespace softedge

#endif
