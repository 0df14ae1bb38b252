// softmax_avx512.h — the AVX-512 softmaxes: one image's logits in one register
// (softmax_one_register, softmax_f32_xsimd's fast path) and up to 16 images transposed
// (KernelSet::softmax_f32_batch), the same bits image by image. For one image the softmax is
// a chain of dependent steps (max, exp, sum, divide) that nothing else overlaps: each step
// here is the one with the shortest latency. Include only from a translation unit compiled
// with AVX-512 flags (kernels_xsimd.h does).
#ifndef SOFTEDGE_RUNTIME_SOFTMAX_AVX512_H
#define SOFTEDGE_RUNTIME_SOFTMAX_AVX512_H

#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include <xsimd/xsimd.hpp>

#include "lanes_avx512.h"

namespace softedge {
namespace detail {
namespace {

// A float constant in every lane, from its bits (xsimd's constants are given as bits).
inline __m512 lanes_of(uint32_t bits) {
  return _mm512_castsi512_ps(_mm512_set1_epi32(static_cast<int>(bits)));
}

// v's lanes added into every lane: a butterfly over halves, quarters, pairs and neighbours,
// with no trip through a scalar register and back.
inline __m512 all_lanes_sum(__m512 v) {
  v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(2, 3, 0, 1)));
  v = _mm512_add_ps(v, _mm512_permute_ps(v, _MM_SHUFFLE(1, 0, 3, 2)));
  return _mm512_add_ps(v, _mm512_permute_ps(v, _MM_SHUFFLE(2, 3, 0, 1)));
}

// Float bits as integers in the floats' order (non-NaN): negative floats' magnitude bits
// flipped. Its own inverse.
inline __m512i ordered_bits(__m512i bits) {
  const __m512i negative = _mm512_srai_epi32(bits, 31);  // all ones where the sign is set
  return _mm512_ternarylogic_epi32(bits, negative, _mm512_set1_epi32(0x7fffffff),
                                   0x78);  // bits ^ (negative & 0x7fffffff)
}

// The largest of v's lanes (none NaN) in every lane: the same butterfly on ordered_bits,
// whose integer max takes 1 cycle where vmaxps takes 4. Of +0 and -0 it gives +0, equal to
// both, as vmaxps's either.
inline __m512 all_lanes_max(__m512 v) {
  __m512i k = ordered_bits(_mm512_castps_si512(v));
  k = _mm512_max_epi32(k, _mm512_shuffle_i32x4(k, k, _MM_SHUFFLE(1, 0, 3, 2)));
  k = _mm512_max_epi32(k, _mm512_shuffle_i32x4(k, k, _MM_SHUFFLE(2, 3, 0, 1)));
  k = _mm512_max_epi32(k, _mm512_shuffle_epi32(k, _MM_PERM_BADC));
  k = _mm512_max_epi32(k, _mm512_shuffle_epi32(k, _MM_PERM_CDAB));
  return _mm512_castsi512_ps(ordered_bits(k));
}

// exp(a) for a <= 0: xsimd's float exp (its constants: k = round(a / ln 2), a - k ln 2 in two
// parts, its degree-5 polynomial, times 2^k; 0 below its minlog) with fewer dependent steps.
// k is rounded by adding 1.5 * 2^23 in the fma that scales a, and the sum's low bits then
// hold k, so 2^k's bits come from an integer add and shift beside the polynomial; the
// polynomial is evaluated by Estrin's scheme; and 2^k (1 + p) is one fma: 4 dependent steps
// from x to the result where xsimd's Horner scheme, its add of 1 and the multiply by 2^k take
// 7. Within an ulp or two of exp_nonpositive, not its bits.
inline __m512 exp_nonpositive_avx512(__m512 a) {
  const __m512 round = _mm512_set1_ps(12582912.0f);  // 1.5 * 2^23, bits 0x4b400000
  const __m512 t = _mm512_fmadd_ps(a, lanes_of(0x3fb8aa3b), round);  // 1 / ln 2
  const __m512 k = _mm512_sub_ps(t, round);
  __m512 x = _mm512_fnmadd_ps(k, lanes_of(0x3f318000), a);  // ln 2's high part
  x = _mm512_fnmadd_ps(k, lanes_of(0xb95e8083), x);         // and its low part
  const __m512 two_to_k = _mm512_castsi512_ps(_mm512_slli_epi32(
      _mm512_add_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(127 - 0x4b400000)), 23));
  // exp(x) - 1 = x + x^2 (c0 + c1 x) + x^4 (c2 + c3 x + c4 x^2), xsimd's coefficients c0..c4
  // (about 1/2, 1/6, 1/24, 1/120, 1/720).
  const __m512 x2 = _mm512_mul_ps(x, x);
  const __m512 low = _mm512_fmadd_ps(lanes_of(0x3e2aa9a5), x, lanes_of(0x3f000000));
  const __m512 high = _mm512_fmadd_ps(lanes_of(0x3c098d8b), x, lanes_of(0x3d2aa957));
  const __m512 x4 = _mm512_mul_ps(x2, x2);
  const __m512 top = _mm512_fmadd_ps(lanes_of(0x3ab778cf), x2, high);
  const __m512 bottom = _mm512_fmadd_ps(low, x2, x);
  const __m512 p = _mm512_fmadd_ps(top, x4, bottom);
  const __mmask16 above_minlog = _mm512_cmp_ps_mask(a, _mm512_set1_ps(-88.3762626647949f),
                                                    _CMP_GT_OQ);
  return _mm512_maskz_fmadd_ps(above_minlog, p, two_to_k, two_to_k);
}

// 1 / sum for quotients() (sum >= 1, a softmax's: its top class's exp is 1): rcp14's estimate
// (2^-14 relative) and its error 1 - sum * estimate, for one Newton step folded into each
// quotient: 3 dependent steps of 4 cycles where a division alone has a longer latency.
struct Inverse {
  __m512 estimate;
  __m512 error;
};

inline Inverse inverse_of(__m512 sum) {
  const __m512 estimate = _mm512_rcp14_ps(sum);
  return {estimate, _mm512_fnmadd_ps(sum, estimate, _mm512_set1_ps(1.0f))};
}

// e / sum within about an ulp: q = e * estimate corrected by q * error.
inline __m512 quotients(__m512 e, Inverse inverse) {
  const __m512 q = _mm512_mul_ps(e, inverse.estimate);
  return _mm512_fmadd_ps(q, inverse.error, q);
}

// vfpclassps categories of a non-finite float: quiet NaN, +inf, -inf, signaling NaN.
constexpr int kNonFiniteClasses = 0x01 | 0x08 | 0x10 | 0x80;

// Up to 16 logits (a 10-class model's) in one register, unused lanes -inf (exp gives 0), in and
// out in lanes_avx512.h's pieces:
// the non-finite test is one fpclass (NaN, +inf, -inf), the top class the first lane equal
// to the max, and max, sum and 1 / sum stay in all lanes.
template <class Arch>
inline bool softmax_one_register(const float* logits, uint32_t n, float* probabilities,
                                 uint32_t* argmax, bool* finite, xsimd::avx512f) {
  if (n > 16) return false;
  const __mmask16 lanes = static_cast<__mmask16>((1u << n) - 1u);
  const __m512 v = load_lanes(logits, n, -INFINITY);
  *finite = _mm512_mask_fpclass_ps_mask(lanes, v, kNonFiniteClasses) == 0;
  if (!*finite) {
    store_lanes(probabilities, _mm512_setzero_ps(), n);
    *argmax = 0;
    return true;
  }
  const __m512 max = all_lanes_max(v);
  *argmax = static_cast<uint32_t>(__builtin_ctz(_mm512_mask_cmpeq_ps_mask(lanes, v, max)));
  const __m512 e = exp_nonpositive_avx512(_mm512_sub_ps(v, max));
  store_lanes(probabilities, quotients(e, inverse_of(all_lanes_sum(e))), n);
  return true;
}

// r[i] lane j becomes r[j] lane i: interleaved pairs of floats, then of pairs, then 128-bit
// blocks twice (4 steps of 16 shuffles).
inline void transpose_16x16(__m512* r) {
  __m512 t[16], u[16];
#pragma GCC unroll 8
  for (uint32_t i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
#pragma GCC unroll 4
  for (uint32_t i = 0; i < 16; i += 4) {
    const auto pd = [](__m512 a) { return _mm512_castps_pd(a); };
    u[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(t[i]), pd(t[i + 2])));
    u[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(t[i]), pd(t[i + 2])));
    u[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(t[i + 1]), pd(t[i + 3])));
    u[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(t[i + 1]), pd(t[i + 3])));
  }
#pragma GCC unroll 4
  for (uint32_t i = 0; i < 4; ++i) {  // blocks 0 and 2, then 1 and 3, of rows 4 apart
    t[i] = _mm512_shuffle_f32x4(u[i], u[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_f32x4(u[i], u[i + 4], 0xdd);
    t[i + 8] = _mm512_shuffle_f32x4(u[i + 8], u[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_f32x4(u[i + 8], u[i + 12], 0xdd);
  }
#pragma GCC unroll 8
  for (uint32_t i = 0; i < 8; ++i) {  // the same of rows 8 apart: columns i and i + 8
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
  }
}

// softmax_one_register for up to 16 images at once (KernelSet::softmax_f32_batch), transposed:
// lane m is image m and register c holds class c of every image (transposed in and out). The
// same operations per image in the same order, so the same bits: the max (exact in any
// order; of +0 and -0 either, which give the same differences), the top class as the first
// class equal to it, exp_nonpositive_avx512 of each logit less the max, all_lanes_sum's
// butterfly (lane i with lane i ^ 8, then ^ 4, ^ 2, ^ 1) as adds of whole registers, the
// classes past n being the zeros exp gives its -inf lanes, and the quotients. One exp per
// class for 16 images, not one per image.
template <class Arch>
bool softmax_f32_batch_avx512(const float* logits, size_t stride, uint32_t count, uint32_t n,
                              float* probabilities, uint32_t* top_classes) {
  if (n == 0 || n > 16 || count == 0 || count > 16) return false;
  const __mmask16 images = static_cast<__mmask16>((1u << count) - 1u);
  const __mmask16 classes = static_cast<__mmask16>((1u << n) - 1u);
  // x[c]: class c of every image, then its exponential, in place (16 registers). The loops
  // run 16 times with constant indices, classes past n doing nothing: the registers stay
  // registers (a loop to the run-time n put them on the stack: a 1,352-byte frame). In by a
  // transpose of the images' rows, zeros past n classes and count images (cheaper than 10
  // gathers).
  __m512 x[16];
#pragma GCC unroll 16
  for (uint32_t m = 0; m < 16; ++m) {
    x[m] = m < count ? _mm512_maskz_loadu_ps(classes, logits + m * stride) : _mm512_setzero_ps();
  }
  transpose_16x16(x);
  __mmask16 non_finite = 0;
  __m512 max = _mm512_set1_ps(-INFINITY);
#pragma GCC unroll 16
  for (uint32_t c = 0; c < 16; ++c) {
    if (c >= n) continue;
    non_finite |= _mm512_mask_fpclass_ps_mask(images, x[c], kNonFiniteClasses);
    max = _mm512_max_ps(max, x[c]);
  }
  if (non_finite != 0) return false;  // image by image: the first such image stops the call
  __m512i top = _mm512_setzero_si512();
  __mmask16 found = 0;  // the first class equal to the max wins
#pragma GCC unroll 16
  for (uint32_t c = 0; c < 16; ++c) {
    if (c >= n) continue;
    const __mmask16 equal = _mm512_cmpeq_ps_mask(x[c], max) & static_cast<__mmask16>(~found);
    top = _mm512_mask_mov_epi32(top, equal, _mm512_set1_epi32(static_cast<int>(c)));
    found |= equal;
    x[c] = exp_nonpositive_avx512(_mm512_sub_ps(x[c], max));
  }
  const auto exp_of = [&](uint32_t c) { return c < n ? x[c] : _mm512_setzero_ps(); };
  __m512 sums[8];
#pragma GCC unroll 8
  for (uint32_t i = 0; i < 8; ++i) sums[i] = _mm512_add_ps(exp_of(i), exp_of(i + 8));
#pragma GCC unroll 4
  for (uint32_t i = 0; i < 4; ++i) sums[i] = _mm512_add_ps(sums[i], sums[i + 4]);
  sums[0] = _mm512_add_ps(sums[0], sums[2]);
  sums[1] = _mm512_add_ps(sums[1], sums[3]);
  const Inverse inverse = inverse_of(_mm512_add_ps(sums[0], sums[1]));
  // Back to one register per image (a 16 x 16 transpose: cheaper than 10 scatters), each
  // stored as its n probabilities.
#pragma GCC unroll 16
  for (uint32_t c = 0; c < 16; ++c) x[c] = quotients(exp_of(c), inverse);
  transpose_16x16(x);
#pragma GCC unroll 16
  for (uint32_t m = 0; m < 16; ++m) {
    if (m < count) _mm512_mask_storeu_ps(probabilities + m * n, classes, x[m]);
  }
  if (top_classes != nullptr) _mm512_mask_storeu_epi32(top_classes, images, top);
  return true;
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
