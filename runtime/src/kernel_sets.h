// kernel_sets.h — the table of kernel sets (internal to the runtime): one row per set, from the
// most portable to the fastest, with the cpu:: features (softedge/kernels.h) its instructions
// need. Inference uses the last row whose features this CPU has.
//
// A set's functions and name are defined in its own kernels_<isa>.cpp; it is compiled in when
// SOFTEDGE_KERNELS names it (runtime/CMakeLists.txt, one softedge_kernel_set() call per set),
// which defines SOFTEDGE_HAVE_KERNELS_<NAME>. Each row expands
// SOFTEDGE_KERNEL_SET(variable, required features), which the includer defines: no include
// guard (kernel_requirements.h and kernel_registry.cpp read the table more than once).
#if defined(SOFTEDGE_HAVE_KERNELS_SCALAR)
SOFTEDGE_KERNEL_SET(kScalarKernels, 0)
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_CMDSP)
SOFTEDGE_KERNEL_SET(kCortexMDspKernels, cpu::kArmDsp)
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_CMMVE)
SOFTEDGE_KERNEL_SET(kCortexMMveKernels, cpu::kArmMve)
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_SSE2)
SOFTEDGE_KERNEL_SET(kSse2Kernels, cpu::kSse2)
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_AVX2)
SOFTEDGE_KERNEL_SET(kAvx2Kernels, cpu::kAvx2 | cpu::kFma)
#endif
// xsimd's float kernels use AVX-512 DQ, the int8 kernels BW and VL; the flags include FMA.
#if defined(SOFTEDGE_HAVE_KERNELS_AVX512)
SOFTEDGE_KERNEL_SET(kAvx512Kernels,
                    cpu::kAvx512F | cpu::kAvx512Dq | cpu::kAvx512Bw | cpu::kAvx512Vl | cpu::kFma)
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_AVX512VNNI)
SOFTEDGE_KERNEL_SET(kAvx512VnniKernels, cpu::kAvx512F | cpu::kAvx512Dq | cpu::kAvx512Bw |
                                            cpu::kAvx512Vl | cpu::kFma | cpu::kAvx512Vnni)
#endif
// The VNNI set's kernels with the pixel lookup table in byte permutes (remap_pixels.h).
#if defined(SOFTEDGE_HAVE_KERNELS_AVX512VBMI)
SOFTEDGE_KERNEL_SET(kAvx512VbmiKernels, cpu::kAvx512F | cpu::kAvx512Dq | cpu::kAvx512Bw |
                                            cpu::kAvx512Vl | cpu::kFma | cpu::kAvx512Vnni |
                                            cpu::kAvx512Vbmi)
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_NEON)
SOFTEDGE_KERNEL_SET(kNeonKernels, cpu::kNeon)
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_NEON64)
SOFTEDGE_KERNEL_SET(kNeon64Kernels, cpu::kNeon)
#endif
#if defined(SOFTEDGE_HAVE_KERNELS_NEON64DOT)
SOFTEDGE_KERNEL_SET(kNeonDotprodKernels, cpu::kNeon | cpu::kNeonDotprod)
#endif
