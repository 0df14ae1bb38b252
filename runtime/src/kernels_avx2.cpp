// avx2 kernels (this file is compiled with the avx2 flags only; see runtime/CMakeLists.txt).
#include "kernels_xsimd.h"

namespace softedge {
namespace detail {
SOFTEDGE_DEFINE_XSIMD_KERNELS(kAvx2Kernels, "avx2", xsimd::fma3<xsimd::avx2>);
}  // namespace detail
}  // namespace softedge
