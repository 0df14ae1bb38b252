// NEON kernels: armv7 (-mfpu=neon-vfpv4) or aarch64, chosen at compile time.
#include "kernels_xsimd.h"

namespace softedge {
namespace detail {
#if defined(__aarch64__)
SOFTEDGE_DEFINE_XSIMD_KERNELS(kNeonKernels, "neon64", xsimd::neon64);
#else
SOFTEDGE_DEFINE_XSIMD_KERNELS(kNeonKernels, "neon", xsimd::neon);
#endif
}  // namespace detail
}  // namespace softedge
