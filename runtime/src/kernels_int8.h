// kernels_int8.h — the shared shape of every int8 dense kernel: blocks of output rows that
// share each load of the input, an exact scalar tail, then the bias. Each ISA supplies
// Dot<ROWS>::run(x, w, in, sums), sums[r] = sum_i x[i] * w[r * in + i]. Integer sums are
// exact in any order, so every ISA gives the reference's bits.
#ifndef SOFTEDGE_RUNTIME_KERNELS_INT8_H
#define SOFTEDGE_RUNTIME_KERNELS_INT8_H

#include <stddef.h>
#include <stdint.h>

namespace softedge {
namespace detail {
namespace {

// sum_{i in [from, in)} x[i] * w[i]: the elements after the last full register.
inline int32_t dot_tail(const uint8_t* x, const int8_t* w, uint32_t from, uint32_t in) {
  int32_t sum = 0;
  for (uint32_t i = from; i < in; ++i) sum += static_cast<int32_t>(x[i]) * w[i];
  return sum;
}

// Rows in blocks of 10, then 4, then 1 (three instantiations per ISA: small code).
template <template <uint32_t> class Dot>
void dense_u8s8_blocked(const uint8_t* x, const int8_t* weights, const int32_t* bias,
                        uint32_t in, uint32_t out, int32_t* acc) {
  uint32_t o = 0;
  for (; o + 10 <= out; o += 10) Dot<10>::run(x, weights + static_cast<size_t>(o) * in, in, acc + o);
  for (; o + 4 <= out; o += 4) Dot<4>::run(x, weights + static_cast<size_t>(o) * in, in, acc + o);
  for (; o < out; ++o) Dot<1>::run(x, weights + static_cast<size_t>(o) * in, in, acc + o);
  for (uint32_t r = 0; r < out; ++r) acc[r] += bias[r];
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#define SOFTEDGE_DENSE_U8S8(Dot) ::softedge::detail::dense_u8s8_blocked<Dot>

#endif
