// sse2 kernels (this file is compiled with the sse2 flags only; see runtime/CMakeLists.txt).
#include "kernels_xsimd.h"

namespace softedge {
namespace detail {
SOFTEDGE_DEFINE_XSIMD_KERNELS(kSse2Kernels, "sse2", xsimd::sse2);
}  // namespace detail
}  // namespace softedge
