// Which kernel set runs: the best one this CPU and OS support (x86, checked at first use),
// or the compile-time choice (ARM); tests and benchmarks can force any runnable set.
#include <string.h>

#if defined(SOFTEDGE_HAVE_KERNELS_NEON64DOT)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include "kernel_sets.h"

namespace softedge {
namespace {

// Ordered from the most portable to the fastest: the sets SOFTEDGE_KERNELS compiled in.
const KernelSet* const kAllKernels[] = {
#if defined(SOFTEDGE_HAVE_KERNELS_SCALAR)
    &detail::kScalarKernels,
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_CMDSP)
    &detail::kCortexMDspKernels,
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_CMMVE)
    &detail::kCortexMMveKernels,
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_SSE2)
    &detail::kSse2Kernels,
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_AVX2)
    &detail::kAvx2Kernels,
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_AVX512)
    &detail::kAvx512Kernels,
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_AVX512VNNI)
    &detail::kAvx512VnniKernels,
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_NEON) || defined(SOFTEDGE_HAVE_KERNELS_NEON64)
    &detail::kNeonKernels,
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_NEON64DOT)
    &detail::kNeonDotprodKernels,
#endif
};
constexpr size_t kKernelCount = sizeof kAllKernels / sizeof kAllKernels[0];

// The active set. A plain pointer read and written with the compiler's atomic builtins (no
// <atomic>: bare-metal toolchains may have no C++ library), lock-free on every target here.
const KernelSet* g_active = nullptr;

void set_active(const KernelSet* kernels) { __atomic_store_n(&g_active, kernels, __ATOMIC_RELEASE); }

// The fastest runnable set; the first compiled one if none is (a single-set build made for
// a CPU it then runs on).
const KernelSet* best_runnable() {
  for (size_t i = kKernelCount; i-- > 0;) {
    if (kernel_runnable(*kAllKernels[i])) return kAllKernels[i];
  }
  return kAllKernels[0];
}

}  // namespace

bool kernel_runnable(const KernelSet& kernels) {
#if defined(SOFTEDGE_HAVE_X86_SIMD_KERNELS)
  // GCC's __builtin_cpu_supports checks XGETBV too: AVX and AVX-512 count only when the OS
  // saves their registers.
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
                      __builtin_cpu_supports("fma");
  (void)avx512;  // unused when neither AVX-512 set is compiled in
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_SSE2)
  if (&kernels == &detail::kSse2Kernels) return __builtin_cpu_supports("sse2");
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_AVX2)
  if (&kernels == &detail::kAvx2Kernels) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_AVX512)
  if (&kernels == &detail::kAvx512Kernels) return avx512;
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_AVX512VNNI)
  if (&kernels == &detail::kAvx512VnniKernels) {
    return avx512 && __builtin_cpu_supports("avx512vnni");
  }
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_NEON64DOT)
  // The kernel reports the dot-product instructions in the auxiliary vector (no file I/O).
  if (&kernels == &detail::kNeonDotprodKernels) return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#endif
  for (size_t i = 0; i < kKernelCount; ++i) {
    if (kAllKernels[i] == &kernels) return true;  // scalar, and ARM sets chosen at build
  }
  return false;
}

const KernelSet& active_kernels() {
  const KernelSet* active = __atomic_load_n(&g_active, __ATOMIC_ACQUIRE);
  if (active == nullptr) {
    active = best_runnable();
    set_active(active);
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
    set_active(best_runnable());
    return Status::kOk;
  }
  for (size_t i = 0; i < kKernelCount; ++i) {
    if (strcmp(kAllKernels[i]->name, name) != 0) continue;
    if (!kernel_runnable(*kAllKernels[i])) return Status::kKernelUnavailable;
    set_active(kAllKernels[i]);
    return Status::kOk;
  }
  return Status::kUnknownKernel;
}

}  // namespace softedge
