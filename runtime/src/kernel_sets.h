// kernel_sets.h — the kernel sets compiled into this build (internal to the runtime). Each
// set's file is compiled only when SOFTEDGE_KERNELS names it (runtime/CMakeLists.txt), which
// defines SOFTEDGE_HAVE_KERNELS_<NAME>.
#ifndef SOFTEDGE_RUNTIME_KERNEL_SETS_H
#define SOFTEDGE_RUNTIME_KERNEL_SETS_H

#include "softedge/kernels.h"

// Any x86 SIMD set: the run-time CPU checks are needed.
#if defined(SOFTEDGE_HAVE_KERNELS_SSE2) || defined(SOFTEDGE_HAVE_KERNELS_AVX2) || \
    defined(SOFTEDGE_HAVE_KERNELS_AVX512) || defined(SOFTEDGE_HAVE_KERNELS_AVX512VNNI)
#define SOFTEDGE_HAVE_X86_SIMD_KERNELS 1
#endif

namespace softedge {
namespace detail {

extern const KernelSet kScalarKernels;
extern const KernelSet kSse2Kernels;
extern const KernelSet kAvx2Kernels;
extern const KernelSet kAvx512Kernels;
extern const KernelSet kAvx512VnniKernels;
extern const KernelSet kNeonKernels;         // "neon" on armv7, "neon64" on aarch64
extern const KernelSet kNeonDotprodKernels;  // "neon64dot"
extern const KernelSet kCortexMDspKernels;   // "cmdsp": Cortex-M4/M7/M55 DSP extension
extern const KernelSet kCortexMMveKernels;   // "cmmve": Cortex-M55 Helium

}  // namespace detail
}  // namespace softedge

#endif
