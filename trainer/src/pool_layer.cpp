// Max and average pooling forward and backward (see pool_layer.h). Every loop runs over an
// output pixel's channels innermost: they are contiguous in NHWC, so the loops vectorize.
#include "softedge/train/pool_layer.h"

#include <algorithm>

namespace softedge {
namespace train {
namespace {

size_t image_size(const format::Shape& s) { return size_t{s.height} * s.width * s.channels; }

// body(offset of the output pixel's channels, offset of its window's corner in the input) for
// every output pixel of `images` images; the window's pixel (ky, kx) is at the corner +
// (ky * in.width + kx) * channels.
template <class Body>
void for_each_window(const PoolGeometry& g, uint32_t images, Body&& body) {
  const uint32_t c = g.in.channels;
  size_t out = 0;
  for (uint32_t n = 0; n < images; ++n) {
    const size_t base = n * image_size(g.in);
    for (uint32_t oy = 0; oy < g.out.height; ++oy) {
      for (uint32_t ox = 0; ox < g.out.width; ++ox) {
        body(out, base + (size_t{oy} * g.stride * g.in.width + size_t{ox} * g.stride) * c);
        out += c;
      }
    }
  }
}

}  // namespace

void max_pool_forward(const PoolGeometry& g, const float* in, uint32_t images, float* out,
                      uint32_t* argmax) {
  const uint32_t c = g.in.channels;
  for_each_window(g, images, [&](size_t o, size_t corner) {
    float* m = out + o;
    uint32_t* at = argmax + o;
    for (uint32_t ch = 0; ch < c; ++ch) {
      m[ch] = in[corner + ch];
      at[ch] = static_cast<uint32_t>(corner + ch);
    }
    for (uint32_t ky = 0; ky < g.kernel; ++ky) {
      for (uint32_t kx = ky == 0 ? 1 : 0; kx < g.kernel; ++kx) {
        const size_t pixel = corner + (size_t{ky} * g.in.width + kx) * c;
        for (uint32_t ch = 0; ch < c; ++ch) {
          const float v = in[pixel + ch];
          const bool larger = v > m[ch];  // the first maximum stays, as in the runtime
          m[ch] = larger ? v : m[ch];
          at[ch] = larger ? static_cast<uint32_t>(pixel + ch) : at[ch];
        }
      }
    }
  });
}

void max_pool_backward(const PoolGeometry& g, const float* d_out, const uint32_t* argmax,
                       uint32_t images, float* d_in) {
  std::fill(d_in, d_in + images * image_size(g.in), 0.0f);
  const size_t outputs = images * image_size(g.out);
  for (size_t o = 0; o < outputs; ++o) d_in[argmax[o]] += d_out[o];
}

void avg_pool_forward(const PoolGeometry& g, const float* in, uint32_t images, float* out) {
  const uint32_t c = g.in.channels;
  const float area = static_cast<float>(g.kernel * g.kernel);
  for_each_window(g, images, [&](size_t o, size_t corner) {
    float* sum = out + o;
    std::fill(sum, sum + c, 0.0f);
    for (uint32_t ky = 0; ky < g.kernel; ++ky) {
      for (uint32_t kx = 0; kx < g.kernel; ++kx) {
        const float* pixel = in + corner + (size_t{ky} * g.in.width + kx) * c;
        for (uint32_t ch = 0; ch < c; ++ch) sum[ch] += pixel[ch];
      }
    }
    for (uint32_t ch = 0; ch < c; ++ch) sum[ch] /= area;
  });
}

void avg_pool_backward(const PoolGeometry& g, const float* d_out, uint32_t images, float* d_in) {
  std::fill(d_in, d_in + images * image_size(g.in), 0.0f);
  const uint32_t c = g.in.channels;
  const float area = static_cast<float>(g.kernel * g.kernel);
  for_each_window(g, images, [&](size_t o, size_t corner) {
    for (uint32_t ky = 0; ky < g.kernel; ++ky) {
      for (uint32_t kx = 0; kx < g.kernel; ++kx) {
        float* pixel = d_in + corner + (size_t{ky} * g.in.width + kx) * c;
        for (uint32_t ch = 0; ch < c; ++ch) pixel[ch] += d_out[o + ch] / area;
      }
    }
  });
}

}  // namespace train
}  // namespace softedge
