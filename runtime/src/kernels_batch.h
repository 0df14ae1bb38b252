// kernels_batch.h — the batched dense kernels (KernelSet::*_batch): several images share each
// load of a weight register. Include after kernels_xsimd.h (float kernels, written once with
// xsimd) and kernels_int8.h; each ISA supplies its int8 tile (Tile<IMAGES, ROWS>).
//
// Loop order: a block of output rows outside, the images inside, so the block's weights stay
// in L1 while every image of the call passes over them (a hidden layer's weights, 200 KB int8
// or 800 KB float, do not fit L1: inference calls these on tiles of images).
//
// Each image gets what its single-image kernel gives it: int8 the same bits (exact integer
// sums); float the same per-lane operations in the same order (fma(w, x, acc) per register,
// then dense_rows' own finish: store_rows or horizontal_sum, the scalar tail, bias), so the
// same bits too where the single-image kernel has the same row blocks (784 -> 10).
#ifndef SOFTEDGE_RUNTIME_KERNELS_BATCH_H
#define SOFTEDGE_RUNTIME_KERNELS_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "kernels_xsimd.h"
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && \
    SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT
#define SOFTEDGE_HAVE_REQUANTIZE_AVX512 1
#include "requantize_avx512.h"
#else
#define SOFTEDGE_HAVE_REQUANTIZE_AVX512 0
#endif

namespace softedge {
namespace detail {
namespace {

// Output rows and images per block of the float batched kernels (int8: the ISA tile's ROWS):
// IMAGES x ROWS accumulators, IMAGES inputs and a weight register fit 32 registers (AVX-512:
// 10 rows of 2 images, 23) or 16 (SSE2, AVX2: 5 rows of 2 images, 13). AVX-512 takes 10 rows
// at once, not 5 rows of 4 images: each image's pixels are then converted to floats once per
// 10 rows, not twice (the conversions share the FMAs' ports), and a 784 -> 10 layer has the
// single-image kernel's row block (the same bits).
constexpr uint32_t kBatchRows = 5;
template <class Arch>
constexpr uint32_t batch_rows() {
  return xsimd::batch<float, Arch>::size >= 16 ? 10 : kBatchRows;
}
constexpr uint32_t kBatchImages = 2;

// IMAGES images x ROWS rows of one float layer. inputs[m] reads image m.
template <class Arch, uint32_t IMAGES, uint32_t ROWS, class Input>
inline void dense_tile_f32(const Input* inputs, const float* weights, const float* bias,
                           uint32_t in, float* y, size_t y_stride) {
  using batch = xsimd::batch<float, Arch>;
  constexpr uint32_t kLanes = static_cast<uint32_t>(batch::size);
  batch acc[IMAGES][ROWS];
#pragma GCC unroll 16
  for (uint32_t m = 0; m < IMAGES; ++m) {
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) acc[m][r] = batch(0.0f);
  }
  uint32_t i = 0;
  for (; i + kLanes <= in; i += kLanes) {
    batch xv[IMAGES];
#pragma GCC unroll 16
    for (uint32_t m = 0; m < IMAGES; ++m) xv[m] = inputs[m].load(i);
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) {
      const batch w = batch::load_unaligned(weights + static_cast<size_t>(r) * in + i);
#pragma GCC unroll 16
      for (uint32_t m = 0; m < IMAGES; ++m) acc[m][r] = xsimd::fma(w, xv[m], acc[m][r]);
    }
  }
  // Each image's rows finished as dense_rows finishes them (store_rows where it applies).
  // Unrolled: acc[][] stays in registers (a loop would put it on the stack).
#pragma GCC unroll 16
  for (uint32_t m = 0; m < IMAGES; ++m) {
    float* ym = y + m * y_stride;
    if (i == in && store_rows<ROWS>(inputs[m], acc[m], bias, ym, Arch{})) continue;
    float sums[ROWS];
#pragma GCC unroll 16
    for (uint32_t r = 0; r < ROWS; ++r) sums[r] = horizontal_sum(acc[m][r]);
    for (uint32_t r = 0; r < ROWS; ++r) {
      const float* row = weights + static_cast<size_t>(r) * in;
      float sum = sums[r];
      for (uint32_t j = i; j < in; ++j) sum += row[j] * inputs[m].at(j);
      ym[r] = inputs[m].finish(sum) + bias[r];
    }
  }
}

// Rows [o, o + ROWS) for every image: groups of kBatchImages images, then single ones.
// make_input(n) is image n's Input.
template <class Arch, uint32_t ROWS, class MakeInput>
inline void dense_rows_batch(const MakeInput& make_input, uint32_t count, const float* weights,
                             const float* bias, uint32_t in, float* y, size_t y_stride) {
  using Input = decltype(make_input(0u));
  uint32_t n = 0;
  for (; n + kBatchImages <= count; n += kBatchImages) {
    Input inputs[kBatchImages];
    for (uint32_t m = 0; m < kBatchImages; ++m) inputs[m] = make_input(n + m);
    dense_tile_f32<Arch, kBatchImages, ROWS>(inputs, weights, bias, in, y + n * y_stride, y_stride);
  }
  for (; n < count; ++n) {
    const Input input = make_input(n);
    dense_tile_f32<Arch, 1, ROWS>(&input, weights, bias, in, y + n * y_stride, y_stride);
  }
}

template <class Arch, class MakeInput>
void dense_batch(const MakeInput& make_input, uint32_t count, const float* weights,
                 const float* bias, uint32_t in, uint32_t out, float* y, size_t y_stride) {
  constexpr uint32_t kRows = batch_rows<Arch>();
  uint32_t o = 0;
  for (; o + kRows <= out; o += kRows) {
    dense_rows_batch<Arch, kRows>(make_input, count, weights + static_cast<size_t>(o) * in,
                                  bias + o, in, y + o, y_stride);
  }
  for (; kRows > kBatchRows && o + kBatchRows <= out; o += kBatchRows) {
    dense_rows_batch<Arch, kBatchRows>(make_input, count, weights + static_cast<size_t>(o) * in,
                                       bias + o, in, y + o, y_stride);
  }
  for (; o < out; ++o) {
    dense_rows_batch<Arch, 1>(make_input, count, weights + static_cast<size_t>(o) * in, bias + o,
                              in, y + o, y_stride);
  }
}

template <class Arch>
void dense_f32_batch_xsimd(const float* x, size_t x_stride, uint32_t count,
                           const float* weights, const float* bias, uint32_t in, uint32_t out,
                           float* y, size_t y_stride) {
  const auto make_input = [=](uint32_t n) { return FloatInput<Arch>{x + n * x_stride}; };
  dense_batch<Arch>(make_input, count, weights, bias, in, out, y, y_stride);
}

template <class Arch>
void dense_u8_f32_batch_xsimd(const uint8_t* pixels, size_t pixel_stride, uint32_t count,
                              float scale, const float* weights, const float* bias, uint32_t in,
                              uint32_t out, float* y, size_t y_stride) {
  const auto make_input = [=](uint32_t n) {
    return PixelInput<Arch>{pixels + n * pixel_stride, scale};
  };
  dense_batch<Arch>(make_input, count, weights, bias, in, out, y, y_stride);
}

// int8: the ISA's Tile<IMAGES, ROWS>::run(x, x_stride, w, bias, in, acc, acc_stride) sets
// acc[m * acc_stride + r] = bias[r] + sum_i x[m * x_stride + i] * w[r * in + i] for IMAGES
// images and ROWS rows (what fits the ISA's registers). Rows [o, o + ROWS) for every image:
// groups of IMAGES images, then single ones. Inline: its frame would lie between the blocked
// kernel's and the tile's (the stack bound).
template <template <uint32_t, uint32_t> class Tile, uint32_t IMAGES, uint32_t ROWS>
__attribute__((always_inline)) inline void dense_u8s8_rows_all_images(
    const uint8_t* x, size_t x_stride, uint32_t count, const int8_t* w, const int32_t* bias,
    uint32_t in, int32_t* acc, size_t acc_stride) {
  uint32_t n = 0;
  for (; n + IMAGES <= count; n += IMAGES) {
    Tile<IMAGES, ROWS>::run(x + n * x_stride, x_stride, w, bias, in, acc + n * acc_stride,
                            acc_stride);
  }
  for (; n < count; ++n) {
    Tile<1, ROWS>::run(x + n * x_stride, x_stride, w, bias, in, acc + n * acc_stride,
                       acc_stride);
  }
}

// The last out % ROWS rows (fewer than ROWS, at least 1): one block of exactly that many rows,
// not single rows (each a pass over every image's inputs for one weight row).
template <template <uint32_t, uint32_t> class Tile, uint32_t IMAGES, uint32_t ROWS>
inline void dense_u8s8_last_rows(uint32_t rows, const uint8_t* x, size_t x_stride,
                                 uint32_t count, const int8_t* w, const int32_t* bias,
                                 uint32_t in, int32_t* acc, size_t acc_stride) {
  if constexpr (ROWS > 1) {
    if (rows != ROWS) {
      dense_u8s8_last_rows<Tile, IMAGES, ROWS - 1>(rows, x, x_stride, count, w, bias, in, acc,
                                                  acc_stride);
      return;
    }
  }
  dense_u8s8_rows_all_images<Tile, IMAGES, ROWS>(x, x_stride, count, w, bias, in, acc,
                                                 acc_stride);
}

template <template <uint32_t, uint32_t> class Tile, uint32_t IMAGES, uint32_t ROWS>
void dense_u8s8_batch_blocked(const uint8_t* x, size_t x_stride, uint32_t count,
                              const int8_t* weights, const int32_t* bias, uint32_t in,
                              uint32_t out, int32_t* acc, size_t acc_stride) {
  uint32_t o = 0;
  for (; o + ROWS <= out; o += ROWS) {
    dense_u8s8_rows_all_images<Tile, IMAGES, ROWS>(x, x_stride, count,
                                                   weights + static_cast<size_t>(o) * in,
                                                   bias + o, in, acc + o, acc_stride);
  }
  if (o < out) {
    dense_u8s8_last_rows<Tile, IMAGES, ROWS - 1>(out - o, x, x_stride, count,
                                                 weights + static_cast<size_t>(o) * in, bias + o,
                                                 in, acc + o, acc_stride);
  }
}

}  // namespace
}  // namespace detail
}  // namespace softedge

// The vectorised requantization where this translation unit has AVX-512 (F, BW, VL) and the
// build has int8 layers with uint8 outputs (layer_modes.h).
#if SOFTEDGE_HAVE_REQUANTIZE_AVX512
#define SOFTEDGE_REQUANTIZE_U8 ::softedge::detail::requantize_u8_avx512
#else
#define SOFTEDGE_REQUANTIZE_U8 nullptr
#endif

// A kernel set with the float batch kernels above, this ISA's int8 batch kernel (or
// nullptr: per image) and, with AVX-512, the vectorised requantization.
#define SOFTEDGE_DEFINE_XSIMD_BATCH_KERNELS(variable, name, arch, dense_u8s8, u8s8_batch) \
  SOFTEDGE_XSIMD_KERNEL_SET(                                                             \
      variable, name, arch, dense_u8s8,                                                  \
      SOFTEDGE_FLOAT32_KERNEL(::softedge::detail::dense_f32_batch_xsimd<arch>),          \
      SOFTEDGE_FUSED_PIXEL_KERNEL(::softedge::detail::dense_u8_f32_batch_xsimd<arch>),   \
      SOFTEDGE_INT8_KERNEL(u8s8_batch), SOFTEDGE_REQUANTIZE_U8)
// The AVX-512 tiles of kernels_batch_vnni.h: `images` images x kVnniTileRows rows. (In
// parentheses: the comma must not split the arguments of the macros it goes through.)
#define SOFTEDGE_DENSE_U8S8_BATCH(Tile, images) \
  (::softedge::detail::dense_u8s8_batch_blocked<Tile, images, ::softedge::detail::kVnniTileRows>)

#endif
