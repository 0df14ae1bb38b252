// cache_evictor.h — pushes a model out of the CPU caches between cold-start samples by
// streaming through a buffer larger than the last-level cache.
#ifndef SOFTEDGE_BENCH_DEVICE_CACHE_EVICTOR_H
#define SOFTEDGE_BENCH_DEVICE_CACHE_EVICTOR_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace device_bench {

class CacheEvictor {
 public:
  explicit CacheEvictor(size_t bytes);  // 0: evict nothing (warm-cache "cold" start)
  void evict();

 private:
  std::vector<uint8_t> buffer_;
  volatile uint8_t round_ = 0;  // keeps the reads
};

}  // namespace device_bench

#endif
