// conv_pixel_blocks.h — how every direct convolution kernel (kernels_conv_*.h) walks the
// output pixels of a call: blocks of P pixels (as many as the ISA's registers hold), then of
// P / 2, P / 4 ... 1, so a row of 12 inner pixels is blocks of 8 and 4, not 8 and four single
// ones (each of which loads every weight for one pixel). Internal linkage, like every
// kernel: each includer compiles it for its own instruction set.
#ifndef SOFTEDGE_RUNTIME_CONV_PIXEL_BLOCKS_H
#define SOFTEDGE_RUNTIME_CONV_PIXEL_BLOCKS_H

#include <stdint.h>

namespace softedge {
namespace detail {
namespace {

// A block's pixel count as a type: the block functions take it as a template argument.
template <uint32_t N>
struct PixelCount {
  static constexpr uint32_t value = N;
};

// Calls block(PixelCount<Q>{}, n) for blocks of Q = P, P / 2 ... 1 pixels covering pixels
// n .. count - 1, in order.
template <uint32_t P, class Block>
inline void for_pixel_blocks(uint32_t count, uint32_t n, const Block& block) {
  for (; n + P <= count; n += P) block(PixelCount<P>{}, n);
  if constexpr (P > 1) for_pixel_blocks<P / 2>(count, n, block);
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
