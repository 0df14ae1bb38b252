#include "softedge/train/flush_denormals.h"

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace softedge {
namespace train {

ScopedFlushDenormals::ScopedFlushDenormals() : saved_(0) {
#if defined(__SSE__) || defined(__x86_64__)
  saved_ = _mm_getcsr();
  _mm_setcsr(static_cast<unsigned>(saved_) | 0x8040u);  // FTZ (bit 15) | DAZ (bit 6)
#elif defined(__aarch64__)
  __asm__ __volatile__("mrs %0, fpcr" : "=r"(saved_));
  const uint64_t flushing = saved_ | (uint64_t{1} << 24);  // FZ
  __asm__ __volatile__("msr fpcr, %0" : : "r"(flushing));
#endif
}

ScopedFlushDenormals::~ScopedFlushDenormals() {
#if defined(__SSE__) || defined(__x86_64__)
  _mm_setcsr(static_cast<unsigned>(saved_));
#elif defined(__aarch64__)
  __asm__ __volatile__("msr fpcr, %0" : : "r"(saved_));
#endif
}

}  // namespace train
}  // namespace softedge
