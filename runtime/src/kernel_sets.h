// kernel_sets.h — the kernel sets compiled into this build (internal to the runtime).
#ifndef SOFTEDGE_RUNTIME_KERNEL_SETS_H
#define SOFTEDGE_RUNTIME_KERNEL_SETS_H

#include "softedge/kernels.h"

namespace softedge {
namespace detail {

extern const KernelSet kScalarKernels;
#if defined(SOFTEDGE_HAVE_X86_KERNELS)
extern const KernelSet kSse2Kernels;
extern const KernelSet kAvx2Kernels;
extern const KernelSet kAvx512Kernels;
extern const KernelSet kAvx512VnniKernels;
#endif
#if defined(SOFTEDGE_HAVE_NEON_KERNELS)
extern const KernelSet kNeonKernels;
#endif
#if defined(SOFTEDGE_HAVE_NEON_DOTPROD_KERNELS)
extern const KernelSet kNeonDotprodKernels;
#endif

}  // namespace detail
}  // namespace softedge

#endif
