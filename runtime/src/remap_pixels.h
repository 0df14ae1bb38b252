// remap_pixels.h — out[i] = table[pixels[i]]: a model's 256-entry pixel lookup table applied
// to an image (KernelSet::remap_pixels). The reference is the plain loop, the scalar set's
// kernel, which inference also runs itself for a set without one (null: no separate copy of
// the loop in a size-budgeted single-set build). A translation unit compiled with AVX-512
// VBMI looks up 64 pixels at once: the table fills four registers, two two-register byte
// permutes (vpermi2b, indexed by the pixel's low 7 bits) read both halves of the table, and
// the pixel's top bit picks one. SOFTEDGE_REMAP_PIXELS names this translation unit's kernel.
#ifndef SOFTEDGE_RUNTIME_REMAP_PIXELS_H
#define SOFTEDGE_RUNTIME_REMAP_PIXELS_H

#include <stdint.h>

#if defined(__AVX512VBMI__) && defined(__AVX512BW__)
#include <immintrin.h>
#endif

// Whether a set compiled in has a remap_pixels of its own: where none has, inference runs the
// loop without asking the set (no test, no call in a size-budgeted single-set build).
#if defined(SOFTEDGE_HAVE_KERNELS_AVX512VBMI)
#define SOFTEDGE_REMAP_PIXELS_KERNELS 1
#else
#define SOFTEDGE_REMAP_PIXELS_KERNELS 0
#endif

namespace softedge {
namespace detail {
namespace {

// The table and the count are parameters, not re-read from the model: the byte stores could
// otherwise alias them, and the compiler would reload both for every pixel.
inline void remap_pixels_loop(const uint8_t* pixels, uint32_t n, const uint8_t* table,
                              uint8_t* out) {
  for (uint32_t i = 0; i < n; ++i) out[i] = table[pixels[i]];
}

#if defined(__AVX512VBMI__) && defined(__AVX512BW__)
// The last partial register through masked loads and stores: no byte read or written past
// the n pixels.
inline void remap_pixels_vbmi(const uint8_t* pixels, uint32_t n, const uint8_t* table,
                              uint8_t* out) {
  const __m512i t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 64);
  const __m512i t2 = _mm512_loadu_si512(table + 128), t3 = _mm512_loadu_si512(table + 192);
  const auto lookup = [&](__m512i index) {
    const __m512i low = _mm512_permutex2var_epi8(t0, index, t1);   // table[index & 127]
    const __m512i high = _mm512_permutex2var_epi8(t2, index, t3);  // table[128 + (index & 127)]
    return _mm512_mask_blend_epi8(_mm512_movepi8_mask(index), low, high);
  };
  uint32_t i = 0;
  for (; i + 64 <= n; i += 64) _mm512_storeu_si512(out + i, lookup(_mm512_loadu_si512(pixels + i)));
  if (i < n) {
    const __mmask64 mask = ~0ull >> (64 - (n - i));
    _mm512_mask_storeu_epi8(out + i, mask, lookup(_mm512_maskz_loadu_epi8(mask, pixels + i)));
  }
}
#define SOFTEDGE_REMAP_PIXELS ::softedge::detail::remap_pixels_vbmi
#else
#define SOFTEDGE_REMAP_PIXELS nullptr
#endif

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
