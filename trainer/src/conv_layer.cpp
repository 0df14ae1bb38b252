// Convolution forward and backward by im2col and gemm.h (see conv_layer.h).
#include "softedge/train/conv_layer.h"

#include <xsimd/xsimd.hpp>

#include <algorithm>

#include "softedge/train/gemm.h"

namespace softedge {
namespace train {
namespace {

using batch = xsimd::batch<float>;
constexpr size_t kLanes = batch::size;

// Short runs (k * c values) by vectors: calls to memcpy/memset for them cost more than the
// values.
inline void copy_run(float* dst, const float* src, size_t n) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) batch::load_unaligned(src + i).store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] = src[i];
}
inline void zero_run(float* dst, size_t n) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) batch(0.0f).store_unaligned(dst + i);
  for (; i < n; ++i) dst[i] = 0.0f;
}

}  // namespace

void im2col(const ConvGeometry& g, const float* in, uint32_t images, float* patches) {
  const uint32_t c = g.in.channels, k = g.kernel;
  const size_t image_size = size_t{g.in.height} * g.in.width * c;
  float* row = patches;
  for (uint32_t n = 0; n < images; ++n) {
    const float* image = in + n * image_size;
    for (uint32_t oy = 0; oy < g.out.height; ++oy) {
      for (uint32_t ox = 0; ox < g.out.width; ++ox) {
        const int64_t x0 = int64_t{ox} * g.stride - g.padding;
        // The window's columns [x0 + first, x0 + last) are inside the image: one contiguous
        // run of the input row per kernel row, zeros either side.
        const int64_t first = std::min<int64_t>(k, std::max<int64_t>(0, -x0));
        const int64_t last = std::max(first, std::min<int64_t>(k, int64_t{g.in.width} - x0));
        for (uint32_t ky = 0; ky < k; ++ky) {
          const int64_t iy = int64_t{oy} * g.stride - g.padding + ky;
          float* run = row + size_t{ky} * k * c;
          if (iy < 0 || iy >= g.in.height) {
            zero_run(run, size_t{k} * c);
            continue;
          }
          zero_run(run, first * c);
          copy_run(run + first * c, image + (size_t(iy) * g.in.width + (x0 + first)) * c,
                   (last - first) * c);
          zero_run(run + last * c, (k - last) * c);
        }
        row += g.patch();
      }
    }
  }
}

void col2im_add(const ConvGeometry& g, const float* d_patches, uint32_t images, float* d_in) {
  const uint32_t c = g.in.channels, k = g.kernel;
  const size_t image_size = size_t{g.in.height} * g.in.width * c;
  const float* row = d_patches;
  for (uint32_t n = 0; n < images; ++n) {
    float* image = d_in + n * image_size;
    for (uint32_t oy = 0; oy < g.out.height; ++oy) {
      for (uint32_t ox = 0; ox < g.out.width; ++ox) {
        for (uint32_t ky = 0; ky < k; ++ky) {
          const int64_t iy = int64_t{oy} * g.stride - g.padding + ky;
          if (iy < 0 || iy >= g.in.height) continue;
          for (uint32_t kx = 0; kx < k; ++kx) {
            const int64_t ix = int64_t{ox} * g.stride - g.padding + kx;
            if (ix < 0 || ix >= g.in.width) continue;
            const float* src = row + (size_t{ky} * k + kx) * c;
            float* dst = image + (size_t(iy) * g.in.width + size_t(ix)) * c;
            for (uint32_t ch = 0; ch < c; ++ch) dst[ch] += src[ch];
          }
        }
        row += g.patch();
      }
    }
  }
}

void conv_forward(const ConvGeometry& g, const float* in, uint32_t images, const float* wt,
                  const float* bias, format::Activation activation, float* patches, float* out) {
  const uint32_t rows = images * g.positions(), cout = g.out.channels;
  im2col(g, in, images, patches);
  gemm_ab(rows, cout, g.patch(), patches, g.patch(), wt, cout, bias, out, cout,
          activation == format::Activation::kRelu ? activation : format::Activation::kNone,
          nullptr);
}

void conv_backward(const ConvGeometry& g, const float* patches, uint32_t images,
                   const float* wt, const float* d_out, float* d_patches, float* grad_wt,
                   float* grad_bias, float* d_in) {
  const uint32_t rows = images * g.positions(), cout = g.out.channels, patch = g.patch();
  gemm_atb(patch, cout, rows, patches, patch, d_out, cout, grad_wt, cout, false, nullptr);
  std::fill(grad_bias, grad_bias + cout, 0.0f);
  for (uint32_t r = 0; r < rows; ++r) {
    const float* d = d_out + size_t{r} * cout;
    for (uint32_t o = 0; o < cout; ++o) grad_bias[o] += d[o];
  }
  if (d_in == nullptr) return;
  gemm_abt(rows, patch, cout, d_out, cout, wt, cout, nullptr, d_patches, patch,
           format::Activation::kNone, nullptr);
  std::fill(d_in, d_in + size_t{images} * g.in.height * g.in.width * g.in.channels, 0.0f);
  col2im_add(g, d_patches, images, d_in);
}

}  // namespace train
}  // namespace softedge
