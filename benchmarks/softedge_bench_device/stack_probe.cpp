#include "stack_probe.h"

#include <cstdint>

namespace device_bench {
namespace {

constexpr uint8_t kPaint = 0xA5;

// Volatile stores: the compiler may not drop them although the array dies on return.
__attribute__((noinline)) uintptr_t paint_below_caller() {
  volatile uint8_t region[kProbeBytes];
  for (size_t i = 0; i < kProbeBytes; ++i) region[i] = kPaint;
  return reinterpret_cast<uintptr_t>(&region[0]);
}

// The scan stays in this frame (no calls after `call` returns), which lies above the painted
// region, so it cannot disturb what it reads. Reading below the stack pointer is outside the
// C++ abstract machine but well defined on the Linux targets this tool runs on.
__attribute__((noinline)) size_t deepest_use(void (*call)(void*), void* context) {
  const uintptr_t lowest = paint_below_caller();
  call(context);
  const volatile uint8_t* bytes = reinterpret_cast<const volatile uint8_t*>(lowest);
  size_t untouched = 0;
  while (untouched < kProbeBytes && bytes[untouched] == kPaint) ++untouched;
  return kProbeBytes - untouched;
}

__attribute__((noinline)) void empty_call(void*) { asm volatile("" ::: "memory"); }

}  // namespace

size_t measure_stack_use(void (*call)(void*), void* context) {
  static const size_t baseline = deepest_use(empty_call, nullptr);
  const size_t used = deepest_use(call, context);
  return used > baseline ? used - baseline : 0;
}

}  // namespace device_bench
