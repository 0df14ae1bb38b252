// softedge/train/gemm.h — single-precision matrix products for training dense layers, shared by
// a ThreadPool (thread_pool.h).
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

#include <cstddef>
#include <cstdint>

#include "softedge/format.h"
#include "softedge/train/thread_pool.h"

namespace softedge {
namespace train {

// C[m x n] = A[m x k] · B[k x n] (+ bias[n] when bias is not null), then `activation`.
// lda >= k, ldb >= n, ldc >= n. pool may be null (single-threaded).
void gemm_ab(uint32_t m, uint32_t n, uint32_t k, const float* a, size_t lda, const float* b,
             size_t ldb, const float* bias, float* c, size_t ldc, format::Activation activation,
             ThreadPool* pool);

// C[m x n] = A[m x k] · B[n x k]ᵀ (+ bias[n] when bias is not null), then `activation`.
// lda >= k, ldb >= k, ldc >= n.
void gemm_abt(uint32_t m, uint32_t n, uint32_t k, const float* a, size_t lda, const float* b,
              size_t ldb, const float* bias, float* c, size_t ldc, format::Activation activation,
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
