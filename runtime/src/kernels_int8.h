// kernels_int8.h — the shared shape of every int8 dense kernel: blocks of output rows that
// share each load of the input, an exact scalar tail, then each block's bias. Each ISA supplies
// Dot<ROWS>::run(x, w, in, sums), sums[r] = sum_i x[i] * w[r * in + i] (AVX-512's takes the
// bias too, sums[r] = bias[r] + that, and more_rows, whether rows follow the block, which
// decides only what VNNI's prefetches: run(x, w, in, bias, sums, more_rows); NEON's also has
// run_summed, given the rows' offsets: weight_sums.h). Integer sums are exact in any
// order, so every ISA gives the reference's bits.
#ifndef SOFTEDGE_RUNTIME_KERNELS_INT8_H
#define SOFTEDGE_RUNTIME_KERNELS_INT8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace softedge {
namespace detail {
namespace {

// sum_{i in [from, in)} x[i] * w[i]: the elements after the last full register.
inline int32_t dot_tail(const uint8_t* x, const int8_t* w, uint32_t from, uint32_t in) {
  int32_t sum = 0;
  for (uint32_t i = from; i < in; ++i) sum += static_cast<int32_t>(x[i]) * w[i];
  return sum;
}

// sums[r] += row_bias[r] for r < ROWS: a fixed count of adds, right after a block, which the
// compiler unrolls into a few vector adds (a loop over all rows at the end took ~40
// instructions for 10 rows on aarch64).
template <uint32_t ROWS>
__attribute__((always_inline)) inline void add_bias(int32_t* sums, const int32_t* row_bias) {
  uint32_t r = 0;
  for (; r + 4 <= ROWS; r += 4) {  // GCC's generic vectors: one 4-lane add where the ISA has it
    typedef int32_t Lanes __attribute__((vector_size(16)));
    Lanes a, b;
    memcpy(&a, sums + r, sizeof a);
    memcpy(&b, row_bias + r, sizeof b);
    a += b;
    memcpy(sums + r, &a, sizeof a);
  }
  for (; r < ROWS; ++r) sums[r] += row_bias[r];
}

// A block's sums and their bias: in the Dot's own registers where its run takes the bias
// (AVX-512's run(x, w, in, bias, sums, more_rows): one store where adding after takes a store,
// loads that wait on it, and a second store), else added after. The int argument picks the
// first where both apply.
template <class D, uint32_t ROWS>
inline auto run_with_bias(const uint8_t* x, const int8_t* w, uint32_t in, const int32_t* bias,
                          int32_t* sums, bool more_rows, int)
    -> decltype(D::run(x, w, in, bias, sums, more_rows)) {
  return D::run(x, w, in, bias, sums, more_rows);
}
template <class D, uint32_t ROWS>
inline void run_with_bias(const uint8_t* x, const int8_t* w, uint32_t in, const int32_t* bias,
                          int32_t* sums, bool, long) {
  D::run(x, w, in, sums);
  add_bias<ROWS>(sums, bias);
}

// Rows [o, o + ROWS) of `out` and their bias.
template <template <uint32_t> class Dot, uint32_t ROWS>
inline void dot_block(const uint8_t* x, const int8_t* weights, const int32_t* bias, uint32_t in,
                      uint32_t o, uint32_t out, int32_t* acc) {
  run_with_bias<Dot<ROWS>, ROWS>(x, weights + static_cast<size_t>(o) * in, in, bias + o, acc + o,
                                 o + ROWS < out, 0);
}

// Rows in blocks of 10, then 4, then 1 (three instantiations per ISA: small code); a
// size-first build (SOFTEDGE_SIZE_FIRST) leaves out the 10-row block.
template <template <uint32_t> class Dot>
void dense_u8s8_blocked(const uint8_t* x, const int8_t* weights, const int32_t* bias,
                        uint32_t in, uint32_t out, int32_t* acc) {
  uint32_t o = 0;
#if !defined(SOFTEDGE_SIZE_FIRST)
  for (; o + 10 <= out; o += 10) dot_block<Dot, 10>(x, weights, bias, in, o, out, acc);
#endif
  for (; o + 4 <= out; o += 4) dot_block<Dot, 4>(x, weights, bias, in, o, out, acc);
  for (; o < out; ++o) dot_block<Dot, 1>(x, weights, bias, in, o, out, acc);
}

// dense_u8s8_blocked for the ISAs whose Dot<ROWS> also has run_summed(x, w, in, pairs, sums),
// which takes the rows' offsets: their bias and weights' share (not in size-first builds:
// weight_sums.h). The next rows' weights, pairs and sums by pointer, the rows left as the
// count: no index arithmetic between blocks.
template <template <uint32_t> class Dot>
__attribute__((noinline)) void summed_blocks(const uint8_t* x, const int8_t* weights,
                                             const int32_t* pairs, uint32_t in, uint32_t out,
                                             int32_t* acc) {
  uint32_t left = out;
  const auto next = [&](uint32_t rows) {
    weights += static_cast<size_t>(rows) * in;
    pairs += 2 * rows;
    acc += rows;
    left -= rows;
  };
  for (; left >= 10; next(10)) Dot<10>::run_summed(x, weights, in, pairs, acc);
  for (; left >= 4; next(4)) Dot<4>::run_summed(x, weights, in, pairs, acc);
  for (; left > 0; next(1)) Dot<1>::run_summed(x, weights, in, pairs, acc);
}

// One block of 10 rows (10 classes: the lesson's output layer) is a tail call from a function
// without a frame (7 instructions where the loops took 28 on aarch64); other sizes take the
// blocks.
template <template <uint32_t> class Dot>
void dense_u8s8_summed_blocked(const uint8_t* x, const int8_t* weights, const int32_t* pairs,
                               uint32_t in, uint32_t out, int32_t* acc) {
  if (out == 10) return Dot<10>::run_summed(x, weights, in, pairs, acc);
  summed_blocks<Dot>(x, weights, pairs, in, out, acc);
}

// For cores with few registers (Cortex-M): rows two at a time through
// TwoRows(x, w0, w1, in, sums), an odd last row paired with itself (its second sum
// dropped), then the bias.
template <void (*TwoRows)(const uint8_t*, const int8_t*, const int8_t*, uint32_t, int32_t*)>
void dense_u8s8_in_pairs(const uint8_t* x, const int8_t* weights, const int32_t* bias,
                         uint32_t in, uint32_t out, int32_t* acc) {
  for (uint32_t o = 0; o < out; o += 2) {
    const int8_t* row = weights + static_cast<size_t>(o) * in;
    int32_t pair[2];
    TwoRows(x, row, o + 1 < out ? row + in : row, in, pair);
    acc[o] = pair[0] + bias[o];
    if (o + 1 < out) acc[o + 1] = pair[1] + bias[o + 1];
  }
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#define SOFTEDGE_DENSE_U8S8(Dot) ::softedge::detail::dense_u8s8_blocked<Dot>

#endif
