/* softedge/softedge_c.h — the runtime's C API (C99; also valid C++).
 *
 * A thin layer over the C++ API of softedge.h, in the same library, with the same promises:
 * no heap, no exceptions, no file I/O, and no C++ runtime library needed to link it (a C
 * program links libsoftedge_runtime.a and libm with the C compiler). Every call that can
 * fail returns a softedge_status; SOFTEDGE_OK is 0.
 *
 *     #include <softedge/softedge_c.h>
 *
 *     static softedge_model model;                    // a fixed-size value: no allocation
 *     static unsigned char scratch[4096];             // >= softedge_scratch_bytes(&model)
 *     float probabilities[10];
 *     uint32_t top;
 *     if (softedge_load(model_bytes, model_size, &model) != SOFTEDGE_OK) ...;
 *     softedge_infer_u8(&model, pixels, 784, probabilities, 10, scratch, sizeof scratch, &top);
 *
 * The model bytes are not copied: they must stay where they are, unchanged, for as long as
 * the softedge_model is used, and be 4-byte aligned (64-byte alignment keeps SIMD loads
 * from splitting cache lines). A softedge_model whose load failed is left empty: every call
 * on it returns SOFTEDGE_NULL_ARGUMENT (or 0 / ""). Calls on different scratch buffers may
 * run concurrently. docs/RUNTIME.md has a complete example.
 */
#ifndef SOFTEDGE_SOFTEDGE_C_H
#define SOFTEDGE_SOFTEDGE_C_H

#include <stddef.h>
#include <stdint.h>

#include "softedge/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One value per C++ softedge::Status, in the same order (checked when the library builds). */
typedef enum softedge_status {
  SOFTEDGE_OK = 0,
  SOFTEDGE_NULL_ARGUMENT,       /* a required pointer was null, or the model is not loaded */
  SOFTEDGE_MISALIGNED_BUFFER,   /* model bytes not 4-byte aligned */
  SOFTEDGE_TRUNCATED,           /* fewer bytes than the header or its file size says */
  SOFTEDGE_BAD_MAGIC,           /* not a softedge model file */
  SOFTEDGE_UNSUPPORTED_VERSION, /* written by a newer (or unknown) format version */
  SOFTEDGE_BAD_HEADER,          /* header size, file size field, flags or reserved fields */
  SOFTEDGE_CHECKSUM_MISMATCH,   /* CRC-32 does not match: the file is corrupted */
  SOFTEDGE_BAD_LAYER_TABLE,     /* layer count, entry size or table position */
  SOFTEDGE_BAD_DIMENSIONS,      /* zero, too large, or layers that do not chain */
  SOFTEDGE_BAD_TENSOR_OFFSET,   /* a tensor outside the file, misaligned or overlapping */
  SOFTEDGE_UNSUPPORTED_LAYER,   /* layer kind, activation or weight type this runtime lacks */
  SOFTEDGE_NON_FINITE_WEIGHTS,  /* a weight or bias is NaN or infinite */
  SOFTEDGE_BAD_QUANTIZATION,    /* int8: a bad scale, or a bias that could overflow int32 */
  SOFTEDGE_BAD_CLASS_NAMES,     /* class name block is not num_classes NUL-terminated names */
  SOFTEDGE_BAD_PREPROCESSING,   /* unknown input transform or non-finite scale/bias */
  SOFTEDGE_SIZE_MISMATCH,       /* caller's input or output count differs from the model's */
  SOFTEDGE_SCRATCH_TOO_SMALL,   /* scratch smaller than softedge_scratch_bytes() */
  SOFTEDGE_NON_FINITE_LOGITS,   /* NaN/Inf input (or overflow): probabilities all 0 */
  SOFTEDGE_UNKNOWN_KERNEL,      /* softedge_force_kernel: no kernel set of that name */
  SOFTEDGE_KERNEL_UNAVAILABLE,  /* softedge_force_kernel: this CPU (or OS) cannot run it */
  SOFTEDGE_LAYER_MODE_UNAVAILABLE, /* softedge_load: a layer mode or kind this build leaves out */
  SOFTEDGE_STATUS_COUNT         /* not a status: how many there are */
} softedge_status;

/* Bytes of a softedge_model: room for the C++ softedge::Model (1296 bytes on 64-bit targets,
 * 1048 on 32-bit ones; the library checks at build time that it fits). */
#define SOFTEDGE_MODEL_STORAGE_BYTES (64 * sizeof(void *) + 792)

/* A loaded model: a view of the caller's model bytes. Declare it anywhere (static, stack,
 * inside another struct); only the functions below read or write it. */
typedef struct softedge_model {
  union {
    void *align_pointer_;
    uint64_t align_u64_;
    double align_double_;
    unsigned char bytes_[SOFTEDGE_MODEL_STORAGE_BYTES];
  } storage_;
} softedge_model;

/* Validates `size` bytes at `data` (every field, bounds, overflow, CRC) and makes `model` a
 * view of them. Any byte sequence is safe to pass. On failure `model` is left empty. */
softedge_status softedge_load(const uint8_t *data, size_t size, softedge_model *model);

/* Bytes of scratch memory one inference needs (any alignment); 0 for an empty model. */
size_t softedge_scratch_bytes(const softedge_model *model);

/* Bytes of scratch with which softedge_infer_batch_u8 runs tiles of up to 16 images at once
 * (faster), for calls of up to `images` images; 0 for an empty model. On x86, from 256
 * images on, it also holds the dense layers' weights transposed once per call. */
size_t softedge_batch_scratch_bytes(const softedge_model *model, size_t images);

/* One image of raw pixels: `pixel_count` must equal softedge_input_size() and
 * `probability_count` softedge_num_classes(). `top_class` may be null. If a logit is not
 * finite, returns SOFTEDGE_NON_FINITE_LOGITS with every probability 0 and top class 0. */
softedge_status softedge_infer_u8(const softedge_model *model, const uint8_t *pixels,
                                  size_t pixel_count, float *probabilities,
                                  size_t probability_count, void *scratch, size_t scratch_size,
                                  uint32_t *top_class);

/* `image_count` images of softedge_input_size() pixels back to back. `probabilities`
 * (image_count x num_classes) and `top_classes` (image_count) may each be null. Stops at the
 * first image that fails and returns its status. Runs tiles of images when the scratch is
 * larger than softedge_scratch_bytes() (see softedge_batch_scratch_bytes), with the same
 * results. */
softedge_status softedge_infer_batch_u8(const softedge_model *model, const uint8_t *pixels,
                                        size_t image_count, float *probabilities,
                                        uint32_t *top_classes, void *scratch,
                                        size_t scratch_size);

/* Pixels per image (height x width x channels) and number of classes; 0 for an empty model. */
uint32_t softedge_input_size(const softedge_model *model);
uint32_t softedge_num_classes(const softedge_model *model);

/* The name of class `index`, or "" when out of range; never null. */
const char *softedge_class_name(const softedge_model *model, uint32_t index);

/* A short English sentence for the status; never null. */
const char *softedge_status_message(softedge_status status);

/* The kernel set inference uses now: "scalar", "sse2", "avx2", "avx512", "avx512vnni",
 * "neon", "neon64" or "neon64dot". */
const char *softedge_kernel_name(void);

/* Makes inference use the named kernel set ("auto": the best this CPU runs), for tests and
 * benchmarks. Not thread-safe against concurrent inference. */
softedge_status softedge_force_kernel(const char *name);

/* The library's version string (SOFTEDGE_VERSION_STRING of the build that made it) and the
 * newest model format version its loader reads (it reads every version from 1 on). */
const char *softedge_version(void);
uint32_t softedge_format_version(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* SOFTEDGE_SOFTEDGE_C_H */
