// lanes_avx512.h — up to 16 float lanes to and from memory in unmasked pieces: the lanes in
// blocks of 4, then a pair, then one. A masked store does not forward its data to later loads:
// they wait until it reaches the cache (measured: a masked store then a load of the same 10
// floats, 7.5-8.5 ns a round trip; pieces then pieces, 4.1-4.4). One image's dense layers
// and softmax hand each other at most 16 values (sums, logits, probabilities, then the top
// class's one), each stored and loaded in these pieces, so that each load is served by its
// store. Include only from a translation unit compiled with AVX-512 flags.
#ifndef SOFTEDGE_RUNTIME_LANES_AVX512_H
#define SOFTEDGE_RUNTIME_LANES_AVX512_H

#include <immintrin.h>
#include <stdint.h>

namespace softedge {
namespace detail {
namespace {

// Block b (0..3) of v; b is a constant wherever the loops below are unrolled.
inline __m128 block_of(__m512 v, uint32_t b) {
  switch (b) {
    case 0: return _mm512_castps512_ps128(v);
    case 1: return _mm512_extractf32x4_ps(v, 1);
    case 2: return _mm512_extractf32x4_ps(v, 2);
    default: return _mm512_extractf32x4_ps(v, 3);
  }
}

// v's first n <= 16 lanes to p[0..n).
inline void store_lanes(float* p, __m512 v, uint32_t n) {
#pragma GCC unroll 4
  for (uint32_t b = 0; b < 4; ++b) {
    __m128 block = block_of(v, b);
    float* q = p + 4 * b;
    const uint32_t left = n > 4 * b ? n - 4 * b : 0;
    if (left >= 4) {
      _mm_storeu_ps(q, block);
    } else {
      if (left & 2) {
        _mm_storel_pi(reinterpret_cast<__m64*>(q), block);
        block = _mm_movehl_ps(block, block);
        q += 2;
      }
      if (left & 1) _mm_store_ss(q, block);
    }
  }
}

inline void store_lanes(int32_t* p, __m512i v, uint32_t n) {
  store_lanes(reinterpret_cast<float*>(p), _mm512_castsi512_ps(v), n);
}

// p[0..n) in lanes 0..n (n <= 16), `fill` in the others: the pieces store_lanes writes.
inline __m512 load_lanes(const float* p, uint32_t n, float fill) {
  __m128 blocks[4];
#pragma GCC unroll 4
  for (uint32_t b = 0; b < 4; ++b) {
    const float* q = p + 4 * b;
    const uint32_t left = n > 4 * b ? n - 4 * b : 0;
    blocks[b] = _mm_set1_ps(fill);
    if (left >= 4) {
      blocks[b] = _mm_loadu_ps(q);
    } else if (left & 2) {
      blocks[b] = _mm_loadl_pi(blocks[b], reinterpret_cast<const __m64*>(q));
      if (left & 1) blocks[b] = _mm_insert_ps(blocks[b], _mm_load_ss(q + 2), 0x20);  // lane 2
    } else if (left & 1) {
      blocks[b] = _mm_move_ss(blocks[b], _mm_load_ss(q));
    }
  }
  const __m256 low = _mm256_insertf128_ps(_mm256_castps128_ps256(blocks[0]), blocks[1], 1);
  const __m256 high = _mm256_insertf128_ps(_mm256_castps128_ps256(blocks[2]), blocks[3], 1);
  return _mm512_insertf32x8(_mm512_castps256_ps512(low), high, 1);
}

}  // namespace
}  // namespace detail
}  // namespace softedge

#endif
