// Built with -march=SOFTEDGE_TRAINER_ARCH: the curve lookup uses the hardware gather where there
// is one, the standardization the widest fused multiply-add.
#include "softedge/train/feature_map.h"

#include <xsimd/xsimd.hpp>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "softedge/train/model_spec.h"

namespace softedge {
namespace train {
namespace {

using batch = xsimd::batch<float>;
constexpr size_t kLanes = batch::size;

// Rows per unit of work when a batch is gathered.
constexpr uint32_t kGatherChunkRows = 16;

// out[i] = curve[pixels[i]] for i < count: a table lookup per pixel, with the hardware gather
// where there is one (2x faster than scalar loads here).
void lookup_curve(const float* curve, const uint8_t* pixels, uint32_t count, float* out) {
  uint32_t i = 0;
#if defined(__AVX512F__)
  for (; i + 16 <= count; i += 16) {
    // The masked forms with explicit zeros: GCC 12 warns about the unmasked ones' undefined
    // pass-through operand.
    const __m512i index = _mm512_maskz_cvtepu8_epi32(
        0xFFFF, _mm_loadu_si128(reinterpret_cast<const __m128i*>(pixels + i)));
    _mm512_storeu_ps(out + i,
                     _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF, index, curve, 4));
  }
#elif defined(__AVX2__)
  for (; i + 8 <= count; i += 8) {
    const __m256i index =
        _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(pixels + i)));
    _mm256_storeu_ps(out + i, _mm256_i32gather_ps(curve, index, 4));
  }
#endif
  for (; i < count; ++i) out[i] = curve[pixels[i]];
}

#if defined(__AVX512VBMI__)
// out[i] = float(bytes[pixels[i]]) * kPixelScale * scale[i] + shift[i] (the product rounded,
// then one fused multiply-add, as the float-table path computes it), for i < count, count a
// multiple of 16: the table's 256 bytes sit in four registers; two two-register permutes look
// up 64 pixels (7 index bits each) and the eighth bit picks between them.
void lookup_bytes_and_scale(const uint8_t* bytes, const uint8_t* pixels, uint32_t count,
                            const float* scale, const float* shift, float* out) {
  const __m512i t0 = _mm512_loadu_si512(bytes), t1 = _mm512_loadu_si512(bytes + 64);
  const __m512i t2 = _mm512_loadu_si512(bytes + 128), t3 = _mm512_loadu_si512(bytes + 192);
  const __m512 pixel_scale = _mm512_set1_ps(kPixelScale);
  for (uint32_t i = 0; i < count; i += 64) {
    const uint32_t n = count - i < 64 ? count - i : 64;
    const __mmask64 valid = n == 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1;
    const __m512i index = _mm512_maskz_loadu_epi8(valid, pixels + i);
    const __m512i low = _mm512_permutex2var_epi8(t0, index, t1);
    const __m512i high = _mm512_permutex2var_epi8(t2, index, t3);
    __m512i values = _mm512_mask_blend_epi8(_mm512_movepi8_mask(index), low, high);
    for (uint32_t j = 0; j < n; j += 16) {
      const __m512 v = _mm512_mul_ps(
          _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(values, 0))),
          pixel_scale);
      _mm512_storeu_ps(out + i + j, _mm512_fmadd_ps(v, _mm512_loadu_ps(scale + i + j),
                                                    _mm512_loadu_ps(shift + i + j)));
      values = _mm512_alignr_epi32(values, values, 4);  // the next 16 bytes to the bottom
    }
  }
}
#endif

// A row's pixels are 13 cache lines somewhere in 47 MB: ask for them a few rows ahead.
constexpr uint32_t kPrefetchRows = 4;
void prefetch_pixels(const uint8_t* row) {
  for (uint32_t offset = 0; offset < host::kImagePixels; offset += 64) {
    __builtin_prefetch(row + offset);
  }
}

}  // namespace

FeatureMap::FeatureMap(const InputTransform& transform) : transform_(&transform) {
  if (transform.mean.size() != host::kImagePixels ||
      transform.inv_std.size() != host::kImagePixels) {
    throw std::invalid_argument("input transform: mean and inv_std need one value per pixel");
  }
  scale_.assign(transform.inv_std.begin(), transform.inv_std.end());
  shift_.resize(host::kImagePixels);
  for (uint32_t i = 0; i < host::kImagePixels; ++i) {
    shift_[i] = -transform.mean[i] * transform.inv_std[i];
  }
  byte_curve_ = true;
  for (int p = 0; p < 256; ++p) {
    const float value = transform.value_of_pixel[p];
    const long byte = value >= 0.0f && value <= 1.0f ? std::lround(value / kPixelScale) : -1;
    byte_curve_ = byte_curve_ && byte >= 0 && byte <= 255 &&
                  static_cast<float>(byte) * kPixelScale == value;
    curve_bytes_[p] = static_cast<uint8_t>(byte_curve_ ? byte : 0);
  }
}

void FeatureMap::transform_row(const uint8_t* pixels, float* out) const {
#if defined(__AVX512VBMI__)
  static_assert(host::kImagePixels % 16 == 0, "whole 16-float stores");
  if (byte_curve_) {
    lookup_bytes_and_scale(curve_bytes_.data(), pixels, host::kImagePixels, scale_.data(),
                           shift_.data(), out);
    return;
  }
#endif
  lookup_curve(transform_->value_of_pixel.data(), pixels, host::kImagePixels, out);
  const float* scale = scale_.data();
  const float* shift = shift_.data();
  uint32_t i = 0;
  for (; i + kLanes <= host::kImagePixels; i += kLanes) {
    const batch v = batch::load_unaligned(out + i);
    xsimd::fma(v, batch::load_unaligned(scale + i), batch::load_unaligned(shift + i))
        .store_unaligned(out + i);
  }
  for (; i < host::kImagePixels; ++i) out[i] = out[i] * scale[i] + shift[i];
}

void FeatureMap::gather(const host::Split& split, const uint32_t* indices, uint32_t first,
                        uint32_t rows, float* out, ThreadPool* team) const {
  const uint32_t chunks = (rows + kGatherChunkRows - 1) / kGatherChunkRows;
  parallel_for(rows >= 2 * kGatherChunkRows ? team : nullptr, chunks, [&](uint32_t chunk) {
    const uint32_t begin = chunk * kGatherChunkRows;
    const uint32_t end = std::min(rows, begin + kGatherChunkRows);
    auto pixels_of = [&](uint32_t r) {
      const uint32_t row = indices != nullptr ? indices[r] : first + r;
      return &split.pixels[size_t{row} * host::kImagePixels];
    };
    for (uint32_t r = begin; r < std::min(end, begin + kPrefetchRows); ++r) {
      prefetch_pixels(pixels_of(r));
    }
    for (uint32_t r = begin; r < end; ++r) {
      if (r + kPrefetchRows < end) prefetch_pixels(pixels_of(r + kPrefetchRows));
      transform_row(pixels_of(r), out + size_t{r} * host::kImagePixels);
    }
  });
}

void apply_input_transform(const InputTransform& transform, const uint8_t* pixels, uint32_t rows,
                           float* features) {
  const FeatureMap map(transform);
  for (uint32_t r = 0; r < rows; ++r) {
    map.transform_row(pixels + size_t{r} * host::kImagePixels,
                      features + size_t{r} * host::kImagePixels);
  }
}

}  // namespace train
}  // namespace softedge
