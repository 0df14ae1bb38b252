// prefetch.h — software prefetches for the AVX-512 int8 dense kernels, where the data a kernel
// reads next comes from a level the hardware prefetchers do not keep up with. Each helper
// fetches into L1 (prefetcht0). A prefetch never faults nor reads for the program: addresses
// may lie past the caller's arrays, so they are formed as integers, not as pointers past an
// array.
#ifndef SOFTEDGE_RUNTIME_PREFETCH_H
#define SOFTEDGE_RUNTIME_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

namespace softedge {
namespace detail {
namespace {

// One image's int8 dense layer larger than L1 (784 -> 256: 200 KB) streams its weights from
// L2, a block of ROWS rows at a time, rows 784 bytes apart (most loads split over two lines),
// faster than the hardware prefetchers fetch ROWS such streams (perf: the samples sit on the
// loads). While a block runs, each 64 bytes it has read of a row (`row_bytes`, a multiple of
// 64: how far it is along its rows) fetch the next ROWS lines of the next block, whose
// weights follow this block's (`next`: its first byte): the whole next block is in L1 when it
// starts. Only where rows follow the block (more_rows): past the layer's weights they would
// only take load slots (784 -> 10, one image: 115 -> 128 ns). VNNI kernels only: without
// VNNI (twice the instructions per byte) nothing is gained (784 -> 256, one image: 4,782 ns
// without, 4,902 with). Not for float rows either: 3,136 bytes apart, each load within a
// line, the hardware keeps up (784 -> 256 float, one image, interleaved medians: 7,212 ns
// without, 7,549 with).
template <uint32_t ROWS>
inline void prefetch_next_rows(uintptr_t next, size_t row_bytes, bool more_rows) {
  if (!more_rows) return;
#pragma GCC unroll 16
  for (uint32_t r = 0; r < ROWS; ++r) {
    __builtin_prefetch(reinterpret_cast<const void*>(next + row_bytes * ROWS + r * 64), 0, 3);
  }
}

// A batch's images stream from the caller's buffer, usually larger than L2 (10,000 images:
// 7.8 MB), and the hardware prefetchers do not keep up with IMAGES image streams beside a
// block of weight rows: perf put ~40 % of the int8 tiles' first row block at the image loads.
// Each step of a tile fetches bytes [i, i + 64) of its IMAGES images kPrefetchImages further
// on: the next tile of infer_batch_u8 (16 images). Measured (784 -> 10 int8, 10,000 images,
// medians of interleaved runs): none 691 us, 4 images ahead 582, 8 ahead 571, 16 ahead 550;
// in a second run 16 ahead 575, 24 ahead 610, 32 ahead 668, 16 ahead into L2 only (T1) 607,
// non-temporal 1,397.
constexpr size_t kPrefetchImages = 16;

template <uint32_t IMAGES>
inline void prefetch_images_ahead(const uint8_t* x, size_t x_stride, uint32_t i) {
  const uintptr_t ahead = reinterpret_cast<uintptr_t>(x) + kPrefetchImages * x_stride + i;
#pragma GCC unroll 16
  for (uint32_t m = 0; m < IMAGES; ++m) {
    __builtin_prefetch(reinterpret_cast<const void*>(ahead + m * x_stride), 0, 3);
  }
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
