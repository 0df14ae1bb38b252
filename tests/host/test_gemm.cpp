// The trainer's GEMM (softedge/train/gemm.h) against a naive double-precision product: every
// shape kind, odd sizes and tails, strides wider than the matrices, bias and ReLU epilogues,
// accumulation, and bit-identical results for 1, 2 and 3 threads. Plus the thread team itself.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "softedge/format.h"
#include "softedge/train/gemm.h"
#include "softedge/train/rng.h"
#include "softedge/train/thread_pool.h"

using namespace softedge::train;

namespace {

enum class Kind { kAB, kABt, kAtB };

const char* name(Kind kind) {
  return kind == Kind::kAB ? "A*B" : kind == Kind::kABt ? "A*B^T" : "A^T*B";
}

std::vector<float> random_matrix(size_t count, Rng& rng) {
  std::vector<float> m(count);
  for (float& v : m) v = static_cast<float>(rng.next_unit() * 2.0 - 1.0);
  return m;
}

struct Case {
  Kind kind;
  uint32_t m, n, k;
  bool bias = false;
  bool relu = false;
  bool accumulate = false;
  uint32_t pad = 0;  // extra columns in every leading dimension
};

struct Operands {
  size_t lda, ldb, ldc;
  std::vector<float> a, b, bias, c;
};

Operands make_operands(const Case& t, uint64_t seed) {
  Rng rng(seed);
  Operands o;
  // A is m x k (k x m for A^T*B), B is k x n (n x k for A*B^T), C is m x n.
  const size_t a_rows = t.kind == Kind::kAtB ? t.k : t.m;
  const size_t a_cols = t.kind == Kind::kAtB ? t.m : t.k;
  const size_t b_rows = t.kind == Kind::kABt ? t.n : t.k;
  const size_t b_cols = t.kind == Kind::kABt ? t.k : t.n;
  o.lda = a_cols + t.pad;
  o.ldb = b_cols + t.pad;
  o.ldc = t.n + t.pad;
  o.a = random_matrix(a_rows * o.lda, rng);
  o.b = random_matrix(b_rows * o.ldb, rng);
  o.bias = random_matrix(t.n, rng);
  o.c = random_matrix(size_t{t.m} * o.ldc, rng);  // what accumulate adds to; padding must survive
  return o;
}

void run(const Case& t, Operands& o, ThreadPool* pool) {
  const softedge::format::Activation act =
      t.relu ? softedge::format::Activation::kRelu : softedge::format::Activation::kNone;
  const float* bias = t.bias ? o.bias.data() : nullptr;
  switch (t.kind) {
    case Kind::kAB:
      gemm_ab(t.m, t.n, t.k, o.a.data(), o.lda, o.b.data(), o.ldb, bias, o.c.data(), o.ldc, act,
              pool);
      break;
    case Kind::kABt:
      gemm_abt(t.m, t.n, t.k, o.a.data(), o.lda, o.b.data(), o.ldb, bias, o.c.data(), o.ldc, act,
               pool);
      break;
    case Kind::kAtB:
      gemm_atb(t.m, t.n, t.k, o.a.data(), o.lda, o.b.data(), o.ldb, o.c.data(), o.ldc,
               t.accumulate, pool);
      break;
  }
}

// Checks o.c (after run) against the double-precision product computed from `before`.
void check_against_reference(const Case& t, const Operands& before, const Operands& after) {
  size_t bad = 0;
  for (uint32_t i = 0; i < t.m; ++i) {
    for (uint32_t j = 0; j < t.n; ++j) {
      double sum = 0.0, magnitude = 0.0;
      for (uint32_t p = 0; p < t.k; ++p) {
        const double a = t.kind == Kind::kAtB ? before.a[size_t{p} * before.lda + i]
                                              : before.a[size_t{i} * before.lda + p];
        const double b = t.kind == Kind::kABt ? before.b[size_t{j} * before.ldb + p]
                                              : before.b[size_t{p} * before.ldb + j];
        sum += a * b;
        magnitude += std::fabs(a * b);
      }
      const double c0 = before.c[size_t{i} * before.ldc + j];
      if (t.kind == Kind::kAtB && t.accumulate) {
        sum += c0;
        magnitude += std::fabs(c0);
      }
      if (t.kind != Kind::kAtB && t.bias) {
        sum += before.bias[j];
        magnitude += std::fabs(before.bias[j]);
      }
      if (t.relu) sum = std::max(sum, 0.0);
      const double got = after.c[size_t{i} * after.ldc + j];
      // float accumulation of k products: error within a few ulps of the sum of magnitudes.
      const double tolerance = 1e-6 * (t.k + 2) * (magnitude + 1e-30) + 1e-30;
      if (!(std::fabs(got - sum) <= tolerance) && bad++ < 3) {
        FAIL_CHECK(name(t.kind) << " m=" << t.m << " n=" << t.n << " k=" << t.k << " C(" << i
                                << "," << j << ") = " << got << ", reference " << sum);
      }
    }
    // Columns past n (padding) are never written.
    for (uint32_t j = t.n; j < after.ldc; ++j) {
      CHECK(after.c[size_t{i} * after.ldc + j] == before.c[size_t{i} * before.ldc + j]);
    }
  }
  CHECK(bad == 0);
}

std::vector<Case> cases() {
  std::vector<Case> all;
  // Sizes around the tile (up to 14 rows x 64 columns on the platforms we build for), odd
  // tails in every dimension, degenerate ones, and the layer shapes of the trainer.
  const uint32_t shapes[][3] = {
      {1, 1, 1},     {1, 17, 3},    {5, 1, 9},     {3, 5, 7},      {13, 17, 19},
      {12, 32, 1},   {11, 33, 2},   {25, 47, 33},  {37, 100, 65},  {16, 48, 16},
      {8, 64, 31},   {29, 16, 128}, {7, 15, 1000}, {128, 10, 256}, {128, 256, 784},
      {64, 130, 40}, {4, 0, 5},     {0, 4, 5},     {6, 9, 0},
  };
  uint64_t variant = 0;
  for (const auto& s : shapes) {
    for (Kind kind : {Kind::kAB, Kind::kABt, Kind::kAtB}) {
      Case t{kind, s[0], s[1], s[2]};
      // Cycle through the options so every kind meets each of them on several shapes.
      t.bias = kind != Kind::kAtB && variant % 2 == 0;
      t.relu = kind != Kind::kAtB && variant % 3 == 1;
      t.accumulate = kind == Kind::kAtB && variant % 2 == 1;
      t.pad = (variant % 4 == 3) ? 5 : 0;
      ++variant;
      all.push_back(t);
    }
  }
  return all;
}

}  // namespace

TEST_CASE("gemm: every product kind matches a double-precision reference, tails included") {
  ThreadPool pool(2);
  uint64_t seed = 1;
  for (const Case& t : cases()) {
    for (ThreadPool* p : {static_cast<ThreadPool*>(nullptr), &pool}) {
      const Operands before = make_operands(t, seed);
      Operands after = before;
      run(t, after, p);
      check_against_reference(t, before, after);
    }
    ++seed;
  }
}

TEST_CASE("gemm: results are bit-identical for 1, 2 and 3 threads") {
  ThreadPool two(2), three(3);
  // Shapes big enough to be split (>= 2^20 multiply-adds), split by column strips and by rows.
  const Case shapes[] = {
      {Kind::kAB, 128, 256, 784, true, true},   {Kind::kABt, 128, 256, 784, true, false},
      {Kind::kAtB, 784, 256, 128, false, false, true},  {Kind::kAB, 300, 10, 400, true, false},
      {Kind::kABt, 130, 111, 97, false, true, false, 3}, {Kind::kAtB, 1000, 10, 128},
  };
  uint64_t seed = 100;
  for (const Case& t : shapes) {
    const Operands before = make_operands(t, seed++);
    Operands one = before, with_two = before, with_three = before;
    run(t, one, nullptr);
    run(t, with_two, &two);
    run(t, with_three, &three);
    CHECK_MESSAGE(std::memcmp(one.c.data(), with_two.c.data(), one.c.size() * sizeof(float)) == 0,
                  name(t.kind) << " " << t.m << "x" << t.n << "x" << t.k);
    CHECK_MESSAGE(std::memcmp(one.c.data(), with_three.c.data(), one.c.size() * sizeof(float)) == 0,
                  name(t.kind) << " " << t.m << "x" << t.n << "x" << t.k);
    check_against_reference(t, before, one);
  }
}

TEST_CASE("gemm: the tile it reports is sane") {
  const GemmTile tile = gemm_tile();
  CHECK(tile.rows >= 1);
  CHECK(tile.lanes >= 1);
  CHECK(tile.cols % tile.lanes == 0);
  CHECK(std::string(tile.arch).size() > 0);
}

TEST_CASE("thread pool: every index runs exactly once, call after call") {
  for (uint32_t threads : {1u, 2u, 3u}) {
    ThreadPool pool(threads);
    CHECK(pool.size() == threads);
    for (uint32_t count : {0u, 1u, 2u, 7u, 64u, 1000u}) {
      for (int repeat = 0; repeat < 20; ++repeat) {
        std::vector<std::atomic<int>> hits(count);
        for (auto& h : hits) h.store(0);
        pool.parallel_for(count, [&](uint32_t index) { hits[index].fetch_add(1); });
        bool once = true;
        for (auto& h : hits) once = once && h.load() == 1;
        REQUIRE_MESSAGE(once, "threads " << threads << " count " << count);
      }
    }
  }
  // The free function runs in order on the calling thread without a pool.
  std::vector<uint32_t> order;
  parallel_for(nullptr, 5, [&](uint32_t index) { order.push_back(index); });
  CHECK(order == std::vector<uint32_t>{0, 1, 2, 3, 4});
}

TEST_CASE("thread pool: a pool of 0 threads is a pool of 1, and destruction is clean") {
  ThreadPool pool(0);
  CHECK(pool.size() == 1);
  int calls = 0;
  pool.parallel_for(3, [&](uint32_t) { ++calls; });
  CHECK(calls == 3);
  for (int i = 0; i < 50; ++i) {
    ThreadPool short_lived(2);  // start and stop workers, with and without a job in between
    if (i % 2 == 0) short_lived.parallel_for(4, [](uint32_t) {});
  }
}
