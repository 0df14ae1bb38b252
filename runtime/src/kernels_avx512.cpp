// avx512 kernels (this file is compiled with the avx512 flags only; see runtime/CMakeLists.txt).
#include "kernels_xsimd.h"

namespace softedge {
namespace detail {
SOFTEDGE_DEFINE_XSIMD_KERNELS(kAvx512Kernels, "avx512", xsimd::avx512f);
}  // namespace detail
}  // namespace softedge
