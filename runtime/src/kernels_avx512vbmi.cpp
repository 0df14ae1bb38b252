// AVX-512 VBMI kernels: the VNNI set's (kernels_dot_vnni.h, kernels_batch_vnni.h), compiled
// with -mavx512vbmi on top, which makes remap_pixels the byte-permute lookup (remap_pixels.h).
// A set of its own: VNNI does not imply VBMI (Cascade Lake has one, not the other).

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

SOFTEDGE_DEFINE_XSIMD_BATCH_KERNELS(kAvx512VbmiKernels, "avx512vbmi", xsimd::avx512f,
                                    SOFTEDGE_DENSE_U8S8(DotVnni),
                                    SOFTEDGE_DENSE_U8S8_BATCH(TileVnni, kVnniTileImages));

}  // namespace detail
}  // namespace softedge
