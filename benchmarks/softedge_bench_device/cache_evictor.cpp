#include "cache_evictor.h"

namespace device_bench {

CacheEvictor::CacheEvictor(size_t bytes) : buffer_(bytes, 1) {}

// One read per 64-byte line displaces the model's lines from every cache level. Reads, not
// writes: dirty lines would be written back during the next timed sample and inflate it.
void CacheEvictor::evict() {
  const volatile uint8_t* bytes = buffer_.data();
  uint8_t sum = 0;
  for (size_t i = 0; i < buffer_.size(); i += 64) sum = static_cast<uint8_t>(sum + bytes[i]);
  round_ = sum;
}

}  // namespace device_bench
