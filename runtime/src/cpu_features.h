// cpu_features.h — detect_cpu_features(), the body of the public cpu_features() (internal to
// the runtime): which of the CPU features the compiled kernel sets need (kernel_sets.h) this
// CPU and OS have, as the cpu:: bits of softedge/kernels.h. Only those are asked for, so a
// build whose sets need nothing beyond what it was compiled for (one set, armv7 NEON,
// Cortex-M) asks the CPU nothing and the registry's checks fold into constants. Cheap enough
// to call each time: on x86 it reads what libgcc's __builtin_cpu_init found once (CPUID,
// XGETBV), on aarch64 Linux the HWCAP word the kernel passed at start-up.
#ifndef SOFTEDGE_RUNTIME_CPU_FEATURES_H
#define SOFTEDGE_RUNTIME_CPU_FEATURES_H

#include <stdint.h>

#include "kernel_requirements.h"
#include "softedge/kernels.h"

#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace softedge {
namespace detail {

constexpr uint32_t kAskedFeatures = required_features::kAnyCompiledSet;

constexpr bool asked(uint32_t features) { return (kAskedFeatures & features) != 0; }

inline uint32_t detect_cpu_features() {
  uint32_t found = 0;
  // What the compiler targets, the whole library included.
#if defined(__ARM_NEON)
  found |= cpu::kNeon;
#endif
#if defined(__ARM_FEATURE_DOTPROD)
  found |= cpu::kNeonDotprod;
#endif
#if defined(__ARM_FEATURE_DSP)
  found |= cpu::kArmDsp;
#endif
#if defined(__ARM_FEATURE_MVE)
  found |= cpu::kArmMve;
#endif
#if defined(__x86_64__) || defined(__i386__)
  // __builtin_cpu_supports checks XGETBV too: AVX and AVX-512 count only when the OS saves
  // their registers.
  constexpr uint32_t kX86 = cpu::kSse2 | cpu::kAvx2 | cpu::kFma | cpu::kAvx512F | cpu::kAvx512Dq |
                           cpu::kAvx512Bw | cpu::kAvx512Vl | cpu::kAvx512Vnni |
                           cpu::kAvx512Vbmi;
  if (asked(kX86)) __builtin_cpu_init();
  if (asked(cpu::kSse2) && __builtin_cpu_supports("sse2")) found |= cpu::kSse2;
  if (asked(cpu::kAvx2) && __builtin_cpu_supports("avx2")) found |= cpu::kAvx2;
  if (asked(cpu::kFma) && __builtin_cpu_supports("fma")) found |= cpu::kFma;
  if (asked(cpu::kAvx512F) && __builtin_cpu_supports("avx512f")) found |= cpu::kAvx512F;
  if (asked(cpu::kAvx512Dq) && __builtin_cpu_supports("avx512dq")) found |= cpu::kAvx512Dq;
  if (asked(cpu::kAvx512Bw) && __builtin_cpu_supports("avx512bw")) found |= cpu::kAvx512Bw;
  if (asked(cpu::kAvx512Vl) && __builtin_cpu_supports("avx512vl")) found |= cpu::kAvx512Vl;
  if (asked(cpu::kAvx512Vnni) && __builtin_cpu_supports("avx512vnni")) {
    found |= cpu::kAvx512Vnni;
  }
  // CPUID.7.0:ECX bit 1. A CPU of its own: Cascade Lake has VNNI but no VBMI.
  if (asked(cpu::kAvx512Vbmi) && __builtin_cpu_supports("avx512vbmi")) {
    found |= cpu::kAvx512Vbmi;
  }
#endif
#if defined(__aarch64__) && defined(__linux__)
  // The kernel reports the dot-product instructions in the auxiliary vector (no file I/O).
  if (asked(cpu::kNeonDotprod) && (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0) {
    found |= cpu::kNeonDotprod;
  }
#endif
  return found & kAskedFeatures;
}

}  // namespace detail
}  // namespace softedge

#endif
