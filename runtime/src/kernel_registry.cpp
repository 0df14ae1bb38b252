// Which kernel set runs: the best one this CPU and OS support (x86, checked at first use),
// or the compile-time choice (ARM); tests and benchmarks can force any runnable set.
#include <atomic>
#include <string.h>

#if defined(SOFTEDGE_HAVE_NEON_DOTPROD_KERNELS)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include "kernel_sets.h"

namespace softedge {
namespace {

// Ordered from the most portable to the fastest.
const KernelSet* const kAllKernels[] = {
    &detail::kScalarKernels,
#if defined(SOFTEDGE_HAVE_X86_KERNELS)
    &detail::kSse2Kernels,
    &detail::kAvx2Kernels,
    &detail::kAvx512Kernels,
    &detail::kAvx512VnniKernels,
#endif
#if defined(SOFTEDGE_HAVE_NEON_KERNELS)
    &detail::kNeonKernels,
#endif
#if defined(SOFTEDGE_HAVE_NEON_DOTPROD_KERNELS)
    &detail::kNeonDotprodKernels,
#endif
};
constexpr size_t kKernelCount = sizeof kAllKernels / sizeof kAllKernels[0];

std::atomic<const KernelSet*> g_active{nullptr};

const KernelSet* best_runnable() {
  for (size_t i = kKernelCount; i-- > 0;) {
    if (kernel_runnable(*kAllKernels[i])) return kAllKernels[i];
  }
  return &detail::kScalarKernels;
}

}  // namespace

bool kernel_runnable(const KernelSet& kernels) {
#if defined(SOFTEDGE_HAVE_X86_KERNELS)
  // GCC's __builtin_cpu_supports checks XGETBV too: AVX and AVX-512 count only when the OS
  // saves their registers.
  __builtin_cpu_init();
  if (&kernels == &detail::kSse2Kernels) return __builtin_cpu_supports("sse2");
  if (&kernels == &detail::kAvx2Kernels) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
                      __builtin_cpu_supports("fma");
  if (&kernels == &detail::kAvx512Kernels) return avx512;
  if (&kernels == &detail::kAvx512VnniKernels) {
    return avx512 && __builtin_cpu_supports("avx512vnni");
  }
#endif
#if defined(SOFTEDGE_HAVE_NEON_DOTPROD_KERNELS)
  // The kernel reports the dot-product instructions in the auxiliary vector (no file I/O).
  if (&kernels == &detail::kNeonDotprodKernels) return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#endif
  for (size_t i = 0; i < kKernelCount; ++i) {
    if (kAllKernels[i] == &kernels) return true;  // scalar, and ARM sets chosen at build
  }
  return false;
}

const KernelSet& active_kernels() {
  const KernelSet* active = g_active.load(std::memory_order_acquire);
  if (active == nullptr) {
    active = best_runnable();
    g_active.store(active, std::memory_order_release);
  }
  return *active;
}

size_t kernel_count() { return kKernelCount; }

const KernelSet& kernel_at(size_t index) {
  return *kAllKernels[index < kKernelCount ? index : 0];
}

Status force_kernel(const char* name) {
  if (name == nullptr) return Status::kNullArgument;
  if (strcmp(name, "auto") == 0) {
    g_active.store(best_runnable(), std::memory_order_release);
    return Status::kOk;
  }
  for (size_t i = 0; i < kKernelCount; ++i) {
    if (strcmp(kAllKernels[i]->name, name) != 0) continue;
    if (!kernel_runnable(*kAllKernels[i])) return Status::kKernelUnavailable;
    g_active.store(kAllKernels[i], std::memory_order_release);
    return Status::kOk;
  }
  return Status::kUnknownKernel;
}

}  // namespace softedge
