// Register-blocked single-precision GEMM (see gemm.h). Built with -march=SOFTEDGE_TRAINER_ARCH,
// so xsimd::batch<float> is the widest vector of the desktop it is built on.
#include "softedge/train/gemm.h"

#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cstring>

#include "softedge/train/aligned_vector.h"

namespace softedge {
namespace train {
namespace {

using batch = xsimd::batch<float>;
constexpr uint32_t kLanes = static_cast<uint32_t>(batch::size);

// Tile of C held in registers: kRows rows x kVecs vectors. The accumulators plus kVecs loads of
// B and one broadcast of A must fit the register file (32 vector registers with AVX-512 and
// on AArch64, 16 otherwise).
#if defined(SOFTEDGE_GEMM_ROWS) && defined(SOFTEDGE_GEMM_VECS)
constexpr uint32_t kRows = SOFTEDGE_GEMM_ROWS;
constexpr uint32_t kVecs = SOFTEDGE_GEMM_VECS;
#elif defined(__AVX512F__) || defined(__aarch64__)
constexpr uint32_t kRows = 12;
constexpr uint32_t kVecs = 2;
#else
constexpr uint32_t kRows = 6;
constexpr uint32_t kVecs = 2;
#endif
constexpr uint32_t kCols = kVecs * kLanes;

// Products below this many multiply-adds run on one thread: waking the team costs more.
constexpr uint64_t kMinParallelWork = uint64_t{1} << 20;

enum class Init : uint8_t { kZero, kBias, kLoad };

// [begin, end) of `count` items for `part` of `parts`: contiguous, sizes differ by at most one.
inline void split_range(size_t count, uint32_t part, uint32_t parts, size_t* begin, size_t* end) {
  *begin = count * part / parts;
  *end = count * (part + 1) / parts;
}


// Everything a tile needs besides its position.
struct Problem {
  uint32_t m, n, k;
  const float* a;
  size_t lda;
  bool a_transposed;  // A is stored k x m (element (i, p) at a[p * lda + i])
  const float* bias;  // for Init::kBias
  float* c;
  size_t ldc;
  Init init;
  format::Activation activation;
};

// The part of the inner dimension a tile call covers, how its accumulators start, and whether
// it is the last part (which applies the activation).
struct Steps {
  uint32_t begin, end;
  Init init;
  bool last;
};

// One tile: rows [i0, i0 + R) (all valid), columns [j0, j0 + cols) with cols <= V * kLanes; B's
// strip for these columns starts at `b` (row p at b + p * ldb) and is readable (zero padded)
// for V * kLanes columns.
template <uint32_t R, uint32_t V, bool kATrans>
void compute_tile(const Problem& pr, const Steps& steps, uint32_t i0, uint32_t j0,
                  uint32_t cols, const float* b, size_t ldb) {
  constexpr uint32_t kWidth = V * kLanes;
  const bool full = cols == kWidth;
  batch acc[R][V];
  float* c = pr.c + size_t{i0} * pr.ldc + j0;
  if (steps.init == Init::kZero) {
    for (uint32_t i = 0; i < R; ++i) {
      for (uint32_t v = 0; v < V; ++v) acc[i][v] = batch(0.0f);
    }
  } else if (steps.init == Init::kBias) {
    alignas(64) float padded[kWidth] = {};
    const float* bias = pr.bias + j0;
    if (!full) {
      std::memcpy(padded, bias, cols * sizeof(float));
      bias = padded;
    }
    for (uint32_t v = 0; v < V; ++v) {
      const batch bv = batch::load_unaligned(bias + v * kLanes);
      for (uint32_t i = 0; i < R; ++i) acc[i][v] = bv;
    }
  } else {
    for (uint32_t i = 0; i < R; ++i) {
      const float* row = c + size_t{i} * pr.ldc;
      alignas(64) float padded[kWidth] = {};
      if (!full) {
        std::memcpy(padded, row, cols * sizeof(float));
        row = padded;
      }
      for (uint32_t v = 0; v < V; ++v) acc[i][v] = batch::load_unaligned(row + v * kLanes);
    }
  }

  const size_t lda = pr.lda;
  // With no steps (k = 0) A may be null: no pointer into it is formed.
  const float* a = steps.begin == steps.end ? nullptr
                   : kATrans               ? pr.a + i0
                                           : pr.a + size_t{i0} * lda;
  for (uint32_t p = steps.begin; p < steps.end; ++p) {
    const float* bp = b + size_t{p} * ldb;
    batch bv[V];
    for (uint32_t v = 0; v < V; ++v) bv[v] = batch::load_unaligned(bp + v * kLanes);
    const float* ap = kATrans ? a + size_t{p} * lda : a + p;
    for (uint32_t i = 0; i < R; ++i) {
      const batch ai(kATrans ? ap[i] : ap[size_t{i} * lda]);
      for (uint32_t v = 0; v < V; ++v) acc[i][v] = xsimd::fma(ai, bv[v], acc[i][v]);
    }
  }

  if (steps.last && pr.activation == format::Activation::kRelu) {
    const batch zero(0.0f);
    for (uint32_t i = 0; i < R; ++i) {
      for (uint32_t v = 0; v < V; ++v) acc[i][v] = xsimd::max(acc[i][v], zero);
    }
  }
  for (uint32_t i = 0; i < R; ++i) {
    float* row = c + size_t{i} * pr.ldc;
    if (full) {
      for (uint32_t v = 0; v < V; ++v) acc[i][v].store_unaligned(row + v * kLanes);
    } else {
      alignas(64) float padded[kWidth];
      for (uint32_t v = 0; v < V; ++v) acc[i][v].store_aligned(padded + v * kLanes);
      std::memcpy(row, padded, cols * sizeof(float));
    }
  }
}

// Steps of the inner dimension per pass over a strip's row tiles. Blocks that keep the strip in
// L1 (256 steps of 32 columns) measured no faster here than streaming it from L2 for the
// shapes of this project (inner dimensions up to 784), so only longer products are blocked.
#ifdef SOFTEDGE_GEMM_DEPTH
constexpr uint32_t kDepth = SOFTEDGE_GEMM_DEPTH;
#else
constexpr uint32_t kDepth = 1024;
#endif

// Row tiles [row_begin, row_end) of kRows (the last one may be shorter) for one column strip,
// the inner dimension in blocks of kDepth (each element's chain of multiply-adds goes on from
// where the previous block stored it, so the blocking does not change the result).
template <uint32_t V, bool kATrans>
void compute_strip(const Problem& pr, uint32_t row_begin, uint32_t row_end, uint32_t j0,
                   uint32_t cols, const float* b, size_t ldb) {
  uint32_t p = 0;
  do {
    const Steps steps{p, std::min(pr.k, p + kDepth), p == 0 ? pr.init : Init::kLoad,
                      p + kDepth >= pr.k};
    p = steps.end;
    uint32_t i = row_begin;
    for (; i + kRows <= row_end; i += kRows) {
      compute_tile<kRows, V, kATrans>(pr, steps, i, j0, cols, b, ldb);
    }
    // Tail rows: tiles of 8, 4, 2, 1 rows.
    auto tail = [&](auto rows_constant) {
      constexpr uint32_t kR = decltype(rows_constant)::value;
      if (kR < kRows && row_end - i >= kR) {
        compute_tile<kR, V, kATrans>(pr, steps, i, j0, cols, b, ldb);
        i += kR;
      }
    };
    tail(std::integral_constant<uint32_t, 8>());
    tail(std::integral_constant<uint32_t, 4>());
    tail(std::integral_constant<uint32_t, 4>());
    tail(std::integral_constant<uint32_t, 2>());
    tail(std::integral_constant<uint32_t, 1>());
  } while (p < pr.k);
}

template <bool kATrans>
void compute_strip_any_width(const Problem& pr, uint32_t row_begin, uint32_t row_end,
                             uint32_t j0, uint32_t cols, const float* b, size_t ldb) {
  // Number of vectors this strip needs: kVecs for a full strip, fewer for the last one.
  const uint32_t vecs = (cols + kLanes - 1) / kLanes;
  switch (vecs) {
    case 1: compute_strip<1, kATrans>(pr, row_begin, row_end, j0, cols, b, ldb); break;
#if defined(SOFTEDGE_GEMM_VECS) && SOFTEDGE_GEMM_VECS > 4
#error "SOFTEDGE_GEMM_VECS > 4 is not supported"
#endif
    case 2:
      if constexpr (kVecs >= 2) compute_strip<2, kATrans>(pr, row_begin, row_end, j0, cols, b, ldb);
      break;
    case 3:
      if constexpr (kVecs >= 3) compute_strip<3, kATrans>(pr, row_begin, row_end, j0, cols, b, ldb);
      break;
    case 4:
      if constexpr (kVecs >= 4) compute_strip<4, kATrans>(pr, row_begin, row_end, j0, cols, b, ldb);
      break;
    default: break;
  }
}


// Per-thread buffer for packed strips of B (the workers are long-lived, so it is reused).
float* strip_buffer(size_t floats) {
  thread_local AlignedVector<float> buffer;
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer.data();
}

// How B is stored: k x n row-major (in place, padded copies only for the last strip), or n x k
// row-major (every strip transposed into the buffer).
struct BView {
  const float* b;
  size_t ldb;
  bool transposed;
};

// The strip of columns [j0, j0 + cols) of B (k x n view) as a k x width row-major block whose
// columns past `cols` are zero; returns its start and row stride. A strip that several row tiles
// will read is copied even when B is k x n and the strip full: rows of B a multiple of 2 KB
// apart (n = 512) defeat the L2 prefetcher (94 against 145 GFLOP/s for 128x784x512 here).
const float* prepare_strip(const BView& bv, uint32_t k, uint32_t j0, uint32_t cols,
                           uint32_t width, bool reused, size_t* stride) {
  if (!bv.transposed && cols == width && !reused) {
    *stride = bv.ldb;
    return bv.b + j0;
  }
  float* out = strip_buffer(size_t{k} * width);
  *stride = width;
  if (!bv.transposed) {
    for (uint32_t p = 0; p < k; ++p) {
      float* row = out + size_t{p} * width;
      std::memcpy(row, bv.b + size_t{p} * bv.ldb + j0, cols * sizeof(float));
      std::fill(row + cols, row + width, 0.0f);
    }
    return out;
  }
  // B is n x k: column j of the k x n view is row j of B. Transpose in blocks of kBlock steps of
  // p so the block of `out` being written stays in L1 while the `cols` rows of B stream in.
  constexpr uint32_t kBlock = 16;
  for (uint32_t p0 = 0; p0 < k; p0 += kBlock) {
    const uint32_t steps = std::min(kBlock, k - p0);
    for (uint32_t j = 0; j < cols; ++j) {
      const float* src = bv.b + size_t{j0 + j} * bv.ldb + p0;
      float* dst = out + size_t{p0} * width + j;
      for (uint32_t q = 0; q < steps; ++q) dst[size_t{q} * width] = src[q];
    }
    for (uint32_t q = 0; q < steps; ++q) {
      float* row = out + size_t{p0 + q} * width;
      std::fill(row + cols, row + width, 0.0f);
    }
  }
  return out;
}

// The tiles of C in units of work for the team: one column strip (all rows) per unit when there
// are enough strips, else strips cut into groups of row tiles. A unit packs the strip it needs.
void run_gemm(const Problem& pr, const BView& bv, ThreadPool* pool) {
  if (pr.m == 0 || pr.n == 0) return;
  const uint32_t strips = (pr.n + kCols - 1) / kCols;
  const uint32_t row_tiles = (pr.m + kRows - 1) / kRows;
  const uint64_t work = uint64_t{pr.m} * pr.n * std::max<uint32_t>(pr.k, 1);
  ThreadPool* team = work >= kMinParallelWork ? pool : nullptr;
  constexpr uint32_t kMinUnits = 8;
  const uint32_t row_groups =
      team == nullptr || strips >= kMinUnits
          ? 1
          : std::min(row_tiles, (kMinUnits + strips - 1) / strips);

  parallel_for(team, strips * row_groups, [&](uint32_t unit) {
    const uint32_t s = unit / row_groups;
    const uint32_t group = unit % row_groups;
    size_t tile_begin = 0, tile_end = 0;
    split_range(row_tiles, group, row_groups, &tile_begin, &tile_end);
    const uint32_t row_begin = static_cast<uint32_t>(tile_begin) * kRows;
    const uint32_t row_end = std::min<uint32_t>(static_cast<uint32_t>(tile_end) * kRows, pr.m);
    if (row_begin >= row_end) return;
    const uint32_t j0 = s * kCols;
    const uint32_t cols = std::min(kCols, pr.n - j0);
    const uint32_t width = (cols + kLanes - 1) / kLanes * kLanes;
    size_t stride = 0;
    const bool reused = row_end - row_begin > kRows;
    const float* strip = prepare_strip(bv, pr.k, j0, cols, width, reused, &stride);
    if (pr.a_transposed) {
      compute_strip_any_width<true>(pr, row_begin, row_end, j0, cols, strip, stride);
    } else {
      compute_strip_any_width<false>(pr, row_begin, row_end, j0, cols, strip, stride);
    }
  });
}

}  // namespace

void gemm_ab(uint32_t m, uint32_t n, uint32_t k, const float* a, size_t lda, const float* b,
             size_t ldb, const float* bias, float* c, size_t ldc, format::Activation activation,
             ThreadPool* pool) {
  const Problem pr{m, n, k, a, lda, false, bias, c, ldc,
                   bias != nullptr ? Init::kBias : Init::kZero, activation};
  run_gemm(pr, BView{b, ldb, false}, pool);
}

void gemm_abt(uint32_t m, uint32_t n, uint32_t k, const float* a, size_t lda, const float* b,
              size_t ldb, const float* bias, float* c, size_t ldc, format::Activation activation,
              ThreadPool* pool) {
  const Problem pr{m, n, k, a, lda, false, bias, c, ldc,
                   bias != nullptr ? Init::kBias : Init::kZero, activation};
  run_gemm(pr, BView{b, ldb, true}, pool);
}

void gemm_atb(uint32_t m, uint32_t n, uint32_t k, const float* a, size_t lda, const float* b,
              size_t ldb, float* c, size_t ldc, bool accumulate, ThreadPool* pool) {
  const Problem pr{m, n, k, a, lda, true, nullptr, c, ldc,
                   accumulate ? Init::kLoad : Init::kZero, format::Activation::kNone};
  run_gemm(pr, BView{b, ldb, false}, pool);
}

GemmTile gemm_tile() {
  return GemmTile{kRows, kCols, kLanes, xsimd::default_arch::name()};
}

}  // namespace train
}  // namespace softedge
