// layer_modes.h — which layer modes (softedge/format.h, LayerMode) this build compiles, and
// the kernel set members they need (internal to the runtime).
//
// runtime/CMakeLists.txt defines SOFTEDGE_LAYER_MODE_<MODE> as 1 or 0 from the CMake list
// SOFTEDGE_LAYER_MODES; sources compiled by other means get every mode. A mode left out costs
// no code: its inference path is not compiled, the loader refuses a model that uses it
// (Status::kLayerModeUnavailable), and a kernel set member that only it calls is null.
#ifndef SOFTEDGE_RUNTIME_LAYER_MODES_H
#define SOFTEDGE_RUNTIME_LAYER_MODES_H

#if !defined(SOFTEDGE_LAYER_MODE_FLOAT32)
#define SOFTEDGE_LAYER_MODE_FLOAT32 1
#endif
#if !defined(SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT)
#define SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT 1
#endif
#if !defined(SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT)
#define SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT 1
#endif
// Both int8 modes run the same int8 kernel.
#define SOFTEDGE_LAYER_MODE_INT8 \
  (SOFTEDGE_LAYER_MODE_INT8_FLOAT_OUTPUT || SOFTEDGE_LAYER_MODE_INT8_UINT8_OUTPUT)
// The fused float32 first layer on raw pixels (KernelSet::dense_u8_f32). A size-first build
// (SOFTEDGE_SIZE_FIRST) leaves it out: a float32 layer 0 then reads the features
// pixels_to_f32 writes, through dense_f32 (one kernel less, and with 4-row blocks no more
// instructions: the pixels are converted once instead of once per block of rows).
#if SOFTEDGE_LAYER_MODE_FLOAT32 && !defined(SOFTEDGE_SIZE_FIRST)
#define SOFTEDGE_FUSED_PIXEL_LAYER 1
#else
#define SOFTEDGE_FUSED_PIXEL_LAYER 0
#endif

// Which layer kinds (format.h, LayerKind) this build runs: runtime/CMakeLists.txt defines
// SOFTEDGE_LAYER_KIND_<KIND> as 1 or 0 from the CMake list SOFTEDGE_LAYER_KINDS (dense is
// always in); other sources get every kind. A kind left out costs no code, and the loader
// refuses a model that uses it. Size-first presets keep to dense layers (their 8 KB budget).
#if !defined(SOFTEDGE_LAYER_KIND_CONV2D)
#define SOFTEDGE_LAYER_KIND_CONV2D 1
#endif
#if !defined(SOFTEDGE_LAYER_KIND_MAX_POOL)
#define SOFTEDGE_LAYER_KIND_MAX_POOL 1
#endif
#if !defined(SOFTEDGE_LAYER_KIND_AVG_POOL)
#define SOFTEDGE_LAYER_KIND_AVG_POOL 1
#endif
#define SOFTEDGE_LAYER_KIND_POOL (SOFTEDGE_LAYER_KIND_MAX_POOL || SOFTEDGE_LAYER_KIND_AVG_POOL)
// Layers over NHWC windows (convolution or pooling): inference runs them one image at a time.
#define SOFTEDGE_WINDOW_LAYERS (SOFTEDGE_LAYER_KIND_CONV2D || SOFTEDGE_LAYER_KIND_POOL)
// The sigmoid activation (format version 3) comes with the version's layer kinds: a
// dense-only build (the size-first presets) leaves it out too, and its loader must refuse a
// sigmoid layer. Defined 1 or 0 on the command line to decide it separately.
#if !defined(SOFTEDGE_ACTIVATION_SIGMOID)
#define SOFTEDGE_ACTIVATION_SIGMOID SOFTEDGE_WINDOW_LAYERS
#endif

// A kernel set member, or null when no compiled mode calls it (then a template is never
// instantiated; kernels_scalar.cpp leaves the function out).
#if SOFTEDGE_LAYER_MODE_FLOAT32
#define SOFTEDGE_FLOAT32_KERNEL(function) function
#else
#define SOFTEDGE_FLOAT32_KERNEL(function) nullptr
#endif
#if SOFTEDGE_FUSED_PIXEL_LAYER
#define SOFTEDGE_FUSED_PIXEL_KERNEL(function) function
#else
#define SOFTEDGE_FUSED_PIXEL_KERNEL(function) nullptr
#endif
#if SOFTEDGE_LAYER_MODE_INT8
#define SOFTEDGE_INT8_KERNEL(function) function
#else
#define SOFTEDGE_INT8_KERNEL(function) nullptr
#endif
// Float convolutions: the float32 mode and the conv2d kind both compiled.
#define SOFTEDGE_FLOAT_CONV (SOFTEDGE_LAYER_MODE_FLOAT32 && SOFTEDGE_LAYER_KIND_CONV2D)
#if SOFTEDGE_FLOAT_CONV
#define SOFTEDGE_FLOAT_CONV_KERNEL(function) function
#else
#define SOFTEDGE_FLOAT_CONV_KERNEL(function) nullptr
#endif
// int8 convolutions: an int8 mode and the conv2d kind both compiled.
#define SOFTEDGE_INT8_CONV (SOFTEDGE_LAYER_MODE_INT8 && SOFTEDGE_LAYER_KIND_CONV2D)
#if SOFTEDGE_INT8_CONV
#define SOFTEDGE_INT8_CONV_KERNEL(function) function
#else
#define SOFTEDGE_INT8_CONV_KERNEL(function) nullptr
#endif

#endif
