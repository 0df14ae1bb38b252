// softedge/train/aligned_vector.h — std::vector with 64-byte aligned storage, for buffers SIMD
// kernels stream through: a 16-byte aligned base makes every other AVX-512 load split cache
// lines.
#ifndef SOFTEDGE_TRAIN_ALIGNED_VECTOR_H
#define SOFTEDGE_TRAIN_ALIGNED_VECTOR_H

#include <cstddef>
#include <new>
#include <vector>

namespace softedge {
namespace train {

template <class T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};

  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}

  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, size_t) { ::operator delete(p, kAlignment); }

  template <class U>
  bool operator==(const CacheLineAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const CacheLineAllocator<U>&) const { return false; }
};

template <class T>
using AlignedVector = std::vector<T, CacheLineAllocator<T>>;

}  // namespace train
}  // namespace softedge

#endif
