// AVX-512 VNNI kernels (compiled with -mavx512vnni on top of the AVX-512 flags).

// This set's direct int8 convolution (kernels_xsimd.h takes it).
#define SOFTEDGE_CONV_U8S8 SOFTEDGE_INT8_CONV_KERNEL(::softedge::detail::conv_u8s8_vnni)

#include "kernels_batch.h"
#include "kernels_batch_vnni.h"
#include "kernels_conv_vnni.h"
#include "kernels_dot_vnni.h"
#include "kernels_int8.h"
#include "kernels_xsimd.h"

namespace softedge {
namespace detail {

SOFTEDGE_DEFINE_XSIMD_BATCH_KERNELS(kAvx512VnniKernels, "avx512vnni", xsimd::avx512f,
                                    SOFTEDGE_DENSE_U8S8(DotVnni),
                                    SOFTEDGE_DENSE_U8S8_BATCH(TileVnni, kVnniTileImages));

}  // namespace detail
}  // namespace softedge
